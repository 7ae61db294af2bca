"""The SSH key lane of the fault campaign in CI: a pipeline's keys and a pod made with one.

Each schedule is one ``pulumi up`` and ``destroy`` of 2 to 4 keys under faults on the
SSH key routes (see ``tests.kit.ssh_key_campaign``). ``SSH_KEY_SCHEDULES`` sets how
many (default 20); ``CAMPAIGN_SEED`` replays one
(``CAMPAIGN_SEED=<seed> pytest tests/campaign -k ssh_key``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.kit.campaign import campaign_seeds, run_in_lanes
from tests.kit.ssh_key_campaign import SshKeyCampaign, ssh_key_lanes

API_KEY = "pk-ssh-keys-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def lanes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SshKeyCampaign]]:
    with ExitStack() as stack:
        yield ssh_key_lanes(stack, tmp_path_factory.mktemp("ssh-keys"), API_KEY, count=2)


@pytest.mark.timeout(120)
def test_ssh_keys_under_faults_lose_nothing_and_never_double(
    lanes: list[SshKeyCampaign], capsys: pytest.CaptureFixture[str]
) -> None:
    # An InvariantError names its seed: CAMPAIGN_SEED=<seed> pytest tests/campaign -k ssh_key
    seeds = campaign_seeds("SSH_KEY_SCHEDULES", 20)
    total = run_in_lanes(lanes, seeds, timeout=110)
    shown = [text for lane in lanes for text in lane.shown]
    assert total.schedules == len(seeds) and total.operations["create"] >= 2 * len(seeds)
    with capsys.disabled():
        print(total.report())
        print(f"  errors shown: {len(shown)}")
