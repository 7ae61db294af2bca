"""Progress messages: sent on change, latest first, in the background, never in the way."""

from __future__ import annotations

import threading
import time

from pulumi.runtime.proto import engine_pb2

from prime_pulumi.core.engine_process import engine_address, started_by_engine
from prime_pulumi.core.progress import FAILURES_BEFORE_SILENCE, NO_PROGRESS, EngineLog
from tests.kit.fake_engine import FakeEngine, unused_address

URN = "urn:pulumi:dev::quickstart::pulumi-python:dynamic/prime:Pod::trainer"
OTHER = "urn:pulumi:dev::quickstart::pulumi-python:dynamic/prime:Pod::other"


class GatedEngine:
    """An engine stub whose calls wait at a gate, and that records what got through."""

    def __init__(self, fail: bool = False) -> None:
        self.entered = threading.Event()  # a call has come in
        self.gate = threading.Event()
        self.fail = fail
        self.calls: list[engine_pb2.LogRequest] = []

    def Log(self, request: engine_pb2.LogRequest, timeout: float | None = None) -> object:
        self.entered.set()
        self.gate.wait(timeout=5)
        self.calls.append(request)
        if self.fail:
            raise ConnectionError("engine gone")
        return None


def test_a_row_sends_a_message_only_when_it_changes() -> None:
    with FakeEngine() as engine:
        log = EngineLog(engine.address)
        row = log.row(URN)
        for message in ["PROVISIONING", "PROVISIONING", "ACTIVE, installation 5%", "ready"]:
            row(message)
            assert log.flush(timeout=5)
        assert engine.messages(URN) == ["PROVISIONING", "ACTIVE, installation 5%", "ready"]
        assert all(e.ephemeral and e.severity == engine_pb2.INFO for e in engine.entries())


def test_only_the_latest_waiting_message_of_a_row_is_sent() -> None:
    stub = GatedEngine()
    log = EngineLog("127.0.0.1:1", connect=lambda _address: stub)
    log.post(URN, "PROVISIONING")  # taken at once by the sender, which waits at the gate
    assert stub.entered.wait(timeout=5)
    for percent in (10, 20, 30):
        log.post(URN, f"ACTIVE, installation {percent}%")
    log.post(OTHER, "PROVISIONING")
    stub.gate.set()
    assert log.flush(timeout=5)
    assert [r.message for r in stub.calls if r.urn == URN] == [
        "PROVISIONING",
        "ACTIVE, installation 30%",
    ]
    assert [r.message for r in stub.calls if r.urn == OTHER] == ["PROVISIONING"]


class OneRowStuck(GatedEngine):
    """An engine whose calls for ``URN`` wait at the gate; other rows' go through."""

    def Log(self, request: engine_pb2.LogRequest, timeout: float | None = None) -> object:
        if request.urn == URN:
            return super().Log(request, timeout)
        self.calls.append(request)
        return None


def test_a_row_s_last_message_does_not_wait_behind_another_row_s() -> None:
    stub = OneRowStuck()
    log = EngineLog("127.0.0.1:1", connect=lambda _address: stub)
    log.post(URN, "deleting")
    assert stub.entered.wait(timeout=5)
    log.post(OTHER, "ready: root@203.0.113.1 -p 22")
    assert log.settle(OTHER, timeout=5), "sent while the other row's send still hangs"
    assert [r.message for r in stub.calls] == ["ready: root@203.0.113.1 -p 22"]
    stub.gate.set()
    assert log.flush(timeout=5)


def test_posting_never_waits_for_the_engine() -> None:
    stub = GatedEngine()  # the gate stays shut: every send hangs
    log = EngineLog("127.0.0.1:1", connect=lambda _address: stub)
    began = time.monotonic()
    for i in range(1000):
        log.row(f"{URN}{i % 10}")(f"message {i}")
    assert time.monotonic() - began < 1
    stub.gate.set()
    assert log.flush(timeout=5)


def test_an_unreachable_engine_turns_progress_off_and_nothing_fails() -> None:
    log = EngineLog(unused_address(), timeout=1)
    for i in range(FAILURES_BEFORE_SILENCE + 2):
        log.post(URN, f"message {i}")
        log.flush(timeout=5)
    assert log.silent
    log.post(URN, "after")  # dropped, silently
    assert log.flush(timeout=1)


def test_failing_sends_turn_progress_off_after_a_few() -> None:
    stub = GatedEngine(fail=True)
    stub.gate.set()
    log = EngineLog("127.0.0.1:1", connect=lambda _address: stub)
    for i in range(10):
        log.post(URN, f"message {i}")
        log.flush(timeout=5)
    assert log.silent
    assert len(stub.calls) == FAILURES_BEFORE_SILENCE


def test_no_engine_or_no_urn_shows_nothing() -> None:
    quiet = EngineLog(None)
    quiet.row(URN)("PROVISIONING")
    assert quiet.silent and quiet.flush(timeout=0)
    with FakeEngine() as engine:
        log = EngineLog(engine.address)
        log.row(None)("PROVISIONING")
        NO_PROGRESS("PROVISIONING")
        assert log.flush(timeout=1)
        assert engine.entries() == []


def test_only_a_process_the_engine_started_has_an_engine_address() -> None:
    # pytest is this process's __main__, not pulumi.dynamic: no engine, whatever argv holds.
    assert not started_by_engine()
    assert engine_address() is None


def test_an_operation_ends_once_its_last_message_is_sent_or_briefly_after() -> None:
    stub = GatedEngine()
    log = EngineLog("127.0.0.1:1", connect=lambda _address: stub)
    log.post(URN, "ready: root@10.0.0.1 -p 22")
    began = time.monotonic()
    assert not log.settle(URN, timeout=0.2), "the engine has not taken it yet"
    assert time.monotonic() - began < 1
    assert log.settle(OTHER, timeout=0), "another row has nothing to wait for"
    stub.gate.set()
    assert log.settle(URN, timeout=5)
    assert [r.message for r in stub.calls] == ["ready: root@10.0.0.1 -p 22"]


def test_a_sender_that_cannot_connect_leaves_nothing_waiting() -> None:
    def refuse(_address: str) -> GatedEngine:
        raise OSError("no route")

    log = EngineLog("127.0.0.1:1", connect=refuse)
    log.post(URN, "PROVISIONING")
    assert log.flush(timeout=5)
    assert log.silent
    assert log.settle(URN, timeout=0), "an operation's end does not wait on a dead sender"


def test_a_diagnostic_stays_in_diagnostics_and_is_sent_before_it_returns() -> None:
    with FakeEngine() as engine:
        log = EngineLog(engine.address)
        row = log.row(URN)
        row("PROVISIONING")
        row.diagnose("gpu_type 'H100' is not a GPU type the API lists; closest: 'H100_80GB'")
        row.diagnose("pod log: starting", severity="info")
        # Sent by the caller's thread, so both are there before any flush.
        diagnostics = [e for e in engine.entries(URN) if not e.ephemeral]
        assert [(e.severity, e.message) for e in diagnostics] == [
            (
                engine_pb2.WARNING,
                "gpu_type 'H100' is not a GPU type the API lists; closest: 'H100_80GB'",
            ),
            (engine_pb2.INFO, "pod log: starting"),
        ]


def test_a_diagnostic_to_an_unreachable_engine_or_for_no_resource_is_dropped_quietly() -> None:
    EngineLog(unused_address(), timeout=0.5).row(URN).diagnose("lost")  # no error raised
    NO_PROGRESS.diagnose("nowhere")
    with FakeEngine() as engine:
        EngineLog(engine.address).row(None).diagnose("no urn")
        assert engine.entries() == []


def test_an_engine_that_does_not_take_diagnostics_holds_up_a_few_of_them_only() -> None:
    # A failed pod sends its last 10 log lines before its error: an engine that does not
    # answer must not cost a send timeout for each of them.
    stub = GatedEngine(fail=True)
    stub.gate.set()
    log = EngineLog("127.0.0.1:1", connect=lambda _address: stub)
    row = log.row(URN)
    for i in range(10):
        row.diagnose(f"pod log: line {i}", severity="info")
    assert len(stub.calls) == FAILURES_BEFORE_SILENCE
    assert log.silent


def test_a_diagnostic_taken_clears_the_failures_before_it() -> None:
    stub = GatedEngine(fail=True)
    stub.gate.set()
    log = EngineLog("127.0.0.1:1", connect=lambda _address: stub)
    row = log.row(URN)
    for _ in range(FAILURES_BEFORE_SILENCE - 1):
        row.diagnose("dropped")
    stub.fail = False
    row.diagnose("taken")
    stub.fail = True
    for _ in range(FAILURES_BEFORE_SILENCE - 1):
        row.diagnose("dropped again")
    assert not log.silent
