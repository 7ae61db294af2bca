"""The disk lane of the fault campaign: disks and the pods that mount them, in one ``pulumi up``.

Each schedule is one ``pulumi up`` of a stack of disks and pods, in a provider
process of its own (driven as the engine drives a ``Disk``, and as it drives a
``Pod``), played as Pulumi orders it:

- 2 to 5 ``Disk`` resources, each placed (``provider_type`` and
  ``data_center_id``) or by ``regions`` (each region's cheapest disk offer has a
  1x H100 beside it). Most may become ACTIVE; the others are given the
  emulator's disk fate ``error`` or ``stuck`` (with a ``ready_timeout`` shorter
  than provisioning). Fated disks are posted first, one at a time, so each
  takes the fate queued for it (some with their answer lost or slow); then the
  others, all at once.
- 0 to 2 pods per disk that may become ACTIVE, each of whose create starts once
  its disk's create answered: on the declared offer ``runpod-h100-pcie-1x-us-ks-2``
  when the disk is in US-KS-2 and the schedule says so, else by constraints
  (1x H100_80GB), which take them to the disk's data center.
- Meanwhile, at seeded moments: bursts of 5xx, 429 (with and without
  Retry-After), slow answers and dropped connections on ``get_disk`` (where a
  disk's create waits), ``pod_status`` and ``get_pod``, each longer than one
  call's six attempts; 5xx and 429 on ``list_disks`` (where a create looks for
  its disk by name) and ``disk_availability``, and slow listings, fewer in all
  than one call's attempts; lost (``drop_after``), dropped (``drop``), refused
  (429) and slow create answers for disks and pods.
- Disks are read (refresh) once their create answered; a disk nobody mounts may
  be deleted out of band and read, and then created again (the next ``pulumi
  up``); a failed create of a fated disk may be run again. Deleted disks stay
  DELETING for a while in some schedules.
- Then ``pulumi destroy`` in Pulumi's order: the pods first, then the disks, their
  deletes now and then refused (5xx, 429) or answered only after the server acted
  (``drop_after``).

The engine's record is kept as the engine keeps it: a create that answered is
tracked, one that raised records nothing; a read that answers no id drops its
resource. The invariants, tagged as a failure names them:

(1) no lost disk: every disk that bills (not DELETING nor gone) is tracked by the
    engine, or named as possibly left (its id, or its name) in the one-line error
    of the create that failed; the same holds for pods (tracked, no excuse);
    after the destroy (and the user deleting what an error named), no disk and
    no pod is left at all;
(2) no resource with two disks: each create of a ``Disk`` made at most one disk
    (the emulator's disks of its name, gone ones included, that appeared from its
    start to the start of the resource's next create, so a resource made at most
    as many disks as the schedule sent it creates), no two resources track one
    disk, and no two billing disks share a name;
(3) every create of a disk the schedule lets become ACTIVE succeeds, answering
    the ACTIVE disk it made: no transient fault or lost answer costs a disk (the
    one excuse is a post the server never acted on: a dropped create, after
    which no disk of the name exists); a disk fated ``error`` or ``stuck``, or
    given a ``ready_timeout`` shorter than its provisioning, is never reported
    ACTIVE, and the create that fails on it leaves it deleted;
(4) every pod made with a disk reports it (``resource_type`` DISK) in
    ``attached_resources``;
(5) every error the user sees is one of ours (``prime_pulumi.<Class>``), in one
    line, names its disk or pod, and never shows the API key; progress goes only
    to the rows of the schedule's own resources, ephemeral (but a failed pod's log
    lines, kept in its Diagnostics), without the key;
(6) a read never keeps a disk DELETING or gone;

and the concurrent lane's for pods ((a) every pod create whose disk is ACTIVE
succeeds unless its post was lost, (dup) one pod per create, (c) nothing foreign
reaches the engine). A failure names the seed; ``CAMPAIGN_SEED=<seed>``
replays it (see tests/campaign).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import grpc

from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from tests.kit.campaign import billing_pods, disks_left, pods_left
from tests.kit.fake_engine import FakeEngine
from tests.kit.fleet import concurrently
from tests.kit.fleet_campaign import (
    BURSTS,
    GONE,
    LOST_POST,
    SLOW_ANSWER,
    ConcurrentCampaign,
    CreateOutcome,
    Event,
    FleetSchedule,
    PodProcess,
    Schedule,
    burst_fields,
    create_breaks,
    lanes_of,
)
from tests.kit.harness import DISK_URN, URN, ProviderProcess
from tests.kit.samples import POD

#: Disks take this long to be ACTIVE: long enough for the faults to meet their waits.
DISK_PROVISION_SECONDS = 0.6
POD_PROVISION_SECONDS = 0.5
#: How long deleted disks stay DELETING, one value per schedule.
DISK_DELETE_SECONDS = (0.0, 0.5, 1.5)
#: How long deleted pods stay DELETING, one value per schedule.
POD_DELETE_SECONDS = (0.0, 0.3)
#: Ample for a disk or a pod that may become ready: provisioning plus every fault.
READY_TIMEOUT = 15.0
#: A disk's whole ``ready_timeout``, shorter than its provisioning: it cannot be ACTIVE in time.
SHORT_READY_TIMEOUT = 0.4
#: How long to wait for a fated disk's post to reach the emulator before the next is sent.
POST_WAIT = 3.0
#: What the schedule does to each disk: a fate queued for it, or none ("ok").
DISK_PLANS = ("ok", "ok", "ok", "ok", "error", "stuck")
#: Where a disk goes: placed (provider and data center), or by regions.
PLACES: tuple[dict[str, Any], ...] = (
    {"provider_type": "runpod", "data_center_id": "US-KS-2"},
    {"provider_type": "tensordock", "data_center_id": "NL-AMS-1"},
    {"regions": ["united_states"]},  # runpod, US-KS-2
    {"regions": ["eu_west"]},  # tensordock, NL-AMS-1
    {"regions": ["canada"]},  # hyperstack, CANADA-1
)
#: Where :data:`~tests.kit.samples.POD`'s declared offer runs.
POD_DATA_CENTER = "US-KS-2"
#: A pod by constraints: the one GPU the data centers of :data:`PLACES` all offer.
BY_CONSTRAINTS = {"gpu_type": "H100_80GB", "gpu_count": 1}
#: What happens to a disk once its create answered: with pods, and with none.
MOUNTED_STEPS = ("read", "read", "none")
UNMOUNTED_STEPS = ("read", "out_of_band", "out_of_band", "none")
#: What an error says when what it leaves may bill.
MAY_BILL = ("may exist and bill", "may still bill", "that appears later is adopted")


@dataclass
class DiskCreate:
    """One create of a ``Disk`` resource and, once judged, the disks it made."""

    resource: str
    name: str
    #: ``ok``, ``error`` or ``stuck`` (the disk fate queued for it), ``rerun`` (a failed
    #: create run again) or ``recreate`` (after an out-of-band delete).
    plan: str
    #: Whether its ``ready_timeout`` is shorter than the disk's provisioning.
    short: bool = False
    #: The ids of the disks of its name that existed before it ran.
    before: frozenset[str] = frozenset()
    #: The id the create answered; ``None`` if it raised.
    disk_id: str | None = None
    outs: dict[str, Any] = field(default_factory=dict)
    #: The last line of the error the user saw, if it raised.
    error: str = ""
    #: The emulator's disks it made (``id``, ``fate``, ``status``): see :func:`attribute`.
    made: tuple[dict[str, Any], ...] = ()

    @property
    def fated(self) -> bool:
        """Whether a disk it made was given a fate other than ``ok``."""
        return any(disk["fate"] != "ok" for disk in self.made)

    @property
    def post_lost(self) -> bool:
        """Whether its post was lost and no disk of its name ever came of it."""
        return not self.made and self.error.startswith(LOST_POST)

    @property
    def may_become_active(self) -> bool:
        """Whether nothing but transient faults could keep its disk from becoming ACTIVE."""
        return not self.fated and not self.short and not self.post_lost

    @property
    def verdict(self) -> str:
        """How the create ended, for the lane's counts."""
        if self.disk_id is not None:
            return "ready" if self.may_become_active else "reported ACTIVE though it could not be"
        if self.post_lost:
            return "disk failed: its post was lost, no disk was made"
        if self.may_become_active:
            return "disk failed though it could become ACTIVE"
        return "disk failed as the schedule meant"


def attribute(creates: Sequence[DiskCreate], disks: Sequence[dict[str, Any]]) -> None:
    """Sets what each create made: the disks of its name that appeared from its start on,
    up to the start of the next create of its resource (``creates`` are in order).

    A disk that appears after the next create started is that one's: then it made two.
    """
    for index, create in enumerate(creates):
        later = [c for c in creates[index + 1 :] if c.resource == create.resource]
        until = later[0].before if later else None
        create.made = tuple(
            disk
            for disk in disks
            if disk["name"] == create.name
            and disk["id"] not in create.before
            and (until is None or disk["id"] in until)
        )


def disk_create_breaks(create: DiskCreate) -> list[str]:
    """The invariants one create of a disk broke (2, 3), each tagged for ``summary``."""
    name, made = create.name, create.made
    ids = [disk["id"] for disk in made]
    broken = []
    if len(made) > 1:
        broken.append(f"(2) the create of {name} made {len(made)} disks: {ids}")
    if create.disk_id is not None:
        answered = next((disk for disk in made if disk["id"] == create.disk_id), None)
        if answered is None:
            broken.append(
                f"(3) the create of {name} answered disk {create.disk_id}, not one it made"
            )
        elif answered["fate"] != "ok":
            broken.append(
                f"(3) disk {name} ({create.disk_id}), fated {answered['fate']}, was reported ACTIVE"
            )
        elif create.short:
            broken.append(
                f"(3) disk {name} ({create.disk_id}) was reported ACTIVE within a ready_timeout "
                f"({SHORT_READY_TIMEOUT:g} s) shorter than its provisioning"
            )
        if create.outs.get("status") != "ACTIVE":
            broken.append(f"(3) the create of {name} answered status {create.outs.get('status')}")
        return broken
    for disk in made:
        if disk["status"] not in GONE and not names_as_left(create.error, disk):
            broken.append(
                f"(3) the failed create of {name} left its disk {disk['id']} (fated "
                f"{disk['fate']}) {disk['status']}, and its error does not say so: {create.error}"
            )
    if create.may_become_active and made:
        broken.append(
            f"(3) the create of {name} failed though nothing but faults stood between its "
            f"disk {ids[0]} and ACTIVE: {create.error}"
        )
    elif create.may_become_active:
        broken.append(
            f"(3) the create of {name} failed before it made a disk, though nothing but "
            f"faults stood in its way: {create.error}"
        )
    return broken


def names_as_left(error: str, disk: dict[str, Any]) -> bool:
    """Whether a create's error names ``disk`` (its id, or its name) as what may still bill."""
    named = disk["id"] in error or f"'{disk['name']}'" in error
    return named and any(words in error for words in MAY_BILL)


def state_breaks(
    tracked: Sequence[str], disks: Sequence[dict[str, Any]], creates: Sequence[DiskCreate]
) -> tuple[list[str], dict[str, str]]:
    """The invariants the disks left after an ``up`` break (1, 2); the disks errors named.

    ``tracked`` are the disk ids the engine tracks, ``disks`` every disk the emulator
    holds. Answers what broke, and the billing disks (id: name) that no resource
    tracks but the error of a failed create named as possibly left: the user's to delete.
    """
    broken = []
    if len(set(tracked)) != len(tracked):
        broken.append(f"(2) two resources track one disk: {sorted(tracked)}")
    billing = [disk for disk in disks if disk["status"] not in GONE]
    named: dict[str, str] = {}
    for disk in billing:
        if disk["id"] in tracked:
            continue
        failed = [c.error for c in creates if c.disk_id is None and c.name == disk["name"]]
        if any(names_as_left(error, disk) for error in failed):
            named[disk["id"]] = disk["name"]
        else:
            broken.append(
                f"(1) disk {disk['id']} ({disk['name']}, {disk['status']}) bills, yet no "
                "resource tracks it and no error named it"
            )
    shared = Counter(disk["name"] for disk in billing)
    for name, count in shared.items():
        if count > 1:
            ids = [disk["id"] for disk in billing if disk["name"] == name]
            broken.append(f"(2) {count} billing disks share the name {name}: {ids}")
    return broken, named


def attachment_breaks(name: str, pod_id: str, disk_id: str, outs: dict[str, Any]) -> list[str]:
    """(4): a pod made with ``disk_id`` reports it in ``attached_resources``, as a DISK."""
    attached = [a for a in outs.get("attached_resources") or [] if a.get("id") == disk_id]
    if not attached:
        return [
            f"(4) pod {name} ({pod_id}), made with disk {disk_id}, does not report it in "
            f"attached_resources: {outs.get('attached_resources')}"
        ]
    if attached[0].get("resource_type") != "DISK":
        return [f"(4) pod {name} ({pod_id}) reports disk {disk_id} as {attached[0]}"]
    return []


class DiskCampaign(ConcurrentCampaign):
    """Runs disk schedules against one emulator, each in a provider process of its own.

    A concurrent lane (the same emulator, fake engine and records) with schedules of its own.
    """

    label = "disk lane"
    tally_name = "disk fault campaign"
    fates_label = "plans"

    def schedule(self, seed: int) -> Schedule:
        return _Schedule(self, seed)


@dataclass
class _PodPlan:
    """A pod that mounts a disk: its resource, and whether it takes the declared offer."""

    resource: str
    declared_offer: bool

    def news(self, seed: int, disk_id: str, data_center: str | None) -> dict[str, Any]:
        """Its inputs once its disk is made; the declared offer only where the disk is."""
        where = POD if self.declared_offer and data_center == POD_DATA_CENTER else BY_CONSTRAINTS
        return {
            **where,
            "disks": [disk_id],
            "auto_name_seed": f"disks/{seed}/{self.resource}",
            "ready_timeout": READY_TIMEOUT,
            URN_KEY: URN.format(name=self.resource),  # as a program hands it over
        }


@dataclass
class _DiskPlan:
    """A disk of the schedule, and what the schedule does with it."""

    resource: str
    news: dict[str, Any]
    inputs: dict[str, Any]
    #: ``ok``, or the disk fate queued for it (``error``, ``stuck``).
    fate: str
    pods: list[_PodPlan]
    #: ``read``, ``out_of_band`` or ``none``, once its create answered; ``rerun`` if it fails.
    step: str
    #: Seconds between its create's answer and the step.
    delay: float
    #: After an out-of-band delete: whether the next ``pulumi up`` makes it again.
    recreate: bool


class _Schedule(FleetSchedule):
    """One seeded ``pulumi up`` of disks and the pods that mount them, with faults."""

    read_kept = "(6)"

    def __init__(self, lane: DiskCampaign, seed: int) -> None:
        super().__init__(lane, seed)
        self.disks: ProviderProcess
        self.disk_resources: set[str] = set()
        self.disk_creates: list[DiskCreate] = []
        #: Each pod create, with the disk it mounts and what it answered.
        self.pod_creates: list[tuple[CreateOutcome, str, dict[str, Any]]] = []
        self.disk_delete_seconds = 0.0
        self.pod_delete_seconds = 0.0
        #: Disks no resource tracks that an error named as possibly left.
        self.named_left: dict[str, str] = {}

    def _process(self, resource: str) -> PodProcess:
        return self.disks if resource in self.disk_resources else self.provider

    def _noun(self, resource: str) -> str:
        return "disk" if resource in self.disk_resources else "pod"

    # ------------------------------------------------------------ the run

    def run(self) -> None:
        rng = self.rng
        self.control.reset()
        self.disk_delete_seconds = rng.choice(DISK_DELETE_SECONDS)
        self.pod_delete_seconds = rng.choice(POD_DELETE_SECONDS)
        self.control.set_timing(
            provision_seconds=POD_PROVISION_SECONDS,
            delete_seconds=self.pod_delete_seconds,
            disk_provision_seconds=DISK_PROVISION_SECONDS,
            disk_delete_seconds=self.disk_delete_seconds,
        )
        if self.disk_delete_seconds:
            self.tally.faults[f"disks DELETING for {self.disk_delete_seconds:g}s"] += 1
        with self.lane.provider_process() as self.provider:
            self.disks = self.provider.for_disks()
            plans = self._declare(rng)
            self._up(plans, self._events(rng, len(plans)))
            self.control.clear_faults()
            self._judge()
            self._destroy()
            self._judge_progress()
        self.tally.schedules += 1

    def _declare(self, rng: random.Random) -> list[_DiskPlan]:
        """The disks, their pods and steps, every seeded choice made now; some pod fates queued."""
        plans = []
        for i in range(rng.randint(2, 5)):
            resource = f"disk{i}"
            fate = rng.choice(DISK_PLANS)
            place = rng.choice(PLACES)
            news = {
                "size": float(rng.randrange(10, 1000, 10)),  # numbers arrive as floats
                **place,
                "auto_name_seed": f"disks/{self.seed}/{resource}",
                "ready_timeout": SHORT_READY_TIMEOUT if fate == "stuck" else READY_TIMEOUT,
                URN_KEY: DISK_URN.format(name=resource),
            }
            pods = []
            if fate == "ok":
                count = rng.choice((0, 1, 1, 2))
                pods = [_PodPlan(f"{resource}-pod{j}", rng.random() < 0.5) for j in range(count)]
                step = rng.choice(MOUNTED_STEPS if pods else UNMOUNTED_STEPS)
            else:
                step = "rerun" if rng.random() < 0.5 else "none"
            self.disk_resources.add(resource)
            plan = _DiskPlan(
                resource,
                news,
                self._checked(news, self.disks),
                fate,
                pods,
                step,
                delay=rng.uniform(0.0, 0.6),
                recreate=rng.random() < 0.5,
            )
            plans.append(plan)
            where = "by regions" if "regions" in place else "placed"
            self.tally.fates[f"disk {fate}, {where}"] += 1
            self.tally.fates[f"disk then {step}"] += 1
            for pod in pods:
                how = "declared offer" if pod.declared_offer else "by constraints"
                self.tally.fates[f"pod ({how})"] += 1
        transient = rng.randint(0, sum(len(plan.pods) for plan in plans) // 2)
        if transient:  # whichever pods are made first go through it
            self.control.fates(*["transient_install_failure"] * transient)
            self.tally.fates["pod transient_install_failure"] += transient
        return plans

    def _events(self, rng: random.Random, disks: int) -> list[Event]:
        """Faults at seeded moments while the creates run."""
        events = [self._burst(rng, disks) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.5:
            events.append(self._few_faults(rng, "list_disks", rng.uniform(0.0, 1.0)))
        if rng.random() < 0.3:
            events.append(self._few_faults(rng, "disk_availability", rng.uniform(0.0, 0.3)))
        return sorted(events, key=lambda event: event.at)

    def _up(self, plans: list[_DiskPlan], events: list[Event]) -> None:
        """Fated disks first, one at a time; then the create faults, the others, the events."""
        fated = [plan for plan in plans if plan.fate != "ok"]
        others = [plan for plan in plans if plan.fate == "ok"]
        with ThreadPoolExecutor(max_workers=len(plans) + 1) as pool:
            started = time.monotonic()
            futures = []
            for plan in fated:
                self.control.disk_fates(plan.fate)
                self._fated_post_fault(self.rng)
                futures.append(pool.submit(self._disk, plan))
                self._await_post(plan.inputs["name"])
            self._create_faults(self.rng, "create_disk")
            if self.rng.random() < 0.3:  # the client gives up on it; the server goes on
                self.control.fault("create_disk", "delay", delay=SLOW_ANSWER)
                self.tally.faults["slow create answer (delay on create_disk)"] += 1
            self._create_faults(self.rng, "create_pod")
            futures.extend(pool.submit(self._disk, plan) for plan in others)
            futures.extend(self._play(pool, started, events))
            self._finish(futures)
            for done in futures:
                done.result()

    def _await_post(self, name: str) -> None:
        """Waits (a while) until a disk called ``name`` is on the emulator: it took its fate."""
        deadline = time.monotonic() + POST_WAIT
        while time.monotonic() < deadline:
            if any(disk["name"] == name for disk in self.control.disks()):
                return
            time.sleep(0.02)

    # ------------------------------------------------------------ faults

    def _fated_post_fault(self, rng: random.Random) -> None:
        """Now and then, a fated disk's post is answered only after the server made it."""
        kind = rng.choice((None, None, "drop_after", "delay"))
        if kind == "drop_after":
            self.control.fault("create_disk", "drop_after")
            self.tally.faults["lost create answer of a fated disk (drop_after on create_disk)"] += 1
        elif kind == "delay":  # the client gives up on it; the server goes on
            self.control.fault("create_disk", "delay", delay=SLOW_ANSWER)
            self.tally.faults["slow create answer of a fated disk (delay on create_disk)"] += 1

    def _burst(self, rng: random.Random, disks: int) -> Event:
        """A burst on a route where creates wait, decided now, injected at its moment.

        Each disk's create asks ``get_disk`` on its own, and pods that mount disks made
        at about the same moment are ready at about the same moment: a burst on those
        routes is shared among up to ``disks`` calls. One poller asks every pod status.
        """
        route = rng.choice(("get_disk", "get_disk", "pod_status", "get_pod"))
        kind = rng.choice(BURSTS)
        callers = 1 if route == "pod_status" else rng.randint(1, disks)
        fields = burst_fields(rng, kind, callers)
        if route == "get_disk":
            at = rng.uniform(0.0, DISK_PROVISION_SECONDS + 0.4)
        else:
            at = rng.uniform(DISK_PROVISION_SECONDS, DISK_PROVISION_SECONDS + 1.2)

        def inject() -> None:
            self.control.fault(route, **fields)
            self._count(self.tally.faults, f"{kind} burst on {route}")

        return Event(at, inject, blocking=False)

    def _few_faults(self, rng: random.Random, route: str, at: float) -> Event:
        """5xx, 429 or slow answers on a listing, fewer in all than one call's six attempts."""
        kind = rng.choice(("5xx", "429", "429-retry-after", "slow"))
        fields: dict[str, Any]
        if kind == "slow":
            fields = {"action": "delay", "delay": SLOW_ANSWER, "times": rng.randint(1, 2)}
        else:
            status = rng.choice((500, 502, 503)) if kind == "5xx" else 429
            fields = {"action": "status", "status": status, "times": rng.randint(1, 5)}
            if kind == "429-retry-after":
                fields["retry_after"] = 0.05

        def inject() -> None:
            self.control.fault(route, **fields)
            self._count(self.tally.faults, f"{kind} on {route} (within one call's attempts)")

        return Event(at, inject, blocking=False)

    def _delete_faults(self, rng: random.Random) -> None:
        """Faults for the destroy's deletes: refused, or answered after the server deleted."""
        for route in ("delete_pod", "delete_disk"):
            if rng.random() < 0.35:
                kind = rng.choice(("5xx", "429", "drop_after"))
                if kind == "drop_after":
                    self.control.fault(route, "drop_after")
                else:
                    status = rng.choice((500, 502, 503)) if kind == "5xx" else 429
                    self.control.fault(route, "status", status=status, times=rng.randint(1, 3))
                self.tally.faults[f"{kind} on {route} (destroy)"] += 1

    # ------------------------------------------------------------ operations

    def _disk(self, plan: _DiskPlan) -> None:
        """A disk's create, then what the schedule does with it: its pods and its step."""
        created = self._create_disk(plan.resource, plan.inputs, plan.fate)
        if created is None and plan.step == "rerun":
            inputs = self._checked({**plan.news, "ready_timeout": READY_TIMEOUT}, self.disks)
            created = self._create_disk(plan.resource, inputs, "rerun")
        if created is None:
            return
        disk_id, outs = created
        calls = [partial(self._create_pod, pod, disk_id, outs) for pod in plan.pods]
        concurrently([*calls, partial(self._step, plan, disk_id)])

    def _create_disk(
        self, resource: str, inputs: dict[str, Any], plan: str
    ) -> tuple[str, dict[str, Any]] | None:
        """A ``Disk``'s create; answers its id and outputs, or ``None`` if it raised."""
        name = inputs["name"]
        create = DiskCreate(
            resource,
            name,
            plan,
            short=inputs["ready_timeout"] < DISK_PROVISION_SECONDS,
            before=frozenset(d["id"] for d in self.control.disks() if d["name"] == name),
        )
        with self.lock:
            self.disk_creates.append(create)
        self._count(self.tally.operations, f"disk create ({plan})")
        try:
            disk_id, outs = self.disks.create(inputs, name=resource)
        except grpc.RpcError as error:
            create.error = self._shown(error, name)
            return None
        create.disk_id, create.outs = disk_id, outs
        with self.lock:
            self.record.tracked[resource] = (disk_id, outs)
        return disk_id, outs

    def _create_pod(self, pod: _PodPlan, disk_id: str, disk_outs: dict[str, Any]) -> None:
        """A pod's create, once its disk's create answered."""
        news = pod.news(self.seed, disk_id, disk_outs.get("data_center_id"))
        inputs = self._checked(news)
        outcome = CreateOutcome(pod.resource, inputs["name"], "ready")
        self._count(self.tally.operations, "pod create")
        try:
            pod_id, outs = self.provider.create(inputs, name=pod.resource)
        except grpc.RpcError as error:
            outcome.error = self._shown(error, inputs["name"])
            outs = {}
        else:
            outcome.pod_id = pod_id
            with self.lock:
                self.record.tracked[pod.resource] = (pod_id, outs)
        with self.lock:
            self.pod_creates.append((outcome, disk_id, outs))

    def _step(self, plan: _DiskPlan, disk_id: str) -> None:
        """What the schedule does with a disk once its create answered, after its delay."""
        time.sleep(plan.delay)
        if plan.step == "read":
            self._read(plan.resource)
        elif plan.step == "out_of_band":
            self._delete_elsewhere(plan, disk_id)

    def _delete_elsewhere(self, plan: _DiskPlan, disk_id: str) -> None:
        """Deletes a disk nobody mounts behind the provider's back, reads it, maybe makes it again.

        The read must drop it (it is DELETING or gone); the next ``pulumi up`` then makes
        a new disk under the same name.
        """
        if self.control.delete_disk(disk_id).status_code != 200:
            return
        self._count(self.tally.faults, "disk deleted out of band")
        with self.lock:
            self.tally.out_of_band_deletes += 1
        answered = self._read(plan.resource)  # None: it failed, and the engine keeps the disk
        if answered == "" and plan.recreate:
            self._create_disk(plan.resource, plan.inputs, "recreate")
        elif answered:
            with self.lock:
                status = self.record.tracked[plan.resource][1].get("status")
            if status not in GONE:  # else _read found (6) broken already
                self._broken(
                    f"(6) a read kept disk {disk_id} ({plan.inputs['name']}), deleted out of "
                    f"band, as {status}"
                )

    # ------------------------------------------------------------ checks

    def _judge(self) -> None:
        """Each create of a disk (2, 3) and of a pod (a, dup, 4), then the state (1, 2)."""
        disks = self.control.disks()
        attribute(self.disk_creates, disks)
        for create in self.disk_creates:
            self.tally.outcomes[create.verdict] += 1
            self.record.broken.extend(disk_create_breaks(create))
        tracked = [
            disk_id
            for resource, (disk_id, _) in self.record.tracked.items()
            if resource in self.disk_resources
        ]
        broken, self.named_left = state_breaks(tracked, disks, self.disk_creates)
        self.record.broken.extend(broken)
        pods = self.control.pods()
        for outcome, _, _ in self.pod_creates:
            outcome.made = tuple(p["id"] for p in pods if p["name"] == outcome.name)
            self.tally.outcomes[f"pod {outcome.verdict}"] += 1
        self.record.broken.extend(create_breaks([o for o, _, _ in self.pod_creates], ()))
        for outcome, disk_id, outs in self.pod_creates:
            if outcome.pod_id is not None:
                self.record.broken.extend(
                    attachment_breaks(outcome.name, outcome.pod_id, disk_id, outs)
                )
        pod_ids = {pod_id for pod_id, _ in self.record.tracked.values()}
        untracked = {i: n for i, n in billing_pods(self.control).items() if i not in pod_ids}
        if untracked:
            self._broken(f"(1) pods billing that no resource tracks: {untracked}")
        self._raise_if_broken()

    def _destroy(self) -> None:
        """``pulumi destroy`` in Pulumi's order: every pod at once, then every disk at once.

        First the user deletes what an error named as possibly left, as it said to.
        """
        for disk_id in self.named_left:
            self.control.delete_disk(disk_id)
            self._count(self.tally.faults, "disk an error named as left, deleted by hand")
        self._delete_faults(self.rng)
        resources = sorted(self.record.tracked)
        self._delete_all([r for r in resources if r not in self.disk_resources])
        self._delete_all([r for r in resources if r in self.disk_resources])
        left = pods_left(self.control, self.pod_delete_seconds)
        if left:
            self._broken(f"(1) destroy left pods: {left}")
        left = disks_left(self.control, self.disk_delete_seconds)
        if left:
            self._broken(f"(1) destroy left disks: {left}")
        self._raise_if_broken()

    def _judge_progress(self) -> None:
        """(5): progress only on the rows of this schedule's resources, ephemeral, no key."""
        rows = {DISK_URN.format(name=resource) for resource in self.disk_resources}
        rows |= {URN.format(name=outcome.resource) for outcome, _, _ in self.pod_creates}
        entries = self.lane.engine.entries()
        for entry in entries:
            # A failed pod's last log lines stay in its Diagnostics: its row's only kept lines.
            if entry.urn not in rows or not (entry.ephemeral or entry.pod_log):
                self._broken(f"(5) progress on another row, or kept: {entry}")
            if self.lane.api_key in entry.message:
                self._broken("(5) progress shows the API key")
        for create in self.disk_creates:
            shown = self.lane.engine.messages(DISK_URN.format(name=create.resource))
            if create.disk_id is not None and not any(m.startswith("ready") for m in shown):
                self._broken(f"(5) the row of {create.resource}, created, never said ready")
        with self.lock:
            self.tally.progress_messages += len(entries)
        self._raise_if_broken()


def start_disk_lane(stack: ExitStack, workdir: Path, api_key: str) -> DiskCampaign:
    """A disk lane on an emulator and a fake engine of its own, closed by ``stack``."""
    backend = EmulatorBackend(
        api_keys=[api_key],
        provision_seconds=POD_PROVISION_SECONDS,
        disk_provision_seconds=DISK_PROVISION_SECONDS,
    )
    server = stack.enter_context(EmulatorServer(backend))
    engine = stack.enter_context(FakeEngine())
    lane = DiskCampaign(server.base_url, api_key, workdir, engine)
    stack.callback(lane.close)
    return lane


def disk_lanes(stack: ExitStack, workdir: Path, api_key: str, count: int) -> list[DiskCampaign]:
    """``count`` disk lanes, each with a work folder of its own under ``workdir``."""
    return lanes_of(start_disk_lane, stack, workdir, api_key, count=count, folder="disks")
