"""A pytest plugin (entry point ``pytest11``) with the ``prime_emulator`` fixture.

::

    def test_create(prime_emulator):
        client = MyClient(base_url=prime_emulator.base_url, api_key=DEFAULT_API_KEY)
        prime_emulator.backend.queue_fates(["install_failure"])
        ...

One server runs for the whole session; each test gets it reset, with pods
ready and disks ACTIVE after ``FIXTURE_PROVISION_SECONDS`` (0.2 s), both gone
as soon as they are deleted (delete times 0). The server is imported
inside the fixture, so this plugin loads even where the emulator extra
(FastAPI, uvicorn) is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from prime_pulumi.emulator.defaults import (
    DEFAULT_DELETE_SECONDS,
    DEFAULT_DISK_DELETE_SECONDS,
    FIXTURE_PROVISION_SECONDS,
)

if TYPE_CHECKING:
    from prime_pulumi.emulator.server import EmulatorServer


@pytest.fixture(scope="session")
def prime_emulator_session() -> Iterator[EmulatorServer]:
    """The emulator server shared by the session; prefer ``prime_emulator``, which resets it."""
    from prime_pulumi.emulator.backend import EmulatorBackend  # noqa: PLC0415
    from prime_pulumi.emulator.server import EmulatorServer  # noqa: PLC0415

    backend = EmulatorBackend(
        provision_seconds=FIXTURE_PROVISION_SECONDS,
        disk_provision_seconds=FIXTURE_PROVISION_SECONDS,
    )
    with EmulatorServer(backend) as server:
        yield server


@pytest.fixture
def prime_emulator(prime_emulator_session: EmulatorServer) -> Iterator[EmulatorServer]:
    """A running emulator, reset: pods ready and disks ACTIVE after 0.2 s, no delete times.

    Use ``.base_url`` and the default keys (``DEFAULT_API_KEY``,
    ``DEFAULT_ADMIN_KEY``); steer it through ``.backend``.
    """
    backend = prime_emulator_session.backend
    backend.reset()
    backend.provision_seconds = FIXTURE_PROVISION_SECONDS
    backend.delete_seconds = DEFAULT_DELETE_SECONDS
    backend.disk_provision_seconds = FIXTURE_PROVISION_SECONDS
    backend.disk_delete_seconds = DEFAULT_DISK_DELETE_SECONDS
    yield prime_emulator_session
    backend.reset()
