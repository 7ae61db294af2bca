"""The GPU marketplace: the default catalogue, every availability filter, paging, the 409 of
a create from an offer out of stock, the offer control endpoints, and a reset restoring it all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest

from prime_pulumi.emulator import DEFAULT_API_KEY, EmulatorBackend
from prime_pulumi.emulator.availability.wire import OfferUpdate, PriceUpdate
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.emulator.errors import ConflictError, UnknownResourceError
from prime_pulumi.emulator.pods.wire import WireCreatePodRequest
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import OFFER_BODY, refused_params

GPUS = "/api/v1/availability/gpus"
MULTI = "/api/v1/availability/multi-node"
OFFERS = "/_emulator/offers"
OUT_OF_STOCK = "massedcompute-h100-pcie-1x-us-central-1"
RUNPOD_H100 = OFFER_BODY["pod"]["cloudId"]
MULTI_H100 = "lambdalabs-h100-sxm5-16x-us-west-2"

#: The offers the catalogue had before the marketplace, as tests elsewhere rely on them:
#: cloudId -> (gpuType, gpuCount, socket, provider, onDemand, communityPrice, stock, security).
EARLIER_OFFERS: dict[str, tuple[Any, ...]] = {
    "hyperstack-h100-sxm5-8x-canada-1": (
        "H100_80GB", 8, "SXM5", "hyperstack", 19.12, None, "Available", "secure_cloud"),
    RUNPOD_H100: (
        "H100_80GB", 1, "PCIe", "runpod", 2.49, 1.99, "Low", "community_cloud"),
    "lambdalabs-a100-sxm4-8x-us-east-1": (
        "A100_80GB", 8, "SXM4", "lambdalabs", 14.32, None, "High", "secure_cloud"),
    "datacrunch-a100-pcie-1x-fin-01": (
        "A100_80GB", 1, "PCIe", "datacrunch", 1.29, None, "Available", "secure_cloud"),
    "runpod-rtx4090-pcie-1x-eu-ro-1": (
        "RTX4090_24GB", 1, "PCIe", "runpod", 0.69, 0.44, "High", "community_cloud"),
    "runpod-rtx4090-pcie-2x-eu-ro-1-spot": (
        "RTX4090_24GB", 2, "PCIe", "runpod", 0.98, 0.58, "Available", "community_cloud"),
    "hyperstack-l40s-pcie-4x-norway-1": (
        "L40S_48GB", 4, "PCIe", "hyperstack", 4.40, None, "Low", "secure_cloud"),
    "datacrunch-h200-sxm5-8x-fin-03": (
        "H200_141GB", 8, "SXM5", "datacrunch", 28.72, None, "Unavailable", "secure_cloud"),
    MULTI_H100: (
        "H100_80GB", 16, "SXM5", "lambdalabs", 38.24, None, "Available", "secure_cloud"),
    "hyperstack-h200-sxm5-32x-canada-1": (
        "H200_141GB", 32, "SXM5", "hyperstack", 89.60, None, "Low", "secure_cloud"),
}  # fmt: skip

Offer = dict[str, Any]


def served(api: httpx.Client, path: str = GPUS, **params: Any) -> list[Offer]:
    """The offers one page of ``path`` serves (a page holds the whole default catalogue)."""
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert page["totalCount"] == len(page["items"])
    items: list[Offer] = page["items"]
    return items


def catalogue(api: httpx.Client) -> tuple[list[Offer], list[Offer]]:
    """Every offer: the single-node ones, then the multi-node ones."""
    return served(api), served(api, MULTI)


def price(offer: Offer) -> float:
    """The price of the offer's security tier."""
    prices = offer["prices"]
    own = prices["communityPrice" if offer["security"] == "community_cloud" else "onDemand"]
    assert isinstance(own, float)
    return own


def issues(response: httpx.Response) -> list[tuple[list[str | int], str]]:
    """The (loc, type) of each issue of a control route's 422 (FastAPI's shape)."""
    assert response.status_code == 422, response.text
    return [(issue["loc"], issue["type"]) for issue in response.json()["detail"]]


def create_body(cloud_id: str, provider: str = "runpod") -> dict[str, Any]:
    """A create body for one H100 from ``cloud_id``."""
    pod = {**OFFER_BODY["pod"], "cloudId": cloud_id}
    return {**OFFER_BODY, "pod": pod, "provider": {"type": provider}}


@pytest.fixture
def new_offer(api: httpx.Client) -> Offer:
    """An offer the catalogue lacks: a copy of a secure H100 with an id and a place of its own."""
    [base] = served(api, cloud_id="hyperstack-h100-pcie-1x-canada-1")
    return {
        **base,
        "cloudId": "oblivus-h100-pcie-1x-au-syd-1",
        "provider": "oblivus",
        "dataCenter": "AU-SYD-1",
        "country": "AU",
        "region": "australia",
        "stockStatus": "Available",
    }


@pytest.fixture
def emulator_control(emulator: EmulatorServer) -> Iterator[EmulatorControl]:
    with closing(EmulatorControl(emulator.base_url, DEFAULT_API_KEY)) as control:
        yield control


# --- the default catalogue -------------------------------------------------------------


def test_the_earlier_offers_are_kept_as_they_were(api: httpx.Client) -> None:
    single, multi = catalogue(api)
    by_id = {o["cloudId"]: o for o in single + multi}
    for cloud_id, kept in EARLIER_OFFERS.items():
        offer = by_id[cloud_id]
        assert (
            offer["gpuType"],
            offer["gpuCount"],
            offer["socket"],
            offer["provider"],
            offer["prices"]["onDemand"],
            offer["prices"]["communityPrice"],
            offer["stockStatus"],
            offer["security"],
        ) == kept, cloud_id
    assert [o["cloudId"] for o in multi][:2] == [MULTI_H100, "hyperstack-h200-sxm5-32x-canada-1"]
    assert len({o["cloudId"] for o in single + multi}) == len(single + multi) == 19


def test_multi_node_offers_are_two_and_four_nodes_of_h100_and_h200(api: httpx.Client) -> None:
    _, multi = catalogue(api)
    assert sorted((o["gpuType"], o["gpuCount"]) for o in multi) == [
        ("H100_80GB", 16),
        ("H100_80GB", 32),
        ("H200_141GB", 16),
        ("H200_141GB", 32),
    ]
    assert {o["interconnectType"] for o in multi} == {"InfiniBand"}


def test_the_same_gpu_is_offered_several_times(api: httpx.Client) -> None:
    one = served(api, gpu_type="H100_80GB", gpu_count=1, socket="PCIe")
    assert len(one) >= 4
    for key in ("provider", "region", "dataCenter", "country", "stockStatus"):
        assert len({o[key] for o in one}) >= 3, key
    assert {o["security"] for o in one} == {"secure_cloud", "community_cloud"}
    assert len({price(o) for o in one}) >= 3
    [runpod] = [o for o in one if o["cloudId"] == RUNPOD_H100]
    cheaper = [o for o in one if price(o) < price(runpod)]
    assert [o["cloudId"] for o in cheaper if o["stockStatus"] == "Unavailable"] == [OUT_OF_STOCK]
    assert [o["country"] for o in one if o["region"] == "canada"] == ["CA"]
    community = [o for o in one if o["security"] == "community_cloud"]
    assert len(community) >= 2
    assert all(o["prices"]["communityPrice"] < o["prices"]["onDemand"] for o in community)

    eight = served(api, gpu_type="H100_80GB", gpu_count=8, socket="SXM5")
    assert len(eight) >= 3
    assert len({o["provider"] for o in eight}) == len({o["region"] for o in eight}) == len(eight)
    assert len({o["stockStatus"] for o in eight}) >= 3


def test_every_offer_is_served_in_one_shape(api: httpx.Client, new_offer: Offer) -> None:
    assert api.post(OFFERS, json=new_offer).status_code == 200
    single, multi = catalogue(api)
    legacy = [o for group in api.get("/api/v1/availability/").json().values() for o in group]
    shape = key_tree(single[0])
    assert all(key_tree(offer) == shape for offer in single + multi + legacy)
    assert "region" in shape


def key_tree(value: Any) -> Any:
    """The keys of a JSON document, recursively."""
    if isinstance(value, dict):
        return {key: key_tree(item) for key, item in value.items()}
    return None


# --- filters ---------------------------------------------------------------------------


Keep = Callable[[Offer], bool]

FILTERS: list[Any] = [
    pytest.param("regions", ["canada"], lambda o: o["region"] == "canada", id="region"),
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
    pytest.param("gpu_type", "H100_80GB", lambda o: o["gpuType"] == "H100_80GB", id="gpu_type"),
    pytest.param("gpu_count", 8, lambda o: o["gpuCount"] == 8, id="gpu_count"),
    pytest.param("socket", "SXM5", lambda o: o["socket"] == "SXM5", id="socket"),
    pytest.param(
        "security",
        "community_cloud",
        lambda o: o["security"] == "community_cloud",
        id="security",
    ),
    pytest.param(
        "data_center_id", "CANADA-1", lambda o: o["dataCenter"] == "CANADA-1", id="data_center_id"
    ),
    pytest.param("cloud_id", RUNPOD_H100, lambda o: o["cloudId"] == RUNPOD_H100, id="cloud_id"),
]


@pytest.mark.parametrize(("name", "value", "keep"), FILTERS)
def test_each_filter_alone(api: httpx.Client, name: str, value: Any, keep: Keep) -> None:
    everything = served(api)
    wanted = [o for o in everything if keep(o)]
    assert 0 < len(wanted) < len(everything)
    assert served(api, **{name: value}) == wanted


def test_disks_keep_offers_in_the_data_center_of_every_disk(
    api: httpx.Client, emulator_control: EmulatorControl
) -> None:
    def disk(provider: str, data_center: str) -> str:
        made = emulator_control.create_disk(
            "d", 10, provider_type=provider, data_center_id=data_center
        )
        disk_id: str = made["id"]
        return disk_id

    fin, fin_too, canada = (
        disk("datacrunch", "FIN-01"),
        disk("datacrunch", "FIN-01"),
        disk("hyperstack", "CANADA-1"),
    )
    in_fin = [o for o in served(api) if o["dataCenter"] == "FIN-01"]
    assert len(in_fin) == 2
    assert served(api, disks=[fin]) == served(api, disks=[fin, fin_too]) == in_fin
    assert [o["cloudId"] for o in served(api, MULTI, disks=[canada])] == [
        "hyperstack-h200-sxm5-32x-canada-1",
        "hyperstack-h200-sxm5-16x-canada-1",
    ]
    # Disks in two places, or a disk unknown or gone, leave no offer.
    assert served(api, disks=[fin, canada]) == []
    assert served(api, disks=[fin, "no-such-disk"]) == []
    assert emulator_control.delete_disk(canada).status_code == 200
    assert served(api, MULTI, disks=[canada]) == []


def test_filters_combine(api: httpx.Client) -> None:
    secure_h100_in_north_america = served(
        api,
        gpu_type="H100_80GB",
        gpu_count=1,
        socket="PCIe",
        security="secure_cloud",
        regions=["united_states", "canada"],
    )
    assert [o["cloudId"] for o in secure_h100_in_north_america] == [
        OUT_OF_STOCK,
        "hyperstack-h100-pcie-1x-canada-1",
    ]
    eight_in_canada = served(api, data_center_id="CANADA-1", gpu_count=8)
    assert [o["cloudId"] for o in eight_in_canada] == ["hyperstack-h100-sxm5-8x-canada-1"]
    # A cloud id and a data center it is not in: nothing.
    assert served(api, cloud_id=RUNPOD_H100, data_center_id="CANADA-1") == []
    assert served(api, cloud_id=RUNPOD_H100, data_center_id="US-KS-2", security="community_cloud")


def test_the_multi_node_route_takes_the_same_filters(api: httpx.Client) -> None:
    assert [o["cloudId"] for o in served(api, MULTI, regions=["canada"])] == [
        "hyperstack-h200-sxm5-32x-canada-1",
        "hyperstack-h200-sxm5-16x-canada-1",
    ]
    h100 = served(api, MULTI, gpu_type="H100_80GB", socket="SXM5", gpu_count=16)
    assert [o["cloudId"] for o in h100] == [MULTI_H100]
    assert served(api, MULTI, security="community_cloud") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [("gpu_type", "B300_262GB"), ("data_center_id", "MARS-1"), ("cloud_id", "no-such-offer")],
)
def test_a_value_no_offer_has_matches_nothing(api: httpx.Client, name: str, value: str) -> None:
    assert api.get(GPUS, params={name: value}).json() == {"items": [], "totalCount": 0}


@pytest.mark.parametrize(
    ("name", "value", "param"),
    [
        # The guide's one example of a region that is not in its own enum.
        ("regions", ["canada", "europe_west"], "regions[1]"),
        ("regions", "canada,europe_west", "regions[1]"),
        ("socket", "SXM7", "socket"),
        ("socket", "pcie", "socket"),  # the API's spelling is PCIe
        ("security", "private_cloud", "security"),
        ("gpu_type", "H100", "gpu_type"),  # the document's GPUType: H100_80GB
    ],
)
def test_a_value_outside_its_enum_is_422(
    api: httpx.Client, name: str, value: Any, param: str
) -> None:
    assert refused_params(api.get(GPUS, params={name: value})) == [param]
    assert refused_params(api.get(MULTI, params={name: value})) == [param]


# --- paging ----------------------------------------------------------------------------


def test_pages_walk_the_whole_catalogue(api: httpx.Client) -> None:
    everything = served(api)
    pages = [api.get(GPUS, params={"page": n, "page_size": 4}).json() for n in range(1, 6)]
    assert [len(p["items"]) for p in pages] == [4, 4, 4, 3, 0]
    assert {p["totalCount"] for p in pages} == {15}
    assert [o for p in pages for o in p["items"]] == everything


def test_pages_of_a_filtered_list(api: httpx.Client) -> None:
    h100 = served(api, gpu_type="H100_80GB")
    assert len(h100) == 9
    pages = [
        api.get(GPUS, params={"gpu_type": "H100_80GB", "page": n, "page_size": 2}).json()
        for n in range(1, 6)
    ]
    assert [len(p["items"]) for p in pages] == [2, 2, 2, 2, 1]
    assert {p["totalCount"] for p in pages} == {9}
    assert [o for p in pages for o in p["items"]] == h100


# --- a create from an offer out of stock -------------------------------------------------


def test_a_create_from_an_offer_out_of_stock_is_409_and_makes_no_pod(
    api: httpx.Client, control: httpx.Client
) -> None:
    body = create_body(OUT_OF_STOCK, "massedcompute")
    refused = api.post("/api/v1/pods/", json=body)
    assert refused.status_code == 409
    [detail] = refused.json().values()
    assert OUT_OF_STOCK in detail
    assert "out of stock" in detail
    assert control.get("/_emulator/pods").json() == {"data": []}
    assert api.get("/api/v1/pods/").json()["total_count"] == 0

    # Back in stock, the same create makes a pod at the offer's price...
    assert control.patch(f"{OFFERS}/{OUT_OF_STOCK}", json={"stockStatus": "Low"}).is_success
    made = api.post("/api/v1/pods/", json=body)
    assert (made.status_code, made.json()["priceHr"]) == (200, 1.69)
    # ... and out of stock again, it is refused; the pod already made stays.
    assert control.patch(f"{OFFERS}/{OUT_OF_STOCK}", json={"stockStatus": "Unavailable"}).is_success
    assert api.post("/api/v1/pods/", json=body).status_code == 409
    assert [p["id"] for p in control.get("/_emulator/pods").json()["data"]] == [made.json()["id"]]


def test_every_offer_out_of_stock_refuses_creates(api: httpx.Client) -> None:
    single, multi = catalogue(api)
    gone = [o for o in single + multi if o["stockStatus"] == "Unavailable"]
    assert len(gone) >= 3
    for offer in gone:
        body = create_body(offer["cloudId"], offer["provider"])
        body["pod"] |= {"gpuType": offer["gpuType"], "socket": offer["socket"]}
        assert api.post("/api/v1/pods/", json=body).status_code == 409, offer["cloudId"]
    # Offers in stock, whatever the level, and ids that are no offer, still make pods.
    for cloud_id in (RUNPOD_H100, "hyperstack-h100-pcie-1x-canada-1", "not-an-offer"):
        assert api.post("/api/v1/pods/", json=create_body(cloud_id)).status_code == 200


# --- POST /_emulator/offers --------------------------------------------------------------


def test_an_added_offer_is_served_filtered_and_sold(
    api: httpx.Client, control: httpx.Client, new_offer: Offer
) -> None:
    added = control.post(OFFERS, json=new_offer)
    assert (added.status_code, added.json()) == (200, new_offer)
    assert served(api)[-1] == new_offer  # after the catalogue's
    assert served(api, regions=["australia"]) == [new_offer]
    assert new_offer not in served(api, MULTI)
    body = create_body(new_offer["cloudId"], "oblivus")
    assert api.post("/api/v1/pods/", json=body).json()["priceHr"] == price(new_offer)


def test_an_offer_added_as_multi_node_is_served_there(
    api: httpx.Client, control: httpx.Client, new_offer: Offer
) -> None:
    multi = {**new_offer, "gpuCount": 32, "interconnect": 400, "interconnectType": "InfiniBand"}
    added = control.post(f"{OFFERS}/", params={"multi_node": "true"}, json=multi)
    assert added.status_code == 200, added.text
    assert served(api, MULTI)[-1] == multi
    assert served(api, cloud_id=multi["cloudId"]) == []


def test_an_offer_of_the_documents_required_keys_gets_the_rest_by_default(
    api: httpx.Client, control: httpx.Client
) -> None:
    required = {
        "cloudId": "primecompute-a100-pcie-2x",
        "gpuCount": 2,
        "gpuMemory": 80,
        "gpuType": "A100_80GB",
        "images": ["ubuntu_22_cuda_12"],
        "prices": {"onDemand": 2.5, "currency": "USD"},
        "provider": "primecompute",
        "security": "secure_cloud",
        "socket": "PCIe",
    }
    added = control.post(OFFERS, json=required)
    assert added.status_code == 200, added.text
    offer = added.json()
    assert served(api)[-1] == offer
    assert {key: offer[key] for key in required} == required | {
        "prices": {"onDemand": 2.5, "communityPrice": None, "isVariable": False, "currency": "USD"}
    }
    assert (offer["stockStatus"], offer["isSpot"]) == ("Available", False)
    assert (offer["dataCenter"], offer["country"], offer["region"]) == (None, None, None)
    # Machine sizes grow with the GPU count, as the catalogue's do.
    sizes = [offer[key]["defaultCount"] for key in ("disk", "vcpu", "memory")]
    assert sizes == [200, 16, 128]
    assert offer not in served(api, regions=["canada"])
    body = create_body("primecompute-a100-pcie-2x", "primecompute")
    body["pod"] |= {"gpuType": "A100_80GB", "gpuCount": 2}
    assert api.post("/api/v1/pods/", json=body).json()["priceHr"] == 2.5


@pytest.mark.parametrize("cloud_id", [RUNPOD_H100, MULTI_H100])
def test_a_taken_cloud_id_is_409_and_changes_nothing(
    api: httpx.Client, control: httpx.Client, new_offer: Offer, cloud_id: str
) -> None:
    before = catalogue(api)
    clash = control.post(OFFERS, json={**new_offer, "cloudId": cloud_id})
    assert clash.status_code == 409
    assert f"Offer {cloud_id} already exists" in clash.json()["detail"]
    assert catalogue(api) == before


def _without(item: Offer, key: str) -> Offer:
    return {k: v for k, v in item.items() if k != key}


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        pytest.param(lambda o: {**o, "spot": True}, [(["spot"], "extra_forbidden")], id="extra"),
        pytest.param(
            lambda o: {**o, "prices": {**o["prices"], "price": 2.0}},
            [(["prices", "price"], "extra_forbidden")],
            id="extra-price",
        ),
        pytest.param(lambda o: _without(o, "gpuType"), [(["gpuType"], "missing")], id="no-type"),
        pytest.param(
            lambda o: {**o, "images": ["ubuntu_99"]}, [(["images", 0], "literal_error")], id="image"
        ),
        pytest.param(lambda o: {**o, "provider": "aws"}, [(["provider"], "literal_error")]),
        pytest.param(lambda o: {**o, "gpuCount": "1"}, [(["gpuCount"], "int_type")], id="str"),
        pytest.param(lambda o: {**o, "gpuCount": 1.0}, [(["gpuCount"], "int_type")], id="float"),
        pytest.param(lambda o: {**o, "gpuCount": 0}, [(["gpuCount"], "greater_than_equal")]),
        pytest.param(
            lambda o: {**o, "region": "europe_west"}, [(["region"], "literal_error")], id="region"
        ),
        pytest.param(
            lambda o: {**o, "stockStatus": "InStock"}, [(["stockStatus"], "literal_error")]
        ),
        pytest.param(lambda o: {**o, "socket": "SXM7"}, [(["socket"], "literal_error")]),
        pytest.param(
            lambda o: {**o, "prices": {**o["prices"], "onDemand": None, "communityPrice": None}},
            [(["prices"], "no_price")],
            id="no-price",
        ),
        pytest.param(
            lambda o: {**o, "prices": {**o["prices"], "onDemand": 0}},
            [(["prices", "onDemand"], "greater_than")],
            id="zero-price",
        ),
        pytest.param(lambda o: {**o, "cloudId": ""}, [(["cloudId"], "string_too_short")]),
        pytest.param(lambda o: [o], [([], "model_attributes_type")], id="list"),
    ],
)
def test_a_malformed_offer_is_422_and_changes_nothing(
    api: httpx.Client,
    control: httpx.Client,
    new_offer: Offer,
    change: Callable[[Offer], Any],
    problems: list[tuple[list[str], str]],
) -> None:
    before = catalogue(api)
    found = issues(control.post(OFFERS, json=change(new_offer)))
    assert found == [(["body", *loc], kind) for loc, kind in problems]
    assert catalogue(api) == before


# --- PATCH /_emulator/offers/{cloud_id} ---------------------------------------------------


def test_patch_changes_stock_and_prices_and_only_new_pods_pay_them(
    api: httpx.Client, control: httpx.Client
) -> None:
    [offer] = served(api, cloud_id=RUNPOD_H100)
    earlier_pod = api.post("/api/v1/pods/", json=OFFER_BODY).json()

    def patch(body: Any, path: str = f"{OFFERS}/{RUNPOD_H100}") -> Offer:
        answer = control.patch(path, json=body)
        assert answer.status_code == 200, answer.text
        changed: Offer = answer.json()
        assert served(api, cloud_id=RUNPOD_H100) == [changed]
        return changed

    offer = {**offer, "stockStatus": "High"}
    assert patch({"stockStatus": "High"}) == offer
    offer["prices"] = {**offer["prices"], "communityPrice": 1.49}
    assert patch({"prices": {"communityPrice": 1.49}}) == offer
    # Null, like an absent key, leaves a price as it is.
    offer["prices"] = {**offer["prices"], "onDemand": 2.99}
    assert patch({"prices": {"onDemand": 2.99, "communityPrice": None}}) == offer
    offer = {**offer, "stockStatus": "Medium", "prices": {**offer["prices"], "onDemand": 3.0}}
    body = {"stockStatus": "Medium", "prices": {"onDemand": 3}}  # an integer is a number
    assert patch(body, f"{OFFERS}/{RUNPOD_H100}/") == offer
    assert patch({}) == patch({"stockStatus": None, "prices": None}) == offer

    later_pod = api.post("/api/v1/pods/", json=OFFER_BODY).json()
    assert later_pod["priceHr"] == 1.49
    assert api.get(f"/api/v1/pods/{earlier_pod['id']}").json()["priceHr"] == 1.99


def test_patch_changes_multi_node_offers_too(api: httpx.Client, control: httpx.Client) -> None:
    changed = control.patch(f"{OFFERS}/{MULTI_H100}", json={"stockStatus": "Unavailable"})
    assert changed.json()["stockStatus"] == "Unavailable"
    assert served(api, MULTI, cloud_id=MULTI_H100) == [changed.json()]


def test_patch_of_an_unknown_offer_is_404(api: httpx.Client, control: httpx.Client) -> None:
    before = catalogue(api)
    answer = control.patch(f"{OFFERS}/no-such-offer", json={"stockStatus": "Low"})
    assert (answer.status_code, answer.json()) == (404, {"detail": "Offer no-such-offer not found"})
    assert catalogue(api) == before


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        pytest.param({"stockStatus": "Sold out"}, [(["stockStatus"], "literal_error")]),
        pytest.param({"stock": "Low"}, [(["stock"], "extra_forbidden")]),
        pytest.param({"prices": {"onDemand": "2"}}, [(["prices", "onDemand"], "float_type")]),
        pytest.param({"prices": {"onDemand": -1}}, [(["prices", "onDemand"], "greater_than")]),
        pytest.param({"prices": {"spot": 1.0}}, [(["prices", "spot"], "extra_forbidden")]),
        pytest.param({"prices": 2.0}, [(["prices"], "model_attributes_type")]),
        pytest.param([{"stockStatus": "Low"}], [([], "model_attributes_type")], id="list"),
    ],
)
def test_a_malformed_patch_is_422_and_changes_nothing(
    api: httpx.Client, control: httpx.Client, body: Any, problems: list[tuple[list[str], str]]
) -> None:
    before = catalogue(api)
    found = issues(control.patch(f"{OFFERS}/{RUNPOD_H100}", json=body))
    assert found == [(["body", *loc], kind) for loc, kind in problems]
    assert catalogue(api) == before


# --- reset ----------------------------------------------------------------------------


def test_reset_restores_the_default_catalogue(
    api: httpx.Client, control: httpx.Client, new_offer: Offer
) -> None:
    before = catalogue(api)
    control.post(OFFERS, json=new_offer).raise_for_status()
    control.post(OFFERS, params={"multi_node": True}, json={**new_offer, "cloudId": "m"})
    control.patch(f"{OFFERS}/{OUT_OF_STOCK}", json={"stockStatus": "High"}).raise_for_status()
    control.patch(f"{OFFERS}/{MULTI_H100}", json={"prices": {"onDemand": 1.0}}).raise_for_status()
    assert catalogue(api) != before

    assert control.post("/_emulator/reset").json() == {"status": "reset"}
    assert catalogue(api) == before
    assert control.post(OFFERS, json=new_offer).status_code == 200  # its id is free again


# --- EmulatorControl ---------------------------------------------------------------------


def test_emulator_control_reads_adds_and_changes_offers(
    api: httpx.Client, emulator_control: EmulatorControl, new_offer: Offer
) -> None:
    default = served(api)
    assert emulator_control.offers() == emulator_control.offers(page_size=2) == default
    assert emulator_control.offers(gpu_type="H100_80GB", gpu_count=1, regions=["canada"]) == [
        o for o in default if o["cloudId"] == "hyperstack-h100-pcie-1x-canada-1"
    ]
    assert emulator_control.add_offer(new_offer) == new_offer
    assert emulator_control.offers(regions="australia") == [new_offer]
    multi = {**new_offer, "cloudId": "multi", "gpuCount": 16}
    assert emulator_control.add_offer(multi, multi_node=True) == multi
    assert served(api, MULTI)[-1] == multi

    cloud_id = new_offer["cloudId"]
    gone = emulator_control.set_offer(cloud_id, stock_status="Unavailable")
    assert gone == {**new_offer, "stockStatus": "Unavailable"}
    cheaper = emulator_control.set_offer(cloud_id, prices={"onDemand": 1.25})
    assert cheaper == {**gone, "prices": {**new_offer["prices"], "onDemand": 1.25}}
    assert emulator_control.set_offer(cloud_id) == cheaper
    assert emulator_control.offers(cloud_id=cloud_id) == [cheaper]

    with pytest.raises(httpx.HTTPStatusError) as taken:
        emulator_control.add_offer(new_offer)
    assert taken.value.response.status_code == 409
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        emulator_control.set_offer("no-such-offer", stock_status="Low")
    assert unknown.value.response.status_code == 404
    with pytest.raises(httpx.HTTPStatusError) as bad_filter:
        emulator_control.offers(socket="SXM7")
    assert bad_filter.value.response.status_code == 422

    emulator_control.reset()
    assert emulator_control.offers() == default


# --- the backend, in process --------------------------------------------------------------


def test_each_backend_has_a_catalogue_of_its_own() -> None:
    first, second = EmulatorBackend(), EmulatorBackend()
    [offer] = first.availability(cloud_id=RUNPOD_H100).items
    first.update_offer(RUNPOD_H100, OfferUpdate(stock_status="Unavailable"))
    first.add_offer(offer.model_copy(update={"cloud_id": "extra"}))

    [untouched] = second.availability(cloud_id=RUNPOD_H100).items
    assert untouched == offer
    assert untouched.stock_status == "Low"
    assert second.availability(cloud_id="extra").items == []
    assert offer.stock_status == "Low"  # an offer served earlier is never changed afterwards

    first.reset()
    assert first.availability() == second.availability()
    assert first.availability(multi_node=True) == second.availability(multi_node=True)


def test_the_backend_refuses_what_the_control_api_refuses(backend: EmulatorBackend) -> None:
    [offer] = backend.availability(cloud_id=RUNPOD_H100).items
    with pytest.raises(ConflictError, match=f"Offer {RUNPOD_H100} already exists"):
        backend.add_offer(offer)
    with pytest.raises(ConflictError, match="already exists"):
        backend.add_offer(offer.model_copy(update={"cloud_id": MULTI_H100}))
    with pytest.raises(UnknownResourceError, match="Offer nope not found"):
        backend.update_offer("nope", OfferUpdate(stock_status="Low"))

    request = WireCreatePodRequest.model_validate(create_body(OUT_OF_STOCK, "massedcompute"))
    with pytest.raises(ConflictError, match="out of stock") as refused:
        backend.create_pod(request)
    assert refused.value.status_code == 409
    assert backend.all_pods() == []


def test_a_pod_pays_the_price_of_its_offers_tier(backend: EmulatorBackend) -> None:
    def pod_price(cloud_id: str) -> float:
        return backend.create_pod(
            WireCreatePodRequest.model_validate(create_body(cloud_id))
        ).price_hr

    secure = "datacrunch-h100-pcie-1x-fin-02"
    # A community price on a secure offer is not what its pods cost.
    backend.update_offer(secure, OfferUpdate(prices=PriceUpdate(community_price=1.0)))
    assert pod_price(secure) == 2.29
    # A community offer with no community price of its own costs its on-demand price.
    [community] = backend.availability(cloud_id=RUNPOD_H100).items
    prices = community.prices.model_copy(update={"community_price": None})
    backend.add_offer(community.model_copy(update={"cloud_id": "no-community", "prices": prices}))
    assert pod_price("no-community") == 2.49
    assert pod_price(RUNPOD_H100) == 1.99


def test_openapi_documents_every_filter_and_the_409(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    for path in (GPUS, MULTI):
        parameters = {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}
        assert set(parameters) == {
            "page", "page_size", "regions", "gpu_type", "gpu_count", "socket", "security",
            "data_center_id", "cloud_id", "disks",
        }  # fmt: skip
        [regions, _] = parameters["regions"]["anyOf"]
        assert "europe_west" not in regions["items"]["enum"]
        assert len(regions["items"]["enum"]) == 11
    create = document["paths"]["/api/v1/pods/"]["post"]["responses"]
    assert create["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


# --- summaries and the older shapes ----------------------------------------------------


def test_the_gpu_summary_has_the_cheapest_prices_in_stock_by_type_and_count(
    api: httpx.Client,
) -> None:
    answer = api.get("/api/v1/availability/gpu-summary")
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    # The cheapest single H100 (massedcompute, 1.69) is out of stock: left out.
    assert summary["H100_80GB"]["1"] == {
        "cheapest": {"onDemand": 2.19, "communityPrice": 1.89, "spotPrice": None}
    }
    assert summary["H100_80GB"]["8"]["cheapest"]["onDemand"] == 17.52
    # Only the spot offer gives a spot price: its community-cloud price.
    assert summary["RTX4090_24GB"]["2"]["cheapest"]["spotPrice"] == 0.58
    # The one 8x H200 is out of stock, so no H200 at all; no multi-node offer either.
    assert "H200_141GB" not in summary
    assert "16" not in summary["H100_80GB"]


def test_the_multi_node_summary_and_clusters_serve_the_multi_node_offers(
    api: httpx.Client, control: httpx.Client
) -> None:
    summary = api.get("/api/v1/availability/multi-node-summary").json()
    # Two and four nodes of eight GPUs, of H100 and of H200.
    assert {gpu: sorted(counts) for gpu, counts in summary.items()} == {
        "H100_80GB": ["16", "32"],
        "H200_141GB": ["16", "32"],
    }
    assert summary["H200_141GB"]["32"]["cheapest"]["onDemand"] == 89.60
    clusters = api.get("/api/v1/availability/clusters").json()
    assert {gpu: [o["cloudId"] for o in offers] for gpu, offers in clusters.items()} == {
        "H100_80GB": [MULTI_H100, "lambdalabs-h100-sxm5-32x-us-west-2"],
        "H200_141GB": ["hyperstack-h200-sxm5-32x-canada-1", "hyperstack-h200-sxm5-16x-canada-1"],
    }
    assert api.get("/api/v1/availability/clusters", params={"regions": ["canada"]}).json() == {
        "H200_141GB": clusters["H200_141GB"]
    }
    control.patch(f"{OFFERS}/{MULTI_H100}", json={"stockStatus": "Unavailable"})
    # The summary counts only offers in stock: 16 H100s are gone from it, 32 stay.
    after = api.get("/api/v1/availability/multi-node-summary").json()
    assert sorted(after["H100_80GB"]) == ["32"]


def test_the_older_shape_takes_every_filter_and_pages_of_500(api: httpx.Client) -> None:
    legacy = "/api/v1/availability/"
    sxm = api.get(legacy, params={"socket": "SXM5", "security": "secure_cloud"}).json()
    assert {o["cloudId"] for offers in sxm.values() for o in offers} == {
        o["cloudId"] for o in served(api, socket="SXM5", security="secure_cloud")
    }
    assert api.get(legacy, params={"page_size": 500}).status_code == 200
    assert refused_params(api.get(legacy, params={"page_size": 501})) == ["page_size"]
    assert refused_params(api.get(legacy, params={"gpu_type": "H100"})) == ["gpu_type"]
