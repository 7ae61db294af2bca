"""The error tree: restating an error keeps what callers catch and read."""

from __future__ import annotations

from prime_pulumi.client import NotFoundError, RateLimitError


def test_restated_keeps_class_status_and_detail() -> None:
    error = RateLimitError(
        "GET /x failed", status_code=429, method="GET", path="/x", detail="slow", retry_after=3.0
    )
    error.attempt = 2
    again = error.restated("Pod 'a': GET /x failed")
    assert type(again) is RateLimitError
    assert str(again) == "Pod 'a': GET /x failed"
    assert (again.status_code, again.detail, again.retry_after, again.attempt) == (
        429,
        "slow",
        3.0,
        2,
    )
    assert str(error) == "GET /x failed"


def test_restated_not_found_is_still_not_found() -> None:
    error = NotFoundError("nope", status_code=404, method="GET", path="/p", detail="gone")
    assert isinstance(error.restated("adopt_pod_id 'p': no such pod"), NotFoundError)
