"""A longer fault campaign than CI's: ``python -m bench.soak --schedules 2000`` (or ``make soak``).

The same schedules and invariants as tests/campaign, in both lanes: the
sequential one (``tests.kit.campaign``: one operation at a time, in
lanes of their own emulator and provider process), then the concurrent one
(``tests.kit.fleet_campaign``: a fleet's creates at once in one
provider process, faults landing while they wait). A broken invariant names its
seed; ``CAMPAIGN_SEED=<seed> make test`` replays it in the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

from tests.kit.campaign import Lane, run_in_lanes, start_lane
from tests.kit.fleet_campaign import concurrent_lanes

API_KEY = "pk-soak-secret-0123456789abcdef"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schedules", type=int, default=2000, help="sequential schedules")
    parser.add_argument("--first-seed", type=int, default=10_000)
    parser.add_argument("--lanes", type=int, default=4, help="sequential lanes")
    parser.add_argument(
        "--concurrent-schedules", type=int, default=200, help="concurrent schedules (fleets)"
    )
    parser.add_argument("--concurrent-lanes", type=int, default=2)
    args = parser.parse_args()
    for concurrent, count in ((False, args.schedules), (True, args.concurrent_schedules)):
        if count <= 0:
            continue
        seeds = list(range(args.first_seed, args.first_seed + count))
        started = time.monotonic()
        with ExitStack() as stack, TemporaryDirectory() as workdir:
            lanes: list[Lane]
            if concurrent:
                lanes = list(concurrent_lanes(stack, Path(workdir), API_KEY, args.concurrent_lanes))
            else:
                lanes = [start_lane(stack, Path(workdir), API_KEY) for _ in range(args.lanes)]
            total = run_in_lanes(lanes, seeds)
            if any(API_KEY in text for lane in lanes for text in lane.shown):
                raise SystemExit("an error shown to the user carries the API key")
        print(total.report())
        print(f"  took {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
