"""One poller for every pod a provider process waits on.

Each create waits for its pod; rather than each polling the status endpoint on
its own (N requests per interval for N pods), they register here and one thread
asks for all of them in one request (``pod_ids`` repeated) per interval. The
interval backs off from ``POLL_INITIAL_SECONDS`` to the cap, and starts over
when a pod joins, so a new pod's first status comes at once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from prime_pulumi._provider.api_calls import ReadsStatuses
from prime_pulumi._provider.poller import POLL_BACKOFF_FACTOR, POLL_INITIAL_SECONDS
from prime_pulumi.client import PodStatus, PrimeError


@dataclass(frozen=True)
class Round:
    """The answer of one poll: each watched pod's status (``None``: absent), or an error."""

    number: int
    statuses: dict[str, PodStatus | None]
    error: PrimeError | None = None


class StatusHub:
    """Polls the status of every watched pod, in one request per round."""

    def __init__(
        self,
        client: Callable[[], ReadsStatuses],
        poll_max: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._poll_max = poll_max
        self._clock = clock
        self._cond = threading.Condition()
        self._watched: Counter[str] = Counter()
        self._last = Round(0, {})
        self._joined = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, pod_id: str) -> int:
        """Starts watching a pod; returns the round number to wait beyond."""
        with self._cond:
            self._watched[pod_id] += 1
            self._joined.set()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="prime-status-hub", daemon=True
                )
                self._thread.start()
            return self._last.number

    def unwatch(self, pod_id: str) -> None:
        """Stops watching a pod (once per :meth:`watch`)."""
        with self._cond:
            self._watched[pod_id] -= 1
            if self._watched[pod_id] <= 0:
                del self._watched[pod_id]

    def next_round(self, after: int, deadline: float) -> Round | None:
        """The first round after round ``after``; ``None`` if the deadline comes first."""
        with self._cond:
            while self._last.number <= after:
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            return self._last

    def _run(self) -> None:
        interval = POLL_INITIAL_SECONDS
        while True:
            with self._cond:
                ids = sorted(self._watched)
                if not ids:
                    self._thread = None
                    return
                self._joined.clear()
            round_ = self._poll(ids)
            with self._cond:
                self._last = round_
                self._cond.notify_all()
            # A pod that joined meanwhile is polled at once, and the backoff starts over.
            if self._joined.wait(min(interval, self._poll_max())):
                interval = POLL_INITIAL_SECONDS
            else:
                interval = min(interval * POLL_BACKOFF_FACTOR, self._poll_max())

    def _poll(self, ids: list[str]) -> Round:
        number = self._last.number + 1
        try:
            answer = {s.pod_id: s for s in self._client().get_pod_statuses(ids)}
        except PrimeError as exc:
            return Round(number, {}, exc)
        return Round(number, {pod_id: answer.get(pod_id) for pod_id in ids})
