"""The whole pod, read once it is ready: many at once from one listing (a fleet's pods).

When a pod is ready its create reads it whole (its status lacks the port mappings
and the price). A fleet's pods become ready together, and one GET each would queue
up behind one another just when each create is about to return. Reads that arrive
within :data:`GATHER_SECONDS` of each other form a batch: a batch of at least
:data:`LISTING_FROM` is answered by one listing of all pods (a request per 100),
started after each of them was seen ready, so it shows them at least as ready as
their status did; a smaller batch, or a pod the listing missed, is read on its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from prime_pulumi.client import PodDetails
from prime_pulumi.core.runtime import ProviderRuntime

logger = logging.getLogger("prime_pulumi.ready_reads")

#: How long the first read of a batch waits for the others.
GATHER_SECONDS = 0.05
#: The smallest batch that one listing answers, rather than a GET for each.
LISTING_FROM = 8


class ReadsPodsInBulk(Protocol):
    """Reads one pod, and lists every live pod."""

    def get_pod(self, pod_id: str, /) -> PodDetails: ...

    def list_pods(self) -> list[PodDetails]: ...


@dataclass
class _Batch:
    ids: set[str] = field(default_factory=set)
    listed: dict[str, PodDetails] = field(default_factory=dict)
    done: threading.Event = field(default_factory=threading.Event)


class ReadyReads:
    """Gathers the reads of ready pods into batches (see the module doc)."""

    def __init__(
        self,
        gather: float = GATHER_SECONDS,
        listing_from: int = LISTING_FROM,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._gather = gather
        self._listing_from = listing_from
        self._sleep = sleep
        self._lock = threading.Lock()
        self._open: _Batch | None = None

    def read(self, client: ReadsPodsInBulk, pod_id: str) -> PodDetails:
        """The pod ``pod_id`` as the API shows it now; raises as ``get_pod`` does."""
        with self._lock:
            batch, leads = (self._open, False) if self._open else (_Batch(), True)
            self._open = batch
            batch.ids.add(pod_id)
        if leads:
            self._sleep(self._gather)
            with self._lock:
                self._open = None  # later reads start the next batch
            try:
                if len(batch.ids) >= self._listing_from:
                    batch.listed = {p.id: p for p in client.list_pods() if p.id in batch.ids}
            except Exception:  # whatever it was, each read of the batch asks on its own
                logger.debug("the listing of a batch of ready pods failed", exc_info=True)
            finally:
                batch.done.set()
        else:
            batch.done.wait()
        listed = batch.listed.get(pod_id)
        return listed if listed is not None else client.get_pod(pod_id)


def ready_reads(runtime: ProviderRuntime) -> ReadyReads:
    """The process's one :class:`ReadyReads`, made on first use."""
    return runtime.shared(_new_ready_reads)


def _new_ready_reads(_runtime: ProviderRuntime) -> ReadyReads:
    return ReadyReads()
