"""The Pod provider through the engine's protocol, against the emulator on loopback."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import dill
import grpc
import pytest
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import UNKNOWN

from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.provider import PodProvider
from tests.kit.harness import ProviderProcess, error_text
from tests.protocol.support import API_KEY, DELETE_SECONDS, INPUTS, checked, provider_config


def test_check_accepts_good_inputs_and_names_the_pod(provider: ProviderProcess) -> None:
    inputs = checked(provider)
    assert inputs["gpu_count"] == 1
    assert inputs["name"].startswith("trainer-") and len(inputs["name"]) == len("trainer-") + 7
    assert inputs["ready_timeout"] == 1800
    assert checked(provider)["name"] == inputs["name"], "a rerun must generate the same name"
    assert checked(provider, gpu_count=2)["name"] != inputs["name"]


def test_check_rejects_bad_inputs_per_property_and_calls_no_api(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    bad = {
        "gpu_count": 0,
        "socket": "SXM5",
        "provider_type": "runpod",
        "disk_size": -5,
        "security": "cheap_cloud",
        "env_vars": {"1BAD NAME": "x"},
        "ready_timeout": 0,
        "colour": "red",
        "gpu_count_typo": 3,
    }
    _, failures = provider.check(bad)
    by_prop = dict(failures)
    assert set(by_prop) == {
        "gpu_type",
        "gpu_count",
        "disk_size",
        "env_vars",
        "ready_timeout",
        "colour",
        "gpu_count_typo",
    }
    assert by_prop["gpu_type"] == "gpu_type is required"
    assert "greater than or equal to 1" in by_prop["gpu_count"]
    # A security tier the API does not list is only warned of (test_enum_warnings.py).
    assert "1BAD NAME" in by_prop["env_vars"]
    assert "not an input of Pod" in by_prop["colour"]
    _, failures = provider.check({**INPUTS, "gpu_count": 1.5})
    assert [p for p, _ in failures] == ["gpu_count"]
    assert sum(emulator.counts().values()) == 0


def test_check_tolerates_unknowns_during_preview(provider: ProviderProcess) -> None:
    inputs, failures = provider.check({**INPUTS, "cloud_id": UNKNOWN})
    assert failures == []
    assert inputs["cloud_id"] == UNKNOWN
    assert inputs["name"] == UNKNOWN


def test_whole_lifecycle(provider: ProviderProcess, emulator: EmulatorControl) -> None:
    inputs = checked(provider)
    pod_id, outs = provider.create(inputs)

    assert outs["pod_id"] == pod_id
    assert outs["status"] == "ACTIVE"
    assert outs["installation_progress"] == 100
    assert outs["ssh_connection"].startswith("root@")
    assert outs["ip"]
    assert outs["price_hr"] > 0
    assert outs["gpu_name"] == "H100_80GB"
    assert outs["name"] == inputs["name"]
    assert any(m["used_by"] == "SSH" for m in outs["port_mappings"])
    assert API_KEY not in repr(outs)
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]

    read_id, read_outs = provider.read(pod_id, outs)
    assert read_id == pod_id
    assert read_outs["ssh_connection"] == outs["ssh_connection"]
    assert read_outs["jupyter_password"] == "hunter2-jupyter"

    same = provider.diff(pod_id, outs, inputs)
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE

    # The same provider pickled differently (as another dill or Python version would).
    other_bytes = base64.b64encode(dill.dumps(PodProvider(), protocol=2)).decode()
    assert other_bytes != provider.serialized_provider
    provider_only = provider.diff(pod_id, outs, inputs, news_provider=other_bytes)
    assert provider_only.changes == provider_pb2.DiffResponse.DIFF_NONE

    in_place = provider.diff(pod_id, outs, {**inputs, "ready_timeout": 60})
    assert in_place.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(in_place.replaces) == []

    bigger = checked(provider, gpu_count=2)
    replace = provider.diff(pod_id, outs, bigger)
    assert replace.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert set(replace.replaces) == {"gpu_count", "name"}
    assert not replace.deleteBeforeReplace  # a new generated name: create first, then delete

    named = provider.diff(pod_id, outs, {**inputs, "image": "ubuntu_22_cuda_12"})
    assert list(named.replaces) == ["image"]
    assert named.deleteBeforeReplace  # same name: the old pod must go first

    unknown = provider.diff(pod_id, outs, {**inputs, "disk_size": UNKNOWN})
    assert unknown.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert "disk_size" in unknown.replaces

    updated = provider.update(pod_id, outs, {**inputs, "ready_timeout": 60})
    assert updated["ready_timeout"] == 60
    assert updated["ssh_connection"] == outs["ssh_connection"]
    assert updated["pod_id"] == pod_id
    assert emulator.counts().get("create_pod") == 1

    provider.delete(pod_id, updated)
    assert emulator.live_pods() == []
    provider.delete(pod_id, updated)  # deleting what is already gone is done, not an error


def test_read_of_a_pod_deleted_out_of_band_is_gone(
    provider: ProviderProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    pod_id, outs = provider.create(checked(provider))
    emulator.delete_pod(pod_id).raise_for_status()
    # While the service is still deleting it, the pod is on its way out: refresh drops it,
    # so that the next `up` makes a new one.
    assert [p["status"] for p in emulator.live_pods()] == ["DELETING"]
    assert provider.read(pod_id, outs) == ("", {})
    time.sleep(DELETE_SECONDS + 0.1)
    # The next `pulumi refresh` (a new provider process) finds it gone and drops it.
    rerun = ProviderProcess(tmp_path)
    try:
        rerun.configure(provider_config(emulator.base_url))
        read_id, read_outs = rerun.read(pod_id, outs)
    finally:
        rerun.close()
    assert read_id == ""
    assert read_outs == {}


def test_read_error_other_than_404_is_raised_not_taken_as_gone(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    pod_id, outs = provider.create(checked(provider))
    emulator.fault("*", "status", status=403, detail="key lacks read permission", times=20)
    with pytest.raises(grpc.RpcError) as info:
        provider.read(pod_id, outs)
    assert "key lacks read permission" in error_text(info.value)
    assert API_KEY not in error_text(info.value)
    emulator.reset()


@pytest.mark.parametrize(
    ("fate", "expected"),
    [
        ("install_failure", "installation failed: emulated install_failure"),
        ("error", "status is ERROR"),
    ],
)
def test_a_pod_that_fails_is_deleted_and_named(
    provider: ProviderProcess, emulator: EmulatorControl, fate: str, expected: str
) -> None:
    emulator.fates(fate)
    inputs = checked(provider)
    with pytest.raises(grpc.RpcError) as info:
        provider.create(inputs)
    text = error_text(info.value)
    last_line = text.strip().splitlines()[-1]
    assert inputs["name"] in last_line
    assert expected in last_line
    assert "nothing is left billing" in last_line
    assert emulator.live_pods() == []
    assert API_KEY not in text


def test_a_transient_installation_failure_is_waited_out(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fates("transient_install_failure")
    pod_id, outs = provider.create(checked(provider))
    assert outs["status"] == "ACTIVE"
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]


def test_a_pod_shared_with_its_team_is_posted_so_and_a_change_of_sharing_replaces_it(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked(provider, shared_with_team=True, team_member_ids=["user-a", "user-b"])
    pod_id, outs = provider.create(inputs)
    (held,) = [p for p in emulator.pods() if p["id"] == pod_id]
    assert (held["sharedWithTeam"], held["teamMemberIds"]) == (True, ["user-a", "user-b"])
    assert (outs["shared_with_team"], outs["team_member_ids"]) == (True, ["user-a", "user-b"])
    unshared = checked(provider, team_member_ids=["user-a", "user-b"])
    diff = provider.diff(pod_id, outs, unshared)
    # The generated name hashes the inputs, so the replacement gets a name of its own.
    assert sorted(diff.replaces) == ["name", "shared_with_team"]
    provider.delete(pod_id, outs)
    assert emulator.live_pods() == []


def test_a_pod_past_its_deadline_is_deleted(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fates("stuck")
    inputs = checked(provider, ready_timeout=1)
    with pytest.raises(grpc.RpcError) as info:
        provider.create(inputs)
    last_line = error_text(info.value).strip().splitlines()[-1]
    assert "not ready within 1 seconds" in last_line
    assert "PROVISIONING" in last_line
    assert emulator.live_pods() == []


def test_a_lost_create_response_yields_one_tracked_pod(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fault("create_pod", "drop_after")
    pod_id, outs = provider.create(checked(provider))
    assert emulator.counts()["create_pod"] == 1
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]
    assert outs["status"] == "ACTIVE"


def test_a_create_dropped_before_the_server_acted_leaves_nothing(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fault("create_pod", "drop")
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked(provider))
    assert "unknown outcome" in error_text(info.value)
    assert emulator.live_pods() == []


def test_a_pod_left_by_an_interrupted_run_is_adopted(
    provider: ProviderProcess, emulator: EmulatorControl, tmp_path: Path
) -> None:
    inputs = checked(provider)
    earlier = emulator.create_pod(inputs["name"], cloud_id=INPUTS["cloud_id"], socket="SXM5")
    # The next `pulumi up` is a new provider process.
    rerun = ProviderProcess(tmp_path)
    try:
        rerun.configure(provider_config(emulator.base_url))
        pod_id, _ = rerun.create(inputs)
    finally:
        rerun.close()
    assert pod_id == earlier["id"]
    assert emulator.counts()["create_pod"] == 1
    assert len(emulator.live_pods()) == 1


def test_adopt_pod_id_brings_an_existing_pod_under_management(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    existing = emulator.create_pod("by-hand", gpu_type="A100_80GB", gpu_count=2)
    inputs = checked(provider, adopt_pod_id=existing["id"])
    pod_id, outs = provider.create(inputs)
    assert pod_id == existing["id"]
    assert emulator.counts()["create_pod"] == 1
    provider.delete(pod_id, outs)
    assert emulator.live_pods() == []


def test_adopting_a_missing_pod_id_says_so(provider: ProviderProcess) -> None:
    with pytest.raises(grpc.RpcError) as info:
        provider.create(checked(provider, adopt_pod_id="no-such-pod"))
    assert "adopt_pod_id 'no-such-pod': no such pod" in error_text(info.value)
