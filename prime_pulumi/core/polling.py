"""The one polling policy: intervals that back off from a first one to a cap.

:class:`Backoff` is the policy. The waits use it through :class:`Poller`
(sleep the next interval, bounded by a deadline); the process's shared poller
(:mod:`.shared_poller`) uses it between its rounds. Clock and sleep are
fields, so tests steer time instead of waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: The first interval: a first status is asked for at once, the next soon after.
POLL_INITIAL_SECONDS = 1.0
#: Each interval is this much longer than the one before, up to the cap.
POLL_BACKOFF_FACTOR = 1.5


@dataclass
class Backoff:
    """Intervals from ``initial`` growing by :data:`POLL_BACKOFF_FACTOR` up to ``cap()``.

    ``cap`` is asked anew at each step: the settings may change while a poller runs.
    """

    cap: Callable[[], float]
    initial: float = POLL_INITIAL_SECONDS
    _interval: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.restart()

    @property
    def interval(self) -> float:
        """The interval to wait now, within the cap as it is now."""
        return min(self._interval, self.cap())

    def grow(self) -> None:
        """The next interval: longer, up to the cap."""
        self._interval = min(self._interval * POLL_BACKOFF_FACTOR, self.cap())

    def restart(self) -> None:
        """Back to the first interval (something new is being waited for)."""
        # Capped when used, not here: a cap raised meanwhile lets the first interval through.
        self._interval = self.initial


@dataclass
class Poller:
    """Sleeps intervals that back off from ``initial`` to ``cap``, bounded by a deadline."""

    cap: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    initial: float = POLL_INITIAL_SECONDS
    _backoff: Backoff = field(init=False)

    def __post_init__(self) -> None:
        self._backoff = Backoff(lambda: self.cap, self.initial)

    def wait(self, deadline: float, *, at_least: float = 0.0) -> bool:
        """Sleeps the next interval (or ``at_least``), cut to the deadline.

        Returns ``False``, without sleeping, once the deadline has passed.
        """
        remaining = deadline - self.clock()
        if remaining <= 0:
            return False
        self.sleep(min(max(self._backoff.interval, at_least), remaining))
        self._backoff.grow()
        return True
