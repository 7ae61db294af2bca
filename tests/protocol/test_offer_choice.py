"""Pods declared by constraints: the offer chosen, the spend guard, the next offer on a 409.

The emulator's default catalogue offers 1x H100_80GB (PCIe) five times:
tensordock 1.89/h (eu_west), runpod 1.99/h (united_states), datacrunch and
hyperstack 2.29/h (eu_north, canada), and massedcompute 1.69/h, out of stock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from prime_pulumi.core.properties import CHOSEN_KEY, URN_KEY
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fake_engine import FakeEngine
from tests.kit.harness import URN, ProviderProcess
from tests.protocol.support import one_line, provider_config

H100 = {"gpu_type": "H100_80GB", "gpu_count": 1.0, "auto_name_seed": "org/protocol/test/cheap"}
CHEAPEST = "tensordock-h100-pcie-1x-nl-ams-1"
SECOND = "runpod-h100-pcie-1x-us-ks-2"


@pytest.fixture
def engine() -> Iterator[FakeEngine]:
    with FakeEngine() as server:
        yield server


@pytest.fixture
def provider(emulator: EmulatorControl, engine: FakeEngine, tmp_path: Path) -> Iterator[Any]:
    process = ProviderProcess(tmp_path, engine_address=engine.address)
    try:
        process.configure(provider_config(emulator.base_url))
        yield process
    finally:
        process.close()


def checked(provider: ProviderProcess, **constraints: Any) -> dict[str, Any]:
    inputs, failures = provider.check({**H100, **constraints})
    assert failures == []
    return inputs


def test_the_cheapest_matching_offer_in_stock_is_chosen_and_reported(
    provider: ProviderProcess, emulator: EmulatorControl, engine: FakeEngine
) -> None:
    pod_id, outs = provider.create({**checked(provider), URN_KEY: URN.format(name="trainer")})
    assert outs["cloud_id"] == CHEAPEST  # not massedcompute's 1.69: it is out of stock
    assert (outs["socket"], outs["provider_type"]) == ("PCIe", "tensordock")
    assert (outs["data_center_id"], outs["country"]) == ("NL-AMS-1", "NL")
    assert outs["price_hr"] == pytest.approx(1.89)
    assert outs[CHOSEN_KEY] == ["cloud_id", "country", "data_center_id", "provider_type", "socket"]
    (pod,) = emulator.live_pods()
    assert pod["id"] == pod_id
    # The outputs record the choice. The row's "chose offer" message is best effort: a
    # later message of the row replaces it if it is not sent yet; when it is, it is right.
    messages = engine.messages(URN.format(name="trainer"))
    chose = [m for m in messages if m.startswith("chose offer ")]
    assert all(m == f"chose offer {CHEAPEST} (tensordock, eu_west) at $1.89/h" for m in chose)


@pytest.mark.parametrize(
    ("constraints", "chosen"),
    [
        ({"regions": ["canada", "united_states"]}, SECOND),
        ({"regions": ["canada"]}, "hyperstack-h100-pcie-1x-canada-1"),
        ({"security": "secure_cloud"}, "datacrunch-h100-pcie-1x-fin-02"),  # ties: by id
        ({"provider_type": "hyperstack"}, "hyperstack-h100-pcie-1x-canada-1"),
        ({"country": "US"}, SECOND),
        ({"data_center_id": "FIN-02"}, "datacrunch-h100-pcie-1x-fin-02"),
        ({"max_price": 1.95}, CHEAPEST),
        ({"socket": "PCIe", "max_price": 2.0, "regions": ["united_states"]}, SECOND),
    ],
    ids=["regions", "region", "security", "provider", "country", "data-center", "price", "all"],
)
def test_each_constraint_narrows_the_choice(
    provider: ProviderProcess,
    emulator: EmulatorControl,
    constraints: dict[str, Any],
    chosen: str,
) -> None:
    _, outs = provider.create(checked(provider, **constraints))
    assert outs["cloud_id"] == chosen
    for key, value in constraints.items():
        assert outs[key] == value, "a declared constraint stays as declared"


def test_the_marketplace_moving_is_no_change_and_a_constraint_change_replaces(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    declared = checked(provider, max_price=3.0)
    pod_id, outs = provider.create(declared)
    emulator.set_offer(CHEAPEST, stock_status="Unavailable", prices={"communityPrice": 9.99})
    again = checked(provider, max_price=3.0)  # the next `pulumi up`, same program
    assert again["name"] == declared["name"]
    diff = provider.diff(pod_id, outs, again)
    assert diff.changes == diff.DIFF_NONE and list(diff.replaces) == []
    read_id, read_outs = provider.read(pod_id, outs)
    assert (read_id, read_outs["cloud_id"], read_outs[CHOSEN_KEY]) == (
        pod_id,
        CHEAPEST,
        outs[CHOSEN_KEY],
    )
    assert provider.diff(pod_id, read_outs, again).changes == diff.DIFF_NONE
    for change in ({"max_price": 2.5}, {"regions": ["canada"]}, {"socket": "SXM5"}):
        changed = provider.diff(pod_id, outs, checked(provider, **{"max_price": 3.0, **change}))
        assert set(change) <= set(changed.replaces)
        assert changed.changes == changed.DIFF_SOME
    # Declaring what create chose, as it chose it (`pulumi import` writes it so), is no change.
    as_chosen = {**again, "socket": outs["socket"], "provider_type": outs["provider_type"]}
    assert provider.diff(pod_id, outs, as_chosen).changes == diff.DIFF_NONE


def test_an_offer_refused_as_unavailable_is_passed_over_for_the_next(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fault("create_pod", "status", status=409, detail="no capacity left", times=1)
    pod_id, outs = provider.create(checked(provider))
    assert outs["cloud_id"] == SECOND
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]
    assert emulator.counts()["create_pod"] == 2


def test_when_every_matching_offer_is_refused_the_error_lists_them_and_nothing_bills(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fault("create_pod", "status", status=409, detail="no capacity left", times=10)
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked(provider, regions=["canada", "united_states"]))
    text = one_line(info.value)
    assert text.startswith("prime_pulumi.NoOfferError: Pod 'cheap-")
    assert "no matching offer could be had; tried 2: " in text
    assert f"{SECOND} (runpod, united_states) at $1.99/h: no capacity left" in text
    assert text.endswith("Nothing was created, so nothing is left billing.")
    assert emulator.live_pods() == []
    assert emulator.counts()["create_pod"] == 2


def test_nothing_under_max_price_fails_before_posting_with_the_price_to_raise_to(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked(provider, max_price=1.5, regions=["eu_west", "united_states"]))
    text = one_line(info.value)
    assert "no offer of 1x H100_80GB matches; the filters left out all 5:" in text
    assert "2 above max_price" in text  # tensordock 1.89, runpod 1.99
    assert "1 out of stock" in text  # massedcompute
    assert "2 outside the declared regions, data center or country" in text
    assert "costs $1.89/h (tensordock-h100-pcie-1x-nl-ams-1): raise max_price to at least" in text
    assert text.endswith("Nothing was posted.")
    assert emulator.counts()["create_pod"] == 0


def test_a_declared_offer_above_max_price_is_never_posted(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    declared = checked(provider, cloud_id=SECOND, socket="PCIe", provider_type="runpod")
    with pytest.raises(grpc.RpcError) as info:
        provider.create({**declared, "max_price": 1.5})
    assert one_line(info.value) == (
        f"prime_pulumi.NoOfferError: Pod '{declared['name']}': offer '{SECOND}' costs $1.99/h "
        "now, above max_price $1.5/h: raise max_price to at least 1.99, or leave cloud_id out "
        "to choose among offers. Nothing was posted."
    )
    assert emulator.counts()["create_pod"] == 0


def test_a_declared_offer_is_used_as_declared(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    _, outs = provider.create(checked(provider, cloud_id=SECOND))  # socket, provider: looked up
    assert (outs["cloud_id"], outs["socket"], outs["provider_type"]) == (SECOND, "PCIe", "runpod")
    assert outs[CHOSEN_KEY] == ["country", "data_center_id", "provider_type", "socket"]


def test_a_constraint_pod_left_by_an_interrupted_run_is_adopted_with_what_it_reports(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked(provider)
    earlier = emulator.create_pod(inputs["name"], cloud_id=SECOND, socket="PCIe")
    pod_id, outs = provider.create(inputs)
    assert pod_id == earlier["id"]
    assert emulator.counts()["create_pod"] == 1, "adopted by name: no offer chosen, no post"
    # The API's pod record names its socket and provider, not the offer it came from.
    assert (outs["socket"], outs["provider_type"], outs.get("cloud_id")) == ("PCIe", "runpod", None)
    assert outs[CHOSEN_KEY] == ["provider_type", "socket"]
    diff = provider.diff(pod_id, outs, checked(provider))
    assert diff.changes == diff.DIFF_NONE
