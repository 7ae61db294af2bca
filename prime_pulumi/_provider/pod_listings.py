"""Answers many reads from a few listings of all pods (``pulumi refresh`` of a fleet).

A refresh reads every pod of the stack, concurrently. Instead of one GET per pod,
reads share listings of all pods (a request per 100 pods): a read takes its pod
from a listing that started at most ``READ_LISTING_SECONDS`` before the read
arrived, waiting for one under way or starting one itself. A pod missing from
the listing, or a listing that failed, is read on its own, so "gone" is always
the API's own 404. A create or delete in the process drops the listing, and
each ``pulumi`` command starts a new provider process, so no operation sees
another's data.

Creates ask, once per process, which pods existed before them (a pod left by
an interrupted earlier run is adopted, not made twice).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from prime_pulumi._provider.api_calls import ListsPods
from prime_pulumi.client import PodDetails, PrimeError

#: A refresh's reads share listings of all pods taken at most this long before them.
READ_LISTING_SECONDS = 2.0


class PodListings:
    """Shared listings of all live pods: for batched reads and for adoption by name."""

    def __init__(
        self, max_age: float = READ_LISTING_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_age = max_age
        self._clock = clock
        self._cond = threading.Condition()
        self._running_since: float | None = None  # start of the listing under way
        self._listed_at = float("-inf")  # start of the newest finished listing
        self._pods: dict[str, PodDetails] | None = (
            None  # that listing; None if it failed or was dropped
        )
        self._earlier_lock = threading.Lock()
        self._earlier: dict[str, list[PodDetails]] | None = None

    def lookup(self, client: ListsPods, pod_id: str) -> PodDetails | None:
        """The pod as a recent listing shows it; ``None`` if not listed (or no listing)."""
        oldest = self._clock() - self._max_age
        with self._cond:
            while True:
                if self._pods is not None and self._listed_at >= oldest:
                    return self._pods.get(pod_id)
                if self._running_since is None:
                    started = self._running_since = self._clock()
                    break
                self._cond.wait()
                if self._pods is None and self._listed_at >= oldest:
                    return None  # the listing this read waited for failed
        pods: dict[str, PodDetails] | None
        try:
            pods = {pod.id: pod for pod in client.iter_pods()}
        except PrimeError:
            pods = None  # every waiting read falls back to a GET of its own
        with self._cond:
            self._pods, self._listed_at, self._running_since = pods, started, None
            self._cond.notify_all()
        return None if pods is None else pods.get(pod_id)

    def drop(self) -> None:
        """Forgets the listing: this process just created or deleted a pod."""
        with self._cond:
            self._pods = None
            self._listed_at = float("-inf")

    def earlier_pods_named(self, client: ListsPods, name: str) -> list[PodDetails]:
        """Pods called ``name`` that existed when this process first asked, oldest first.

        A create asks this to adopt a pod left by an interrupted earlier run; such
        a pod predates this process, so one listing serves every create of the run.
        """
        with self._earlier_lock:
            if self._earlier is None:
                earlier: dict[str, list[PodDetails]] = {}
                for pod in client.iter_pods():
                    if pod.name is not None:
                        earlier.setdefault(pod.name, []).append(pod)
                self._earlier = earlier
            found = list(self._earlier.get(name, []))
        return sorted(found, key=lambda pod: (pod.created_at is None, pod.created_at or 0))

    def forget_earlier(self) -> None:
        """A create's answer was lost: it may have made a pod a later create must find."""
        with self._earlier_lock:
            self._earlier = None
