"""The errors of prime-pulumi: one tree, rooted in :class:`PrimeError`.

::

    PrimeError
    ├── ConfigurationError            no API key, a malformed base URL
    ├── APIConnectionError            no HTTP answer: refused, dropped, reset
    │   └── APITimeoutError           no answer within the timeout
    ├── CreateOutcomeUnknownError     a create was sent, its outcome is unknown,
    │                                 and no pod of that name could be found
    ├── APIResponseValidationError    an answer whose shape we cannot read
    ├── PodProvisioningError          a pod never became ready; it was deleted
    ├── PodCleanupError               a pod could not be deleted: it may still bill
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

Raw ``httpx`` exceptions never leave the client: each is wrapped in one of these,
with the original kept as ``__cause__``. No message ever holds the API key.
"""

from __future__ import annotations

from typing import Any, Self

import httpx


class PrimeError(Exception):
    """Base class of every error raised by prime-pulumi."""


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
    """A create request was sent but its answer was lost, and no pod of its name was found.

    The pod may still appear. Nothing was posted a second time, so at most one
    pod can result; running the same create again (the provider adopts a pod of
    the same name) settles it.
    """

    def __init__(self, message: str, *, pod_name: str | None) -> None:
        super().__init__(message)
        self.pod_name = pod_name


class APIResponseValidationError(PrimeError):
    """The server answered with a body whose shape the client cannot read."""


class PodProvisioningError(PrimeError):
    """A pod did not become ready (ERROR, an installation failure, the deadline).

    By the time this is raised the pod has been deleted, so it does not bill.
    """

    def __init__(self, message: str, *, pod_id: str, pod_name: str | None, state: str) -> None:
        super().__init__(message)
        self.pod_id = pod_id
        self.pod_name = pod_name
        self.state = state


class PodCleanupError(PrimeError):
    """A pod could not be deleted, or did not go away in time: it may still bill.

    The message names the pod id, so it can be deleted by hand
    (``prime pods terminate <id>``, or the web console).
    """

    def __init__(self, message: str, *, pod_id: str) -> None:
        super().__init__(message)
        self.pod_id = pod_id


class APIStatusError(PrimeError):
    """The server answered with an HTTP error status.

    ``detail`` is the server's explanation (the ``detail`` text, a validation
    list flattened to ``field: message`` items, or the ``errors`` list).
    """

    status_code: int
    #: Which attempt of the call got this answer (1 for the first).
    attempt: int = 1

    def __init__(
        self, message: str, *, status_code: int, method: str, path: str, detail: str
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.method = method
        self.path = path
        self.detail = detail

    def restated(self, message: str) -> Self:
        """The same error (class, status, detail) with a message that says more."""
        # Not copy.copy: it would call __init__ without the keyword-only fields.
        restated = type(self).__new__(type(self), message)
        restated.__dict__.update(self.__dict__)
        restated.args = (message,)
        return restated


class BadRequestError(APIStatusError):
    """400: the request was malformed or not acceptable."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or not valid."""


class PaymentRequiredError(APIStatusError):
    """402: the wallet has no funds for this."""


class PermissionDeniedError(APIStatusError):
    """403: the API key lacks the permission (for example admin, or write)."""


class NotFoundError(APIStatusError):
    """404: no such pod, cluster or path."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the body failed the server's validation."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's wait hint in seconds."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        path: str,
        detail: str,
        retry_after: float | None,
    ) -> None:
        super().__init__(message, status_code=status_code, method=method, path=path, detail=detail)
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


def status_error(response: httpx.Response, *, method: str, path: str) -> APIStatusError:
    """Builds the exception for an HTTP error response."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    detail = error_detail(body) or response.reason_phrase or "no detail given"
    cls = error_class_for(response.status_code)
    message = f"{method} {path} failed with HTTP {response.status_code}: {detail}"
    hint = _HINTS.get(cls)
    if hint:
        message = f"{message} ({hint})"
    if cls is RateLimitError:
        return RateLimitError(
            message,
            status_code=response.status_code,
            method=method,
            path=path,
            detail=detail,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    return cls(message, status_code=response.status_code, method=method, path=path, detail=detail)


def connection_error(exc: httpx.TransportError, *, method: str, path: str) -> APIConnectionError:
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
    return APIConnectionError(
        f"{method} {path} got no answer ({kind}: {exc}); check the base URL and the network",
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
