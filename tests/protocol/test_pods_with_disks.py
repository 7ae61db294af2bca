"""Pods that mount disks, through the engine's protocol, with one provider process for both.

The order Pulumi gives a stack (the disk before its pods, the pods before their
disk on destroy) is played here call by call, as the engine makes them.
"""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.harness import ProviderProcess, error_text

#: The catalogue's runpod 1x H100 PCIe offer, in US-KS-2 (runpod's disks there have no cloudId).
US_KS_2_OFFER = "runpod-h100-pcie-1x-us-ks-2"
#: The cheapest 1x H100 in stock, elsewhere (NL-AMS-1).
CHEAPEST = "tensordock-h100-pcie-1x-nl-ams-1"
H100 = {"gpu_type": "H100_80GB", "gpu_count": 1.0, "auto_name_seed": "org/protocol/test/trainer"}
DISK = {"size": 100.0, "auto_name_seed": "org/protocol/test/data"}


def make_disk(provider: ProviderProcess, **place: Any) -> tuple[str, dict[str, Any]]:
    disks = provider.for_disks()
    inputs, failures = disks.check({**DISK, **place}, name="data")
    assert failures == []
    return disks.create(inputs, name="data")


def checked_pod(provider: ProviderProcess, **declared: Any) -> dict[str, Any]:
    inputs, failures = provider.check({**H100, **declared})
    assert failures == []
    return inputs


def declared_offer(disk_id: str, **more: Any) -> dict[str, Any]:
    return {
        "cloud_id": US_KS_2_OFFER,
        "socket": "PCIe",
        "provider_type": "runpod",
        "disks": [disk_id],
        **more,
    }


def test_a_pod_reports_the_disk_it_mounts(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    disk_id, disk_outs = make_disk(provider, provider_type="runpod", data_center_id="US-KS-2")
    pod_id, outs = provider.create(checked_pod(provider, **declared_offer(disk_id)))

    assert outs["attached_resources"] == [
        {"id": disk_id, "resource_type": "DISK", "status": "MOUNTED", "mount_path": "/workspace"}
    ]
    _, read_pod = provider.read(pod_id, outs)
    assert read_pod["attached_resources"] == outs["attached_resources"]
    _, read_disk = provider.for_disks().read(disk_id, disk_outs, name="data")
    assert read_disk["pods"] == [pod_id]


def test_a_pod_replaced_by_a_new_image_keeps_its_disk(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    disks = provider.for_disks()
    disk_inputs, _ = disks.check(
        {**DISK, "provider_type": "runpod", "data_center_id": "US-KS-2"}, name="data"
    )
    disk_id, disk_outs = disks.create(disk_inputs, name="data")
    old_inputs = checked_pod(provider, **declared_offer(disk_id))
    old_id, old_outs = provider.create(old_inputs)

    new_inputs = checked_pod(provider, **declared_offer(disk_id, image="ubuntu_22_cuda_12"))
    diff = provider.diff(old_id, old_outs, new_inputs)
    assert "image" in diff.replaces and "disks" not in diff.replaces
    # Two pods never hold one disk at once: the old pod goes first, though its name changes.
    assert diff.deleteBeforeReplace
    assert disks.diff(disk_id, disk_outs, disk_inputs, name="data").changes == (
        provider_pb2.DiffResponse.DIFF_NONE
    ), "the disk itself does not change"

    # As the engine replaces it: the old pod goes, then the new one comes.
    provider.delete(old_id, old_outs)
    new_id, new_outs = provider.create(new_inputs)

    assert [a["id"] for a in new_outs["attached_resources"]] == [disk_id]
    assert [d["id"] for d in emulator.live_disks()] == [disk_id]
    _, read_disk = disks.read(disk_id, disk_outs, name="data")
    assert read_disk["pods"] == [new_id]
    assert [p["id"] for p in emulator.live_pods()] == [new_id]

    without = checked_pod(provider, image="ubuntu_22_cuda_12", **declared_offer(disk_id))
    without.pop("disks")
    assert provider.diff(new_id, new_outs, without).deleteBeforeReplace, "the old one had disks"
    plain = checked_pod(provider, **{**declared_offer(disk_id), "disks": None})
    plain.pop("disks", None)
    again = provider.diff(new_id, {**new_outs, "disks": None}, {**plain, "image": "other"})
    assert not again.deleteBeforeReplace, "a pod without disks is made before the old goes"


def test_a_pod_by_constraints_goes_where_its_disk_is(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    disk_id, _ = make_disk(provider, provider_type="runpod", data_center_id="US-KS-2")
    _, outs = provider.create(checked_pod(provider, disks=[disk_id]))
    assert outs["cloud_id"] == US_KS_2_OFFER, f"not {CHEAPEST}: its disk is in US-KS-2"
    assert outs["data_center_id"] == "US-KS-2"
    assert [a["id"] for a in outs["attached_resources"]] == [disk_id]

    # No 8x H100 in US-KS-2: the error names the disks, and nothing is made.
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked_pod(provider, gpu_count=8.0, disks=[disk_id]))
    text = error_text(info.value).strip()
    assert text.startswith("prime_pulumi.NoOfferError: ")
    assert f"8x H100_80GB in the data center of disks {disk_id}" in text
    assert len(emulator.live_pods()) == 1


def test_a_pod_on_an_offer_elsewhere_than_its_disk_is_refused_and_nothing_is_left(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    disk_id, _ = make_disk(provider, provider_type="runpod", data_center_id="EU-RO-1")
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked_pod(provider, **declared_offer(disk_id)))
    text = error_text(info.value).strip()
    assert text.startswith("prime_pulumi.PodError: Pod 'trainer-")
    assert "EU-RO-1" in text and "\n" not in text
    assert emulator.live_pods() == []
    assert [d["id"] for d in emulator.live_disks()] == [disk_id]


def test_destroy_of_pods_and_their_disk_leaves_nothing(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    disks = provider.for_disks()
    disk_id, disk_outs = make_disk(provider, provider_type="runpod", data_center_id="US-KS-2")
    pods = [
        provider.create(checked_pod(provider, auto_name_seed=f"o/p/s/w{i}", disks=[disk_id]))
        for i in range(2)
    ]
    # Pulumi deletes the pods (they depend on the disk) before the disk.
    for pod_id, outs in pods:
        provider.delete(pod_id, outs)
    disks.delete(disk_id, disk_outs, name="data")
    assert emulator.live_pods() == []
    assert emulator.live_disks() == []
