"""Pods: a lifecycle in time, fates that bend it, deletion, history and billing.

A :class:`PodStore` holds one backend's pods, active and terminated, and the fates
queued for the next ones; :class:`PodBackend`, the backend's part that serves
pods, changes it under the backend's lock and renders its records.

A pod's lifecycle is never advanced by a background task; it is computed from
the time elapsed since its creation on every read, so a fake clock steers it
exactly. With provision time ``P``: before ``P/2`` the pod is PROVISIONING
(installation PENDING, progress 0, no SSH); from ``P/2`` it is ACTIVE with
installation ACTIVE and progress rising from 1 to 99; from ``P`` installation is
FINISHED, progress 100 and SSH is set. Fates (see
:class:`~prime_pulumi.emulator.pods.wire.Fate`) bend that course.

Deletion takes time too. With delete time ``D`` (the value in force when the
DELETE arrives), a deleted pod stays listed for ``D`` seconds as DELETING,
its installation fields frozen as they were; from then on it is terminated:
gone from the API (404), in history with ``terminatedAt`` at the end of the
window, billed until then. ``D = 0`` terminates it at once.

A pod made from a multi-node offer spans ``gpuCount / 8`` nodes (at least two), each
with its own IP: ``sshConnection`` and ``ip`` are then lists in node order, and
node ``i`` gets its SSH ``i`` tenths of the provision time after the first (``None``
until then; our guess, since the API documents only the list-valued fields).

A pod is made from an offer of the marketplace
(:mod:`prime_pulumi.emulator.availability.state`), and mounts the disks its create
names (:mod:`prime_pulumi.emulator.disks.state` says when they are refused).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from prime_pulumi.emulator.availability.wire import WireGPUAvailability
from prime_pulumi.emulator.core import BackendCore
from prime_pulumi.emulator.defaults import (
    DEFAULT_IMAGE,
    DEFAULT_PRICE_PER_GPU_HOUR,
    FROZEN_PROGRESS,
    GPUS_PER_NODE,
    NODE_READY_STAGGER,
)
from prime_pulumi.emulator.errors import RequestRefusedError, pod_not_found
from prime_pulumi.emulator.pods.wire import (
    DeletedPod,
    EmulatedPod,
    Fate,
    FateKind,
    HistoryEntry,
    HistoryList,
    HistorySortKey,
    InstallationStatus,
    NodeValue,
    PodFailure,
    PodList,
    PodResources,
    SortOrder,
    WireAttachedResource,
    WireCreatePodRequest,
    WirePod,
    WirePodStatus,
    WirePodStatusList,
    WirePortMapping,
)
from prime_pulumi.emulator.wire import PodStatusValue

if TYPE_CHECKING:  # other resources' stores, only named: their modules import this one
    from prime_pulumi.emulator.availability.state import Marketplace
    from prime_pulumi.emulator.disks.state import DiskStore
    from prime_pulumi.emulator.ssh_keys.state import SshKeyStore

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
class PodRecord:
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
    # Sharing, as the create asked for it; the API's pod shows neither, the control view does.
    shared_with_team: bool = False
    team_member_ids: tuple[str, ...] = ()
    ssh_key_id: str | None = None  # the key it was made with: the API's pod does not say
    nodes: int = 1  # more than one: made from a multi-node offer

    def gone(self, now: float) -> bool:
        """Whether the pod is terminated at ``now``: deleted, and its deletion over."""
        return self.terminated is not None and now >= self.terminated

    def billed(self) -> float:
        """What the pod cost from creation to termination (0 while it runs)."""
        if self.terminated is None:
            return 0.0
        return round(self.price_hr * (self.terminated - self.created) / 3600, 6)

    def phase(self, now: float) -> _Phase:
        """Where the pod is at ``now``: terminated, DELETING, failed, or on its fate's course."""
        if self.terminated is not None and self.gone(now):
            return _Phase("TERMINATED", "TERMINATED", 0, None, False, self.terminated)
        if self.deleting is not None:
            return self.deleting
        if self.failure is not None:
            return self.failure
        return _scheduled_phase(self.fate, self.created, self.provision_seconds, now)

    def ports(self, phase: _Phase) -> list[WirePortMapping]:
        """The ports the pod exposes in ``phase``: none until it is ready."""
        if not phase.ready:
            return []
        ports = [_port(22, self.ssh_port, "SSH")]
        if self.jupyter_password is not None:  # no image of the document names Jupyter
            ports.append(_port(8888, 8888, "JUPYTER_NOTEBOOK"))
        return ports

    def ssh(self) -> str:
        """The pod's SSH command line."""
        return f"root@{self.ip} -p {self.ssh_port}"

    def addresses(self, phase: _Phase, now: float) -> tuple[NodeValue, NodeValue]:
        """``sshConnection`` and ``ip`` in ``phase``: strings for one node, lists for several.

        Each node has them once it is ready; a pod being deleted shows the nodes that
        were ready when the delete came.
        """
        if self.nodes == 1:
            return (self.ssh(), self.ip) if phase.ready else (None, None)
        seen = self.deleting.since if self.deleting is not None else now
        ready_at = self.created + self.provision_seconds
        ssh: list[str | None] = []
        ips: list[str | None] = []
        for node in range(self.nodes):
            up = (
                phase.ready
                and seen >= ready_at + node * NODE_READY_STAGGER * self.provision_seconds
            )
            ip = _node_ip(self.ip, node)
            ssh.append(f"root@{ip} -p {self.ssh_port}" if up else None)
            ips.append(ip if up else None)
        return ssh, ips


class PodStore:
    """The pods of one backend, in creation order, and the fates for the next ones."""

    def __init__(self) -> None:
        self._pods: dict[str, PodRecord] = {}
        self.fates: deque[Fate] = deque()

    def add(self, record: PodRecord) -> None:
        """Keep a new pod."""
        self._pods[record.id] = record

    def next_fate(self) -> Fate:
        """The fate of the next pod made: the first queued, or ``ok``."""
        return self.fates.popleft() if self.fates else Fate()

    def all(self) -> list[PodRecord]:
        """Every pod held, terminated ones included."""
        return list(self._pods.values())

    def listed(self, now: float) -> list[PodRecord]:
        """The pods the API shows at ``now`` (DELETING ones included)."""
        return [record for record in self._pods.values() if not record.gone(now)]

    def terminated(self, now: float) -> list[PodRecord]:
        """The pods terminated at ``now``: the history."""
        return [record for record in self._pods.values() if record.gone(now)]

    def active(self, pod_id: str, now: float) -> PodRecord:
        """A pod the API still shows (DELETING included); 404 for unknown or terminated."""
        record = self._pods.get(pod_id)
        if record is None or record.gone(now):
            raise pod_not_found(pod_id)
        return record

    def live(self, pod_id: str, now: float) -> bool:
        """Whether a pod exists and is not terminated at ``now`` (DELETING counts as live)."""
        record = self._pods.get(pod_id)
        return record is not None and not record.gone(now)


class PodBackend(BackendCore):
    """The backend's pods: what the pod routes serve, their fates and out-of-band failures."""

    _pods: PodStore
    _offers: Marketplace  # a pod is made from an offer, at its price
    _disks: DiskStore  # a pod mounts the disks its create names
    _ssh_keys: SshKeyStore  # a pod is made with the key its create names, or the primary

    def _forget(self) -> None:
        super()._forget()
        self._pods = PodStore()

    def queue_fates(self, fates: Iterable[Fate | FateKind]) -> int:
        """Queue fates for the next pods created, in order; returns how many are queued."""
        with self._lock:
            self._pods.fates.extend(f if isinstance(f, Fate) else Fate(kind=f) for f in fates)
            return len(self._pods.fates)

    def all_pods(self) -> list[EmulatedPod]:
        """Every pod held, active (in its current state) and terminated, in creation order."""
        with self._lock:
            now = self._clock()
            return [self._emulated(record, now) for record in self._pods.all()]

    def fail_pod(self, pod_id: str, failure: PodFailure) -> EmulatedPod:
        """Make an active pod fail from now on, whatever its fate.

        404 when unknown or terminated; 400 while it is being deleted.
        """
        with self._lock:
            now = self._clock()
            record = self._pods.active(pod_id, now)
            if record.deleting is not None:
                raise RequestRefusedError(f"Pod {pod_id} is being deleted")
            current = record.phase(now)
            # An install failure leaves the machine as it is; an error takes it down.
            record.failure = _failed(
                "ERROR" if failure.kind == "error" else current.status,
                failure.message or _FAILURE_MESSAGES[failure.kind],
                current.progress,
                now,
            )
            return self._emulated(record, now)

    def create_pod(self, request: WireCreatePodRequest) -> WirePod:
        """Create a pod from a validated request; it takes the next queued fate.

        Refused, making no pod: 409 when the offer is out of stock, 400 when it costs
        more than ``maxPrice``. A ``cloudId`` that is no offer makes a pod at a default price.
        The top-level ``disks`` are attached to it (see :mod:`prime_pulumi.emulator.disks.state`
        for when they are refused); the pod's place is its offer's data center, else its
        ``dataCenterId``. It is made with the SSH key ``sshKeyId`` names (404 when unknown),
        else the primary key (:mod:`prime_pulumi.emulator.ssh_keys.state`).
        """
        spec = request.pod
        with self._lock:
            offer = self._offers.offer_for_pod(spec.cloud_id)
            spans = self._offers.spans_nodes(spec.cloud_id)
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
            mounted = self._disks.attachable(request.disks or (), place, now)
            ssh_key_id = self._ssh_keys.for_pod(spec.ssh_key_id)
            serial = self._next_serial("pod")
            pod_id = self._derive_id("pod", serial)
            record = PodRecord(
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
                auto_restart=bool(spec.auto_restart),
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
                fate=self._pods.next_fate(),
                provision_seconds=self._provision_seconds,
                created=now,
                serial=serial,
                shared_with_team=request.shared_with_team,
                team_member_ids=tuple(request.team_member_ids or ()),
                ssh_key_id=ssh_key_id,
                nodes=max(2, math.ceil(spec.gpu_count / GPUS_PER_NODE)) if spans else 1,
            )
            self._pods.add(record)
            self._disks.attach(mounted, pod_id)
            return self._pod(record, now)

    def list_pods(self, offset: int = 0, limit: int = 100) -> PodList:
        """One page of active pods (DELETING ones included), oldest first."""
        with self._lock:
            now = self._clock()
            active = self._pods.listed(now)
            page = [self._pod(r, now) for r in active[offset : offset + limit]]
        return PodList(total_count=len(active), offset=offset, limit=limit, data=page)

    def get_pod(self, pod_id: str) -> WirePod:
        """One active pod (DELETING ones included); 404 for unknown or terminated ones."""
        with self._lock:
            now = self._clock()
            return self._pod(self._pods.active(pod_id, now), now)

    def pod_statuses(self, pod_ids: Sequence[str]) -> WirePodStatusList:
        """The status of each active pod asked for (DELETING included); unknown ids left out."""
        with self._lock:
            now = self._clock()
            records = [
                self._pods.active(pod_id, now)
                for pod_id in dict.fromkeys(pod_ids)  # once each, in the order asked
                if self._pods.live(pod_id, now)
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
            record = self._pods.active(pod_id, now)
            if record.deleting is None:
                # Frozen as it is now; a pod that was never ready shows no SSH either.
                record.deleting = replace(record.phase(now), status="DELETING", since=now)
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
        keys: dict[HistorySortKey, Callable[[PodRecord], float]] = {
            "createdAt": lambda r: r.created,
            "terminatedAt": lambda r: r.terminated or 0.0,
        }
        with self._lock:
            now = self._clock()
            done = self._pods.terminated(now)
            key = keys[sort_by]
            done.sort(key=lambda r: (key(r), r.serial), reverse=sort_order == "desc")
            page = [self._history_entry(r) for r in done[offset : offset + limit]]
        return HistoryList(total_count=len(done), offset=offset, limit=limit, data=page)

    # --- rendering (callers hold the lock) -----------------------------------------

    def _pod(self, record: PodRecord, now: float) -> WirePod:
        phase = record.phase(now)
        ssh, ip = record.addresses(phase, now)
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
            prime_port_mapping=record.ports(phase),
            ssh_connection=ssh,
            ip=ip,
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

    def _status(self, record: PodRecord, now: float) -> WirePodStatus:
        phase = record.phase(now)
        ssh, ip = record.addresses(phase, now)
        return WirePodStatus(
            pod_id=record.id,
            provider_type=record.provider_type,
            status=phase.status,
            ssh_connection=ssh,
            ip=ip,
            cost_per_hr=record.price_hr,
            price_hr=record.price_hr,
            prime_port_mapping=record.ports(phase),
            installation_failure=phase.failure,
            installation_progress=phase.progress,
        )

    def _history_entry(self, record: PodRecord) -> HistoryEntry:
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

    def _emulated(self, record: PodRecord, now: float) -> EmulatedPod:
        terminated = (
            self._wall(record.terminated)
            if record.terminated is not None and record.gone(now)
            else None
        )
        return EmulatedPod(
            **dict(self._pod(record, now)),
            terminated_at=terminated,
            fate=record.fate.kind,
            shared_with_team=record.shared_with_team,
            team_member_ids=list(record.team_member_ids),
            ssh_key_id=record.ssh_key_id,
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


# Documentation addresses (RFC 5737), one network after another for the nodes of a pod.
_NODE_NETWORKS = ("203.0.113", "198.51.100", "192.0.2")


def _node_ip(first: str, node: int) -> str:
    """The IP address of node ``node`` of a pod whose first node has ``first``."""
    if node == 0:
        return first
    host = (int(first.rsplit(".", 1)[1]) - 1 + node // len(_NODE_NETWORKS)) % 254 + 1
    return f"{_NODE_NETWORKS[node % len(_NODE_NETWORKS)]}.{host}"


def _port(internal: int, external: int, used_by: str) -> WirePortMapping:
    return WirePortMapping(
        internal=str(internal),
        external=str(external),
        protocol="TCP",
        used_by=used_by,
        description="",
    )


def _price(offer: WireGPUAvailability | None, gpu_count: int) -> float:
    """The hourly price of a pod: its offer's tier price, scaled to the GPUs asked for."""
    if offer is None:
        return round(DEFAULT_PRICE_PER_GPU_HOUR * gpu_count, 4)
    return round(offer.price_hr * gpu_count / offer.gpu_count, 4)
