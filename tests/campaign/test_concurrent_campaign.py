"""The concurrent lane of the fault campaign in CI: fleets of creates in one provider process.

Each schedule is one ``pulumi up`` of 4 to 10 new pods beside an earlier run's,
with faults landing while the creates wait (see ``tests.kit.fleet_campaign``).
``CONCURRENT_SCHEDULES`` sets how many (default 16); ``CAMPAIGN_SEED`` replays one
(``CAMPAIGN_SEED=<seed> pytest tests/campaign -k concurrent``). ``bench/soak.py`` runs longer.
The same schedules run in ``pulumi-resource-prime`` too (``[native]``;
``NATIVE_SCHEDULES``, default 10; ``-k native`` with ``CAMPAIGN_SEED``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from tests.kit.campaign import InvariantError, campaign_seeds
from tests.kit.fleet_campaign import (
    ConcurrentCampaign,
    CreateOutcome,
    NativeConcurrentCampaign,
    concurrent_lanes,
    create_breaks,
    judge_creates,
    run_fleet_lanes,
    shown_breaks,
)

API_KEY = "pk-concurrent-secret-0123456789abcdef"


@dataclass(frozen=True)
class Face:
    """A provider process kind of the lane, and how many schedules it runs by default."""

    lane: type[ConcurrentCampaign]
    #: The variable that sets how many schedules; the default.
    schedules: tuple[str, int]


FACES = {
    "dynamic": Face(ConcurrentCampaign, ("CONCURRENT_SCHEDULES", 16)),
    "native": Face(NativeConcurrentCampaign, ("NATIVE_SCHEDULES", 10)),
}


@pytest.fixture(scope="module", params=sorted(FACES))
def face(request: pytest.FixtureRequest) -> Face:
    return FACES[request.param]


@pytest.fixture(scope="module")
def fleets(
    face: Face, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ConcurrentCampaign]]:
    """Two lanes, each an emulator and one provider process at a time: that fills two cores."""
    with ExitStack() as stack:
        workdir = tmp_path_factory.mktemp("concurrent")
        yield concurrent_lanes(stack, workdir, API_KEY, count=2, kind=face.lane)


@pytest.mark.timeout(600)
def test_concurrent_a_fleet_under_faults_keeps_every_pod_that_can_be_ready(
    face: Face, fleets: list[ConcurrentCampaign], capsys: pytest.CaptureFixture[str]
) -> None:
    # An InvariantError names its seed: CAMPAIGN_SEED=<seed> pytest tests/campaign -k concurrent
    report = run_fleet_lanes(fleets, campaign_seeds(*face.schedules), API_KEY)
    with capsys.disabled():
        print(report)


def _failed_create(**changes: object) -> CreateOutcome:
    """A create that raised after its pod was made (and, as the provider does, deleted)."""
    outcome = CreateOutcome(
        resource="n0",
        name="n0-1234567",
        plan="ready",
        error="prime_pulumi.PodProvisioningError: Pod 'n0-1234567' (p1) did not become ready: "
        "its status could not be read: ... It was deleted, so nothing is left billing.",
        made=("p1",),
    )
    for key, value in changes.items():
        setattr(outcome, key, value)
    return outcome


def test_the_checker_catches_a_pod_lost_to_a_transient_fault() -> None:
    """Invariant (a) is real: a pod nothing stopped, whose create failed, breaks it."""
    with pytest.raises(InvariantError, match=r"\(a\) the create of n0-1234567 failed"):
        judge_creates([_failed_create()], earlier_ids=())


OLD_POD = "6043784e1ff9d2c35c285c405a269345"  # an earlier run's pod, deleted by a replacement


@pytest.mark.parametrize(
    ("error", "broken"),
    [
        (  # the replacement "adopted" the pod deleted just before it
            f"prime_pulumi.PodProvisioningError: Pod 's1-earlier0' ({OLD_POD}) did not become "
            "ready: it disappeared",
            f"waited on pod {OLD_POD}, not one it made",
        ),
        (  # a 429 burst on a read before the post stopped it
            f"prime_pulumi.PodError: Pod 's1-earlier0': GET /api/v1/pods/{OLD_POD} failed "
            "with HTTP 429: Too Many Requests",
            "failed before it made a pod",
        ),
    ],
)
def test_the_checker_catches_a_replacement_that_made_no_pod(error: str, broken: str) -> None:
    """A replacement create that never made its pod breaks (a), unless its post was lost."""
    replacement = _failed_create(name="s1-earlier0", plan="replace", made=(), error=error)
    with pytest.raises(InvariantError, match=broken):
        judge_creates([replacement], earlier_ids=(OLD_POD,))


@pytest.mark.parametrize(
    "changes",
    [
        {"stopped": "failed (error)"},  # the schedule failed the pod
        {"stopped": "deleted out of band"},
        {"plan": "short"},  # its ready_timeout was shorter than provisioning
        {  # the post was dropped: the server made no pod, and the provider cannot know
            "made": (),
            "error": "prime_pulumi.CreateOutcomeUnknownError: Pod 'n0-1234567': Creating pod "
            "'n0-1234567' had an unknown outcome (...). No pod of that name appeared",
        },
    ],
)
def test_the_checker_lets_a_create_fail_when_the_schedule_meant_it(
    changes: dict[str, object],
) -> None:
    judge_creates([_failed_create(**changes)], earlier_ids=())


def test_the_checker_catches_a_stopped_pod_reported_ready_and_a_borrowed_pod() -> None:
    stopped = _failed_create(stopped="failed (error)", pod_id="p1", error="")
    borrowed = _failed_create(resource="n1", name="n1-7654321", pod_id="old", error="")
    broken = create_breaks([stopped, borrowed], earlier_ids=("old",))
    assert broken == [
        "(a) pod n0-1234567 (p1) was failed (error), yet reported ready",
        "(a) the create of n1-7654321 answered pod old, not one it made",
    ]


@pytest.mark.parametrize(
    ("text", "broken"),
    [
        ("prime_pulumi.PodProvisioningError: Pod 'n0-1234567' (p1) failed", None),
        ("Traceback ...\nprime_pulumi.PodProvisioningError: Pod 'n0-1234567' (p1) failed", "(b)"),
        (
            "Traceback ...\nRuntimeError: Cannot send a request, as the client has been closed.",
            "(c)",
        ),
        ("RuntimeError: client has been closed\n\nprime_pulumi.PodCleanupError: Pod p1 ...", "(c)"),
        ("Stream removed (received metadata size exceeds soft limit)", "(c)"),
        ("KeyError: 'x'\n\nprime_pulumi.UnexpectedError: Pod p1: KeyError: 'x' (a failure", "(c)"),
        ("Traceback ...\nprime_pulumi.InternalServerError: HTTP 503 for some pod", "(b)"),
    ],
)
def test_the_checker_reads_errors_as_the_user_sees_them(text: str, broken: str | None) -> None:
    found = shown_breaks(text, ("n0-1234567", "p1"), API_KEY)
    assert (found or "")[:3] == (broken or "")
