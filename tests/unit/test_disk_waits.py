"""Waiting until a disk is ACTIVE, and until it is gone, on a fake clock: no real sleeping."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from prime_pulumi.client import (
    AuthenticationError,
    DiskDetails,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from prime_pulumi.core.polling import Poller
from prime_pulumi.core.waits import NotReadyError
from prime_pulumi.disk.errors import DiskCleanupError
from prime_pulumi.disk.waits import (
    wait_until_disk_active,
    wait_until_disk_gone,
)

PATH = "/api/v1/disks/d1"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class FakeDisks:
    """Answers ``get_disk`` from a script, one answer per read (the last repeats)."""

    def __init__(self, answers: Sequence[str | Exception]) -> None:
        self.answers = answers
        self.reads = 0

    def get_disk(self, disk_id: str) -> DiskDetails:
        answer = self.answers[min(self.reads, len(self.answers) - 1)]
        self.reads += 1
        if isinstance(answer, Exception):
            raise answer
        return DiskDetails.model_validate({"id": disk_id, "status": answer, "size": 10})


def outage() -> InternalServerError:
    return InternalServerError(
        f"GET {PATH} failed with HTTP 503", status_code=503, method="GET", path=PATH, detail="x"
    )


def not_found() -> NotFoundError:
    return NotFoundError("gone", status_code=404, method="GET", path=PATH, detail="gone")


def active(disks: FakeDisks, clock: Clock, timeout: float = 60) -> tuple[DiskDetails, list[str]]:
    seen: list[str] = []
    disk = wait_until_disk_active(
        disks,
        "d1",
        timeout=timeout,
        poller=Poller(cap=10, clock=clock, sleep=clock.sleep),
        progress=seen.append,
    )
    return disk, seen


def test_a_disk_is_waited_for_through_an_outage_until_active() -> None:
    disks = FakeDisks(["PROVISIONING", outage(), outage(), "PROVISIONING", "ACTIVE"])
    disk, seen = active(disks, Clock())
    assert disk.status == "ACTIVE" and disks.reads == 5
    assert seen[0] == "PROVISIONING"
    assert "PROVISIONING; its status cannot be read just now, still waiting" in seen
    assert seen[-1] == "ACTIVE"


def test_a_retry_after_is_honoured_between_reads() -> None:
    clock = Clock()
    limited = RateLimitError(
        "429", retry_after=7.0, status_code=429, method="GET", path=PATH, detail="slow down"
    )
    active(FakeDisks([limited, "ACTIVE"]), clock)
    assert clock.now - 100.0 >= 7.0


@pytest.mark.parametrize(
    ("answers", "reason", "state"),
    [
        (["PROVISIONING", "ERROR"], "it failed", "ERROR"),
        (["PROVISIONING", "DELETING"], "it is being deleted outside Pulumi", "DELETING"),
        (
            ["PROVISIONING", not_found()],
            "it disappeared: it was deleted outside Pulumi",
            "PROVISIONING",
        ),
    ],
)
def test_what_the_api_says_of_the_disk_ends_the_wait(
    answers: list[str | Exception], reason: str, state: str
) -> None:
    with pytest.raises(NotReadyError) as info:
        active(FakeDisks(answers), Clock())
    assert (info.value.reason, info.value.state) == (reason, state)


def test_a_refused_key_ends_the_wait_at_once() -> None:
    refused = AuthenticationError("401", status_code=401, method="GET", path=PATH, detail="no")
    disks = FakeDisks(["PROVISIONING", refused])
    with pytest.raises(NotReadyError, match="could not be read"):
        active(disks, Clock())
    assert disks.reads == 2


def test_the_deadline_says_what_the_outage_was() -> None:
    clock = Clock()
    with pytest.raises(NotReadyError) as info:
        active(FakeDisks(["PROVISIONING", outage()]), clock, timeout=30)
    assert info.value.reason.startswith("it was not ACTIVE within 30 seconds (ready_timeout)")
    assert "could not be read at the end (GET /api/v1/disks/d1 failed with HTTP 503)" in (
        info.value.reason
    )
    assert clock.now == 130.0, "never past the deadline"


def test_wait_until_disk_gone_counts_a_404_and_terminated_as_gone_and_gives_up_with_the_id() -> (
    None
):
    clock = Clock()
    poller = Poller(cap=10, clock=clock, sleep=clock.sleep)
    wait_until_disk_gone(
        FakeDisks(["DELETING", outage(), not_found()]), "d1", timeout=30, poller=poller
    )
    wait_until_disk_gone(FakeDisks(["DELETING", "TERMINATED"]), "d1", timeout=30, poller=poller)
    with pytest.raises(DiskCleanupError, match="disk d1 was deleted but is still there") as info:
        wait_until_disk_gone(FakeDisks(["DELETING"]), "d1", timeout=30, poller=poller)
    assert info.value.disk_id == "d1" and "DELETING" in str(info.value)
