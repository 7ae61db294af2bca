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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from prime_pulumi.client import PodDetails, PrimeError
from prime_pulumi.core.runtime import ProviderRuntime


class ListsPods(Protocol):
    """Lists every live pod."""

    def iter_pods(self) -> Iterable[PodDetails]: ...


#: A refresh's reads share listings of all pods taken at most this long before them.
READ_LISTING_SECONDS = 2.0


@dataclass(frozen=True)
class _Listing:
    """One finished listing: when it started, between which drops, what it found."""

    generation: int  # how many drops came before it started
    started: float
    pods: dict[str, PodDetails] | None  # None: the listing failed


class PodListings:
    """Shared listings of all live pods: for batched reads and for adoption by name."""

    def __init__(
        self, max_age: float = READ_LISTING_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_age = max_age
        self._clock = clock
        self._cond = threading.Condition()
        # Every drop() starts a new generation; a listing serves only reads of its own.
        self._generation = 0
        self._listing_under_way = False
        self._last: _Listing | None = None
        self._earlier_lock = threading.Lock()
        self._earlier: dict[str, list[PodDetails]] | None = None

    def lookup(self, client: ListsPods, pod_id: str) -> PodDetails | None:
        """The pod as a recent listing shows it; ``None`` if not listed (or no listing).

        The listing started after this read's last ``drop()``, at most ``max_age``
        seconds before the read: a listing under way when a pod was created or
        deleted here never serves a read that came after.
        """
        with self._cond:
            generation = self._generation
            oldest = self._clock() - self._max_age
            while True:
                last = self._last
                if last and last.generation == generation and last.started >= oldest:
                    return None if last.pods is None else last.pods.get(pod_id)
                if not self._listing_under_way:
                    self._listing_under_way = True
                    started = self._clock()
                    break
                self._cond.wait()
        pods: dict[str, PodDetails] | None
        try:
            pods = {pod.id: pod for pod in client.iter_pods()}
        except PrimeError:
            pods = None  # every read waiting for it falls back to a GET of its own
        with self._cond:
            self._listing_under_way = False
            if generation == self._generation:  # else a drop came meanwhile: keep nothing
                self._last = _Listing(generation, started, pods)
            self._cond.notify_all()
        return None if pods is None else pods.get(pod_id)

    def drop(self) -> None:
        """Forgets every listing, the one under way too: this process created or deleted a pod."""
        with self._cond:
            self._generation += 1
            self._last = None

    def earlier_pods_named(self, client: ListsPods, name: str) -> list[PodDetails]:
        """Pods called ``name`` that existed when this process first asked (in listing order).

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
            return list(self._earlier.get(name, []))

    def forget_earlier(self) -> None:
        """A create's answer was lost: it may have made a pod a later create must find."""
        with self._earlier_lock:
            self._earlier = None


def listings(runtime: ProviderRuntime) -> PodListings:
    """The process's one :class:`PodListings`, made on first use."""
    return runtime.shared(_new_listings)


def _new_listings(_runtime: ProviderRuntime) -> PodListings:
    return PodListings()
