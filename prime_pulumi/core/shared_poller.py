"""One poller for every pod a provider process waits on.

Each create waits for its pod; rather than each polling the status endpoint on
its own (N requests per interval for N pods), they register here and one thread
asks for all of them in one request (``pod_ids`` repeated) per interval. The
interval backs off from ``POLL_INITIAL_SECONDS`` to the cap, and starts over
when a pod joins, so a new pod's first status comes at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from prime_pulumi.client import PodStatus, PrimeError
from prime_pulumi.client._retries import is_transient, retry_after
from prime_pulumi.core.polling import POLL_BACKOFF_FACTOR, POLL_INITIAL_SECONDS
from prime_pulumi.pod.api_calls import ReadsStatuses

logger = logging.getLogger("prime_pulumi.status_hub")


@dataclass(frozen=True)
class Round:
    """The answer of one poll: each watched pod's status (``None``: absent), or why none came.

    A failed round holds the failure as text, never an exception object: every
    waiter makes its own (see ``provisioning.HubFeed``). ``final`` says it will not
    pass (a refused key); otherwise it is no news, and polling goes on.
    """

    number: int
    statuses: dict[str, PodStatus | None]
    failure: str | None = None
    final: bool = False


class StatusHub:
    """Polls the status of every watched pod, in one request per round."""

    def __init__(
        self,
        lease: Callable[[], AbstractContextManager[ReadsStatuses]],
        poll_max: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lease = lease
        self._sleep = sleep
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
            round_, pause = self._poll(ids)
            with self._cond:
                self._last = round_
                self._cond.notify_all()
            if pause:
                # The server asked for a pause (Retry-After): not even a new pod cuts it short.
                self._sleep(pause)
                joined = False
            else:
                joined = self._joined.wait(min(interval, self._poll_max()))
            # A pod that joined meanwhile is polled at once, and the backoff starts over.
            if joined:
                interval = POLL_INITIAL_SECONDS
            else:
                interval = min(interval * POLL_BACKOFF_FACTOR, self._poll_max())

    def _poll(self, ids: list[str]) -> tuple[Round, float]:
        """One round, and how long the server asked to pause before the next."""
        number = self._last.number + 1
        try:
            with self._lease() as client:
                answer = {s.pod_id: s for s in client.get_pod_statuses(ids)}
        except PrimeError as exc:
            return Round(number, {}, str(exc), final=not is_transient(exc)), retry_after(exc) or 0.0
        except Exception as exc:  # the poller must outlive anything, or every waiter times out
            logger.warning("status poll failed unexpectedly: %r", exc)
            return Round(number, {}, f"{type(exc).__name__}: {exc}"), 0.0
        return Round(number, {pod_id: answer.get(pod_id) for pod_id in ids}), 0.0
