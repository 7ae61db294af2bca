"""What the integration tests share (fixtures live in conftest.py)."""

from __future__ import annotations


class Waits:
    """Stands in for time.sleep between retries: records each wait instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
