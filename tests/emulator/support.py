"""Values the emulator tests share: a create body, the cluster seed and a fake clock.

A plain module, neither a test module nor a conftest, so tests import from it
(``from tests.emulator.support import OFFER_BODY``) and fixtures can use it too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
