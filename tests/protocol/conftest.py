"""Fixtures of the protocol tests: an emulator on loopback and a provider process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fake_engine import FakeEngine
from tests.kit.harness import ProviderProcess
from tests.kit.plugin_process import PluginProcess
from tests.protocol.support import (
    API_KEY,
    DELETE_SECONDS,
    DISK_DELETE_SECONDS,
    DISK_PROVISION_SECONDS,
    PROVISION_SECONDS,
    configured,
    provider_config,
)


@pytest.fixture(scope="module")
def emulator_server() -> Iterator[Any]:
    from prime_pulumi.emulator import EmulatorBackend, EmulatorServer

    backend = EmulatorBackend(
        api_keys=[API_KEY],
        admin_keys=[API_KEY],  # getCluster reads the admin API
        provision_seconds=PROVISION_SECONDS,
        delete_seconds=DELETE_SECONDS,
        disk_provision_seconds=DISK_PROVISION_SECONDS,
        disk_delete_seconds=DISK_DELETE_SECONDS,
    )
    with EmulatorServer(backend) as server:
        yield server


@pytest.fixture
def emulator(emulator_server: Any) -> Iterator[EmulatorControl]:
    with closing(EmulatorControl(emulator_server.base_url, API_KEY)) as control:
        control.reset()
        yield control


@pytest.fixture(scope="module")
def provider_process(
    emulator_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderProcess]:
    process = ProviderProcess(tmp_path_factory.mktemp("provider"))
    process.configure(provider_config(emulator_server.base_url))
    yield process
    stderr = process.close()
    assert API_KEY not in stderr


@pytest.fixture
def provider(provider_process: ProviderProcess, emulator: EmulatorControl) -> ProviderProcess:
    return provider_process


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture(scope="module")
def engine() -> Iterator[FakeEngine]:
    """A fake engine for a module's processes (a module may want one per test instead)."""
    with FakeEngine() as fake:
        yield fake


@pytest.fixture(scope="module")
def plugin_process(
    emulator_server: Any, engine: FakeEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PluginProcess]:
    """One ``pulumi-resource-prime`` for a module, configured on the emulator."""
    plugin = PluginProcess(tmp_path_factory.mktemp("plugin"), engine.address)
    configured(plugin, emulator_server.base_url)
    yield plugin
    assert API_KEY not in plugin.close(), "the key never reaches the plugin's output"


@pytest.fixture
def plugin(plugin_process: PluginProcess, emulator: EmulatorControl) -> PluginProcess:
    """The module's plugin, with the emulator reset for each test."""
    return plugin_process
