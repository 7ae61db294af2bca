"""Faults over real HTTP: what a client on the other side of the socket sees."""

from __future__ import annotations

import time

import httpx
import pytest

from prime_pulumi.emulator import Fault
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import OFFER_BODY


def add(control: httpx.Client, **fault: object) -> str:
    response = control.post("/_emulator/faults", json=fault)
    assert response.status_code == 200, response.text
    fault_id: str = response.json()["id"]
    return fault_id


def test_status_fault_answers_without_processing(
    api: httpx.Client, control: httpx.Client, emulator: EmulatorServer
) -> None:
    add(control, route="create_pod", action="status", status=429, retry_after=2, detail="slow down")
    limited = api.post("/api/v1/pods/", json=OFFER_BODY)
    assert (limited.status_code, limited.json()) == (429, {"detail": "slow down"})
    assert limited.headers["Retry-After"] == "2"
    assert emulator.backend.all_pods() == []

    # Consumed: the next request goes through.
    assert api.post("/api/v1/pods/", json=OFFER_BODY).status_code == 200


def test_status_fault_defaults_to_503_and_counts_times(
    api: httpx.Client, control: httpx.Client
) -> None:
    add(control, route="list_pods", action="status", times=2)
    first, second, third = (api.get("/api/v1/pods/") for _ in range(3))
    assert (first.status_code, first.json()) == (503, {"detail": "Service Unavailable"})
    assert "Retry-After" not in first.headers
    assert second.status_code == 503
    assert third.status_code == 200


def test_faults_apply_before_authentication(
    emulator: EmulatorServer, control: httpx.Client
) -> None:
    add(control, route="get_pod", action="status", status=402)
    response = httpx.get(f"{emulator.base_url}/api/v1/pods/x")  # no key at all
    assert response.status_code == 402


def test_drop_closes_the_connection_without_processing(
    api: httpx.Client, control: httpx.Client, emulator: EmulatorServer
) -> None:
    add(control, route="create_pod", action="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/api/v1/pods/", json=OFFER_BODY)
    assert emulator.backend.all_pods() == []
    assert control.get("/_emulator/requests").json()["counts"]["create_pod"] == 1
    # The server is fine afterwards, and so is the client's connection pool.
    assert api.get("/api/v1/pods/").json()["total_count"] == 0


def test_drop_after_processes_then_loses_the_response(
    api: httpx.Client, control: httpx.Client, emulator: EmulatorServer
) -> None:
    add(control, route="create_pod", action="drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/api/v1/pods/", json=OFFER_BODY)
    [pod] = emulator.backend.all_pods()
    assert pod.name == "trainer"
    assert api.get("/api/v1/pods/").json()["total_count"] == 1


def test_drop_after_on_delete_terminates_the_pod(api: httpx.Client, control: httpx.Client) -> None:
    pod = api.post("/api/v1/pods/", json=OFFER_BODY).json()
    add(control, route="delete_pod", action="drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        api.delete(f"/api/v1/pods/{pod['id']}")
    assert api.get(f"/api/v1/pods/{pod['id']}").status_code == 404


def test_delay_beyond_the_client_timeout_still_processes(
    api: httpx.Client, control: httpx.Client, emulator: EmulatorServer
) -> None:
    add(control, route="create_pod", action="delay", delay=0.4)
    with pytest.raises(httpx.ReadTimeout):
        api.post("/api/v1/pods/", json=OFFER_BODY, timeout=0.1)
    assert emulator.backend.all_pods() == []  # still sleeping

    deadline = time.monotonic() + 5
    while not emulator.backend.all_pods() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [p.name for p in emulator.backend.all_pods()] == ["trainer"]


def test_delay_within_the_client_timeout_is_a_slow_success(
    api: httpx.Client, control: httpx.Client
) -> None:
    add(control, route="list_pods", action="delay", delay=0.2)
    started = time.monotonic()
    assert api.get("/api/v1/pods/").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_wildcard_matches_api_routes_only(api: httpx.Client, control: httpx.Client) -> None:
    add(control, route="*", action="status", status=500, times=2)
    assert control.get("/_emulator/requests").status_code == 200  # control routes are exempt
    assert api.get("/api/v1/availability/gpus").status_code == 500
    assert api.get("/api/admin/clusters/x").status_code == 500
    assert api.get("/api/v1/availability/gpus").status_code == 200


def test_request_counts_include_faulted_and_rejected_requests(
    api: httpx.Client, control: httpx.Client, emulator: EmulatorServer
) -> None:
    emulator.backend.add_fault(Fault(route="pod_status", action="status", status=503))
    api.get("/api/v1/pods/status/", params={"pod_ids": "a"})
    api.get("/api/v1/pods/status", params={"pod_ids": "a"})
    httpx.get(f"{emulator.base_url}/api/v1/pods/history")  # 401
    api.get("/api/v1/pods/", params={"limit": 0})  # 422
    api.get("/not/an/api/route")  # 404, no route

    counts = control.get("/_emulator/requests").json()
    assert counts["counts"]["pod_status"] == 2
    assert counts["counts"]["pod_history"] == 1
    assert counts["counts"]["list_pods"] == 1
    assert counts["total"] == 4
