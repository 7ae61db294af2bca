"""The HTTP layer: routes the Prime Intellect API and the control API onto a backend.

Everything here is a thin shell around :class:`EmulatorBackend`: endpoints
parse the request, call one backend method and return its model, which is
also the declared response model, so ``/openapi.json`` documents what is
served, error bodies included. Every path is served with and without its
trailing slash (the documented spelling appears in the OpenAPI document).

API routes (``Authorization: Bearer <key>`` on each; the route names key
request counts and faults):

- ``list_pods``: ``GET /api/v1/pods/?offset=&limit=``
- ``get_pod``: ``GET /api/v1/pods/{pod_id}``
- ``pod_status``: ``GET /api/v1/pods/status/?pod_ids=a&pod_ids=b``
- ``create_pod``: ``POST /api/v1/pods/``
- ``delete_pod``: ``DELETE /api/v1/pods/{pod_id}``
- ``pod_history``: ``GET /api/v1/pods/history?offset=&limit=&sort_by=&sort_order=``
- ``gpu_availability``: ``GET /api/v1/availability/gpus?page=&page_size=&regions=&gpu_type=``
  ``&gpu_count=&socket=&security=&data_center_id=&cloud_id=&disks=`` (``regions`` and
  ``disks`` repeat; a ``regions`` value may also list several, comma-separated). Every
  filter given must match; a value outside its documented set (``regions``, ``socket``,
  ``security``) is a 422, an unknown free-form value (``gpu_type``, ``data_center_id``,
  ``cloud_id``) matches nothing, and ``disks`` keeps offers in the data center of every
  disk named (none, when one is unknown or gone).
- ``multi_node_availability``: ``GET /api/v1/availability/multi-node`` (same parameters)
- ``legacy_availability``: ``GET /api/v1/availability/?gpu_type=&gpu_count=&regions=``
  (single-node offers keyed by GPU type)
- ``get_cluster``: ``GET /api/admin/clusters/{cluster_id}`` (admin key only)
- ``create_disk``: ``POST /api/v1/disks/``
- ``list_disks``: ``GET /api/v1/disks/?offset=&limit=``
- ``get_disk``: ``GET /api/v1/disks/{disk_id}``
- ``update_disk``: ``PATCH /api/v1/disks/{disk_id}`` (``{"name": str}``, nothing else)
- ``delete_disk``: ``DELETE /api/v1/disks/{disk_id}``
- ``disk_availability``: ``GET /api/v1/availability/disks?page=&page_size=&regions=``
  ``&data_center_id=&cloud_id=`` (filters as for GPU offers)

Disks, their lifecycle and the emulator's guesses about attaching them are described
in :mod:`prime_pulumi.emulator.disks`.

Control routes (no authentication; bodies and answers are snake_case JSON, clusters
and offers aside: they are camelCase, as the API serves them). A body that is not
what the route takes is a 422 in the API's validation-error shape,
``{"detail": [{"loc": [...], "msg": str, "type": str}]}`` with ``loc`` naming the
key at fault, and changes nothing. Refused: a missing body where one is needed,
one that is not a JSON object (a list, a string), an unknown key at any depth
(``extra_forbidden``), a value not of its JSON type (no conversion: ``"5"`` or
``true`` for a number, ``2.0`` for a count), a value outside its set or range (a
region, a stock status, a price of 0), a missing required key, and on the routes
noted below a cluster's envelope or a fault setting its action ignores.

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
``POST /_emulator/clusters``
    Store a cluster (camelCase, the admin endpoint's shape; missing fields get
    defaults, so ``{}`` is a cluster of defaults, and an empty or missing ``id``
    gets a fresh one). Answers the cluster. The admin endpoint's envelope,
    ``{"data": cluster, "status": ...}``, is refused (type ``envelope``): post
    the value of ``data``.
``POST /_emulator/offers?multi_node=false``
    Add an offer, in the shape ``/api/v1/availability/gpus`` serves one (every key
    required, ``region`` included); it is served after the others, by
    ``/availability/multi-node`` if ``multi_node``. A ``cloudId`` already offered
    (single- or multi-node) is a 409. Answers the offer.
``PATCH /_emulator/offers/{cloud_id}`` ``{"stockStatus": str, "prices": {"onDemand": float,
"communityPrice": float}}``
    Change an offer's stock and prices: a key given and not null is set, the others
    stay, so ``{}`` changes nothing. Pods already made keep their price. An unknown
    ``cloud_id`` is a 404. Answers the offer.
``POST /_emulator/fates`` ``{"fates": [{"kind": ..., "message": str | null}]}``
    Queue fates for the next pods created, one each, in order (default ``ok``):
    ``ok``, ``install_failure`` (installation ERROR with the message from half
    the provision time, never ready), ``transient_install_failure`` (the
    message shows from 1/2 to 3/4 of it, then the pod becomes ready),
    ``error`` (status ERROR from half of it), ``stuck`` (PROVISIONING forever).
    Answers ``{"queued": int}``, the fates now waiting.
``POST /_emulator/disk-fates`` ``{"fates": [{"kind": "ok" | "error" | "stuck"}]}``
    Queue fates for the next disks created, one each, in order (default ``ok``):
    ``error`` turns ERROR when the disk would become ACTIVE, ``stuck`` stays
    PROVISIONING. Answers ``{"queued": int}``.
``POST /_emulator/faults``
    ``{"route": ROUTE_NAME | "*", "action": "status" | "delay" | "drop" | "drop_after",
    "status": int = 503, "retry_after": float | null, "delay": float = 0,
    "detail": str | null, "times": int = 1}``: queue a fault for the next
    ``times`` requests to the route (``"*"``: any API route, never control
    routes); faults are consumed first in, first out. See
    :mod:`prime_pulumi.emulator.faults` for what each action does. A setting
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
``GET /_emulator/pods``
    ``{"data": [pod, ...]}``: every pod held, active ones in their current state
    and terminated ones, each with ``terminatedAt`` and ``fate``.
``POST /_emulator/pods/{pod_id}/fail``
    ``{"kind": "error" | "install_failure", "message": str | null}``: make an
    active pod fail from now on. Answers the pod as ``/_emulator/pods`` shows it.
``GET /_emulator/disks``
    ``{"data": [disk, ...]}``: every disk held, DELETING ones included and gone
    ones as TERMINATED with ``terminatedAt``, each with its ``fate``.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.defaults import MAX_PAGE_SIZE
from prime_pulumi.emulator.errors import EmulatorError, RequestInvalidError
from prime_pulumi.emulator.faults import FaultInjector
from prime_pulumi.emulator.schemas import (
    AvailabilityPage,
    Cleared,
    DeletedDisk,
    DeletedPod,
    DiskFateQueue,
    DiskList,
    DiskOfferPage,
    EmulatedDisks,
    EmulatedPod,
    EmulatedPods,
    EmulatorSettings,
    EmulatorSettingsUpdate,
    ErrorBody,
    FateQueue,
    Fault,
    FaultId,
    HistoryList,
    HistorySortKey,
    NoBody,
    OfferUpdate,
    PendingFaults,
    PodFailure,
    PodList,
    QueuedFates,
    Region,
    RequestCounts,
    ResetDone,
    Security,
    Socket,
    SortOrder,
    ValidationErrorBody,
    WireCluster,
    WireClusterEnvelope,
    WireCreateDiskRequest,
    WireCreatePodRequest,
    WireDisk,
    WireGPUAvailability,
    WirePod,
    WirePodStatusList,
    WireUpdateDiskRequest,
    api_name,
)

_API_TAG = "Prime Intellect API"
_CONTROL_TAG = "Emulator control"

_ERROR_DESCRIPTIONS = {
    400: (
        "The request was refused (for example, the price exceeds maxPrice, "
        "or a disk is in another data center)."
    ),
    401: "No API key, or an unknown one.",
    402: "Payment required: the wallet is empty.",
    403: "The key lacks the permission this endpoint needs.",
    404: "No such resource (terminated pods and deleted disks count as gone).",
    409: (
        "A conflict with the current state: an offer out of stock, an id already taken, "
        "a disk not ACTIVE, or a disk still attached to a pod."
    ),
    422: "The request does not match the schema.",
    429: "Rate limited; may carry Retry-After.",
    503: "The service is unavailable; retry later.",
}


#: The fixed routes under ``/api/v1/pods/``, whose names are never pod ids.
_FIXED_POD_PATHS = frozenset({"status", "history"})


class _PodIdRoute(APIRoute):
    """A route on ``/api/v1/pods/{pod_id}`` whose ``pod_id`` is never a fixed route's name.

    So ``DELETE /api/v1/pods/status/`` is a 405 (the path is ``pod_status``'s), not a
    search for a pod named "status".
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.NONE and child_scope["path_params"]["pod_id"] in _FIXED_POD_PATHS:
            return Match.NONE, {}
        return match, child_scope


#: A pod id, as the OpenAPI document states it: never one of the fixed routes' names.
# Only documented (pydantic's regex engine has no lookahead); _PodIdRoute enforces it.
PodId = Annotated[str, Path(json_schema_extra={"pattern": r"^(?!(?:status|history)$)[^/]+$"})]
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]


def _split_commas(values: Any) -> Any:
    """``regions=a,b`` as ``regions=a&regions=b``.

    The official SDK splits such values itself before it sends them; the emulator
    takes them too, so a query written by hand works either way.
    """
    if isinstance(values, list):
        return [part.strip() for value in values for part in str(value).split(",") if part.strip()]
    return values


GpuType = Annotated[str | None, Query()]
GpuCount = Annotated[int | None, Query(ge=1)]
# The documented sets, so an unknown region, socket or tier is a 422 naming it, as
# the API's own (FastAPI) validation of an enum parameter would answer.
Regions = Annotated[list[Region] | None, BeforeValidator(_split_commas), Query()]
SocketFilter = Annotated[Socket | None, Query()]
SecurityFilter = Annotated[Security | None, Query()]
DataCenterId = Annotated[str | None, Query()]
CloudId = Annotated[str | None, Query()]
Disks = Annotated[list[str] | None, Query()]
Page = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
#: The body of a control route that takes none: absent or ``{}``, anything else a 422.
NoRequestBody = Annotated[NoBody | None, Body()]
# Not auto_error: the backend decides between "Not authenticated" and "Invalid API key".
Credentials = Annotated[
    HTTPAuthorizationCredentials | None,
    Depends(
        HTTPBearer(
            auto_error=False,
            scheme_name="APIKey",
            description="An API key: `Authorization: Bearer <key>`.",
        )
    ),
]


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
            {"name": _API_TAG, "description": "The emulated API."},
            {"name": _CONTROL_TAG, "description": "Steer the emulator from tests."},
        ],
    )
    app.state.backend = backend
    _add_error_handlers(app)
    _add_api_routes(app, backend)
    _add_control_routes(app, backend)
    app.add_middleware(FaultInjector, backend=backend, routes=app.router.routes)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EmulatorError)
    async def render(_: Request, error: EmulatorError) -> JSONResponse:
        return JSONResponse(error.body(), error.status_code, error.headers())

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return await render(request, RequestInvalidError.from_errors(error.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
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


def _route(
    app: FastAPI,
    method: str,
    path: str,
    name: str,
    *,
    tag: str = _API_TAG,
    errors: Sequence[int] = (),
    dependencies: Sequence[Any] = (),
    route_class: type[APIRoute] = APIRoute,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an endpoint under ``path`` and its twin with/without the trailing slash."""
    twin = path.removesuffix("/") if path.endswith("/") else f"{path}/"
    responses: dict[int | str, dict[str, Any]] = {
        code: {
            "model": ValidationErrorBody if code == 422 else ErrorBody,
            "description": _ERROR_DESCRIPTIONS[code],
        }
        for code in errors
    }

    def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        for route_path, documented in ((path, True), (twin, False)):
            # The router's own method: FastAPI.add_api_route takes no route class.
            app.router.add_api_route(
                route_path,
                endpoint,
                methods=[method],
                name=name,
                operation_id=name if documented else None,
                include_in_schema=documented,
                tags=[tag],
                responses=responses,
                dependencies=list(dependencies),
                route_class_override=route_class,
            )
        return endpoint

    return register


def _add_api_routes(app: FastAPI, backend: EmulatorBackend) -> None:
    # async: FastAPI would run plain functions in a thread pool, for a set lookup.
    async def user(credentials: Credentials) -> None:
        backend.authenticate(credentials.credentials if credentials else None)

    async def admin(credentials: Credentials) -> None:
        backend.authenticate(credentials.credentials if credentials else None, admin=True)

    def api(
        method: str,
        path: str,
        name: str,
        *errors: int,
        auth: Callable[..., Any] = user,
        route_class: type[APIRoute] = APIRoute,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register an API route; every one can answer 401, 422, 429 and 503."""
        common = (401, 422, 429, 503)
        return _route(
            app,
            method,
            path,
            name,
            errors=(*errors, *common),
            dependencies=[Depends(auth)],
            route_class=route_class,
        )

    # Fixed paths first: /pods/status and /pods/history must not be taken for pod ids.
    @api("GET", "/api/v1/pods/status/", "pod_status")
    async def pod_status(pod_ids: Annotated[list[str] | None, Query()] = None) -> WirePodStatusList:
        """The status of each pod asked for; unknown ids are absent."""
        return backend.pod_statuses(pod_ids or [])

    @api("GET", "/api/v1/pods/history", "pod_history")
    async def pod_history(
        offset: Offset = 0,
        limit: Limit = 100,
        sort_by: HistorySortKey = "terminatedAt",
        sort_order: SortOrder = "desc",
    ) -> HistoryList:
        """Terminated pods."""
        return backend.pod_history(offset, limit, sort_by, sort_order)

    @api("GET", "/api/v1/pods/", "list_pods")
    async def list_pods(offset: Offset = 0, limit: Limit = 100) -> PodList:
        """Active pods, oldest first."""
        return backend.list_pods(offset, limit)

    @api("POST", "/api/v1/pods/", "create_pod", 400, 402, 404, 409)
    async def create_pod(request: WireCreatePodRequest) -> WirePod:
        """Create a pod; it starts PROVISIONING. An offer out of stock is a 409 (our guess).

        Its ``disks`` are mounted at /workspace. Our guesses: an unknown disk is a 404,
        one not ACTIVE a 409, one in another data center a 400.
        """
        return backend.create_pod(request)

    @api("GET", "/api/v1/pods/{pod_id}", "get_pod", 404, route_class=_PodIdRoute)
    async def get_pod(pod_id: PodId) -> WirePod:
        """One active pod."""
        return backend.get_pod(pod_id)

    @api("DELETE", "/api/v1/pods/{pod_id}", "delete_pod", 404, route_class=_PodIdRoute)
    async def delete_pod(pod_id: PodId) -> DeletedPod:
        """Terminate a pod; it moves to history (after a DELETING window, if configured).

        A repeated DELETE while the pod is DELETING answers the same.
        """
        return backend.delete_pod(pod_id)

    def availability(multi_node: bool, doc: str) -> Callable[..., Any]:
        async def offers(
            *,
            page: Page = 1,
            page_size: PageSize = MAX_PAGE_SIZE,
            regions: Regions = None,
            gpu_type: GpuType = None,
            gpu_count: GpuCount = None,
            socket: SocketFilter = None,
            security: SecurityFilter = None,
            data_center_id: DataCenterId = None,
            cloud_id: CloudId = None,
            disks: Disks = None,
        ) -> AvailabilityPage:
            return backend.availability(
                multi_node=multi_node,
                gpu_type=gpu_type,
                gpu_count=gpu_count,
                socket=socket,
                security=security,
                regions=regions or (),
                data_center_id=data_center_id,
                cloud_id=cloud_id,
                disks=disks or (),
                page=page,
                page_size=page_size,
            )

        offers.__doc__ = doc
        return offers

    api("GET", "/api/v1/availability/gpus", "gpu_availability")(
        availability(False, "Single-node offers.")
    )
    api("GET", "/api/v1/availability/multi-node", "multi_node_availability")(
        availability(True, "Offers that span several nodes.")
    )

    @api("GET", "/api/v1/availability/", "legacy_availability")
    async def legacy_availability(
        gpu_type: GpuType = None, gpu_count: GpuCount = None, regions: Regions = None
    ) -> dict[str, list[WireGPUAvailability]]:
        """Single-node offers keyed by GPU type (the older shape)."""
        return backend.legacy_availability(
            gpu_type=gpu_type, gpu_count=gpu_count, regions=regions or ()
        )

    @api("GET", "/api/admin/clusters/{cluster_id}", "get_cluster", 403, 404, auth=admin)
    async def get_cluster(cluster_id: str) -> WireClusterEnvelope:
        """Full details of one cluster: columns, nodes and SSH keys."""
        return backend.get_cluster(cluster_id)

    @api("GET", "/api/v1/disks/", "list_disks")
    async def list_disks(offset: Offset = 0, limit: Limit = 100) -> DiskList:
        """Disks, oldest first, DELETING ones included."""
        return backend.list_disks(offset, limit)

    @api("POST", "/api/v1/disks/", "create_disk", 400, 409)
    async def create_disk(request: WireCreateDiskRequest) -> WireDisk:
        """Create a disk where its provider's matching disk offer is; it starts PROVISIONING.

        Our guesses: no matching offer, or a size outside its range, is a 400; an offer
        out of stock a 409.
        """
        return backend.create_disk(request)

    @api("GET", "/api/v1/disks/{disk_id}", "get_disk", 404)
    async def get_disk(disk_id: str) -> WireDisk:
        """One disk; 404 once it is gone."""
        return backend.get_disk(disk_id)

    # 400: FastAPI's answer to a body it cannot parse (not UTF-8), as on every route with one.
    @api("PATCH", "/api/v1/disks/{disk_id}", "update_disk", 400, 404)
    async def update_disk(disk_id: str, change: WireUpdateDiskRequest) -> WireDisk:
        """Rename a disk: the name is all that can change."""
        return backend.update_disk(disk_id, change)

    @api("DELETE", "/api/v1/disks/{disk_id}", "delete_disk", 404, 409)
    async def delete_disk(disk_id: str) -> DeletedDisk:
        """Delete a disk: DELETING (for the disk delete time), then gone.

        A disk attached to a pod that is not terminated is a 409 (our guess).
        """
        return backend.delete_disk(disk_id)

    @api("GET", "/api/v1/availability/disks", "disk_availability")
    async def disk_availability(
        page: Page = 1,
        page_size: PageSize = MAX_PAGE_SIZE,
        regions: Regions = None,
        data_center_id: DataCenterId = None,
        cloud_id: CloudId = None,
    ) -> DiskOfferPage:
        """Disk offers; ``pricePerUnit`` is USD per GB-hour."""
        return backend.disk_availability(
            regions=regions or (),
            data_center_id=data_center_id,
            cloud_id=cloud_id,
            page=page,
            page_size=page_size,
        )


def _add_control_routes(app: FastAPI, backend: EmulatorBackend) -> None:
    def control(
        method: str, path: str, name: str, *errors: int
    ) -> Callable[[Callable[..., Any]], Any]:
        return _route(
            app, method, f"/_emulator/{path}", f"emulator_{name}", tag=_CONTROL_TAG, errors=errors
        )

    @control("POST", "reset", "reset")
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

    @control("GET", "config", "get_config")
    async def get_config() -> EmulatorSettings:
        """The current timing."""
        return settings()

    @control("POST", "config", "set_config")
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

    @control("POST", "clusters", "add_cluster")
    async def add_cluster(cluster: WireCluster) -> WireCluster:
        """Store a cluster for the admin endpoint."""
        return backend.add_cluster(cluster)

    @control("POST", "offers", "add_offer", 409, 422)
    async def add_offer(
        offer: WireGPUAvailability, multi_node: Annotated[bool, Query()] = False
    ) -> WireGPUAvailability:
        """Add an offer (multi-node ones with ``?multi_node=true``)."""
        return backend.add_offer(offer, multi_node=multi_node)

    @control("PATCH", "offers/{cloud_id}", "update_offer", 404, 422)
    async def update_offer(cloud_id: str, change: OfferUpdate) -> WireGPUAvailability:
        """Change an offer's stock and prices."""
        return backend.update_offer(cloud_id, change)

    @control("POST", "fates", "queue_fates")
    async def queue_fates(queue: FateQueue) -> QueuedFates:
        """Queue fates for the next pods created."""
        return QueuedFates(queued=backend.queue_fates(queue.fates))

    @control("POST", "disk-fates", "queue_disk_fates")
    async def queue_disk_fates(queue: DiskFateQueue) -> QueuedFates:
        """Queue fates for the next disks created."""
        return QueuedFates(queued=backend.queue_disk_fates(queue.fates))

    @control("POST", "faults", "add_fault")
    async def add_fault(fault: Fault) -> FaultId:
        """Queue a fault for the next matching API requests."""
        return FaultId(id=backend.add_fault(fault))

    @control("GET", "faults", "list_faults")
    async def list_faults() -> PendingFaults:
        """The faults still queued."""
        return PendingFaults(data=backend.pending_faults())

    @control("DELETE", "faults", "clear_faults")
    async def clear_faults(body: NoRequestBody = None) -> Cleared:
        """Drop every queued fault."""
        return Cleared(cleared=backend.clear_faults())

    @control("GET", "requests", "request_counts")
    async def request_counts() -> RequestCounts:
        """API requests received per route."""
        return backend.request_counts()

    @control("GET", "pods", "all_pods")
    async def all_pods() -> EmulatedPods:
        """Every pod held, active and terminated."""
        return EmulatedPods(data=backend.all_pods())

    @control("POST", "pods/{pod_id}/fail", "fail_pod")
    async def fail_pod(pod_id: str, failure: PodFailure) -> EmulatedPod:
        """Make an active pod fail from now on."""
        return backend.fail_pod(pod_id, failure)

    @control("GET", "disks", "all_disks")
    async def all_disks() -> EmulatedDisks:
        """Every disk held, gone ones included."""
        return EmulatedDisks(data=backend.all_disks())
