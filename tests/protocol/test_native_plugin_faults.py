"""``pulumi-resource-prime`` under the faults the dynamic face is tested with, over gRPC.

A lost create answer, a plugin killed while its create waits, a pod deleted
out of band, a pod whose installation fails: each driven as the engine drives
the plugin (its port on its first line, camelCase properties, progress to a
fake engine), against the emulator on loopback.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fake_engine import FakeEngine
from tests.kit.plugin_process import POD_URN, PluginProcess, plain, struct
from tests.protocol.support import API_KEY, DELETE_SECONDS, provider_config, provisioning_takes

#: A pod by constraints, as a Pulumi YAML program declares it.
POD = {"gpuType": "H100_80GB", "gpuCount": 1.0, "maxPrice": 3.0}


@contextmanager
def started_plugin(workdir: Path, base_url: str, engine: FakeEngine) -> Iterator[PluginProcess]:
    """A plugin process of a ``pulumi`` command, configured; its output never shows the key."""
    plugin = PluginProcess(workdir, engine.address)
    try:
        plugin.configure(provider_config(base_url))
        yield plugin
    finally:
        stderr = plugin.close()
    assert API_KEY not in stderr


@pytest.fixture(scope="module")
def plugin_process(
    emulator_server: Any, engine: FakeEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PluginProcess]:
    with started_plugin(tmp_path_factory.mktemp("plugin"), emulator_server.base_url, engine) as p:
        yield p


def checked(plugin: PluginProcess, urn: str) -> provider_pb2.CheckResponse:
    """:data:`POD` through Check, which must accept it."""
    response: provider_pb2.CheckResponse = plugin.stub.Check(
        provider_pb2.CheckRequest(urn=urn, news=struct(POD))
    )
    assert list(response.failures) == []
    return response


def create(plugin: PluginProcess, urn: str, inputs: provider_pb2.CheckResponse) -> Any:
    """Create with what Check answered; the engine's future for the call."""
    return plugin.stub.Create.future(provider_pb2.CreateRequest(urn=urn, properties=inputs.inputs))


def test_a_lost_create_answer_still_makes_one_pod(
    plugin: PluginProcess, emulator: EmulatorControl, engine: FakeEngine
) -> None:
    urn = POD_URN.format(name="lost")
    emulator.fault("create_pod", "drop_after")  # the pod is made; the answer never arrives
    created = create(plugin, urn, checked(plugin, urn)).result()
    outputs = plain(created.properties)
    assert (outputs["podId"], outputs["status"]) == (created.id, "ACTIVE")
    assert emulator.counts()["create_pod"] == 1, "posted once, never again"
    assert [p["id"] for p in emulator.live_pods()] == [created.id]
    assert engine.messages(urn)[-1] == f"ready: {outputs['sshConnection']}"


def _wait_until_provisioning(emulator: EmulatorControl, name: str) -> str:
    """The id of the pod called ``name``, once the emulator holds it, PROVISIONING."""
    deadline = time.monotonic() + 10
    while True:
        made = [p for p in emulator.pods() if p["name"] == name]
        if made and made[0]["status"] == "PROVISIONING":
            return str(made[0]["id"])
        assert time.monotonic() < deadline, f"no pod {name} PROVISIONING: {made}"
        time.sleep(0.02)


def test_a_create_whose_plugin_was_killed_is_adopted_by_the_rerun(
    emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    urn = POD_URN.format(name="killed")
    with provisioning_takes(emulator, 2.0):
        with started_plugin(tmp_path, emulator.base_url, engine) as first:
            inputs = checked(first, urn)
            pending = create(first, urn, inputs)
            pod_id = _wait_until_provisioning(emulator, plain(inputs.inputs)["name"])
            first.process.kill()  # `pulumi up` killed mid-create: its plugin dies with it
            with pytest.raises(grpc.RpcError):
                pending.result()  # the engine recorded no pod
        # The next `pulumi up` is a new plugin process: same URN, so the same name.
        with started_plugin(tmp_path, emulator.base_url, engine) as rerun:
            again = checked(rerun, urn)
            assert plain(again.inputs)["name"] == plain(inputs.inputs)["name"]
            created = create(rerun, urn, again).result()
    assert created.id == pod_id, "the pod the killed run made is adopted"
    assert plain(created.properties)["status"] == "ACTIVE"
    assert emulator.counts()["create_pod"] == 1
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]


def _gone(plugin: PluginProcess, pod_id: str, urn: str, props: Any) -> bool:
    """Whether Read says the pod is gone, as refresh takes it: an empty id, no properties."""
    read = plugin.stub.Read(provider_pb2.ReadRequest(id=pod_id, urn=urn, properties=props))
    return read.id == "" and plain(read.properties) == {}


def test_a_pod_deleted_out_of_band_is_read_as_gone(
    plugin: PluginProcess, emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path
) -> None:
    urn = POD_URN.format(name="elsewhere")
    created = create(plugin, urn, checked(plugin, urn)).result()
    emulator.set_timing(delete_seconds=1.0)
    try:
        emulator.delete_pod(created.id).raise_for_status()  # by hand, in the web console
        assert _gone(plugin, created.id, urn, created.properties), "on its way out is gone"
    finally:
        emulator.set_timing(delete_seconds=DELETE_SECONDS)
    deadline = time.monotonic() + 10
    while emulator.live_pods():
        assert time.monotonic() < deadline, "the emulator never finished deleting the pod"
        time.sleep(0.05)
    # The next `pulumi refresh` is a new plugin process: it finds the pod gone.
    with started_plugin(tmp_path, emulator.base_url, engine) as refresh:
        assert _gone(refresh, created.id, urn, created.properties)


@pytest.mark.parametrize(
    ("fate", "reason", "last_line"),
    [
        (
            "install_failure",
            "installation failed: emulated install_failure",
            "installer: ERROR: emulated install_failure",
        ),
        ("error", "status is ERROR", "provider: ERROR: emulated error"),
    ],
)
def test_a_failed_install_is_one_line_naming_the_pod_and_its_last_log_line_and_leaves_none(
    plugin: PluginProcess,
    emulator: EmulatorControl,
    engine: FakeEngine,
    fate: str,
    reason: str,
    last_line: str,
) -> None:
    urn = POD_URN.format(name=f"doomed-{fate}")
    emulator.fates(fate)
    inputs = checked(plugin, urn)
    name = plain(inputs.inputs)["name"]
    with pytest.raises(grpc.RpcError) as info:
        create(plugin, urn, inputs).result()
    shown = info.value.details() or ""
    assert shown.startswith(f"prime_pulumi.PodProvisioningError: Pod '{name}' ("), shown
    assert reason in shown and shown.endswith("It was deleted, so nothing is left billing.")
    assert f"Its log ends: {last_line!r}." in shown
    assert "\n" not in shown and "Traceback" not in shown
    assert API_KEY not in shown
    assert emulator.live_pods() == []
    assert all(API_KEY not in e.message for e in engine.entries(urn))
    # The pod's last log lines, read before its deletion, stay in its Diagnostics.
    kept = [e.message for e in engine.entries(urn) if not e.ephemeral]
    assert kept[0].startswith("pod log: ") and f"pod {name} created" in kept[0]
    assert kept[-1].endswith(f" {last_line}")
    assert emulator.counts()["pod_logs"] == 1
