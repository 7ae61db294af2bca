"""Which listing a pod by constraints chooses from, against an API that ignores its filters.

The API's filters are not trusted (``pod/offers.py`` applies each again), so the
choice between the single-node and the multi-node listing must not be swayed by
offers the API should have left out.
"""

from __future__ import annotations

from typing import Any

import httpx

from prime_pulumi.pod.inputs import PodInputs
from prime_pulumi.pod.offer_choice import offers_to_try
from tests.unit.support import make_client


def _offer(cloud_id: str, gpu_count: int, price: float) -> dict[str, Any]:
    return {
        "cloudId": cloud_id,
        "gpuType": "H100_80GB",
        "socket": "SXM5",
        "provider": "runpod",
        "gpuCount": gpu_count,
        "gpuMemory": 80,
        "security": "secure_cloud",
        "stockStatus": "Available",
        "prices": {"onDemand": price, "currency": "USD"},
        "images": ["ubuntu_22_cuda_12"],
    }


def _listing(request: httpx.Request) -> httpx.Response:
    # Every filter ignored: the single-node listing has only 8-GPU offers.
    if request.url.path.endswith("/multi-node"):
        items = [_offer("multi-16", 16, 40.0)]
    else:
        items = [_offer("single-8", 8, 20.0), _offer("single-1", 1, 2.5)]
    return httpx.Response(200, json={"items": items, "totalCount": len(items)})


def test_sixteen_gpus_no_single_node_offer_has_are_chosen_among_the_multi_node_offers() -> None:
    spec = PodInputs(gpu_type="H100_80GB", gpu_count=16)
    with make_client(_listing) as client:
        chosen = offers_to_try(client, spec, "trainer")
    assert [offer.cloud_id if offer else None for offer in chosen] == ["multi-16"]
    assert chosen[0] is not None and chosen[0].multi_node


def test_a_single_node_offer_of_the_gpus_keeps_the_pod_on_one_node() -> None:
    spec = PodInputs(gpu_type="H100_80GB", gpu_count=8)
    with make_client(_listing) as client:
        chosen = offers_to_try(client, spec, "trainer")
    assert [offer.cloud_id if offer else None for offer in chosen] == ["single-8"]
