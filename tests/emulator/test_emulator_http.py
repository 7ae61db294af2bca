"""The API over HTTP on loopback: shapes, paths, authentication, validation, controls."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

import httpx
import pytest

from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import CLUSTER_SEED, OFFER_BODY, refused_params

# The pod fields docs/api-client.md lists ("What the API answers"), exactly.
POD_KEYS = {
    "id", "name", "gpuName", "gpuCount", "status", "createdAt", "updatedAt", "providerType",
    "installationStatus", "installationFailure", "installationProgress", "teamId", "userId",
    "walletId", "socket", "type", "environmentType", "resources", "attachedResources",
    "primePortMapping", "sshConnection", "ip", "priceHr", "stoppedPriceHr",
    "provisioningPriceHr", "basePriceHr", "baseCurrency", "jupyterPassword",
    "customTemplateId", "isSpot", "autoRestart",
}  # fmt: skip
# The guide's PodStatus example, plus the SDK's priceHr.
STATUS_KEYS = {
    "podId", "providerType", "status", "sshConnection", "costPerHr", "primePortMapping", "ip",
    "installationFailure", "installationProgress", "priceHr",
}  # fmt: skip
PORT_KEYS = {"internal", "external", "protocol", "usedBy", "description"}
HISTORY_KEYS = {
    "id", "name", "providerType", "type", "createdAt", "terminatedAt", "gpuName", "gpuCount",
    "socket", "priceHr", "userId", "teamId", "totalBilledPrice",
}  # fmt: skip
OFFER_KEYS = {
    "cloudId", "gpuType", "socket", "provider", "dataCenter", "country", "region", "gpuCount",
    "gpuMemory", "disk", "vcpu", "memory", "stockStatus", "security", "prices", "images", "isSpot",
    "interconnect", "interconnectType",
}  # fmt: skip
RESOURCE_KEYS = {
    "minCount", "defaultCount", "maxCount", "pricePerUnit", "step", "defaultIncludedInPrice",
    "additionalInfo",
}  # fmt: skip
#: The disk timing of the ``emulator`` fixture, which these pod tests leave alone.
DISK_TIMING = {"disk_provision_seconds": 0.0, "disk_delete_seconds": 0.0}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

API_ROUTES = [
    ("GET", "/api/v1/pods/"),
    ("GET", "/api/v1/pods/some-id"),
    ("GET", "/api/v1/pods/status/?pod_ids=a"),
    ("POST", "/api/v1/pods/"),
    ("DELETE", "/api/v1/pods/some-id"),
    ("GET", "/api/v1/pods/history"),
    ("GET", "/api/v1/availability/gpus"),
    ("GET", "/api/v1/availability/multi-node"),
    ("GET", "/api/v1/availability/"),
    ("GET", "/api/admin/clusters/some-id"),
]


def create(api: httpx.Client, **pod: Any) -> dict[str, Any]:
    body = {**OFFER_BODY, "pod": {**OFFER_BODY["pod"], **pod}}
    response = api.post("/api/v1/pods", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def key_tree(value: Any) -> Any:
    """The keys of a JSON document, recursively, with the first item of each list."""
    if isinstance(value, dict):
        return {key: key_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [key_tree(value[0])] if value else []
    return None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/pods",
        "/api/v1/pods/",
        "/api/v1/pods/status",
        "/api/v1/pods/status/",
        "/api/v1/pods/history",
        "/api/v1/pods/history/",
        "/api/v1/availability/gpus",
        "/api/v1/availability/gpus/",
        "/api/v1/availability/multi-node",
        "/api/v1/availability/multi-node/",
        "/api/v1/availability",
        "/api/v1/availability/",
    ],
)
def test_paths_answer_with_and_without_trailing_slash(api: httpx.Client, path: str) -> None:
    assert api.get(path).status_code == 200  # httpx does not follow redirects: no 307 here


def test_pod_shape_from_create_get_and_list(api: httpx.Client, emulator: EmulatorServer) -> None:
    emulator.backend.provision_seconds = 60
    created = create(api)
    assert set(created) == POD_KEYS
    assert (created["status"], created["installationStatus"], created["type"]) == (
        "PROVISIONING",
        "PENDING",
        "HOSTED",
    )
    assert created["sshConnection"] is None
    assert created["ip"] is None
    assert ISO_UTC.match(created["createdAt"])
    assert ISO_UTC.match(created["updatedAt"])
    assert len(created["id"]) == 32

    for path in (f"/api/v1/pods/{created['id']}", f"/api/v1/pods/{created['id']}/"):
        assert api.get(path).json() == created

    listed = api.get("/api/v1/pods/", params={"offset": 0, "limit": 10}).json()
    assert listed == {"total_count": 1, "offset": 0, "limit": 10, "data": [created]}


def test_ready_pod_status_shape(api: httpx.Client) -> None:
    pod = create(api)
    response = api.get("/api/v1/pods/status/", params={"pod_ids": [pod["id"], "missing"]})
    [status] = response.json()["data"]
    assert set(status) == STATUS_KEYS
    assert status["podId"] == pod["id"]
    assert status["costPerHr"] == status["priceHr"] == pod["priceHr"]
    assert status["sshConnection"] == pod["sshConnection"] == f"root@{pod['ip']} -p 22"
    assert status["installationProgress"] == 100
    assert [set(port) for port in status["primePortMapping"]] == [PORT_KEYS]
    assert status["primePortMapping"][0]["internal"] == "22"


@pytest.mark.parametrize("limit", [0, 101])
def test_list_limit_out_of_range_is_422(api: httpx.Client, limit: int) -> None:
    response = api.get("/api/v1/pods/", params={"limit": limit})
    assert refused_params(response) == ["limit"]


def test_delete_moves_the_pod_to_history(api: httpx.Client) -> None:
    pod = create(api, name="short-lived")
    deleted = api.delete(f"/api/v1/pods/{pod['id']}/")
    assert (deleted.status_code, deleted.json()) == (200, {"status": "TERMINATED"})

    gone = api.get(f"/api/v1/pods/{pod['id']}")
    assert (gone.status_code, gone.json()) == (404, {"detail": f"Pod {pod['id']} not found"})
    assert api.delete(f"/api/v1/pods/{pod['id']}").status_code == 404
    assert api.get("/api/v1/pods").json()["total_count"] == 0

    history = api.get(
        "/api/v1/pods/history", params={"sort_by": "terminatedAt", "sort_order": "desc"}
    ).json()
    assert (history["total_count"], history["offset"], history["limit"]) == (1, 0, 100)
    [entry] = history["data"]
    assert set(entry) == HISTORY_KEYS
    assert (entry["id"], entry["name"]) == (pod["id"], "short-lived")
    assert entry["totalBilledPrice"] == pytest.approx(0, abs=0.01)
    assert ISO_UTC.match(entry["terminatedAt"])


def test_delete_takes_the_configured_delete_time(api: httpx.Client, control: httpx.Client) -> None:
    delete_seconds = 0.5  # long enough for a few loopback requests, short enough to wait
    configured = control.post("/_emulator/config", json={"delete_seconds": delete_seconds})
    assert configured.json() == {
        "provision_seconds": 0.0,
        "delete_seconds": delete_seconds,
        **DISK_TIMING,
    }
    pod = create(api, name="slow-to-go")
    url = f"/api/v1/pods/{pod['id']}"

    deleted_at = time.monotonic()
    deleted = api.delete(url)
    assert (deleted.status_code, deleted.json()) == (200, {"status": "TERMINATED"})
    deleting = api.get(url).json()
    assert (deleting["status"], deleting["installationStatus"]) == ("DELETING", "FINISHED")
    assert [p["status"] for p in api.get("/api/v1/pods").json()["data"]] == ["DELETING"]
    statuses = api.get("/api/v1/pods/status", params={"pod_ids": pod["id"]}).json()["data"]
    assert [s["status"] for s in statuses] == ["DELETING"]
    again = api.delete(url)  # while DELETING: the same answer, no error
    assert (again.status_code, again.json()) == (200, {"status": "TERMINATED"})
    assert api.get("/api/v1/pods/history").json()["total_count"] == 0
    assert time.monotonic() - deleted_at < delete_seconds, "too slow to see the window"

    while (gone := api.get(url)).status_code == 200:
        assert time.monotonic() - deleted_at < delete_seconds + 5, "never terminated"
        time.sleep(0.02)
    assert time.monotonic() - deleted_at >= delete_seconds
    assert (gone.status_code, gone.json()) == (404, {"detail": f"Pod {pod['id']} not found"})
    assert api.delete(url).status_code == 404
    [entry] = api.get("/api/v1/pods/history").json()["data"]
    assert entry["id"] == pod["id"]
    [held] = control.get("/_emulator/pods").json()["data"]
    assert (held["status"], held["terminatedAt"]) == ("TERMINATED", entry["terminatedAt"])


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_api_routes_need_a_key(emulator: EmulatorServer, method: str, path: str) -> None:
    url = emulator.base_url + path
    missing = httpx.request(method, url)
    assert (missing.status_code, missing.json()) == (401, {"detail": "Not authenticated"})
    wrong = httpx.request(method, url, headers={"Authorization": "Bearer nope"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid API key"})
    basic = httpx.request(method, url, headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


def test_admin_cluster_is_served_in_the_seed_shape(
    admin: httpx.Client, api: httpx.Client, control: httpx.Client
) -> None:
    seed = copy.deepcopy(CLUSTER_SEED["data"])
    seed["id"] = "cluster-1"
    stored = control.post("/_emulator/clusters", json=seed)
    assert stored.status_code == 200, stored.text

    served = admin.get("/api/admin/clusters/cluster-1")
    assert served.status_code == 200
    assert served.json() == {"data": seed, "status": "success"}
    assert key_tree(served.json()) == key_tree(CLUSTER_SEED)

    forbidden = api.get("/api/admin/clusters/cluster-1")
    assert forbidden.status_code == 403
    assert isinstance(forbidden.json()["detail"], str)
    unknown = admin.get("/api/admin/clusters/other")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Cluster other not found"})


def test_partial_cluster_gets_defaults_in_the_full_shape(
    admin: httpx.Client, control: httpx.Client
) -> None:
    node = {"name": "node-0", "connections": [{"host": "10.0.0.2"}]}
    posted = control.post(
        "/_emulator/clusters", json={"name": "tiny", "nodes": [node], "sshKeys": [{}]}
    ).json()
    served = admin.get(f"/api/admin/clusters/{posted['id']}").json()
    assert served["data"]["name"] == "tiny"
    assert key_tree(served) == key_tree(CLUSTER_SEED)


@pytest.mark.parametrize(
    ("pod", "provider", "param"),
    [
        ({"foo": 1}, {"type": "runpod"}, "pod.foo"),
        ({"cloud_id": "x"}, {"type": "runpod"}, "pod.cloud_id"),
        ({"gpuCount": 0}, {"type": "runpod"}, "pod.gpuCount"),
        ({"security": "x"}, {"type": "runpod"}, "pod.security"),
        ({}, {}, "provider.type"),
        # Outside the document's enums: EnvironmentTypeEnum, GPUType, GPUSocket, ProviderTypeEnum.
        ({"image": "ubuntu_99"}, {"type": "runpod"}, "pod.image"),
        ({"gpuType": "H100"}, {"type": "runpod"}, "pod.gpuType"),
        ({"socket": "pcie"}, {"type": "runpod"}, "pod.socket"),
        ({}, {"type": "aws"}, "provider.type"),
        # Optional in the document, but not nullable; and prepaid hours above 0.
        ({"image": None}, {"type": "runpod"}, "pod.image"),
        ({"prepaidForHr": 0}, {"type": "runpod"}, "pod.prepaidForHr"),
    ],
)
def test_invalid_create_bodies_are_422(
    api: httpx.Client,
    emulator: EmulatorServer,
    pod: dict[str, Any],
    provider: dict[str, Any],
    param: str,
) -> None:
    body = {"pod": {**OFFER_BODY["pod"], **pod}, "provider": provider}
    assert param in refused_params(api.post("/api/v1/pods/", json=body))
    assert emulator.backend.all_pods() == []


def test_missing_required_pod_fields_are_422(api: httpx.Client) -> None:
    response = api.post("/api/v1/pods/", json={"pod": {}, "provider": {"type": "runpod"}})
    assert set(refused_params(response)) == {
        f"pod.{field}" for field in ("cloudId", "gpuType", "socket", "gpuCount")
    }


def test_price_above_max_price_is_400(api: httpx.Client) -> None:
    body = {**OFFER_BODY, "pod": {**OFFER_BODY["pod"], "maxPrice": 0.5}}
    response = api.post("/api/v1/pods/", json=body)
    assert response.status_code == 400
    assert "maxPrice" in response.json()["detail"]


def test_team_and_sdk_sharing_flags(api: httpx.Client) -> None:
    body = {**OFFER_BODY, "team": {"teamId": "team-1"}, "sharedWithTeam": True}
    response = api.post("/api/v1/pods/", json=body)
    assert response.json()["teamId"] == "team-1"


def test_availability_shapes_and_filters(api: httpx.Client) -> None:
    page = api.get("/api/v1/availability/gpus", params={"page": 1, "page_size": 100}).json()
    assert set(page) == {"items", "totalCount"}
    assert page["totalCount"] == len(page["items"]) >= 6
    item = page["items"][0]
    assert set(item) == OFFER_KEYS
    assert set(item["disk"]) == set(item["vcpu"]) == set(item["memory"]) == RESOURCE_KEYS
    assert set(item["prices"]) == {"onDemand", "communityPrice", "isVariable", "currency"}
    assert {i["stockStatus"] for i in page["items"]} >= {"Available", "Low", "High"}

    h100 = api.get("/api/v1/availability/gpus", params={"gpu_type": "H100_80GB", "gpu_count": 1})
    assert [(i["gpuType"], i["gpuCount"]) for i in h100.json()["items"]] == [("H100_80GB", 1)] * 5
    regions = api.get("/api/v1/availability/gpus", params={"regions": ["canada"]}).json()
    assert {i["country"] for i in regions["items"]} == {"CA"}

    multi = api.get("/api/v1/availability/multi-node").json()
    assert multi["totalCount"] == 4
    assert {i["cloudId"] for i in multi["items"]}.isdisjoint(i["cloudId"] for i in page["items"])

    legacy = api.get("/api/v1/availability/").json()
    assert sum(len(items) for items in legacy.values()) == page["totalCount"]
    assert all(i["gpuType"] == gpu for gpu, items in legacy.items() for i in items)


@pytest.mark.parametrize("page_size", [0, 101])
def test_availability_page_size_out_of_range_is_422(api: httpx.Client, page_size: int) -> None:
    response = api.get("/api/v1/availability/gpus", params={"page_size": page_size})
    assert refused_params(response) == ["page_size"]


def test_control_endpoints(api: httpx.Client, control: httpx.Client) -> None:
    config = "/_emulator/config"

    def timing(provision: float, delete: float) -> dict[str, float]:
        return {"provision_seconds": provision, "delete_seconds": delete, **DISK_TIMING}

    assert control.get(config).json() == timing(0.0, 0.0)
    # Either key alone changes that one and leaves the other; both answer the settings.
    changed = control.post(config, json={"provision_seconds": 60})
    assert (changed.status_code, changed.json()) == (200, timing(60.0, 0.0))
    changed = control.post(config, json={"delete_seconds": 0.25})
    assert changed.json() == timing(60.0, 0.25)
    assert control.get(f"{config}/").json() == timing(60.0, 0.25)
    both = {"provision_seconds": 60, "delete_seconds": 0}
    assert control.post(config, json=both).json() == timing(60.0, 0.0)
    for bad in (
        {"provision_seconds": -1},
        {"delete_seconds": -1},
        {"delete_second": 1},
        {"disk_provision_seconds": -1},
        {"disk_delete_seconds": -0.5},
    ):
        assert control.post(config, json=bad).status_code == 422
    assert control.get(config).json() == timing(60.0, 0.0)

    fates = {"fates": [{"kind": "stuck"}, {"kind": "error", "message": "boom"}]}
    assert control.post("/_emulator/fates", json=fates).json() == {"queued": 2}
    stuck, errored = create(api), create(api)
    failed = control.post(
        f"/_emulator/pods/{stuck['id']}/fail", json={"kind": "install_failure", "message": "m"}
    ).json()
    assert (failed["installationStatus"], failed["installationFailure"]) == ("ERROR", "m")
    api.delete(f"/api/v1/pods/{errored['id']}")

    held = control.get("/_emulator/pods").json()["data"]
    assert [(p["id"], p["fate"], p["status"]) for p in held] == [
        (stuck["id"], "stuck", "PROVISIONING"),
        (errored["id"], "error", "TERMINATED"),
    ]
    assert set(held[0]) == POD_KEYS | {
        "terminatedAt",
        "fate",
        "sharedWithTeam",
        "teamMemberIds",
        "sshKeyId",
    }
    assert held[0]["terminatedAt"] is None
    assert held[1]["terminatedAt"] is not None

    fault = {"route": "get_pod", "action": "status", "status": 429, "times": 3}
    fault_id = control.post("/_emulator/faults", json=fault).json()["id"]
    pending = control.get("/_emulator/faults").json()["data"]
    assert pending == [{**fault, "id": fault_id, "retry_after": None, "delay": 0.0, "detail": None}]
    assert control.delete("/_emulator/faults").json() == {"cleared": 1}
    bad_route = control.post("/_emulator/faults", json={"route": "nope", "action": "drop"})
    assert bad_route.status_code == 422

    counts = control.get("/_emulator/requests").json()
    assert set(counts) == {"counts", "total"}
    assert counts["counts"]["create_pod"] == 2
    assert counts["counts"]["delete_pod"] == 1
    assert counts["total"] == 3  # control requests are not counted

    control.post(config, json={"delete_seconds": 3})  # timing survives the reset
    assert control.post("/_emulator/reset").json() == {"status": "reset"}
    assert control.get("/_emulator/pods").json() == {"data": []}
    assert control.get("/_emulator/requests").json()["total"] == 0
    assert control.get("/_emulator/config").json() == timing(60.0, 3.0)


def test_openapi_documents_errors_and_security(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    create_responses = document["paths"]["/api/v1/pods/"]["post"]["responses"]
    assert {"200", "400", "401", "422", "429"} <= set(create_responses)
    cluster = document["paths"]["/api/admin/clusters/{cluster_id}"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(cluster)
    assert "APIKey" in document["components"]["securitySchemes"]
    # Each path once, in its documented spelling; the slash twins stay out of the document.
    assert "/api/v1/pods" not in document["paths"]
