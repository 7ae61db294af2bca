"""One poller for every resource of a kind that a provider process waits on.

Each create waits for its resource; rather than each polling on its own (N
requests per interval for N resources), they register here and one thread asks
for all of them in one request per interval (``read``: for pods, the status
endpoint with ``resource_ids`` repeated). The intervals follow the one polling
policy (:class:`~.polling.Backoff`), and start over when a resource joins, so a
new resource's first status comes at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Generic, TypeVar

from prime_pulumi.client import PrimeError
from prime_pulumi.client._retries import is_transient, retry_after
from prime_pulumi.core.cancellation import Cancellation, CancelledError
from prime_pulumi.core.polling import Backoff

#: How long a round waits, once a resource has joined, for the others of its burst.
JOIN_GATHER_SECONDS = 0.25

logger = logging.getLogger("prime_pulumi.status_hub")

ClientT = TypeVar("ClientT")
StatusT = TypeVar("StatusT")


@dataclass(frozen=True)
class Round(Generic[StatusT]):
    """The answer of one poll: each watched resource's status (``None``: absent), or why
    none came.

    A failed round holds the failure as text, never an exception object: every
    waiter makes its own (see ``pod.waits.HubFeed``). ``final`` says it will not
    pass (a refused key); otherwise it is no news, and polling goes on.
    """

    number: int
    statuses: dict[str, StatusT | None]
    failure: str | None = None
    final: bool = False


class SharedPoller(Generic[ClientT, StatusT]):
    """Polls the status of every watched resource, in one request per round.

    ``read`` asks for the statuses of many ids in one request, with a client
    that ``lease`` lends; an id it leaves out is absent this round.
    """

    def __init__(
        self,
        lease: Callable[[], AbstractContextManager[ClientT]],
        read: Callable[[ClientT, list[str]], Mapping[str, StatusT]],
        poll_max: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        *,
        cancellation: Cancellation | None = None,
    ) -> None:
        self._lease = lease
        self._read = read
        self._sleep = sleep
        self._poll_max = poll_max
        self._clock = clock
        self._cond = threading.Condition()
        self._watched: Counter[str] = Counter()
        self._last: Round[StatusT] = Round(0, {})
        self._joined = threading.Event()
        self._thread: threading.Thread | None = None
        self._cancellation = cancellation
        if cancellation is not None:
            cancellation.wake_on_request(self._wake)

    def watch(self, resource_id: str) -> int:
        """Starts watching a resource; returns the round number to wait beyond."""
        with self._cond:
            self._watched[resource_id] += 1
            self._joined.set()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="prime-status-hub", daemon=True
                )
                self._thread.start()
            return self._last.number

    def unwatch(self, resource_id: str) -> None:
        """Stops watching a resource (once per :meth:`watch`)."""
        with self._cond:
            self._watched[resource_id] -= 1
            if self._watched[resource_id] <= 0:
                del self._watched[resource_id]

    def next_round(self, after: int, deadline: float) -> Round[StatusT] | None:
        """The first round after round ``after``; ``None`` if the deadline comes first.

        Raises :class:`~.cancellation.CancelledError` once the engine cancels.
        """
        with self._cond:
            while self._last.number <= after:
                if self._cancellation is not None and self._cancellation.requested:
                    raise CancelledError
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            return self._last

    def _wake(self) -> None:
        """Wakes every waiter, to see that the engine cancelled."""
        with self._cond:
            self._cond.notify_all()

    def _run(self) -> None:
        backoff = Backoff(self._poll_max)
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
                # The server asked for a pause (Retry-After): not even a new resource cuts it short.
                self._sleep(pause)
                joined = False
            else:
                joined = self._joined.wait(backoff.interval)
            # A resource that joined meanwhile is polled soon, and the backoff starts over.
            # Soon, not at once: the others of a burst (a fleet's creates) join the same
            # round, so a fleet costs a round per gathering, not a request per resource.
            if joined:
                self._sleep(JOIN_GATHER_SECONDS)
                backoff.restart()
            else:
                backoff.grow()

    def _poll(self, ids: list[str]) -> tuple[Round[StatusT], float]:
        """One round, and how long the server asked to pause before the next."""
        number = self._last.number + 1
        try:
            with self._lease() as client:
                answer = self._read(client, ids)
        except PrimeError as exc:
            return Round(number, {}, str(exc), final=not is_transient(exc)), retry_after(exc) or 0.0
        except Exception as exc:  # the poller must outlive anything, or every waiter times out
            logger.warning("status poll failed unexpectedly: %r", exc)
            return Round(number, {}, f"{type(exc).__name__}: {exc}"), 0.0
        return Round(number, {resource_id: answer.get(resource_id) for resource_id in ids}), 0.0
