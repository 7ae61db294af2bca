"""The client's errors: HTTP and transport only, in one tree rooted in :class:`PrimeError`.

::

    PrimeError
    ├── ConfigurationError            no API key, a malformed base URL or setting
    ├── APIConnectionError            no HTTP answer: refused, dropped, reset
    │   └── APITimeoutError           no answer within the timeout
    ├── CreateOutcomeUnknownError     a create was sent and its outcome is unknown
    ├── APIResponseValidationError    an answer whose shape we cannot read
    └── APIStatusError                an HTTP error status, with the server's detail
        ├── BadRequestError             400
        ├── AuthenticationError         401
        ├── PaymentRequiredError        402 (wallet empty)
        ├── PermissionDeniedError       403
        ├── NotFoundError               404
        ├── ConflictError               409
        ├── UnprocessableEntityError    422 (validation)
        ├── RateLimitError              429, with ``retry_after``
        └── InternalServerError         5xx

Raw ``httpx`` exceptions never leave the client: each is replaced by one of
these, whose message says what the transport reported. Each error is built once, with its final
message, and the API key is taken out before it is built. Context (the pod an API
error concerns) comes as a wrapping error raised ``from`` its cause: the
provider's errors about one resource (``PodError``, ``DiskError``) extend this
tree in :mod:`prime_pulumi.core.errors` and each kind's ``errors`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx


class PrimeError(Exception):
    """Base class of every error raised by prime-pulumi."""


#: What a create makes, as its noun (``"pod"``): the ``resource`` of a
#: :class:`CreateOutcomeUnknownError`.
CreatedResource = str


class ConfigurationError(PrimeError):
    """The client cannot be configured: no API key, or a malformed base URL."""


class APIConnectionError(PrimeError):
    """The request got no HTTP answer (connection refused, dropped or reset).

    ``request_sent`` says whether the request may have reached the server: when
    it is false (the connection was never made) the call certainly had no effect.
    """

    def __init__(self, message: str, *, method: str, path: str, request_sent: bool) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The server did not answer within the client's timeout."""


class CreateOutcomeUnknownError(PrimeError):
    """A create request may have reached the server, but no clear answer came back.

    The client never posts it again and never looks for what it made: whoever owns
    the name decides (the provider looks it up by name, with its own checks).
    ``resource`` says what was being created (``"pod"`` or ``"disk"``) and ``name``
    its name, if it had one (``pod_name=`` is the pods' older spelling of ``name=``;
    as an attribute it is ``name`` for a pod and ``None`` for anything else).
    ``request_sent`` is false only when the request certainly never left.
    """

    def __init__(
        self,
        message: str,
        *,
        request_sent: bool,
        pod_name: str | None = None,
        name: str | None = None,
        resource: CreatedResource = "pod",
    ) -> None:
        super().__init__(message)
        self.resource: CreatedResource = resource
        self.name = name if name is not None else pod_name
        self.request_sent = request_sent

    @property
    def pod_name(self) -> str | None:
        """The name of the pod whose create was lost (``None`` if it was not a pod)."""
        return self.name if self.resource == "pod" else None


class APIResponseValidationError(PrimeError):
    """The server answered with a body whose shape the client cannot read."""


class APIStatusError(PrimeError):
    """The server answered with an HTTP error status.

    ``detail`` is the server's explanation (the ``detail`` text, a validation
    list flattened to ``field: message`` items, or the ``errors`` list).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        path: str,
        detail: str,
        attempt: int = 1,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.method = method
        self.path = path
        self.detail = detail
        #: Which attempt of the call got this answer (1 for the first).
        self.attempt = attempt


class BadRequestError(APIStatusError):
    """400: the request was malformed or not acceptable."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or not valid."""


class PaymentRequiredError(APIStatusError):
    """402: the wallet has no funds for this."""


class PermissionDeniedError(APIStatusError):
    """403: the API key lacks the permission (for example admin, or write)."""


class NotFoundError(APIStatusError):
    """404: no such pod, disk, cluster or path."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the body failed the server's validation."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's wait hint in seconds."""

    def __init__(self, message: str, *, retry_after: float | None, **status: Any) -> None:
        super().__init__(message, **status)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the server failed; the call may succeed later."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_HINTS: dict[type[APIStatusError], str] = {
    AuthenticationError: "check the API key",
    PaymentRequiredError: "add funds to the wallet of the account or team",
    PermissionDeniedError: "the API key lacks the permission this call needs",
    RateLimitError: "the API is rate limiting; try again later",
    InternalServerError: "the service failed; try again later",
}


def error_detail(body: Any) -> str:
    """Flattens an error body (``detail`` string or list, or ``errors`` list) to one line."""
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list):
            return "; ".join(_validation_item(item) for item in detail)
        errors = body.get("errors")
        if isinstance(errors, list):
            return "; ".join(
                f"{e.get('param')}: {e.get('details')}" if isinstance(e, dict) else str(e)
                for e in errors
            )
        if detail is not None:
            return str(detail)
    return ""


def _validation_item(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    loc = [str(part) for part in item.get("loc", []) if part not in ("body",)]
    where = ".".join(loc)
    msg = str(item.get("msg", "invalid"))
    return f"{where}: {msg}" if where else msg


def parse_retry_after(value: str | None) -> float | None:
    """Reads a ``Retry-After`` header given in seconds; an HTTP date or junk gives ``None``."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def error_class_for(status_code: int) -> type[APIStatusError]:
    """Maps an HTTP status to its exception class."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


Redact = Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


def status_error(
    response: httpx.Response,
    *,
    method: str,
    path: str,
    attempt: int = 1,
    redact: Redact = _unchanged,
) -> APIStatusError:
    """Builds the exception for an HTTP error response, ``redact`` applied to what it quotes."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    detail = redact(error_detail(body) or response.reason_phrase or "no detail given")
    cls = error_class_for(response.status_code)
    message = f"{method} {path} failed with HTTP {response.status_code}: {detail}"
    hint = _HINTS.get(cls)
    if hint:
        message = f"{message} ({hint})"
    fields: dict[str, Any] = {
        "status_code": response.status_code,
        "method": method,
        "path": path,
        "detail": detail,
        "attempt": attempt,
    }
    if cls is RateLimitError:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimitError(message, retry_after=retry_after, **fields)
    return cls(message, **fields)


def connection_error(
    exc: httpx.TransportError, *, method: str, path: str, redact: Redact = _unchanged
) -> APIConnectionError:
    """Wraps a transport error; says whether the request may have reached the server."""
    # A connect failure (refused, unresolvable, connect timeout) happens before a
    # single byte of the request is sent; anything later leaves the outcome unknown.
    sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"{method} {path} timed out ({kind}); the service did not answer in time",
            method=method,
            path=path,
            request_sent=sent,
        )
    reason = redact(f"{kind}: {exc}")
    return APIConnectionError(
        f"{method} {path} got no answer ({reason}); check the base URL and the network",
        method=method,
        path=path,
        request_sent=sent,
    )


def _shown_as_public() -> None:
    """Names each error ``prime_pulumi.<Name>`` in tracebacks and the CLI: where users import it."""
    for value in list(globals().values()):
        if isinstance(value, type) and issubclass(value, PrimeError):
            value.__module__ = "prime_pulumi"


_shown_as_public()
