"""The few API calls the provider's waits and caches make, each as a small Protocol.

:class:`~prime_pulumi.client.PrimeClient` has them all; a unit test passes a fake
with just the call it needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from prime_pulumi.client import DiskDetails, PodDetails, PodStatus


class ReadsStatuses(Protocol):
    """Reads the status of many pods in one request; unknown ids are absent."""

    def get_pod_statuses(self, pod_ids: list[str], /) -> list[PodStatus]: ...


class ReadsPods(Protocol):
    """Reads one pod; a pod that is gone is a ``NotFoundError``."""

    def get_pod(self, pod_id: str, /) -> PodDetails: ...


class ReadsDisks(Protocol):
    """Reads one disk; a disk that is gone is a ``NotFoundError``."""

    def get_disk(self, disk_id: str, /) -> DiskDetails: ...


class ListsPods(Protocol):
    """Lists every live pod."""

    def iter_pods(self) -> Iterable[PodDetails]: ...
