"""The Disk provider through the engine's protocol, against the emulator on loopback.

The disks are driven through the same provider process as the pods
(``ProviderProcess.for_disks``), as the engine does: one process serves both.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import UNKNOWN

from prime_pulumi.core.properties import CHOSEN_KEY
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.harness import ProviderProcess, error_text
from tests.protocol.support import API_KEY, DELETE_SECONDS, DISK_DELETE_SECONDS, provider_config

#: A runpod disk in US-KS-2, where the catalogue's runpod 1x H100 PCIe pods run.
DISK: dict[str, Any] = {
    "size": 100.0,  # numbers arrive as floats
    "provider_type": "runpod",
    "data_center_id": "US-KS-2",
    "auto_name_seed": "org/protocol/test/data",
}


@pytest.fixture
def disks(provider: ProviderProcess) -> ProviderProcess:
    """The provider process of the module, driven as the engine drives a ``Disk``."""
    return provider.for_disks()


def checked_disk(disks: ProviderProcess, **changes: Any) -> dict[str, Any]:
    inputs, failures = disks.check({**DISK, **changes}, name="data")
    assert failures == []
    return inputs


def live_disk_ids(emulator: EmulatorControl) -> list[str]:
    return [d["id"] for d in emulator.live_disks()]


def test_check_rejects_bad_inputs_per_property_and_calls_no_api(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    for size in (0, -5):
        _, failures = disks.check({**DISK, "size": size})
        assert [p for p, _ in failures] == ["size"]
        assert "greater than or equal to 1" in failures[0][1]
    _, failures = disks.check(
        {"provider_type": "runpod", "regions": ["europe_west"], "colour": "red", "size_gb": 5}
    )
    by_prop = dict(failures)
    # A region the API does not list is only warned of (test_enum_warnings.py).
    assert set(by_prop) == {"size", "colour", "size_gb"}
    assert by_prop["size"] == "size is required"
    assert "not an input of Disk" in by_prop["colour"]
    assert "ready_timeout" in by_prop["colour"], "the error lists the inputs"
    _, failures = disks.check({**DISK, "name": "x" * 256})
    assert [p for p, _ in failures] == ["name"]
    assert sum(emulator.counts().values()) == 0


def test_check_names_the_disk_from_what_makes_it(disks: ProviderProcess) -> None:
    inputs = checked_disk(disks)
    assert inputs["size"] == 100
    assert inputs["name"].startswith("data-") and len(inputs["name"]) == len("data-") + 7
    assert checked_disk(disks)["name"] == inputs["name"], "a rerun must generate the same name"
    assert checked_disk(disks, size=200)["name"] != inputs["name"]
    assert checked_disk(disks, ready_timeout=30)["name"] == inputs["name"]
    preview, failures = disks.check({**DISK, "size": UNKNOWN})
    assert failures == [] and preview["name"] == UNKNOWN


def test_create_waits_until_active_then_read_and_diff_see_no_change(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked_disk(disks)
    disk_id, outs = disks.create(inputs, name="data")

    assert outs["disk_id"] == disk_id
    assert outs["status"] == "ACTIVE"
    assert (outs["name"], outs["size"]) == (inputs["name"], 100)
    assert (outs["provider_type"], outs["data_center_id"]) == ("runpod", "US-KS-2")
    assert outs["price_hr"] == pytest.approx(100 * 0.00007)
    assert outs["pods"] == []
    assert outs["created_at"]
    assert API_KEY not in repr(outs)
    assert live_disk_ids(emulator) == [disk_id]
    assert emulator.counts()["create_disk"] == 1
    assert emulator.counts()["get_disk"] >= 2, "it polled until ACTIVE"

    read_id, read_outs = disks.read(disk_id, outs, name="data")
    assert read_id == disk_id
    assert {k: read_outs[k] for k in outs} == outs

    same = disks.diff(disk_id, outs, inputs, name="data")
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE


def test_a_new_name_renames_in_place(disks: ProviderProcess, emulator: EmulatorControl) -> None:
    inputs = checked_disk(disks)
    disk_id, outs = disks.create(inputs, name="data")
    renamed = checked_disk(disks, name="datasets")

    diff = disks.diff(disk_id, outs, renamed, name="data")
    assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(diff.replaces) == []

    updated = disks.update(disk_id, outs, renamed, name="data")
    assert updated["name"] == "datasets"
    assert updated["disk_id"] == disk_id and updated["size"] == 100
    assert [(d["id"], d["name"]) for d in emulator.live_disks()] == [(disk_id, "datasets")]
    assert emulator.counts()["create_disk"] == 1
    assert disks.diff(disk_id, updated, renamed, name="data").changes == (
        provider_pb2.DiffResponse.DIFF_NONE
    )


def test_a_new_size_or_place_replaces_the_disk(disks: ProviderProcess) -> None:
    inputs = checked_disk(disks)
    disk_id, outs = disks.create(inputs, name="data")

    bigger = disks.diff(disk_id, outs, checked_disk(disks, size=200), name="data")
    assert set(bigger.replaces) == {"size"}
    assert not bigger.deleteBeforeReplace, "a new generated name: create first, then delete"

    moved = disks.diff(disk_id, outs, checked_disk(disks, data_center_id="EU-RO-1"), name="data")
    assert set(moved.replaces) == {"data_center_id"}

    named = {**outs, "name": "datasets"}
    same_name = disks.diff(disk_id, named, {**inputs, "name": "datasets", "size": 300})
    assert list(same_name.replaces) == ["size"]
    assert same_name.deleteBeforeReplace, "same name: the old disk must go first"


def test_a_disk_deleted_elsewhere_is_dropped_by_read(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    disk_id, outs = disks.create(checked_disk(disks), name="data")
    emulator.set_timing(disk_delete_seconds=1.0)
    try:
        assert emulator.delete_disk(disk_id).status_code == 200
        assert emulator.live_disks()[0]["status"] == "DELETING"
        assert disks.read(disk_id, outs, name="data") == ("", {}), "DELETING is gone"
    finally:
        emulator.set_timing(disk_delete_seconds=DISK_DELETE_SECONDS)
    disks.delete(disk_id, outs, name="data")  # still DELETING: it waits until it is gone
    assert disks.read(disk_id, outs, name="data") == ("", {}), "a 404 is gone"
    assert live_disk_ids(emulator) == []


def test_delete_waits_until_gone_and_a_second_delete_is_done(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    disk_id, outs = disks.create(checked_disk(disks), name="data")
    disks.delete(disk_id, outs, name="data")
    assert live_disk_ids(emulator) == [], "destroy returned only once the disk was gone"
    disks.delete(disk_id, outs, name="data")
    assert emulator.counts()["delete_disk"] == 2


def test_a_lost_create_answer_is_found_by_name_and_never_posted_twice(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fault("create_disk", "drop_after")
    inputs = checked_disk(disks)
    disk_id, outs = disks.create(inputs, name="data")
    assert outs["status"] == "ACTIVE" and outs["name"] == inputs["name"]
    assert emulator.counts()["create_disk"] == 1
    assert live_disk_ids(emulator) == [disk_id]


def test_a_disk_an_interrupted_run_made_is_adopted(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked_disk(disks)
    made = emulator.create_disk(inputs["name"], 100)
    disk_id, outs = disks.create(inputs, name="data")
    assert disk_id == made["id"] and outs["status"] == "ACTIVE"
    assert emulator.counts()["create_disk"] == 1, "only the interrupted run's own post"


def test_a_name_held_by_another_disk_is_refused_and_nothing_is_made(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    other = emulator.create_disk("datasets", 500)
    with pytest.raises(grpc.RpcError) as info:
        disks.create(checked_disk(disks, name="datasets"), name="data")
    text = error_text(info.value)
    assert text.startswith("prime_pulumi.DiskError: Disk 'datasets': a disk of that name")
    assert "500 GB, not 100" in text and "\n" not in text.strip()
    assert live_disk_ids(emulator) == [other["id"]]


@pytest.mark.parametrize(
    ("fate", "settings", "reached"),
    [
        ("error", {}, "did not become ACTIVE: it failed; it reached ERROR."),
        ("stuck", {"ready_timeout": 0.6}, "within 0.6 seconds"),
    ],
)
def test_a_disk_that_fails_is_deleted_before_the_error(
    disks: ProviderProcess,
    emulator: EmulatorControl,
    fate: str,
    settings: dict[str, Any],
    reached: str,
) -> None:
    emulator.disk_fates(fate)
    with pytest.raises(grpc.RpcError) as info:
        disks.create(checked_disk(disks, **settings), name="data")
    text = error_text(info.value).strip()
    assert text.startswith("prime_pulumi.DiskProvisioningError: Disk 'data-")
    assert reached in text
    assert text.endswith("It was deleted, so nothing is left billing.")
    assert "\n" not in text
    assert live_disk_ids(emulator) == []
    assert emulator.counts()["delete_disk"] == 1


def test_a_disk_by_regions_takes_the_cheapest_offer_that_holds_it(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked_disk(
        disks, provider_type=None, data_center_id=None, regions=["united_states"], size=3000
    )
    inputs = {k: v for k, v in inputs.items() if v is not None}
    disk_id, outs = disks.create(inputs, name="data")
    # massedcompute (cheapest) is out of stock; runpod US-KS-2 holds up to 4000 GB.
    assert (outs["provider_type"], outs["data_center_id"], outs["country"]) == (
        "runpod",
        "US-KS-2",
        "US",
    )
    assert outs[CHOSEN_KEY] == ["country", "data_center_id", "provider_type"]
    assert disks.diff(disk_id, outs, inputs, name="data").changes == (
        provider_pb2.DiffResponse.DIFF_NONE
    ), "what the create chose was never declared"

    too_big = checked_disk(
        disks, provider_type=None, data_center_id=None, regions=["united_states"], size=50000
    )
    with pytest.raises(grpc.RpcError) as info:
        disks.create({k: v for k, v in too_big.items() if v is not None}, name="data")
    text = error_text(info.value).strip()
    assert "no in-stock disk offer in regions united_states can hold 50000 GB" in text
    assert text.endswith("Nothing was posted.")
    assert live_disk_ids(emulator) == [disk_id]


def test_a_disk_a_live_pod_uses_is_not_deleted(emulator: EmulatorControl, tmp_path: Path) -> None:
    # A provider of its own, whose delete gives up after a second, not five.
    process = ProviderProcess(tmp_path)
    try:
        process.configure(provider_config(emulator.base_url, **{"prime:deleteTimeoutSeconds": "1"}))
        disks = process.for_disks()
        disk_id, outs = disks.create(checked_disk(disks), name="data")
        pod = emulator.create_pod("by-hand", disks=[disk_id])
        with pytest.raises(grpc.RpcError) as info:
            disks.delete(disk_id, outs, name="data")
    finally:
        process.close()
    text = error_text(info.value).strip()
    assert text.startswith(f"prime_pulumi.DiskCleanupError: disk {disk_id} is still attached to")
    assert f"pod {pod['id']}, which is not being deleted" in text and "\n" not in text
    assert live_disk_ids(emulator) == [disk_id]


def test_a_disk_is_deleted_once_the_pods_that_used_it_are_gone(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    disk_id, outs = disks.create(checked_disk(disks), name="data")
    going = emulator.create_pod("going", disks=[disk_id])
    starting = emulator.create_pod("starting", disks=[disk_id])
    emulator.set_timing(delete_seconds=1.0)
    try:
        assert emulator.delete_pod(going["id"]).status_code == 200  # DELETING for a second
        # The other pod's delete starts a moment after the disk's, as in a destroy whose
        # pods took raw disk ids (no dependency between them).
        later = threading.Timer(0.3, emulator.delete_pod, args=(starting["id"],))
        later.start()
        disks.delete(disk_id, outs, name="data")
        later.join()
    finally:
        emulator.set_timing(delete_seconds=DELETE_SECONDS)
    assert live_disk_ids(emulator) == []
    assert emulator.counts()["delete_disk"] >= 2, "the 409 was tried again"


def test_a_disk_adopted_by_name_is_no_change_on_the_next_up(
    disks: ProviderProcess, emulator: EmulatorControl
) -> None:
    by_regions = {"size": 100.0, "regions": ["united_states"], "auto_name_seed": "o/p/s/data"}
    inputs, _ = disks.check(by_regions, name="data")
    # An interrupted run made it: this create never saw the offer it came from.
    made = emulator.create_disk(inputs["name"], 100, data_center_id="US-KS-2")
    disk_id, outs = disks.create(inputs, name="data")
    assert disk_id == made["id"] and outs["provider_type"] == "runpod"
    assert outs[CHOSEN_KEY] == ["provider_type"]
    same = disks.diff(disk_id, outs, inputs, name="data")
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE, list(same.replaces)


def test_declaring_the_place_a_disk_was_given_never_replaces_it(
    disks: ProviderProcess,
) -> None:
    by_regions = {"size": 100.0, "regions": ["united_states"], "auto_name_seed": "o/p/s/data"}
    inputs, _ = disks.check(by_regions, name="data")
    disk_id, outs = disks.create(inputs, name="data")
    declared, _ = disks.check({**by_regions, "data_center_id": outs["data_center_id"]}, name="data")
    diff = disks.diff(disk_id, outs, declared, name="data")
    assert list(diff.replaces) == [], "the same place: no new, empty disk"
    moved, _ = disks.check({**by_regions, "data_center_id": "us-east-1"}, name="data")
    assert list(disks.diff(disk_id, outs, moved, name="data").replaces) == ["data_center_id"]
