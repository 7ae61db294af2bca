"""Disks in the backend, without HTTP: the lifecycle on a fake clock, fates, renames, deletes,
attachment to pods and its rules, and reset.
"""

from __future__ import annotations

from typing import Any

import pytest

from prime_pulumi.emulator import DiskFate, EmulatorBackend
from prime_pulumi.emulator.disks.wire import (
    WireCreateDiskRequest,
    WireDisk,
    WireUpdateDiskRequest,
)
from prime_pulumi.emulator.errors import (
    ConflictError,
    RequestInvalidError,
    RequestRefusedError,
    UnknownResourceError,
)
from prime_pulumi.emulator.pods.wire import WireCreatePodRequest
from tests.emulator.support import OFFER_BODY, FakeClock

#: The data center of the catalogue offer OFFER_BODY makes pods from.
KS = "US-KS-2"


def disk_request(size: int = 100, provider: str = "runpod", **disk: Any) -> WireCreateDiskRequest:
    """A create body for a disk of ``size`` GB; by default in US-KS-2, beside OFFER_BODY's pods."""
    spec = {"size": size, "dataCenterId": KS, **disk}
    return WireCreateDiskRequest.model_validate({"disk": spec, "provider": {"type": provider}})


def pod_request(*disks: str, **pod: Any) -> WireCreatePodRequest:
    """OFFER_BODY (a runpod pod in US-KS-2) with ``disks``, and ``pod`` fields overridden."""
    body = {**OFFER_BODY, "pod": {**OFFER_BODY["pod"], **pod}, "disks": list(disks)}
    return WireCreatePodRequest.model_validate(body)


def active_disk(backend: EmulatorBackend, clock: FakeClock, **disk: Any) -> WireDisk:
    """A disk made and waited for until ACTIVE."""
    made = backend.create_disk(disk_request(**disk))
    clock.advance(backend.disk_provision_seconds)
    ready = backend.get_disk(made.id)
    assert ready.status == "ACTIVE"
    return ready


# --- lifecycle -------------------------------------------------------------------------


def test_a_disk_is_provisioning_then_active(backend: EmulatorBackend, clock: FakeClock) -> None:
    assert backend.disk_provision_seconds == 2.0
    created = backend.create_disk(disk_request(name="data"))
    assert (created.status, created.name, created.size, created.pods) == (
        "PROVISIONING",
        "data",
        100,
        [],
    )
    assert created.updated_at == created.created_at
    assert created.terminated_at is None

    clock.advance(1.99)
    assert backend.get_disk(created.id).status == "PROVISIONING"
    clock.advance(0.01)
    active = backend.get_disk(created.id)
    assert active.status == "ACTIVE"
    assert active.updated_at > created.updated_at  # it moves when the status changes
    assert active.created_at == created.created_at
    clock.advance(1000)
    assert backend.get_disk(created.id) == active


def test_provision_time_in_force_at_the_create_applies(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    slow = backend.create_disk(disk_request())
    backend.disk_provision_seconds = 0
    fast = backend.create_disk(disk_request())
    assert fast.status == "ACTIVE"
    assert backend.get_disk(slow.id).status == "PROVISIONING"
    with pytest.raises(ValueError, match="disk_provision_seconds must be >= 0"):
        backend.disk_provision_seconds = -1
    with pytest.raises(ValueError, match="disk_delete_seconds must be >= 0"):
        EmulatorBackend(disk_delete_seconds=-1)


def test_a_deleted_disk_is_deleting_for_the_delete_time_then_gone(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    disk = active_disk(backend, clock)
    backend.disk_delete_seconds = 30
    assert backend.delete_disk(disk.id).status == "DELETING"
    backend.disk_delete_seconds = 0  # the time in force at the DELETE applies

    clock.advance(29.99)
    deleting = backend.get_disk(disk.id)
    assert deleting.status == "DELETING"
    assert deleting.terminated_at is None
    assert [d.status for d in backend.list_disks().data] == ["DELETING"]
    # A second DELETE answers the same and does not extend the window.
    assert backend.delete_disk(disk.id).status == "DELETING"

    clock.advance(0.01)
    with pytest.raises(UnknownResourceError, match=f"Disk {disk.id} not found"):
        backend.get_disk(disk.id)
    with pytest.raises(UnknownResourceError):
        backend.delete_disk(disk.id)
    with pytest.raises(UnknownResourceError):
        backend.update_disk(disk.id, WireUpdateDiskRequest(name="late"))
    assert backend.list_disks().total_count == 0
    [held] = backend.all_disks()
    assert (held.id, held.status, held.fate) == (disk.id, "TERMINATED", "ok")
    assert held.terminated_at is not None
    assert held.terminated_at == held.updated_at


def test_zero_delete_time_removes_the_disk_at_once(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    disk = backend.create_disk(disk_request())  # still PROVISIONING: it may be deleted
    assert backend.delete_seconds == backend.disk_delete_seconds == 0
    assert backend.delete_disk(disk.id).status == "TERMINATED"
    with pytest.raises(UnknownResourceError):
        backend.delete_disk(disk.id)
    assert [d.status for d in backend.all_disks()] == ["TERMINATED"]


def test_disk_fates_are_taken_in_order_then_default_to_ok(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    assert backend.queue_disk_fates([DiskFate(kind="error"), "stuck"]) == 2
    disks = [backend.create_disk(disk_request()) for _ in range(3)]
    assert [d.status for d in disks] == ["PROVISIONING"] * 3
    clock.advance(10_000)
    assert [backend.get_disk(d.id).status for d in disks] == ["ERROR", "PROVISIONING", "ACTIVE"]
    assert [d.fate for d in backend.all_disks()] == ["error", "stuck", "ok"]
    assert backend.delete_disk(disks[0].id).status == "TERMINATED"  # a failed disk is cleaned up


def test_rename_changes_only_the_name(backend: EmulatorBackend, clock: FakeClock) -> None:
    disk = active_disk(backend, clock, name="before")
    clock.advance(60)
    renamed = backend.update_disk(disk.id, WireUpdateDiskRequest(name="after"))
    assert renamed.name == "after"
    assert renamed.updated_at > disk.updated_at
    unchanged = {"name", "updated_at"}
    assert renamed.model_dump(exclude=unchanged) == disk.model_dump(exclude=unchanged)
    assert backend.get_disk(disk.id) == renamed
    with pytest.raises(UnknownResourceError, match="Disk nope not found"):
        backend.update_disk("nope", WireUpdateDiskRequest(name="x"))


def test_price_location_and_owner_come_from_the_offer_and_request(
    backend: EmulatorBackend,
) -> None:
    body = {
        "disk": {"size": 500, "cloudId": "datacrunch-disk-fin-01"},
        "provider": {"type": "datacrunch"},
        "team": {"teamId": "team-7"},
    }
    disk = backend.create_disk(WireCreateDiskRequest.model_validate(body))
    assert disk.price_hr == disk.stopped_price_hr == pytest.approx(500 * 0.00008)
    assert disk.info.model_dump() == {
        "country": "FI",
        "dataCenterId": "FIN-01",
        "cloudId": "datacrunch-disk-fin-01",
        "isMultinode": False,
    }
    assert (disk.provider_type, disk.team_id, disk.user_id) == (
        "datacrunch",
        "team-7",
        backend.user_id,
    )
    assert disk.name == f"disk-{disk.id[:8]}"  # a disk made without a name gets one


@pytest.mark.parametrize(
    ("provider", "disk", "data_center"),
    [
        ("runpod", {"dataCenterId": "EU-RO-1"}, "EU-RO-1"),
        ("runpod", {"dataCenterId": None, "country": "RO"}, "EU-RO-1"),
        ("runpod", {"dataCenterId": None}, "EU-RO-1"),  # the provider's first offer
        ("hyperstack", {"dataCenterId": None, "cloudId": "hyperstack-disk-norway-1"}, "NORWAY-1"),
    ],
)
def test_a_create_is_placed_by_what_it_names(
    backend: EmulatorBackend, provider: str, disk: dict[str, Any], data_center: str
) -> None:
    made = backend.create_disk(disk_request(provider=provider, **disk))
    assert made.info.data_center_id == data_center


@pytest.mark.parametrize(
    ("request_", "error", "detail"),
    [
        pytest.param(
            disk_request(dataCenterId="MARS-1"),
            RequestInvalidError,
            "No disk offer of provider runpod with dataCenterId MARS-1",
            id="no-offer",
        ),
        pytest.param(
            disk_request(provider="hyperstack"),  # hyperstack has no disks in US-KS-2
            RequestInvalidError,
            "No disk offer of provider hyperstack",
            id="other-provider",
        ),
        pytest.param(
            disk_request(provider="massedcompute", dataCenterId="us-central-1"),
            ConflictError,
            "out of stock",
            id="out-of-stock",
        ),
        pytest.param(
            disk_request(size=4001),
            RequestInvalidError,
            "Size 4001 GB is outside the disk offer of runpod in US-KS-2: 1 to 4000 GB",
            id="too-large",
        ),
    ],
)
def test_a_refused_create_makes_no_disk(
    backend: EmulatorBackend,
    request_: WireCreateDiskRequest,
    error: type[Exception],
    detail: str,
) -> None:
    with pytest.raises(error, match=detail):
        backend.create_disk(request_)
    assert backend.all_disks() == []
    assert backend.create_disk(disk_request(size=4000)).size == 4000  # the largest there is


# --- attachment ------------------------------------------------------------------------


def test_a_pod_made_with_disks_mounts_them_and_they_list_it(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    first, second = active_disk(backend, clock, size=10), active_disk(backend, clock, size=20)
    pod = backend.create_pod(pod_request(first.id, second.id, first.id))  # each once
    assert [r.model_dump(by_alias=True) for r in pod.attached_resources] == [
        {
            "resourceType": "DISK",
            "id": disk.id,
            "status": "MOUNTED",
            "isDetachable": False,
            "mountPath": "/workspace",
            "resourcePath": f"/dev/disk/by-id/{disk.remote_id}",
            "size": disk.size,
        }
        for disk in (first, second)
    ]
    assert backend.get_disk(first.id).pods == backend.get_disk(second.id).pods == [pod.id]
    # Several pods may share a disk.
    other = backend.create_pod(pod_request(first.id))
    assert backend.get_disk(first.id).pods == [pod.id, other.id]
    assert backend.get_disk(second.id).pods == [pod.id]


def test_a_pod_holds_its_disks_until_it_is_terminated(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    disk = active_disk(backend, clock)
    pod = backend.create_pod(pod_request(disk.id))
    backend.delete_seconds = 10

    with pytest.raises(ConflictError, match=f"Disk {disk.id} is attached to pod {pod.id}"):
        backend.delete_disk(disk.id)
    backend.delete_pod(pod.id)
    clock.advance(9.99)  # DELETING: the pod still holds the disk
    assert backend.get_disk(disk.id).pods == [pod.id]
    with pytest.raises(ConflictError, match="delete the pod first"):
        backend.delete_disk(disk.id)
    assert backend.get_disk(disk.id).status == "ACTIVE"

    clock.advance(0.01)  # terminated
    assert backend.get_disk(disk.id).pods == []
    assert backend.delete_disk(disk.id).status == "TERMINATED"


@pytest.mark.parametrize(
    "fate", [DiskFate(kind="stuck"), DiskFate(kind="error")], ids=["stuck", "error"]
)
def test_a_disk_not_active_is_refused_with_409(
    backend: EmulatorBackend, clock: FakeClock, fate: DiskFate
) -> None:
    fresh = backend.create_disk(disk_request())
    with pytest.raises(ConflictError, match=f"Disk {fresh.id} is PROVISIONING"):
        backend.create_pod(pod_request(fresh.id))
    backend.queue_disk_fates([fate])
    failed = backend.create_disk(disk_request())
    clock.advance(backend.disk_provision_seconds)
    status = "ERROR" if fate.kind == "error" else "PROVISIONING"
    with pytest.raises(ConflictError, match=f"Disk {failed.id} is {status}"):
        backend.create_pod(pod_request(failed.id))
    backend.disk_delete_seconds = 5
    backend.delete_disk(fresh.id)
    with pytest.raises(ConflictError, match=f"Disk {fresh.id} is DELETING"):
        backend.create_pod(pod_request(fresh.id))
    assert backend.all_pods() == []


def test_an_unknown_or_gone_disk_is_refused_with_404(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    disk = active_disk(backend, clock)
    with pytest.raises(UnknownResourceError, match="Disk nope not found"):
        backend.create_pod(pod_request(disk.id, "nope"))
    backend.delete_disk(disk.id)
    with pytest.raises(UnknownResourceError, match=f"Disk {disk.id} not found"):
        backend.create_pod(pod_request(disk.id))
    assert backend.all_pods() == []
    assert [d.pods for d in backend.all_disks()] == [[]]  # the refused creates attached nothing


def test_a_disk_in_another_data_center_is_refused_with_400(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    ro = active_disk(backend, clock, dataCenterId="EU-RO-1")
    with pytest.raises(RequestRefusedError) as refused:
        backend.create_pod(pod_request(ro.id))
    assert str(refused.value) == (
        f"Disk {ro.id} is in data center EU-RO-1, not in US-KS-2 where the pod would run: "
        "no pod was created; choose an offer in EU-RO-1"
    )
    # A pod from an offer in the disk's data center mounts it.
    rtx = {"cloudId": "runpod-rtx4090-pcie-1x-eu-ro-1", "gpuType": "RTX4090_24GB"}
    assert backend.create_pod(pod_request(ro.id, **rtx)).attached_resources[0].id == ro.id
    # A cloudId that is no offer places the pod by its dataCenterId, or nowhere.
    with pytest.raises(RequestRefusedError, match="not in FIN-01"):
        backend.create_pod(pod_request(ro.id, cloudId="none", dataCenterId="FIN-01"))
    assert backend.create_pod(pod_request(ro.id, cloudId="none")).attached_resources
    assert len(backend.get_disk(ro.id).pods) == 2


# --- reset -----------------------------------------------------------------------------


def test_reset_forgets_disks_and_disk_fates_and_keeps_disk_timing(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    backend.disk_provision_seconds, backend.disk_delete_seconds = 7, 8
    first = backend.create_disk(disk_request()).id
    backend.queue_disk_fates(["error"])
    offers = backend.disk_availability()
    backend.reset()
    assert backend.all_disks() == []
    assert backend.list_disks().total_count == 0
    assert backend.queue_disk_fates([]) == 0
    assert (backend.disk_provision_seconds, backend.disk_delete_seconds) == (7, 8)
    assert backend.disk_availability() == offers
    assert backend.create_disk(disk_request()).id == first  # ids restart from the seed
