"""Which pod of a name a create takes as its own: the one place pods are chosen by name.

A pod's name is how a create finds what an interrupted run, or a create whose
answer was lost, made. Every path applies the same checks: a pod on its way
out (``DELETING``, ``TERMINATED``, ``ERROR``) is never adopted; a pod of
another GPU type or count is plainly someone else's, and its name is taken.
"""

from __future__ import annotations

from collections.abc import Sequence

from prime_pulumi._provider.pod_inputs import PodInputs
from prime_pulumi.client import PodDetails, PodNameTakenError, PodState

#: States a pod does not come back from: such a pod is never adopted.
GOING_AWAY = frozenset({PodState.DELETING, PodState.TERMINATED, PodState.ERROR})


def mismatches(pod: PodDetails, spec: PodInputs) -> list[str]:
    """How ``pod`` plainly differs from the declared pod (nothing the API left out counts)."""
    found = []
    if pod.gpu_name is not None and pod.gpu_name != spec.gpu_type:
        found.append(f"GPU {pod.gpu_name}, not {spec.gpu_type}")
    if pod.gpu_count is not None and pod.gpu_count != spec.gpu_count:
        found.append(f"{pod.gpu_count} GPUs, not {spec.gpu_count}")
    return found


def choose(found: Sequence[PodDetails], spec: PodInputs, name: str) -> PodDetails | None:
    """The pod called ``name`` to adopt: the oldest live one that matches; ``None`` if none.

    Raises :class:`PodNameTakenError` when live pods have the name but none is ours.
    """
    live = [p for p in found if p.name == name and p.status not in GOING_AWAY]
    live.sort(key=lambda pod: (pod.created_at is None, pod.created_at or 0))
    ours = [pod for pod in live if not mismatches(pod, spec)]
    if ours:
        return ours[0]
    if live:
        theirs = live[0]
        raise PodNameTakenError(
            f"Pod {name!r}: a pod of that name already exists ({theirs.id}) with "
            f"{' and '.join(mismatches(theirs, spec))}; it was left alone and nothing was "
            "created. Give this Pod another name",
            pod_name=name,
            pod_id=theirs.id,
        )
    return None
