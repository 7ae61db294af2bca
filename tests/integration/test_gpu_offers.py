"""``get_gpu_offers`` against the emulator: each filter, the order, and the price of each tier."""

from __future__ import annotations

from typing import Any

import pytest

from prime_pulumi import ConfigurationError, GpuOffer, UnprocessableEntityError, get_gpu_offers
from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.control import EmulatorControl


@pytest.fixture
def offers(prime_emulator: Any) -> Any:
    """``get_gpu_offers`` bound to the emulator; and its control, to change the catalogue."""

    def call(**filters: Any) -> list[GpuOffer]:
        return get_gpu_offers(api_key=DEFAULT_API_KEY, base_url=prime_emulator.base_url, **filters)

    call.control = EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)  # type: ignore[attr-defined]
    return call


def ids(found: list[GpuOffer]) -> list[str]:
    return [offer.cloud_id for offer in found]


def test_offers_are_typed_cheapest_first_and_priced_for_their_tier(offers: Any) -> None:
    found = offers(gpu_type="H100_80GB", gpu_count=1)
    assert all(isinstance(offer, GpuOffer) for offer in found)
    assert ids(found) == [
        "tensordock-h100-pcie-1x-nl-ams-1",  # community cloud: its communityPrice, 1.89
        "runpod-h100-pcie-1x-us-ks-2",
        "datacrunch-h100-pcie-1x-fin-02",  # 2.29 each: equal prices keep the order of ids
        "hyperstack-h100-pcie-1x-canada-1",
    ]
    assert [o.price_hr for o in found] == [1.89, 1.99, 2.29, 2.29]
    first = found[0]
    assert (first.socket, first.provider_type, first.region, first.country) == (
        "PCIe",
        "tensordock",
        "eu_west",
        "NL",
    )
    assert (first.security, first.stock_status, first.data_center_id) == (
        "community_cloud",
        "High",
        "NL-AMS-1",
    )
    assert first.images and first.is_spot is not None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"in_stock": False}, "massedcompute-h100-pcie-1x-us-central-1"),
        ({"socket": "PCIe", "max_price": 1.9}, "tensordock-h100-pcie-1x-nl-ams-1"),
        ({"security": "secure_cloud"}, "datacrunch-h100-pcie-1x-fin-02"),
        ({"regions": ["canada"]}, "hyperstack-h100-pcie-1x-canada-1"),
        ({"data_center_id": "US-KS-2"}, "runpod-h100-pcie-1x-us-ks-2"),
        ({"country": "FI"}, "datacrunch-h100-pcie-1x-fin-02"),
        ({"provider_types": ["hyperstack", "runpod"]}, "runpod-h100-pcie-1x-us-ks-2"),
    ],
    ids=["in-stock", "socket-price", "security", "regions", "data-center", "country", "providers"],
)
def test_each_filter_narrows_the_offers(
    offers: Any, filters: dict[str, Any], expected: str
) -> None:
    found = offers(gpu_type="H100_80GB", gpu_count=1, **filters)
    assert found[0].cloud_id == expected
    unfiltered = offers(gpu_type="H100_80GB", gpu_count=1)
    assert ids(found) != ids(unfiltered), "the filter changed the answer"


def test_gpu_count_and_type_are_asked_of_the_api(offers: Any) -> None:
    eight = offers(gpu_type="H100_80GB", gpu_count=8)
    assert ids(eight)[0] == "datacrunch-h100-sxm5-8x-fin-01"
    assert {o.gpu_count for o in eight} == {8}
    assert offers(gpu_type="B200_180GB") == []  # the document's type, which nobody offers
    # One outside the document's GPUType is the API's to refuse: a 422 naming it.
    with pytest.raises(UnprocessableEntityError, match=r"gpu_type: .*\(got 'NO_SUCH_GPU'\)"):
        offers(gpu_type="NO_SUCH_GPU")


def test_multi_node_lists_the_offers_that_span_nodes_and_only_those(offers: Any) -> None:
    multi = offers(gpu_type="H100_80GB", multi_node=True)
    assert ids(multi) == [
        "lambdalabs-h100-sxm5-16x-us-west-2",
        "lambdalabs-h100-sxm5-32x-us-west-2",
    ]
    assert [(o.gpu_count, o.price_hr, o.multi_node) for o in multi] == [
        (16, 38.24, True),
        (32, 74.88, True),
    ]
    # Single-node offers are listed apart: none of 16 GPUs, and none marked multi-node.
    assert offers(gpu_type="H100_80GB", gpu_count=16) == []
    assert not any(o.multi_node for o in offers(gpu_type="H100_80GB"))
    assert ids(offers(multi_node=True, gpu_type="H200_141GB", max_price=50)) == [
        "hyperstack-h200-sxm5-16x-canada-1"
    ]


def test_a_changed_marketplace_changes_the_answer(offers: Any) -> None:
    cheapest = "tensordock-h100-pcie-1x-nl-ams-1"
    offers.control.set_offer(cheapest, prices={"communityPrice": 3.5})
    assert ids(offers(gpu_type="H100_80GB", gpu_count=1))[-1] == cheapest
    offers.control.set_offer(cheapest, stock_status="Unavailable")
    assert cheapest not in ids(offers(gpu_type="H100_80GB", gpu_count=1))


def test_offers_need_a_key(prime_emulator: Any) -> None:
    with pytest.raises(ConfigurationError, match="prime:apiKey"):
        get_gpu_offers(base_url=prime_emulator.base_url)
