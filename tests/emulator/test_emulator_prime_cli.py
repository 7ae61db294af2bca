"""The official SDK (``prime`` on PyPI, module ``prime_cli``) against the emulator.

If the emulator's dialect drifts from what the SDK parses, these tests fail.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from prime_cli.api.availability import AvailabilityClient
from prime_cli.api.disks import DisksClient
from prime_cli.api.pods import PodsClient
from prime_cli.core import APIClient, APIError

from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.server import EmulatorServer


@pytest.fixture
def sdk(
    prime_emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> APIClient:
    """The SDK's API client, configured only by the environment, as a user would."""
    monkeypatch.setenv("HOME", str(tmp_path))  # the SDK writes ~/.prime/config.json
    monkeypatch.setenv("PRIME_API_KEY", DEFAULT_API_KEY)
    # The SDK wants the host only; it adds /api/v1 itself.
    monkeypatch.setenv("PRIME_BASE_URL", prime_emulator.base_url)
    client = APIClient()
    assert client.base_url == prime_emulator.base_url
    return client


def test_sdk_pod_lifecycle(sdk: APIClient) -> None:
    pods = PodsClient(sdk)
    config = {
        "pod": {
            "name": "sdk-pod",
            "cloudId": "runpod-h100-pcie-1x-us-ks-2",
            "gpuType": "H100_80GB",
            "socket": "PCIe",
            "gpuCount": 1,
            "diskSize": None,
            "vcpus": None,
            "memory": None,
            "image": "ubuntu_22_cuda_12",
            "dataCenterId": "US-KS-2",
            "maxPrice": None,
            "country": None,
            "security": None,
            "jupyterPassword": None,
            "autoRestart": False,
            "customTemplateId": None,
            "envVars": [],
        },
        "provider": {"type": "runpod"},
        "disks": None,
        "team": None,
    }
    created = pods.create(config)
    assert (created.name, created.gpu_type, created.status) == (
        "sdk-pod",
        "H100_80GB",
        "PROVISIONING",
    )

    listed = pods.list()
    assert (listed.total_count, [p.id for p in listed.data]) == (1, [created.id])
    assert pods.get(created.id).provider_type == "runpod"

    deadline = time.monotonic() + 5
    [status] = pods.get_status([created.id])
    while status.ssh_connection is None and time.monotonic() < deadline:
        time.sleep(0.05)
        [status] = pods.get_status([created.id])
    assert status.installation_progress == 100
    assert status.cost_per_hr == created.price_hr == 1.99
    assert status.prime_port_mapping is not None
    assert status.prime_port_mapping[0].used_by == "SSH"

    pods.delete(created.id)
    with pytest.raises(APIError, match="not found"):
        pods.get(created.id)
    history = pods.history()
    assert [(h.id, h.name, h.gpu_name) for h in history.data] == [
        (created.id, "sdk-pod", "H100_80GB")
    ]


def test_sdk_sharing_flags_reach_the_emulator_as_the_sdk_spells_them(
    sdk: APIClient, prime_emulator: EmulatorServer
) -> None:
    # `prime pods create --share-with-team` adds camelCase keys beside the document's body.
    config = {
        "pod": {
            "name": "shared",
            "cloudId": "runpod-h100-pcie-1x-us-ks-2",
            "gpuType": "H100_80GB",
            "socket": "PCIe",
            "gpuCount": 1,
        },
        "provider": {"type": "runpod"},
        "team": {"teamId": "team-1"},
        "sharedWithTeam": True,
        "teamMemberIds": ["user-a"],
    }
    created = PodsClient(sdk).create(config)
    [held] = [p for p in prime_emulator.backend.all_pods() if p.id == created.id]
    assert (held.shared_with_team, held.team_member_ids) == (True, ["user-a"])


def test_sdk_reports_validation_errors(sdk: APIClient) -> None:
    pods = PodsClient(sdk)
    with pytest.raises(APIError, match="Failed to create pod"):
        pods.create({"pod": {"gpuCount": 0}, "provider": {}})


def test_sdk_availability_merges_single_and_multi_node(sdk: APIClient) -> None:
    offers = AvailabilityClient(sdk).get()
    assert set(offers) == {"H100_80GB", "A100_80GB", "RTX4090_24GB", "L40S_48GB", "H200_141GB"}
    h100 = offers["H100_80GB"]
    # Five single H100s, four 8x H100 and multi-node ones of 16 and 32.
    assert sorted(o.gpu_count for o in h100) == [1] * 5 + [8] * 4 + [16, 32]
    assert all(o.prices.price > 0 for o in h100)

    filtered = AvailabilityClient(sdk).get(gpu_type="L40S_48GB")
    assert [o.cloud_id for o in filtered["L40S_48GB"]] == ["hyperstack-l40s-pcie-4x-norway-1"]
    # The SDK splits "canada,eu_west" itself and sends the regions repeated.
    local = AvailabilityClient(sdk).get(regions=["canada,eu_west"], gpu_count=1)
    assert {gpu: [o.cloud_id for o in found] for gpu, found in local.items()} == {
        "H100_80GB": ["hyperstack-h100-pcie-1x-canada-1", "tensordock-h100-pcie-1x-nl-ams-1"]
    }


def test_sdk_disk_lifecycle_and_offers(sdk: APIClient) -> None:
    offers = AvailabilityClient(sdk).get_disks(regions=["united_states"])
    ks = next(o for o in offers if o.data_center == "US-KS-2")
    assert (ks.provider, ks.cloud_id, ks.spec.price_per_unit) == ("runpod", None, 0.00007)
    assert len(AvailabilityClient(sdk).get_disks()) == 11

    disks = DisksClient(sdk)
    # The body the SDK's own `prime disks create` builds from an offer.
    config = {
        "disk": {
            "size": 100,
            "name": "sdk-disk",
            "country": ks.country,
            "cloudId": ks.cloud_id,
            "dataCenterId": ks.data_center,
        },
        "provider": {"type": ks.provider},
    }
    created = disks.create(config)
    assert (created.name, created.size, created.status) == ("sdk-disk", 100, "PROVISIONING")
    assert created.info == {
        "country": "US",
        "dataCenterId": "US-KS-2",
        "cloudId": None,
        "isMultinode": False,
    }
    assert created.price_hr == 0.007
    listed = disks.list()
    assert (listed.total_count, [d.id for d in listed.data]) == (1, [created.id])
    deadline = time.monotonic() + 5
    while disks.get(created.id).status != "ACTIVE" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert disks.get(created.id).status == "ACTIVE"
    assert disks.update(created.id, "renamed")["name"] == "renamed"
    assert disks.delete(created.id).status == "TERMINATED"
    with pytest.raises(APIError, match="not found"):
        disks.get(created.id)
