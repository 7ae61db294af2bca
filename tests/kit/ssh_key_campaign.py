"""The SSH key lane of the fault campaign: a pipeline's keys, and a pod made with one, under faults.

Each schedule is one ``pulumi up`` then ``pulumi destroy`` of 2 to 4 ``SshKey``
resources (at most one declared ``primary``) in a provider process of the lane,
against an account that may already hold a key made by hand (``laptop``) and a key
an interrupted run uploaded under one resource's name:

- before the creates, seeded faults on ``upload_ssh_key`` (lost answers, dropped
  connections, a 503 or a 429, an answer slower than the client waits),
  ``list_ssh_keys`` (5xx and 429 bursts, fewer than one call's attempts) and
  ``set_primary_ssh_key`` (a 5xx burst, or a refusal, 403); then the creates, all at once;
- refresh (a read of each tracked key, under list faults), an out-of-band delete of
  one key now and then (its read must drop it), and a pod created with one tracked
  key's id (the emulator must show the pod made with it);
- destroy: each tracked key deleted (some twice), under 5xx bursts and lost answers.

The invariants, tagged as a failure names them:

(lost) every key of the schedule's names on the account is tracked by the engine,
    or named (its id, or its name) as possibly left by the one-line error of the create
    that failed;
    after destroy (and the user deleting what an error named), none is left;
(dup) no name is held by two keys, and no two resources track one key;
(ok) a create whose faults the client absorbs succeeds: the only excuses are an
    upload the server never acted on (a dropped connection, a 503) and a refused
    PATCH of a key declared primary; a key that could not be made primary is
    deleted before the error;
(primary) a key declared primary whose create succeeded is the account's primary key;
(pod) the pod created with a key's id is made with that key;
(shown) every error is ours (``prime_pulumi.<Class>``), one line, names its key, and
    never shows the API key; a read never keeps a key the account no longer lists.

A failure names the seed; ``CAMPAIGN_SEED=<seed>`` replays it (see tests/campaign).
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.campaign import (
    DELETE_SECONDS,
    PROVISION_SECONDS,
    SLOW_ANSWER,
    TIMING,
    InvariantError,
    Tally,
    check_shown,
    shown_kind,
)
from tests.kit.harness import ProviderProcess, error_text, stack_config
from tests.kit.samples import POD, public_key

#: What happens to the upload of one key: (fault action, its settings), or nothing.
UPLOAD_FAULTS: tuple[tuple[str, dict[str, Any]] | None, ...] = (
    None,
    None,
    ("drop_after", {}),
    ("drop", {}),
    ("status", {"status": 503}),
    ("status", {"status": 429, "retry_after": 0.05}),
    ("delay", {"delay": SLOW_ANSWER}),
)
#: Faults the client absorbs on the reads and the PATCH: fewer than one call's six attempts.
READ_BURSTS: tuple[tuple[str, dict[str, Any]] | None, ...] = (
    None,
    ("status", {"status": 503, "times": 2}),
    ("status", {"status": 429, "times": 3}),
    ("status", {"status": 502, "times": 1}),
)
#: Upload faults that may leave no key: the server never acted on the post.
UNACTED = ("drop", "status 503")
#: How an error says its key may be on the account: what the user must then check by hand.
MAY_REMAIN = ("may exist", "may still", "that appears later is adopted")


@dataclass
class KeyCreate:
    """One resource's create, as the engine records it."""

    resource: str
    name: str
    primary: bool
    upload_fault: str
    primary_refused: bool
    key_id: str | None = None
    outs: dict[str, Any] | None = None
    error: str | None = None


class SshKeyCampaign:
    """A lane: an emulator and a provider process of its own, schedules played one by one."""

    def __init__(self, provider: ProviderProcess, base_url: str, api_key: str) -> None:
        self.pods = provider
        self.keys = provider.for_ssh_keys()
        self.control = EmulatorControl(base_url, api_key)
        self.api_key = api_key
        self.tally = Tally(name="SSH key lane", fates_label="upload faults")
        self.shown: list[str] = []

    def close(self) -> None:
        self.control.close()

    def run_schedule(self, seed: int) -> None:
        """One ``up`` and ``destroy``; raises :class:`InvariantError` naming the seed."""
        try:
            self._play(random.Random(seed), seed)
        except InvariantError as broken:
            raise InvariantError(f"seed {seed}: {broken}") from None
        self.tally.schedules += 1

    # ------------------------------------------------------------ one schedule

    def _play(self, rng: random.Random, seed: int) -> None:
        control = self.control
        control.reset()
        if rng.random() < 0.5:
            control.upload_ssh_key("laptop", public_key(10_000 + seed))
        count = rng.randint(2, 4)
        primary = rng.choice([None, *range(count)])
        creates = [self._declare(rng, seed, index, index == primary) for index in range(count)]
        if rng.random() < 0.3:  # an interrupted run uploaded one of them
            interrupted = rng.choice(creates)
            control.upload_ssh_key(interrupted.name, self._inputs(interrupted)["public_key"])
            interrupted.upload_fault = "adopted"  # no upload: nothing to fault
        for create in creates:
            self._queue_upload_fault(rng, create)
        self._queue(rng, "list_ssh_keys", READ_BURSTS)
        if any(c.primary_refused for c in creates):
            control.fault("set_primary_ssh_key", "status", status=403, detail="Not allowed")
            self.tally.faults["set_primary_ssh_key status 403"] += 1
        else:
            self._queue(rng, "set_primary_ssh_key", READ_BURSTS)

        with ThreadPoolExecutor(max_workers=len(creates)) as pool:
            list(pool.map(self._create, creates))
        control.clear_faults()
        self._check_up(creates)

        tracked = [c for c in creates if c.key_id is not None]
        self._refresh(rng, tracked)
        tracked = [c for c in tracked if c.key_id is not None]
        if tracked and rng.random() < 0.5:
            self._pod_with(rng.choice(tracked))
        self._destroy(rng, tracked, creates)

    def _declare(self, rng: random.Random, seed: int, index: int, primary: bool) -> KeyCreate:
        resource = f"key{index}"
        inputs, failures = self.keys.check(
            {
                "public_key": public_key(seed * 10 + index),
                "primary": primary,
                "auto_name_seed": f"org/campaign/s{seed}/{resource}",
            },
            name=resource,
        )
        if failures:
            raise InvariantError(f"check refused a valid key: {failures}")
        refused = primary and rng.random() < 0.2
        create = KeyCreate(resource, inputs["name"], primary, "none", refused)
        create.outs = inputs  # the inputs, until the create answers its outputs
        return create

    @staticmethod
    def _inputs(create: KeyCreate) -> dict[str, Any]:
        assert create.outs is not None
        return create.outs

    def _queue_upload_fault(self, rng: random.Random, create: KeyCreate) -> None:
        """A fault for one upload: faults are per route, so each takes the next one in turn."""
        if create.upload_fault == "adopted":
            return
        chosen = rng.choice(UPLOAD_FAULTS)
        if chosen is None:
            return
        action, fields = chosen
        # Faults are first in, first out on one route, and the creates run at once: which
        # upload meets which fault is not known, so each create is judged by every fault.
        self.control.fault("upload_ssh_key", action, **fields)
        label = f"{action} {fields['status']}" if action == "status" else action
        create.upload_fault = label
        self.tally.faults[f"upload_ssh_key {label}"] += 1
        self.tally.fates[label] += 1

    def _queue(
        self, rng: random.Random, route: str, faults: tuple[tuple[str, dict[str, Any]] | None, ...]
    ) -> None:
        chosen = rng.choice(faults)
        if chosen is not None:
            action, fields = chosen
            self.control.fault(route, action, **fields)
            self.tally.faults[f"{route} {action} {fields.get('status', '')}".strip()] += 1

    def _create(self, create: KeyCreate) -> None:
        inputs = self._inputs(create)
        self.tally.operations["create"] += 1
        try:
            create.key_id, create.outs = self.keys.create(inputs, name=create.resource)
        except grpc.RpcError as failure:
            create.error = error_text(failure)
            self._shown(create.error, create)

    def _shown(self, text: str, create: KeyCreate) -> None:
        self.shown.append(text)
        self.tally.errors[shown_kind(text)] += 1
        check_shown(text, [create.name, create.resource], self.api_key)

    # ------------------------------------------------------------ the invariants

    def _check_up(self, creates: list[KeyCreate]) -> None:
        # Which upload met which fault is not known (they run at once): at most as many
        # creates may fail for want of a key as the server left uploads unacted on.
        unacted = sum(c.upload_fault in UNACTED for c in creates)
        ours = {c.name: c for c in creates}
        on_account = [k for k in self.control.ssh_keys() if k["name"] in ours]
        names = [k["name"] for k in on_account]
        if len(names) != len(set(names)):
            raise InvariantError(f"(dup) a name holds two keys: {sorted(names)}")
        ids = [c.key_id for c in creates if c.key_id]
        if len(ids) != len(set(ids)):
            raise InvariantError(f"(dup) two resources track one key: {ids}")
        for key in on_account:
            create = ours[key["name"]]
            # Naming the key is not enough: the error must say it may be left (an error
            # saying nothing was made would leave it on the account with no one to know).
            named = create.error is not None and (
                (key["id"] in create.error or create.name in create.error)
                and any(words in create.error for words in MAY_REMAIN)
            )
            if create.key_id != key["id"] and not named:
                raise InvariantError(f"(lost) key {key['id']} ({key['name']}) is untracked")
        excused = 0
        for create in creates:
            if create.error is None:
                self.tally.outcomes["made"] += 1
                continue
            self.tally.outcomes["failed"] += 1
            refused = create.primary_refused and "could not be made primary" in create.error
            if refused and any(k["name"] == create.name for k in on_account):
                raise InvariantError(f"(ok) {create.name} could not be made primary, and is left")
            if not refused:
                excused += 1
            if excused > unacted:
                raise InvariantError(f"(ok) the create of {create.name} failed: {create.error}")
        declared = [c for c in creates if c.primary and c.key_id]
        primaries = [k["id"] for k in self.control.ssh_keys() if k["isPrimary"]]
        if declared and primaries != [declared[0].key_id]:
            raise InvariantError(
                f"(primary) {declared[0].name} was declared primary; primary now: {primaries}"
            )

    def _refresh(self, rng: random.Random, tracked: list[KeyCreate]) -> None:
        self._queue(rng, "list_ssh_keys", READ_BURSTS)
        gone = rng.choice(tracked) if tracked and rng.random() < 0.3 else None
        if gone is not None:
            self.control.delete_ssh_key(str(gone.key_id)).raise_for_status()
            self.tally.out_of_band_deletes += 1
        for create in tracked:
            self.tally.operations["read"] += 1
            assert create.key_id is not None and create.outs is not None
            read_id, _ = self.keys.read(create.key_id, create.outs, name=create.resource)
            expected = "" if create is gone else create.key_id
            if read_id != expected:
                raise InvariantError(f"(shown) a read of {create.name} answered {read_id!r}")
            if create is gone:
                create.key_id = None  # refresh drops it from the stack
        self.control.clear_faults()

    def _pod_with(self, create: KeyCreate) -> None:
        self.tally.operations["pod with a key"] += 1
        inputs, failures = self.pods.check({**POD, "ssh_key_id": create.key_id}, name="trainer")
        if failures:
            raise InvariantError(f"check refused a pod: {failures}")
        pod_id, outs = self.pods.create(inputs, name="trainer")
        made = [p.get("sshKeyId") for p in self.control.pods() if p["id"] == pod_id]
        if made != [create.key_id]:
            raise InvariantError(f"(pod) the pod was made with {made}, not {create.key_id}")
        self.pods.delete(pod_id, outs, name="trainer")

    def _destroy(self, rng: random.Random, tracked: list[KeyCreate], all_: list[KeyCreate]) -> None:
        self._queue(rng, "delete_ssh_key", READ_BURSTS)
        if rng.random() < 0.3:
            self.control.fault("delete_ssh_key", "drop_after")
            self.tally.faults["delete_ssh_key drop_after"] += 1
        for create in tracked:
            if create.key_id is None:
                continue
            assert create.outs is not None
            for _ in range(2 if rng.random() < 0.3 else 1):
                self.tally.operations["delete"] += 1
                try:
                    self.keys.delete(create.key_id, create.outs, name=create.resource)
                except grpc.RpcError as failure:
                    self._shown(error_text(failure), create)
                    raise InvariantError(f"a delete of {create.name} failed") from None
        self.control.clear_faults()
        # What the errors named is the user's to delete by hand; then nothing is left.
        named = {c.name for c in all_ if c.error is not None}
        for key in self.control.ssh_keys():
            if key["name"] in named:
                self.control.delete_ssh_key(key["id"]).raise_for_status()
        left = [k["name"] for k in self.control.ssh_keys() if k["name"] != "laptop"]
        if left:
            raise InvariantError(f"(lost) destroy left keys on the account: {left}")


def ssh_key_lanes(
    stack: ExitStack, workdir: Path, api_key: str, count: int
) -> list[SshKeyCampaign]:
    """``count`` lanes, each an emulator and a provider process of its own, closed by ``stack``."""
    lanes = []
    for index in range(count):
        backend = EmulatorBackend(
            api_keys=[api_key], provision_seconds=PROVISION_SECONDS, delete_seconds=DELETE_SECONDS
        )
        server = stack.enter_context(EmulatorServer(backend))
        (workdir / f"lane{index}").mkdir(parents=True, exist_ok=True)
        provider = ProviderProcess(workdir / f"lane{index}")
        stack.callback(_closed, provider, api_key)
        provider.configure(stack_config(server.base_url, api_key, TIMING))
        lane = SshKeyCampaign(provider, server.base_url, api_key)
        stack.callback(lane.close)
        lanes.append(lane)
    return lanes


def _closed(provider: ProviderProcess, api_key: str) -> None:
    if api_key in provider.close():
        raise InvariantError("(shown) the provider logged the API key")
