"""The control API refuses what is not its documented request, and takes every documented form.

Each refusal is a 422 in the API's validation-error shape whose ``loc`` names the
key at fault, and leaves the emulator as it was.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from prime_pulumi.emulator import EmulatorBackend, WireCluster
from tests.emulator.support import CLUSTER_SEED, OFFER_BODY

GET_POD_DROP = {"route": "get_pod", "action": "drop"}
GET_POD_STATUS = {"route": "get_pod", "action": "status"}
GET_POD_DELAY = {"route": "get_pod", "action": "delay"}
SETTINGS = {  # the fixture's
    "provision_seconds": 0.0,
    "delete_seconds": 0.0,
    "disk_provision_seconds": 0.0,
    "disk_delete_seconds": 0.0,
}


def refused(response: httpx.Response) -> list[dict[str, Any]]:
    """The issues of a 422 in the API's validation-error shape."""
    assert response.status_code == 422, response.text
    issues: list[dict[str, Any]] = response.json()["detail"]
    assert issues
    assert all(set(issue) == {"loc", "msg", "type"} for issue in issues)
    return issues


def first_cluster_id() -> str:
    """The id the module's server (seed 0, reset) gives the first cluster posted without one."""
    return EmulatorBackend().add_cluster(WireCluster()).id


def assert_untouched(control: httpx.Client, admin: httpx.Client) -> None:
    """The emulator is as the fixture left it: no cluster, fate or fault; the fixture's timing."""
    assert admin.get(f"/api/admin/clusters/{first_cluster_id()}").status_code == 404
    assert control.post("/_emulator/fates", json={"fates": []}).json() == {"queued": 0}
    assert control.get("/_emulator/faults").json() == {"data": []}
    assert control.get("/_emulator/config").json() == SETTINGS


def test_the_admin_envelope_is_not_taken_for_a_cluster(
    admin: httpx.Client, control: httpx.Client
) -> None:
    cluster = {**copy.deepcopy(CLUSTER_SEED["data"]), "id": "cluster-1"}
    envelope = {"data": cluster, "status": "success"}

    [issue] = refused(control.post("/_emulator/clusters", json=envelope))
    assert (issue["loc"], issue["type"]) == (["body"], "envelope")
    assert "envelope" in issue["msg"]
    assert 'the value of "data"' in issue["msg"]
    # Nothing stored: neither the cluster inside nor a default one.
    assert admin.get("/api/admin/clusters/cluster-1").status_code == 404
    assert_untouched(control, admin)

    # What the message asks for works.
    assert control.post("/_emulator/clusters", json=envelope["data"]).status_code == 200
    assert admin.get("/api/admin/clusters/cluster-1").json() == envelope


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        pytest.param("reset", {"keep_timing": True}, ["keep_timing"], id="reset"),
        pytest.param(
            "config", {"provision_seconds": 1, "provision": 2}, ["provision"], id="config"
        ),
        pytest.param("clusters", {"name": "c", "gpuCnt": 8}, ["gpuCnt"], id="cluster"),
        pytest.param(
            "clusters", {"nodes": [{"name": "n", "gpus": 8}]}, ["nodes", 0, "gpus"], id="node"
        ),
        pytest.param(
            "clusters",
            {"nodes": [{"connections": [{"hostname": "h"}]}]},
            ["nodes", 0, "connections", 0, "hostname"],
            id="connection",
        ),
        pytest.param(
            "clusters", {"sshKeys": [{"key": "ssh-ed25519 A"}]}, ["sshKeys", 0, "key"], id="ssh-key"
        ),
        pytest.param("fates", {"fates": [], "clear": True}, ["clear"], id="fates"),
        pytest.param(
            "fates", {"fates": [{"kind": "error", "msg": "m"}]}, ["fates", 0, "msg"], id="fate"
        ),
        pytest.param("faults", {**GET_POD_DROP, "count": 2}, ["count"], id="fault"),
        pytest.param("pods/some-pod/fail", {"kind": "error", "reason": "m"}, ["reason"], id="fail"),
    ],
)
def test_unknown_keys_are_refused(
    control: httpx.Client,
    admin: httpx.Client,
    path: str,
    body: dict[str, Any],
    loc: list[str | int],
) -> None:
    issues = refused(control.post(f"/_emulator/{path}", json=body))
    assert {"loc": ["body", *loc], "type": "extra_forbidden"} in [
        {"loc": issue["loc"], "type": issue["type"]} for issue in issues
    ]
    assert_untouched(control, admin)


@pytest.mark.parametrize(
    ("path", "body", "loc", "kind"),
    [
        pytest.param("reset", [], [], "model_attributes_type", id="reset-list"),
        pytest.param("reset", "now", [], "model_attributes_type", id="reset-string"),
        pytest.param("config", [], [], "model_attributes_type", id="config-list"),
        pytest.param(
            "config",
            {"provision_seconds": "5"},
            ["provision_seconds"],
            "float_type",
            id="config-str",
        ),
        pytest.param(
            "config", {"delete_seconds": True}, ["delete_seconds"], "float_type", id="config-bool"
        ),
        pytest.param("clusters", [{"name": "c"}], [], "model_attributes_type", id="cluster-list"),
        pytest.param("clusters", {"gpuCount": "16"}, ["gpuCount"], "int_type", id="cluster-str"),
        pytest.param(
            "clusters", {"vaultEnabled": "yes"}, ["vaultEnabled"], "bool_type", id="cluster-bool"
        ),
        pytest.param("clusters", {"nodes": {"name": "n"}}, ["nodes"], "list_type", id="nodes"),
        pytest.param(
            "clusters",
            {"nodes": [{"gpuCount": 8.0}]},
            ["nodes", 0, "gpuCount"],
            "int_type",
            id="node-float",
        ),
        pytest.param("fates", [{"kind": "error"}], [], "model_attributes_type", id="fates-list"),
        pytest.param("fates", {"fates": {"kind": "error"}}, ["fates"], "list_type", id="fates"),
        pytest.param("faults", {**GET_POD_DROP, "times": True}, ["times"], "int_type", id="bool"),
        pytest.param("faults", {**GET_POD_DROP, "times": "2"}, ["times"], "int_type", id="str"),
        pytest.param("faults", {**GET_POD_DROP, "times": 2.0}, ["times"], "int_type", id="float"),
        pytest.param(
            "faults", {**GET_POD_STATUS, "status": "429"}, ["status"], "int_type", id="status"
        ),
        pytest.param(
            "faults", {**GET_POD_DELAY, "delay": "1"}, ["delay"], "float_type", id="delay"
        ),
        pytest.param(
            "faults", {"route": "nope", "action": "drop"}, ["route"], "literal_error", id="route"
        ),
        pytest.param(
            "pods/some-pod/fail",
            {"kind": "error", "message": 5},
            ["message"],
            "string_type",
            id="fail",
        ),
    ],
)
def test_wrong_types_are_refused(
    control: httpx.Client, admin: httpx.Client, path: str, body: Any, loc: list[str], kind: str
) -> None:
    issues = refused(control.post(f"/_emulator/{path}", json=body))
    assert [{"loc": i["loc"], "type": i["type"]} for i in issues] == [
        {"loc": ["body", *loc], "type": kind}
    ]
    assert_untouched(control, admin)


@pytest.mark.parametrize(
    ("fault", "field"),
    [
        pytest.param({**GET_POD_DROP, "status": 429}, "status", id="drop-status"),
        pytest.param({**GET_POD_DROP, "retry_after": 1}, "retry_after", id="drop-retry_after"),
        pytest.param(
            {"route": "create_pod", "action": "drop_after", "detail": "lost"},
            "detail",
            id="drop_after-detail",
        ),
        pytest.param({**GET_POD_DELAY, "delay": 1, "status": 500}, "status", id="delay-status"),
        pytest.param({**GET_POD_STATUS, "delay": 1}, "delay", id="status-delay"),
    ],
)
def test_fault_settings_the_action_ignores_are_refused(
    control: httpx.Client, admin: httpx.Client, fault: dict[str, Any], field: str
) -> None:
    [issue] = refused(control.post("/_emulator/faults", json=fault))
    assert (issue["loc"], issue["type"]) == (["body", field], "unused_by_action")
    assert field in issue["msg"]
    assert fault["action"] in issue["msg"]
    assert_untouched(control, admin)


def test_a_body_on_reset_or_clear_is_refused_and_nothing_is_forgotten(
    control: httpx.Client,
) -> None:
    fault_id = control.post("/_emulator/faults", json=GET_POD_DROP).json()["id"]
    assert control.post("/_emulator/fates", json={"fates": [{"kind": "stuck"}]}).status_code == 200

    [issue] = refused(control.post("/_emulator/reset", json={"keep_clusters": True}))
    assert (issue["loc"], issue["type"]) == (["body", "keep_clusters"], "extra_forbidden")
    [issue] = refused(control.request("DELETE", "/_emulator/faults", json={"route": "get_pod"}))
    assert (issue["loc"], issue["type"]) == (["body", "route"], "extra_forbidden")

    assert [f["id"] for f in control.get("/_emulator/faults").json()["data"]] == [fault_id]
    assert control.post("/_emulator/fates", json={"fates": []}).json() == {"queued": 1}


# --- the documented forms ---------------------------------------------------


def test_config_takes_either_key_both_nulls_or_neither(control: httpx.Client) -> None:
    settings = SETTINGS
    for body, changed in [
        ({"provision_seconds": 2}, {"provision_seconds": 2.0}),
        ({"delete_seconds": 0.5}, {"delete_seconds": 0.5}),
        ({"provision_seconds": 0, "delete_seconds": 0}, SETTINGS),  # integers are numbers
        ({"provision_seconds": None, "delete_seconds": 1.5}, {"delete_seconds": 1.5}),
        ({"disk_provision_seconds": 3}, {"disk_provision_seconds": 3.0}),
        ({"disk_delete_seconds": 0.25, "delete_seconds": None}, {"disk_delete_seconds": 0.25}),
        ({"provision_seconds": None, "delete_seconds": None}, {}),
        ({}, {}),
    ]:
        settings = settings | changed
        answer = control.post("/_emulator/config", json=body)
        assert (answer.status_code, answer.json()) == (200, settings), body


def test_clusters_are_partial_camel_case_and_get_ids(
    control: httpx.Client, admin: httpx.Client
) -> None:
    fresh = control.post("/_emulator/clusters", json={})
    assert fresh.status_code == 200, fresh.text
    assert (fresh.json()["id"], fresh.json()["name"]) == (first_cluster_id(), WireCluster().name)
    blank_id = control.post("/_emulator/clusters", json={"id": "", "name": "blank"}).json()
    assert blank_id["id"] not in ("", fresh.json()["id"])

    partial = {
        "id": "c-2",
        "gpuCount": 8,
        "priceHr": 12,  # an integer is a number
        "teamId": None,
        "info": {"anything": ["goes", 1]},
        "nodes": [{"name": "n-0", "connections": [{"host": "10.0.0.2", "isControlNode": True}]}],
        "sshKeys": [{}],
    }
    assert control.post("/_emulator/clusters/", json=partial).status_code == 200
    served = admin.get("/api/admin/clusters/c-2").json()["data"]
    assert (served["gpuCount"], served["priceHr"], served["info"]) == (8, 12.0, partial["info"])
    assert served["nodes"][0]["connections"][0]["isControlNode"] is True


def test_fates_faults_failures_and_resets_in_their_documented_forms(
    control: httpx.Client, api: httpx.Client
) -> None:
    fates = {"fates": [{}, {"kind": "error", "message": None}, {"kind": "stuck", "message": "m"}]}
    assert control.post("/_emulator/fates", json=fates).json() == {"queued": 3}
    assert control.post("/_emulator/fates", json={"fates": []}).json() == {"queued": 3}

    # Each action with the settings it uses (or the defaults of the others)...
    for fault in [
        GET_POD_DROP,
        {"route": "*", "action": "drop_after", "times": 2},
        {"route": "list_pods", "action": "delay", "delay": 0.5},
        {**GET_POD_STATUS, "status": 429, "retry_after": 2, "detail": "d"},
        {**GET_POD_DROP, "status": 503, "retry_after": None, "delay": 0, "detail": None},
    ]:
        answer = control.post("/_emulator/faults/", json=fault)
        assert answer.status_code == 200, (fault, answer.text)
    # ... so a fault posts back as GET shows it, less its id.
    listed = control.get("/_emulator/faults").json()["data"]
    for shown in listed:
        del shown["id"]
        assert control.post("/_emulator/faults", json=shown).status_code == 200, shown
    assert control.delete("/_emulator/faults").json() == {"cleared": 2 * len(listed)}
    assert control.request("DELETE", "/_emulator/faults/", json={}).json() == {"cleared": 0}

    created = api.post("/api/v1/pods/", json=OFFER_BODY)
    assert created.status_code == 200, created.text
    pod = created.json()["id"]
    failed = control.post(f"/_emulator/pods/{pod}/fail", json={"kind": "install_failure"})
    assert failed.json()["installationStatus"] == "ERROR"
    failed = control.post(f"/_emulator/pods/{pod}/fail/", json={"kind": "error", "message": "m"})
    assert (failed.json()["status"], failed.json()["installationFailure"]) == ("ERROR", "m")

    assert control.post("/_emulator/reset").json() == {"status": "reset"}
    assert control.post("/_emulator/reset/", json={}).json() == {"status": "reset"}
    assert control.get("/_emulator/pods").json() == {"data": []}
