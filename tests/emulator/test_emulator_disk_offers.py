"""Disk offers: the catalogue (every data center of the GPU offers), each filter, paging, the
price of the disks made from each offer, per-backend copies and reset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest

from prime_pulumi.emulator import DEFAULT_API_KEY, EmulatorBackend
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import refused_params

DISK_OFFERS = "/api/v1/availability/disks"
OFFER_KEYS = {
    "cloudId", "provider", "dataCenter", "country", "region", "spec", "stockStatus", "security",
    "isMultinode",
}  # fmt: skip
SPEC_KEYS = {"minCount", "maxCount", "step", "pricePerUnit"}

Offer = dict[str, Any]


def served(api: httpx.Client, **params: Any) -> list[Offer]:
    """The disk offers one page serves (a page holds the whole default catalogue)."""
    response = api.get(DISK_OFFERS, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert page["totalCount"] == len(page["items"])
    items: list[Offer] = page["items"]
    return items


def gpu_offers(api: httpx.Client) -> list[Offer]:
    single = api.get("/api/v1/availability/gpus").json()["items"]
    multi = api.get("/api/v1/availability/multi-node").json()["items"]
    offers: list[Offer] = single + multi
    return offers


@pytest.fixture
def emulator_control(emulator: EmulatorServer) -> Iterator[EmulatorControl]:
    with closing(EmulatorControl(emulator.base_url, DEFAULT_API_KEY)) as control:
        yield control


def test_shape_of_a_page_and_of_an_offer(api: httpx.Client) -> None:
    for path in (DISK_OFFERS, f"{DISK_OFFERS}/"):
        page = api.get(path).json()
        assert set(page) == {"items", "totalCount"}
    for offer in served(api):
        assert set(offer) == OFFER_KEYS
        assert set(offer["spec"]) == SPEC_KEYS
        assert offer["spec"]["pricePerUnit"] > 0
        assert offer["spec"]["minCount"] <= offer["spec"]["maxCount"]


def test_the_catalogue_covers_every_data_center_of_the_gpu_offers(api: httpx.Client) -> None:
    disks = served(api)
    places = {(o["provider"], o["dataCenter"], o["country"], o["region"]) for o in disks}
    assert places == {
        (o["provider"], o["dataCenter"], o["country"], o["region"]) for o in gpu_offers(api)
    }
    assert len(disks) == len(places) == 11
    # Variety for choosing an offer: prices, sizes, stock, tiers, ids or none, multinode.
    assert len({o["spec"]["pricePerUnit"] for o in disks}) >= 4
    assert len({o["spec"]["maxCount"] for o in disks}) >= 4
    assert {o["stockStatus"] for o in disks} >= {"Available", "Low", "High", "Unavailable"}
    assert {o["security"] for o in disks} == {"secure_cloud", "community_cloud"}
    assert None in {o["cloudId"] for o in disks}
    assert {o["isMultinode"] for o in disks} == {True, False}
    cheapest = min(disks, key=lambda o: o["spec"]["pricePerUnit"])
    assert cheapest["stockStatus"] == "Unavailable"


Keep = Callable[[Offer], bool]

FILTERS: list[Any] = [
    pytest.param("regions", ["eu_north"], lambda o: o["region"] == "eu_north", id="region"),
    pytest.param(
        "regions",
        ["canada", "eu_west"],
        lambda o: o["region"] in ("canada", "eu_west"),
        id="regions-repeated",
    ),
    pytest.param(
        "regions",
        "canada,eu_west",
        lambda o: o["region"] in ("canada", "eu_west"),
        id="regions-comma-separated",
    ),
    pytest.param(
        "data_center_id", "FIN-02", lambda o: o["dataCenter"] == "FIN-02", id="data_center_id"
    ),
    pytest.param(
        "cloud_id",
        "hyperstack-disk-canada-1",
        lambda o: o["cloudId"] == "hyperstack-disk-canada-1",
        id="cloud_id",
    ),
]


@pytest.mark.parametrize(("name", "value", "keep"), FILTERS)
def test_each_filter_alone(api: httpx.Client, name: str, value: Any, keep: Keep) -> None:
    everything = served(api)
    wanted = [o for o in everything if keep(o)]
    assert 0 < len(wanted) < len(everything)
    assert served(api, **{name: value}) == wanted


def test_filters_combine(api: httpx.Client) -> None:
    us = served(api, regions=["united_states"])
    assert len(us) == 4
    ks = served(api, regions="united_states", data_center_id="US-KS-2")
    assert [o["dataCenter"] for o in ks] == ["US-KS-2"]
    assert served(api, regions=["canada"], data_center_id="US-KS-2") == []
    assert served(api, cloud_id="hyperstack-disk-canada-1", regions=["eu_north"]) == []


@pytest.mark.parametrize(
    ("name", "value"), [("data_center_id", "MARS-1"), ("cloud_id", "no-such-offer")]
)
def test_an_unknown_free_form_value_matches_nothing(
    api: httpx.Client, name: str, value: str
) -> None:
    assert api.get(DISK_OFFERS, params={name: value}).json() == {"items": [], "totalCount": 0}


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"regions": ["canada", "europe_west"]}, "regions[1]"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page": 0}, "page"),
    ],
)
def test_a_bad_query_is_422(api: httpx.Client, params: dict[str, Any], param: str) -> None:
    assert refused_params(api.get(DISK_OFFERS, params=params)) == [param]


def test_pages_walk_the_catalogue(api: httpx.Client, emulator_control: EmulatorControl) -> None:
    everything = served(api)
    pages = [api.get(DISK_OFFERS, params={"page": n, "page_size": 4}).json() for n in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [4, 4, 3, 0]
    assert {p["totalCount"] for p in pages} == {11}
    assert [o for p in pages for o in p["items"]] == everything
    filtered = [
        api.get(DISK_OFFERS, params={"regions": "eu_north", "page": n, "page_size": 2}).json()
        for n in (1, 2, 3)
    ]
    assert [len(p["items"]) for p in filtered] == [2, 2, 0]
    assert {p["totalCount"] for p in filtered} == {4}
    # EmulatorControl walks every page.
    assert emulator_control.disk_offers(page_size=3) == everything
    assert emulator_control.disk_offers(regions=["canada"], page_size=1) == served(
        api, regions=["canada"]
    )


def test_a_disk_costs_its_size_at_its_offers_price(api: httpx.Client) -> None:
    for offer in served(api):
        body = {
            "disk": {"size": 37, "dataCenterId": offer["dataCenter"], "cloudId": offer["cloudId"]},
            "provider": {"type": offer["provider"]},
        }
        made = api.post("/api/v1/disks/", json=body)
        if offer["stockStatus"] == "Unavailable":
            assert made.status_code == 409, offer
            continue
        assert made.status_code == 200, made.text
        disk = made.json()
        assert disk["priceHr"] == pytest.approx(37 * offer["spec"]["pricePerUnit"])
        assert disk["info"] == {
            "country": offer["country"],
            "dataCenterId": offer["dataCenter"],
            "cloudId": offer["cloudId"],
            "isMultinode": offer["isMultinode"],
        }


def test_each_backend_has_disk_offers_of_its_own_and_reset_restores_them() -> None:
    first, second = EmulatorBackend(), EmulatorBackend()
    assert first.disk_availability() == second.disk_availability()
    assert first.disk_availability().items[0] is not second.disk_availability().items[0]
    before = first.disk_availability()
    first.reset()
    assert first.disk_availability() == before
    assert first.disk_availability(regions=["canada"], page_size=1).total_count == 1
