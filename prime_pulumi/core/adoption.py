"""Which pods or disks of a name are a create's own: the one place they are judged by name.

A name is how a create finds what an interrupted run, or a create whose answer
was lost, made. Every path applies the same checks, to pods and disks alike.
One of the name that matches what is declared (a pod's GPU type and count, a
disk's size) is ours; any other is plainly someone else's. Of ours, a live one
is adopted (the oldest); one in ``ERROR`` is never adopted, but it is ours to
delete, or it would bill with nobody tracking it; one ``DELETING`` or
``TERMINATED`` is on its way out. A name held only by someone else's live one
is taken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from prime_pulumi.client import DiskDetails, PodDetails, PodState
from prime_pulumi.disk.errors import DiskError
from prime_pulumi.disk.inputs import DiskInputs
from prime_pulumi.pod.errors import PodNameTakenError
from prime_pulumi.pod.inputs import PodInputs

#: States a pod or disk does not come back from: such a one is never adopted.
GOING_AWAY = frozenset({PodState.DELETING, PodState.TERMINATED, PodState.ERROR})


class Named(Protocol):
    """What judging by name reads of a pod or a disk."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def created_at(self) -> datetime | None: ...


NamedT = TypeVar("NamedT", bound=Named)


@dataclass(frozen=True)
class NameLookup(Generic[NamedT]):
    """What a lookup by name found of ours: one to adopt, and failed ones to delete."""

    adopt: NamedT | None
    failed: tuple[NamedT, ...] = ()


@dataclass(frozen=True)
class NameTaken(Generic[NamedT]):
    """Someone else's live one holds the name: it, and how it differs from the declared."""

    holder: NamedT
    differences: list[str]


def judge(
    found: Sequence[NamedT], name: str, mismatches: Callable[[NamedT], list[str]]
) -> NameLookup[NamedT] | NameTaken[NamedT]:
    """Judges the ones called ``name``: the oldest live one of ours, ours that failed.

    When live ones have the name but none is ours, the name is taken.
    """
    named = sorted(
        (item for item in found if item.name == name),
        key=lambda item: (item.created_at is None, item.created_at or 0),
    )
    ours = [item for item in named if not mismatches(item)]
    live = [item for item in ours if item.status not in GOING_AWAY]
    failed = tuple(item for item in ours if item.status == PodState.ERROR)
    if live:
        return NameLookup(live[0], failed)
    theirs = [item for item in named if item.status not in GOING_AWAY and mismatches(item)]
    if theirs:
        return NameTaken(theirs[0], mismatches(theirs[0]))
    return NameLookup(None, failed)


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
    judged = judge(found, name, lambda pod: mismatches(pod, spec))
    if isinstance(judged, NameTaken):
        raise PodNameTakenError(
            f"Pod {name!r}: a pod of that name already exists ({judged.holder.id}) with "
            f"{' and '.join(judged.differences)}; it was left alone and nothing was "
            "created. Give this Pod another name",
            pod_name=name,
            pod_id=judged.holder.id,
        )
    return judged


def disk_mismatches(disk: DiskDetails, spec: DiskInputs) -> list[str]:
    """How ``disk`` plainly differs from the declared disk (nothing the API left out counts)."""
    found = []
    if disk.size is not None and disk.size != spec.size:
        found.append(f"{disk.size} GB, not {spec.size}")
    declared = spec.provider_type
    if disk.provider_type is not None and declared is not None and disk.provider_type != declared:
        found.append(f"provider {disk.provider_type}, not {declared}")
    return found


def look_up_disk(
    found: Sequence[DiskDetails], spec: DiskInputs, name: str
) -> NameLookup[DiskDetails]:
    """Judges the disks called ``name``, as :func:`look_up` judges pods.

    Raises :class:`DiskError` when live disks have the name but none is ours.
    """
    judged = judge(found, name, lambda disk: disk_mismatches(disk, spec))
    if isinstance(judged, NameTaken):
        raise DiskError(
            f"Disk {name!r}: a disk of that name already exists ({judged.holder.id}) with "
            f"{' and '.join(judged.differences)}; it was left alone and nothing was "
            "created. Give this Disk another name",
            disk_name=name,
            disk_id=judged.holder.id,
        )
    return judged
