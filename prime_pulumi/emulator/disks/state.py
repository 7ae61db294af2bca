"""Disks: network volumes with a lifecycle in time, attached to pods when the pods are made.

A :class:`DiskStore` holds one backend's disks and the fates queued for the next
ones. It holds no lock of its own and knows nothing of HTTP, ids or wall time:
:class:`DiskBackend`, the backend's part that serves disks, calls it under the
backend's lock and renders its records.

As for pods, no background task moves a disk on: its status is computed from
the clock on every read. With disk provision time ``P`` and disk delete time
``D`` (each the value in force when the disk was created, or deleted), a disk is
PROVISIONING from its creation and ACTIVE from ``P`` on (the ``error`` fate
turns it ERROR then instead, ``stuck`` keeps it PROVISIONING). A DELETE makes it
DELETING for ``D`` seconds; from then on it is gone: 404 on the API, TERMINATED
on the control API.

A pod is attached to disks only when it is created (the create body's top-level
``disks``). A disk lists the pod in ``pods`` until the pod is terminated, and
cannot be deleted while it does. The API documents none of its answers here;
these are the emulator's guesses:

- a pod's create naming a disk that is unknown or gone is a 404;
- naming a disk that is not ACTIVE (PROVISIONING, ERROR, DELETING) is a 409;
- naming a disk in another data center than the pod's is a 400;
- deleting a disk that a pod not yet terminated uses is a 409.

Any number of pods may share a disk: ``isMultinode`` is only shown.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from prime_pulumi.emulator.availability.wire import WireDiskAvailability
from prime_pulumi.emulator.core import BackendCore
from prime_pulumi.emulator.defaults import DISK_MOUNT_PATH
from prime_pulumi.emulator.disks.wire import (
    DeletedDisk,
    DiskFate,
    DiskFateKind,
    DiskList,
    EmulatedDisk,
    WireCreateDiskRequest,
    WireDisk,
    WireDiskInfo,
    WireUpdateDiskRequest,
)
from prime_pulumi.emulator.errors import ConflictError, RequestRefusedError, disk_not_found
from prime_pulumi.emulator.pods.wire import WireAttachedResource
from prime_pulumi.emulator.wire import PodStatusValue

if TYPE_CHECKING:  # other resources' stores, only named: their modules import this one
    from prime_pulumi.emulator.availability.state import Marketplace
    from prime_pulumi.emulator.pods.state import PodStore


@dataclass
class DiskRecord:
    """What the emulator remembers of a disk; its status is derived from the clock."""

    id: str
    name: str
    size: int
    provider_type: str
    team_id: str | None
    offer: WireDiskAvailability  # where it is, and its price per GB-hour
    fate: DiskFateKind
    provision_seconds: float
    created: float
    renamed: float | None = None
    # Set by a DELETE: DELETING until the clock reaches ``terminated``, gone from then on.
    deleted: float | None = None
    terminated: float | None = None
    pod_ids: list[str] = field(default_factory=list)  # every pod attached, terminated ones too

    @property
    def price_hr(self) -> float:
        """What the disk costs an hour: its size at its offer's price per GB-hour."""
        return round(self.size * self.offer.spec.price_per_unit, 6)

    @property
    def remote_id(self) -> str:
        """The provider's name of the volume."""
        return f"vol-{self.id[:16]}"

    def gone(self, now: float) -> bool:
        """Whether the disk is gone at ``now``: deleted, and its deletion over."""
        return self.terminated is not None and now >= self.terminated

    def phase(self, now: float) -> tuple[PodStatusValue, float]:
        """The disk's status at ``now``, and the clock reading at which that status began."""
        if self.terminated is not None and now >= self.terminated:
            return "TERMINATED", self.terminated
        if self.deleted is not None:
            return "DELETING", self.deleted
        ready_at = self.created + self.provision_seconds
        if self.fate == "stuck" or now < ready_at:
            return "PROVISIONING", self.created
        return ("ERROR" if self.fate == "error" else "ACTIVE"), ready_at

    def updated(self, now: float) -> float:
        """When the disk last changed: its status, or its name."""
        return max(self.phase(now)[1], self.renamed or self.created)

    def attachment(self) -> WireAttachedResource:
        """The disk as a pod made with it lists it in ``attachedResources``."""
        return WireAttachedResource(
            resource_type="DISK",
            id=self.id,
            status="MOUNTED",
            # There is no route to detach a disk: it stays with the pod until the pod ends.
            is_detachable=False,
            mount_path=DISK_MOUNT_PATH,
            resource_path=f"/dev/disk/by-id/{self.remote_id}",
            size=self.size,
        )


class DiskStore:
    """The disks of one backend, in creation order, and the fates for the next ones."""

    def __init__(self) -> None:
        self._disks: dict[str, DiskRecord] = {}
        self.fates: deque[DiskFateKind] = deque()

    def add(self, record: DiskRecord) -> None:
        """Keep a new disk."""
        self._disks[record.id] = record

    def next_fate(self) -> DiskFateKind:
        """The fate of the next disk made: the first queued, or ``ok``."""
        return self.fates.popleft() if self.fates else "ok"

    def all(self) -> list[DiskRecord]:
        """Every disk held, gone ones included."""
        return list(self._disks.values())

    def listed(self, now: float) -> list[DiskRecord]:
        """The disks the API shows at ``now`` (DELETING ones included)."""
        return [record for record in self._disks.values() if not record.gone(now)]

    def active(self, disk_id: str, now: float) -> DiskRecord:
        """A disk the API still shows (DELETING included); 404 for unknown or gone ones."""
        record = self._disks.get(disk_id)
        if record is None or record.gone(now):
            raise disk_not_found(disk_id)
        return record

    def data_center(self, disk_id: str, now: float) -> str | None:
        """Where a disk is; None when it is unknown or gone."""
        record = self._disks.get(disk_id)
        return None if record is None or record.gone(now) else record.offer.data_center

    def attachable(
        self, disk_ids: Iterable[str], data_center: str | None, now: float
    ) -> list[DiskRecord]:
        """The disks a pod's create names (each once), checked before the pod is made.

        404 for an unknown or gone disk, 409 for one not ACTIVE, 400 for one outside
        ``data_center`` (the pod's; None when unknown, which rules nothing out).
        """
        records = [self.active(disk_id, now) for disk_id in dict.fromkeys(disk_ids)]
        for record in records:
            status, _ = record.phase(now)
            if status != "ACTIVE":
                raise ConflictError(
                    f"Disk {record.id} is {status}: a pod can mount only an ACTIVE disk; "
                    "no pod was created"
                )
            place = record.offer.data_center
            if data_center is not None and place != data_center:
                raise RequestRefusedError(
                    f"Disk {record.id} is in data center {place}, not in {data_center} where "
                    f"the pod would run: no pod was created; choose an offer in {place}"
                )
        return records

    @staticmethod
    def attach(records: Sequence[DiskRecord], pod_id: str) -> None:
        """Attach a pod just made to the disks :meth:`attachable` answered."""
        for record in records:
            record.pod_ids.append(pod_id)

    def delete(
        self,
        disk_id: str,
        now: float,
        delete_seconds: float,
        pod_is_live: Callable[[str], bool],
    ) -> Literal["DELETING", "TERMINATED"]:
        """Delete a disk; answers its status right after: DELETING, or TERMINATED when at once.

        A DELETE while the disk is DELETING answers the same and leaves the end of
        its deletion where it was. 404 when unknown or gone; 409 while a pod that
        is not terminated uses it.
        """
        record = self.active(disk_id, now)
        if record.deleted is None:
            users = [pod_id for pod_id in record.pod_ids if pod_is_live(pod_id)]
            if users:
                raise ConflictError(
                    f"Disk {disk_id} is attached to pod {', '.join(users)}: "
                    "delete the pod first, then the disk"
                )
            record.deleted = now
            record.terminated = now + delete_seconds
        return "TERMINATED" if record.gone(now) else "DELETING"


class DiskBackend(BackendCore):
    """The backend's disks: what the disk routes serve, and their fates."""

    _disks: DiskStore
    _offers: Marketplace  # a disk is made where a disk offer is
    _pods: PodStore  # a disk shows, and is held by, the pods that are not terminated

    def _forget(self) -> None:
        super()._forget()
        self._disks = DiskStore()

    def queue_disk_fates(self, fates: Iterable[DiskFate | DiskFateKind]) -> int:
        """Queue fates for the next disks created, in order; returns how many are queued."""
        with self._lock:
            queue = self._disks.fates
            queue.extend(f.kind if isinstance(f, DiskFate) else f for f in fates)
            return len(queue)

    def all_disks(self) -> list[EmulatedDisk]:
        """Every disk held, in its current state (gone ones TERMINATED), in creation order."""
        with self._lock:
            now = self._clock()
            return [
                EmulatedDisk(**dict(self._disk(record, now)), fate=record.fate)
                for record in self._disks.all()
            ]

    def create_disk(self, request: WireCreateDiskRequest) -> WireDisk:
        """Create a disk where the disk offer it names is; it takes the next queued disk fate.

        Refused, making no disk: 422 when no disk offer of its provider matches, or the
        size is outside the offer's range; 409 when the offer is out of stock.
        """
        with self._lock:
            offer = self._offers.disk_offer_for(request)
            now = self._clock()
            disk_id = self._next_id("disk")
            record = DiskRecord(
                id=disk_id,
                name=request.disk.name or f"disk-{disk_id[:8]}",
                size=request.disk.size,
                provider_type=request.provider.type,
                team_id=request.team.team_id if request.team else None,
                offer=offer,
                fate=self._disks.next_fate(),
                provision_seconds=self._disk_provision_seconds,
                created=now,
            )
            self._disks.add(record)
            return self._disk(record, now)

    def list_disks(self, offset: int = 0, limit: int = 100) -> DiskList:
        """One page of the disks the API shows (DELETING ones included), oldest first."""
        with self._lock:
            now = self._clock()
            listed = self._disks.listed(now)
            page = [self._disk(r, now) for r in listed[offset : offset + limit]]
        return DiskList(total_count=len(listed), offset=offset, limit=limit, data=page)

    def get_disk(self, disk_id: str) -> WireDisk:
        """One disk (DELETING ones included); 404 for unknown or gone ones."""
        with self._lock:
            now = self._clock()
            return self._disk(self._disks.active(disk_id, now), now)

    def update_disk(self, disk_id: str, change: WireUpdateDiskRequest) -> WireDisk:
        """Rename a disk (DELETING ones too); 404 for unknown or gone ones."""
        with self._lock:
            now = self._clock()
            record = self._disks.active(disk_id, now)
            record.name = change.name
            record.renamed = now
            return self._disk(record, now)

    def delete_disk(self, disk_id: str) -> DeletedDisk:
        """Delete a disk: DELETING for ``disk_delete_seconds``, then gone.

        Answers the disk's status right after (DELETING, or TERMINATED when the
        delete time is 0); a DELETE while it is DELETING answers the same and keeps
        the end of the window. 404 when unknown or gone; 409 while a pod that is not
        terminated uses it.
        """
        with self._lock:
            now = self._clock()
            status = self._disks.delete(
                disk_id, now, self._disk_delete_seconds, lambda pod_id: self._pods.live(pod_id, now)
            )
        return DeletedDisk(status=status)

    def _disk(self, record: DiskRecord, now: float) -> WireDisk:
        status, _ = record.phase(now)
        offer = record.offer
        return WireDisk(
            id=record.id,
            name=record.name,
            remote_id=record.remote_id,
            created_at=self._wall(record.created),
            updated_at=self._wall(record.updated(now)),
            terminated_at=(
                self._wall(record.terminated)
                if record.terminated is not None and record.gone(now)
                else None
            ),
            status=status,
            provider_type=record.provider_type,
            size=record.size,
            info=WireDiskInfo(
                country=offer.country,
                data_center_id=offer.data_center,
                cloud_id=offer.cloud_id,
                is_multinode=offer.is_multinode,
            ),
            price_hr=record.price_hr,
            # A disk bills whether or not a pod runs on it.
            stopped_price_hr=record.price_hr,
            provisioning_price_hr=0.0,
            user_id=self._user_id,
            team_id=record.team_id,
            wallet_id=self._wallet_id,
            pods=[pod_id for pod_id in record.pod_ids if self._pods.live(pod_id, now)],
            clusters=[],
        )
