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


def test_a_pod_s_and_a_disk_s_errors_share_one_base_that_names_kind_name_and_id() -> None:
    import prime_pulumi

    pod = prime_pulumi.PodNameTakenError("taken", pod_name="trainer", pod_id="p1")
    disk = prime_pulumi.DiskCleanupError("stuck", disk_id="d1", disk_name="data")
    assert isinstance(pod, prime_pulumi.ResourceError)
    assert isinstance(disk, prime_pulumi.ResourceError)
    assert (pod.kind, pod.name, pod.id, pod.pod_name, pod.pod_id) == (
        "pod",
        "trainer",
        "p1",
        "trainer",
        "p1",
    )
    assert (disk.kind, disk.name, disk.id, disk.disk_name, disk.disk_id) == (
        "disk",
        "data",
        "d1",
        "data",
        "d1",
    )
    # Shown in the CLI as prime_pulumi.<Name>, where users import them.
    assert type(pod).__module__ == type(disk).__module__ == "prime_pulumi"


def test_the_client_exports_only_http_and_transport_errors() -> None:
    import prime_pulumi.client as client

    provider_errors = {
        "PodError",
        "PodProvisioningError",
        "PodCleanupError",
        "PodNameTakenError",
        "NoOfferError",
        "DiskError",
        "DiskProvisioningError",
        "DiskCleanupError",
        "UnexpectedError",
        "ResourceError",
    }
    assert not provider_errors & set(client.__all__)
    assert not [name for name in provider_errors if hasattr(client, name)]
