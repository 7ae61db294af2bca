"""The offer lane of the fault campaign in CI: constraint pods while offers sell out and reprice.

Each schedule is one ``pulumi up`` of 3 to 8 pods that leave ``cloud_id`` out
(some of 16 GPUs, made from multi-node offers), with offers going out of stock,
changing price, or answering 409 while the creates choose and post (see
``tests.kit.offer_campaign``).
``OFFER_SCHEDULES`` sets how many (default 12); ``CAMPAIGN_SEED`` replays one
(``CAMPAIGN_SEED=<seed> pytest tests/campaign -k offer``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.kit.campaign import campaign_seeds
from tests.kit.fleet_campaign import run_fleet_lanes
from tests.kit.offer_campaign import (
    Declared,
    Market,
    OfferCampaign,
    OfferCreate,
    OfferState,
    create_breaks,
    offer_lanes,
)

API_KEY = "pk-offers-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def lanes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[OfferCampaign]]:
    """Two lanes, each an emulator and one provider process at a time."""
    with ExitStack() as stack:
        yield offer_lanes(stack, tmp_path_factory.mktemp("offers"), API_KEY, count=2)


@pytest.mark.timeout(600)
def test_offer_constraint_pods_never_get_a_wrong_offer_or_two_pods(
    lanes: list[OfferCampaign], capsys: pytest.CaptureFixture[str]
) -> None:
    # An InvariantError names its seed: CAMPAIGN_SEED=<seed> pytest tests/campaign -k offer
    report = run_fleet_lanes(lanes, campaign_seeds("OFFER_SCHEDULES", 12), API_KEY)
    with capsys.disabled():
        print(report)


# ------------------------------------------------------------ the checker, on made-up runs

CHEAP, DEAR = "tensordock-1x", "runpod-1x"
MULTI = "lambdalabs-16x"
POD_ID = "p1"
SSH = "root@203.0.113.1 -p 22"


def _market(*prices: tuple[float, float], moments: tuple[tuple[float, float], ...] = ()) -> Market:
    """Two offers on community cloud, CHEAP in eu_west and DEAR in united_states.

    One version per (cheap, dear) prices; ``moments`` are when each change after the first ran.
    """
    versions = [
        {
            CHEAP: OfferState("eu_west", "community_cloud", "tensordock", cheap, True),
            DEAR: OfferState("united_states", "community_cloud", "runpod", dear, True),
        }
        for cheap, dear in prices
    ]
    return Market(versions, list(moments))


def _pod(price: float = 1.89) -> dict[str, object]:
    """The pod the create made, of CHEAP's provider, on one node."""
    return {
        "id": POD_ID,
        "name": "n0-1234567",
        "status": "ACTIVE",
        "providerType": "tensordock",
        "priceHr": price,
        "ip": "203.0.113.1",
        "sshConnection": SSH,
    }


def _made(cloud_id: str = CHEAP, **declared: Any) -> OfferCreate:
    provider = "tensordock" if cloud_id == CHEAP else "runpod"
    node = {"ip": "203.0.113.1", "ssh_connection": SSH}
    return OfferCreate(
        "n0",
        "n0-1234567",
        Declared(**declared),
        start=10.0,
        end=11.0,
        pod_id=POD_ID,
        outs={"cloud_id": cloud_id, "provider_type": provider, "nodes": [node], **node},
    )


def _failed(error: str, **declared: Any) -> OfferCreate:
    create = _made(**declared)
    create.pod_id, create.outs, create.error = None, {}, error
    return create


def test_a_create_is_judged_against_every_version_current_while_it_ran() -> None:
    market = _market((1.0, 1.0), (2.0, 2.0), (3.0, 3.0), moments=((1.0, 2.0), (5.0, 6.0)))
    cheap = [
        [v[CHEAP].price for v in market.during(*window)] for window in ((2.5, 4.0), (1.5, 5.5))
    ]
    assert cheap == [[2.0], [1.0, 2.0, 3.0]]


def test_the_checker_takes_a_pod_of_an_offer_that_matched_before_its_price_rose() -> None:
    """The price rose while the create ran: the version before it may have been chosen."""
    market = _market((1.89, 1.99), (2.5, 1.99), moments=((10.5, 10.6),))
    assert create_breaks(_made(max_price=2.0), market, [_pod()]) == []


def test_the_checker_catches_a_pod_over_max_price_throughout_and_a_second_pod() -> None:
    market = _market((2.5, 1.99))
    broken = create_breaks(_made(max_price=2.0), market, [_pod(2.5), {**_pod(), "id": "p2"}])
    assert [what.split(" ", 1)[0] for what in broken] == ["(dup)", "(offer)", "(offer)"]


def test_the_checker_catches_a_pod_outside_the_declared_regions() -> None:
    (broken,) = create_breaks(_made(DEAR, regions=("eu_west",)), _market((1.89, 1.99)), [_pod()])
    assert "which never matched while its create ran" in broken


def _two_nodes(*ips: str | None) -> tuple[OfferCreate, dict[str, object], Market]:
    """A create of 16 GPUs answered with nodes at ``ips``; the API's pod at two other IPs."""
    listed = ["203.0.113.1", "198.51.100.1"]
    create = _made(MULTI, gpu_count=16)
    nodes = [{"ip": ip, "ssh_connection": ip and f"root@{ip} -p 22"} for ip in ips]
    create.outs.update(nodes=nodes, provider_type="lambdalabs")
    pod = {
        **_pod(38.24),
        "providerType": "lambdalabs",
        "ip": listed,
        "sshConnection": [f"root@{ip} -p 22" for ip in listed],
    }
    market = _market((1.89, 1.99))
    market.versions[0][MULTI] = OfferState(
        "united_states", "secure_cloud", "lambdalabs", 38.24, True, gpu_count=16
    )
    return create, pod, market


def test_the_checker_takes_a_multi_node_pod_with_its_nodes_in_order() -> None:
    create, pod, market = _two_nodes("203.0.113.1", "198.51.100.1")
    assert create_breaks(create, market, [pod]) == []


@pytest.mark.parametrize(
    "ips",
    [("198.51.100.1", "203.0.113.1"), ("203.0.113.1", None), ("203.0.113.1",)],
    ids=["out-of-order", "a-node-not-ready", "a-node-missing"],
)
def test_the_checker_catches_nodes_out_of_order_or_not_ready(ips: tuple[str | None, ...]) -> None:
    create, pod, market = _two_nodes(*ips)
    found = create_breaks(create, market, [pod])
    assert found and all(what.startswith("(nodes)") for what in found)


def test_the_checker_catches_sixteen_gpus_made_from_a_single_node_offer() -> None:
    create = _made(CHEAP, gpu_count=16)
    found = create_breaks(create, _market((1.89, 1.99)), [_pod()])
    assert [what[:7] for what in found] == ["(offer)", "(nodes)"]


def test_the_checker_catches_a_chosen_offer_reported_over_max_price() -> None:
    create = _made(max_price=1.9)
    create.chosen = [(DEAR, 1.99), (CHEAP, 1.89)]
    (broken,) = create_breaks(create, _market((1.89, 1.99)), [_pod()])
    assert broken.startswith(f"(offer) n0-1234567 chose {DEAR} at $1.99/h")


NONE_MATCHED = (
    "prime_pulumi.NoOfferError: Pod 'n0-1234567': no offer of 1x H100_80GB matches; the "
    "filters left out all 2: 2 above max_price. Nothing was posted."
)
ALL_REFUSED = (
    "prime_pulumi.NoOfferError: Pod 'n0-1234567': no matching offer could be had; tried {n}: "
    f"{CHEAP} (tensordock, eu_west) at $1.89/h: no capacity{{more}}. Nothing was created, so "
    "nothing is left billing."
)


@pytest.mark.parametrize(
    ("error", "declared", "broken"),
    [
        (NONE_MATCHED, {"max_price": 1.5}, None),
        (NONE_MATCHED, {"max_price": 1.9}, "(none) n0-1234567 found no offer, yet one matched"),
        (ALL_REFUSED.format(n=1, more=""), {"max_price": 1.9}, None),
        (ALL_REFUSED.format(n=1, more=""), {}, "(none) n0-1234567 tried 1 offers"),
        (
            ALL_REFUSED.format(n=2, more=f"; {DEAR} (runpod, united_states) at $1.99/h: no"),
            {},
            None,
        ),
        (
            "prime_pulumi.PodError: Pod 'n0-1234567': GET /api/v1/availability/gpus failed",
            {},
            "(fail) the error of n0-1234567 says not what bills",
        ),
        (
            "prime_pulumi.CreateOutcomeUnknownError: Pod 'n0-1234567': ... Run the operation "
            "again: a pod of that name that appears later is adopted, not made twice",
            {},
            None,
        ),
    ],
)
def test_the_checker_judges_failed_creates(
    error: str, declared: dict[str, object], broken: str | None
) -> None:
    found = create_breaks(_failed(error, **declared), _market((1.89, 1.99)), [])
    assert [what[: len(broken or "")] for what in found] == ([broken] if broken else [])


def test_the_checker_catches_a_failure_that_says_nothing_bills_while_its_pod_does() -> None:
    found = create_breaks(_failed(NONE_MATCHED, max_price=1.5), _market((1.89, 1.99)), [_pod()])
    assert [what[:6] for what in found] == ["(fail)"]
