"""The dynamic provider behind ``Disk``.

The import path ``prime_pulumi.disk_provider.DiskProvider`` is stored in every
stack's state (the provider is pickled by reference): it must never move. The
disk's operations are in :mod:`prime_pulumi.disk.operations`; this class only
serves them to the engine, in the same provider process as ``PodProvider``.
"""

from __future__ import annotations

from prime_pulumi.disk.operations import DISK
from prime_pulumi.dynamic.provider import DynamicProvider


class DiskProvider(DynamicProvider):
    """Creates Prime Intellect network disks, waits until they are ACTIVE, renames and
    deletes them.

    Failures reach the user in one line naming the disk; the waits show progress
    in the disk's row, as for pods.
    """

    operations = DISK
