"""Run the emulator on loopback in a background thread, for tests and scripts.

::

    with EmulatorServer() as server:
        httpx.get(f"{server.base_url}/api/v1/pods/",
                  headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})
        server.backend.queue_fates(["install_failure"])
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn
from fastapi import FastAPI
from uvicorn.config import LOGGING_CONFIG

from prime_pulumi.emulator.app import create_app
from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.defaults import (
    LISTEN_BACKLOG,
    SERVER_START_TIMEOUT,
    SERVER_STOP_TIMEOUT,
)
from prime_pulumi.emulator.fault_injector import quiet_dropped_connections


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind a listening TCP socket; port 0 picks a free one (read it from ``getsockname``).

    Binding here rather than in uvicorn means the port is known before the
    server starts, with no window in which another process could take it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only then,
    # and without it every response waits ~40 ms on Nagle and delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # Listening at once means clients that connect before uvicorn is up wait in the
        # backlog instead of being refused: the CLI prints its URL before serving.
        sock.listen(LISTEN_BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: FastAPI, *, log_level: str, log_config: bool) -> uvicorn.Config:
    """The uvicorn settings the emulator runs with, in a thread or from the command line.

    Without ``log_config`` uvicorn leaves the process's logging alone, which is
    what a test run wants; its loggers then propagate to the root logger.
    """
    config = uvicorn.Config(
        app,
        log_level=log_level,
        log_config=LOGGING_CONFIG if log_config else None,
        access_log=log_level in ("debug", "trace", "info"),
        lifespan="off",
        ws="none",
        # A delayed request must not hold shutdown hostage.
        timeout_graceful_shutdown=SERVER_STOP_TIMEOUT,
    )
    quiet_dropped_connections()
    return config


class EmulatorServer:
    """The emulator served by uvicorn on a loopback port, in a daemon thread.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.

    Args:
        backend: the state to serve; a fresh :class:`EmulatorBackend` by default.
        host: the address to listen on.
        port: the port; 0 picks a free one.
        log_level: uvicorn's log level; ``warning`` keeps tests quiet.
    """

    def __init__(
        self,
        backend: EmulatorBackend | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.backend = backend if backend is not None else EmulatorBackend()
        self.app = create_app(self.backend)
        self._host = host
        self._port = port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on (known once started)."""
        if self._server is None:
            raise RuntimeError("the emulator server is not running; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT``, without ``/api/v1``: what the official SDK wants as base URL."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def start(self) -> Self:
        """Start serving and return once connections are accepted."""
        if self._server is not None:
            raise RuntimeError("the emulator server is already running")
        sock = bind_socket(self._host, self._port)
        self._port = sock.getsockname()[1]
        config = uvicorn_config(self.app, log_level=self._log_level, log_config=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="prime-emulator", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._server = self._thread = None
                sock.close()
                raise RuntimeError(f"the emulator server did not start on {self._host}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end; does nothing if not running."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(SERVER_STOP_TIMEOUT + 1)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
