"""The disk calls over an injected transport: requests, pages, errors, retries, the create rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from prime_pulumi.client import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    CreateDiskRequest,
    CreateOutcomeUnknownError,
    DiskSpec,
    InternalServerError,
    NotFoundError,
    PrimeClient,
    PrimeError,
    ProviderSpec,
    RateLimitError,
    TeamSpec,
    UnprocessableEntityError,
)
from prime_pulumi.client._constants import MAX_ATTEMPTS
from tests.unit.support import (
    KEY,
    LOST_CREATE_IDS,
    LOST_CREATES,
    STATUS_ERRORS,
    FakeTime,
    Handler,
    make_client,
)


def disk_json(
    disk_id: str,
    name: str = "data",
    created: str = "2026-11-23T00:00:00Z",
    status: str = "ACTIVE",
) -> dict[str, object]:
    return {
        "id": disk_id,
        "name": name,
        "status": status,
        "createdAt": created,
        "providerType": "runpod",
        "size": 500,
        "priceHr": 0.05,
        "pods": [],
        "clusters": [],
    }


def disk_page(data: list[dict[str, object]], total: int | None = None) -> dict[str, object]:
    total = len(data) if total is None else total
    return {"total_count": total, "offset": 0, "limit": 100, "data": data}


def offer_json(data_center: str, cloud_id: str | None = None) -> dict[str, object]:
    return {
        "cloudId": cloud_id,
        "provider": "runpod",
        "dataCenter": data_center,
        "country": "US",
        "region": "united_states",
        "spec": {"minCount": 10, "maxCount": 2000, "step": 10, "pricePerUnit": 0.00011},
        "stockStatus": "Available",
        "security": "secure_cloud",
        "isMultinode": True,
    }


def a_disk_request(name: str | None = "checkpoints", **disk: object) -> CreateDiskRequest:
    spec = {"size": 500, "name": name, "data_center_id": "US-CA-1", "country": "US"} | disk
    return CreateDiskRequest(
        disk=DiskSpec.model_validate(spec), provider=ProviderSpec(type="runpod")
    )


class Recorder:
    """A handler that answers from a list and records each request it was sent."""

    def __init__(self, *answers: httpx.Response | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer if isinstance(answer, httpx.Response) else answer(request)

    @property
    def first(self) -> httpx.Request:
        return self.requests[0]

    def body(self, index: int = 0) -> Any:
        return json.loads(self.requests[index].content)


# ---------------------------------------------------------------- each call's request


def test_get_disk_reaches_its_path_with_the_bearer_key() -> None:
    seen = Recorder(httpx.Response(200, json=disk_json("d1")))
    with make_client(seen) as client:
        disk = client.get_disk("d1")
    assert (disk.id, disk.name, disk.status, disk.size) == ("d1", "data", "ACTIVE", 500)
    assert seen.first.method == "GET"
    assert seen.first.url == "http://prime.test/api/v1/disks/d1"
    assert seen.first.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_disk("../pods/x"),
        lambda c: c.rename_disk("../pods/x", "n"),
        lambda c: c.delete_disk("../pods/x"),
    ],
    ids=["get", "rename", "delete"],
)
def test_disk_ids_cannot_escape_their_path_segment(call: Callable[[PrimeClient], object]) -> None:
    seen = Recorder(httpx.Response(404, json={"detail": "nope"}))
    with make_client(seen) as client, pytest.raises(NotFoundError):
        call(client)
    assert [r.url.raw_path.decode() for r in seen.requests] == ["/api/v1/disks/..%2Fpods%2Fx"]


def test_list_disks_follows_offset_pagination_past_one_page() -> None:
    queries: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("GET", "/api/v1/disks/")
        queries.append(dict(request.url.params))
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        data = [disk_json(f"d{i}") for i in range(offset, min(offset + limit, 5))]
        return httpx.Response(200, json=disk_page(data, total=5))

    with make_client(handler) as client:
        disks = client.list_disks(page_size=2)
        assert [d.id for d in disks] == ["d0", "d1", "d2", "d3", "d4"]
        assert queries == [
            {"offset": "0", "limit": "2"},
            {"offset": "2", "limit": "2"},
            {"offset": "4", "limit": "2"},
        ]
        queries.clear()
        client.list_disks()
    assert queries == [{"offset": "0", "limit": "100"}]


def test_an_empty_page_ends_the_disk_list_even_if_more_were_promised() -> None:
    pages = Recorder(
        httpx.Response(200, json=disk_page([disk_json("d0")], total=9)),
        httpx.Response(200, json=disk_page([], total=9)),
    )
    with make_client(pages) as client:
        assert [d.id for d in client.list_disks(page_size=1)] == ["d0"]
    assert len(pages.requests) == 2


def test_find_disks_by_name_walks_every_page_and_sorts_oldest_first() -> None:
    disks = [
        disk_json("new", "ckpt", "2026-11-23T02:00:00Z"),
        disk_json("other", "not-it", "2026-11-23T00:00:00Z"),
        disk_json("old", "ckpt", "2026-11-23T01:00:00Z"),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json=disk_page(disks[offset : offset + 1], total=3))

    with make_client(handler) as client:
        found = [d.id for d in client.find_disks_by_name("ckpt")]
    assert found == ["old", "new"]


def test_create_disk_posts_the_documented_body_and_reads_the_disk() -> None:
    seen = Recorder(httpx.Response(200, json=disk_json("d1", "checkpoints", status="PROVISIONING")))
    with make_client(seen) as client:
        disk = client.create_disk(a_disk_request(cloud_id="disk-offer-1"))
    assert (disk.id, disk.status) == ("d1", "PROVISIONING")
    assert (seen.first.method, seen.first.url.path) == ("POST", "/api/v1/disks/")
    assert seen.body() == {
        "disk": {
            "size": 500,
            "name": "checkpoints",
            "country": "US",
            "cloudId": "disk-offer-1",
            "dataCenterId": "US-CA-1",
        },
        "provider": {"type": "runpod"},
    }


def test_create_disk_names_the_clients_team_unless_the_request_names_one() -> None:
    seen = Recorder(httpx.Response(200, json=disk_json("d1")))
    with make_client(seen, team_id="team-9") as client:
        client.create_disk(a_disk_request())
        named = a_disk_request().model_copy(update={"team": TeamSpec(team_id="team-1")})
        client.create_disk(named)
    assert [seen.body(i)["team"] for i in (0, 1)] == [{"teamId": "team-9"}, {"teamId": "team-1"}]


def test_rename_disk_patches_only_the_name() -> None:
    seen = Recorder(httpx.Response(200, json=disk_json("d1", "renamed")))
    with make_client(seen) as client:
        disk = client.rename_disk("d1", "renamed")
    assert disk.name == "renamed"
    assert (seen.first.method, seen.first.url.path) == ("PATCH", "/api/v1/disks/d1")
    assert seen.body() == {"name": "renamed"}


def test_delete_disk_sends_delete_and_reports_it_done() -> None:
    seen = Recorder(httpx.Response(200, json={"status": "DELETING"}))
    with make_client(seen) as client:
        assert client.delete_disk("d1") is True
    assert (seen.first.method, seen.first.url.path) == ("DELETE", "/api/v1/disks/d1")
    assert seen.first.content == b""


def test_delete_of_a_gone_disk() -> None:
    with make_client(lambda r: httpx.Response(404, json={"detail": "gone"})) as client:
        with pytest.raises(NotFoundError, match="DELETE /api/v1/disks/d1"):
            client.delete_disk("d1")
        assert client.delete_disk("d1", missing_ok=True) is False


@pytest.mark.parametrize(
    "first",
    [
        lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)),
        lambda r: httpx.Response(503, json={"detail": "busy"}),
    ],
    ids=["timeout", "503"],
)
def test_a_disk_delete_answered_404_on_a_retry_counts_as_deleted(first: Handler) -> None:
    seen = Recorder(first, httpx.Response(404, json={"detail": "Disk d1 not found"}))
    with make_client(seen) as client:
        assert client.delete_disk("d1") is True
    assert len(seen.requests) == 2


def test_list_disk_availability_sends_every_filter_and_walks_every_page() -> None:
    queries: list[httpx.QueryParams] = []
    offers = [offer_json(f"dc-{i}") for i in range(5)]

    def handler(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("GET", "/api/v1/availability/disks")
        queries.append(request.url.params)
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        items = offers[(page - 1) * size : page * size]
        return httpx.Response(200, json={"items": items, "totalCount": len(offers)})

    with make_client(handler) as client:
        found = client.list_disk_availability(
            regions=["united_states", "canada"],
            data_center_id="US-CA-1",
            cloud_id="c9",
            page_size=2,
        )
    assert [o.data_center for o in found] == [f"dc-{i}" for i in range(5)]
    assert [q["page"] for q in queries] == ["1", "2", "3"]
    for query in queries:
        assert query.get_list("regions") == ["united_states", "canada"]
        assert (query["data_center_id"], query["cloud_id"], query["page_size"]) == (
            "US-CA-1",
            "c9",
            "2",
        )


def test_disk_availability_stops_at_the_promised_total_and_leaves_out_unset_filters() -> None:
    seen = Recorder(
        httpx.Response(200, json={"items": [offer_json("a"), offer_json("b")], "totalCount": 3}),
        httpx.Response(200, json={"items": [offer_json("c", "c3")], "totalCount": 3}),
    )
    with make_client(seen) as client:
        offers = client.list_disk_availability()
    assert [o.cloud_id for o in offers] == [None, None, "c3"]
    spec = offers[0].spec
    assert spec is not None and (spec.max_count, spec.price_per_unit) == (2000, 0.00011)
    assert offers[0].is_multinode is True
    assert [dict(r.url.params) for r in seen.requests] == [
        {"page_size": "100", "page": "1"},
        {"page_size": "100", "page": "2"},
    ]


def test_disk_availability_as_a_bare_list_is_the_whole_answer() -> None:
    seen = Recorder(httpx.Response(200, json=[offer_json("a"), offer_json("b")]))
    with make_client(seen) as client:
        assert [o.data_center for o in client.list_disk_availability()] == ["a", "b"]
    assert len(seen.requests) == 1


# ---------------------------------------------------------------- errors

Call = Callable[[PrimeClient], object]

CALLS: dict[str, tuple[Call, str]] = {
    "get": (lambda c: c.get_disk("d1"), "GET /api/v1/disks/d1"),
    "list": (lambda c: c.list_disks(), "GET /api/v1/disks/"),
    "find": (lambda c: c.find_disks_by_name("n"), "GET /api/v1/disks/"),
    "create": (lambda c: c.create_disk(a_disk_request()), "POST /api/v1/disks/"),
    "rename": (lambda c: c.rename_disk("d1", "n"), "PATCH /api/v1/disks/d1"),
    "delete": (lambda c: c.delete_disk("d1"), "DELETE /api/v1/disks/d1"),
    "offers": (lambda c: c.list_disk_availability(), "GET /api/v1/availability/disks"),
}


@pytest.mark.parametrize(("status", "cls"), STATUS_ERRORS)
@pytest.mark.parametrize("name", list(CALLS))
def test_each_status_of_each_disk_call_maps_to_its_error(
    name: str, status: int, cls: type[APIStatusError]
) -> None:
    call, where = CALLS[name]
    seen = Recorder(httpx.Response(status, json={"detail": "why it failed"}))
    with make_client(seen) as client, pytest.raises(cls) as info:
        call(client)
    assert type(info.value) is cls
    assert info.value.status_code == status
    assert f"{where} failed with HTTP {status}: why it failed" in str(info.value)
    assert len(seen.requests) == 1  # a client error is not retried


def test_a_validation_list_from_a_disk_create_is_flattened() -> None:
    detail = [{"loc": ["body", "disk", "size"], "msg": "must be > 0", "type": "x"}]
    with make_client(lambda r: httpx.Response(422, json={"detail": detail})) as client:
        with pytest.raises(UnprocessableEntityError, match=r"disk\.size: must be > 0"):
            client.create_disk(a_disk_request())


@pytest.mark.parametrize("name", ["get", "list", "rename", "delete", "offers"])
def test_idempotent_disk_calls_give_up_after_the_attempts(name: str) -> None:
    call, _ = CALLS[name]
    seen = Recorder(httpx.Response(500, json={"detail": "boom"}))
    with make_client(seen, retry_budget=10_000) as client, pytest.raises(InternalServerError):
        call(client)
    assert len(seen.requests) == MAX_ATTEMPTS


@pytest.mark.parametrize("name", ["get", "list", "rename", "offers"])
def test_an_answer_of_the_wrong_shape_is_a_typed_error(name: str) -> None:
    call, _ = CALLS[name]
    with make_client(lambda r: httpx.Response(200, json={"id": None, "items": 5})) as client:
        with pytest.raises(APIResponseValidationError):
            call(client)


# ---------------------------------------------------------------- retries and waits


@pytest.mark.parametrize("name", ["get", "list", "create", "rename", "delete", "offers"])
def test_retry_after_is_honoured_and_the_wait_recorded_not_slept(name: str) -> None:
    call, _ = CALLS[name]
    fake = FakeTime()
    ok = {
        "list": httpx.Response(200, json=disk_page([disk_json("d1")])),
        "delete": httpx.Response(200, json={"status": "DELETING"}),
        "offers": httpx.Response(200, json={"items": [offer_json("a")], "totalCount": 1}),
    }.get(name, httpx.Response(200, json=disk_json("d1")))
    seen = Recorder(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "slow down"}), ok
    )
    with make_client(seen, fake) as client:
        call(client)
    assert fake.waits == [7.0]
    assert len(seen.requests) == 2


def test_rename_backs_off_on_5xx_and_connection_errors() -> None:
    fake = FakeTime()

    def dropped(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("dropped", request=request)

    seen = Recorder(
        httpx.Response(503, json={"detail": "busy"}),
        dropped,
        httpx.Response(200, json=disk_json("d1", "n")),
    )
    with make_client(seen, fake) as client:
        assert client.rename_disk("d1", "n").name == "n"
    assert [r.method for r in seen.requests] == ["PATCH"] * 3
    assert len(fake.waits) == 2
    assert 0.5 <= fake.waits[0] <= 1.0 and 1.0 <= fake.waits[1] <= 1.5


def test_a_disk_create_is_retried_when_the_server_rejected_it_before_acting() -> None:
    fake = FakeTime()

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    seen = Recorder(
        refused,
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(200, json=disk_json("d1", "checkpoints")),
    )
    with make_client(seen, fake) as client:
        assert client.create_disk(a_disk_request()).id == "d1"
    assert [r.method for r in seen.requests] == ["POST"] * 3
    assert fake.waits[1] == 3.0


def test_a_disk_create_rate_limited_to_the_end_is_a_rate_limit_not_a_lost_create() -> None:
    fake = FakeTime()
    seen = Recorder(httpx.Response(429, headers={"Retry-After": "2"}, json={"detail": "slow"}))
    with make_client(seen, fake, max_attempts=3) as client, pytest.raises(RateLimitError) as info:
        client.create_disk(a_disk_request())
    assert info.value.retry_after == 2
    assert fake.waits == [2.0, 2.0]
    assert len(seen.requests) == 3


@pytest.mark.parametrize("failure", LOST_CREATES, ids=LOST_CREATE_IDS)
def test_a_lost_disk_create_is_never_posted_twice_and_never_looked_up(failure: Handler) -> None:
    posts = 0
    lookups = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal posts, lookups
        if request.method == "POST":
            posts += 1
            return failure(request)
        lookups += 1
        return httpx.Response(200, json=disk_page([disk_json("other", "checkpoints")]))

    with make_client(handler) as client, pytest.raises(CreateOutcomeUnknownError) as info:
        client.create_disk(a_disk_request())
    # A disk of that name may be someone else's: only the owner of the name may adopt it.
    assert (posts, lookups) == (1, 0)
    lost = info.value
    assert (lost.resource, lost.name, lost.pod_name, lost.request_sent) == (
        "disk",
        "checkpoints",
        None,
        True,
    )
    assert "Creating disk 'checkpoints'" in str(lost)
    assert isinstance(lost.__cause__, PrimeError)


def test_an_unnamed_lost_disk_create_raises_without_a_name() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with make_client(handler) as client, pytest.raises(CreateOutcomeUnknownError) as info:
        client.create_disk(a_disk_request(name=None))
    assert (info.value.resource, info.value.name) == ("disk", None)


def test_the_unknown_outcome_error_keeps_the_pods_spelling() -> None:
    pod = CreateOutcomeUnknownError("lost", pod_name="trainer", request_sent=True)
    assert (pod.resource, pod.name, pod.pod_name) == ("pod", "trainer", "trainer")
    disk = CreateOutcomeUnknownError("lost", name="data", resource="disk", request_sent=False)
    assert (disk.resource, disk.name, disk.pod_name, disk.request_sent) == (
        "disk",
        "data",
        None,
        False,
    )


# ---------------------------------------------------------------- the key


@pytest.mark.parametrize("name", list(CALLS))
def test_the_key_is_in_no_disk_error_even_when_the_server_echoes_it(name: str) -> None:
    call, _ = CALLS[name]
    echo = {"detail": f"key {KEY} is not valid"}
    with make_client(lambda r: httpx.Response(401, json=echo)) as client:
        with pytest.raises(AuthenticationError) as info:
            call(client)
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)
    assert KEY not in info.value.detail


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize(
    "raise_", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.WriteError]
)
def test_no_transport_error_of_a_disk_call_carries_the_key(
    name: str, raise_: type[httpx.TransportError]
) -> None:
    call, _ = CALLS[name]

    def handler(request: httpx.Request) -> httpx.Response:
        raise raise_(f"failure with {request.headers['Authorization']}", request=request)

    with make_client(handler, max_attempts=1) as client, pytest.raises(PrimeError) as info:
        call(client)
    assert isinstance(info.value, APIConnectionError | CreateOutcomeUnknownError)
    error: BaseException | None = info.value
    while error is not None:  # the whole chain, as a traceback would show it
        assert KEY not in str(error)
        error = error.__cause__
