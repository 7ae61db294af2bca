"""The last lines of a failed pod's log, read before it is deleted: nothing is left to read after.

A create that gives up on its pod (an installation failure, ERROR, the deadline)
reads the tail of the pod's log once, in one attempt with a short timeout, and
never lets that read hold up the cleanup or change the outcome: a log that
cannot be read is no lines. The last line goes into the one-line error; the
lines go to the resource's Diagnostics (``RowProgress.diagnose``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from prime_pulumi.client import PrimeClient

logger = logging.getLogger("prime_pulumi.creation")

#: How many of a failed pod's last log lines are read and shown.
FAILURE_LOG_LINES = 10
#: How long the read may take (one attempt): the failed pod's cleanup waits for it.
FAILURE_LOG_SECONDS = 5.0
#: How much of the last line the one-line error quotes.
QUOTED_CHARACTERS = 200
#: Secret values shorter than this are not masked: they would mask ordinary text.
SHORTEST_MASKED = 4
MASK = "[secret]"


class FailureLog:
    """The tail of a failed pod's log, as read before its deletion, secrets masked.

    ``lines`` are each line with its time, for Diagnostics; ``last`` is the text of
    the last one, for the error.
    """

    def __init__(self, lines: list[str], last: str | None) -> None:
        self.lines = lines
        self.last = last

    @classmethod
    def read(cls, client: PrimeClient, pod_id: str, secrets: Iterable[str]) -> FailureLog:
        """The pod's last lines; none when they cannot be read, whatever the reason."""
        try:
            read = client.pod_logs(
                pod_id, tail=FAILURE_LOG_LINES, timeout=FAILURE_LOG_SECONDS, retry=False
            )
        except Exception as error:  # only an explanation: never a reason to fail otherwise
            logger.info("the log of pod %s could not be read: %s", pod_id, error)
            return cls([], None)
        mask = masker(secrets)
        kept = [line for line in read[-FAILURE_LOG_LINES:] if mask(line.message)]
        return cls([mask(str(line)) for line in kept], mask(kept[-1].message) if kept else None)

    def ending(self) -> str:
        """A sentence quoting the last line, for the one-line error; empty without lines."""
        if self.last is None:
            return ""
        last = self.last
        if len(last) > QUOTED_CHARACTERS:
            last = last[: QUOTED_CHARACTERS - 3] + "..."
        return f"Its log ends: {last!r}."


def masker(secrets: Iterable[str]) -> Callable[[str], str]:
    """Text on one line, with the pod's secret inputs masked.

    A pod's own output (its log, its installation failure) may echo its
    environment: its secrets must not reach an error or the Diagnostics that a CI
    log keeps.
    """
    hidden = sorted({s for s in secrets if len(s) >= SHORTEST_MASKED}, key=len, reverse=True)

    def mask(text: str) -> str:
        for secret in hidden:  # the longest first: one secret may contain another
            text = text.replace(secret, MASK)
        return " ".join(text.split())

    return mask
