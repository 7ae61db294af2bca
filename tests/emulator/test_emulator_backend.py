"""The backend without HTTP: lifecycle on a fake clock, fates, history, faults, controls."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from prime_pulumi.emulator import EmulatorBackend, Fate, Fault, PodFailure, WireCluster
from prime_pulumi.emulator.disks.wire import WireCreateDiskRequest
from prime_pulumi.emulator.errors import (
    ForbiddenError,
    InvalidApiKeyError,
    NotAuthenticatedError,
    RequestRefusedError,
    UnknownResourceError,
)
from prime_pulumi.emulator.pods.wire import NodeValue, WireCreatePodRequest, WirePod
from tests.emulator.support import OFFER_BODY, FakeClock


def request(**pod: Any) -> WireCreatePodRequest:
    """The catalogue offer's create body, with ``pod`` fields overridden."""
    body = {**OFFER_BODY, "pod": {**OFFER_BODY["pod"], **pod}}
    return WireCreatePodRequest.model_validate(body)


def phase(pod: WirePod) -> tuple[str, str, int, str | None, NodeValue]:
    return (
        pod.status,
        pod.installation_status,
        pod.installation_progress,
        pod.installation_failure,
        pod.ssh_connection,
    )


def test_lifecycle_of_a_pod_follows_the_clock(backend: EmulatorBackend, clock: FakeClock) -> None:
    created = backend.create_pod(request())
    assert phase(created) == ("PROVISIONING", "PENDING", 0, None, None)
    assert created.ip is None
    assert created.prime_port_mapping == []

    clock.advance(4.99)  # just before P/2
    assert phase(backend.get_pod(created.id)) == ("PROVISIONING", "PENDING", 0, None, None)

    clock.advance(0.01)  # P/2: the machine is up, installation starts
    installing = backend.get_pod(created.id)
    assert phase(installing) == ("ACTIVE", "ACTIVE", 1, None, None)
    assert installing.ip is None

    clock.advance(2.5)  # 3P/4: half-way through installation
    assert backend.get_pod(created.id).installation_progress == 50

    clock.advance(2.49)  # just before P
    assert phase(backend.get_pod(created.id)) == ("ACTIVE", "ACTIVE", 99, None, None)

    clock.advance(0.01)  # P: ready
    ready = backend.get_pod(created.id)
    assert phase(ready) == ("ACTIVE", "FINISHED", 100, None, "root@203.0.113.1 -p 22")
    assert ready.ip == "203.0.113.1"
    assert [(p.internal, p.external, p.used_by) for p in ready.prime_port_mapping] == [
        ("22", "22", "SSH")
    ]
    # updatedAt moves when the phase changes, createdAt never does.
    assert ready.created_at == created.created_at
    assert ready.updated_at > created.updated_at


def test_zero_provision_time_means_ready_at_once(backend: EmulatorBackend) -> None:
    backend.provision_seconds = 0
    pod = backend.create_pod(request())
    assert phase(pod) == ("ACTIVE", "FINISHED", 100, None, "root@203.0.113.1 -p 22")


def test_provision_time_applies_to_pods_created_afterwards(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    slow = backend.create_pod(request())
    backend.provision_seconds = 0
    fast = backend.create_pod(request())
    assert backend.get_pod(slow.id).status == "PROVISIONING"
    assert backend.get_pod(fast.id).installation_status == "FINISHED"
    with pytest.raises(ValueError, match="must be >= 0"):
        backend.provision_seconds = -1


def test_install_failure_fate_never_becomes_ready(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    backend.queue_fates([Fate(kind="install_failure", message="image pull failed")])
    pod = backend.create_pod(request())
    clock.advance(4.9)
    assert phase(backend.get_pod(pod.id)) == ("PROVISIONING", "PENDING", 0, None, None)
    clock.advance(0.1)
    failed = ("ACTIVE", "ERROR", 1, "image pull failed", None)
    assert phase(backend.get_pod(pod.id)) == failed
    clock.advance(1000)
    assert phase(backend.get_pod(pod.id)) == failed


def test_transient_install_failure_clears_then_becomes_ready(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    backend.queue_fates(["transient_install_failure"])
    pod = backend.create_pod(request())
    clock.advance(5)
    first = backend.get_pod(pod.id)
    assert (first.status, first.installation_failure) == ("ACTIVE", "Installation failed, retrying")
    clock.advance(2.49)
    assert backend.get_pod(pod.id).installation_failure is not None
    clock.advance(0.01)  # 3P/4: the retry succeeded
    retried = backend.get_pod(pod.id)
    assert (retried.installation_status, retried.installation_failure) == ("ACTIVE", None)
    clock.advance(2.5)
    assert phase(backend.get_pod(pod.id)) == (
        "ACTIVE",
        "FINISHED",
        100,
        None,
        "root@203.0.113.1 -p 22",
    )


def test_error_fate_turns_the_pod_to_error(backend: EmulatorBackend, clock: FakeClock) -> None:
    backend.queue_fates([Fate(kind="error", message="host lost")])
    pod = backend.create_pod(request())
    clock.advance(5)
    errored = backend.get_pod(pod.id)
    assert (errored.status, errored.installation_failure, errored.ssh_connection) == (
        "ERROR",
        "host lost",
        None,
    )
    clock.advance(100)
    assert backend.get_pod(pod.id).status == "ERROR"


def test_stuck_fate_stays_provisioning(backend: EmulatorBackend, clock: FakeClock) -> None:
    backend.queue_fates(["stuck"])
    pod = backend.create_pod(request())
    clock.advance(10_000)
    assert phase(backend.get_pod(pod.id)) == ("PROVISIONING", "PENDING", 0, None, None)


def test_fates_are_taken_in_order_then_default_to_ok(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    assert backend.queue_fates(["error", "stuck"]) == 2
    pods = [backend.create_pod(request()) for _ in range(3)]
    clock.advance(10)
    assert [backend.get_pod(p.id).status for p in pods] == ["ERROR", "PROVISIONING", "ACTIVE"]
    assert [p.fate for p in backend.all_pods()] == ["error", "stuck", "ok"]


def test_out_of_band_failure_freezes_progress(backend: EmulatorBackend, clock: FakeClock) -> None:
    pod = backend.create_pod(request())
    clock.advance(7.5)
    failed = backend.fail_pod(pod.id, PodFailure(kind="install_failure", message="disk full"))
    assert (failed.installation_status, failed.installation_progress) == ("ERROR", 50)
    clock.advance(100)
    assert phase(backend.get_pod(pod.id)) == ("ACTIVE", "ERROR", 50, "disk full", None)
    backend.fail_pod(pod.id, PodFailure(kind="error"))
    assert backend.get_pod(pod.id).status == "ERROR"
    with pytest.raises(UnknownResourceError):
        backend.fail_pod("missing", PodFailure(kind="error"))


def seconds_between(start: str, end: str) -> float:
    """The seconds from one API timestamp to another."""
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def test_delete_moves_the_pod_to_history_with_its_bill(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    assert backend.delete_seconds == 0.0  # by default a DELETE terminates at once
    pod = backend.create_pod(request())
    clock.advance(1800)
    assert backend.delete_pod(pod.id).status == "TERMINATED"

    with pytest.raises(UnknownResourceError, match=f"Pod {pod.id} not found"):
        backend.get_pod(pod.id)
    with pytest.raises(UnknownResourceError):
        backend.delete_pod(pod.id)
    assert backend.list_pods().total_count == 0
    assert backend.pod_statuses([pod.id]).data == []

    history = backend.pod_history()
    assert history.total_count == 1
    entry = history.data[0]
    assert (entry.id, entry.name, entry.gpu_name, entry.price_hr) == (
        pod.id,
        "trainer",
        "H100_80GB",
        1.99,
    )
    assert entry.total_billed_price == pytest.approx(1.99 / 2)
    assert (entry.user_id, entry.team_id) == (backend.user_id, None)
    [held] = backend.all_pods()
    assert (held.status, held.terminated_at) == ("TERMINATED", entry.terminated_at)


def test_deleted_pod_is_deleting_for_the_delete_time_then_terminated(
    clock: FakeClock,
) -> None:
    backend = EmulatorBackend(provision_seconds=10.0, delete_seconds=60.0, clock=clock)
    assert backend.delete_seconds == 60.0
    pod = backend.create_pod(request())
    clock.advance(8)  # installing, progress 60
    assert backend.delete_pod(pod.id).status == "TERMINATED"

    deleting = ("DELETING", "ACTIVE", 60, None, None)
    clock.advance(30)  # past P: without the deletion it would be ready by now
    got = backend.get_pod(pod.id)
    assert phase(got) == deleting
    assert seconds_between(got.created_at, got.updated_at) == 8  # the DELETE
    assert [phase(p) for p in backend.list_pods().data] == [deleting]
    [status] = backend.pod_statuses([pod.id]).data
    assert (status.status, status.installation_progress, status.ssh_connection) == (
        "DELETING",
        60,
        None,
    )
    assert backend.pod_history().total_count == 0
    [held] = backend.all_pods()
    assert (held.status, held.terminated_at) == ("DELETING", None)

    clock.advance(29.99)  # just before the end of the window
    assert phase(backend.get_pod(pod.id)) == deleting

    clock.advance(0.01)  # the end of the window: terminated
    with pytest.raises(UnknownResourceError, match=f"Pod {pod.id} not found"):
        backend.get_pod(pod.id)
    with pytest.raises(UnknownResourceError):
        backend.delete_pod(pod.id)
    assert backend.list_pods().total_count == 0
    assert backend.pod_statuses([pod.id]).data == []
    [entry] = backend.pod_history().data
    assert seconds_between(pod.created_at, entry.terminated_at) == 68  # 8 s up, 60 s deleting
    assert entry.total_billed_price == round(1.99 * 68 / 3600, 6)
    [held] = backend.all_pods()
    assert (held.status, held.terminated_at) == ("TERMINATED", entry.terminated_at)


def test_second_delete_while_deleting_answers_the_same_and_keeps_the_window(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    backend.provision_seconds = 0
    backend.delete_seconds = 10
    pod = backend.create_pod(request())
    backend.delete_pod(pod.id)
    clock.advance(5)
    assert backend.delete_pod(pod.id).status == "TERMINATED"
    # A ready pod keeps its SSH connection and IP while it is being deleted.
    deleting = backend.get_pod(pod.id)
    assert phase(deleting) == ("DELETING", "FINISHED", 100, None, "root@203.0.113.1 -p 22")
    assert deleting.ip == "203.0.113.1"
    with pytest.raises(RequestRefusedError, match="being deleted"):
        backend.fail_pod(pod.id, PodFailure(kind="error"))

    clock.advance(5)  # 10 s after the first DELETE: the second one did not extend it
    with pytest.raises(UnknownResourceError):
        backend.get_pod(pod.id)
    [entry] = backend.pod_history().data
    assert seconds_between(pod.created_at, entry.terminated_at) == 10


def test_delete_time_in_force_at_the_delete_applies(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    slow, fast, _ = (backend.create_pod(request(name=n)) for n in ("slow", "fast", "later"))
    backend.delete_seconds = 10
    backend.delete_pod(slow.id)
    backend.delete_seconds = 0
    backend.delete_pod(fast.id)
    assert [p.name for p in backend.list_pods().data] == ["slow", "later"]
    assert [e.name for e in backend.pod_history().data] == ["fast"]

    backend.delete_seconds = 100
    clock.advance(10)
    assert [p.name for p in backend.list_pods().data] == ["later"]
    assert [e.name for e in backend.pod_history().data] == ["slow", "fast"]
    with pytest.raises(ValueError, match="delete_seconds must be >= 0"):
        backend.delete_seconds = -1
    with pytest.raises(ValueError, match="delete_seconds must be >= 0"):
        EmulatorBackend(delete_seconds=-0.5)


def test_history_sorts_and_pages(backend: EmulatorBackend, clock: FakeClock) -> None:
    pods = [backend.create_pod(request(name=f"p{i}")) for i in range(3)]
    for pod in reversed(pods):  # terminated in the opposite order of creation
        clock.advance(60)
        backend.delete_pod(pod.id)

    def names(**kwargs: Any) -> list[str]:
        return [entry.name for entry in backend.pod_history(**kwargs).data]

    assert names() == ["p0", "p1", "p2"]  # most recently terminated first
    assert names(sort_by="createdAt", sort_order="asc") == ["p0", "p1", "p2"]
    assert names(sort_by="createdAt", sort_order="desc") == ["p2", "p1", "p0"]
    assert names(sort_by="terminatedAt", sort_order="asc") == ["p2", "p1", "p0"]
    assert names(offset=1, limit=1) == ["p1"]


def test_list_and_status_of_active_pods(backend: EmulatorBackend) -> None:
    pods = [backend.create_pod(request(name=f"p{i}")) for i in range(5)]
    page = backend.list_pods(offset=1, limit=2)
    assert (page.total_count, page.offset, page.limit) == (5, 1, 2)
    assert [p.name for p in page.data] == ["p1", "p2"]

    statuses = backend.pod_statuses([pods[3].id, "unknown", pods[0].id, pods[3].id])
    assert [s.pod_id for s in statuses.data] == [pods[3].id, pods[0].id]
    assert statuses.data[0].cost_per_hr == statuses.data[0].price_hr == 1.99


def test_prices_come_from_the_offer_or_a_default(backend: EmulatorBackend) -> None:
    assert backend.create_pod(request()).price_hr == 1.99  # the offer's community price
    scaled = backend.create_pod(request(cloudId="lambdalabs-a100-sxm4-8x-us-east-1", gpuCount=2))
    assert scaled.price_hr == pytest.approx(14.32 / 4)
    unknown = backend.create_pod(request(cloudId="not-in-the-catalogue", gpuCount=3))
    assert unknown.price_hr == 4.5


def test_max_price_below_the_price_is_refused(backend: EmulatorBackend) -> None:
    with pytest.raises(RequestRefusedError, match="maxPrice"):
        backend.create_pod(request(maxPrice=1.0))
    assert backend.all_pods() == []
    assert backend.create_pod(request(maxPrice=1.99)).price_hr == 1.99


def test_create_copies_the_request(backend: EmulatorBackend, clock: FakeClock) -> None:
    disk = backend.create_disk(
        WireCreateDiskRequest.model_validate(
            {"disk": {"size": 50, "dataCenterId": "US-KS-2"}, "provider": {"type": "runpod"}}
        )
    )
    clock.advance(backend.disk_provision_seconds)
    body = {
        **OFFER_BODY,
        "pod": {
            **OFFER_BODY["pod"],
            "image": "cuda_12_4_pytorch_2_5",
            "diskSize": 500,
            "vcpus": 16,
            "memory": 128,
            "jupyterPassword": "secret",
            "customTemplateId": "tmpl-1",
            "autoRestart": True,
        },
        "disks": [disk.id],
        "team": {"teamId": "team-42"},
    }
    backend.provision_seconds = 0
    pod = backend.create_pod(WireCreatePodRequest.model_validate(body))
    assert (pod.team_id, pod.environment_type, pod.custom_template_id) == (
        "team-42",
        "cuda_12_4_pytorch_2_5",
        "tmpl-1",
    )
    assert (pod.resources.disk, pod.resources.vcpus, pod.resources.memory) == (500, 16, 128)
    assert (pod.jupyter_password, pod.auto_restart) == ("secret", True)
    assert [(r.id, r.resource_type) for r in pod.attached_resources] == [(disk.id, "DISK")]
    assert [p.used_by for p in pod.prime_port_mapping] == ["SSH", "JUPYTER_NOTEBOOK"]


def test_ids_are_deterministic_per_seed_and_restart_on_reset(clock: FakeClock) -> None:
    def ids(backend: EmulatorBackend) -> list[str]:
        return [backend.create_pod(request()).id for _ in range(3)]

    first, second = EmulatorBackend(seed=7, clock=clock), EmulatorBackend(seed=7, clock=clock)
    first_ids = ids(first)
    assert first_ids == ids(second)
    assert len(set(first_ids)) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in first_ids)
    assert ids(EmulatorBackend(seed=8, clock=clock)) != first_ids
    first.reset()
    assert ids(first) == first_ids


def test_authentication(clock: FakeClock) -> None:
    backend = EmulatorBackend(api_keys=["user-key"], admin_keys=["admin-key"], clock=clock)
    backend.authenticate("user-key")
    backend.authenticate("admin-key")  # admin keys are normal keys too
    backend.authenticate("admin-key", admin=True)
    with pytest.raises(NotAuthenticatedError):
        backend.authenticate(None)
    with pytest.raises(InvalidApiKeyError):
        backend.authenticate("prime-emulator-key")  # the default is not accepted any more
    with pytest.raises(ForbiddenError):
        backend.authenticate("user-key", admin=True)


def test_faults_are_consumed_in_order_per_route(backend: EmulatorBackend) -> None:
    first = backend.add_fault(Fault(route="get_pod", action="status", status=429, times=2))
    backend.add_fault(Fault(route="*", action="drop"))
    backend.add_fault(Fault(route="get_pod", action="delay", delay=0.1))

    def take(route: Any) -> str | None:
        fault = backend.intercept(route)
        return None if fault is None else fault.action

    assert [p.times for p in backend.pending_faults()] == [2, 1, 1]
    assert backend.pending_faults()[0].id == first
    assert take("get_pod") == "status"
    assert [p.times for p in backend.pending_faults()] == [1, 1, 1]
    assert take("list_pods") == "drop"  # the wildcard matches any route
    assert take("get_pod") == "status"
    assert take("get_pod") == "delay"
    assert take("get_pod") is None
    assert backend.pending_faults() == []
    counts = backend.request_counts()
    assert (counts.counts["get_pod"], counts.counts["list_pods"], counts.total) == (4, 1, 5)

    backend.add_fault(Fault(route="create_pod", action="drop"))
    assert backend.clear_faults() == 1
    assert backend.intercept("create_pod") is None


def test_reset_forgets_state_but_keeps_keys_and_timing(backend: EmulatorBackend) -> None:
    backend.provision_seconds = 3
    backend.delete_seconds = 7
    backend.create_pod(request())
    backend.queue_fates(["stuck"])
    backend.add_fault(Fault(route="*", action="drop"))
    backend.intercept("list_pods")
    backend.add_cluster(WireCluster(id="c-1"))

    backend.reset()

    assert backend.all_pods() == []
    assert backend.pending_faults() == []
    assert backend.request_counts().total == 0
    with pytest.raises(UnknownResourceError):
        backend.get_cluster("c-1")
    assert (backend.provision_seconds, backend.delete_seconds) == (3, 7)
    backend.authenticate("prime-emulator-key")
    assert backend.create_pod(request()).status == "PROVISIONING"  # fate "stuck" was dropped
    assert backend.all_pods()[0].fate == "ok"


def test_clusters_get_ids_when_posted_without(backend: EmulatorBackend) -> None:
    stored = backend.add_cluster(WireCluster(name="no-id"))
    assert len(stored.id) == 32
    envelope = backend.get_cluster(stored.id)
    assert (envelope.status, envelope.data.name) == ("success", "no-id")
    with pytest.raises(UnknownResourceError, match="Cluster nope not found"):
        backend.get_cluster("nope")


def test_availability_filters_and_pages(backend: EmulatorBackend) -> None:
    everything = backend.availability()
    assert everything.total_count == len(everything.items) == 15
    assert {o.gpu_type for o in backend.availability(gpu_type="H100_80GB").items} == {"H100_80GB"}
    assert {o.gpu_count for o in backend.availability(gpu_count=8).items} == {8}
    eu = backend.availability(regions=["eu_north", "eu_east"]).items
    assert {o.country for o in eu} == {"FI", "NO", "RO"}
    page = backend.availability(page=2, page_size=3)
    assert (page.total_count, [o.cloud_id for o in page.items]) == (
        15,
        [o.cloud_id for o in everything.items[3:6]],
    )
    multi = backend.availability(multi_node=True)
    assert multi.total_count == 4
    assert all(o.gpu_count > 8 for o in multi.items)
    legacy = backend.legacy_availability()
    assert sorted(legacy) == ["A100_80GB", "H100_80GB", "H200_141GB", "L40S_48GB", "RTX4090_24GB"]
    assert sum(len(v) for v in legacy.values()) == 15
