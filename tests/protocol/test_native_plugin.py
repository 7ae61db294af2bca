"""``pulumi-resource-prime`` through the engine's protocol, against the emulator on loopback.

The plugin serves the same operations as the dynamic face: these tests drive
it as the engine does (its port on its first line, then gRPC), in the schema's
camelCase, with secrets marked as the engine marks them.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

from prime_pulumi.emulator import WireCluster
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.native.schema import SCHEMA_FILE
from prime_pulumi.native.server import plugin_version
from tests.kit.fake_engine import FakeEngine
from tests.kit.harness import secret
from tests.kit.plugin_process import PluginProcess, plain, struct
from tests.kit.samples import public_key
from tests.protocol.support import API_KEY, DISK_PROVISION_SECONDS, PROVISION_SECONDS, configured

POD_URN = "urn:pulumi:test::protocol::prime:index:Pod::{name}"
DISK_URN = "urn:pulumi:test::protocol::prime:index:Disk::{name}"
POD = {
    "gpuType": "H100_80GB",
    "gpuCount": 1.0,
    "maxPrice": 3.0,
    "jupyterPassword": secret("hunter2-jupyter"),
    "envVars": secret({"WANDB_API_KEY": "wandb-secret"}),
}


def _check(plugin: PluginProcess, news: dict[str, Any], urn: str) -> provider_pb2.CheckResponse:
    checked: provider_pb2.CheckResponse = plugin.stub.Check(
        provider_pb2.CheckRequest(urn=urn, news=struct(news))
    )
    return checked


def test_it_reports_the_package_s_version_and_the_committed_schema(plugin: PluginProcess) -> None:
    assert plugin.stub.GetPluginInfo(empty_pb2.Empty()).version == plugin_version()
    schema = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest()).schema
    assert schema == SCHEMA_FILE.read_text()


def test_a_pod_by_constraints_lives_and_goes_in_camel_case(
    plugin: PluginProcess, emulator: EmulatorControl, engine: FakeEngine
) -> None:
    urn = POD_URN.format(name="trainer")
    checked = _check(plugin, POD, urn)
    assert list(checked.failures) == []
    inputs = plain(checked.inputs)
    assert inputs["name"].startswith("trainer-")
    assert inputs["jupyterPassword"] == secret("hunter2-jupyter"), "secrets stay marked"
    # What prime-pulumi sets itself travels hidden: the CLI never shows a `__` property.
    assert inputs["__auto_name_seed"] == "organization/protocol/test/trainer"
    assert "autoNameSeed" not in inputs

    created = plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    outputs = plain(created.properties)
    assert outputs["podId"] == created.id
    assert outputs["sshConnection"].startswith("root@")
    assert outputs["cloudId"] == "tensordock-h100-pcie-1x-nl-ams-1", "the cheapest in stock"
    assert outputs["priceHr"] <= 3.0
    assert outputs["envVars"] == secret({"WANDB_API_KEY": "wandb-secret"})
    assert [p["id"] for p in emulator.pods()] == [created.id]
    assert engine.messages(urn)[-1] == f"ready: {outputs['sshConnection']}"

    read = plugin.stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert read.id == created.id
    assert plain(read.inputs)["gpuType"] == "H100_80GB"
    diff = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id=created.id, urn=urn, olds=created.properties, news=checked.inputs
        )
    )
    assert diff.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert "__auto_name_seed" in diff.stables and "autoNameSeed" not in diff.stables
    bigger = plain(checked.inputs) | {"gpuCount": 2.0}
    diff = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id=created.id, urn=urn, olds=created.properties, news=struct(bigger)
        )
    )
    assert (diff.changes, list(diff.replaces)) == (
        provider_pb2.DiffResponse.DIFF_SOME,
        ["gpuCount"],
    )

    plugin.stub.Delete(
        provider_pb2.DeleteRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert [p["id"] for p in emulator.pods() if p["status"] != "TERMINATED"] == []
    gone = plugin.stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert gone.id == "", "a pod gone out of band is dropped by refresh"


def test_a_bad_input_is_one_failure_per_property_by_its_schema_name(plugin: PluginProcess) -> None:
    checked = _check(plugin, {"gpuType": "H100_80GB", "gpuCount": 0.0}, POD_URN.format(name="x"))
    assert [f.property for f in checked.failures] == ["gpuCount"]
    assert checked.failures[0].reason.startswith("gpuCount: "), "named as the program names it"


def test_a_failed_install_is_one_line_and_leaves_no_pod(
    plugin: PluginProcess, emulator: EmulatorControl
) -> None:
    urn = POD_URN.format(name="doomed")
    emulator.fates("error")
    checked = _check(plugin, POD, urn)
    with pytest.raises(grpc.RpcError) as info:
        plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    shown = info.value.details() or ""
    assert shown.startswith("prime_pulumi.PodProvisioningError: Pod 'doomed-")
    assert "\n" not in shown and "nothing is left billing" in shown
    assert [p["id"] for p in emulator.pods() if p["status"] != "TERMINATED"] == []


def test_custom_timeouts_shorten_the_wait(plugin: PluginProcess, emulator: EmulatorControl) -> None:
    urn = POD_URN.format(name="slow")
    emulator.set_timing(provision_seconds=30)
    checked = _check(plugin, POD, urn)
    with pytest.raises(grpc.RpcError) as info:
        plugin.stub.Create(
            provider_pb2.CreateRequest(urn=urn, properties=checked.inputs, timeout=1.0)
        )
    assert "not ready within 1 seconds (ready_timeout)" in (info.value.details() or "")
    assert [p["id"] for p in emulator.pods() if p["status"] != "TERMINATED"] == []


def test_a_pod_shared_with_its_team_reaches_the_api_so(
    plugin: PluginProcess, emulator: EmulatorControl
) -> None:
    urn = POD_URN.format(name="shared")
    sharing = {"sharedWithTeam": True, "teamMemberIds": ["user-a"]}
    checked = _check(plugin, {**POD, **sharing}, urn)
    assert list(checked.failures) == []
    created = plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    (held,) = [p for p in emulator.pods() if p["id"] == created.id]
    assert (held["sharedWithTeam"], held["teamMemberIds"]) == (True, ["user-a"])
    assert {k: plain(created.properties)[k] for k in sharing} == sharing
    plugin.stub.Delete(
        provider_pb2.DeleteRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert emulator.live_pods() == []


def test_a_disk_is_served_by_the_same_process(
    plugin: PluginProcess, emulator: EmulatorControl
) -> None:
    urn = DISK_URN.format(name="data")
    checked = _check(plugin, {"size": 100.0, "regions": ["united_states"]}, urn)
    assert list(checked.failures) == []
    created = plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    outputs = plain(created.properties)
    assert (outputs["diskId"], outputs["status"], outputs["size"]) == (created.id, "ACTIVE", 100)
    plugin.stub.Delete(
        provider_pb2.DeleteRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert [d["id"] for d in emulator.disks() if d["status"] != "TERMINATED"] == []


def test_a_preview_creates_nothing_and_shows_the_offer_it_would_choose(
    plugin: PluginProcess, emulator: EmulatorControl, engine: FakeEngine
) -> None:
    urn = POD_URN.format(name="planned")
    checked = _check(plugin, POD, urn)
    preview = plugin.stub.Create(
        provider_pb2.CreateRequest(urn=urn, properties=checked.inputs, preview=True)
    )
    assert preview.id == ""
    assert emulator.pods() == []
    assert engine.messages(urn)[-1] == (
        "would choose offer tensordock-h100-pcie-1x-nl-ams-1 (tensordock, eu_west) at $1.89/h"
    )


def test_a_preview_does_not_fail_when_the_marketplace_cannot_be_read(
    plugin: PluginProcess, emulator: EmulatorControl, engine: FakeEngine
) -> None:
    urn = POD_URN.format(name="unreadable")
    checked = _check(plugin, POD, urn)
    emulator.fault("gpu_availability", "status", status=403, detail="no marketplace for you")
    preview = plugin.stub.Create(
        provider_pb2.CreateRequest(urn=urn, properties=checked.inputs, preview=True)
    )
    assert preview.id == ""
    message = engine.messages(urn)[-1]
    assert message.startswith("the offers cannot be read just now (")
    assert message.endswith("); one is chosen at create")
    assert emulator.pods() == []


def test_an_import_reads_the_inputs_the_api_reports(
    plugin: PluginProcess, emulator: EmulatorControl
) -> None:
    by_hand = emulator.create_pod("made-by-hand", gpu_type="H100_80GB", socket="PCIe")
    urn = POD_URN.format(name="adopted")
    read = plugin.stub.Read(provider_pb2.ReadRequest(id=by_hand["id"], urn=urn))
    inputs = plain(read.inputs)
    assert (inputs["name"], inputs["gpuType"], inputs["gpuCount"]) == (
        "made-by-hand",
        "H100_80GB",
        1,
    )
    # What came with its offer is recorded as chosen: a program may leave it open.
    assert sorted(plain(read.properties)["__chosen"]) == ["provider_type", "socket"]
    assert "envVars" not in inputs, "what the API never reports stays unknown"


def test_the_offers_functions_answer_as_the_python_ones_do(plugin: PluginProcess) -> None:
    gpus = plugin.stub.Invoke(
        provider_pb2.InvokeRequest(
            tok="prime:index:getGpuOffers",
            args=struct({"gpuType": "H100_80GB", "gpuCount": 1.0, "maxPrice": 3.0}),
        )
    )
    offers = plain(getattr(gpus, "return"))["offers"]
    assert offers[0]["cloudId"] == "tensordock-h100-pcie-1x-nl-ams-1", "cheapest first"
    assert all(o["priceHr"] <= 3.0 and o["gpuType"] == "H100_80GB" for o in offers)
    disks = plugin.stub.Invoke(
        provider_pb2.InvokeRequest(tok="prime:index:getDiskOffers", args=struct({"minSize": 500.0}))
    )
    assert all(o["maxSize"] >= 500 for o in plain(getattr(disks, "return"))["offers"])
    with pytest.raises(grpc.RpcError) as info:
        plugin.stub.Invoke(provider_pb2.InvokeRequest(tok="prime:index:getNothing"))
    assert "is not a function of the prime provider" in (info.value.details() or "")


def test_get_cluster_answers_the_cluster_s_fields_in_camel_case(
    plugin: PluginProcess, emulator_server: Any
) -> None:
    cluster = emulator_server.backend.add_cluster(
        WireCluster.model_validate({"name": "c", "nodes": [{"id": "n1", "connections": [{}]}]})
    )
    answer = plugin.stub.Invoke(
        provider_pb2.InvokeRequest(
            tok="prime:index:getCluster", args=struct({"clusterId": cluster.id})
        )
    )
    got = plain(getattr(answer, "return"))
    assert (got["id"], got["name"]) == (cluster.id, "c")
    assert got["nodes"][0]["id"] == "n1" and len(got["nodes"][0]["connections"]) == 1
    assert "sshKeys" in got
    with pytest.raises(grpc.RpcError) as info:
        plugin.stub.Invoke(
            provider_pb2.InvokeRequest(
                tok="prime:index:getCluster", args=struct({"clusterId": "nope"})
            )
        )
    details = info.value.details() or ""
    assert "get_cluster('nope'): no cluster has that id" in details
    assert "\n" not in details and API_KEY not in details


def test_cancel_ends_the_waits_and_leaves_nothing_billing(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    """Ctrl-C: the engine's Cancel ends a pod's and a disk's waits, each all or nothing."""
    emulator.set_timing(provision_seconds=600, disk_provision_seconds=600)
    plugin = configured(PluginProcess(tmp_path, engine.address), emulator.base_url)
    try:
        pod, disk = POD_URN.format(name="long"), DISK_URN.format(name="slow")
        requests = [
            provider_pb2.CreateRequest(urn=pod, properties=_check(plugin, POD, pod).inputs),
            provider_pb2.CreateRequest(
                urn=disk, properties=_check(plugin, {"size": 100.0}, disk).inputs
            ),
        ]
        with ThreadPoolExecutor(2) as pool:
            creates = [pool.submit(plugin.stub.Create, request) for request in requests]
            while not (emulator.live_pods() and emulator.live_disks()):
                time.sleep(0.05)
            plugin.stub.Cancel(empty_pb2.Empty())
            failures = [c.exception(timeout=60) for c in creates]
    finally:
        emulator.set_timing(
            provision_seconds=PROVISION_SECONDS, disk_provision_seconds=DISK_PROVISION_SECONDS
        )
        assert API_KEY not in plugin.close()
    shown = [(f.details() or "") if isinstance(f, grpc.RpcError) else repr(f) for f in failures]
    for text, noun in zip(shown, ("Pod", "Disk"), strict=True):
        assert text.startswith(f"prime_pulumi.{noun}ProvisioningError: {noun} '"), text
        assert "the operation was cancelled (Ctrl-C)" in text and "\n" not in text
        assert "nothing is left billing" in text, text
    # A Ctrl-C must end promptly: the failed pod's log is not read first.
    assert "Its log ends" not in shown[0] and emulator.counts().get("pod_logs", 0) == 0
    emulator_settles = time.monotonic() + 10
    while (emulator.live_pods() or emulator.live_disks()) and time.monotonic() < emulator_settles:
        time.sleep(0.05)
    assert emulator.live_pods() == [] and emulator.live_disks() == []


def test_a_bad_setting_is_refused_by_check_config_in_one_line(plugin: PluginProcess) -> None:
    with pytest.raises(grpc.RpcError) as info:
        plugin.stub.CheckConfig(
            provider_pb2.CheckRequest(
                urn="urn:pulumi:test::protocol::pulumi:providers:prime::default",
                news=struct({"pollMaxSeconds": "soon", "apiKey": secret(API_KEY)}),
            )
        )
    assert (info.value.details() or "") == (
        "prime_pulumi.ConfigurationError: Invalid stack config: prime:pollMaxSeconds must be a "
        "positive number of seconds, not 'soon'"
    )


def test_update_renames_a_disk_and_keeps_a_pod_s_new_ready_timeout_in_state(
    plugin: PluginProcess, emulator: EmulatorControl
) -> None:
    urn = DISK_URN.format(name="renamed")
    checked = _check(plugin, {"size": 100.0, "name": "before"}, urn)
    created = plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    news = _check(plugin, {"size": 100.0, "name": "after"}, urn).inputs
    diff = plugin.stub.Diff(
        provider_pb2.DiffRequest(id=created.id, urn=urn, olds=created.properties, news=news)
    )
    assert (diff.changes, list(diff.replaces)) == (provider_pb2.DiffResponse.DIFF_SOME, [])
    updated = plugin.stub.Update(
        provider_pb2.UpdateRequest(id=created.id, urn=urn, olds=created.properties, news=news)
    )
    assert plain(updated.properties)["name"] == "after"
    assert [d["name"] for d in emulator.live_disks()] == ["after"]

    pod = POD_URN.format(name="patient")
    made = plugin.stub.Create(
        provider_pb2.CreateRequest(urn=pod, properties=_check(plugin, POD, pod).inputs)
    )
    longer = _check(plugin, {**POD, "readyTimeout": 3600.0}, pod).inputs
    sent = sum(emulator.counts().values())
    kept = plugin.stub.Update(
        provider_pb2.UpdateRequest(id=made.id, urn=pod, olds=made.properties, news=longer)
    )
    assert plain(kept.properties)["readyTimeout"] == 3600
    assert plain(kept.properties)["podId"] == made.id
    assert sum(emulator.counts().values()) == sent, "a new ready_timeout never reaches the API"


def test_an_ssh_key_is_served_as_prime_index_ssh_key_and_a_pod_takes_its_id(
    plugin: PluginProcess, emulator: EmulatorControl
) -> None:
    urn = "urn:pulumi:test::protocol::prime:index:SshKey::deploy"
    bad = _check(plugin, {"publicKey": "ssh-ed25519 AAAA"}, urn)
    assert [f.property for f in bad.failures] == ["publicKey"]
    checked = _check(plugin, {"publicKey": public_key(3)}, urn)
    assert list(checked.failures) == [] and plain(checked.inputs)["name"].startswith("deploy-")
    created = plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    outputs = plain(created.properties)
    assert (outputs["sshKeyId"], outputs["isPrimary"]) == (created.id, True)
    assert outputs["fingerprint"].startswith("SHA256:") and outputs["createdAt"]
    read = plugin.stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert read.id == created.id and plain(read.properties)["sshKeyId"] == created.id

    pod = POD_URN.format(name="keyed")
    pod_inputs = _check(plugin, {**POD, "sshKeyId": created.id}, pod).inputs
    made = plugin.stub.Create(provider_pb2.CreateRequest(urn=pod, properties=pod_inputs))
    assert [p["sshKeyId"] for p in emulator.pods() if p["id"] == made.id] == [created.id]
    plugin.stub.Delete(provider_pb2.DeleteRequest(id=made.id, urn=pod, properties=made.properties))

    for _ in range(2):  # a second delete finds it gone, and is done
        plugin.stub.Delete(
            provider_pb2.DeleteRequest(id=created.id, urn=urn, properties=created.properties)
        )
    assert emulator.ssh_keys() == []
    gone = plugin.stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert gone.id == ""
