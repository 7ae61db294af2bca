"""A pod's waits: until it is ready, and until it is gone.

A create takes its pod's statuses from a feed: its own polls
(:class:`DirectFeed`) or the process's shared poller (:class:`HubFeed`, over
:func:`status_poller`). Each wait tells ``progress`` where the pod is, from the
statuses it reads anyway: progress costs no request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from prime_pulumi.client import (
    NotFoundError,
    PodDetails,
    PodState,
    PodStatus,
    PrimeError,
)
from prime_pulumi.client._retries import is_transient, retry_after
from prime_pulumi.client.models import FAILED_STATES
from prime_pulumi.core.cancellation import CancelledError
from prime_pulumi.core.polling import Poller
from prime_pulumi.core.progress import NO_PROGRESS
from prime_pulumi.core.runtime import ProviderRuntime
from prime_pulumi.core.shared_poller import SharedPoller
from prime_pulumi.core.waits import NotReadyError, until_gone
from prime_pulumi.pod.errors import PodCleanupError

#: A poller of pod statuses (the process's one is :func:`status_poller`).
PodStatusPoller = SharedPoller[Any, PodStatus]


class ReadsStatuses(Protocol):
    """Reads the status of many pods in one request; unknown ids are absent."""

    def get_pod_statuses(self, pod_ids: list[str], /) -> list[PodStatus]: ...


class ReadsPods(Protocol):
    """Reads one pod; a pod that is gone is a ``NotFoundError``."""

    def get_pod(self, pod_id: str, /) -> PodDetails: ...


def read_statuses(client: ReadsStatuses, pod_ids: list[str]) -> Mapping[str, PodStatus]:
    """The statuses of ``pod_ids`` in one request, by pod id."""
    return {status.pod_id: status for status in client.get_pod_statuses(pod_ids)}


def status_poller(runtime: ProviderRuntime) -> PodStatusPoller:
    """The process's one poller of pod statuses, made on first use."""
    return runtime.shared(_new_status_poller)


def _new_status_poller(runtime: ProviderRuntime) -> PodStatusPoller:
    return SharedPoller(
        runtime.lease,
        read_statuses,
        lambda: runtime.settings.poll_max,
        cancellation=runtime.cancellation,
    )


def describe(status: PodStatus) -> str:
    """A short account of where a pod is, for messages."""
    progress = status.installation_progress
    # Installation runs once the pod is ACTIVE; before that, its 0% says nothing.
    shown = progress is not None and (progress > 0 or status.status == PodState.ACTIVE)
    installing = f", installation {progress:.0f}%" if shown else ""
    return f"{status.status}{installing}"


class DeadlinePassedError(Exception):
    """The deadline came before the next status."""


class StatusUnreadableError(Exception):
    """This round brought no news of the pod: its status could not be read.

    Each waiter gets one of its own. ``final`` says the failure will not pass
    (a refused key, say); otherwise the wait goes on.
    """

    def __init__(self, failure: str, *, final: bool) -> None:
        super().__init__(failure)
        self.failure = failure
        self.final = final


class StatusFeed(Protocol):
    """Where a waiting create gets its pod's successive statuses from."""

    def next_status(self, pod_id: str, deadline: float) -> PodStatus | None:
        """The pod's next status (``None``: not listed).

        Raises :class:`DeadlinePassedError` if late, :class:`StatusUnreadableError`
        for a round without news.
        """
        ...


class DirectFeed:
    """Polls the status endpoint for one pod, backing off between polls."""

    def __init__(self, client: ReadsStatuses, poller: Poller) -> None:
        self._client = client
        self._poller = poller
        self._first = True
        self._pause = 0.0  # a server's Retry-After, owed before the next poll

    def next_status(self, pod_id: str, deadline: float) -> PodStatus | None:
        if not self._first and not self._poller.wait(deadline, at_least=self._pause):
            raise DeadlinePassedError
        self._first = False
        self._pause = 0.0
        try:
            statuses = self._client.get_pod_statuses([pod_id])
        except PrimeError as exc:
            self._pause = retry_after(exc) or 0.0
            raise StatusUnreadableError(str(exc), final=not is_transient(exc)) from exc
        return next((s for s in statuses if s.pod_id == pod_id), None)


class HubFeed:
    """Takes each status from the process's shared poller (:class:`PodStatusPoller`)."""

    def __init__(self, hub: PodStatusPoller, pod_id: str) -> None:
        self._hub = hub
        self._pod_id = pod_id
        self._after = hub.watch(pod_id)

    def next_status(self, pod_id: str, deadline: float) -> PodStatus | None:
        while True:
            round_ = self._hub.next_round(self._after, deadline)
            if round_ is None:
                raise DeadlinePassedError
            self._after = round_.number
            if round_.failure is not None:
                raise StatusUnreadableError(round_.failure, final=round_.final)
            # A round already under way when the pod joined did not ask for it.
            if pod_id in round_.statuses:
                return round_.statuses[pod_id]

    def close(self) -> None:
        self._hub.unwatch(self._pod_id)


def wait_until_ready(
    client: ReadsPods,
    pod_id: str,
    *,
    timeout: float,
    install_failure_grace: float,
    feed: StatusFeed,
    progress: Callable[[str], None] = NO_PROGRESS,
    clock: Callable[[], float] = time.monotonic,
) -> PodStatus:
    """Follows the pod's status until it is ready; raises :class:`NotReadyError` otherwise.

    Only these end the wait: ERROR or TERMINATED; a pod missing from the status
    answer whose own GET is a 404; an installation failure that lasts
    ``install_failure_grace`` seconds (the service retries some by itself); a
    status read that fails for good (a refused key); and the deadline,
    ``timeout`` seconds away. A status read that fails for now (5xx, 429, a
    timeout, a dropped connection) is no news: the wait goes on.
    """
    deadline = clock() + timeout
    failing_since: float | None = None
    unreadable_since: float | None = None
    outage = ""  # why the status could not be read, while it cannot
    last = "not yet reported"
    while True:
        try:
            status = feed.next_status(pod_id, deadline)
        except CancelledError as cancelled:
            raise NotReadyError(last, str(cancelled)) from None
        except DeadlinePassedError:
            reason = f"it was not ready within {timeout:g} seconds (ready_timeout)"
            if unreadable_since is not None:
                reason += (
                    f", and its status could not be read for the last "
                    f"{clock() - unreadable_since:.0f} seconds ({outage})"
                )
            raise NotReadyError(last, reason) from None
        except StatusUnreadableError as no_news:
            if no_news.final:
                raise NotReadyError(last, f"its status could not be read: {no_news}") from None
            unreadable_since = clock() if unreadable_since is None else unreadable_since
            outage = no_news.failure
            progress(f"{last}; its status cannot be read just now, still waiting")
            continue
        unreadable_since = None
        if status is None:
            _raise_if_gone(client, pod_id, last)
            continue
        last = describe(status)
        progress(last)
        if status.is_ready:
            return status
        if status.status in FAILED_STATES:
            raise NotReadyError(last, status.failure or f"it reached {status.status}")
        if status.installation_failure:
            now = clock()
            failing_since = now if failing_since is None else failing_since
            if now - failing_since >= install_failure_grace:
                raise NotReadyError(last, f"installation failed: {status.installation_failure}")
        else:
            failing_since = None


def _raise_if_gone(client: ReadsPods, pod_id: str, last: str) -> None:
    """A pod missing from the status answer: gone, or just not listed there yet."""
    try:
        pod = client.get_pod(pod_id)
    except NotFoundError as exc:
        raise NotReadyError(last, "it disappeared: it was deleted outside Pulumi") from exc
    except PrimeError:
        return
    if pod.status == PodState.TERMINATED:
        raise NotReadyError(PodState.TERMINATED, "it was terminated outside Pulumi")


def wait_until_gone(
    client: ReadsPods,
    pod_id: str,
    *,
    timeout: float,
    poller: Poller,
    progress: Callable[[str], None] = NO_PROGRESS,
) -> None:
    """Polls the pod until it is not found or TERMINATED; at the deadline, PodCleanupError."""
    state = until_gone(lambda: client.get_pod(pod_id).status, timeout, poller, progress)
    if state is not None:
        raise PodCleanupError(
            f"pod {pod_id} was deleted but is still there after {timeout:g} seconds "
            f"(state: {state}); check it and delete it by hand if it remains",
            pod_id=pod_id,
        )
