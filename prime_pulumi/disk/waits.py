"""A disk's waits: until it is ACTIVE, and until it is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from prime_pulumi.client import DiskDetails, NotFoundError, PodState, PrimeError
from prime_pulumi.client._retries import is_transient, retry_after
from prime_pulumi.client.models import FAILED_STATES
from prime_pulumi.core.cancellation import CancelledError
from prime_pulumi.core.polling import Poller
from prime_pulumi.core.progress import NO_PROGRESS
from prime_pulumi.core.waits import NotReadyError, until_gone
from prime_pulumi.disk.errors import DiskCleanupError


class ReadsDisks(Protocol):
    """Reads one disk; a disk that is gone is a ``NotFoundError``."""

    def get_disk(self, disk_id: str, /) -> DiskDetails: ...


def wait_until_disk_active(
    client: ReadsDisks,
    disk_id: str,
    *,
    timeout: float,
    poller: Poller,
    progress: Callable[[str], None] = NO_PROGRESS,
) -> DiskDetails:
    """Polls the disk until it is ACTIVE; raises :class:`NotReadyError` otherwise.

    As for pods, only what the API says of the disk ends the wait: ERROR,
    DELETING or TERMINATED, a 404, a read that fails for good (a refused key),
    or the deadline, ``timeout`` seconds away. A read that fails for now is no
    news, and a server's ``Retry-After`` is honoured.
    """
    deadline = poller.clock() + timeout
    last = "not yet reported"
    outage = ""
    while True:
        pause = 0.0
        try:
            disk = client.get_disk(disk_id)
        except NotFoundError:
            raise NotReadyError(last, "it disappeared: it was deleted outside Pulumi") from None
        except PrimeError as exc:
            if not is_transient(exc):
                raise NotReadyError(last, f"its status could not be read: {exc}") from None
            outage, pause = str(exc), retry_after(exc) or 0.0
            progress(f"{last}; its status cannot be read just now, still waiting")
        else:
            outage, last = "", disk.status
            progress(last)
            if disk.status == PodState.ACTIVE:
                return disk
            if disk.status in FAILED_STATES:
                raise NotReadyError(last, "it failed")
            if disk.status == PodState.DELETING:
                raise NotReadyError(last, "it is being deleted outside Pulumi")
        try:
            waited = poller.wait(deadline, at_least=pause)
        except CancelledError as cancelled:
            raise NotReadyError(last, str(cancelled)) from None
        if not waited:
            reason = f"it was not ACTIVE within {timeout:g} seconds (ready_timeout)"
            if outage:
                reason += f", and its status could not be read at the end ({outage})"
            raise NotReadyError(last, reason)


def wait_until_disk_gone(
    client: ReadsDisks,
    disk_id: str,
    *,
    timeout: float,
    poller: Poller,
    progress: Callable[[str], None] = NO_PROGRESS,
) -> None:
    """Polls the disk until it is not found or TERMINATED; at the deadline, DiskCleanupError."""
    state = until_gone(lambda: client.get_disk(disk_id).status, timeout, poller, progress)
    if state is not None:
        raise DiskCleanupError(
            f"disk {disk_id} was deleted but is still there after {timeout:g} seconds "
            f"(state: {state}); check it and delete it by hand if it remains",
            disk_id=disk_id,
        )
