"""A pod's log in the emulator (told from its lifecycle and fates), and a pod's sharing.

The log's shape is our guess (the document gives none): ``{podId, logs: [{timestamp,
message}]}``, oldest first, the last ``tail`` lines (100 by default).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from prime_pulumi.emulator import EmulatorBackend
from prime_pulumi.emulator.pods.wire import PodFailure, WireCreatePodRequest
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import OFFER_BODY, FakeClock


def messages(backend: EmulatorBackend, pod_id: str, tail: int | None = None) -> list[str]:
    return [line.message for line in backend.pod_logs(pod_id, tail).logs]


def create(backend: EmulatorBackend, **top: Any) -> str:
    return backend.create_pod(WireCreatePodRequest.model_validate({**OFFER_BODY, **top})).id


def test_the_log_follows_the_lifecycle_in_time(backend: EmulatorBackend, clock: FakeClock) -> None:
    pod_id = create(backend)
    assert messages(backend, pod_id) == [
        "pod trainer created: 1x H100_80GB PCIe from runpod, image ubuntu_22_cuda_12",
        "provisioning: waiting for the provider to start the machine",
    ]
    clock.advance(6)  # ACTIVE, installation a fifth of the way
    assert messages(backend, pod_id)[2:] == ["machine is up; installing ubuntu_22_cuda_12"]
    clock.advance(4)  # ready
    log = backend.pod_logs(pod_id).logs
    assert [line.message for line in log][3:] == [
        "installer: 25% done",
        "installer: 50% done",
        "installer: 75% done",
        "installer: installation finished",
        "pod ready: ssh root@203.0.113.1 -p 22",
    ]
    stamps = [datetime.fromisoformat(line.timestamp) for line in log]
    assert stamps == sorted(stamps)
    assert (stamps[-1] - stamps[0]).total_seconds() == pytest.approx(10, abs=1)


@pytest.mark.parametrize(
    ("fate", "last"),
    [
        (
            "install_failure",
            "installer: ERROR: Installation failed: the image could not be started",
        ),
        ("error", "provider: ERROR: The provider reported an error"),
        ("stuck", "provisioning: still waiting for the provider"),
    ],
)
def test_a_fate_ends_the_log_on_its_own_line(
    backend: EmulatorBackend, clock: FakeClock, fate: str, last: str
) -> None:
    backend.queue_fates([fate])  # type: ignore[list-item]
    pod_id = create(backend)
    clock.advance(60)
    assert messages(backend, pod_id)[-1] == last


def test_a_transient_failure_warns_then_retries_and_the_pod_becomes_ready(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    backend.queue_fates(["transient_install_failure"])
    pod_id = create(backend)
    clock.advance(10)
    told = messages(backend, pod_id)
    assert "installer: WARNING: Installation failed, retrying" in told
    warned = told.index("installer: WARNING: Installation failed, retrying")
    assert told.index("installer: retrying the installation") > warned
    assert told[-1].startswith("pod ready: ssh ")


def test_an_out_of_band_failure_and_a_delete_end_the_course_where_they_happen(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    backend.delete_seconds = 30
    pod_id = create(backend)
    clock.advance(6)
    backend.fail_pod(pod_id, PodFailure(kind="error", message="GPU fell off the bus"))
    clock.advance(10)  # the ready lines it would have had never come
    assert messages(backend, pod_id)[-1] == "provider: ERROR: GPU fell off the bus"
    backend.delete_pod(pod_id)
    clock.advance(1)
    assert messages(backend, pod_id)[-2:] == [
        "provider: ERROR: GPU fell off the bus",
        "deletion requested: stopping the machine",
    ]
    assert not any("ready" in m for m in messages(backend, pod_id))


def test_tail_keeps_the_last_lines(backend: EmulatorBackend, clock: FakeClock) -> None:
    pod_id = create(backend)
    clock.advance(10)
    told = messages(backend, pod_id)
    assert len(told) == 8
    assert messages(backend, pod_id, 2) == told[-2:]
    assert messages(backend, pod_id, 100) == told
    assert messages(backend, pod_id, 0) == []
    assert messages(backend, pod_id, -3) == []


def test_the_route_serves_the_log_counts_it_and_takes_its_faults(
    emulator: EmulatorServer, api: httpx.Client, control: httpx.Client
) -> None:
    pod = api.post("/api/v1/pods/", json=OFFER_BODY).json()
    answer = api.get(f"/api/v1/pods/{pod['id']}/log", params={"tail": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["podId"] == pod["id"]
    assert [set(line) for line in body["logs"]] == [{"timestamp", "message"}]
    assert body["logs"][0]["message"].startswith("pod ready: ssh ")
    assert len(api.get(f"/api/v1/pods/{pod['id']}/log").json()["logs"]) == 8
    fault = {"route": "pod_logs", "action": "status", "status": 503, "times": 1}
    assert control.post("/_emulator/faults", json=fault).status_code == 200
    assert api.get(f"/api/v1/pods/{pod['id']}/log").status_code == 503
    assert control.get("/_emulator/requests").json()["counts"]["pod_logs"] == 3
    assert api.get("/api/v1/pods/unknown/log").status_code == 404
    api.delete(f"/api/v1/pods/{pod['id']}")
    assert api.get(f"/api/v1/pods/{pod['id']}/log").status_code == 404  # nothing left to read


@pytest.mark.parametrize(
    "sharing",
    [
        pytest.param({"shared_with_team": True, "team_member_ids": ["u-1", "u-2"]}, id="document"),
        pytest.param({"sharedWithTeam": True, "teamMemberIds": ["u-1", "u-2"]}, id="official SDK"),
    ],
)
def test_sharing_is_read_in_both_spellings_and_shown_in_the_control_view(
    emulator: EmulatorServer, api: httpx.Client, control: httpx.Client, sharing: dict[str, Any]
) -> None:
    pod = api.post("/api/v1/pods/", json={**OFFER_BODY, **sharing})
    assert pod.status_code == 200, pod.text
    unshared = api.post("/api/v1/pods/", json=OFFER_BODY).json()
    held = {p["id"]: p for p in control.get("/_emulator/pods").json()["data"]}
    assert held[pod.json()["id"]]["sharedWithTeam"] is True
    assert held[pod.json()["id"]]["teamMemberIds"] == ["u-1", "u-2"]
    assert held[unshared["id"]]["sharedWithTeam"] is False
    assert held[unshared["id"]]["teamMemberIds"] == []
    assert "sharedWithTeam" not in pod.json()  # the API's pod has no such field
