"""Progress in each resource's own row of the CLI, sent to the engine's ``Log``.

Native providers report where a resource is with ``Engine.Log`` messages marked
``ephemeral`` and carrying the resource's URN: the CLI shows each in that
resource's row while it works, and leaves it out of the final Diagnostics.

Progress never slows, blocks or fails an operation. A row sends a message only
when it changes; background threads send them, and only the latest message of
each row waits; an engine that cannot be reached ends the sending for the
process. No engine address (a test, an old SDK) or no URN means no messages.
A few senders work at once, each on another row, so that the last messages of a
fleet's operations do not wait on one another; a row's messages keep their order.

A resource may also say something that must stay once it is done (a warning at
preview, the last log lines of a pod that failed): :meth:`RowProgress.diagnose`
sends it at once, not ephemeral, so the CLI lists it under the resource in
Diagnostics. Those are few, and each matters, so none is coalesced or dropped
while the engine answers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal, Protocol

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

logger = logging.getLogger("prime_pulumi.progress")

#: How long one message may take to reach the engine.
SEND_TIMEOUT_SECONDS = 5.0
#: How long an operation's end may wait for its last message to be sent.
SETTLE_SECONDS = 0.5
#: Messages sent at once at most (to different rows): a fleet's last messages go together.
SENDERS = 8
#: Failed sends in a row after which the engine is taken to be unreachable.
FAILURES_BEFORE_SILENCE = 3

#: How much a diagnostic matters; the CLI shows a warning in yellow under the resource.
Severity = Literal["info", "warning"]
_SEVERITIES = {"info": engine_pb2.INFO, "warning": engine_pb2.WARNING}


class LogsToEngine(Protocol):
    """The one call of ``pulumirpc.Engine`` progress needs."""

    def Log(self, request: engine_pb2.LogRequest, timeout: float | None = None) -> object:  # noqa: N802 (the RPC's name)
        ...


def _connect(address: str) -> LogsToEngine:
    stub: LogsToEngine = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))
    return stub


class EngineLog:
    """Sends ephemeral messages to the engine at ``address``, in the background."""

    def __init__(
        self,
        address: str | None,
        *,
        connect: Callable[[str], LogsToEngine] = _connect,
        timeout: float = SEND_TIMEOUT_SECONDS,
        senders: int = SENDERS,
    ) -> None:
        self._address = address
        self._connect = connect
        self._timeout = timeout
        self._senders = senders
        self._cond = threading.Condition()
        self._pending: dict[str, str] = {}  # the latest unsent message of each row
        self._in_flight: set[str] = set()  # the rows whose message is being sent
        self._threads: list[threading.Thread] = []
        self._engine: LogsToEngine | None = None
        self._failures = 0  # failed sends in a row, across the senders
        self._silent = address is None

    @property
    def silent(self) -> bool:
        """Whether messages are dropped: no engine, or it could not be reached."""
        return self._silent

    def row(self, urn: str | None) -> RowProgress:
        """The progress of the resource ``urn``; without a URN, one that shows nothing."""
        return RowProgress(self if urn else None, urn or "")

    def post(self, urn: str, message: str) -> None:
        """Queues ``message`` for the row ``urn``, in place of one not yet sent; never blocks."""
        with self._cond:
            if self._silent:
                return
            self._pending[urn] = message
            # One more sender while rows wait, up to the limit: a fleet's rows go at once.
            rows = len(self._pending) + len(self._in_flight)
            if len(self._threads) < min(self._senders, rows):
                thread = threading.Thread(
                    target=self._send_all, name="prime-engine-log", daemon=True
                )
                self._threads.append(thread)
                thread.start()
            self._cond.notify_all()

    def diagnose(self, urn: str, message: str, severity: Severity) -> None:
        """Sends ``message`` to the Diagnostics of the resource ``urn``, now; never fails.

        It blocks until the engine has it (at most the send timeout): what follows,
        an error say, must not reach the user before it. Its failures count with the
        progress messages', so an engine that does not answer costs a few timeouts,
        not one per line of a failed pod's log.
        """
        if self._silent:
            return
        request = engine_pb2.LogRequest(
            severity=_SEVERITIES[severity], message=message, urn=urn, ephemeral=False
        )
        failed: Exception | None = None
        try:
            self._engine_stub().Log(request, timeout=self._timeout)
        except Exception as error:  # a diagnostic must never fail the operation it describes
            failed = error
            logger.debug("a diagnostic was dropped: %s", message, exc_info=True)
        with self._cond:
            given_up = self._tally(failed)
        if given_up:
            self._go_silent(f"the engine at {self._address} did not take a diagnostic: {failed}")

    def settle(self, urn: str, timeout: float) -> bool:
        """Waits, at most ``timeout``, until the row ``urn`` has nothing left to send.

        An operation's last message must reach the engine before the operation
        ends, or the CLI may close the row without it.
        """
        with self._cond:
            return self._cond.wait_for(
                lambda: urn not in self._pending and urn not in self._in_flight, timeout
            )

    def flush(self, timeout: float) -> bool:
        """Waits until every queued message is sent or dropped (for tests)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._in_flight, timeout)

    def _send_all(self) -> None:
        why = "the sender stopped"
        try:
            why = self._send_until_failing()
        finally:
            # However a sender ends, nothing is left waiting on it.
            self._go_silent(why)

    def _engine_stub(self) -> LogsToEngine:
        """The one connection to the engine, made by the first sender that needs it."""
        with self._cond:
            if self._engine is None:
                address = self._address
                assert address is not None
                self._engine = self._connect(address)
            return self._engine

    def _next(self) -> tuple[str, str] | None:
        """The next row to send and its message (never a row already being sent); ``None``
        once the log is silent."""
        with self._cond:
            self._cond.wait_for(
                lambda: self._silent or any(u not in self._in_flight for u in self._pending)
            )
            if self._silent:
                return None
            urn = next(u for u in self._pending if u not in self._in_flight)
            self._in_flight.add(urn)
            return urn, self._pending.pop(urn)

    def _send_until_failing(self) -> str:
        """Sends messages as they come; returns why it stopped."""
        try:
            engine = self._engine_stub()
        except Exception as error:  # no engine to talk to: progress is simply not shown
            return f"cannot connect to the engine at {self._address}: {error}"
        while (item := self._next()) is not None:
            urn, message = item
            try:
                request = engine_pb2.LogRequest(
                    severity=engine_pb2.INFO, message=message, urn=urn, ephemeral=True
                )
                engine.Log(request, timeout=self._timeout)
                failed: Exception | None = None
            except Exception as error:  # progress must never fail an operation
                failed = error
            with self._cond:
                self._in_flight.discard(urn)
                given_up = self._tally(failed)
                self._cond.notify_all()
            if given_up:
                return f"the engine at {self._address} did not take progress: {failed}"
        return "the log went silent"

    def _tally(self, failed: Exception | None) -> bool:
        """Counts one send, failed or not; whether the engine is now taken to be unreachable.
        The caller holds the lock."""
        self._failures = self._failures + 1 if failed else 0
        return self._failures >= FAILURES_BEFORE_SILENCE

    def _go_silent(self, why: str) -> None:
        logger.debug("progress messages are off: %s", why)
        with self._cond:
            self._silent = True
            self._pending.clear()
            self._cond.notify_all()


class RowProgress:
    """One resource's row: shows a message when it differs from the one before."""

    def __init__(self, log: EngineLog | None, urn: str) -> None:
        self._log = log
        self._urn = urn
        self._last: str | None = None
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        if self._log is None:
            return
        with self._lock:
            if message == self._last:
                return
            self._last = message
        try:
            self._log.post(self._urn, message)
        except Exception:  # progress must never fail an operation (a thread not started, say)
            logger.debug("a progress message was dropped", exc_info=True)

    def diagnose(self, message: str, severity: Severity = "warning") -> None:
        """Says ``message`` in the resource's Diagnostics, where it stays after the run."""
        if self._log is not None:
            self._log.diagnose(self._urn, message, severity)

    def settle(self) -> None:
        """Lets the last message reach the engine before the operation ends (briefly)."""
        if self._log is not None:
            self._log.settle(self._urn, SETTLE_SECONDS)


#: A row that shows nothing: for waits that report to no one.
NO_PROGRESS = RowProgress(None, "")
