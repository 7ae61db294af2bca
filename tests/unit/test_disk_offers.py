"""Disk offers: odd items flattened safely, each filter, the order, and what reaches the API."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from prime_pulumi.client import DiskAvailability
from prime_pulumi.disk.offers import (
    DiskOffer,
    DiskOfferQuery,
    describe_disk_offer,
    search_disk_offers,
)
from tests.unit.support import make_client


def item(
    cloud_id: str | None = "runpod-disk-us-ks-2",
    *,
    spec: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A disk offer as the API serves it (camelCase); ``spec`` keys replace the defaults."""
    return {
        "cloudId": cloud_id,
        "provider": "runpod",
        "dataCenter": "US-KS-2",
        "country": "US",
        "region": "united_states",
        "spec": {"minCount": 10, "maxCount": 4000, "step": 10, "pricePerUnit": 0.00014}
        | (spec or {}),
        "stockStatus": "Available",
        "security": "secure_cloud",
        "isMultinode": False,
    } | fields


def offer(*args: Any, **kwargs: Any) -> DiskOffer:
    return DiskOffer.of(DiskAvailability.model_validate(item(*args, **kwargs)))


class FakeClient:
    """Answers ``list_disk_availability`` with fixed items, ignoring its filters; records them."""

    def __init__(self, items: Sequence[dict[str, Any]]) -> None:
        self.items = [DiskAvailability.model_validate(i) for i in items]
        self.asked: list[dict[str, Any]] = []

    def list_disk_availability(self, **filters: Any) -> list[DiskAvailability]:
        self.asked.append(filters)
        return list(self.items)


def search(items: Sequence[dict[str, Any]], **query: Any) -> list[DiskOffer]:
    client: Any = FakeClient(items)
    return search_disk_offers(client, DiskOfferQuery(**query))


# ---------------------------------------------------------------- DiskOffer.of


def test_an_item_is_flattened_into_an_offer() -> None:
    found = offer(isMultinode=True, stockStatus="Low", security="community_cloud")
    assert found == DiskOffer(
        cloud_id="runpod-disk-us-ks-2",
        provider_type="runpod",
        data_center_id="US-KS-2",
        country="US",
        region="united_states",
        security="community_cloud",
        price_per_gb_hr=0.00014,
        min_size=10,
        max_size=4000,
        step=10,
        stock_status="Low",
        is_multinode=True,
    )
    with pytest.raises(ValueError, match="frozen"):
        found.min_size = 1  # type: ignore[misc]


def test_an_offer_without_cloud_id_keeps_its_place() -> None:
    found = offer(None)
    assert found.cloud_id is None
    assert (found.provider_type, found.data_center_id, found.country) == ("runpod", "US-KS-2", "US")


def test_an_offer_without_spec_has_no_sizes_and_no_price() -> None:
    raw = item()
    del raw["spec"]
    found = DiskOffer.of(DiskAvailability.model_validate(raw))
    assert (found.min_size, found.max_size, found.step, found.price_per_gb_hr) == (None,) * 4
    assert found.holds(1) and found.holds(10**9)
    assert found.price_hr(100) is None


def test_a_bare_item_gives_an_offer_of_nothing_known() -> None:
    found = DiskOffer.of(DiskAvailability.model_validate({}))
    assert found.model_dump() == dict.fromkeys(DiskOffer.model_fields)


@pytest.mark.parametrize("price", [math.nan, math.inf, -math.inf, -0.0001, None])
def test_a_price_not_to_trust_is_no_price(price: float | None) -> None:
    found = offer(spec={"pricePerUnit": price})
    assert found.price_per_gb_hr is None
    assert found.price_hr(100) is None
    assert found.max_size == 4000, "the sizes are still known"


def test_a_free_disk_has_a_price_of_zero() -> None:
    found = offer(spec={"pricePerUnit": 0})
    assert found.price_per_gb_hr == 0.0
    assert found.price_hr(500) == 0.0


def test_sizes_are_whole_gb_rounded_inwards_and_odd_bounds_are_unknown() -> None:
    found = offer(spec={"minCount": 0.5, "maxCount": 99.9, "step": 0})
    assert (found.min_size, found.max_size, found.step) == (1, 99, None)
    odd = offer(spec={"minCount": -5, "maxCount": math.inf, "step": math.nan})
    assert (odd.min_size, odd.max_size, odd.step) == (None, None, None)


# ---------------------------------------------------------------- holds and price_hr


@pytest.mark.parametrize(
    ("bounds", "size", "held"),
    [
        ({}, 10, True),
        ({}, 4000, True),
        ({}, 9, False),
        ({}, 4001, False),
        ({"minCount": None}, 1, True),
        ({"minCount": None}, 4001, False),
        ({"maxCount": None}, 10**6, True),
        ({"maxCount": None}, 9, False),
    ],
    ids=[
        "min",
        "max",
        "below-min",
        "above-max",
        "no-min",
        "no-min-above",
        "no-max",
        "no-max-below",
    ],
)
def test_holds_a_size_within_the_known_bounds(
    bounds: dict[str, Any], size: int, held: bool
) -> None:
    assert offer(spec=bounds).holds(size) is held


def test_price_hr_is_size_times_the_price_per_gb_hour() -> None:
    assert offer().price_hr(100) == pytest.approx(0.014)
    assert offer(spec={"pricePerUnit": 0.0001}).price_hr(2000) == pytest.approx(0.2)


# ---------------------------------------------------------------- the query

CATALOGUE = [
    item("fin-01", provider="datacrunch", dataCenter="FIN-01", country="FI", region="eu_north",
         spec={"pricePerUnit": 0.00008, "maxCount": 10000}),
    item(None, provider="runpod", dataCenter="EU-RO-1", country="RO", region="eu_east",
         spec={"pricePerUnit": 0.00007}),
    item("cheap-gone", provider="massedcompute", dataCenter="us-central-1",
         stockStatus="Unavailable", spec={"pricePerUnit": 0.00005, "maxCount": 2000}),
    item("canada-1", provider="hyperstack", dataCenter="CANADA-1", country="CA",
         region="canada", stockStatus="Low", spec={"pricePerUnit": 0.0001, "maxCount": 20000}),
    item("us-east-1", provider="lambdalabs", dataCenter="us-east-1",
         spec={"pricePerUnit": 0.00012, "maxCount": None}),
]  # fmt: skip


def places(found: list[DiskOffer]) -> list[str | None]:
    return [o.data_center_id for o in found]


def test_no_filter_gives_every_in_stock_offer_cheapest_first() -> None:
    assert places(search(CATALOGUE)) == ["EU-RO-1", "FIN-01", "CANADA-1", "us-east-1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"in_stock": False}, ["us-central-1", "EU-RO-1", "FIN-01", "CANADA-1", "us-east-1"]),
        ({"regions": ("eu_north", "canada")}, ["FIN-01", "CANADA-1"]),
        ({"data_center_id": "CANADA-1"}, ["CANADA-1"]),
        ({"cloud_id": "fin-01"}, ["FIN-01"]),
        ({"country": "US"}, ["us-east-1"]),
        ({"provider_types": ("runpod", "lambdalabs")}, ["EU-RO-1", "us-east-1"]),
        ({"min_size": 10000}, ["FIN-01", "CANADA-1", "us-east-1"]),
        ({"min_size": 10001}, ["CANADA-1", "us-east-1"]),
        ({"min_size": 5000, "in_stock": False, "country": "US"}, ["us-east-1"]),
        ({"regions": ("africa",)}, []),
    ],
    ids=[
        "out-of-stock-too",
        "regions",
        "data-center",
        "cloud-id",
        "country",
        "providers",
        "min-size-at-max",
        "min-size-above-max",
        "several",
        "nothing",
    ],
)
def test_each_filter_is_applied_whatever_the_api_did(
    query: dict[str, Any], expected: list[str]
) -> None:
    assert places(search(CATALOGUE, **query)) == expected


def test_a_cloud_id_filter_leaves_out_offers_without_one() -> None:
    assert places(search([item(None), item("x", dataCenter="X")], cloud_id="x")) == ["X"]


def test_only_the_api_s_own_filters_are_sent_to_it() -> None:
    query = DiskOfferQuery(
        regions=("canada",),
        data_center_id="CANADA-1",
        cloud_id="canada-1",
        country="CA",
        provider_types=("hyperstack",),
        min_size=100,
        in_stock=False,
    )
    assert query.api_filters() == {
        "regions": ("canada",),
        "data_center_id": "CANADA-1",
        "cloud_id": "canada-1",
    }
    client = FakeClient(CATALOGUE)
    found = search_disk_offers(client, query)  # type: ignore[arg-type]
    assert client.asked == [query.api_filters()]
    assert [o.cloud_id for o in found] == ["canada-1"]


def test_the_filters_reach_the_api_as_query_parameters() -> None:
    seen: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params)
        # An API that ignores its filters: the search still answers only what was asked.
        return httpx.Response(200, json={"items": CATALOGUE, "totalCount": len(CATALOGUE)})

    query = DiskOfferQuery(regions=("eu_north", "canada"), data_center_id="FIN-01", min_size=50)
    with make_client(handler) as client:
        found = search_disk_offers(client, query)
    assert [o.cloud_id for o in found] == ["fin-01"]
    (params,) = seen
    assert params.get_list("regions") == ["eu_north", "canada"]
    assert params["data_center_id"] == "FIN-01"
    assert "cloud_id" not in params and "min_size" not in params


# ---------------------------------------------------------------- order and duplicates


def test_equal_prices_are_ordered_by_place_then_id_whatever_the_api_order() -> None:
    tied = [
        item("b", dataCenter="DC-2"),
        item("z", dataCenter="DC-1"),
        item(None, dataCenter="DC-3"),
        item("a", dataCenter="DC-2"),
        item("unpriced", dataCenter="DC-0", spec={"pricePerUnit": None}),
        item("cheaper", dataCenter="DC-9", spec={"pricePerUnit": 0.0001}),
    ]
    expected = [
        ("cheaper", "DC-9"),
        ("z", "DC-1"),
        ("a", "DC-2"),
        ("b", "DC-2"),
        (None, "DC-3"),
        ("unpriced", "DC-0"),  # no price: last, however cheap it may be
    ]
    for items in (tied, tied[::-1]):
        assert [(o.cloud_id, o.data_center_id) for o in search(items)] == expected


def test_an_offer_listed_twice_is_counted_once() -> None:
    twice = [
        item(None, dataCenter="EU-RO-1"),
        item("fin-01", dataCenter="FIN-01"),
        item(None, dataCenter="EU-RO-1", stockStatus="Low"),  # the same offer, on a later page
        item("fin-01", dataCenter="FIN-01"),
        item(None, dataCenter="EU-RO-1", provider="tensordock"),  # another provider: another offer
    ]
    found = search(twice)
    assert [(o.cloud_id, o.provider_type, o.data_center_id) for o in found] == [
        (None, "runpod", "EU-RO-1"),
        (None, "tensordock", "EU-RO-1"),
        ("fin-01", "runpod", "FIN-01"),
    ]
    assert found[0].stock_status == "Available", "the first listing counts"


# ---------------------------------------------------------------- describe


@pytest.mark.parametrize(
    ("found", "size", "words"),
    [
        (offer(), 100, "runpod-disk-us-ks-2 (runpod, US-KS-2) at $0.014/h for 100 GB"),
        (offer(), None, "runpod-disk-us-ks-2 (runpod, US-KS-2) at $0.00014/GB-h"),
        (offer(spec={"pricePerUnit": 0.00007}), None, "runpod-disk-us-ks-2 (runpod, US-KS-2) "
         "at $0.00007/GB-h"),
        (offer(None), 500, "runpod in US-KS-2 at $0.07/h for 500 GB"),
        (offer(spec={"pricePerUnit": math.nan}), 100, "runpod-disk-us-ks-2 (runpod, US-KS-2) "
         "for 100 GB"),
        (offer(dataCenter=None), None, "runpod-disk-us-ks-2 (runpod, united_states) "
         "at $0.00014/GB-h"),
        (DiskOffer.of(DiskAvailability.model_validate({})), None,
         "a disk offer of unknown provider and place"),
    ],
    ids=["sized", "per-gb", "no-exponent", "no-cloud-id", "no-price", "region", "nothing-known"],
)  # fmt: skip
def test_describe_names_the_offer_its_place_and_price(
    found: DiskOffer, size: int | None, words: str
) -> None:
    assert describe_disk_offer(found, size) == words
