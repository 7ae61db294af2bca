"""Pods over several nodes, by constraints, through both faces.

The emulator's default catalogue lists multi-node offers apart
(``/availability/multi-node``): 16x H100_80GB (2 nodes, lambdalabs, 38.24/h),
32x H100_80GB (4 nodes, 74.88/h), 16x and 32x H200_141GB. No single-node offer
has more than 8 GPUs; 8x H100_80GB single-node offers start at 17.52/h.
"""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from prime_pulumi.core.properties import CHOSEN_KEY
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fake_engine import FakeEngine
from tests.kit.harness import ProviderProcess
from tests.kit.plugin_process import PluginProcess, plain, struct
from tests.protocol.support import one_line, provisioning_takes

H100 = {"gpu_type": "H100_80GB", "auto_name_seed": "org/protocol/test/multi"}
TWO_NODES = "lambdalabs-h100-sxm5-16x-us-west-2"
FOUR_NODES = "lambdalabs-h100-sxm5-32x-us-west-2"
CHEAPEST_EIGHT = "datacrunch-h100-sxm5-8x-fin-01"  # single-node, 17.52/h


def checked(provider: ProviderProcess, **declared: Any) -> dict[str, Any]:
    inputs, failures = provider.check({**H100, **declared})
    assert failures == []
    return inputs


def eight_over_two_nodes(emulator: EmulatorControl, price: float) -> str:
    """A multi-node offer of 8 H100s (two nodes of four), a count single-node offers have."""
    [item] = emulator.offers(cloud_id=CHEAPEST_EIGHT)
    cloud_id = "lambdalabs-h100-sxm5-8x-2-nodes-us-west-2"
    prices = {**item["prices"], "onDemand": price}
    emulator.add_offer({**item, "cloudId": cloud_id, "prices": prices}, multi_node=True)
    return cloud_id


def test_a_count_no_single_node_offer_has_takes_a_multi_node_one_ready_on_every_node(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    # Each node gets its SSH a tenth of the provision time after the one before: a wait that
    # ended when the first node was up would report nodes without an address.
    with provisioning_takes(emulator, 1.0):
        pod_id, outs = provider.create(checked(provider, gpu_count=32.0))
    assert outs["cloud_id"] == FOUR_NODES
    assert outs["price_hr"] == pytest.approx(74.88)
    ips = [node.get("ip") for node in outs["nodes"]]
    assert len(ips) == 4 and None not in ips and len(set(ips)) == 4
    assert [node["ssh_connection"] for node in outs["nodes"]] == [f"root@{ip} -p 22" for ip in ips]
    assert (outs["ip"], outs["ssh_connection"]) == (ips[0], f"root@{ips[0]} -p 22")
    [pod] = emulator.live_pods()
    assert (pod["id"], pod["gpuCount"], pod["ip"]) == (pod_id, 32, ips), "nodes in node order"

    # Chosen once: the marketplace moving is no change, and a read keeps the nodes in order.
    emulator.set_offer(FOUR_NODES, prices={"onDemand": 99.0})
    diff = provider.diff(pod_id, outs, checked(provider, gpu_count=32.0))
    assert diff.changes == diff.DIFF_NONE
    _, read = provider.read(pod_id, outs)
    assert (read["nodes"], read[CHOSEN_KEY]) == (outs["nodes"], outs[CHOSEN_KEY])


def test_the_spend_guard_refuses_a_multi_node_offer_that_costs_more_and_posts_nothing(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    declared = checked(provider, gpu_count=16.0, max_price=30.0)
    with pytest.raises(grpc.RpcError) as info:
        provider.create(declared)
    assert one_line(info.value) == (
        f"prime_pulumi.NoOfferError: Pod '{declared['name']}': no offer of 16x H100_80GB over "
        "several nodes matches; the filters left out all 1: 1 above max_price. The cheapest "
        "that matches all but max_price ($30/h) costs $38.24/h "
        f"({TWO_NODES}): raise max_price to at least 38.24 to take it. Nothing was posted."
    )
    assert emulator.counts().get("create_pod", 0) == 0
    assert emulator.live_pods() == []


def test_no_offer_of_that_many_gpus_anywhere_is_one_line_naming_both_listings(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    declared = checked(provider, gpu_count=64.0)
    with pytest.raises(grpc.RpcError) as info:
        provider.create(declared)
    assert one_line(info.value) == (
        f"prime_pulumi.NoOfferError: Pod '{declared['name']}': the API lists no offer of "
        "64x H100_80GB on one node or several. Nothing was posted."
    )
    assert emulator.counts().get("create_pod", 0) == 0


def test_a_single_node_pod_over_budget_is_never_made_over_several_nodes(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    # A multi-node 8x H100 under max_price, beside single-node ones above it.
    eight_over_two_nodes(emulator, price=16.0)
    declared = checked(provider, gpu_count=8.0, max_price=17.0)
    with pytest.raises(grpc.RpcError) as info:
        provider.create(declared)
    text = one_line(info.value)
    assert "no offer of 8x H100_80GB matches" in text
    assert f"costs $17.52/h ({CHEAPEST_EIGHT})" in text and text.endswith("Nothing was posted.")
    assert emulator.counts().get("create_pod", 0) == 0


def test_multi_node_true_chooses_among_multi_node_offers_even_for_a_single_node_count(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    declared = checked(provider, gpu_count=8.0, multi_node=True)
    with pytest.raises(grpc.RpcError) as info:
        provider.create(declared)
    assert "the API lists no offer of 8x H100_80GB over several nodes" in one_line(info.value)
    assert emulator.counts().get("create_pod", 0) == 0, "never the single-node 8x instead"

    two_nodes = eight_over_two_nodes(emulator, price=20.0)  # dearer than the single-node 17.52
    pod_id, outs = provider.create(declared)
    assert (outs["cloud_id"], outs["multi_node"]) == (two_nodes, True)
    assert len(outs["nodes"]) == 2 and None not in [n.get("ssh_connection") for n in outs["nodes"]]
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]

    # And multi_node=False keeps to the single-node listing: 16 GPUs are not to be had there.
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked(provider, gpu_count=16.0, multi_node=False))
    assert "the API lists no offer of 16x H100_80GB on a single node" in one_line(info.value)


def test_a_declared_multi_node_offer_is_looked_up_in_its_listing(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    _, outs = provider.create(checked(provider, gpu_count=16.0, cloud_id=TWO_NODES))
    assert (outs["socket"], outs["provider_type"]) == ("SXM5", "lambdalabs")
    assert len(outs["nodes"]) == 2
    # Declared single-node, the same offer is not listed there: nothing is posted.
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked(provider, gpu_count=16.0, cloud_id=TWO_NODES, multi_node=False))
    assert f"offer '{TWO_NODES}' is not listed" in one_line(info.value)
    assert emulator.counts()["create_pod"] == 1


def test_disks_never_turn_a_single_node_pod_into_a_multi_node_one(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    # Eight H100s over two nodes where the disk is; single-node ones only elsewhere.
    [item] = emulator.offers(cloud_id=CHEAPEST_EIGHT)
    beside = {**item, "cloudId": "lambdalabs-8x-2-nodes", "provider": "lambdalabs"}
    beside.update(dataCenter="us-west-2", country="US", region="united_states")
    emulator.add_offer(beside, multi_node=True)
    disks = provider.for_disks()
    inputs, failures = disks.check(
        {"size": 100.0, "provider_type": "lambdalabs", "data_center_id": "us-west-2"}, name="data"
    )
    assert failures == []
    disk_id, _ = disks.create(inputs, name="data")
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked(provider, gpu_count=8.0, disks=[disk_id]))
    assert (
        f"the API lists no offer of 8x H100_80GB in the data center of disks {disk_id}."
        in one_line(info.value)
    )
    assert emulator.counts().get("create_pod", 0) == 0


# --- the native face ---------------------------------------------------------------------

POD_URN = "urn:pulumi:test::protocol::prime:index:Pod::{name}"


def test_the_plugin_makes_a_multi_node_pod_and_lists_its_nodes_in_camel_case(
    plugin: PluginProcess, emulator: EmulatorControl, engine: FakeEngine
) -> None:
    urn = POD_URN.format(name="cluster")
    news = struct({"gpuType": "H200_141GB", "gpuCount": 16.0, "maxPrice": 50.0})
    checked = plugin.stub.Check(provider_pb2.CheckRequest(urn=urn, news=news))
    assert list(checked.failures) == []
    created = plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    outputs = plain(created.properties)
    assert outputs["cloudId"] == "hyperstack-h200-sxm5-16x-canada-1"
    [pod] = emulator.live_pods()
    assert [node["ip"] for node in outputs["nodes"]] == pod["ip"]
    assert [node["sshConnection"] for node in outputs["nodes"]] == pod["sshConnection"]
    assert outputs["sshConnection"] == pod["sshConnection"][0]
    ready = f"ready: {outputs['sshConnection']} (the first of 2 nodes)"
    assert engine.messages(urn)[-1] == ready
    # Read back from state (camelCase within the nodes), the pod is unchanged.
    read = plugin.stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn, properties=created.properties)
    )
    assert plain(read.properties)["nodes"] == outputs["nodes"]


def test_the_plugin_s_spend_guard_refuses_a_multi_node_offer_that_costs_more(
    plugin: PluginProcess, emulator: EmulatorControl
) -> None:
    urn = POD_URN.format(name="dear")
    news = struct({"gpuType": "H100_80GB", "gpuCount": 16.0, "maxPrice": 30.0})
    checked = plugin.stub.Check(provider_pb2.CheckRequest(urn=urn, news=news))
    with pytest.raises(grpc.RpcError) as info:
        plugin.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs))
    shown = info.value.details() or ""
    assert "\n" not in shown and shown.startswith("prime_pulumi.NoOfferError: Pod 'dear-")
    assert "no offer of 16x H100_80GB over several nodes matches" in shown
    assert "costs $38.24/h (lambdalabs-h100-sxm5-16x-us-west-2)" in shown
    assert emulator.counts().get("create_pod", 0) == 0


def test_the_plugin_s_gpu_offers_take_multi_node(plugin: PluginProcess) -> None:
    answer = plugin.stub.Invoke(
        provider_pb2.InvokeRequest(
            tok="prime:index:getGpuOffers",
            args=struct({"gpuType": "H200_141GB", "multiNode": True}),
        )
    )
    offers = plain(getattr(answer, "return"))["offers"]
    assert [(o["gpuCount"], o["multiNode"]) for o in offers] == [(16, True), (32, True)]
