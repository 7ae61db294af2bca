"""What every kind's waits share: the error that ends a wait, and waiting until gone.

A kind's waits (``pod/waits.py``, ``disk/waits.py``) poll with the one polling
policy (:class:`~.polling.Poller`) and never wait past their deadline; only what
the API says of the resource ends them, never a blip of the API. Clocks and
sleeps are arguments, so tests steer time instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable

from prime_pulumi.client import NotFoundError, PodState, PrimeError
from prime_pulumi.core.cancellation import CancelledError
from prime_pulumi.core.polling import Poller

#: A delete's last message in its row: the CLI shows ``deleted (0.41s) gone, nothing left billing``.
GONE = "gone, nothing left billing"


class NotReadyError(Exception):
    """A resource will not become ready: ``state`` is where it stopped, ``reason`` why."""

    def __init__(self, state: str, reason: str) -> None:
        super().__init__(f"{reason} (state: {state})")
        self.state = state
        self.reason = reason


def until_gone(
    read_status: Callable[[], str],
    timeout: float,
    poller: Poller,
    progress: Callable[[str], None],
) -> str | None:
    """Polls until the status read is a 404 or TERMINATED (``None``), or the deadline passes
    (the last state seen). A failed read is no news.

    A wait the engine cancels ends as done (``None``): the API took the delete, and
    finishes it without us.
    """
    deadline = poller.clock() + timeout
    state = "unknown"
    while True:
        try:
            status = read_status()
        except NotFoundError:
            progress(GONE)
            return None
        except PrimeError as exc:
            state = f"unreadable ({exc})"
            progress("deleting; its state cannot be read just now, still waiting")
        else:
            if status == PodState.TERMINATED:
                progress(GONE)
                return None
            state = status
            progress(f"deleting, {state}")
        try:
            if not poller.wait(deadline):
                return state
        except CancelledError:
            progress(f"deleting, {state}; cancelled (Ctrl-C): the API finishes the delete")
            return None
