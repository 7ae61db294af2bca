"""A stand-in for the Pulumi engine's own gRPC server, where providers send their log.

The engine starts a provider with its address as the first argument; a
provider reports progress with ``Engine.Log``. This server records every
``LogRequest`` it gets, so a test sees exactly what the CLI would display.
"""

from __future__ import annotations

import socket
import threading
from concurrent import futures
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc


@dataclass(frozen=True)
class LogEntry:
    """One ``Engine.Log`` call as the engine got it."""

    urn: str
    message: str
    ephemeral: bool
    severity: int

    @property
    def pod_log(self) -> bool:
        """Whether it is a failed pod's log line, kept in the pod's Diagnostics."""
        return not self.ephemeral and self.message.startswith("pod log: ")


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """Serves ``pulumirpc.Engine`` on loopback and records the log; use it as a context manager."""

    def __init__(self, *, stalled: bool = False) -> None:
        #: A stalled engine takes each call and never answers: progress must not wait on it.
        self.stalled = stalled
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._entries: list[LogEntry] = []
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        engine_pb2_grpc.add_EngineServicer_to_server(self, self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        #: What the engine passes to the provider process as its first argument.
        self.address = f"127.0.0.1:{port}"

    def __enter__(self) -> FakeEngine:
        self._server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._released.set()
        self._server.stop(grace=None)

    def Log(self, request: engine_pb2.LogRequest, context: Any) -> empty_pb2.Empty:
        entry = LogEntry(request.urn, request.message, request.ephemeral, request.severity)
        with self._lock:
            self._entries.append(entry)
        if self.stalled:
            self._released.wait()
        return empty_pb2.Empty()

    def entries(self, urn: str | None = None) -> list[LogEntry]:
        """What was logged so far, in order; only for ``urn`` when given."""
        with self._lock:
            return [e for e in self._entries if urn is None or e.urn == urn]

    def messages(self, urn: str) -> list[str]:
        """The messages logged for ``urn``, in order."""
        return [e.message for e in self.entries(urn)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def unused_address() -> str:
    """A loopback address where nothing listens: an engine that cannot be reached."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"127.0.0.1:{port}"
