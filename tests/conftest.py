"""Shared fixtures: no test depends on the developer's shell environment."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _clean_prime_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Removes every PRIME_* variable, so settings come only from what a test sets."""
    for name in list(os.environ):
        if name.startswith("PRIME_"):
            monkeypatch.delenv(name)
