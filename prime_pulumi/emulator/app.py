"""The HTTP layer: the app that serves every resource's routes, and the emulator's own.

Everything here is a thin shell around :class:`EmulatorBackend`: endpoints
parse the request, call one backend method and return its model, which is
also the declared response model, so ``/openapi.json`` documents what is
served, error bodies included. Every path is served with and without its
trailing slash (the documented spelling appears in the OpenAPI document).

Each resource's routes, API and control, are documented in its ``routes`` module:
:mod:`prime_pulumi.emulator.pods.routes`,
:mod:`prime_pulumi.emulator.availability.routes` (GPU and disk offers),
:mod:`prime_pulumi.emulator.clusters.routes`,
:mod:`prime_pulumi.emulator.disks.routes` and :mod:`prime_pulumi.emulator.ssh_keys.routes`.
API routes take ``Authorization: Bearer <key>``; each one's name (``list_pods``, ...)
keys its request counts and faults, and comes from its resource's route table
(``ROUTE_NAMES`` lists them all).

Control routes (no authentication; bodies and answers are snake_case JSON, clusters
and offers aside: they are camelCase, as the API serves them). A body that is not
what the route takes is a 422 in FastAPI's validation-error shape,
``{"detail": [{"loc": [...], "msg": str, "type": str}]}`` with ``loc`` naming the
key at fault and ``type`` the kind of problem, and changes nothing. (API routes
answer the document's ``{"errors": [{"param": str, "details": str}]}`` instead: the
control routes are ours, and the type is what tests match on.)

Refused: a missing body where one is needed,
one that is not a JSON object (a list, a string), an unknown key at any depth
(``extra_forbidden``), a value not of its JSON type (no conversion: ``"5"`` or
``true`` for a number, ``2.0`` for a count), a value outside its set or range (a
region, a stock status, a price of 0), a missing required key, and on the routes
noted a cluster's envelope or a fault setting its action ignores. The emulator's
own, beside the resources':

``POST /_emulator/reset``
    Forget pods, history, disks, clusters, fates, faults and request counts, and
    restore the default catalogue of offers; keys and timing stay. Takes no body,
    or ``{}``. Answers ``{"status": "reset"}``.
``GET /_emulator/config``, ``POST /_emulator/config``
    ``{"provision_seconds": float, "delete_seconds": float, "disk_provision_seconds":
    float, "disk_delete_seconds": float}``: read or change the timing.
    ``provision_seconds`` is how long pods created from now on take to become
    ready; ``delete_seconds`` (default 0) is how long pods deleted from now on
    stay listed as DELETING (installation fields frozen) before they are
    terminated: 404, in history with ``terminatedAt`` at the end of that window
    and billed until then. The DELETE itself answers ``{"status": "TERMINATED"}``
    at once, and so does a repeated DELETE during the window (it does not extend
    it); 0 terminates at once. ``disk_provision_seconds`` is how long disks
    created from now on stay PROVISIONING before ACTIVE; ``disk_delete_seconds``
    (default 0) how long disks deleted from now on stay DELETING before they are
    gone. POST takes any key alone (or several; a missing or null key is left
    unchanged, so ``{}`` changes nothing; negative values are a 422). Both answer
    the settings in force, every key.
``POST /_emulator/faults``
    ``{"route": ROUTE_NAME | "*", "action": "status" | "delay" | "drop" | "drop_after",
    "status": int = 503, "retry_after": float | null, "delay": float = 0,
    "detail": str | null, "times": int = 1}``: queue a fault for the next
    ``times`` requests to the route (``"*"``: any API route, never control
    routes); faults are consumed first in, first out. See
    :mod:`prime_pulumi.emulator.fault_injector` for what each action does. A setting
    the action ignores, given other than its default (``status``, ``retry_after``
    or ``detail`` without the ``status`` action, ``delay`` without ``delay``), is
    refused (type ``unused_by_action``), so a fault listed by ``GET`` posts back
    as it is shown, less its ``id``. Answers ``{"id": str}``.
``GET /_emulator/faults``
    The faults still queued: ``{"data": [{..., "id": str, "times": remaining}]}``.
``DELETE /_emulator/faults``
    Drop every queued fault (there is no filter). Takes no body, or ``{}``.
    Answers ``{"cleared": int}``.
``GET /_emulator/requests``
    ``{"counts": {ROUTE_NAME: int, ...}, "total": int}``: API requests received
    per route, faulted and rejected ones included.
"""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from prime_pulumi.emulator.availability import routes as availability
from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.clusters import routes as clusters
from prime_pulumi.emulator.disks import routes as disks
from prime_pulumi.emulator.errors import EmulatorError, RequestInvalidError, ValidationIssue
from prime_pulumi.emulator.fault_injector import FaultInjector
from prime_pulumi.emulator.faults import (
    API_ROUTES,
    Cleared,
    Fault,
    FaultId,
    PendingFaults,
    RequestCounts,
)
from prime_pulumi.emulator.http import API_TAG, CONTROL_PREFIX, CONTROL_TAG, Routes
from prime_pulumi.emulator.pods import routes as pods
from prime_pulumi.emulator.ssh_keys import routes as ssh_keys
from prime_pulumi.emulator.wire import (
    EmulatorSettings,
    EmulatorSettingsUpdate,
    NoBody,
    ResetDone,
    api_name,
)

#: Each resource's routes, added in this order.
_RESOURCES: tuple[Callable[[Routes, EmulatorBackend], None], ...] = (
    pods.add_routes,
    availability.add_routes,
    clusters.add_routes,
    disks.add_routes,
    ssh_keys.add_routes,
)

#: The body of a control route that takes none: absent or ``{}``, anything else a 422.
NoRequestBody = Annotated[NoBody | None, Body()]

_SCHEMA_REF = "#/components/schemas/"


class _EmulatorApp(FastAPI):
    """FastAPI, with the wire models' schemas under their API names: ``Pod``, not ``WirePod``."""

    def openapi(self) -> dict[str, Any]:
        document = super().openapi()
        _use_api_names(document)
        return document


def _use_api_names(document: dict[str, Any]) -> None:
    """Rename each schema component to its API name, and every reference to it (idempotent)."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    renames = {name: api_name(name) for name in schemas if api_name(name) != name}
    if not renames:
        return
    clashes = set(renames.values()) & (schemas.keys() - renames.keys())
    if clashes:
        raise RuntimeError(f"schema names used twice in the OpenAPI document: {sorted(clashes)}")
    # Sorted, as FastAPI sorts them.
    document["components"]["schemas"] = dict(
        sorted((renames.get(name, name), schema) for name, schema in schemas.items())
    )
    _rename_refs(document, {_SCHEMA_REF + old: _SCHEMA_REF + new for old, new in renames.items()})


def _rename_refs(node: Any, refs: Mapping[str, str]) -> None:
    """Replace every ``$ref`` found in ``refs``, anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                node[key] = refs.get(value, value)
            else:
                _rename_refs(value, refs)
    elif isinstance(node, list):
        for item in node:
            _rename_refs(item, refs)


def create_app(backend: EmulatorBackend | None = None) -> FastAPI:
    """Build the emulator's ASGI application around ``backend`` (a fresh one by default).

    The backend is also reachable as ``app.state.backend``.
    """
    backend = backend if backend is not None else EmulatorBackend()
    app = _EmulatorApp(
        title="Prime Intellect API emulator",
        version="1.0.0",
        summary="A local stand-in for the Prime Intellect pods, availability and admin API.",
        redirect_slashes=False,
        openapi_tags=[
            {"name": API_TAG, "description": "The emulated API."},
            {"name": CONTROL_TAG, "description": "Steer the emulator from tests."},
        ],
    )
    app.state.backend = backend
    _add_error_handlers(app)
    routes = Routes(app, backend)
    for add_routes in _RESOURCES:
        add_routes(routes, backend)
    if Counter(routes.served) != Counter(API_ROUTES):
        # The route tables and the routes served disagree: counts and faults would too.
        raise RuntimeError(f"API routes served: {routes.served}; declared: {API_ROUTES}")
    _add_emulator_routes(routes, backend)
    app.add_middleware(FaultInjector, backend=backend, routes=app.router.routes)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EmulatorError)
    async def render(_: Request, error: EmulatorError) -> JSONResponse:
        return JSONResponse(error.body(), error.status_code, error.headers())

    @app.exception_handler(RequestInvalidError)
    async def refused(request: Request, error: RequestInvalidError) -> JSONResponse:
        # The document's shape on API routes; control routes keep FastAPI's, with its types.
        control = request.url.path.startswith(CONTROL_PREFIX)
        return JSONResponse(error.control_body() if control else error.body(), error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return await refused(request, RequestInvalidError.from_errors(error.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400 and not request.url.path.startswith(CONTROL_PREFIX):
            # FastAPI's answer to a body it cannot parse (not JSON, say): the document
            # knows no 400, and its 422 is "invalid request data".
            issue = ValidationIssue(loc=["body"], msg=str(error.detail), type="body_unreadable")
            return await refused(request, RequestInvalidError([issue]))
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette names only the first route on the path; HTTP wants every method.
            headers["Allow"] = ", ".join(_allowed_methods(app.router.routes, request.scope))
        return JSONResponse({"detail": error.detail}, error.status_code, headers)


def _allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route serves on the requested path."""
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, APIRoute) and route.matches(scope)[0] is not Match.NONE:
            methods |= route.methods or set()
    return sorted(methods)


def _add_emulator_routes(routes: Routes, backend: EmulatorBackend) -> None:
    """The control routes of the emulator as a whole: reset, timing, faults and counts."""

    @routes.control("POST", "reset", "reset")
    async def reset(body: NoRequestBody = None) -> ResetDone:
        """Forget all state but keys and timing."""
        backend.reset()
        return ResetDone()

    def settings() -> EmulatorSettings:
        return EmulatorSettings(
            provision_seconds=backend.provision_seconds,
            delete_seconds=backend.delete_seconds,
            disk_provision_seconds=backend.disk_provision_seconds,
            disk_delete_seconds=backend.disk_delete_seconds,
        )

    @routes.control("GET", "config", "get_config")
    async def get_config() -> EmulatorSettings:
        """The current timing."""
        return settings()

    @routes.control("POST", "config", "set_config")
    async def set_config(update: EmulatorSettingsUpdate) -> EmulatorSettings:
        """Change the timing of pods and disks created or deleted from now on; absent keys stay."""
        if update.provision_seconds is not None:
            backend.provision_seconds = update.provision_seconds
        if update.delete_seconds is not None:
            backend.delete_seconds = update.delete_seconds
        if update.disk_provision_seconds is not None:
            backend.disk_provision_seconds = update.disk_provision_seconds
        if update.disk_delete_seconds is not None:
            backend.disk_delete_seconds = update.disk_delete_seconds
        return settings()

    @routes.control("POST", "faults", "add_fault")
    async def add_fault(fault: Fault) -> FaultId:
        """Queue a fault for the next matching API requests."""
        return FaultId(id=backend.add_fault(fault))

    @routes.control("GET", "faults", "list_faults")
    async def list_faults() -> PendingFaults:
        """The faults still queued."""
        return PendingFaults(data=backend.pending_faults())

    @routes.control("DELETE", "faults", "clear_faults")
    async def clear_faults(body: NoRequestBody = None) -> Cleared:
        """Drop every queued fault."""
        return Cleared(cleared=backend.clear_faults())

    @routes.control("GET", "requests", "request_counts")
    async def request_counts() -> RequestCounts:
        """API requests received per route."""
        return backend.request_counts()
