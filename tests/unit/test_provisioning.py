"""Waiting for readiness and for deletion, on a fake clock: no real sleeping."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Any

import pytest

from prime_pulumi.client import (
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    PodDetails,
    PodStatus,
    RateLimitError,
)
from prime_pulumi.core.polling import Backoff, Poller
from prime_pulumi.core.shared_poller import JOIN_GATHER_SECONDS, SharedPoller
from prime_pulumi.core.waits import NotReadyError
from prime_pulumi.pod.errors import PodCleanupError
from prime_pulumi.pod.waits import (
    DirectFeed,
    HubFeed,
    StatusUnreadableError,
    read_statuses,
    wait_until_gone,
    wait_until_ready,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def status(**fields: Any) -> PodStatus:
    base = {"podId": "p1", "status": "PROVISIONING", "installationProgress": 0}
    return PodStatus.model_validate(base | fields)


READY = {"status": "ACTIVE", "installationProgress": 100, "sshConnection": "root@1.2.3.4 -p 22"}


class FakeClient:
    """Answers the status endpoint from a script, one answer per poll (the last repeats)."""

    def __init__(
        self, answers: Sequence[PodStatus | Exception | None], pod: PodDetails | None = None
    ) -> None:
        self.answers = answers
        self.polls = 0
        self.pod = pod

    def get_pod_statuses(self, ids: list[str]) -> list[PodStatus]:
        answer = self.answers[min(self.polls, len(self.answers) - 1)]
        self.polls += 1
        if isinstance(answer, Exception):
            raise answer
        return [] if answer is None else [answer]

    def get_pod(self, pod_id: str) -> PodDetails:
        if self.pod is None:
            raise NotFoundError("gone", status_code=404, method="GET", path="/", detail="gone")
        return self.pod


def wait(client: FakeClient, clock: Clock, *, timeout: float = 60, grace: float = 10) -> PodStatus:
    return wait_until_ready(
        client,
        "p1",
        timeout=timeout,
        install_failure_grace=grace,
        feed=DirectFeed(client, Poller(cap=10, clock=clock, sleep=clock.sleep)),
        clock=clock,
    )


def test_polls_back_off_from_a_second_to_the_cap_until_ready() -> None:
    clock = Clock()
    client = FakeClient([status()] * 8 + [status(**READY)])
    assert wait(client, clock, timeout=1000).is_ready
    assert clock.sleeps[0] == 1.0
    assert clock.sleeps == sorted(clock.sleeps)
    assert max(clock.sleeps) == 10
    assert client.polls == 9


def test_never_waits_past_the_deadline() -> None:
    clock = Clock()
    with pytest.raises(NotReadyError) as info:
        wait(FakeClient([status()]), clock, timeout=25)
    assert clock.now == 125.0
    assert "not ready within 25 seconds" in info.value.reason
    assert info.value.state == "PROVISIONING"


def test_error_status_fails_at_once() -> None:
    clock = Clock()
    with pytest.raises(NotReadyError, match="status is ERROR"):
        wait(FakeClient([status(), status(status="ERROR")]), clock)
    assert clock.sleeps == [1.0]


def test_installation_failure_is_final_only_after_the_grace() -> None:
    clock = Clock()
    failing = status(status="ACTIVE", installationFailure="pull failed")
    with pytest.raises(NotReadyError, match="installation failed: pull failed"):
        wait(FakeClient([failing]), clock, grace=10)
    assert clock.now - 100 >= 10

    clock = Clock()
    cleared = FakeClient([failing, failing, status(**READY)])
    assert wait(cleared, clock, grace=10).is_ready


def test_a_pod_that_vanishes_is_a_failure() -> None:
    with pytest.raises(NotReadyError, match="deleted outside Pulumi"):
        wait(FakeClient([None]), Clock())


def test_a_pod_not_yet_listed_is_waited_for() -> None:
    pod = PodDetails.model_validate({"id": "p1", "status": "PROVISIONING"})
    client = FakeClient([None, None, status(**READY)], pod=pod)
    assert wait(client, Clock()).is_ready


def test_wait_until_gone_gives_up_with_the_pod_id() -> None:
    clock = Clock()
    pod = PodDetails.model_validate({"id": "p1", "status": "DELETING"})
    with pytest.raises(PodCleanupError, match="p1") as info:
        wait_until_gone(
            FakeClient([], pod=pod),
            "p1",
            timeout=30,
            poller=Poller(cap=10, clock=clock, sleep=clock.sleep),
        )
    assert "DELETING" in str(info.value)
    assert clock.now == 130.0


def outage() -> InternalServerError:
    """A status read that used up its retries on 503s (a new error each time, as the client's)."""
    path = "/api/v1/pods/status"
    return InternalServerError(
        f"GET {path} failed with HTTP 503", status_code=503, method="GET", path=path, detail="x"
    )


def test_a_status_outage_is_no_news_not_a_verdict() -> None:
    rate_limited = RateLimitError(
        "429", status_code=429, method="GET", path="/", detail="slow down", retry_after=None
    )
    client = FakeClient([status(), outage(), outage(), rate_limited, status(**READY)])
    assert wait(client, Clock()).is_ready
    assert client.polls == 5


def test_a_deadline_that_passes_during_an_outage_says_so() -> None:
    with pytest.raises(NotReadyError) as info:
        wait(FakeClient([status(), outage()]), Clock(), timeout=25)
    assert "not ready within 25 seconds" in info.value.reason
    assert "its status could not be read for the last 24 seconds" in info.value.reason
    assert "HTTP 503" in info.value.reason
    assert info.value.state == "PROVISIONING"


def test_an_invalid_key_ends_the_wait() -> None:
    denied = AuthenticationError(
        "401", status_code=401, method="GET", path="/", detail="Invalid API key"
    )
    with pytest.raises(NotReadyError, match="could not be read"):
        wait(FakeClient([status(), denied]), Clock())


def test_the_shared_poller_hands_each_waiter_news_not_a_shared_exception() -> None:
    client = FakeClient([outage(), outage(), status(**READY)])
    hub = SharedPoller(lambda: nullcontext(client), read_statuses, lambda: 0.05)
    deadline = time.monotonic() + 5

    def waiter(feed: HubFeed) -> tuple[PodStatus | None, list[StatusUnreadableError]]:
        seen: list[StatusUnreadableError] = []
        try:
            while True:
                try:
                    return feed.next_status("p1", deadline), seen
                except StatusUnreadableError as no_news:  # a failed round: no news, wait on
                    seen.append(no_news)
        finally:
            feed.close()

    feeds = [HubFeed(hub, "p1"), HubFeed(hub, "p1")]  # both watch before the first round
    with ThreadPoolExecutor(max_workers=2) as pool:
        (first, mine), (second, theirs) = pool.map(waiter, feeds)
    assert first is not None and first.is_ready
    assert second is not None and second.is_ready
    assert mine and theirs, "each waiter hears of the failed rounds"
    assert not any(no_news.final for no_news in [*mine, *theirs])
    assert not {id(e) for e in mine} & {id(e) for e in theirs}, "one exception in two threads"


def test_a_burst_of_new_waiters_shares_one_round_not_a_request_each() -> None:
    """A fleet's creates join the shared poller at about the same time: one round serves them."""
    ids = [f"p{i}" for i in range(50)]
    rounds: list[list[str]] = []
    everyone = threading.Event()

    def read(_client: object, pod_ids: list[str]) -> dict[str, PodStatus]:
        rounds.append(pod_ids)
        return {i: PodStatus(pod_id=i, status="PROVISIONING") for i in pod_ids}

    def sleep(seconds: float) -> None:
        # The gathering after a join ends once the whole burst has joined (here: at once).
        everyone.wait(5) if seconds == JOIN_GATHER_SECONDS else time.sleep(seconds)

    hub = SharedPoller(lambda: nullcontext(object()), read, lambda: 10.0, sleep=sleep)
    feeds = [HubFeed(hub, ids[0])]
    first = feeds[0].next_status(ids[0], time.monotonic() + 5)  # the poller is running
    feeds += [HubFeed(hub, pod_id) for pod_id in ids[1:]]
    everyone.set()
    seen = [
        feed.next_status(pod_id, time.monotonic() + 5)
        for feed, pod_id in zip(feeds, ids, strict=True)
    ]
    for feed in feeds:
        feed.close()
    assert first is not None and all(s is not None for s in seen)
    assert len(rounds) == 2, "the first waiter's round, then one round for the other 49"
    assert sorted(rounds[1]) == sorted(ids)


def test_the_one_polling_policy_backs_off_to_the_cap_and_starts_over() -> None:
    cap = [4.0]
    backoff = Backoff(lambda: cap[0])
    seen = []
    for _ in range(6):
        seen.append(backoff.interval)
        backoff.grow()
    assert seen == [1.0, 1.5, 2.25, 3.375, 4.0, 4.0]
    backoff.restart()
    assert backoff.interval == 1.0
    cap[0] = 0.5  # the settings changed: the cap holds at once, and a raise lets the first through
    assert backoff.interval == 0.5
    cap[0] = 10.0
    assert backoff.interval == 1.0


def test_the_waits_and_the_shared_poller_sleep_the_same_intervals() -> None:
    slept: list[float] = []
    poller = Poller(cap=4.0, clock=lambda: 0.0, sleep=slept.append)
    for _ in range(6):
        assert poller.wait(deadline=100.0)
    backoff = Backoff(lambda: 4.0)
    expected = []
    for _ in range(6):
        expected.append(backoff.interval)
        backoff.grow()
    assert slept == expected
