"""The disk lane of the fault campaign in CI: disks and the pods that mount them, under faults.

Each schedule is one ``pulumi up`` of 2 to 5 disks (some fated to fail) and the
pods that mount them, with faults on the disk and pod routes, reads and
out-of-band deletes, then a destroy in Pulumi's order (see
``tests.kit.disk_campaign``). ``DISK_SCHEDULES`` sets how many
(default 20); ``CAMPAIGN_SEED`` replays one
(``CAMPAIGN_SEED=<seed> pytest tests/campaign -k disk``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.kit.campaign import campaign_seeds
from tests.kit.disk_campaign import (
    DiskCampaign,
    DiskCreate,
    attachment_breaks,
    attribute,
    disk_create_breaks,
    disk_lanes,
    state_breaks,
)
from tests.kit.fleet_campaign import run_fleet_lanes, shown_breaks

API_KEY = "pk-disks-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def lanes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[DiskCampaign]]:
    """Two lanes, each an emulator and one provider process at a time."""
    with ExitStack() as stack:
        yield disk_lanes(stack, tmp_path_factory.mktemp("disks"), API_KEY, count=2)


@pytest.mark.timeout(600)
def test_disks_and_their_pods_under_faults_lose_nothing_and_never_double(
    lanes: list[DiskCampaign], capsys: pytest.CaptureFixture[str]
) -> None:
    # An InvariantError names its seed: CAMPAIGN_SEED=<seed> pytest tests/campaign -k disk
    report = run_fleet_lanes(lanes, campaign_seeds("DISK_SCHEDULES", 20), API_KEY)
    with capsys.disabled():
        print(report)


# ------------------------------------------------------------ the checker, on made-up runs

NAME = "disk0-1234567"
D1, D2 = "d1" * 16, "d2" * 16


def _disk(disk_id: str = D1, fate: str = "ok", status: str = "ACTIVE") -> dict[str, Any]:
    """A disk as the emulator's control API lists it."""
    return {"id": disk_id, "name": NAME, "fate": fate, "status": status}


def _create(**changes: Any) -> DiskCreate:
    """A create of NAME that answered D1, the ACTIVE disk it made."""
    create = DiskCreate("disk0", NAME, "ok", disk_id=D1, outs={"status": "ACTIVE"}, made=(_disk(),))
    for key, value in changes.items():
        setattr(create, key, value)
    return create


def _tags(broken: list[str]) -> list[str]:
    return [what.split(" ", 1)[0] for what in broken]


def test_the_checker_takes_a_create_that_answered_the_one_disk_it_made() -> None:
    assert disk_create_breaks(_create()) == []


def test_the_checker_catches_a_second_disk_of_one_create() -> None:
    """(2) is real: a create whose name shows two disks made while it ran breaks it."""
    broken = disk_create_breaks(_create(made=(_disk(), _disk(D2, status="TERMINATED"))))
    assert broken == [f"(2) the create of {NAME} made 2 disks: {[D1, D2]}"]


def test_each_disk_of_a_name_is_counted_to_the_create_that_ran_when_it_appeared() -> None:
    """A failed create run again: its disk, then the rerun's; a third, later, is the rerun's."""
    failed = _create(plan="error", disk_id=None, made=())
    rerun = _create(plan="rerun", disk_id=D2, made=(), before=frozenset({D1}))
    attribute([failed, rerun], [_disk(D1, "error", "TERMINATED"), _disk(D2)])
    assert ([d["id"] for d in failed.made], [d["id"] for d in rerun.made]) == ([D1], [D2])
    attribute([failed, rerun], [_disk(D1, "error", "TERMINATED"), _disk(D2), _disk("d3")])
    assert _tags(disk_create_breaks(rerun)) == ["(2)"]


def test_the_checker_catches_a_lost_disk() -> None:
    """(1) is real: a disk that bills, tracked by nothing and named by no error, breaks it."""
    failed = _create(disk_id=None, outs={}, error=f"prime_pulumi.DiskError: Disk '{NAME}': ...")
    broken, named = state_breaks([], [_disk()], [failed])
    assert _tags(broken) == ["(1)"] and named == {}
    assert f"disk {D1} ({NAME}, ACTIVE) bills, yet no resource tracks it" in broken[0]


def test_the_checker_lets_a_disk_an_error_named_as_left_be_and_hands_it_to_the_user() -> None:
    error = (
        f"prime_pulumi.DiskCleanupError: Disk '{NAME}' ({D1}) did not become ACTIVE ... "
        f"Deleting it failed too (...): it may still bill; delete disk {D1} by hand."
    )
    failed = _create(disk_id=None, outs={}, error=error)
    assert state_breaks([], [_disk(), _disk(D2, status="DELETING")], [failed]) == ([], {D1: NAME})


def test_the_checker_catches_two_billing_disks_of_one_name_and_one_disk_tracked_twice() -> None:
    broken, _ = state_breaks([D1, D1, D2], [_disk(), _disk(D2)], [])
    assert _tags(broken) == ["(2)", "(2)"]


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        (  # a listing's 5xx stopped the create before its post
            {"disk_id": None, "error": "prime_pulumi.DiskProvisioningError: ...", "made": ()},
            f"(3) the create of {NAME} failed before it made a disk",
        ),
        (  # a get_disk burst cost an ACTIVE disk (deleted, at least)
            {
                "disk_id": None,
                "error": "prime_pulumi.DiskProvisioningError: ...",
                "made": (_disk(status="DELETING"),),
            },
            f"(3) the create of {NAME} failed though nothing but faults stood",
        ),
        (  # a disk fated to fail was reported ACTIVE
            {"made": (_disk(fate="error"),)},
            f"(3) disk {NAME} ({D1}), fated error, was reported ACTIVE",
        ),
        (
            {"disk_id": D2},
            f"(3) the create of {NAME} answered disk {D2}, not one it made",
        ),
        (  # a failed create that leaves its ERROR disk billing, and does not say so
            {
                "disk_id": None,
                "error": "prime_pulumi.DiskProvisioningError: ... It was deleted",
                "made": (_disk(fate="error", status="ERROR"),),
            },
            f"(3) the failed create of {NAME} left its disk {D1} (fated error) ERROR",
        ),
    ],
)
def test_the_checker_catches_creates_that_cost_or_keep_a_disk(
    changes: dict[str, Any], broken: str
) -> None:
    (found,) = disk_create_breaks(_create(**changes))
    assert found.startswith(broken)


@pytest.mark.parametrize(
    "changes",
    [
        {"made": (_disk(fate="stuck", status="TERMINATED"),)},  # failed as meant, deleted
        {"made": (_disk(status="DELETING"),), "short": True},  # could not be ACTIVE in time
        {  # the post was dropped: no disk was made, and the provider cannot know
            "made": (),
            "error": f"prime_pulumi.CreateOutcomeUnknownError: Disk '{NAME}': ... No disk of "
            "that name appeared within 3 seconds.",
        },
    ],
)
def test_the_checker_lets_a_create_fail_when_the_schedule_meant_it(
    changes: dict[str, Any],
) -> None:
    failed: dict[str, Any] = {"disk_id": None, "outs": {}}
    failed["error"] = "prime_pulumi.DiskProvisioningError: ..."
    assert disk_create_breaks(_create(**{**failed, **changes})) == []


def test_the_checker_catches_a_pod_that_does_not_report_its_disk() -> None:
    mounted = {"attached_resources": [{"id": D1, "resource_type": "DISK", "status": "MOUNTED"}]}
    assert attachment_breaks("p", "p1", D1, mounted) == []
    assert _tags(attachment_breaks("p", "p1", D1, {"attached_resources": []})) == ["(4)"]
    assert _tags(attachment_breaks("p", "p1", D2, mounted)) == ["(4)"]


@pytest.mark.parametrize(
    ("text", "broken"),
    [
        (f"prime_pulumi.DiskProvisioningError: Disk '{NAME}' ({D1}) did not become ACTIVE", None),
        (  # an error of two lines
            f"Traceback (most recent call last):\nprime_pulumi.DiskError: Disk '{NAME}': failed",
            "(b)",
        ),
        ("prime_pulumi.DiskError: Disk 'another-7654321': failed", "(b)"),  # names no disk of its
        (f"prime_pulumi.DiskError: Disk '{NAME}': key {API_KEY} refused", "(b)"),
        (f"KeyError: 'size'\n\nprime_pulumi.UnexpectedError: Disk '{NAME}': KeyError", "(c)"),
    ],
)
def test_the_checker_reads_disk_errors_as_the_user_sees_them(text: str, broken: str | None) -> None:
    found = shown_breaks(text, (NAME, D1), API_KEY)
    assert (found or "")[:3] == (broken or "")
