"""A longer fault campaign than CI's: ``python bench/soak.py --schedules 2000`` (or ``make soak``).

The same schedules and invariants as tests/campaign (see the module docstring of
``prime_pulumi.testing.campaign``), run in lanes of their own emulator and provider
process. A broken invariant names its seed; ``CAMPAIGN_SEED=<seed> make test``
replays it in the test.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

from prime_pulumi.testing.campaign import run_in_lanes, start_lane

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
        lanes = [start_lane(stack, Path(workdir), API_KEY) for _ in range(args.lanes)]
        total = run_in_lanes(lanes, seeds)
        for campaign in lanes:
            if any(API_KEY in text for text in campaign.shown):
                raise SystemExit("an error shown to the user carries the API key")
    print(total.report())
    print(f"  took {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
