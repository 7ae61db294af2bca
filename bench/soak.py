"""A longer fault campaign than CI's: ``python bench/soak.py --schedules 2000`` (or ``make soak``).

The same schedules and invariants as tests/campaign (see its module docstring),
run in lanes of their own emulator and provider process. A broken invariant
names its seed; ``CAMPAIGN_SEED=<seed> make test`` replays it in the test.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.campaign.campaign import DELETE_SECONDS, PROVISION_SECONDS, TIMING, Campaign, Tally  # noqa: E402
from tests.protocol.harness import ProviderProcess, secret  # noqa: E402

from prime_pulumi.emulator import EmulatorBackend, EmulatorServer  # noqa: E402

API_KEY = "pk-soak-secret-0123456789abcdef"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schedules", type=int, default=2000)
    parser.add_argument("--first-seed", type=int, default=10_000)
    parser.add_argument("--lanes", type=int, default=4)
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.schedules))
    started = time.monotonic()
    with ExitStack() as stack, TemporaryDirectory() as workdir:
        lanes = []
        for _ in range(args.lanes):
            backend = EmulatorBackend(
                api_keys=[API_KEY],
                provision_seconds=PROVISION_SECONDS,
                delete_seconds=DELETE_SECONDS,
            )
            server = stack.enter_context(EmulatorServer(backend))
            provider = ProviderProcess(Path(workdir))
            stack.callback(provider.close)
            provider.configure(
                {"prime:apiKey": secret(API_KEY), "prime:baseUrl": server.base_url, **TIMING}
            )
            campaign = Campaign(provider, server.base_url, API_KEY)
            stack.callback(campaign.close)
            lanes.append(campaign)

        def run_lane(index: int) -> None:
            for seed in seeds[index :: len(lanes)]:
                lanes[index].run_schedule(seed)

        with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
            for done in [pool.submit(run_lane, i) for i in range(len(lanes))]:
                done.result()
        total = Tally()
        for campaign in lanes:
            total.add(campaign.tally)
            if any(API_KEY in text for text in campaign.shown):
                raise SystemExit("an error shown to the user carries the API key")
    print(total.report())
    print(f"  took {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
