"""ASGI middleware that counts API requests and inflicts the faults tests queue.

The faults, the queue and the route names they are keyed by are in
:mod:`prime_pulumi.emulator.faults`; this is what each action does to the connection.

It wraps the whole application, outside FastAPI's routing and error handling,
because two of its actions need the raw ASGI channel:

``status``
    Answers with the fault's status and ``{"detail": ...}`` (plus
    ``Retry-After`` when asked); the endpoint never runs.
``delay``
    Reads the request body, sleeps, then lets the endpoint run normally. The
    body is read first so the request is processed even if the client gave up
    (timed out) meanwhile: a slow success, as a real overloaded server gives.
``drop``
    The endpoint never runs. The server starts a response (a 503 head) whose
    ``Content-Length`` promises a body, sends none of it and closes the
    connection. No complete HTTP response reaches the client; httpx raises
    ``httpx.RemoteProtocolError`` ("peer closed connection without sending
    complete message body").
``drop_after``
    The endpoint runs (a pod *is* created), its response is thrown away and the
    connection is dropped as for ``drop``, with the real status in the head.

Dropping works by raising :class:`ConnectionDropped` once the response has
started: every ASGI server must then close the connection, since the promised
body can never come. :func:`quiet_dropped_connections` keeps uvicorn from
logging those deliberate drops as application errors.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import NoReturn

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.errors import ConnectionDropped, InjectedFaultError
from prime_pulumi.emulator.faults import ROUTE_NAMES

# The promised body length of a dropped response; any positive number will do.
_PROMISED_LENGTH = b"64"


class FaultInjector:
    """Counts every request to a named API route, then applies its fault, if one is queued."""

    def __init__(self, app: ASGIApp, backend: EmulatorBackend, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.backend = backend
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route_name(scope)
        fault = self.backend.intercept(route) if route is not None else None
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.action == "status":
            error = InjectedFaultError(fault.status, fault.detail, fault.retry_after)
            response = JSONResponse(error.body(), error.status_code, error.headers())
            await response(scope, receive, send)
        elif fault.action == "delay":
            receive = await _buffered(receive)
            await asyncio.sleep(fault.delay)
            await self.app(scope, receive, send)
        elif fault.action == "drop":
            # Read the body first: closing before it has arrived makes the kernel answer
            # its late bytes with a reset, and the client sees ECONNRESET, not a drop.
            await _buffered(receive)
            await _drop(send, 503)
        else:
            await _drop(send, await _run_discarding_response(self.app, scope, receive))

    def _route_name(self, scope: Scope) -> str | None:
        """The API route a request is for, or None (control routes, unknown paths)."""
        if scope["type"] != "http":
            return None
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                name = getattr(route, "name", None)
                return name if name in ROUTE_NAMES else None
        return None


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now and replay it to the endpoint later."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks)}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


async def _run_discarding_response(app: ASGIApp, scope: Scope, receive: Receive) -> int:
    """Process the request fully and return the status of the response it would have had."""
    status = 500

    async def discard(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, discard)
    return status


async def _drop(send: Send, status: int) -> NoReturn:
    """Start a response that promises a body, then abandon it so the server drops the line."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", _PROMISED_LENGTH),
            ],
        }
    )
    raise ConnectionDropped(f"connection dropped on purpose after a {status} head")


class _HideDeliberateDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


_DROP_FILTER = _HideDeliberateDrops()


def quiet_dropped_connections() -> None:
    """Keep uvicorn from logging deliberately dropped connections as errors (idempotent)."""
    logger = logging.getLogger("uvicorn.error")
    if _DROP_FILTER not in logger.filters:
        logger.addFilter(_DROP_FILTER)
