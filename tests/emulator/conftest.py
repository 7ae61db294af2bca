"""Fixtures of the emulator tests: a fake clock, backends, and HTTP clients on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from prime_pulumi.emulator import DEFAULT_ADMIN_KEY, DEFAULT_API_KEY, EmulatorBackend
from prime_pulumi.emulator.server import EmulatorServer

#: The documented response of GET /api/admin/clusters/{id}, verbatim from the seed document.
CLUSTER_SEED: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cluster_seed.json").read_text(encoding="utf-8")
)

#: A create body for an offer of the catalogue.
OFFER_BODY: dict[str, Any] = {
    "pod": {
        "name": "trainer",
        "cloudId": "runpod-h100-pcie-1x-us-ks-2",
        "gpuType": "H100_80GB",
        "socket": "PCIe",
        "gpuCount": 1,
    },
    "provider": {"type": "runpod"},
}


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> EmulatorBackend:
    """A backend on the fake clock, with pods ready after 10 s."""
    return EmulatorBackend(provision_seconds=10.0, clock=clock)


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """A server of this module's own, for tests that need a backend nobody else touches."""
    with EmulatorServer(EmulatorBackend(provision_seconds=0.0)) as running:
        yield running


@pytest.fixture
def emulator(server: EmulatorServer) -> EmulatorServer:
    """The module's server, reset, with pods ready at once and terminated at once."""
    server.backend.reset()
    server.backend.provision_seconds = 0.0
    server.backend.delete_seconds = 0.0
    return server


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    """An HTTP client with the default API key."""
    headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=5) as client:
        yield client


@pytest.fixture
def admin(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    """An HTTP client with the default admin key."""
    headers = {"Authorization": f"Bearer {DEFAULT_ADMIN_KEY}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=5) as client:
        yield client


@pytest.fixture
def control(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    """An HTTP client for the control endpoints, without any key."""
    with httpx.Client(base_url=emulator.base_url, timeout=5) as client:
        yield client
