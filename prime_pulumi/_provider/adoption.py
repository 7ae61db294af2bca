"""Which pods of a name are a create's own: the one place pods are judged by name.

A pod's name is how a create finds what an interrupted run, or a create whose
answer was lost, made. Every path applies the same checks. A pod of the name
and the declared GPU type and count is ours; any other is plainly someone
else's. Of ours, a live one is adopted (the oldest); one in ``ERROR`` is never
adopted, but it is ours to delete, or it would bill with nobody tracking it;
one ``DELETING`` or ``TERMINATED`` is on its way out. A name held only by
someone else's live pod is taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prime_pulumi._provider.pod_inputs import PodInputs
from prime_pulumi.client import PodDetails, PodNameTakenError, PodState

#: States a pod does not come back from: such a pod is never adopted.
GOING_AWAY = frozenset({PodState.DELETING, PodState.TERMINATED, PodState.ERROR})


@dataclass(frozen=True)
class NameLookup:
    """What a lookup by name found of ours: a pod to adopt, and failed pods to delete."""

    adopt: PodDetails | None
    failed: tuple[PodDetails, ...] = ()


def mismatches(pod: PodDetails, spec: PodInputs) -> list[str]:
    """How ``pod`` plainly differs from the declared pod (nothing the API left out counts)."""
    found = []
    if pod.gpu_name is not None and pod.gpu_name != spec.gpu_type:
        found.append(f"GPU {pod.gpu_name}, not {spec.gpu_type}")
    if pod.gpu_count is not None and pod.gpu_count != spec.gpu_count:
        found.append(f"{pod.gpu_count} GPUs, not {spec.gpu_count}")
    return found


def look_up(found: Sequence[PodDetails], spec: PodInputs, name: str) -> NameLookup:
    """Judges the pods called ``name``: the oldest live one of ours to adopt, ours that failed.

    Raises :class:`PodNameTakenError` when live pods have the name but none is ours.
    """
    named = sorted(
        (p for p in found if p.name == name),
        key=lambda pod: (pod.created_at is None, pod.created_at or 0),
    )
    ours = [pod for pod in named if not mismatches(pod, spec)]
    live = [pod for pod in ours if pod.status not in GOING_AWAY]
    failed = tuple(pod for pod in ours if pod.status == PodState.ERROR)
    if live:
        return NameLookup(live[0], failed)
    theirs = [pod for pod in named if pod.status not in GOING_AWAY and mismatches(pod, spec)]
    if theirs:
        raise PodNameTakenError(
            f"Pod {name!r}: a pod of that name already exists ({theirs[0].id}) with "
            f"{' and '.join(mismatches(theirs[0], spec))}; it was left alone and nothing was "
            "created. Give this Pod another name",
            pod_name=name,
            pod_id=theirs[0].id,
        )
    return NameLookup(None, failed)
