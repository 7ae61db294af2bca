"""Which disks of a name are a create's own: the disk's rule for the judging by name
of ``core/adoption.py``: one of the declared size (and provider, when declared)."""

from __future__ import annotations

from collections.abc import Sequence

from prime_pulumi.client import DiskDetails
from prime_pulumi.core.adoption import NameLookup
from prime_pulumi.core.adoption import look_up as look_up_named
from prime_pulumi.disk.errors import DiskError
from prime_pulumi.disk.inputs import DiskInputs


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
    """Judges the disks called ``name``, as pods are judged.

    Raises :class:`DiskError` when live disks have the name but none is ours.
    """
    return look_up_named(
        found,
        name,
        lambda disk: disk_mismatches(disk, spec),
        noun="Disk",
        taken=lambda message, holder: DiskError(message, disk_name=name, disk_id=holder.id),
    )
