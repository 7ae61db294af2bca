"""Answers many reads from one listing of all pods (``pulumi refresh`` of a fleet).

A refresh reads every pod of the stack, concurrently. Instead of one GET per pod,
the first read lists all pods (a request per 100 pods) and the reads that follow
within ``READ_CACHE_SECONDS`` take their pod from that listing; concurrent reads
wait for the one listing under way rather than starting their own. A pod missing
from the listing is read on its own, so "gone" is always the API's own 404.

Any create or delete in the process drops the listing, and each ``pulumi``
command starts a new provider process, so no operation sees another's data.
Creates ask the same class, once per process, which pods existed before them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from prime_pulumi.client import PrimeClient
from prime_pulumi.models import Pod


class PodListCache:
    """A short-lived, single-flight listing of all live pods, by id."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()  # held while listing: one listing at a time
        self._state = threading.Lock()  # guards the fields below, never held for long
        self._pods: dict[str, Pod] | None = None
        self._taken_at = 0.0
        self._generation = 0
        self._earlier: dict[str, list[Pod]] | None = None

    def lookup(self, client: PrimeClient, pod_id: str) -> Pod | None:
        """The pod from a listing at most ``ttl`` old (listing now if needed), else ``None``."""
        with self._lock:
            with self._state:
                if self._pods is not None and self._clock() - self._taken_at <= self._ttl:
                    return self._pods.get(pod_id)
                generation = self._generation
            pods = {pod.id: pod for pod in client.iter_pods()}
            with self._state:
                # A create or delete while listing makes this listing stale at birth.
                if generation == self._generation:
                    self._pods, self._taken_at = pods, self._clock()
            return pods.get(pod_id)

    def earlier_pods_named(self, client: PrimeClient, name: str) -> list[Pod]:
        """Pods called ``name`` that existed when this process first asked, oldest first.

        A create asks this to adopt a pod left by an interrupted earlier run; such
        a pod predates this process, so one listing serves every create of the run.
        """
        with self._lock:
            if self._earlier is None:
                earlier: dict[str, list[Pod]] = {}
                for pod in client.iter_pods():
                    if pod.name is not None:
                        earlier.setdefault(pod.name, []).append(pod)
                self._earlier = earlier
            found = list(self._earlier.get(name, []))
        return sorted(found, key=lambda pod: (pod.created_at is None, pod.created_at or 0))

    def invalidate(self, *, earlier: bool = False) -> None:
        """Drops the listing: the set of pods changed.

        ``earlier`` drops the listing of earlier pods too: a create whose answer was
        lost may have made a pod that a later create of the same name must find.
        """
        with self._state:
            self._generation += 1
            self._pods = None
        if earlier:
            with self._lock:
                self._earlier = None
