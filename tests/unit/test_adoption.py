"""Which pod of a name a create adopts: the same checks on every path."""

from __future__ import annotations

import pytest

from prime_pulumi.client import PodDetails
from prime_pulumi.pod.adoption import look_up
from prime_pulumi.pod.errors import PodNameTakenError
from prime_pulumi.pod.inputs import PodInputs

SPEC = PodInputs.model_validate(
    {
        "cloud_id": "c",
        "gpu_type": "H100_80GB",
        "gpu_count": 1,
        "socket": "PCIe",
        "provider_type": "runpod",
    }
)


def pod(pod_id: str, *, status: str = "ACTIVE", gpu: str = "H100_80GB", day: int = 1) -> PodDetails:
    return PodDetails.model_validate(
        {
            "id": pod_id,
            "name": "trainer",
            "status": status,
            "gpuName": gpu,
            "gpuCount": 1,
            "createdAt": f"2026-11-{day:02d}T00:00:00Z",
        }
    )


def test_the_oldest_matching_live_pod_is_adopted() -> None:
    found = [pod("newer", day=3), pod("older", day=2)]
    chosen = look_up(found, SPEC, "trainer").adopt
    assert chosen is not None and chosen.id == "older"


@pytest.mark.parametrize("status", ["DELETING", "TERMINATED", "ERROR"])
def test_a_pod_on_its_way_out_is_never_adopted(status: str) -> None:
    assert look_up([pod("going", status=status)], SPEC, "trainer").adopt is None


def test_a_failed_pod_of_ours_is_to_be_deleted_not_adopted() -> None:
    found = look_up([pod("broken", status="ERROR"), pod("fine", day=2)], SPEC, "trainer")
    assert found.adopt is not None and found.adopt.id == "fine"
    assert [p.id for p in found.failed] == ["broken"]
    theirs_failed = pod("theirs", status="ERROR", gpu="A100_80GB")
    assert look_up([theirs_failed], SPEC, "trainer").failed == (), "someone else's: left alone"


def test_a_pod_of_another_gpu_has_taken_the_name() -> None:
    with pytest.raises(PodNameTakenError) as info:
        look_up([pod("theirs", gpu="A100_80GB")], SPEC, "trainer")
    assert info.value.pod_id == "theirs"
    assert "A100_80GB" in str(info.value) and "'trainer'" in str(info.value)


def test_ours_wins_over_someone_elses_of_the_same_name() -> None:
    found = [pod("theirs", gpu="A100_80GB", day=1), pod("ours", day=2)]
    chosen = look_up(found, SPEC, "trainer").adopt
    assert chosen is not None and chosen.id == "ours"


def test_another_name_is_ignored() -> None:
    other = pod("x").model_copy(update={"name": "someone"})
    assert look_up([other], SPEC, "trainer") == look_up([], SPEC, "trainer")
