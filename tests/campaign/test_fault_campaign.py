"""The fault campaign in CI: a few hundred seeded schedules through the provider protocol.

``CAMPAIGN_SCHEDULES`` sets how many (default 240); ``CAMPAIGN_SEED``
replays one schedule. The schedules run in lanes, each with its own emulator and
provider process, since faults are per emulator. ``bench/soak.py`` runs longer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from tests.campaign.campaign import (
    DELETE_SECONDS,
    PROVISION_SECONDS,
    TIMING,
    Campaign,
    InvariantError,
    Tally,
)
from tests.protocol.harness import ProviderProcess, secret

API_KEY = "pk-campaign-secret-0123456789abcdef"
LANES = 4


@pytest.fixture(scope="module")
def lanes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Campaign]]:
    with ExitStack() as stack:
        campaigns = []
        for lane in range(LANES):
            backend = EmulatorBackend(
                api_keys=[API_KEY],
                provision_seconds=PROVISION_SECONDS,
                delete_seconds=DELETE_SECONDS,
            )
            server = stack.enter_context(EmulatorServer(backend))
            provider = ProviderProcess(tmp_path_factory.mktemp(f"lane{lane}"))
            stack.callback(_close_provider, provider)
            provider.configure(
                {"prime:apiKey": secret(API_KEY), "prime:baseUrl": server.base_url, **TIMING}
            )
            campaign = Campaign(provider, server.base_url, API_KEY)
            stack.callback(campaign.close)
            campaigns.append(campaign)
        yield campaigns


def _close_provider(provider: ProviderProcess) -> None:
    assert API_KEY not in provider.close(), "the provider logged the API key"


@pytest.mark.timeout(900)
def test_no_pod_is_lost_or_duplicated_under_faults(
    lanes: list[Campaign], capsys: pytest.CaptureFixture[str]
) -> None:
    if "CAMPAIGN_SEED" in os.environ:
        seeds = [int(os.environ["CAMPAIGN_SEED"])]
    else:
        seeds = list(range(int(os.environ.get("CAMPAIGN_SCHEDULES", "240"))))

    def run_lane(index: int) -> None:
        for seed in seeds[index :: len(lanes)]:
            lanes[index].run_schedule(seed)

    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for done in [pool.submit(run_lane, i) for i in range(len(lanes))]:
            done.result(timeout=850)  # an InvariantError names its seed: CAMPAIGN_SEED=<seed>

    total = Tally()
    for campaign in lanes:
        total.add(campaign.tally)
        for text in campaign.shown:
            assert API_KEY not in text
        assert API_KEY not in campaign.provider.serialized_provider
    assert total.schedules == len(seeds)
    assert sum(total.faults.values()) > len(seeds) // 2
    with capsys.disabled():
        print("\n" + total.report())


def test_the_campaign_catches_a_leaked_pod(lanes: list[Campaign]) -> None:
    """The invariant check is real: a pod made behind the provider's back is caught."""
    campaign = lanes[0]
    campaign.control.post("/_emulator/reset").raise_for_status()
    body = {
        "pod": {
            "name": "leaked",
            "cloudId": "c",
            "gpuType": "H100_80GB",
            "socket": "PCIe",
            "gpuCount": 1,
        },
        "provider": {"type": "runpod"},
    }
    campaign.api.post("/api/v1/pods/", json=body).raise_for_status()
    with pytest.raises(InvariantError, match="no resource tracks"):
        campaign._check({})
