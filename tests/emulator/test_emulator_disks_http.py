"""Disks over HTTP on loopback: shapes, paths, validation, refusals, attachment to pods both
ways, faults and request counts on the disk routes, the control routes and EmulatorControl.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest

from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import OFFER_BODY, refused_params

DISKS = "/api/v1/disks/"
DISK_KEYS = {
    "id", "name", "remoteId", "createdAt", "updatedAt", "terminatedAt", "status",
    "providerType", "size", "info", "priceHr", "stoppedPriceHr", "provisioningPriceHr",
    "userId", "teamId", "walletId", "pods", "clusters",
}  # fmt: skip
INFO_KEYS = {"country", "dataCenterId", "cloudId", "isMultinode"}
ATTACHED_KEYS = {
    "resourceType", "id", "status", "isDetachable", "mountPath", "resourcePath", "size",
}  # fmt: skip
#: A disk beside the pods OFFER_BODY makes (runpod, US-KS-2).
DISK_BODY: dict[str, Any] = {
    "disk": {"size": 100, "name": "data", "dataCenterId": "US-KS-2"},
    "provider": {"type": "runpod"},
}


def create_disk(api: httpx.Client, **disk: Any) -> dict[str, Any]:
    body = {**DISK_BODY, "disk": {**DISK_BODY["disk"], **disk}}
    response = api.post(DISKS, json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def create_pod(api: httpx.Client, *disks: str, **pod: Any) -> httpx.Response:
    body = {**OFFER_BODY, "pod": {**OFFER_BODY["pod"], **pod}, "disks": list(disks)}
    return api.post("/api/v1/pods/", json=body)


def issues(response: httpx.Response) -> list[tuple[list[str | int], str]]:
    """The (loc, type) of each issue of a control route's 422 (FastAPI's shape)."""
    assert response.status_code == 422, response.text
    return [(issue["loc"], issue["type"]) for issue in response.json()["detail"]]


@pytest.fixture
def emulator_control(emulator: EmulatorServer) -> Iterator[EmulatorControl]:
    with closing(EmulatorControl(emulator.base_url, DEFAULT_API_KEY)) as control:
        yield control


# --- shapes and paths ------------------------------------------------------------------


def test_disk_shape_from_create_get_list_and_rename(
    api: httpx.Client, emulator: EmulatorServer
) -> None:
    emulator.backend.disk_provision_seconds = 60
    created = create_disk(api, size=250)
    assert set(created) == DISK_KEYS
    assert set(created["info"]) == INFO_KEYS
    assert created["info"] == {
        "country": "US",
        "dataCenterId": "US-KS-2",
        "cloudId": None,  # runpod's disk offers name none
        "isMultinode": False,
    }
    assert (created["status"], created["name"], created["size"]) == ("PROVISIONING", "data", 250)
    assert (created["providerType"], created["pods"], created["clusters"]) == ("runpod", [], [])
    assert created["priceHr"] == pytest.approx(250 * 0.00007)
    assert created["terminatedAt"] is None
    assert len(created["id"]) == 32

    for path in (f"{DISKS}{created['id']}", f"{DISKS}{created['id']}/"):
        assert api.get(path).json() == created
    for path in ("/api/v1/disks", DISKS):
        listed = api.get(path, params={"offset": 0, "limit": 10}).json()
        assert listed == {"total_count": 1, "offset": 0, "limit": 10, "data": [created]}

    renamed = api.patch(f"{DISKS}{created['id']}", json={"name": "checkpoints"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {
        **created,
        "name": "checkpoints",
        "updatedAt": renamed.json()["updatedAt"],
    }
    assert api.patch(f"{DISKS}{created['id']}/", json={"name": "x"}).json()["name"] == "x"


def test_list_pages_the_disks(api: httpx.Client) -> None:
    made = [create_disk(api, name=f"d{n}")["id"] for n in range(5)]
    pages = [api.get(DISKS, params={"offset": o, "limit": 2}).json() for o in (0, 2, 4, 6)]
    assert [[d["id"] for d in p["data"]] for p in pages] == [made[:2], made[2:4], made[4:], []]
    assert {p["total_count"] for p in pages} == {5}
    assert refused_params(api.get(DISKS, params={"limit": 101})) == ["limit"]


def test_lifecycle_over_http(
    api: httpx.Client, control: httpx.Client, emulator: EmulatorServer
) -> None:
    timing = {"disk_provision_seconds": 0.3, "disk_delete_seconds": 0.3}
    assert control.post("/_emulator/config", json=timing).status_code == 200
    disk = create_disk(api)
    url = f"{DISKS}{disk['id']}"
    assert disk["status"] == "PROVISIONING"
    while (current := api.get(url).json())["status"] == "PROVISIONING":
        time.sleep(0.02)
    assert current["status"] == "ACTIVE"

    deleted = api.delete(url)
    assert (deleted.status_code, deleted.json()) == (200, {"status": "DELETING"})
    assert api.get(url).json()["status"] == "DELETING"
    assert api.delete(url).json() == {"status": "DELETING"}  # again, while DELETING
    while api.get(url).status_code == 200:
        time.sleep(0.02)
    gone = api.get(url)
    assert (gone.status_code, gone.json()) == (404, {"detail": f"Disk {disk['id']} not found"})
    [held] = control.get("/_emulator/disks").json()["data"]
    assert set(held) == DISK_KEYS | {"fate"}
    assert (held["status"], held["fate"]) == ("TERMINATED", "ok")
    assert held["terminatedAt"] is not None


def test_delete_twice_the_second_is_404(api: httpx.Client) -> None:
    disk = create_disk(api)
    first = api.delete(f"{DISKS}{disk['id']}/")
    assert (first.status_code, first.json()) == (200, {"status": "TERMINATED"})
    second = api.delete(f"{DISKS}{disk['id']}")
    assert (second.status_code, second.json()) == (404, {"detail": f"Disk {disk['id']} not found"})
    assert api.get(DISKS).json()["total_count"] == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", DISKS), ("POST", DISKS), ("GET", f"{DISKS}x"), ("PATCH", f"{DISKS}x"),
     ("DELETE", f"{DISKS}x"), ("GET", "/api/v1/availability/disks")],
)  # fmt: skip
def test_disk_routes_need_a_key(emulator: EmulatorServer, method: str, path: str) -> None:
    missing = httpx.request(method, emulator.base_url + path)
    assert (missing.status_code, missing.json()) == (401, {"detail": "Not authenticated"})
    wrong = httpx.request(method, emulator.base_url + path, headers={"Authorization": "Bearer x"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid API key"})


def test_unknown_disks_are_404(api: httpx.Client) -> None:
    for method in ("GET", "DELETE"):
        answer = api.request(method, f"{DISKS}nope")
        assert (answer.status_code, answer.json()) == (404, {"detail": "Disk nope not found"})
    renamed = api.patch(f"{DISKS}nope", json={"name": "x"})
    assert (renamed.status_code, renamed.json()) == (404, {"detail": "Disk nope not found"})


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        pytest.param({"provider": {"type": "runpod"}}, ["disk"], id="no-disk"),
        pytest.param({"disk": {"size": 1}}, ["provider"], id="no-provider"),
        pytest.param({"disk": {}, "provider": {}}, ["disk.size", "provider.type"], id="empty"),
        pytest.param({**DISK_BODY, "disk": {"size": 0}}, ["disk.size"]),
        pytest.param({**DISK_BODY, "disk": {"size": -5}}, ["disk.size"]),
        pytest.param({**DISK_BODY, "disk": {"size": "big"}}, ["disk.size"]),
        pytest.param({**DISK_BODY, "disk": {"size": 1, "name": "n" * 256}}, ["disk.name"]),
        pytest.param({**DISK_BODY, "disk": {"size": 1, "name": None}}, ["disk.name"], id="null"),
        pytest.param(
            {**DISK_BODY, "disk": {"size": 1, "data_center_id": "US-KS-2"}},
            ["disk.data_center_id"],
            id="snake-case",
        ),
        pytest.param({**DISK_BODY, "team": {"team": "t"}}, ["team.teamId"], id="team"),
        pytest.param({**DISK_BODY, "provider": {"type": "aws"}}, ["provider.type"], id="aws"),
        pytest.param([DISK_BODY], ["body"], id="list"),
    ],
)
def test_invalid_create_bodies_are_422_and_make_no_disk(
    api: httpx.Client, emulator: EmulatorServer, body: Any, problems: list[str]
) -> None:
    assert refused_params(api.post(DISKS, json=body)) == problems
    assert emulator.backend.all_disks() == []


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        pytest.param({"size": 200}, ["name", "size"]),
        pytest.param({"name": "n", "size": 200}, ["size"], id="and-size"),
        pytest.param({"name": "n", "dataCenterId": "FIN-01"}, ["dataCenterId"], id="move"),
        pytest.param({}, ["name"], id="empty"),
        pytest.param({"name": ""}, ["name"], id="blank"),
        pytest.param({"name": "n" * 256}, ["name"], id="long"),
        pytest.param({"name": None}, ["name"], id="null"),
    ],
)
def test_a_rename_takes_a_name_and_nothing_else(
    api: httpx.Client, body: Any, problems: list[str]
) -> None:
    disk = create_disk(api)
    answer = api.patch(f"{DISKS}{disk['id']}", json=body)
    assert refused_params(answer) == problems
    assert api.get(f"{DISKS}{disk['id']}").json() == disk


@pytest.mark.parametrize(
    ("disk", "provider", "status", "detail"),
    [
        ({"dataCenterId": "MARS-1"}, "runpod", 422, "disk: No disk offer of provider runpod"),
        ({"dataCenterId": "us-central-1"}, "massedcompute", 409, "out of stock"),
        ({"size": 5000}, "runpod", 422, "disk.size: Size 5000 GB is outside the disk offer"),
    ],
)
def test_refused_creates_make_no_disk(
    api: httpx.Client,
    emulator: EmulatorServer,
    disk: dict[str, Any],
    provider: str,
    status: int,
    detail: str,
) -> None:
    body = {"disk": {**DISK_BODY["disk"], **disk}, "provider": {"type": provider}}
    refused = api.post(DISKS, json=body)
    assert refused.status_code == status
    if status == 422:  # no offer fits what the body asks: the document's 422, at the key
        [error] = refused.json()["errors"]
        message = f"{error['param']}: {error['details']}"
    else:
        [message] = refused.json().values()
    assert detail in message
    assert emulator.backend.all_disks() == []


# --- attachment ------------------------------------------------------------------------


def test_a_pod_and_its_disks_name_each_other(api: httpx.Client, control: httpx.Client) -> None:
    disk = create_disk(api, size=40)
    created = create_pod(api, disk["id"])
    assert created.status_code == 200, created.text
    pod = created.json()
    [attached] = pod["attachedResources"]
    assert set(attached) == ATTACHED_KEYS
    assert attached == {
        "resourceType": "DISK",
        "id": disk["id"],
        "status": "MOUNTED",
        "isDetachable": False,
        "mountPath": "/workspace",
        "resourcePath": f"/dev/disk/by-id/{disk['remoteId']}",
        "size": 40,
    }
    assert api.get(f"/api/v1/pods/{pod['id']}").json()["attachedResources"] == [attached]
    assert api.get(f"{DISKS}{disk['id']}").json()["pods"] == [pod["id"]]
    assert [d["pods"] for d in api.get(DISKS).json()["data"]] == [[pod["id"]]]

    # Attached to a live pod: the disk cannot go.
    refused = api.delete(f"{DISKS}{disk['id']}")
    assert refused.status_code == 409
    assert pod["id"] in refused.json()["detail"]
    assert api.get(f"{DISKS}{disk['id']}").json()["status"] == "ACTIVE"

    # The pod terminated, the disk lists it no more, and goes.
    assert api.delete(f"/api/v1/pods/{pod['id']}").status_code == 200
    assert api.get(f"{DISKS}{disk['id']}").json()["pods"] == []
    assert api.delete(f"{DISKS}{disk['id']}").status_code == 200
    [held] = control.get("/_emulator/pods").json()["data"]
    assert held["attachedResources"] == [attached]  # a pod's record keeps what it mounted


def test_pod_creates_naming_bad_disks_are_refused(
    api: httpx.Client, emulator: EmulatorServer
) -> None:
    ks = create_disk(api)
    elsewhere = create_disk(api, dataCenterId="EU-RO-1")
    emulator.backend.disk_provision_seconds = 60
    young = create_disk(api)

    unknown = create_pod(api, ks["id"], "nope")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Disk nope not found"})
    not_active = create_pod(api, young["id"])
    assert not_active.status_code == 409
    assert f"Disk {young['id']} is PROVISIONING" in not_active.json()["detail"]
    away = create_pod(api, elsewhere["id"])
    assert away.status_code == 400
    assert "in data center EU-RO-1, not in US-KS-2" in away.json()["detail"]
    assert emulator.backend.all_pods() == []
    assert [d["pods"] for d in api.get(DISKS).json()["data"]] == [[], [], []]


# --- faults and counts -----------------------------------------------------------------

DISK_ROUTES = [
    ("create_disk", "POST", DISKS, DISK_BODY),
    ("list_disks", "GET", DISKS, None),
    ("get_disk", "GET", f"{DISKS}nope", None),
    ("update_disk", "PATCH", f"{DISKS}nope", {"name": "n"}),
    ("delete_disk", "DELETE", f"{DISKS}nope", None),
    ("disk_availability", "GET", "/api/v1/availability/disks", None),
]


@pytest.mark.parametrize(("route", "method", "path", "body"), DISK_ROUTES)
def test_faults_and_counts_work_on_every_disk_route(
    api: httpx.Client,
    emulator_control: EmulatorControl,
    route: str,
    method: str,
    path: str,
    body: Any,
) -> None:
    emulator_control.fault(route, "status", status=429, retry_after=1, detail="slow down")
    limited = api.request(method, path, json=body)
    assert (limited.status_code, limited.json()) == (429, {"detail": "slow down"})
    assert limited.headers["Retry-After"] == "1"
    after = api.request(method, path, json=body)
    assert after.status_code in (200, 404)
    counts = emulator_control.counts()
    assert counts[route] == 2
    assert sum(counts.values()) == 2
    # The faulted request did not act: only the second create made a disk.
    assert len(emulator_control.disks()) == (1 if route == "create_disk" else 0)


def test_a_lost_create_answer_still_makes_the_disk(
    api: httpx.Client, emulator_control: EmulatorControl
) -> None:
    emulator_control.fault("create_disk", "drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(DISKS, json=DISK_BODY)
    [disk] = emulator_control.live_disks()
    assert disk["name"] == "data"
    emulator_control.fault("delete_disk", "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        api.delete(f"{DISKS}{disk['id']}")
    assert api.get(f"{DISKS}{disk['id']}").status_code == 200  # a drop does not act


def test_the_wildcard_fault_reaches_disk_routes(
    api: httpx.Client, emulator_control: EmulatorControl
) -> None:
    emulator_control.fault("*", "status", status=500, times=2)
    assert api.get(DISKS).status_code == 500
    assert api.get("/api/v1/availability/disks").status_code == 500
    assert api.get(DISKS).status_code == 200


# --- control routes and EmulatorControl ------------------------------------------------


def test_disk_fates_route(api: httpx.Client, control: httpx.Client) -> None:
    queued = control.post("/_emulator/disk-fates", json={"fates": [{"kind": "error"}, {}]})
    assert queued.json() == {"queued": 2}
    errored, fine = create_disk(api), create_disk(api)
    assert api.get(f"{DISKS}{errored['id']}").json()["status"] == "ERROR"
    assert api.get(f"{DISKS}{fine['id']}").json()["status"] == "ACTIVE"
    refusals: list[tuple[Any, list[str | int], str]] = [
        ({"fates": [{"kind": "install_failure"}]}, ["fates", 0, "kind"], "literal_error"),
        ({"fates": [{"kind": "ok", "message": "m"}]}, ["fates", 0, "message"], "extra_forbidden"),
        ({"fates": "error"}, ["fates"], "list_type"),
    ]
    for bad, loc, kind in refusals:
        assert issues(control.post("/_emulator/disk-fates", json=bad)) == [(["body", *loc], kind)]
    assert control.post("/_emulator/disk-fates", json={"fates": []}).json() == {"queued": 0}


def test_emulator_control_makes_lists_and_deletes_disks(
    emulator_control: EmulatorControl,
) -> None:
    emulator_control.set_timing(disk_provision_seconds=60, disk_delete_seconds=60)
    disk = emulator_control.create_disk("data", 10)
    assert (disk["name"], disk["size"], disk["info"]["dataCenterId"]) == ("data", 10, "US-KS-2")
    team = emulator_control.create_disk(
        "team",
        20,
        provider_type="datacrunch",
        data_center_id=None,
        cloud_id="datacrunch-disk-fin-02",
        country="FI",
        team_id="team-1",
    )
    assert (team["teamId"], team["info"]["dataCenterId"]) == ("team-1", "FIN-02")
    with pytest.raises(httpx.HTTPStatusError) as refused:
        emulator_control.create_disk("x", 10, data_center_id="MARS-1")
    assert refused.value.response.status_code == 422

    assert emulator_control.delete_disk(team["id"]).json() == {"status": "DELETING"}
    assert [(d["id"], d["status"]) for d in emulator_control.disks()] == [
        (disk["id"], "PROVISIONING"),
        (team["id"], "DELETING"),
    ]
    assert emulator_control.live_disks() == emulator_control.disks()

    emulator_control.set_timing(disk_provision_seconds=0, disk_delete_seconds=0)
    emulator_control.disk_fates("stuck")
    stuck = emulator_control.create_disk("stuck", 10)
    ready = emulator_control.create_disk("ready", 10)
    assert (stuck["status"], ready["status"]) == ("PROVISIONING", "ACTIVE")
    pod = emulator_control.create_pod("p", disks=[ready["id"]])
    assert [r["id"] for r in pod["attachedResources"]] == [ready["id"]]
    assert emulator_control.delete_disk(ready["id"]).status_code == 409
    emulator_control.delete_pod(pod["id"])
    assert emulator_control.delete_disk(ready["id"]).json() == {"status": "TERMINATED"}
    assert emulator_control.delete_disk(ready["id"]).status_code == 404
    assert [d["name"] for d in emulator_control.live_disks()] == ["data", "team", "stuck"]
    assert emulator_control.disks()[-1]["status"] == "TERMINATED"

    emulator_control.reset()
    assert emulator_control.disks() == []


def test_reset_forgets_disks(api: httpx.Client, control: httpx.Client) -> None:
    first = create_disk(api)["id"]
    control.post("/_emulator/disk-fates", json={"fates": [{"kind": "stuck"}]})
    assert control.post("/_emulator/reset").json() == {"status": "reset"}
    assert api.get(DISKS).json()["total_count"] == 0
    assert control.get("/_emulator/disks").json() == {"data": []}
    again = create_disk(api)
    assert (again["id"], again["status"]) == (first, "ACTIVE")  # same id; no fate left


def test_openapi_documents_the_disk_routes(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    paths = document["paths"]
    assert set(paths[DISKS]) == {"get", "post"}
    assert set(paths[f"{DISKS}{{disk_id}}"]) == {"get", "patch", "delete"}
    # No disk offer fits: the published document's 422, not a 400 it does not have.
    assert {"409", "422"} <= set(paths[DISKS]["post"]["responses"])
    assert "400" not in paths[DISKS]["post"]["responses"]
    assert paths[DISKS]["post"]["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
    assert {"404", "409"} <= set(paths[f"{DISKS}{{disk_id}}"]["delete"]["responses"])
    assert {"404", "409"} <= set(paths["/api/v1/pods/"]["post"]["responses"])
    disk_offers = paths["/api/v1/availability/disks"]["get"]
    assert {p["name"] for p in disk_offers["parameters"]} == {
        "page", "page_size", "regions", "data_center_id", "cloud_id",
    }  # fmt: skip
    assert {"Disk", "DiskInfo", "DiskAvailability", "AttachedResource"} <= set(
        document["components"]["schemas"]
    )
