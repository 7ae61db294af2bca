"""``get_disk_offers`` against the emulator: each filter, the order, settings, the Output form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from prime_pulumi import ConfigurationError, DiskOffer, get_disk_offers
from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.control import EmulatorControl


@pytest.fixture
def offers(prime_emulator: Any) -> Any:
    """``get_disk_offers`` bound to the emulator."""

    def call(**filters: Any) -> list[DiskOffer]:
        return get_disk_offers(api_key=DEFAULT_API_KEY, base_url=prime_emulator.base_url, **filters)

    return call


@pytest.fixture
def control(prime_emulator: Any) -> Iterator[EmulatorControl]:
    control = EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)
    yield control
    control.close()


def places(found: list[DiskOffer]) -> list[str | None]:
    return [offer.data_center_id for offer in found]


IN_STOCK_CHEAPEST_FIRST = [
    "NL-AMS-1",  # 0.00006
    "EU-RO-1",  # 0.00007 each: equal prices in the order of data centers
    "US-KS-2",
    "FIN-01",  # 0.00008 each
    "FIN-02",
    "FIN-03",  # 0.00009
    "CANADA-1",  # 0.0001 each
    "NORWAY-1",
    "us-east-1",  # 0.00012 each
    "us-west-2",
]


def test_offers_are_typed_and_cheapest_per_gb_hour_first(
    offers: Any, control: EmulatorControl
) -> None:
    found = offers()
    assert all(isinstance(offer, DiskOffer) for offer in found)
    assert places(found) == IN_STOCK_CHEAPEST_FIRST
    prices = [offer.price_per_gb_hr for offer in found]
    assert prices == sorted(prices)
    assert prices[:2] == [0.00006, 0.00007]
    # The emulator lists them in another order: the order is the search's own.
    listed = [item["dataCenter"] for item in control.disk_offers()]
    assert [p for p in listed if p in IN_STOCK_CHEAPEST_FIRST] != IN_STOCK_CHEAPEST_FIRST


def test_an_offer_carries_its_place_sizes_and_price(offers: Any) -> None:
    (canada,) = offers(regions=["canada"])
    assert canada == DiskOffer(
        cloud_id="hyperstack-disk-canada-1",
        provider_type="hyperstack",
        data_center_id="CANADA-1",
        country="CA",
        region="canada",
        security="secure_cloud",
        price_per_gb_hr=0.0001,
        min_size=1,
        max_size=20000,
        step=1,
        stock_status="Available",
        is_multinode=True,
    )
    assert canada.holds(20000) and not canada.holds(20001)
    assert canada.price_hr(500) == pytest.approx(0.05)
    (runpod,) = offers(data_center_id="US-KS-2")
    assert (runpod.cloud_id, runpod.provider_type, runpod.security) == (
        None,
        "runpod",
        "community_cloud",
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"in_stock": False}, ["us-central-1", *IN_STOCK_CHEAPEST_FIRST]),
        ({"regions": ["eu_north"]}, ["FIN-01", "FIN-02", "FIN-03", "NORWAY-1"]),
        ({"regions": ["canada", "eu_west"]}, ["NL-AMS-1", "CANADA-1"]),
        ({"data_center_id": "FIN-03"}, ["FIN-03"]),
        ({"cloud_id": "lambdalabs-disk-us-west-2"}, ["us-west-2"]),
        ({"country": "US"}, ["US-KS-2", "us-east-1", "us-west-2"]),
        (
            {"country": "US", "in_stock": False},
            ["us-central-1", "US-KS-2", "us-east-1", "us-west-2"],
        ),
        (
            {"provider_types": ["hyperstack", "lambdalabs"]},
            ["CANADA-1", "NORWAY-1", "us-east-1", "us-west-2"],
        ),
        ({"min_size": 4000}, IN_STOCK_CHEAPEST_FIRST[1:]),
        ({"min_size": 4001}, IN_STOCK_CHEAPEST_FIRST[3:]),
        ({"min_size": 20001}, ["FIN-03"]),
        ({"min_size": 40001}, []),
        ({"regions": ["united_states"], "provider_types": ["runpod"]}, ["US-KS-2"]),
    ],
    ids=[
        "in-stock",
        "regions",
        "two-regions",
        "data-center",
        "cloud-id",
        "country",
        "country-out-of-stock-too",
        "providers",
        "min-size-at-max",
        "min-size-above-max",
        "min-size-largest",
        "min-size-too-large",
        "region-and-provider",
    ],
)
def test_each_filter_narrows_the_offers(
    offers: Any, filters: dict[str, Any], expected: list[str]
) -> None:
    assert places(offers(**filters)) == expected


def test_settings_come_from_the_environment(
    prime_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIME_BASE_URL", prime_emulator.base_url)
    monkeypatch.setenv("PRIME_API_KEY", DEFAULT_API_KEY)
    assert places(get_disk_offers(country="FI")) == ["FIN-01", "FIN-02", "FIN-03"]


def test_offers_need_a_key(prime_emulator: Any) -> None:
    with pytest.raises(ConfigurationError, match="prime:apiKey"):
        get_disk_offers(base_url=prime_emulator.base_url)
