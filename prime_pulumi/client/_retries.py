"""When a failed call is tried again, and how long to wait before it.

GET and DELETE are retried on 429, 5xx and transport errors; a create only when
the server certainly did not act on it. Waits are capped exponential with
jitter, or the server's ``Retry-After``; every call has a number of attempts and
a total time budget. Sleep and clock are injectable, so tests record the waits
instead of sleeping them.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception

from prime_pulumi.client._constants import (
    BACKOFF_INITIAL_SECONDS,
    BACKOFF_JITTER_SECONDS,
    BACKOFF_MAX_SECONDS,
    MAX_ATTEMPTS,
    RETRY_AFTER_MAX_SECONDS,
    RETRY_BUDGET_SECONDS,
)
from prime_pulumi.client._exceptions import (
    APIConnectionError,
    InternalServerError,
    RateLimitError,
)

logger = logging.getLogger("prime_pulumi.client")

T = TypeVar("T")
Retryable = Callable[[BaseException], bool]


def is_transient(exc: BaseException) -> bool:
    """Whether an idempotent call that failed with ``exc`` is worth another attempt."""
    return isinstance(exc, RateLimitError | InternalServerError | APIConnectionError)


def retry_after(exc: BaseException) -> float | None:
    """The wait the server asked for (``Retry-After``), capped; ``None`` if it asked none."""
    if isinstance(exc, RateLimitError) and exc.retry_after is not None:
        return min(exc.retry_after, RETRY_AFTER_MAX_SECONDS)
    return None


def is_rejected_before_acting(exc: BaseException) -> bool:
    """Whether the server certainly did not act on the request: 429, or never connected."""
    if isinstance(exc, RateLimitError):
        return True
    return isinstance(exc, APIConnectionError) and not exc.request_sent


def is_outcome_unknown(exc: BaseException) -> bool:
    """Whether a request may or may not have taken effect (sent, then no clear answer)."""
    if isinstance(exc, InternalServerError):
        return True
    return isinstance(exc, APIConnectionError) and exc.request_sent


@dataclass(frozen=True)
class Backoff:
    """The wait before the next attempt: the server's ``Retry-After``, else capped exponential."""

    initial: float = BACKOFF_INITIAL_SECONDS
    cap: float = BACKOFF_MAX_SECONDS
    jitter: float = BACKOFF_JITTER_SECONDS

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc) if exc is not None else None
        if asked is not None:
            return asked
        exponential = self.initial * 2.0 ** (state.attempt_number - 1)
        return min(exponential, self.cap) + random.uniform(0, self.jitter)


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    logger.info(
        "attempt %d failed (%s); retrying in %.2fs",
        state.attempt_number,
        exc,
        state.upcoming_sleep,
    )


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts one call gets, within what time, with which waits between them."""

    max_attempts: int = MAX_ATTEMPTS
    budget: float = RETRY_BUDGET_SECONDS
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def call(self, send: Callable[[], T], retryable: Retryable) -> T:
        """Calls ``send`` until it succeeds, fails for good, or attempts or budget run out."""
        started = self.clock()

        def out_of_time(state: RetryCallState) -> bool:
            if state.attempt_number >= self.max_attempts:
                return True
            upcoming = state.upcoming_sleep or 0.0
            return self.clock() - started + upcoming > self.budget

        retrying = Retrying(
            sleep=self.sleep,
            stop=out_of_time,
            wait=self.backoff,
            retry=retry_if_exception(retryable),
            before_sleep=_log_retry,
            reraise=True,
        )
        return retrying(send)
