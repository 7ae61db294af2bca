"""The error tree: each error is built once, whole, and context wraps it without changing it."""

from __future__ import annotations

import httpx
import pytest

from prime_pulumi.client import (
    APIStatusError,
    CreateOutcomeUnknownError,
    PrimeError,
    RateLimitError,
)
from prime_pulumi.client._exceptions import connection_error, status_error
from prime_pulumi.pod.errors import PodError, PodNameTakenError


def test_an_http_error_is_built_whole_with_its_attempt_and_wait() -> None:
    response = httpx.Response(
        429, json={"detail": "slow down, pk-secret"}, headers={"Retry-After": "3"}
    )
    error = status_error(
        response,
        method="GET",
        path="/x",
        attempt=2,
        redact=lambda text: text.replace("pk-secret", "****"),
    )
    assert type(error) is RateLimitError
    assert (error.status_code, error.retry_after, error.attempt) == (429, 3.0, 2)
    assert error.detail == "slow down, ****"
    assert "pk-secret" not in str(error)


def test_a_transport_error_is_redacted_as_it_is_built() -> None:
    request = httpx.Request("GET", "http://x/")
    error = connection_error(
        httpx.ConnectError("refused by pk-secret", request=request),
        method="GET",
        path="/x",
        redact=lambda text: text.replace("pk-secret", "****"),
    )
    assert "pk-secret" not in str(error)
    assert error.request_sent is False


def test_context_wraps_an_error_and_keeps_it_as_the_cause() -> None:
    cause = APIStatusError("GET /x failed", status_code=500, method="GET", path="/x", detail="d")

    def read_pod() -> None:
        try:
            raise cause
        except PrimeError as error:
            raise PodError(f"Pod 'a': {error}", pod_name="a", pod_id=None) from error

    with pytest.raises(PodError) as info:
        read_pod()
    assert str(info.value) == "Pod 'a': GET /x failed"
    assert info.value.__cause__ is cause
    assert str(cause) == "GET /x failed", "the cause is left as it was"


def test_pod_errors_and_unknown_creates_are_ours() -> None:
    taken = PodNameTakenError("Pod 'a': taken", pod_name="a", pod_id="theirs")
    assert isinstance(taken, PodError) and isinstance(taken, PrimeError)
    lost = CreateOutcomeUnknownError("lost", pod_name="a", request_sent=True)
    assert lost.request_sent is True
    assert type(taken).__module__ == "prime_pulumi", "shown where users import it"
