"""What every resource's routes share: how a route is registered, authenticated and documented.

Each resource's ``routes`` module adds its routes through a :class:`Routes`: an API
route by its member of the resource's route table (so its name, which keys request
counts and faults, comes from the table), a control route by its path and name.
Every path is served with and without its trailing slash (the documented spelling
appears in the OpenAPI document); every API route takes ``Authorization: Bearer
<key>`` and documents the errors it can answer.
"""

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.defaults import MAX_PAGE_SIZE
from prime_pulumi.emulator.errors import ErrorBody, ErrorResponse, ValidationErrorBody
from prime_pulumi.emulator.wire import ApiRoute, HttpMethod

API_TAG = "Prime Intellect API"
#: Where the control routes live: no key, no faults, no counts, FastAPI's 422 body.
CONTROL_PREFIX = "/_emulator/"
CONTROL_TAG = "Emulator control"

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

#: What every API route can answer besides its own errors.
_COMMON_API_ERRORS = (401, 422, 429, 503)

Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]

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

Endpoint = Callable[..., Any]


class Routes:
    """Adds routes to ``app``, API routes guarded by ``backend``'s keys; remembers the API ones."""

    def __init__(self, app: FastAPI, backend: EmulatorBackend) -> None:
        self._app = app
        #: The API routes added so far, in order.
        self.served: list[ApiRoute] = []

        # async: FastAPI would run plain functions in a thread pool, for a set lookup.
        async def user(credentials: Credentials) -> None:
            backend.authenticate(credentials.credentials if credentials else None)

        async def admin(credentials: Credentials) -> None:
            backend.authenticate(credentials.credentials if credentials else None, admin=True)

        self._user, self._admin = user, admin

    def api(
        self,
        route: ApiRoute,
        *errors: int,
        admin: bool = False,
        route_class: type[APIRoute] = APIRoute,
    ) -> Callable[[Endpoint], Endpoint]:
        """Serve an API route of a resource's table; it can also answer 401, 422, 429 and 503."""
        self.served.append(route)
        return self._route(
            route.method,
            route.path,
            route.name,
            tag=API_TAG,
            errors=(*errors, *_COMMON_API_ERRORS),
            invalid_body=ErrorResponse,
            dependencies=[Depends(self._admin if admin else self._user)],
            route_class=route_class,
        )

    def control(
        self, method: HttpMethod, path: str, name: str, *errors: int
    ) -> Callable[[Endpoint], Endpoint]:
        """Serve ``/_emulator/{path}``, named ``emulator_{name}``: no key, no faults, no counts."""
        return self._route(
            method, f"{CONTROL_PREFIX}{path}", f"emulator_{name}", tag=CONTROL_TAG, errors=errors
        )

    def _route(
        self,
        method: str,
        path: str,
        name: str,
        *,
        tag: str,
        errors: Sequence[int],
        invalid_body: type[BaseModel] = ValidationErrorBody,
        dependencies: Sequence[Any] = (),
        route_class: type[APIRoute] = APIRoute,
    ) -> Callable[[Endpoint], Endpoint]:
        """Register an endpoint under ``path`` and its twin with/without the trailing slash."""
        twin = path.removesuffix("/") if path.endswith("/") else f"{path}/"
        responses: dict[int | str, dict[str, Any]] = {
            code: {
                "model": invalid_body if code == 422 else ErrorBody,
                "description": _ERROR_DESCRIPTIONS[code],
            }
            for code in errors
        }

        def register(endpoint: Endpoint) -> Endpoint:
            for route_path, documented in ((path, True), (twin, False)):
                # The router's own method: FastAPI.add_api_route takes no route class.
                self._app.router.add_api_route(
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
