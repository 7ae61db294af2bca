"""The errors the emulator answers with, and their bodies; each error renders its own.

::

    EmulatorError              {"detail": str} with any status
    ├── NotAuthenticatedError  401 {"detail": "Not authenticated"}: no bearer key
    ├── InvalidApiKeyError     401 {"detail": "Invalid API key"}: an unknown key
    ├── ForbiddenError         403: a normal key on an admin endpoint
    ├── UnknownResourceError   404: unknown or terminated pod or disk, unknown cluster or offer
    ├── RequestRefusedError    400: a request the API refuses (price above ``maxPrice``,
    │                          a disk in another data center)
    ├── ConflictError          409: an offer out of stock, an offer id already taken,
    │                          a disk not ACTIVE or still attached
    ├── RequestInvalidError    422: API routes {"errors": [{"param": str, "details": str}]}
    │                          (the document's ErrorResponse); control routes
    │                          {"detail": [{"loc": [...], "msg": str, "type": str}]}
    └── InjectedFaultError     a fault's status, optionally with ``Retry-After``

    ConnectionDropped          not an answer: raised to make the server drop the connection

Nothing here imports FastAPI: the backend raises these errors, and the HTTP
layer only turns them into responses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, PrivateAttr


class ErrorBody(BaseModel):
    """The API's usual error body."""

    detail: str


class ValidationIssue(BaseModel):
    """One problem with a request, as FastAPI reports it."""

    loc: list[str | int]
    msg: str
    type: str
    #: The value refused, when it is a plain one: the API route's ``details`` quote it.
    _given: str | int | float | bool | None = PrivateAttr(default=None)

    def details(self) -> str:
        """The message, and the value refused when there is a plain one to show."""
        if self._given is None:
            return self.msg
        return f"{self.msg} (got {self._given!r})"

    def param(self) -> str:
        """The request part at fault, as the API's ``ErrorDetail.param`` names it (a guess).

        The document does not say what ``param`` holds; we name the body key or
        query parameter without its source: ``pod.image``, ``regions[1]``,
        ``limit``; ``body`` when the body as a whole is at fault.
        """
        source, *path = self.loc
        if not path:
            return str(source)
        name = str(path[0])
        for part in path[1:]:
            name += f"[{part}]" if isinstance(part, int) else f".{part}"
        return name


class ValidationErrorBody(BaseModel):
    """The control routes' 422 body: FastAPI's, with the issue's type."""

    detail: list[ValidationIssue]


class ErrorDetail(BaseModel):
    """One problem with an API request, as the API's document shapes it."""

    param: str
    details: str


class ErrorResponse(BaseModel):
    """The API's 422 body (the document's ``ErrorResponse``)."""

    errors: list[ErrorDetail]


class EmulatorError(Exception):
    """An answer other than success: a status, a JSON body and maybe headers."""

    status_code: int = 500

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        return ErrorBody(detail=self.detail).model_dump()

    def headers(self) -> dict[str, str]:
        """Extra response headers."""
        return {}


class NotAuthenticatedError(EmulatorError):
    """The request carried no bearer key."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("Not authenticated")

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class InvalidApiKeyError(EmulatorError):
    """The request carried a key the emulator does not accept."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("Invalid API key")

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class ForbiddenError(EmulatorError):
    """The key is valid but lacks the permission the endpoint needs."""

    status_code = 403


class UnknownResourceError(EmulatorError):
    """The resource does not exist (or no longer does)."""

    status_code = 404


class RequestRefusedError(EmulatorError):
    """The API understood the request and refuses it."""

    status_code = 400


class ConflictError(EmulatorError):
    """The request clashes with what the emulator holds: an offer out of stock, say."""

    status_code = 409


class RequestInvalidError(EmulatorError):
    """The request does not match the API's schema: 422.

    An API route answers the document's ``{"errors": [{"param", "details"}]}``
    (:meth:`body`); a control route (``/_emulator``) FastAPI's ``{"detail": [{"loc",
    "msg", "type"}]}`` (:meth:`control_body`), whose ``type`` tests match on.
    """

    status_code = 422

    def __init__(self, issues: Iterable[ValidationIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(f"{issue.loc}: {issue.msg}" for issue in self.issues))

    @classmethod
    def from_errors(cls, errors: Iterable[Mapping[str, Any]]) -> RequestInvalidError:
        """Keep what the API documents of pydantic's errors: location, message and type."""
        issues = []
        for error in errors:
            issue = ValidationIssue(
                loc=list(error["loc"]), msg=str(error["msg"]), type=str(error["type"])
            )
            given = error.get("input")
            if isinstance(given, str | int | float | bool) and error["type"] != "missing":
                issue._given = given
            issues.append(issue)
        return cls(issues)

    def body(self) -> dict[str, Any]:
        errors = [
            ErrorDetail(param=issue.param(), details=issue.details()) for issue in self.issues
        ]
        return ErrorResponse(errors=errors).model_dump()

    def control_body(self) -> dict[str, Any]:
        """The body a control route answers: FastAPI's validation errors."""
        return ValidationErrorBody(detail=self.issues).model_dump()


class InjectedFaultError(EmulatorError):
    """An answer a test asked for with a ``status`` fault, such as 429 or 503."""

    def __init__(self, status_code: int, detail: str | None, retry_after: float | None) -> None:
        super().__init__(detail or _phrase(status_code))
        self.status_code = status_code
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        # "g" renders 2.0 as "2", so whole seconds stay valid HTTP delta-seconds.
        return {"Retry-After": format(self.retry_after, "g")}


class ConnectionDropped(Exception):  # noqa: N818 - it is an event, not an error of the caller
    """Raised inside the server to abandon a response half-sent, so the connection drops."""


def _phrase(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:  # a status HTTP does not name, such as 599
        return f"Injected fault {status_code}"


def pod_not_found(pod_id: str) -> UnknownResourceError:
    """The API's answer for a pod that does not exist or was terminated."""
    return UnknownResourceError(f"Pod {pod_id} not found")


def disk_not_found(disk_id: str) -> UnknownResourceError:
    """The answer for a disk that does not exist or is gone."""
    return UnknownResourceError(f"Disk {disk_id} not found")
