"""The client over an injected transport: retries, waits, errors and the create guarantee."""

from __future__ import annotations

import json

import httpx
import pytest

from prime_pulumi import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CreateOutcomeUnknownError,
    CreatePodRequest,
    InternalServerError,
    NotFoundError,
    PodSpec,
    PrimeError,
    ProviderSpec,
    RateLimitError,
    UnprocessableEntityError,
)
from prime_pulumi.client import APIStatusError
from prime_pulumi.client._constants import (
    BACKOFF_MAX_SECONDS,
    MAX_ATTEMPTS,
    RETRY_AFTER_MAX_SECONDS,
)
from tests.unit.support import (
    KEY,
    LOST_CREATE_IDS,
    LOST_CREATES,
    STATUS_ERRORS,
    FakeTime,
    Handler,
    make_client,
)


def pod_json(
    pod_id: str, name: str = "p", created: str = "2026-11-23T00:00:00Z"
) -> dict[str, object]:
    return {
        "id": pod_id,
        "name": name,
        "gpuName": "H100_80GB",
        "gpuCount": 1,
        "status": "PROVISIONING",
        "createdAt": created,
        "providerType": "runpod",
        "sshConnection": None,
        "ip": None,
    }


def a_request(name: str | None = "trainer-1") -> CreatePodRequest:
    return CreatePodRequest(
        pod=PodSpec(name=name, cloud_id="c1", gpu_type="H100_80GB", socket="SXM5", gpu_count=1),
        provider=ProviderSpec(type="runpod"),
    )


def test_requests_carry_the_bearer_key_and_reach_the_documented_paths() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=pod_json("abc"))

    with make_client(handler) as client:
        pod = client.get_pod("abc")
    assert pod.id == "abc"
    assert seen[0].headers["Authorization"] == f"Bearer {KEY}"
    assert seen[0].url == "http://prime.test/api/v1/pods/abc"


def test_ids_cannot_escape_their_path_segment() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(404, json={"detail": "nope"})

    with make_client(handler) as client, pytest.raises(NotFoundError):
        client.get_pod("../admin/clusters/x")
    assert seen == ["/api/v1/pods/..%2Fadmin%2Fclusters%2Fx"]


def test_list_pods_follows_offset_pagination_to_the_end() -> None:
    offsets: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        offsets.append(offset)
        data = [pod_json(f"p{i}") for i in range(offset, min(offset + limit, 5))]
        return httpx.Response(
            200, json={"total_count": 5, "offset": offset, "limit": limit, "data": data}
        )

    with make_client(handler) as client:
        pods = client.list_pods(page_size=2)
    assert [p.id for p in pods] == ["p0", "p1", "p2", "p3", "p4"]
    assert offsets == [0, 2, 4]


def test_status_sends_pod_ids_repeated_in_batches() -> None:
    queries: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        ids = request.url.params.get_list("pod_ids")
        queries.append(ids)
        return httpx.Response(
            200,
            json={"data": [{"podId": i, "status": "ACTIVE", "providerType": "x"} for i in ids]},
        )

    with make_client(handler) as client:
        statuses = client.get_pod_statuses([f"id{i}" for i in range(150)] + ["id0"])
    assert [len(q) for q in queries] == [100, 50]
    assert len(statuses) == 150


@pytest.mark.parametrize(("status", "cls"), STATUS_ERRORS)
def test_each_status_maps_to_its_error_with_the_server_detail(
    status: int, cls: type[APIStatusError]
) -> None:
    with make_client(lambda r: httpx.Response(status, json={"detail": "why it failed"})) as c:
        with pytest.raises(cls) as info:
            c.get_pod("x")
    assert type(info.value) is cls
    assert info.value.status_code == status
    assert "why it failed" in str(info.value)
    assert "GET /api/v1/pods/x" in str(info.value)


def test_validation_list_and_errors_list_are_flattened() -> None:
    detail = [{"loc": ["body", "pod", "gpuCount"], "msg": "must be >= 1", "type": "x"}]
    with make_client(lambda r: httpx.Response(422, json={"detail": detail})) as client:
        with pytest.raises(UnprocessableEntityError, match=r"pod\.gpuCount: must be >= 1"):
            client.create_pod(a_request())
    errors = {"errors": [{"param": "cloudId", "details": "unknown offer"}]}
    with make_client(lambda r: httpx.Response(400, json=errors)) as client:
        with pytest.raises(BadRequestError, match="cloudId: unknown offer"):
            client.create_pod(a_request())


def test_get_retries_429_honouring_retry_after_then_succeeds() -> None:
    fake = FakeTime()
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "slow down"}),
            httpx.Response(503, json={"detail": "busy"}),
            httpx.Response(200, json=pod_json("ok")),
        ]
    )
    with make_client(lambda r: next(answers), fake) as client:
        assert client.get_pod("ok").id == "ok"
    assert fake.waits[0] == 7.0
    assert 1.0 <= fake.waits[1] <= 1.5  # second backoff step, with at most 0.5 s jitter


def test_retry_after_is_capped() -> None:
    fake = FakeTime()
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "3600"}),
            httpx.Response(200, json=pod_json("a")),
        ]
    )
    with make_client(lambda r: next(answers), fake, retry_budget=10_000) as client:
        client.get_pod("a")
    assert fake.waits == [RETRY_AFTER_MAX_SECONDS]


def test_retry_after_beyond_the_budget_gives_up_at_once() -> None:
    fake = FakeTime()
    with (
        make_client(
            lambda r: httpx.Response(429, headers={"Retry-After": "50"}), fake, retry_budget=20
        ) as client,
        pytest.raises(RateLimitError) as info,
    ):
        client.get_pod("a")
    assert fake.waits == []
    assert info.value.retry_after == 50


def test_backoff_grows_to_its_cap_and_stops_after_the_attempts() -> None:
    fake = FakeTime()
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(500, json={"detail": "boom"})

    with make_client(handler, fake, retry_budget=10_000) as client:
        with pytest.raises(InternalServerError, match="boom"):
            client.list_pods()
    assert calls == MAX_ATTEMPTS
    assert fake.waits == sorted(fake.waits)
    assert all(w <= BACKOFF_MAX_SECONDS + 0.5 for w in fake.waits)


def test_time_budget_bounds_the_retries() -> None:
    fake = FakeTime()
    with (
        make_client(
            lambda r: httpx.Response(503), fake, retry_budget=2.0, max_attempts=100
        ) as client,
        pytest.raises(InternalServerError),
    ):
        client.get_pod("x")
    assert sum(fake.waits) <= 2.0


def test_transport_errors_are_wrapped_and_retried_for_gets() -> None:
    fake = FakeTime()
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ReadTimeout("slow", request=request)
        if calls == 2:
            raise httpx.RemoteProtocolError("dropped", request=request)
        return httpx.Response(200, json=pod_json("x"))

    with make_client(handler, fake) as client:
        assert client.get_pod("x").id == "x"
    assert calls == 3


def test_raw_httpx_errors_never_escape() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with make_client(handler, max_attempts=2) as client:
        with pytest.raises(APIConnectionError) as info:
            client.get_pod("x")
    assert not info.value.request_sent
    assert not isinstance(info.value, httpx.HTTPError)
    assert info.value.__cause__ is None or not isinstance(info.value.__cause__, httpx.HTTPError)


def test_create_is_retried_when_the_server_rejected_it_before_acting() -> None:
    posts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal posts
        posts += 1
        if posts == 1:
            raise httpx.ConnectError("refused", request=request)
        if posts == 2:
            return httpx.Response(429, headers={"Retry-After": "1"})
        return httpx.Response(200, json=pod_json("new", "trainer-1"))

    with make_client(handler) as client:
        assert client.create_pod(a_request()).id == "new"
    assert posts == 3


@pytest.mark.parametrize("failure", LOST_CREATES, ids=LOST_CREATE_IDS)
def test_create_of_unknown_outcome_is_never_posted_twice_and_never_adopted(
    failure: Handler,
) -> None:
    posts = 0
    lookups = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal posts, lookups
        if request.method == "POST":
            posts += 1
            return failure(request)
        lookups += 1
        data = [pod_json("other", "trainer-1")]
        return httpx.Response(200, json={"total_count": 1, "offset": 0, "limit": 100, "data": data})

    with make_client(handler) as client, pytest.raises(CreateOutcomeUnknownError) as info:
        client.create_pod(a_request())
    # A pod of that name may be someone else's: only the owner of the name may adopt it.
    assert (posts, lookups) == (1, 0)
    assert info.value.pod_name == "trainer-1"
    assert info.value.request_sent is True
    assert "trainer-1" in str(info.value)
    assert isinstance(info.value.__cause__, PrimeError)


def test_unnamed_create_of_unknown_outcome_raises() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with make_client(handler) as client, pytest.raises(CreateOutcomeUnknownError) as info:
        client.create_pod(a_request(name=None))
    assert info.value.pod_name is None


def test_client_team_id_is_added_to_a_create_without_team() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=pod_json("x"))

    with make_client(handler, team_id="team-9") as client:
        client.create_pod(a_request())
    assert bodies[0]["team"] == {"teamId": "team-9"}


def test_delete_of_a_gone_pod() -> None:
    with make_client(lambda r: httpx.Response(404, json={"detail": "gone"})) as client:
        with pytest.raises(NotFoundError):
            client.delete_pod("x")
        assert client.delete_pod("x", missing_ok=True) is False


def test_delete_whose_first_answer_was_lost_counts_as_deleted() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(404, json={"detail": "Pod x not found"})

    with make_client(handler) as client:
        assert client.delete_pod("x") is True


def test_answers_of_the_wrong_shape_are_a_typed_error_without_the_body() -> None:
    body = {"id": None, "jupyterPassword": "hunter2", "status": "ACTIVE"}
    with make_client(lambda r: httpx.Response(200, json=body)) as client:
        with pytest.raises(APIResponseValidationError) as info:
            client.get_pod("x")
    assert "hunter2" not in str(info.value)
    with make_client(lambda r: httpx.Response(200, text="<html>")) as client:
        with pytest.raises(APIResponseValidationError, match="not JSON"):
            client.get_pod("x")


def test_the_key_is_redacted_even_when_the_server_echoes_it() -> None:
    echo = {"detail": f"key {KEY} is not valid"}
    with make_client(lambda r: httpx.Response(401, json=echo)) as client:
        with pytest.raises(AuthenticationError) as info:
            client.get_pod("x")
    assert KEY not in str(info.value)
    assert KEY not in info.value.detail
    assert KEY not in repr(info.value)


@pytest.mark.parametrize(
    "raise_", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.WriteError]
)
def test_no_transport_error_message_carries_the_key(raise_: type[httpx.TransportError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise raise_(f"failure with {request.headers['Authorization']}", request=request)

    with make_client(handler, max_attempts=1) as client, pytest.raises(PrimeError) as info:
        client.get_pod("x")
    assert isinstance(info.value, APIConnectionError)
    assert isinstance(info.value, APITimeoutError) is (raise_ is httpx.ReadTimeout)
    assert KEY not in str(info.value)


def test_a_server_that_repeats_its_page_ends_the_walk() -> None:
    """A total that promises more while every page repeats the first must not loop forever."""
    requests = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        data = [pod_json("a", "one"), pod_json("b", "two")]
        return httpx.Response(
            200, json={"total_count": 10**9, "offset": 0, "limit": 2, "data": data}
        )

    with make_client(handler) as client:
        assert [pod.id for pod in client.list_pods(page_size=2)] == ["a", "b"]
    assert requests == 2


KEY_LINE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGqCGnqUqJ4n+4Fq2nq3YVQ3Pl9xFf2GmA7+Ir4Q0x0M ci"


@pytest.mark.parametrize(
    ("count", "cap"),
    [(None, 100), (0, 100), (None, 50)],
    ids=["left out", "zero", "left out, a smaller page than asked"],
)
def test_a_list_whose_total_count_cannot_be_believed_is_read_to_its_last_short_page(
    count: int | None, cap: int
) -> None:
    # The document defaults total_count to 0: an API that leaves it out must not hide the
    # account's 101st key, or a create would upload it again and a refresh would drop it.
    offsets: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = min(int(request.url.params["limit"]), cap)
        offsets.append(offset)
        keys = [
            {
                "id": f"k{i}",
                "userId": "u",
                "name": f"key-{i}",
                "publicKey": KEY_LINE,
                "isPrimary": False,
                "isUserKey": True,
            }
            for i in range(offset, min(offset + limit, 101))
        ]
        body: dict[str, object] = {"offset": offset, "limit": limit, "data": keys}
        if count is not None:
            body["total_count"] = count
        return httpx.Response(200, json=body)

    with make_client(handler) as client:
        found = client.find_ssh_keys_by_name("key-100")
    assert [key.id for key in found] == ["k100"]
    assert offsets == list(range(0, 101, cap))
