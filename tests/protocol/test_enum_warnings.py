"""A value the API does not list is a warning in the resource's Diagnostics, in both faces.

Check (at preview and at ``up``) warns of a ``gpu_type`` or ``image`` outside the
document's enums, naming the closest; nothing is refused. The warning is a
non-ephemeral WARNING ``Engine.Log`` for the resource's URN, so the CLI lists it
under the resource; a fake engine records what the CLI would show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import engine_pb2

from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fake_engine import FakeEngine, LogEntry
from tests.kit.harness import DISK_URN, URN, ProviderProcess, error_text
from tests.kit.plugin_process import POD_URN as NATIVE_URN
from tests.kit.plugin_process import PluginProcess
from tests.protocol.support import provider_config

POD = {"gpu_type": "H100_80GB", "gpu_count": 1.0, "auto_name_seed": "org/protocol/test/trainer"}
POD_URN = URN.format(name="trainer")
NATIVE_POD_URN = NATIVE_URN.format(name="trainer")


@pytest.fixture
def engine() -> Iterator[FakeEngine]:
    with FakeEngine() as server:
        yield server


@pytest.fixture
def dynamic(emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path) -> Iterator[Any]:
    process = ProviderProcess(tmp_path, engine_address=engine.address)
    try:
        process.configure(provider_config(emulator.base_url))
        yield process
    finally:
        process.close()


@pytest.fixture
def native(emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path) -> Iterator[Any]:
    plugin = PluginProcess(tmp_path, engine.address)
    try:
        plugin.configure(provider_config(emulator.base_url))
        yield plugin
    finally:
        plugin.close()


def warnings(engine: FakeEngine, urn: str) -> list[str]:
    """The warnings the CLI lists under ``urn`` in Diagnostics; nothing else was logged."""
    entries = engine.entries(urn)
    assert all(_is_diagnostic_warning(e) for e in entries), entries
    return [e.message for e in entries]


def _is_diagnostic_warning(entry: LogEntry) -> bool:
    return not entry.ephemeral and entry.severity == engine_pb2.WARNING


def test_dynamic_a_gpu_type_and_an_image_the_api_does_not_list_are_warned_of_under_the_pod(
    dynamic: ProviderProcess, engine: FakeEngine, emulator: EmulatorControl
) -> None:
    declared = {**POD, "gpu_type": "H100", "image": "ubuntu_99", URN_KEY: POD_URN}
    inputs, failures = dynamic.check(declared)
    assert failures == []  # the API stays the judge
    assert (inputs["gpu_type"], inputs["image"]) == ("H100", "ubuntu_99")
    assert warnings(engine, POD_URN) == [
        "gpu_type 'H100' is not a value the API lists; the closest is 'H100_80GB'. "
        "It is kept as declared, in case a newer API knows it.",
        "image 'ubuntu_99' is not a value the API lists; the closest is 'ubuntu_22_cuda_12'. "
        "It is kept as declared, in case a newer API knows it.",
    ]
    assert engine.entries() == engine.entries(POD_URN), "only the pod's own row"
    assert sum(emulator.counts().values()) == 0, "Check asks the API nothing"


def test_dynamic_values_the_api_lists_give_no_warning(
    dynamic: ProviderProcess, engine: FakeEngine
) -> None:
    declared = {**POD, "image": "ubuntu_22_cuda_12", "socket": "PCIe", URN_KEY: POD_URN}
    _, failures = dynamic.check(declared)
    assert failures == []
    assert engine.entries() == []


def test_dynamic_a_disks_provider_the_api_does_not_list_is_warned_of_under_the_disk(
    dynamic: ProviderProcess, engine: FakeEngine
) -> None:
    disks = dynamic.for_disks()
    urn = DISK_URN.format(name="data")
    _, failures = disks.check({"size": 50, "provider_type": "runpd", URN_KEY: urn}, name="data")
    assert failures == []
    (warning,) = warnings(engine, urn)
    assert warning.startswith("provider_type 'runpd' is not a value the API lists")
    assert "the closest is 'runpod'" in warning


def test_dynamic_a_create_of_a_gpu_type_the_api_does_not_list_names_the_closest(
    dynamic: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs, _ = dynamic.check({**POD, "gpu_type": "H100", URN_KEY: POD_URN})
    with pytest.raises(grpc.RpcError) as raised:
        dynamic.create(inputs)
    message = error_text(raised.value).strip()
    assert "\n" not in message
    assert "'H100' is not a GPU type the API lists; the closest is 'H100_80GB'." in message
    assert message.endswith("Nothing was posted.")
    assert emulator.pods() == []


def test_native_a_gpu_type_the_api_does_not_list_is_warned_of_in_the_schemas_words(
    native: PluginProcess, engine: FakeEngine
) -> None:
    inputs, failures = native.check({**POD, "gpu_type": "H100", "image": "ubuntu_99"})
    assert failures == []
    assert inputs["gpu_type"] == "H100"
    assert "__urn" not in inputs, "the URN is not an input the engine stores"
    shown = warnings(engine, NATIVE_POD_URN)
    assert [w.split(" is not")[0] for w in shown] == ["gpuType 'H100'", "image 'ubuntu_99'"]
    assert "the closest is 'H100_80GB'" in shown[0]
    assert "the closest is 'ubuntu_22_cuda_12'" in shown[1]


def test_native_values_the_api_lists_give_no_warning(
    native: PluginProcess, engine: FakeEngine
) -> None:
    _, failures = native.check({**POD, "image": "ubuntu_22_cuda_12", "regions": ["eu_west"]})
    assert failures == []
    assert engine.entries() == []
