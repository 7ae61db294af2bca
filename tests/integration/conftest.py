"""Fixtures of the integration tests: a client of the emulator on loopback that never sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from prime_pulumi.client import PrimeClient
from prime_pulumi.emulator import DEFAULT_API_KEY
from tests.integration.support import Waits


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def client(prime_emulator: Any, waits: Waits) -> Iterator[PrimeClient]:
    """A client of the ``prime_emulator`` fixture's server; its waits between retries are
    recorded in ``waits``, not slept."""
    with PrimeClient(DEFAULT_API_KEY, base_url=prime_emulator.base_url, sleep=waits) as client:
        yield client
