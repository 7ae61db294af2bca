"""The engine's ``Cancel`` (Ctrl-C): every wait of the process ends promptly.

The engine asks once, then waits for the operations under way to end. A wait
that is cancelled raises :class:`CancelledError`; the operation then ends as it ends
when its resource will not become ready: all or nothing, one line. Only the
waits for a resource to be ready or gone are cancelled. The short look-up of a
lost create answer is not: stopping it could leave a resource nobody tracks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class CancelledError(Exception):
    """The engine cancelled the operation (Ctrl-C) while it waited."""

    def __init__(self) -> None:
        super().__init__("the operation was cancelled (Ctrl-C)")


class Cancellation:
    """Whether the engine asked to cancel, and who to wake when it does."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._wakers: list[Callable[[], None]] = []

    @property
    def requested(self) -> bool:
        """Whether the engine asked to cancel."""
        return self._event.is_set()

    def request(self) -> None:
        """Cancels every wait, now and later."""
        with self._lock:
            self._event.set()
            wakers = list(self._wakers)
        for wake in wakers:
            wake()

    def wake_on_request(self, wake: Callable[[], None]) -> None:
        """Calls ``wake`` when the engine asks to cancel (at once if it already has)."""
        with self._lock:
            self._wakers.append(wake)
            already = self._event.is_set()
        if already:
            wake()

    def sleep(self, seconds: float) -> None:
        """Sleeps ``seconds``; raises :class:`CancelledError` if the engine asks meanwhile."""
        if self._event.wait(seconds):
            raise CancelledError
