"""Progress in each resource's own row of the CLI, sent to the engine's ``Log``.

Native providers report where a resource is with ``Engine.Log`` messages marked
``ephemeral`` and carrying the resource's URN: the CLI shows each in that
resource's row while it works, and leaves it out of the final Diagnostics.

Progress never slows, blocks or fails an operation. A row sends a message only
when it changes; one background thread sends them, and only the latest message
of each row waits; an engine that cannot be reached ends the sending for the
process. No engine address (a test, an old SDK) or no URN means no messages.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

logger = logging.getLogger("prime_pulumi.progress")

#: How long one message may take to reach the engine.
SEND_TIMEOUT_SECONDS = 5.0
#: How long an operation's end may wait for its last message to be sent.
SETTLE_SECONDS = 0.5
#: Failed sends in a row after which the engine is taken to be unreachable.
FAILURES_BEFORE_SILENCE = 3


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
    ) -> None:
        self._address = address
        self._connect = connect
        self._timeout = timeout
        self._cond = threading.Condition()
        self._pending: dict[str, str] = {}  # the latest unsent message of each row
        self._in_flight: str | None = None  # the row whose message is being sent
        self._thread: threading.Thread | None = None
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
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._send_all, name="prime-engine-log", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def settle(self, urn: str, timeout: float) -> bool:
        """Waits, at most ``timeout``, until the row ``urn`` has nothing left to send.

        An operation's last message must reach the engine before the operation
        ends, or the CLI may close the row without it.
        """
        with self._cond:
            return self._cond.wait_for(
                lambda: urn not in self._pending and self._in_flight != urn, timeout
            )

    def flush(self, timeout: float) -> bool:
        """Waits until every queued message is sent or dropped (for tests)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._pending and self._in_flight is None, timeout
            )

    def _send_all(self) -> None:
        why = "the sender stopped"
        try:
            why = self._send_until_failing()
        finally:
            # However the sender ends, nothing is left waiting on it.
            self._go_silent(why)

    def _send_until_failing(self) -> str:
        """Sends messages as they come; returns why it stopped."""
        address = self._address
        assert address is not None
        try:
            engine = self._connect(address)
        except Exception as error:  # no engine to talk to: progress is simply not shown
            return f"cannot connect to the engine at {address}: {error}"
        failures = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._pending))
                urn = next(iter(self._pending))
                message = self._pending.pop(urn)
                self._in_flight = urn
            try:
                request = engine_pb2.LogRequest(
                    severity=engine_pb2.INFO, message=message, urn=urn, ephemeral=True
                )
                engine.Log(request, timeout=self._timeout)
                failures = 0
            except Exception as error:  # progress must never fail an operation
                failures += 1
                if failures >= FAILURES_BEFORE_SILENCE:
                    return f"the engine at {address} did not take progress: {error}"
            finally:
                with self._cond:
                    self._in_flight = None
                    self._cond.notify_all()

    def _go_silent(self, why: str) -> None:
        logger.debug("progress messages are off: %s", why)
        with self._cond:
            self._silent = True
            self._pending.clear()
            self._in_flight = None
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

    def settle(self) -> None:
        """Lets the last message reach the engine before the operation ends (briefly)."""
        if self._log is not None:
            self._log.settle(self._urn, SETTLE_SECONDS)


#: A row that shows nothing: for waits that report to no one.
NO_PROGRESS = RowProgress(None, "")
