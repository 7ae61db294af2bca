"""Values the emulator tests share: a create body, the cluster seed and a fake clock.

A plain module, neither a test module nor a conftest, so tests import from it
(``from tests.emulator.support import OFFER_BODY``) and fixtures can use it too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

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


def refused_params(response: httpx.Response) -> list[str]:
    """The ``param`` of each error of an API route's 422, in the document's shape.

    Asserts the shape itself: ``{"errors": [{"param": str, "details": str}]}`` and nothing
    else, each with something to say.
    """
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"errors"}, body
    for error in body["errors"]:
        assert set(error) == {"param", "details"}, error
        assert isinstance(error["param"], str) and error["param"], error
        assert isinstance(error["details"], str) and error["details"], error
    return [error["param"] for error in body["errors"]]
