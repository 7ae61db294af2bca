"""Fixtures of the emulator tests: a fake clock, backends, and HTTP clients on loopback.

Shared values (``OFFER_BODY``, ``CLUSTER_SEED``, ``FakeClock``) live in
:mod:`tests.emulator.support`; tests import them from there, never from here.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from prime_pulumi.emulator import DEFAULT_ADMIN_KEY, DEFAULT_API_KEY, EmulatorBackend
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> EmulatorBackend:
    """A backend on the fake clock, with pods ready after 10 s and disks ACTIVE after 2 s."""
    return EmulatorBackend(provision_seconds=10.0, disk_provision_seconds=2.0, clock=clock)


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """A server of this module's own, for tests that need a backend nobody else touches."""
    backend = EmulatorBackend(provision_seconds=0.0, disk_provision_seconds=0.0)
    with EmulatorServer(backend) as running:
        yield running


@pytest.fixture
def emulator(server: EmulatorServer) -> EmulatorServer:
    """The module's server, reset, with pods and disks ready at once and gone at once."""
    server.backend.reset()
    server.backend.provision_seconds = 0.0
    server.backend.delete_seconds = 0.0
    server.backend.disk_provision_seconds = 0.0
    server.backend.disk_delete_seconds = 0.0
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
