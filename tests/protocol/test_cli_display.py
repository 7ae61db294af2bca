"""What the CLI shows: progress in each pod's row, failures as one line, settings at preview.

The provider runs as the engine starts it, with the address of a fake ``Engine``
server as its first argument; what that server records is what the CLI displays.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import engine_pb2

from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.core.waits import GONE
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fake_engine import FakeEngine, unused_address
from tests.kit.fleet import concurrently
from tests.kit.harness import ProviderProcess, error_text, stack_config
from tests.protocol.support import (
    API_KEY,
    DISK_PROVISION_SECONDS,
    INPUTS,
    PROVISION_SECONDS,
    checked,
    provider_config,
    provisioning_takes,
)

STACK = "urn:pulumi:test::protocol::"
POD_URN = STACK + "pulumi-python:dynamic/prime:Pod::trainer"
#: A Pod whose parent is a component: the parent's type comes first, joined by `$`.
CHILD_URN = STACK + "acme:fleet:Trainers$pulumi-python:dynamic/prime:Pod::fleet-w0"
SECRETS = (API_KEY, INPUTS["jupyter_password"], INPUTS["env_vars"]["WANDB_API_KEY"])
#: Quick retries, so that a call's attempts are used up in a fraction of a second.
QUICK = {"prime:retryBackoffSeconds": "0.02"}


@contextmanager
def started(
    workdir: Path,
    base_url: str,
    *,
    engine: str | None = None,
    config: dict[str, Any] | None = None,
) -> Iterator[ProviderProcess]:
    """A provider process of its own, configured with the protocol tests' stack config."""
    process = ProviderProcess(workdir, engine_address=engine)
    try:
        process.configure(provider_config(base_url, **QUICK) if config is None else config)
        yield process
    finally:
        stderr = process.close()
        assert API_KEY not in stderr


@pytest.fixture
def engine() -> Iterator[FakeEngine]:
    with FakeEngine() as server:
        yield server


def wait_for(found: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not found():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def shown(engine: FakeEngine, urn: str, start: str) -> bool:
    """Whether the last message of the row ``urn`` starts with ``start``."""
    messages = engine.messages(urn)
    return bool(messages) and messages[-1].startswith(start)


def stage_of(message: str, stages: tuple[str, ...]) -> int:
    """Which of ``stages`` (the starts of a row's messages, in order) ``message`` reports."""
    found = [i for i, start in enumerate(stages) if message.startswith(start)]
    assert found, f"a message of no known stage: {message!r}"
    return found[0]


def in_stage_order(messages: list[str], stages: tuple[str, ...]) -> bool:
    """Whether ``messages`` follow ``stages``; any stage but the last may have been skipped.

    Only an operation's last message must reach the engine: one not sent yet gives
    way to the next message of its row.
    """
    order = [stage_of(message, stages) for message in messages]
    return order == sorted(order)


def one_line(error: grpc.RpcError) -> str:
    """The error as the CLI prints it; fails unless it is one line, with no traceback."""
    text = error_text(error).strip()
    assert "\n" not in text, f"not one line:\n{text}"
    assert "Traceback" not in text and 'File "' not in text
    assert not any(secret in text for secret in SECRETS)
    return text


# ------------------------------------------------------------ progress


def test_progress_reaches_the_pods_row_while_it_provisions(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    with (
        provisioning_takes(emulator, 2),
        started(tmp_path, emulator.base_url, engine=engine.address) as provider,
    ):
        inputs = checked(provider)
        pod_id, outs = provider.create({**inputs, URN_KEY: POD_URN})
        wait_for(partial(shown, engine, POD_URN, "ready"), "ready")
    messages = engine.messages(POD_URN)
    assert in_stage_order(messages, ("PROVISIONING", "ACTIVE, installation ", "ready: ")), messages
    assert messages[-1] == f"ready: {outs['ssh_connection']}"
    assert all(a != b for a, b in itertools.pairwise(messages)), "a message is sent on change"
    entries = engine.entries()
    assert {e.urn for e in entries} == {POD_URN}
    assert all(e.ephemeral and e.severity == 1 for e in entries)  # INFO, never in Diagnostics
    assert not any(secret in e.message for e in entries for secret in SECRETS)
    assert outs[URN_KEY] == POD_URN, "kept, so that destroy shows progress too"
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]


DISK_URN = STACK + "pulumi-python:dynamic/prime:Disk::data"


def test_a_disk_shows_its_progress_in_its_own_row_beside_its_pod(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    emulator.set_timing(disk_provision_seconds=1.0)
    try:
        with started(tmp_path, emulator.base_url, engine=engine.address) as provider:
            disks = provider.for_disks()
            declared = {"size": 50.0, "regions": ["united_states"], "auto_name_seed": "o/p/s/data"}
            inputs, _ = disks.check(declared, name="data")
            disk_id, disk_outs = disks.create({**inputs, URN_KEY: DISK_URN}, name="data")
            wait_for(partial(shown, engine, DISK_URN, "ready"), "the disk's ready")
            pod_id, outs = provider.create({**checked(provider, disks=[disk_id]), URN_KEY: POD_URN})
            wait_for(partial(shown, engine, POD_URN, "ready"), "the pod's ready")
            disk_messages = engine.messages(DISK_URN)
            engine.clear()
            provider.delete(pod_id, outs)
            disks.delete(disk_id, disk_outs, name="data")
            wait_for(lambda: bool(engine.messages(DISK_URN)), "the disk's delete")
    finally:
        emulator.set_timing(disk_provision_seconds=DISK_PROVISION_SECONDS)
    # A row sends only its latest message: the choice, or a status, may be overtaken.
    stages = ("chose disk offer ", "PROVISIONING", "ACTIVE", "ready: ACTIVE")
    assert in_stage_order(disk_messages, stages), disk_messages
    assert disk_messages[-1] == "ready: ACTIVE"
    assert engine.messages(DISK_URN)[-1] == GONE, "the row's last message tells the outcome"
    assert all(m.startswith("deleting") for m in engine.messages(DISK_URN)[:-1])
    assert {e.urn for e in engine.entries()} == {POD_URN, DISK_URN}, "each in its own row"
    assert all(e.ephemeral for e in engine.entries())
    assert emulator.live_disks() == [] and emulator.live_pods() == []


def test_each_pod_of_a_fleet_has_its_own_row(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    urns = [POD_URN, CHILD_URN]
    with (
        provisioning_takes(emulator, 1),
        started(tmp_path, emulator.base_url, engine=engine.address) as provider,
    ):
        fleet = [
            {**checked(provider, auto_name_seed=f"o/p/s/{i}"), URN_KEY: urn}
            for i, urn in enumerate(urns)
        ]
        created = concurrently(
            [partial(provider.create, inputs, name=f"w{i}") for i, inputs in enumerate(fleet)]
        )
        for urn in urns:
            wait_for(partial(shown, engine, urn, "ready"), f"{urn} ready")
        for (pod_id, outs), urn in zip(created, urns, strict=True):
            provider.delete(pod_id, outs)
            wait_for(partial(shown, engine, urn, GONE), f"{urn} gone")
    for (_, outs), urn in zip(created, urns, strict=True):
        messages = engine.messages(urn)
        assert messages[-1] == GONE
        ready = next(m for m in messages if m.startswith("ready"))
        assert ready == f"ready: {outs['ssh_connection']}", "each row shows its own pod"
    assert {e.urn for e in engine.entries()} == set(urns)


def test_progress_without_a_reachable_engine_changes_nothing(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    with started(tmp_path, emulator.base_url, engine=unused_address()) as provider:
        inputs = checked(provider)
        pod_id, outs = provider.create({**inputs, URN_KEY: POD_URN})
        assert outs["status"] == "ACTIVE"
        provider.delete(pod_id, outs)
    assert emulator.live_pods() == []


def test_an_engine_that_never_answers_never_slows_a_create(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    with (
        FakeEngine(stalled=True) as stalled,
        started(tmp_path, emulator.base_url, engine=stalled.address) as provider,
    ):
        inputs = checked(provider)
        began = time.monotonic()
        pod_id, outs = provider.create({**inputs, URN_KEY: POD_URN})
        took = time.monotonic() - began
        provider.delete(pod_id, outs)
        assert stalled.entries(), "the provider did try to send progress"
    # A send waits up to 5 seconds for the engine; the create never waited on one.
    assert took < 4, f"create took {took:.1f} s"


def test_a_pod_without_the_hidden_urn_shows_nothing_and_works(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    """Pods of stacks made before the URN input existed: no progress, same outcome."""
    with started(tmp_path, emulator.base_url, engine=engine.address) as provider:
        pod_id, outs = provider.create(checked(provider))
        provider.delete(pod_id, outs)
    assert URN_KEY not in outs
    assert engine.entries() == []


# ------------------------------------------------------------ failures in one line


def test_a_failed_create_is_one_line_naming_the_pod_and_what_is_left(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    emulator.fates("install_failure")
    with started(tmp_path, emulator.base_url, engine=engine.address) as provider:
        inputs = checked(provider)
        with pytest.raises(grpc.RpcError) as info:
            provider.create({**inputs, URN_KEY: POD_URN})
        # The row's last message: the failed pod was deleted.
        wait_for(partial(shown, engine, POD_URN, GONE), "gone")
    text = one_line(info.value)
    assert text.startswith(f"prime_pulumi.PodProvisioningError: Pod '{inputs['name']}' (")
    assert "installation failed: emulated install_failure" in text
    # The pod's log, read before it was deleted: its last line names what failed.
    assert "Its log ends: 'installer: ERROR: emulated install_failure'." in text
    assert text.endswith("It was deleted, so nothing is left billing.")
    assert emulator.live_pods() == []
    # Its last lines stay in the resource's Diagnostics, oldest first, sent before the error.
    diagnostics = [e for e in engine.entries(POD_URN) if not e.ephemeral]
    assert [e.severity for e in diagnostics] == [engine_pb2.INFO] * len(diagnostics)
    assert diagnostics[0].message.startswith("pod log: ")
    assert f"pod {inputs['name']} created" in diagnostics[0].message
    assert diagnostics[-1].message.endswith(" installer: ERROR: emulated install_failure")
    assert len(diagnostics) == 4  # created, provisioning, installing, failed


def test_a_failed_pod_s_log_shows_no_secret_and_an_unreadable_one_changes_nothing(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    echoed = f"env WANDB_API_KEY={INPUTS['env_vars']['WANDB_API_KEY']} was refused"
    fate = {"kind": "install_failure", "message": echoed}
    emulator.http.post("/_emulator/fates", json={"fates": [fate, {"kind": "error"}]})
    with started(tmp_path, emulator.base_url, engine=engine.address) as provider:
        inputs = {**checked(provider), URN_KEY: POD_URN}
        with pytest.raises(grpc.RpcError) as masked:
            provider.create(inputs)
        diagnostics = [e.message for e in engine.entries(POD_URN) if not e.ephemeral]
        engine.clear()
        # The next failure's log cannot be read: its create ends as it would without logs.
        emulator.fault("pod_logs", "status", status=500, times=10)
        with pytest.raises(grpc.RpcError) as unread:
            provider.create(inputs)
    text = one_line(masked.value)  # one_line also holds every secret out of it
    assert "Its log ends: 'installer: ERROR: env WANDB_API_KEY=[secret] was refused'." in text
    assert diagnostics[-1].endswith("installer: ERROR: env WANDB_API_KEY=[secret] was refused")
    assert not any(secret in m for m in diagnostics for secret in SECRETS)
    text = one_line(unread.value)
    assert "status is ERROR" in text and "Its log ends" not in text
    assert text.endswith("It was deleted, so nothing is left billing.")
    assert [e for e in engine.entries(POD_URN) if not e.ephemeral] == []
    assert emulator.counts()["pod_logs"] == 2  # one attempt each: the cleanup never waits long
    assert emulator.live_pods() == []


def test_a_refused_key_at_create_is_one_line_saying_where_to_set_it(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    with started(tmp_path, emulator.base_url) as provider:
        inputs = checked(provider)
        emulator.fault("list_pods", "status", status=401, detail="invalid api key", times=5)
        with pytest.raises(grpc.RpcError) as info:
            provider.create(inputs)
    text = one_line(info.value)
    assert text.startswith(f"prime_pulumi.PodError: Pod '{inputs['name']}': ")
    assert "HTTP 401: invalid api key" in text
    assert "pulumi config set --secret prime:apiKey" in text
    assert text.endswith("Nothing was created, so nothing is left billing.")
    assert emulator.counts()["create_pod"] == 0


@pytest.mark.parametrize(
    ("fault", "shown"),
    [
        ({"action": "status", "status": 429, "detail": "slow down"}, "HTTP 429: slow down"),
        ({"action": "status", "status": 503, "detail": "maintenance"}, "HTTP 503: maintenance"),
        ({"action": "delay", "delay": 1.0}, "timed out"),
    ],
    ids=["rate-limited", "unavailable", "timeout"],
)
def test_a_failed_delete_is_one_line_with_the_id_to_delete_by_hand(
    emulator: EmulatorControl, tmp_path: Path, fault: dict[str, Any], shown: str
) -> None:
    config = provider_config(emulator.base_url, **QUICK, **{"prime:requestTimeoutSeconds": "0.3"})
    with started(tmp_path, emulator.base_url, config=config) as provider:
        pod_id, outs = provider.create(checked(provider))
        action = fault.pop("action")
        emulator.fault("delete_pod", action, times=20, **fault)
        with pytest.raises(grpc.RpcError) as info:
            provider.delete(pod_id, outs)
        emulator.clear_faults()
        provider.delete(pod_id, outs)  # run again, as the error says: now it is gone
        # A delayed DELETE the client gave up on still runs on the server. Ids restart at
        # each reset, so one landing in the next test would delete that test's pod.
        time.sleep(fault.get("delay", 0.0))
    text = one_line(info.value)
    assert text.startswith(f"prime_pulumi.PodError: Pod '{outs['name']}' ({pod_id}): DELETE ")
    assert shown in text
    assert text.endswith(
        f"Pod {pod_id} may still be running and billing: run the operation again, or "
        "delete it by hand."
    )
    assert emulator.live_pods() == []


def test_a_failed_read_is_one_line_and_leaves_the_pod(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    with started(tmp_path, emulator.base_url) as provider:
        pod_id, outs = provider.create(checked(provider))
        emulator.fault("*", "status", status=403, detail="key lacks read permission", times=20)
        with pytest.raises(grpc.RpcError) as info:
            provider.read(pod_id, outs)
        emulator.clear_faults()
    text = one_line(info.value)
    assert text.startswith(f"prime_pulumi.PodError: Pod '{outs['name']}' ({pod_id}): GET ")
    assert "HTTP 403: key lacks read permission" in text
    assert text.endswith("The pod was left as it is.")
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]


def test_full_tracebacks_come_back_with_one_setting(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    config = provider_config(emulator.base_url, **QUICK, **{"prime:fullTracebacks": "true"})
    with started(tmp_path, emulator.base_url, config=config) as provider:
        inputs = checked(provider)
        emulator.fault("list_pods", "status", status=401, detail="invalid api key", times=5)
        with pytest.raises(grpc.RpcError) as info:
            provider.create(inputs)
    text = error_text(info.value)
    assert text.startswith("Traceback (most recent call last):")
    assert "The above exception was the direct cause of the following exception" in text
    assert "prime_pulumi.AuthenticationError: GET /api/v1/pods/ failed with HTTP 401" in text
    assert text.strip().splitlines()[-1].startswith("prime_pulumi.PodError: Pod ")


# ------------------------------------------------------------ settings at preview


def test_no_api_key_fails_at_check_naming_prime_api_key(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    config = {"prime:baseUrl": emulator.base_url}  # no key here, none in the environment
    with started(tmp_path, emulator.base_url, config=config) as provider:
        with pytest.raises(grpc.RpcError) as info:
            provider.check(INPUTS)
    assert one_line(info.value) == (
        "prime_pulumi.ConfigurationError: No Prime Intellect API key is set. Set one in the "
        "stack config (`pulumi config set --secret prime:apiKey <key>`), as the `apiKey` of "
        "an explicit provider, or in the environment variable PRIME_API_KEY."
    )
    assert sum(emulator.counts().values()) == 0, "nothing was sent"


def test_a_key_in_the_environment_is_enough_at_check(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    process = ProviderProcess(tmp_path, env={"PRIME_API_KEY": API_KEY})
    try:
        process.configure({"prime:baseUrl": emulator.base_url})
        _, failures = process.check(INPUTS)
    finally:
        process.close()
    assert failures == []


def test_a_malformed_setting_fails_at_check_naming_it(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    config = stack_config(emulator.base_url, API_KEY, {"prime:pollMaxSeconds": "soon"})
    with started(tmp_path, emulator.base_url, config=config) as provider:
        with pytest.raises(grpc.RpcError) as info:
            provider.check(INPUTS)
    assert one_line(info.value) == (
        "prime_pulumi.ConfigurationError: Invalid stack config: prime:pollMaxSeconds must be "
        "a positive number of seconds, not 'soon'"
    )


def test_a_read_only_reference_without_a_key_fails_in_one_line(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    """``Pod.get`` reads without a Check: the read says what is missing, the same way."""
    config = {"prime:baseUrl": emulator.base_url}
    with started(tmp_path, emulator.base_url, config=config) as provider:
        with pytest.raises(grpc.RpcError) as info:
            provider.read("pod-by-hand", {})
    assert "prime:apiKey" in one_line(info.value)
    assert one_line(info.value).startswith("prime_pulumi.ConfigurationError: No Prime")


def test_a_lost_create_whose_pod_failed_meanwhile_quotes_the_pod_s_log(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    # The create's answer is lost, and by the time the pod is found by name it is in
    # ERROR: it is deleted, and its log must be read first, as for any failed create.
    emulator.fates("error")
    emulator.set_timing(provision_seconds=0.0)  # ERROR at once: found so, never adopted
    emulator.fault("create_pod", "drop_after")
    try:
        with started(tmp_path, emulator.base_url, engine=engine.address) as provider:
            inputs = checked(provider)
            with pytest.raises(grpc.RpcError) as info:
                provider.create({**inputs, URN_KEY: POD_URN})
    finally:
        emulator.set_timing(provision_seconds=PROVISION_SECONDS)
    text = one_line(info.value)
    assert "had reached ERROR by the time it was found" in text
    assert "Its log ends: 'provider: ERROR: emulated error'." in text
    assert text.endswith("It was deleted, so nothing is left billing.")
    assert emulator.live_pods() == []
    diagnostics = [e.message for e in engine.entries(POD_URN) if not e.ephemeral]
    assert diagnostics[-1].startswith("pod log: ")
    assert diagnostics[-1].endswith(" provider: ERROR: emulated error")
