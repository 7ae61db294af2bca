"""The concurrent lane of the fault campaign: a fleet's ``pulumi up`` in one provider process.

The sequential lane (:mod:`tests.kit.campaign`) runs one operation at
a time. A fleet is the opposite: many creates wait in one provider process at
once, sharing its client, its status poller and its listings, while the engine
reads and deletes the stack's other resources. Each schedule here is one such
``pulumi up``, in a provider process of its own (each ``pulumi`` command starts one):
the dynamic provider, or ``pulumi-resource-prime`` in the native lane
(:class:`NativeConcurrentCampaign`), driven through one adapter (:class:`PodProcess`).

- The stack holds 2 to 4 pods of an earlier run (made through the API before the
  process starts, so its first listing shows them). The program adds 4 to 10 new
  ones; their creates are all sent at once.
- Each new pod has a plan. Most may become ready (a few of those go through a
  transient installation failure: which ones is racy, and need not be known).
  The others are failed through the emulator (``error``, ``install_failure``)
  or deleted out of band while still PROVISIONING, or get a ``ready_timeout``
  shorter than provisioning. Fates are not queued per pod: creates reach the
  server in a racy order.
- At seeded moments while the creates wait: bursts of 5xx, 429 (with and without
  Retry-After), slow answers and dropped connections on ``pod_status`` and
  ``get_pod``, more than one call's six attempts; slow listings; lost and
  dropped create answers and 429s on creates; a second configuration of the
  process (new stack config, then a resource whose provider was pickled
  otherwise, which the SDK configures on arrival, as when an older and a newer
  pickle meet in one ``pulumi up``; the plugin, which has no pickle, takes a
  second Configure at once).
- Meanwhile the earlier run's resources are read (refresh, ``Pod.get``),
  deleted, deleted out of band and read again, or replaced under the same name
  (delete, then create), and finished new ones are read. Deletion takes time in
  some schedules (pods stay DELETING).

The engine's record is kept as it would be: a create that answered is tracked,
one that raised records nothing; a read that answers no id drops its resource.
Then the invariants:

(a) every create whose pod the schedule lets become ready (the schedule neither
    failed nor deleted it, nor gave it a short ``ready_timeout``) succeeds: no
    transient fault, lost answer or second configure costs a pod. The one
    excuse is a post the server never acted on (a dropped create: no pod of the
    name was ever made). A create whose pod the schedule stopped fails; a create
    answers a pod it made (never an earlier run's), and makes at most one;
(b) every error the user sees is one of ours, in one line, and names its pod;
(c) nothing foreign reaches the engine: no ``RuntimeError``, never "client has
    been closed";
(d) a read never keeps a pod that is DELETING or TERMINATED;
(e) progress goes to the engine (a fake one here) only as ephemeral messages on
    the rows of the schedule's own resources (and a failed pod's log lines, kept in
    its Diagnostics), and never shows the key;

and the sequential lane's: every billing pod is tracked, no resource owns two
pods, destroying what is tracked leaves no pod, the key is never shown or logged.
A failure names the seed; ``CAMPAIGN_SEED=<seed>`` replays it (see tests/campaign).
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen
from typing import Any, Protocol, TypeVar

import grpc

from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.campaign import (
    InvariantError,
    Tally,
    billing_pods,
    check_shown,
    is_ours,
    pods_left,
    run_in_lanes,
    shown_kind,
)
from tests.kit.fake_engine import FakeEngine
from tests.kit.harness import ProviderProcess, error_text, stack_config
from tests.kit.plugin_process import PluginProcess
from tests.kit.samples import POD

#: New pods take this long to be ready: long enough for the schedule to stop some first.
PROVISION_SECONDS = 1.0
#: The earlier run's pods are made quickly, before the schedule starts.
EARLIER_PROVISION_SECONDS = 0.05
#: How long deleted pods stay DELETING, one value per schedule; 3 s outlasts a listing's 2 s.
DELETE_SECONDS = (0.0, 0.5, 3.0)
REQUEST_TIMEOUT = 0.5
SLOW_ANSWER = 0.8  # longer than REQUEST_TIMEOUT: the client gives up, the server goes on
#: Ample for a pod that may become ready: provisioning plus every fault a schedule injects.
READY_TIMEOUT = 15.0
#: A pod's whole ``ready_timeout`` while it provisions: it cannot become ready in time.
SHORT_READY_TIMEOUT = 0.3
#: Longer than the 2 s for which reads share a listing: a read this long after an
#: out-of-band delete sees the pod as the API shows it now.
AFTER_LISTINGS = 2.2
#: The longest a schedule's operations may take before the lane calls them hung.
SCHEDULE_TIMEOUT = 90.0
POLL_MAX = ("0.1", "0.25")  # the first configure's poll cap, and the second's
TIMING = {
    "prime:pollMaxSeconds": POLL_MAX[0],
    "prime:installFailureGraceSeconds": "1",
    "prime:deleteTimeoutSeconds": "10",
    "prime:requestTimeoutSeconds": str(REQUEST_TIMEOUT),
    "prime:retryBackoffSeconds": "0.02",
    "prime:createSettleSeconds": "3",
}
#: What the schedule does to a new pod; "ready" leaves it be.
PLANS = ("ready", "ready", "ready", "ready", "error", "install_failure", "out_of_band", "short")
#: Bursts on the status and get routes: each longer than one call's six attempts
#: (slow answers excepted: each costs REQUEST_TIMEOUT, so 3 to 7 of them).
BURSTS = ("5xx", "429", "429-retry-after", "slow", "drop")
#: What happens to each resource of the earlier run while the creates wait.
EARLIER_STEPS = ("read", "read", "delete", "out_of_band", "replace", "none")
GONE = ("DELETING", "TERMINATED")
POD_ID = re.compile(r"\b[0-9a-f]{32}\b")  # how the emulator's pod ids look
CLOSED_CLIENT = "client has been closed"
#: The error of a create whose post may or may not have made a pod.
LOST_POST = "prime_pulumi.CreateOutcomeUnknownError"
#: The errors of a create that gave up waiting on a pod.
WAITED = ("prime_pulumi.PodProvisioningError", "prime_pulumi.PodCleanupError")


@dataclass
class CreateOutcome:
    """One create of a schedule and what the schedule did to its pod, as judged after the run."""

    resource: str
    name: str
    #: ``ready`` (or ``replace``) unless the schedule means to stop the pod (see :data:`PLANS`).
    plan: str
    #: The id the create answered; ``None`` if it raised.
    pod_id: str | None = None
    #: The last line of the error the user saw, if it raised.
    error: str = ""
    #: How the schedule stopped the pod before it was ready (failed it, deleted it), if it did.
    stopped: str | None = None
    #: The pods of its name that the run made (an earlier run's excluded).
    made: tuple[str, ...] = ()

    @property
    def post_lost(self) -> bool:
        """Whether the create's post was lost and no pod of its name ever came of it."""
        return not self.made and self.error.startswith(LOST_POST)

    @property
    def may_become_ready(self) -> bool:
        """Whether nothing but a transient fault could keep the pod from becoming ready.

        A post the server never acted on (a dropped create) is the one fault that may
        cost a create: the provider cannot know the pod was not made.
        """
        return self.plan != "short" and self.stopped is None and not self.post_lost

    @property
    def verdict(self) -> str:
        """How the create ended, for the lane's counts."""
        if self.pod_id is not None:
            return "ready" if self.may_become_ready else "reported ready though stopped"
        if self.post_lost:
            return "failed: its post was lost, no pod was made"
        if self.may_become_ready:
            return "failed though its pod could become ready"
        return "failed as the schedule meant"


def judge_creates(outcomes: Iterable[CreateOutcome], earlier_ids: Iterable[str]) -> None:
    """Raises :class:`InvariantError`, naming each, if the creates of a run broke invariants."""
    broken = create_breaks(outcomes, earlier_ids)
    if broken:
        raise InvariantError(summary(broken))


def create_breaks(outcomes: Iterable[CreateOutcome], earlier_ids: Iterable[str]) -> list[str]:
    """The invariants the creates of a run broke, each tagged as :func:`summary` groups them."""
    earlier = set(earlier_ids)
    broken = []
    for o in outcomes:
        if len(o.made) > 1:
            broken.append(f"(dup) the create of {o.name} made {len(o.made)} pods: {list(o.made)}")
        if o.pod_id is None:
            # A wait ends in these: then no pod but its own may be named (none it deleted).
            foreign = [i for i in dict.fromkeys(POD_ID.findall(o.error)) if i not in o.made]
            if foreign and o.error.startswith(WAITED):
                broken.append(
                    f"(a) the create of {o.name} waited on pod {foreign[0]}, not one it made: "
                    f"{o.error}"
                )
            elif o.may_become_ready and o.made:
                broken.append(
                    f"(a) the create of {o.name} failed though nothing but faults stood "
                    f"between its pod {o.made[0]} and ready: {o.error}"
                )
            elif o.may_become_ready:
                broken.append(
                    f"(a) the create of {o.name} failed before it made a pod, though nothing "
                    f"but faults stood in its way: {o.error}"
                )
            continue
        if o.pod_id in earlier or o.pod_id not in o.made:
            broken.append(f"(a) the create of {o.name} answered pod {o.pod_id}, not one it made")
        if o.stopped is not None:
            broken.append(f"(a) pod {o.name} ({o.pod_id}) was {o.stopped}, yet reported ready")
        elif o.plan == "short":
            broken.append(
                f"(a) pod {o.name} ({o.pod_id}) was reported ready within a ready_timeout "
                f"({SHORT_READY_TIMEOUT:g} s) shorter than its provisioning"
            )
    return broken


def summary(broken: Sequence[str]) -> str:
    """Broken invariants, counted by tag (``(a)``, ``(leak)``...), with the first of each."""
    distinct = list(dict.fromkeys(broken))
    first: dict[str, str] = {}
    tags: Counter[str] = Counter()
    for what in distinct:
        tag = what.split(" ", 1)[0]
        tags[tag] += 1
        first.setdefault(tag, what if len(what) <= 600 else what[:600] + "...")
    counts = ", ".join(f"{tag} x{n}" for tag, n in tags.items())
    return f"{len(distinct)} broken [{counts}]: " + " | ".join(first.values())


def shown_breaks(text: str, labels: Sequence[str], api_key: str) -> str | None:
    """The invariant an error text the user sees breaks (b, c), if any."""
    kind = shown_kind(text)
    # UnexpectedError is ours in form only: it wraps a failure inside prime-pulumi, a bug.
    if CLOSED_CLIENT in text or not is_ours(kind) or kind.endswith(".UnexpectedError"):
        lines = text.strip().splitlines()
        return f"(c) a foreign error reached the engine: {lines[-1] if lines else text!r}"
    try:
        check_shown(text, labels, api_key)
    except InvariantError as broken:
        return f"(b) {broken}"
    return None


def burst_fields(rng: random.Random, kind: str, callers: int) -> dict[str, Any]:
    """A burst of ``kind`` (one of :data:`BURSTS`) as fault fields, for ``callers`` at once.

    Each is longer than one call's six attempts, as many times longer as callers share
    it (slow answers excepted: each costs REQUEST_TIMEOUT, so 3 to 7 of them).
    """
    fields: dict[str, Any]
    if kind == "slow":
        fields = {"action": "delay", "delay": SLOW_ANSWER, "times": rng.randint(3, 7)}
    elif kind == "drop":
        fields = {"action": "drop", "times": rng.randint(6, 10) * callers}
    else:
        fields = {"action": "status", "times": rng.randint(6, 10) * callers}
        fields["status"] = rng.choice((500, 502, 503)) if kind == "5xx" else 429
        if kind == "429-retry-after":
            fields["retry_after"] = rng.choice((0.05, 0.1, 0.2))
    return fields


class PodProcess(Protocol):
    """A provider process driven as the engine drives a ``Pod``: the dynamic provider
    (:class:`ProviderProcess`) or the plugin (:class:`PluginProcess`), in snake_case."""

    #: The URN of a pod resource called ``{name}``.
    urn: str
    process: Popen[str]

    def configure(self, config: dict[str, Any]) -> None: ...

    def configured_elsewhere(self, index: int) -> PodProcess:
        """This process, as a resource configured elsewhere reaches it (the ``index``-th)."""
        ...

    def check(
        self, news: dict[str, Any], olds: dict[str, Any] | None = ..., name: str = ...
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]: ...

    def create(self, inputs: dict[str, Any], name: str = ...) -> tuple[str, dict[str, Any]]: ...

    def read(
        self, id_: str, props: dict[str, Any], name: str = ...
    ) -> tuple[str, dict[str, Any]]: ...

    def delete(self, id_: str, props: dict[str, Any], name: str = ...) -> None: ...

    def close(self) -> str: ...


ProcessT = TypeVar("ProcessT", bound=PodProcess)


class ConcurrentCampaign:
    """Runs concurrent schedules against one emulator, each in a provider process of its own."""

    def __init__(self, base_url: str, api_key: str, workdir: Path, engine: FakeEngine) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.workdir = workdir
        #: Where each schedule's provider process sends progress, as to the engine.
        self.engine = engine
        self.control = EmulatorControl(base_url, api_key)
        self.tally = Tally(name=self.tally_name, fates_label=self.fates_label)
        self.shown: list[str] = []  # every error text a user would have seen
        self.last_log = ""  # what the last schedule's provider process wrote to stderr

    #: How an error names the lane.
    label = "concurrent lane"
    #: How the closing report names the lane, and what each resource's plan is called there.
    tally_name = "concurrent fault campaign"
    fates_label = "pod fates"

    def close(self) -> None:
        self.control.close()

    def schedule(self, seed: int) -> Schedule:
        """The lane's schedule for ``seed``."""
        return _Schedule(self, seed)

    def run_schedule(self, seed: int) -> None:
        """One schedule; raises :class:`InvariantError` (naming the seed) if an invariant breaks."""
        try:
            self.schedule(seed).run()
        except InvariantError as broken:
            raise InvariantError(
                f"{self.label}, seed {seed} (CAMPAIGN_SEED={seed} replays it): {broken}"
            ) from broken
        finally:
            self.control.clear_faults()

    def start(self) -> PodProcess:
        """A new provider process of the lane's kind: the dynamic provider."""
        return ProviderProcess(self.workdir, engine_address=self.engine.address)

    def provider_process(self) -> AbstractContextManager[ProviderProcess]:
        """A schedule's dynamic provider process (the disk and offer lanes drive no other)."""
        return self.configured(ProviderProcess(self.workdir, engine_address=self.engine.address))

    @contextmanager
    def configured(self, process: ProcessT) -> Iterator[ProcessT]:
        """A schedule's provider ``process``, just started, configured; closed at the end.

        It sends progress to this lane's engine. Once it is closed, its log must not hold
        the key.
        """
        self.engine.clear()
        try:
            process.configure(stack_config(self.base_url, self.api_key, TIMING))
            yield process
        finally:
            self.last_log = process.close()
        if self.api_key in self.last_log:
            raise InvariantError("the provider logged the API key")


class Schedule(Protocol):
    """One seeded ``pulumi up`` of a lane."""

    def run(self) -> None: ...


def run_fleet_lanes(lanes: Sequence[ConcurrentCampaign], seeds: Sequence[int], api_key: str) -> str:
    """Runs ``seeds`` over ``lanes`` and checks what every run of a fleet lane must show.

    Returns the lanes' report. Raises :class:`InvariantError` if an error showed the key,
    a schedule did not run, or (more than four seeds) too few pods became ready or too
    few faults were injected to prove much.
    """
    started = time.monotonic()
    total = run_in_lanes(lanes, seeds, timeout=550)
    if any(api_key in text for lane in lanes for text in lane.shown):
        raise InvariantError("an error showed the API key")
    if total.schedules != len(seeds):
        raise InvariantError(f"{total.schedules} schedules ran, not {len(seeds)}")
    if len(seeds) > 4:  # a replay of one seed may be any schedule
        if total.outcomes["ready"] <= len(seeds):
            raise InvariantError("too few pods became ready to prove much")
        if sum(total.faults.values()) <= 2 * len(seeds):
            raise InvariantError("too few faults were injected to prove much")
    return f"\n{total.report()}\n  took {time.monotonic() - started:.0f}s"


@dataclass
class Event:
    """Something a schedule does at a seeded moment while its creates run."""

    at: float  # seconds after the creates were sent
    action: Callable[[], None]
    blocking: bool = True  # run on a worker (an operation), not inline (a fault)


@dataclass
class _Record:
    """What the engine would record, and what the run did; shared by the schedule's threads."""

    tracked: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)  # new resources whose create answered
    outcomes: dict[str, CreateOutcome] = field(default_factory=dict)  # by pod name
    stopped: dict[str, str] = field(default_factory=dict)  # pod name -> how
    broken: list[str] = field(default_factory=list)


class FleetSchedule:
    """What the schedules of the fleet lanes share: the engine's record and its operations.

    The record is kept as the engine keeps it: a create that answered is tracked, one
    that raised records nothing; a read that answers no id drops its resource; a failed
    delete keeps it. Each operation is judged as it ends; what breaks an invariant is
    gathered in ``record.broken`` (tagged for :func:`summary`) and raised at the end.
    A lane whose stack holds other kinds of resources says which provider process
    serves each (:meth:`_process`) and what to call it (:meth:`_noun`).
    """

    #: The tag of the invariant that a read keeping a resource on its way out breaks.
    read_kept = "(d)"

    def __init__(self, lane: ConcurrentCampaign, seed: int) -> None:
        self.lane = lane
        self.seed = seed
        self.rng = random.Random(seed)
        self.control = lane.control
        self.tally = lane.tally
        self.lock = threading.Lock()
        self.record = _Record()
        self.provider: PodProcess

    def _process(self, resource: str) -> PodProcess:
        """The provider process, driven as the engine drives ``resource`` (a pod, here)."""
        return self.provider

    def _noun(self, resource: str) -> str:
        """What ``resource`` is, in a broken invariant."""
        return "pod"

    def _checked(
        self, news: dict[str, Any], process: PodProcess | None = None, resource: str = "trainer"
    ) -> dict[str, Any]:
        """``news`` through Check, as the engine sends them for ``resource``: they must pass."""
        inputs, failures = (process or self.provider).check(news, name=resource)
        if failures:
            raise InvariantError(f"valid inputs failed check: {failures}")
        return inputs

    # ------------------------------------------------------------ the run

    def _play(
        self, pool: ThreadPoolExecutor, started: float, events: Iterable[Event]
    ) -> list[Future[None]]:
        """Runs each event at its moment after ``started``: operations on ``pool``, faults inline.

        Answers the operations' futures.
        """
        futures: list[Future[None]] = []
        for event in events:
            time.sleep(max(0.0, started + event.at - time.monotonic()))
            if event.blocking:
                futures.append(pool.submit(event.action))
            else:
                event.action()
        return futures

    def _finish(self, futures: Sequence[Future[None]]) -> None:
        """Waits for the operations; ends those running after :data:`SCHEDULE_TIMEOUT`."""
        _, hung = wait(futures, timeout=SCHEDULE_TIMEOUT)
        if hung:
            self._broken(f"(hang) operations still running after {SCHEDULE_TIMEOUT:g} s")
            self.provider.process.kill()  # ends the calls under way: they fail
            wait(hung, timeout=30)

    def _create_faults(self, rng: random.Random, route: str = "create_pod") -> None:
        """Faults for the creates' posts, queued before they are sent (in the order they apply)."""
        if rng.random() < 0.25:
            retry_after = rng.choice((None, 0.05))
            self.control.fault(
                route, "status", status=429, retry_after=retry_after, times=rng.randint(1, 3)
            )
            self.tally.faults[f"429 on {route}"] += 1
        if rng.random() < 0.4:
            self.control.fault(route, "drop_after", times=rng.randint(1, 2))
            self.tally.faults[f"lost create answer (drop_after on {route})"] += 1
        if rng.random() < 0.15:
            self.control.fault(route, "drop")
            self.tally.faults[f"dropped create (drop on {route})"] += 1

    # ------------------------------------------------------------ operations

    def _take(self, resource: str) -> tuple[str, dict[str, Any]] | None:
        """The resource's record, kept from other operations until :meth:`_release`."""
        with self.lock:
            if resource not in self.record.tracked or resource in self.record.busy:
                return None
            self.record.busy.add(resource)
            return self.record.tracked[resource]

    def _release(self, resource: str, record: tuple[str, dict[str, Any]] | None) -> None:
        """Hands the resource back, with its new record (``None``: the engine dropped it)."""
        with self.lock:
            self.record.busy.discard(resource)
            if record is None:
                self.record.tracked.pop(resource, None)
            else:
                self.record.tracked[resource] = record

    def _read(self, resource: str) -> str | None:
        """A refresh (or ``Pod.get``) of a resource; one that is gone is dropped.

        Answers the id the read answered (``""``: gone), or ``None`` if it answered none.
        """
        taken = self._take(resource)
        if taken is None:
            return None
        pod_id, outs = taken
        self._count(self.tally.operations, "read")
        try:
            read_id, read_outs = self._process(resource).read(pod_id, outs, name=resource)
        except grpc.RpcError as error:
            self._shown(error, pod_id, outs["name"])
            self._release(resource, taken)
            return None
        if read_id == "":
            self._release(resource, None)
            return read_id
        if read_id != pod_id:
            self._broken(f"(read) the read of {pod_id} answered {read_id}")
        elif read_outs.get("status") in GONE:
            self._broken(
                f"{self.read_kept} a read kept {self._noun(resource)} {pod_id} ({outs['name']}), "
                f"which is {read_outs['status']}"
            )
        self._release(resource, (pod_id, read_outs))
        return read_id

    def _delete(self, resource: str) -> bool:
        """Deletes a resource (``pulumi up`` of a program without it); whether it is gone."""
        taken = self._take(resource)
        if taken is None:
            return False
        pod_id, outs = taken
        self._count(self.tally.operations, "delete")
        try:
            self._process(resource).delete(pod_id, outs, name=resource)
        except grpc.RpcError as error:
            self._shown(error, pod_id, outs["name"])
            self._release(resource, taken)  # a failed delete keeps the resource
            return False
        self._release(resource, None)
        return True

    def _delete_all(self, resources: Sequence[str]) -> None:
        """Deletes ``resources`` at once, as ``pulumi destroy`` does; each failed one once more."""
        with ThreadPoolExecutor(max_workers=max(1, len(resources))) as pool:
            gone = list(pool.map(self._delete, resources))
        for resource, deleted in zip(resources, gone, strict=True):
            if not deleted and not self._delete(resource):
                self._broken(f"(destroy) could not delete {self.record.tracked[resource][0]}")

    # ------------------------------------------------------------ checks

    def _shown(self, error: grpc.RpcError, *labels: str) -> str:
        """Checks an error as the user sees it (b, c); answers its last line."""
        text = error_text(error)
        self.lane.shown.append(text)
        lines = text.strip().splitlines()
        last = lines[-1] if lines else ""
        self._count(self.tally.errors, shown_kind(text).rsplit(".", 1)[-1])
        broken = shown_breaks(text, labels, self.lane.api_key)
        if broken is not None:
            self._broken(broken)
        return last

    def _broken(self, what: str) -> None:
        with self.lock:
            self.record.broken.append(what)

    def _count(self, counter: Counter[str], key: str) -> None:
        with self.lock:
            counter[key] += 1

    def _raise_if_broken(self) -> None:
        if self.record.broken:
            raise InvariantError(summary(self.record.broken))

    def _bound(self, action: Callable[[Any], Any], argument: Any) -> Callable[[], None]:
        def run() -> None:
            action(argument)

        return run


class _Schedule(FleetSchedule):
    """One seeded ``pulumi up`` of a fleet, with faults."""

    def __init__(self, lane: ConcurrentCampaign, seed: int) -> None:
        super().__init__(lane, seed)
        self.earlier: dict[str, str] = {}  # resource -> pod id, made by the earlier run
        self.plans: dict[str, tuple[str, float]] = {}  # pod name -> (plan, delay before it)
        self.reconfigures = 0
        self.delete_seconds = 0.0

    # ------------------------------------------------------------ the run

    def run(self) -> None:
        rng = self.rng
        self.control.reset()
        self.delete_seconds = rng.choice(DELETE_SECONDS)
        self._earlier_run(rng.randint(2, 4))
        self.control.set_timing(
            provision_seconds=PROVISION_SECONDS, delete_seconds=self.delete_seconds
        )
        if self.delete_seconds:
            self._count(self.tally.faults, f"pods DELETING for {self.delete_seconds:g}s")
        with self.lane.configured(self.lane.start()) as self.provider:
            fleet = self._declare(rng)
            self._up(fleet, self._events(rng, len(fleet)))
            self.control.clear_faults()
            self._judge()
            self._destroy()
            self._judge_progress()
        self.tally.schedules += 1

    def _earlier_run(self, count: int) -> None:
        """Pods an earlier ``pulumi up`` made, in the stack's state before this one starts."""
        self.control.set_timing(provision_seconds=EARLIER_PROVISION_SECONDS, delete_seconds=0)
        for i in range(count):
            name = f"s{self.seed}-earlier{i}"
            pod = self.control.create_pod(name, cloud_id=POD["cloud_id"], socket=POD["socket"])
            outs = {**POD, "name": name, "ready_timeout": READY_TIMEOUT}
            self.record.tracked[f"earlier{i}"] = (pod["id"], outs)
            self.earlier[f"earlier{i}"] = pod["id"]
        deadline = time.monotonic() + 5
        while any(not p["sshConnection"] for p in self.control.live_pods()):
            if time.monotonic() > deadline:
                raise RuntimeError("the earlier run's pods did not become ready")
            time.sleep(EARLIER_PROVISION_SECONDS)

    def _declare(self, rng: random.Random) -> list[tuple[str, dict[str, Any], str]]:
        """The new pods: resource, checked inputs and plan each; some fates queued."""
        fleet = []
        for i in range(rng.randint(4, 10)):
            plan = rng.choice(PLANS)
            timeout = SHORT_READY_TIMEOUT if plan == "short" else READY_TIMEOUT
            inputs = self._checked(
                {
                    **POD,
                    "auto_name_seed": f"concurrent/{self.seed}/n{i}",
                    "ready_timeout": timeout,
                    URN_KEY: self.provider.urn.format(name=f"n{i}"),  # as a program hands it over
                },
                resource=f"n{i}",
            )
            self.plans[inputs["name"]] = (plan, rng.uniform(0.0, 0.15))
            self.tally.fates[plan] += 1
            fleet.append((f"n{i}", inputs, plan))
        # Whichever pods are made first go through a transient installation failure.
        transient = rng.randint(0, len(fleet) // 2)
        if transient:
            self.control.fates(*["transient_install_failure"] * transient)
            self.tally.fates["transient_install_failure"] += transient
        return fleet

    def _events(self, rng: random.Random, creates: int) -> list[Event]:
        """Faults and operations at seeded moments while the creates wait."""
        events = [self._burst(rng, creates) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.4:
            times = rng.randint(1, 2)
            events.append(Event(rng.uniform(0.0, 1.5), self._slow_listing(times), False))
        for _ in range(int(rng.random() < 0.4) + int(rng.random() < 0.15)):
            events.append(Event(rng.uniform(0.1, 1.2), self._reconfigure))
        for resource in sorted(self.earlier):
            step = rng.choice(EARLIER_STEPS)
            at = rng.uniform(0.0, 1.5)
            if step == "read":
                events.append(Event(at, self._bound(self._read, resource)))
            elif step == "delete":
                events.append(Event(at, self._bound(self._delete, resource)))
            elif step == "out_of_band":
                events.append(Event(at, self._bound(self._delete_elsewhere_and_read, resource)))
            elif step == "replace":
                events.append(Event(at, self._bound(self._replace, resource)))
        for _ in range(rng.randint(2, 5)):
            events.append(Event(rng.uniform(0.5, 2.5), self._bound(self._read_new, rng.random())))
        return sorted(events, key=lambda event: event.at)

    def _up(self, fleet: list[tuple[str, dict[str, Any], str]], events: list[Event]) -> None:
        """Sends every create at once, then the events at their moments; waits for it all."""
        self._create_faults(self.rng)
        stop_watching = threading.Event()
        with ThreadPoolExecutor(max_workers=len(fleet) + len(events) + 2) as pool:
            started = time.monotonic()
            futures = [pool.submit(self._create, *new) for new in fleet]
            watcher = pool.submit(self._watch, stop_watching)
            futures.extend(self._play(pool, started, events))
            self._finish(futures)
            stop_watching.set()
            for done in [*futures, watcher]:
                done.result()

    # ------------------------------------------------------------ faults

    def _burst(self, rng: random.Random, creates: int) -> Event:
        """A burst of one kind on the status or the get route, decided now, injected later.

        One poller asks for every status, so a burst there meets one call. Creates get
        their ready pods at about the same moment, so a burst on ``get_pod`` then is
        shared among up to ``creates`` calls: it is as many times longer.
        """
        route = rng.choice(("pod_status", "pod_status", "get_pod"))
        kind = rng.choice(BURSTS)
        callers = rng.randint(1, creates) if route == "get_pod" else 1
        fields = burst_fields(rng, kind, callers)
        # The get route matters most as pods become ready (PROVISION_SECONDS).
        at = rng.uniform(0.0, 1.5) if route == "pod_status" else rng.uniform(0.7, 1.4)

        def inject() -> None:
            self.control.fault(route, **fields)
            self._count(self.tally.faults, f"{kind} burst on {route}")

        return Event(at, inject, blocking=False)

    def _slow_listing(self, times: int) -> Callable[[], None]:
        def inject() -> None:
            self.control.fault("list_pods", "delay", delay=SLOW_ANSWER, times=times)
            self._count(self.tally.faults, "slow listing (list_pods)")

        return inject

    def _reconfigure(self) -> None:
        """A second configuration: new stack config, then a resource from elsewhere.

        To the dynamic provider, Configure only stores the config: the SDK calls the
        provider's ``configure()`` when a pickle it has not seen arrives, here with a
        Check. The plugin takes the new config at once, and a Check follows all the same.
        """
        with self.lock:
            index = self.reconfigures
            self.reconfigures += 1
        poll = POLL_MAX[(index + 1) % len(POLL_MAX)]
        config = {**TIMING, "prime:pollMaxSeconds": poll}
        self.provider.configure(stack_config(self.lane.base_url, self.lane.api_key, config))
        news = {**POD, "auto_name_seed": f"concurrent/{self.seed}/older{index}"}
        self._count(self.tally.faults, "second configure")
        try:
            _, failures = self.provider.configured_elsewhere(index).check(
                news, name=f"older{index}"
            )
        except grpc.RpcError as error:
            self._shown(error, f"older{index}")
            return
        if failures:
            self._broken(f"(check) a Check after a second configure failed: {failures}")

    def _watch(self, stop: threading.Event) -> None:
        """Fails or deletes the pods whose plan says so, once made and still PROVISIONING."""
        seen: dict[str, float] = {}
        done: set[str] = set()
        while not stop.is_set():
            now = time.monotonic()
            for pod in self.control.pods():
                name = pod["name"]
                if name not in self.plans or name in done:
                    continue
                plan, delay = self.plans[name]
                if plan not in ("error", "install_failure", "out_of_band"):
                    done.add(name)
                    continue
                if now < seen.setdefault(name, now) + delay:
                    continue
                done.add(name)
                # Half the provisioning time at least before the pod could be ready.
                if pod["status"] != "PROVISIONING":
                    self._count(self.tally.fates, f"{plan} not done: pod seen too late")
                    continue
                self._stop(pod["id"], name, plan)
            time.sleep(0.02)

    def _stop(self, pod_id: str, name: str, plan: str) -> None:
        if plan == "out_of_band":
            response = self.control.delete_pod(pod_id)
            how = "deleted out of band"
        else:
            response = self.control.fail_pod(pod_id, plan)
            how = f"failed ({plan})"
        if response.status_code != 200:
            return
        with self.lock:
            self.record.stopped[name] = how
            if plan == "out_of_band":
                self.tally.out_of_band_deletes += 1
            self.tally.faults[f"new pod {how}"] += 1

    # ------------------------------------------------------------ operations

    def _create(self, resource: str, inputs: dict[str, Any], plan: str) -> None:
        name = inputs["name"]
        outcome = CreateOutcome(resource, name, plan)
        with self.lock:
            self.record.outcomes[name] = outcome
            self.tally.operations["create" if plan != "replace" else "replace: create"] += 1
        try:
            pod_id, outs = self.provider.create(inputs, name=resource)
        except grpc.RpcError as error:
            outcome.error = self._shown(error, name)
            return
        outcome.pod_id = pod_id
        with self.lock:
            self.record.tracked[resource] = (pod_id, outs)
            if plan != "replace":
                self.record.created.append(resource)

    def _read_new(self, pick: float) -> None:
        """A read of one of the new resources whose create has answered, if any has."""
        with self.lock:
            created = sorted(self.record.created)
        if created:
            self._read(created[int(pick * len(created))])

    def _delete_elsewhere_and_read(self, resource: str) -> None:
        """Deletes a pod behind the provider's back, then reads it now and after listings."""
        pod_id = self.earlier[resource]
        if self.control.delete_pod(pod_id).status_code != 200:
            return
        self._count(self.tally.faults, "earlier pod deleted out of band")
        with self.lock:
            self.tally.out_of_band_deletes += 1
        self._read(resource)
        time.sleep(AFTER_LISTINGS)
        self._read(resource)

    def _replace(self, resource: str) -> None:
        """A replacement under the same name: the old pod is deleted, then the new one made."""
        with self.lock:
            _, outs = self.record.tracked[resource]
        if not self._delete(resource):
            return
        news = {**POD, "name": outs["name"], "image": "ubuntu_22_cuda_12"}
        inputs = self._checked({**news, "ready_timeout": READY_TIMEOUT}, resource=resource)
        self._create(resource, inputs, "replace")

    def _judge(self) -> None:
        """The creates (a), then the state: every billing pod tracked, none owned twice."""
        pods = self.control.pods()
        earlier = set(self.earlier.values())
        for outcome in self.record.outcomes.values():
            outcome.stopped = self.record.stopped.get(outcome.name)
            outcome.made = tuple(
                p["id"] for p in pods if p["name"] == outcome.name and p["id"] not in earlier
            )
            self.tally.outcomes[outcome.verdict] += 1
        self.record.broken.extend(create_breaks(self.record.outcomes.values(), earlier))
        ids = [pod_id for pod_id, _ in self.record.tracked.values()]
        if len(set(ids)) != len(ids):
            self._broken(f"(dup) two resources own one pod: {sorted(ids)}")
        untracked = {i: n for i, n in billing_pods(self.control).items() if i not in ids}
        if untracked:
            self._broken(f"(leak) pods billing that no resource tracks: {untracked}")
        self._raise_if_broken()

    def _destroy(self) -> None:
        """``pulumi destroy``: every tracked resource at once, each run again once if it fails."""
        self._delete_all(sorted(self.record.tracked))
        left = pods_left(self.control, self.delete_seconds)  # out-of-band deletes end alone
        if left:
            self._broken(f"(destroy) destroy left pods billing: {left}")
        self._raise_if_broken()

    def _judge_progress(self) -> None:
        """(e): progress only on the rows of this schedule's resources, ephemeral, no key.

        The dynamic face knows a resource's row only where its program handed the URN over
        (the new ones); the plugin is told every resource's URN.
        """
        resources = {*self.earlier, *(o.resource for o in self.record.outcomes.values())}
        rows = {self.provider.urn.format(name=resource) for resource in resources}
        entries = self.lane.engine.entries()
        for entry in entries:
            # A failed pod's last log lines stay in its Diagnostics: its row's only kept lines.
            if entry.urn not in rows or not (entry.ephemeral or entry.pod_log):
                self._broken(f"(e) progress on another row, or kept: {entry}")
            if self.lane.api_key in entry.message:
                self._broken("(e) progress shows the API key")
        for resource in self.record.created:
            # A create that answered sent its last message before it answered.
            shown = self.lane.engine.messages(self.provider.urn.format(name=resource))
            if not any(message.startswith("ready") for message in shown):
                self._broken(f"(e) the row of {resource}, created, never said ready: {shown}")
        with self.lock:
            self.tally.progress_messages += len(entries)
        self._raise_if_broken()


class NativeConcurrentCampaign(ConcurrentCampaign):
    """The concurrent lane with ``pulumi-resource-prime`` as each schedule's provider process.

    The same schedules and invariants; the plugin has no pickled provider, so a second
    configuration is a second Configure call.
    """

    label = "native concurrent lane"
    tally_name = "native concurrent fault campaign"

    def start(self) -> PodProcess:
        return PluginProcess(self.workdir, engine_address=self.engine.address)


def start_concurrent_lane(
    stack: ExitStack,
    workdir: Path,
    api_key: str,
    kind: type[ConcurrentCampaign] = ConcurrentCampaign,
) -> ConcurrentCampaign:
    """A concurrent lane of ``kind`` on an emulator of its own, closed by ``stack``."""
    backend = EmulatorBackend(api_keys=[api_key], provision_seconds=PROVISION_SECONDS)
    server = stack.enter_context(EmulatorServer(backend))
    engine = stack.enter_context(FakeEngine())
    lane = kind(server.base_url, api_key, workdir, engine)
    stack.callback(lane.close)
    return lane


LaneT = TypeVar("LaneT")


def lanes_of(
    start: Callable[[ExitStack, Path, str], LaneT],
    stack: ExitStack,
    workdir: Path,
    api_key: str,
    *,
    count: int,
    folder: str,
) -> list[LaneT]:
    """``count`` lanes made by ``start``, each in a work folder ``<folder><i>`` of ``workdir``."""
    lanes = []
    for index in range(count):
        path = workdir / f"{folder}{index}"
        path.mkdir(parents=True, exist_ok=True)
        lanes.append(start(stack, path, api_key))
    return lanes


def concurrent_lanes(
    stack: ExitStack,
    workdir: Path,
    api_key: str,
    count: int,
    kind: type[ConcurrentCampaign] = ConcurrentCampaign,
) -> list[ConcurrentCampaign]:
    """``count`` concurrent lanes of ``kind``, each with a work folder of its own in ``workdir``."""

    def start(stack: ExitStack, workdir: Path, api_key: str) -> ConcurrentCampaign:
        return start_concurrent_lane(stack, workdir, api_key, kind)

    return lanes_of(start, stack, workdir, api_key, count=count, folder="concurrent")
