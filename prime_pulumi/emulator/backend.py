"""All state and behaviour of the emulated Prime Intellect API, with no HTTP in it.

An :class:`EmulatorBackend` holds pods, terminated pods, disks (its
:class:`~prime_pulumi.emulator.disks.DiskStore`), admin clusters, the GPU and disk
offers (its :class:`~prime_pulumi.emulator.marketplace.Marketplace`), the queue
of fates for the next pods, the queue of faults for the next requests and the
request counts. It is thread-safe (one lock): the server answers requests on
its own thread while tests read state from theirs.

Time comes from an injectable monotonic ``clock``. A pod's lifecycle is never
advanced by a background task; it is computed from the time elapsed since its
creation on every read, so a fake clock steers it exactly. With provision time
``P``: before ``P/2`` the pod is PROVISIONING (installation PENDING, progress 0,
no SSH); from ``P/2`` it is ACTIVE with installation ACTIVE and progress rising
from 1 to 99; from ``P`` installation is FINISHED, progress 100 and SSH is set.
Fates (see :class:`~prime_pulumi.emulator.schemas.Fate`) bend that course.

Deletion takes time too. With delete time ``D`` (the value in force when the
DELETE arrives), a deleted pod stays listed for ``D`` seconds as DELETING,
its installation fields frozen as they were; from then on it is terminated:
gone from the API (404), in history with ``terminatedAt`` at the end of the
window, billed until then. ``D = 0`` terminates it at once.

Disks live in time the same way, with times of their own: see
:mod:`prime_pulumi.emulator.disks` for their lifecycle and for the rules of
attaching them to pods.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from prime_pulumi.emulator.defaults import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_API_KEY,
    DEFAULT_DELETE_SECONDS,
    DEFAULT_DISK_DELETE_SECONDS,
    DEFAULT_DISK_PROVISION_SECONDS,
    DEFAULT_IMAGE,
    DEFAULT_PRICE_PER_GPU_HOUR,
    DEFAULT_PROVISION_SECONDS,
    FROZEN_PROGRESS,
)
from prime_pulumi.emulator.disks import DiskRecord, DiskStore
from prime_pulumi.emulator.errors import (
    ForbiddenError,
    InvalidApiKeyError,
    NotAuthenticatedError,
    RequestRefusedError,
    UnknownResourceError,
    pod_not_found,
)
from prime_pulumi.emulator.marketplace import Marketplace, OfferFilter, PlaceFilter
from prime_pulumi.emulator.schemas import (
    ROUTE_NAMES,
    AvailabilityPage,
    DeletedDisk,
    DeletedPod,
    DiskFate,
    DiskFateKind,
    DiskList,
    DiskOfferPage,
    EmulatedDisk,
    EmulatedPod,
    Fate,
    FateKind,
    Fault,
    HistoryEntry,
    HistoryList,
    HistorySortKey,
    InstallationStatus,
    OfferUpdate,
    PendingFault,
    PodFailure,
    PodList,
    PodResources,
    PodStatusValue,
    Region,
    RequestCounts,
    RouteName,
    Security,
    Socket,
    SortOrder,
    WireAttachedResource,
    WireCluster,
    WireClusterEnvelope,
    WireCreateDiskRequest,
    WireCreatePodRequest,
    WireDisk,
    WireDiskInfo,
    WireGPUAvailability,
    WirePod,
    WirePodStatus,
    WirePodStatusList,
    WirePortMapping,
    WireUpdateDiskRequest,
    iso_utc,
)

_FAILURE_MESSAGES: dict[str, str] = {
    "install_failure": "Installation failed: the image could not be started",
    "transient_install_failure": "Installation failed, retrying",
    "error": "The provider reported an error",
}


@dataclass(frozen=True)
class _Phase:
    """Where a pod is in its lifecycle at one moment."""

    status: PodStatusValue
    installation_status: InstallationStatus
    progress: int
    failure: str | None
    ready: bool
    since: float  # clock reading at which this phase began; served as updatedAt


@dataclass
class _PodRecord:
    """What the emulator remembers of a pod; everything time-dependent is derived."""

    id: str
    name: str
    gpu_name: str
    gpu_count: int
    socket: str
    provider_type: str
    team_id: str | None
    environment_type: str
    custom_template_id: str | None
    jupyter_password: str | None
    is_spot: bool
    auto_restart: bool
    price_hr: float
    stopped_price_hr: float
    resources: PodResources
    attached_resources: list[WireAttachedResource]
    ip: str
    ssh_port: int
    fate: Fate
    provision_seconds: float
    created: float
    serial: int  # creation order, to break ties between pods created at the same moment
    # Set by delete_pod: the pod is DELETING (in this frozen phase) until the clock
    # reaches ``terminated``, and terminated from then on.
    deleting: _Phase | None = None
    terminated: float | None = None
    failure: _Phase | None = None  # set by fail_pod: the pod stays in this phase

    def gone(self, now: float) -> bool:
        """Whether the pod is terminated at ``now``: deleted, and its deletion over."""
        return self.terminated is not None and now >= self.terminated

    def billed(self) -> float:
        """What the pod cost from creation to termination (0 while it runs)."""
        if self.terminated is None:
            return 0.0
        return round(self.price_hr * (self.terminated - self.created) / 3600, 6)


@dataclass
class _ArmedFault:
    id: str
    fault: Fault
    remaining: int

    def matches(self, route: RouteName) -> bool:
        return self.fault.route in ("*", route)


@dataclass
class _State:
    """Everything :meth:`EmulatorBackend.reset` forgets."""

    pods: dict[str, _PodRecord] = field(default_factory=dict)  # creation order
    disks: DiskStore = field(default_factory=DiskStore)
    clusters: dict[str, WireCluster] = field(default_factory=dict)
    offers: Marketplace = field(default_factory=Marketplace.default)
    fates: deque[Fate] = field(default_factory=deque)
    faults: list[_ArmedFault] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    serials: Counter[str] = field(default_factory=Counter)  # per kind, so ids stay independent


class EmulatorBackend:
    """The emulated API's state and logic; the HTTP layer is a thin shell around it.

    Args:
        api_keys: keys accepted on the API (``Authorization: Bearer <key>``).
        admin_keys: keys also accepted on admin endpoints; they work as normal keys too.
        provision_seconds: how long pods created from now on take to become ready.
        delete_seconds: how long pods deleted from now on stay DELETING before they
            are terminated; 0 terminates them at once.
        disk_provision_seconds: how long disks created from now on stay PROVISIONING.
        disk_delete_seconds: how long disks deleted from now on stay DELETING before
            they are gone; 0 removes them at once.
        seed: makes ids, IPs and names deterministic: equal seeds give equal ids.
        clock: a monotonic clock in seconds; inject a fake one to steer time.
    """

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        admin_keys: Iterable[str] = (DEFAULT_ADMIN_KEY,),
        provision_seconds: float = DEFAULT_PROVISION_SECONDS,
        delete_seconds: float = DEFAULT_DELETE_SECONDS,
        disk_provision_seconds: float = DEFAULT_DISK_PROVISION_SECONDS,
        disk_delete_seconds: float = DEFAULT_DISK_DELETE_SECONDS,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._admin_keys = frozenset(admin_keys)
        self._api_keys = frozenset(api_keys) | self._admin_keys
        self._provision_seconds = _non_negative("provision_seconds", provision_seconds)
        self._delete_seconds = _non_negative("delete_seconds", delete_seconds)
        self._disk_provision_seconds = _non_negative(
            "disk_provision_seconds", disk_provision_seconds
        )
        self._disk_delete_seconds = _non_negative("disk_delete_seconds", disk_delete_seconds)
        self._seed = seed
        self._clock = clock
        # Timestamps are the wall time at start-up plus elapsed clock time, so a
        # fake clock moves createdAt/updatedAt/terminatedAt consistently too.
        self._epoch = (clock(), datetime.now(UTC))
        self._user_id = self._derive_id("user", 0)
        self._wallet_id = self._derive_id("wallet", 0)
        self._state = _State()

    # --- configuration and control -----------------------------------------

    @property
    def provision_seconds(self) -> float:
        """How long pods created from now on take to become ready (settable)."""
        with self._lock:
            return self._provision_seconds

    @provision_seconds.setter
    def provision_seconds(self, seconds: float) -> None:
        with self._lock:
            self._provision_seconds = _non_negative("provision_seconds", seconds)

    @property
    def delete_seconds(self) -> float:
        """How long pods deleted from now on stay DELETING before termination (settable)."""
        with self._lock:
            return self._delete_seconds

    @delete_seconds.setter
    def delete_seconds(self, seconds: float) -> None:
        with self._lock:
            self._delete_seconds = _non_negative("delete_seconds", seconds)

    @property
    def disk_provision_seconds(self) -> float:
        """How long disks created from now on stay PROVISIONING before ACTIVE (settable)."""
        with self._lock:
            return self._disk_provision_seconds

    @disk_provision_seconds.setter
    def disk_provision_seconds(self, seconds: float) -> None:
        with self._lock:
            self._disk_provision_seconds = _non_negative("disk_provision_seconds", seconds)

    @property
    def disk_delete_seconds(self) -> float:
        """How long disks deleted from now on stay DELETING before they are gone (settable)."""
        with self._lock:
            return self._disk_delete_seconds

    @disk_delete_seconds.setter
    def disk_delete_seconds(self, seconds: float) -> None:
        with self._lock:
            self._disk_delete_seconds = _non_negative("disk_delete_seconds", seconds)

    @property
    def user_id(self) -> str:
        """The id of the one user every key belongs to."""
        return self._user_id

    def reset(self) -> None:
        """Forget pods, history, disks, clusters, fates, faults and counts; restore the offers.

        Keys and timing (of pods and of disks) are kept. Ids restart from the seed,
        so a test sees the same ids whatever ran before it.
        """
        with self._lock:
            self._state = _State()

    def queue_fates(self, fates: Iterable[Fate | FateKind]) -> int:
        """Queue fates for the next pods created, in order; returns how many are queued."""
        with self._lock:
            self._state.fates.extend(f if isinstance(f, Fate) else Fate(kind=f) for f in fates)
            return len(self._state.fates)

    def queue_disk_fates(self, fates: Iterable[DiskFate | DiskFateKind]) -> int:
        """Queue fates for the next disks created, in order; returns how many are queued."""
        with self._lock:
            queue = self._state.disks.fates
            queue.extend(f.kind if isinstance(f, DiskFate) else f for f in fates)
            return len(queue)

    def add_fault(self, fault: Fault) -> str:
        """Queue a fault for the next matching requests; returns its id."""
        with self._lock:
            armed = _ArmedFault(self._next_id("fault"), fault, fault.times)
            self._state.faults.append(armed)
            return armed.id

    def clear_faults(self) -> int:
        """Drop every queued fault; returns how many there were."""
        with self._lock:
            cleared = len(self._state.faults)
            self._state.faults.clear()
            return cleared

    def pending_faults(self) -> list[PendingFault]:
        """The faults still queued, oldest first, with the requests each still affects."""
        with self._lock:
            return [
                PendingFault.model_validate(
                    {**armed.fault.model_dump(), "times": armed.remaining, "id": armed.id}
                )
                for armed in self._state.faults
            ]

    def intercept(self, route: RouteName) -> Fault | None:
        """Count one API request on ``route`` and hand out the fault it must suffer, if any.

        Faults are consumed first in, first out among those matching the route.
        """
        with self._lock:
            self._state.counts[route] += 1
            for armed in self._state.faults:
                if armed.matches(route):
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._state.faults.remove(armed)
                    return armed.fault
            return None

    def request_counts(self) -> RequestCounts:
        """API requests received per route, every route listed, and their total."""
        with self._lock:
            counts: dict[str, int] = {route: self._state.counts[route] for route in ROUTE_NAMES}
        return RequestCounts(counts=counts, total=sum(counts.values()))

    def all_pods(self) -> list[EmulatedPod]:
        """Every pod held, active (in its current state) and terminated, in creation order."""
        with self._lock:
            now = self._clock()
            return [self._emulated(record, now) for record in self._state.pods.values()]

    def all_disks(self) -> list[EmulatedDisk]:
        """Every disk held, in its current state (gone ones TERMINATED), in creation order."""
        with self._lock:
            now = self._clock()
            return [
                EmulatedDisk(**dict(self._disk(record, now)), fate=record.fate)
                for record in self._state.disks.all()
            ]

    def fail_pod(self, pod_id: str, failure: PodFailure) -> EmulatedPod:
        """Make an active pod fail from now on, whatever its fate.

        404 when unknown or terminated; 400 while it is being deleted.
        """
        with self._lock:
            now = self._clock()
            record = self._active(pod_id, now)
            if record.deleting is not None:
                raise RequestRefusedError(f"Pod {pod_id} is being deleted")
            current = self._phase(record, now)
            # An install failure leaves the machine as it is; an error takes it down.
            record.failure = _failed(
                "ERROR" if failure.kind == "error" else current.status,
                failure.message or _FAILURE_MESSAGES[failure.kind],
                current.progress,
                now,
            )
            return self._emulated(record, now)

    def add_offer(
        self, offer: WireGPUAvailability, *, multi_node: bool = False
    ) -> WireGPUAvailability:
        """Add an offer, served after the others; 409 when its ``cloudId`` is taken.

        ``multi_node`` serves it from ``/availability/multi-node`` instead of ``/gpus``.
        """
        with self._lock:
            return self._state.offers.add(offer, multi_node=multi_node)

    def update_offer(self, cloud_id: str, change: OfferUpdate) -> WireGPUAvailability:
        """Change an offer's stock and prices (each key given and not null); 404 when unknown.

        Pods already made keep their price.
        """
        with self._lock:
            return self._state.offers.update(cloud_id, change)

    def add_cluster(self, cluster: WireCluster) -> WireCluster:
        """Store a cluster for the admin endpoint; an empty id gets a fresh one."""
        with self._lock:
            if not cluster.id:
                cluster = cluster.model_copy(update={"id": self._next_id("cluster")})
            self._state.clusters[cluster.id] = cluster
            return cluster

    # --- authentication ------------------------------------------------------

    def authenticate(self, api_key: str | None, *, admin: bool = False) -> None:
        """Check a bearer key, raising the API's 401 or 403 when it does not pass."""
        if not api_key:
            raise NotAuthenticatedError()
        if api_key not in self._api_keys:
            raise InvalidApiKeyError()
        if admin and api_key not in self._admin_keys:
            raise ForbiddenError("Admin permission required")

    # --- pods ----------------------------------------------------------------

    def create_pod(self, request: WireCreatePodRequest) -> WirePod:
        """Create a pod from a validated request; it takes the next queued fate.

        Refused, making no pod: 409 when the offer is out of stock, 400 when it costs
        more than ``maxPrice``. A ``cloudId`` that is no offer makes a pod at a default price.
        The top-level ``disks`` are attached to it (see :mod:`prime_pulumi.emulator.disks`
        for when they are refused); the pod's place is its offer's data center, else its
        ``dataCenterId``.
        """
        spec = request.pod
        with self._lock:
            offer = self._state.offers.offer_for_pod(spec.cloud_id)
            price_hr = _price(offer, spec.gpu_count)
            if spec.max_price is not None and price_hr > spec.max_price:
                raise RequestRefusedError(
                    f"No offer for {spec.gpu_count}x {spec.gpu_type} at or below maxPrice "
                    f"{spec.max_price} USD/hr: {spec.cloud_id} costs {price_hr} USD/hr"
                )
            disk = spec.disk_size or (offer.disk.default_count if offer else None) or 100
            disk_price = (offer.disk.price_per_unit if offer else None) or 0.0
            now = self._clock()
            place = offer.data_center if offer else spec.data_center_id
            mounted = self._state.disks.attachable(request.disks or (), place, now)
            pod_id = self._next_id("pod")
            serial = self._state.serials["pod"]
            record = _PodRecord(
                id=pod_id,
                name=spec.name or f"pod-{pod_id[:8]}",
                gpu_name=spec.gpu_type,
                gpu_count=spec.gpu_count,
                socket=spec.socket,
                provider_type=request.provider.type,
                team_id=request.team.team_id if request.team else None,
                environment_type=spec.image or DEFAULT_IMAGE,
                custom_template_id=spec.custom_template_id,
                jupyter_password=spec.jupyter_password,
                is_spot=offer.is_spot if offer else False,
                auto_restart=spec.auto_restart,
                price_hr=price_hr,
                stopped_price_hr=round(disk * disk_price, 4),
                resources=PodResources(
                    memory=spec.memory or (offer.memory.default_count if offer else None),
                    disk=disk,
                    vcpus=spec.vcpus or (offer.vcpu.default_count if offer else None),
                ),
                attached_resources=[disk_record.attachment() for disk_record in mounted],
                # Documentation addresses (RFC 5737): never a real machine.
                ip=f"203.0.113.{(serial - 1) % 254 + 1}",
                ssh_port=22,
                fate=self._state.fates.popleft() if self._state.fates else Fate(),
                provision_seconds=self._provision_seconds,
                created=now,
                serial=serial,
            )
            self._state.pods[pod_id] = record
            self._state.disks.attach(mounted, pod_id)
            return self._pod(record, now)

    def list_pods(self, offset: int = 0, limit: int = 100) -> PodList:
        """One page of active pods (DELETING ones included), oldest first."""
        with self._lock:
            now = self._clock()
            active = [r for r in self._state.pods.values() if not r.gone(now)]
            page = [self._pod(r, now) for r in active[offset : offset + limit]]
        return PodList(total_count=len(active), offset=offset, limit=limit, data=page)

    def get_pod(self, pod_id: str) -> WirePod:
        """One active pod (DELETING ones included); 404 for unknown or terminated ones."""
        with self._lock:
            now = self._clock()
            return self._pod(self._active(pod_id, now), now)

    def pod_statuses(self, pod_ids: Sequence[str]) -> WirePodStatusList:
        """The status of each active pod asked for (DELETING included); unknown ids left out."""
        with self._lock:
            now = self._clock()
            records = [
                self._state.pods[pod_id]
                for pod_id in dict.fromkeys(pod_ids)  # once each, in the order asked
                if pod_id in self._state.pods and not self._state.pods[pod_id].gone(now)
            ]
            return WirePodStatusList(data=[self._status(r, now) for r in records])

    def delete_pod(self, pod_id: str) -> DeletedPod:
        """Delete an active pod: DELETING for ``delete_seconds``, then terminated, in history.

        The answer is ``{"status": "TERMINATED"}`` at once, as documented, whatever
        the delete time. A DELETE while the pod is DELETING answers the same and
        leaves the end of its deletion where it was; 404 when unknown or terminated.
        """
        with self._lock:
            now = self._clock()
            record = self._active(pod_id, now)
            if record.deleting is None:
                # Frozen as it is now; a pod that was never ready shows no SSH either.
                record.deleting = replace(self._phase(record, now), status="DELETING", since=now)
                record.terminated = now + self._delete_seconds
        return DeletedPod(status="TERMINATED")

    def pod_history(
        self,
        offset: int = 0,
        limit: int = 100,
        sort_by: HistorySortKey = "terminatedAt",
        sort_order: SortOrder = "desc",
    ) -> HistoryList:
        """One page of terminated pods, most recently terminated first by default."""
        keys: dict[str, Callable[[_PodRecord], float]] = {
            "createdAt": lambda r: r.created,
            "created_at": lambda r: r.created,
            "terminatedAt": lambda r: r.terminated or 0.0,
            "terminated_at": lambda r: r.terminated or 0.0,
            "priceHr": lambda r: r.price_hr,
            "totalBilledPrice": _PodRecord.billed,
        }
        with self._lock:
            now = self._clock()
            done = [r for r in self._state.pods.values() if r.gone(now)]
            key = keys[sort_by]
            done.sort(key=lambda r: (key(r), r.serial), reverse=sort_order == "desc")
            page = [self._history_entry(r) for r in done[offset : offset + limit]]
        return HistoryList(total_count=len(done), offset=offset, limit=limit, data=page)

    # --- disks ------------------------------------------------------------------

    def create_disk(self, request: WireCreateDiskRequest) -> WireDisk:
        """Create a disk where the disk offer it names is; it takes the next queued disk fate.

        Refused, making no disk: 400 when no disk offer of its provider matches, or the
        size is outside the offer's range; 409 when the offer is out of stock.
        """
        with self._lock:
            offer = self._state.offers.disk_offer_for(request)
            now = self._clock()
            disk_id = self._next_id("disk")
            record = DiskRecord(
                id=disk_id,
                name=request.disk.name or f"disk-{disk_id[:8]}",
                size=request.disk.size,
                provider_type=request.provider.type,
                team_id=request.team.team_id if request.team else None,
                offer=offer,
                fate=self._state.disks.next_fate(),
                provision_seconds=self._disk_provision_seconds,
                created=now,
            )
            self._state.disks.add(record)
            return self._disk(record, now)

    def list_disks(self, offset: int = 0, limit: int = 100) -> DiskList:
        """One page of the disks the API shows (DELETING ones included), oldest first."""
        with self._lock:
            now = self._clock()
            listed = self._state.disks.listed(now)
            page = [self._disk(r, now) for r in listed[offset : offset + limit]]
        return DiskList(total_count=len(listed), offset=offset, limit=limit, data=page)

    def get_disk(self, disk_id: str) -> WireDisk:
        """One disk (DELETING ones included); 404 for unknown or gone ones."""
        with self._lock:
            now = self._clock()
            return self._disk(self._state.disks.active(disk_id, now), now)

    def update_disk(self, disk_id: str, change: WireUpdateDiskRequest) -> WireDisk:
        """Rename a disk (DELETING ones too); 404 for unknown or gone ones."""
        with self._lock:
            now = self._clock()
            record = self._state.disks.active(disk_id, now)
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
            status = self._state.disks.delete(
                disk_id, now, self._disk_delete_seconds, lambda pod_id: self._live(pod_id, now)
            )
        return DeletedDisk(status=status)

    def disk_availability(
        self,
        *,
        regions: Sequence[Region] = (),
        data_center_id: str | None = None,
        cloud_id: str | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> DiskOfferPage:
        """One page of the disk offers that match every filter given."""
        filters = PlaceFilter(
            regions=tuple(regions), data_center_id=data_center_id, cloud_id=cloud_id
        )
        with self._lock:
            offers = self._state.offers.select_disk_offers(filters)
        start = (page - 1) * page_size
        return DiskOfferPage(items=offers[start : start + page_size], total_count=len(offers))

    # --- availability and clusters ---------------------------------------------

    def availability(
        self,
        *,
        multi_node: bool = False,
        gpu_type: str | None = None,
        gpu_count: int | None = None,
        socket: Socket | None = None,
        security: Security | None = None,
        regions: Sequence[Region] = (),
        data_center_id: str | None = None,
        cloud_id: str | None = None,
        disks: Sequence[str] = (),
        page: int = 1,
        page_size: int = 100,
    ) -> AvailabilityPage:
        """One page of the single-node (or multi-node) offers that match every filter given.

        ``disks``: only offers in the data center of every one of these disks (none,
        when one is unknown or gone).
        """
        place = PlaceFilter(
            regions=tuple(regions), data_center_id=data_center_id, cloud_id=cloud_id
        )
        with self._lock:
            now = self._clock()
            filters = OfferFilter(
                place=place,
                gpu_type=gpu_type,
                gpu_count=gpu_count,
                socket=socket,
                security=security,
                disk_data_centers=[self._state.disks.data_center(d, now) for d in disks],
            )
            offers = self._state.offers.select(filters, multi_node=multi_node)
        start = (page - 1) * page_size
        return AvailabilityPage(items=offers[start : start + page_size], total_count=len(offers))

    def legacy_availability(
        self,
        *,
        gpu_type: str | None = None,
        gpu_count: int | None = None,
        regions: Sequence[Region] = (),
    ) -> dict[str, list[WireGPUAvailability]]:
        """Single-node offers keyed by GPU type, as older documentation shows them."""
        filters = OfferFilter(
            place=PlaceFilter(regions=tuple(regions)), gpu_type=gpu_type, gpu_count=gpu_count
        )
        grouped: dict[str, list[WireGPUAvailability]] = {}
        with self._lock:
            offers = self._state.offers.select(filters, multi_node=False)
        for offer in offers:
            grouped.setdefault(offer.gpu_type, []).append(offer)
        return grouped

    def get_cluster(self, cluster_id: str) -> WireClusterEnvelope:
        """One stored cluster in the admin endpoint's envelope; 404 when unknown."""
        with self._lock:
            cluster = self._state.clusters.get(cluster_id)
        if cluster is None:
            raise UnknownResourceError(f"Cluster {cluster_id} not found")
        return WireClusterEnvelope(data=cluster, status="success")

    # --- internals (callers hold the lock) ---------------------------------------

    def _derive_id(self, kind: str, number: int) -> str:
        return hashlib.sha256(f"{self._seed}:{kind}:{number}".encode()).hexdigest()[:32]

    def _next_id(self, kind: str) -> str:
        self._state.serials[kind] += 1
        return self._derive_id(kind, self._state.serials[kind])

    def _wall(self, reading: float) -> str:
        start_reading, start_wall = self._epoch
        return iso_utc(start_wall + timedelta(seconds=reading - start_reading))

    def _active(self, pod_id: str, now: float) -> _PodRecord:
        """A pod the API still shows (DELETING included); 404 for unknown or terminated."""
        record = self._state.pods.get(pod_id)
        if record is None or record.gone(now):
            raise pod_not_found(pod_id)
        return record

    def _live(self, pod_id: str, now: float) -> bool:
        """Whether a pod exists and is not terminated at ``now`` (DELETING counts as live)."""
        record = self._state.pods.get(pod_id)
        return record is not None and not record.gone(now)

    def _phase(self, record: _PodRecord, now: float) -> _Phase:
        if record.terminated is not None and record.gone(now):
            return _Phase("TERMINATED", "TERMINATED", 0, None, False, record.terminated)
        if record.deleting is not None:
            return record.deleting
        if record.failure is not None:
            return record.failure
        return _scheduled_phase(record.fate, record.created, record.provision_seconds, now)

    def _ports(self, record: _PodRecord, phase: _Phase) -> list[WirePortMapping]:
        if not phase.ready:
            return []
        ports = [_port(22, record.ssh_port, "SSH")]
        if "jupyter" in record.environment_type:
            ports.append(_port(8888, 8888, "JUPYTER_NOTEBOOK"))
        return ports

    def _pod(self, record: _PodRecord, now: float) -> WirePod:
        phase = self._phase(record, now)
        return WirePod(
            id=record.id,
            name=record.name,
            gpu_name=record.gpu_name,
            gpu_count=record.gpu_count,
            status=phase.status,
            created_at=self._wall(record.created),
            updated_at=self._wall(phase.since),
            provider_type=record.provider_type,
            installation_status=phase.installation_status,
            installation_failure=phase.failure,
            installation_progress=phase.progress,
            team_id=record.team_id,
            user_id=self._user_id,
            wallet_id=self._wallet_id,
            socket=record.socket,
            type="HOSTED",
            environment_type=record.environment_type,
            resources=record.resources,
            attached_resources=record.attached_resources,
            prime_port_mapping=self._ports(record, phase),
            ssh_connection=_ssh(record) if phase.ready else None,
            ip=record.ip if phase.ready else None,
            price_hr=record.price_hr,
            stopped_price_hr=record.stopped_price_hr,
            provisioning_price_hr=0.0,
            base_price_hr=record.price_hr,
            base_currency="USD",
            jupyter_password=record.jupyter_password,
            custom_template_id=record.custom_template_id,
            is_spot=record.is_spot,
            auto_restart=record.auto_restart,
        )

    def _status(self, record: _PodRecord, now: float) -> WirePodStatus:
        phase = self._phase(record, now)
        return WirePodStatus(
            pod_id=record.id,
            provider_type=record.provider_type,
            status=phase.status,
            ssh_connection=_ssh(record) if phase.ready else None,
            ip=record.ip if phase.ready else None,
            cost_per_hr=record.price_hr,
            price_hr=record.price_hr,
            prime_port_mapping=self._ports(record, phase),
            installation_failure=phase.failure,
            installation_progress=phase.progress,
        )

    def _history_entry(self, record: _PodRecord) -> HistoryEntry:
        assert record.terminated is not None
        return HistoryEntry(
            id=record.id,
            name=record.name,
            provider_type=record.provider_type,
            type="HOSTED",
            created_at=self._wall(record.created),
            terminated_at=self._wall(record.terminated),
            gpu_name=record.gpu_name,
            gpu_count=record.gpu_count,
            socket=record.socket,
            price_hr=record.price_hr,
            user_id=self._user_id,
            team_id=record.team_id,
            total_billed_price=record.billed(),
        )

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
            pods=[pod_id for pod_id in record.pod_ids if self._live(pod_id, now)],
            clusters=[],
        )

    def _emulated(self, record: _PodRecord, now: float) -> EmulatedPod:
        terminated = (
            self._wall(record.terminated)
            if record.terminated is not None and record.gone(now)
            else None
        )
        return EmulatedPod(
            **dict(self._pod(record, now)), terminated_at=terminated, fate=record.fate.kind
        )


def _scheduled_phase(fate: Fate, created: float, provision: float, now: float) -> _Phase:
    """The phase a pod of this fate is in at ``now``, absent out-of-band failures."""
    half, three_quarters, ready_at = (created + provision * f for f in (0.5, 0.75, 1.0))
    if fate.kind == "stuck" or now < half:
        return _Phase("PROVISIONING", "PENDING", 0, None, False, created)
    if fate.kind in ("error", "install_failure"):
        message = fate.message or _FAILURE_MESSAGES[fate.kind]
        status: PodStatusValue = "ERROR" if fate.kind == "error" else "ACTIVE"
        return _failed(status, message, FROZEN_PROGRESS, half)
    if now >= ready_at:
        return _Phase("ACTIVE", "FINISHED", 100, None, True, ready_at)
    # now is in [half, ready_at), so provision > 0 here.
    progress = min(99, 1 + int(99 * (now - half) / (ready_at - half)))
    if fate.kind == "transient_install_failure":
        if now < three_quarters:
            message = fate.message or _FAILURE_MESSAGES[fate.kind]
            return _Phase("ACTIVE", "ACTIVE", progress, message, False, half)
        return _Phase("ACTIVE", "ACTIVE", progress, None, False, three_quarters)
    return _Phase("ACTIVE", "ACTIVE", progress, None, False, half)


def _failed(status: PodStatusValue, message: str, progress: int, since: float) -> _Phase:
    """A pod whose installation failed for good: never ready, progress frozen."""
    return _Phase(status, "ERROR", progress, message, False, since)


def _port(internal: int, external: int, used_by: str) -> WirePortMapping:
    return WirePortMapping(
        internal=str(internal),
        external=str(external),
        protocol="TCP",
        used_by=used_by,
        description="",
    )


def _ssh(record: _PodRecord) -> str:
    return f"root@{record.ip} -p {record.ssh_port}"


def _price(offer: WireGPUAvailability | None, gpu_count: int) -> float:
    """The hourly price of a pod: its offer's tier price, scaled to the GPUs asked for."""
    if offer is None:
        return round(DEFAULT_PRICE_PER_GPU_HOUR * gpu_count, 4)
    return round(offer.price_hr * gpu_count / offer.gpu_count, 4)


def _non_negative(name: str, seconds: float) -> float:
    if seconds < 0:
        raise ValueError(f"{name} must be >= 0, got {seconds}")
    return float(seconds)
