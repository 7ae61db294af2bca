"""Which pods of a name are a create's own: the pod's rule for the judging by name
of ``core/adoption.py``: one that has the declared GPU type and count."""

from __future__ import annotations

from collections.abc import Sequence

from prime_pulumi.client import PodDetails
from prime_pulumi.core.adoption import NameLookup
from prime_pulumi.core.adoption import look_up as look_up_named
from prime_pulumi.pod.errors import PodNameTakenError
from prime_pulumi.pod.inputs import PodInputs


def mismatches(pod: PodDetails, spec: PodInputs) -> list[str]:
    """How ``pod`` plainly differs from the declared pod (nothing the API left out counts)."""
    found = []
    if pod.gpu_name is not None and pod.gpu_name != spec.gpu_type:
        found.append(f"GPU {pod.gpu_name}, not {spec.gpu_type}")
    if pod.gpu_count is not None and pod.gpu_count != spec.gpu_count:
        found.append(f"{pod.gpu_count} GPUs, not {spec.gpu_count}")
    return found


def look_up(found: Sequence[PodDetails], spec: PodInputs, name: str) -> NameLookup[PodDetails]:
    """Judges the pods called ``name``: the oldest live one of ours to adopt, ours that failed.

    Raises :class:`PodNameTakenError` when live pods have the name but none is ours.
    """
    return look_up_named(
        found,
        name,
        lambda pod: mismatches(pod, spec),
        noun="Pod",
        taken=lambda message, holder: PodNameTakenError(message, pod_name=name, pod_id=holder.id),
    )
