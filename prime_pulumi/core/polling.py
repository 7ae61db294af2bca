"""Polling intervals: they back off from the first interval to a cap, bounded by a deadline.

Shared by the waits (:mod:`.provisioning`) and the shared status poller
(:mod:`.status_hub`). Clock and sleep are fields, so tests steer time instead of waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: The first interval: a pod's first status is asked for at once, the next soon after.
POLL_INITIAL_SECONDS = 1.0
#: Each interval is this much longer than the one before, up to the cap.
POLL_BACKOFF_FACTOR = 1.5


@dataclass
class Poller:
    """Intervals that back off from ``initial`` to ``cap``, bounded by a deadline."""

    cap: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    initial: float = POLL_INITIAL_SECONDS
    _interval: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self._interval = min(self.initial, self.cap)

    def wait(self, deadline: float, *, at_least: float = 0.0) -> bool:
        """Sleeps the next interval (or ``at_least``), cut to the deadline.

        Returns ``False``, without sleeping, once the deadline has passed.
        """
        remaining = deadline - self.clock()
        if remaining <= 0:
            return False
        self.sleep(min(max(self._interval, at_least), remaining))
        self._interval = min(self._interval * POLL_BACKOFF_FACTOR, self.cap)
        return True
