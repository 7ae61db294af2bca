"""The disks' routes: the API's disk endpoints, and the control routes that steer disks.

API routes (the names key request counts and faults):

- ``create_disk``: ``POST /api/v1/disks/``
- ``list_disks``: ``GET /api/v1/disks/?offset=&limit=``
- ``get_disk``: ``GET /api/v1/disks/{disk_id}``
- ``update_disk``: ``PATCH /api/v1/disks/{disk_id}`` (``{"name": str}``, nothing else)
- ``delete_disk``: ``DELETE /api/v1/disks/{disk_id}``

Disk offers are served by :mod:`prime_pulumi.emulator.availability.routes`. Disks,
their lifecycle and the emulator's guesses about attaching them are described in
:mod:`prime_pulumi.emulator.disks.state`.

Control routes (what they all refuse is in :mod:`prime_pulumi.emulator.app`):

``POST /_emulator/disk-fates`` ``{"fates": [{"kind": "ok" | "error" | "stuck"}]}``
    Queue fates for the next disks created, one each, in order (default ``ok``):
    ``error`` turns ERROR when the disk would become ACTIVE, ``stuck`` stays
    PROVISIONING. Answers ``{"queued": int}``.
``GET /_emulator/disks``
    ``{"data": [disk, ...]}``: every disk held, DELETING ones included and gone
    ones as TERMINATED with ``terminatedAt``, each with its ``fate``.
"""

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.disks.wire import (
    DeletedDisk,
    DiskFateQueue,
    DiskList,
    DiskRoute,
    EmulatedDisks,
    WireCreateDiskRequest,
    WireDisk,
    WireUpdateDiskRequest,
)
from prime_pulumi.emulator.http import Limit, Offset, Routes
from prime_pulumi.emulator.wire import QueuedFates


def add_routes(routes: Routes, backend: EmulatorBackend) -> None:
    """Serve the disks' API and control routes."""

    @routes.api(DiskRoute.list_disks)
    async def list_disks(offset: Offset = 0, limit: Limit = 100) -> DiskList:
        """Disks, oldest first, DELETING ones included."""
        return backend.list_disks(offset, limit)

    @routes.api(DiskRoute.create_disk, 409)
    async def create_disk(request: WireCreateDiskRequest) -> WireDisk:
        """Create a disk where its provider's matching disk offer is; it starts PROVISIONING.

        Our guesses: no matching offer, or a size outside its range, is the document's
        422; an offer out of stock a 409.
        """
        return backend.create_disk(request)

    @routes.api(DiskRoute.get_disk, 404)
    async def get_disk(disk_id: str) -> WireDisk:
        """One disk; 404 once it is gone."""
        return backend.get_disk(disk_id)

    @routes.api(DiskRoute.update_disk, 404)
    async def update_disk(disk_id: str, change: WireUpdateDiskRequest) -> WireDisk:
        """Rename a disk: the name is all that can change."""
        return backend.update_disk(disk_id, change)

    @routes.api(DiskRoute.delete_disk, 404, 409)
    async def delete_disk(disk_id: str) -> DeletedDisk:
        """Delete a disk: DELETING (for the disk delete time), then gone.

        A disk attached to a pod that is not terminated is a 409 (our guess).
        """
        return backend.delete_disk(disk_id)

    @routes.control("POST", "disk-fates", "queue_disk_fates")
    async def queue_disk_fates(queue: DiskFateQueue) -> QueuedFates:
        """Queue fates for the next disks created."""
        return QueuedFates(queued=backend.queue_disk_fates(queue.fates))

    @routes.control("GET", "disks", "all_disks")
    async def all_disks() -> EmulatedDisks:
        """Every disk held, gone ones included."""
        return EmulatedDisks(data=backend.all_disks())
