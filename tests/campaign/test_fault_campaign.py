"""The fault campaign in CI: a few hundred seeded schedules through the provider protocol.

``CAMPAIGN_SCHEDULES`` sets how many (default 240); ``CAMPAIGN_SEED``
replays one schedule. The schedules run in lanes, each with its own emulator and
provider process, since faults are per emulator. ``bench/soak.py`` runs longer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.kit.campaign import (
    Campaign,
    InvariantError,
    campaign_seeds,
    is_ours,
    run_in_lanes,
    start_lane,
)
from tests.kit.harness import ProviderProcess

API_KEY = "pk-campaign-secret-0123456789abcdef"
LANES = 4


@pytest.fixture(scope="module")
def lanes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Campaign]]:
    with ExitStack() as stack:
        yield [
            start_lane(stack, tmp_path_factory.mktemp(f"lane{lane}"), API_KEY, _close_provider)
            for lane in range(LANES)
        ]


def _close_provider(provider: ProviderProcess) -> None:
    assert API_KEY not in provider.close(), "the provider logged the API key"


@pytest.mark.timeout(900)
def test_no_pod_is_lost_or_duplicated_under_faults(
    lanes: list[Campaign], capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = campaign_seeds("CAMPAIGN_SCHEDULES", 240)

    # An InvariantError names its seed: CAMPAIGN_SEED=<seed>
    total = run_in_lanes(lanes, seeds, timeout=850)

    for campaign in lanes:
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
    campaign.control.reset()
    campaign.control.create_pod("leaked")
    with pytest.raises(InvariantError, match="no resource tracks"):
        campaign._check({})


@pytest.mark.parametrize(
    ("kind", "ours"),
    [
        ("prime_pulumi.PodProvisioningError", True),
        ("prime_pulumi.CreateOutcomeUnknownError", True),
        ("prime_pulumi.PrimeError", True),
        ("prime_pulumi.errors.PodProvisioningError", False),  # no longer how ours show
        ("prime_pulumi.PodDetails", False),  # ours, but not an error
        ("ValueError", False),
        ("grpc.RpcError", False),
        ("other.PrimeError", False),
    ],
)
def test_only_our_errors_count_as_ours(kind: str, ours: bool) -> None:
    assert is_ours(kind) is ours
