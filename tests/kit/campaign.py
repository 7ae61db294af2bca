"""A fault campaign: seeded random schedules of operations and faults, and the invariants.

Each schedule declares a few pods and runs create, read (refresh), update and an
out-of-band delete through the provider protocol, with the emulator's faults
injected before operations: 429 with and without Retry-After, 5xx bursts,
answers slower than the client's timeout, dropped connections, creates whose
answer is lost after the server made the pod, installation failures, pods that
reach ERROR or never get ready. It tracks what the engine would record, then
checks: every pod left on the emulator is one the provider reported and still
tracks; no resource owns two pods; destroying what is tracked leaves zero pods;
every error a user sees is one of ours and names its pod; the API key is never
shown. A failure names the seed, so ``run_schedule(seed)`` replays it.

Each lane (:func:`start_lane`) has an emulator and a provider process of its own,
since faults are per emulator; :func:`run_in_lanes` spreads seeds over lanes.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import grpc

import prime_pulumi
from prime_pulumi.client import PrimeError
from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.harness import ProviderProcess, error_text, stack_config
from tests.kit.samples import POD

PROVISION_SECONDS = 0.1
DELETE_SECONDS = 0.1
REQUEST_TIMEOUT = 0.5
SLOW_ANSWER = 0.8  # longer than REQUEST_TIMEOUT: the client gives up, the server goes on
#: The campaign's stack config: quick timing, so hundreds of schedules fit in minutes.
TIMING = {
    "prime:pollMaxSeconds": "0.05",
    "prime:installFailureGraceSeconds": "0.2",
    "prime:deleteTimeoutSeconds": "5",
    "prime:requestTimeoutSeconds": str(REQUEST_TIMEOUT),
    "prime:retryBackoffSeconds": "0.02",
    "prime:createSettleSeconds": "1.2",
}
ROUTES = {
    "create": ("create_pod", "list_pods", "pod_status", "get_pod"),
    "read": ("get_pod", "list_pods"),
    "delete": ("delete_pod", "get_pod"),
    "update": ("get_pod",),
}
FATES = ("ok", "ok", "ok", "install_failure", "error", "transient_install_failure", "stuck")


class InvariantError(AssertionError):
    """An invariant of the campaign does not hold."""


def shown_kind(text: str) -> str:
    """The error class an error text shows in its last line, as in ``prime_pulumi.PrimeError``."""
    lines = text.strip().splitlines()
    return lines[-1].split(":", 1)[0] if lines else ""


def check_shown(text: str, labels: Sequence[str], api_key: str) -> None:
    """Checks an error as the user sees it: ours, in one line, naming its pod, no key.

    ``labels`` are the ways the pod may be named (its name, its id).
    """
    lines = text.strip().splitlines()
    last = lines[-1] if lines else ""
    if not is_ours(shown_kind(text)):
        raise InvariantError(f"an error that is not ours reached the user: {last}")
    if len(lines) != 1:
        raise InvariantError(f"an error shows {len(lines)} lines, not one: {last}")
    if not any(label in last for label in labels):
        raise InvariantError(f"an error does not name pod {labels[0]}: {last}")
    if api_key in text:
        raise InvariantError("an error shows the API key")


def is_ours(kind: str) -> bool:
    """Whether an error class, as a traceback names it, is one of prime-pulumi's.

    prime-pulumi's errors show as ``prime_pulumi.<Name>``, where users import them.
    """
    module, _, name = kind.rpartition(".")
    error = getattr(prime_pulumi, name, None) if name in prime_pulumi.__all__ else None
    return module == "prime_pulumi" and isinstance(error, type) and issubclass(error, PrimeError)


@dataclass
class Tally:
    """What the campaign did, for its closing report."""

    name: str = "fault campaign"
    #: What the report calls ``fates``: what the lane's schedules planned for each resource.
    fates_label: str = "pod fates"
    schedules: int = 0
    operations: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    fates: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    #: How creates ended, for lanes that judge them (empty: not reported).
    outcomes: Counter[str] = field(default_factory=Counter)
    out_of_band_deletes: int = 0
    #: Progress messages the engine got, for lanes that give their provider one.
    progress_messages: int = 0

    def add(self, other: Tally) -> None:
        """Adds another lane's counts to these."""
        self.schedules += other.schedules
        self.out_of_band_deletes += other.out_of_band_deletes
        self.progress_messages += other.progress_messages
        for mine, theirs in (
            (self.operations, other.operations),
            (self.faults, other.faults),
            (self.fates, other.fates),
            (self.errors, other.errors),
            (self.outcomes, other.outcomes),
        ):
            mine.update(theirs)

    def report(self) -> str:
        def line(counter: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"

        lines = [
            f"{self.name}: {self.schedules} schedules, "
            f"{sum(self.operations.values())} operations, "
            f"{sum(self.faults.values())} faults injected; every invariant held",
            f"  operations: {line(self.operations)}",
            f"  faults: {line(self.faults)}",
            f"  {self.fates_label}: {line(self.fates)}",
            f"  out-of-band deletes: {self.out_of_band_deletes}",
            f"  errors shown to the user: {line(self.errors)}",
        ]
        if self.outcomes:
            lines.append(f"  creates: {line(self.outcomes)}")
        if self.progress_messages:
            lines.append(f"  progress messages to the engine: {self.progress_messages}")
        return "\n".join(lines)


class Campaign:
    """Runs schedules against one emulator and one provider process."""

    def __init__(self, provider: ProviderProcess, base_url: str, api_key: str) -> None:
        self.provider = provider
        self.control = EmulatorControl(base_url, api_key)
        self.api_key = api_key
        self.tally = Tally()
        self.shown: list[str] = []  # every error text a user would have seen

    def close(self) -> None:
        self.control.close()

    # ------------------------------------------------------------ emulator controls

    def _inject(self, rng: random.Random, operation: str) -> None:
        if rng.random() < 0.4:
            return
        for _ in range(rng.randint(1, 3)):
            route = rng.choice(ROUTES[operation])
            kind = rng.choice(("429", "429-retry-after", "5xx", "slow", "drop", "drop_after"))
            if kind == "429":
                self.control.fault(route, "status", status=429)
            elif kind == "429-retry-after":
                self.control.fault(route, "status", status=429, retry_after=0.05)
            elif kind == "5xx":
                self.control.fault(
                    route, "status", status=rng.choice((500, 502, 503)), times=rng.randint(1, 3)
                )
            elif kind == "slow":
                self.control.fault(route, "delay", delay=SLOW_ANSWER)
            else:
                self.control.fault(route, kind)
            self.tally.faults[f"{kind} on {route}"] += 1

    def _live_pods(self) -> dict[str, str]:
        return {p["id"]: p["name"] for p in self.control.live_pods()}

    # ------------------------------------------------------------ operations

    def _user_error(self, error: grpc.RpcError, label: str) -> None:
        """Checks an error as the user would see it: ours, naming the pod, no key."""
        text = error_text(error)
        self.shown.append(text)
        self.tally.errors[shown_kind(text).rsplit(".", 1)[-1]] += 1
        check_shown(text, (label,), self.api_key)

    def run_schedule(self, seed: int) -> None:
        """One schedule; raises :class:`InvariantError` (naming the seed) if an invariant breaks."""
        try:
            self._run(seed)
        except InvariantError as broken:
            raise InvariantError(f"seed {seed}: {broken}") from broken
        finally:
            self.control.clear_faults()

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        self.control.reset()
        tracked: dict[str, tuple[str, dict[str, Any]]] = {}  # resource -> (pod id, outputs)
        resources = [f"s{seed}-pod{i}" for i in range(rng.randint(1, 3))]
        for resource in resources:
            self._create(rng, resource, tracked)
            for step in rng.sample(("read", "update", "out_of_band", "read"), rng.randint(0, 3)):
                if resource not in tracked:
                    break
                if step == "out_of_band":
                    self._delete_out_of_band(tracked[resource][0])
                    self._read(rng, resource, tracked)
                elif step == "read":
                    self._read(rng, resource, tracked)
                else:
                    self._update(rng, resource, tracked)
        self._check(tracked)
        self._destroy(rng, tracked)
        self.tally.schedules += 1

    def _create(
        self, rng: random.Random, resource: str, tracked: dict[str, tuple[str, dict[str, Any]]]
    ) -> None:
        fate = rng.choice(FATES)
        self.tally.fates[fate] += 1
        self.control.fates(fate)
        # A short deadline for every pod: a create that never reached the server leaves
        # its queued fate (maybe "stuck") to the next pod.
        news = {**POD, "auto_name_seed": f"campaign/{resource}", "ready_timeout": 4.0}
        if fate == "stuck":
            news["ready_timeout"] = 0.5
        inputs, failures = self.provider.check(news)
        if failures:
            raise InvariantError(f"valid inputs failed check: {failures}")
        self._inject(rng, "create")
        self.tally.operations["create"] += 1
        try:
            pod_id, outs = self.provider.create(inputs, name=resource)
        except grpc.RpcError as error:
            self._user_error(error, inputs["name"])
            self.control.clear_faults()
            # The engine records nothing: no pod of this name may be left.
            leftovers = [i for i, n in self._live_pods().items() if n == inputs["name"]]
            if leftovers:
                raise InvariantError(
                    f"failed create of {inputs['name']} left {leftovers}"
                ) from None
            return
        finally:
            self.control.clear_faults()
        # The fate the pod really got (a create that never reached the server leaves its
        # queued fate to the next pod).
        got = next((p["fate"] for p in self.control.pods() if p["id"] == pod_id), "unknown")
        if got in ("install_failure", "error", "stuck"):
            raise InvariantError(f"pod {pod_id}, fated {got}, was reported ready")
        tracked[resource] = (pod_id, outs)

    def _read(
        self, rng: random.Random, resource: str, tracked: dict[str, tuple[str, dict[str, Any]]]
    ) -> None:
        pod_id, outs = tracked[resource]
        self._inject(rng, "read")
        self.tally.operations["read"] += 1
        try:
            read_id, read_outs = self.provider.read(pod_id, outs, name=resource)
        except grpc.RpcError as error:
            self._user_error(error, pod_id)
            return
        finally:
            self.control.clear_faults()
        if read_id == "":
            del tracked[resource]
        elif read_id != pod_id:
            raise InvariantError(f"read of {pod_id} answered {read_id}")
        else:
            tracked[resource] = (pod_id, read_outs)

    def _update(
        self, rng: random.Random, resource: str, tracked: dict[str, tuple[str, dict[str, Any]]]
    ) -> None:
        pod_id, outs = tracked[resource]
        news = {k: v for k, v in outs.items() if k in (*POD, "name", "auto_name_seed")}
        news["ready_timeout"] = rng.choice((600, 900))
        self._inject(rng, "update")
        self.tally.operations["update"] += 1
        try:
            updated = self.provider.update(pod_id, outs, news, name=resource)
        finally:
            self.control.clear_faults()
        if updated.get("ssh_connection") != outs.get("ssh_connection"):
            raise InvariantError(f"update of {pod_id} lost its outputs")
        tracked[resource] = (pod_id, updated)

    def _delete_out_of_band(self, pod_id: str) -> None:
        self.tally.out_of_band_deletes += 1
        self.control.delete_pod(pod_id)

    def _check(self, tracked: dict[str, tuple[str, dict[str, Any]]]) -> None:
        ids = [pod_id for pod_id, _ in tracked.values()]
        if len(set(ids)) != len(ids):
            raise InvariantError(f"two resources own one pod: {ids}")
        # A pod deleted out of band and refreshed away may still be DELETING: it is going.
        untracked = {i: n for i, n in billing_pods(self.control).items() if i not in ids}
        if untracked:
            raise InvariantError(f"pods billing that no resource tracks: {untracked}")

    def _destroy(self, rng: random.Random, tracked: dict[str, tuple[str, dict[str, Any]]]) -> None:
        for resource, (pod_id, outs) in list(tracked.items()):
            self._inject(rng, "delete")
            self.tally.operations["delete"] += 1
            try:
                self.provider.delete(pod_id, outs, name=resource)
            except grpc.RpcError as error:
                self._user_error(error, pod_id)
                # A failed delete keeps the resource; `pulumi destroy` is run again.
                self.control.clear_faults()
                self.tally.operations["delete"] += 1
                self.provider.delete(pod_id, outs, name=resource)
            finally:
                self.control.clear_faults()
        left = pods_left(self.control, DELETE_SECONDS)
        if left:
            raise InvariantError(f"destroy left pods billing: {left}")


def start_lane(
    stack: ExitStack,
    workdir: Path,
    api_key: str,
    close_provider: Callable[[ProviderProcess], object] = ProviderProcess.close,
) -> Campaign:
    """A campaign on an emulator and a provider process of its own, closed by ``stack``.

    ``close_provider`` stops the provider process (it answers what the process logged).
    """
    backend = EmulatorBackend(
        api_keys=[api_key], provision_seconds=PROVISION_SECONDS, delete_seconds=DELETE_SECONDS
    )
    server = stack.enter_context(EmulatorServer(backend))
    provider = ProviderProcess(workdir)
    stack.callback(close_provider, provider)
    provider.configure(stack_config(server.base_url, api_key, TIMING))
    campaign = Campaign(provider, server.base_url, api_key)
    stack.callback(campaign.close)
    return campaign


def billing_pods(control: EmulatorControl) -> dict[str, str]:
    """Pods that go on billing (id: name): live, and not on their way out (DELETING)."""
    return _billing(control.live_pods())


def billing_disks(control: EmulatorControl) -> dict[str, str]:
    """Disks that go on billing (id: name): live, and not on their way out (DELETING)."""
    return _billing(control.live_disks())


def _billing(live: list[dict[str, Any]]) -> dict[str, str]:
    return {p["id"]: p["name"] for p in live if p["status"] != "DELETING"}


def pods_left(control: EmulatorControl, deleting_seconds: float) -> dict[str, str]:
    """Every live pod (id: name), once those DELETING had ``deleting_seconds`` (+ slack) to end."""
    return _left(control.live_pods, deleting_seconds)


def disks_left(control: EmulatorControl, deleting_seconds: float) -> dict[str, str]:
    """Every live disk (id: name), once those DELETING had ``deleting_seconds`` (+ slack) to end."""
    return _left(control.live_disks, deleting_seconds)


def _left(live_now: Callable[[], list[dict[str, Any]]], deleting_seconds: float) -> dict[str, str]:
    deadline = time.monotonic() + deleting_seconds + 3
    while True:
        live = live_now()
        if time.monotonic() > deadline or all(p["status"] != "DELETING" for p in live):
            return {p["id"]: p["name"] for p in live}
        time.sleep(0.05)


def campaign_seeds(count_variable: str, default: int) -> list[int]:
    """The seeds a lane runs: ``CAMPAIGN_SEED`` alone (a replay), else ``0 .. $count_variable``."""
    if "CAMPAIGN_SEED" in os.environ:
        return [int(os.environ["CAMPAIGN_SEED"])]
    return list(range(int(os.environ.get(count_variable, str(default)))))


class Lane(Protocol):
    """What :func:`run_in_lanes` runs: schedules by seed, counted in a tally."""

    tally: Tally
    shown: list[str]  # every error text a user would have seen

    def run_schedule(self, seed: int) -> None:
        """One schedule; raises :class:`InvariantError` (naming the seed) if an invariant breaks."""


def run_in_lanes(
    lanes: Sequence[Lane], seeds: Sequence[int], timeout: float | None = None
) -> Tally:
    """Runs the schedules of ``seeds``, spread over the lanes, all lanes at once; the total tally.

    A broken invariant is raised (it names its seed); ``timeout`` bounds the wait for each lane.
    """

    def run_lane(index: int) -> None:
        for seed in seeds[index :: len(lanes)]:
            lanes[index].run_schedule(seed)

    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for done in [pool.submit(run_lane, i) for i in range(len(lanes))]:
            done.result(timeout=timeout)
    first = lanes[0].tally if lanes else Tally()
    total = Tally(name=first.name, fates_label=first.fates_label)
    for campaign in lanes:
        total.add(campaign.tally)
    return total
