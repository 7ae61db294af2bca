"""Pods from multi-node offers: ``sshConnection`` and ``ip`` as lists in node order."""

from __future__ import annotations

import httpx

from prime_pulumi.client.models import PodDetails
from prime_pulumi.emulator import EmulatorBackend
from prime_pulumi.emulator.pods.wire import WireCreatePodRequest
from tests.emulator.support import FakeClock

H100_2_NODES = "lambdalabs-h100-sxm5-16x-us-west-2"
H200_4_NODES = "hyperstack-h200-sxm5-32x-canada-1"


def multi_node(cloud_id: str, gpu_type: str, gpu_count: int) -> WireCreatePodRequest:
    return WireCreatePodRequest.model_validate(
        {
            "pod": {
                "cloudId": cloud_id,
                "gpuType": gpu_type,
                "socket": "SXM5",
                "gpuCount": gpu_count,
            },
            "provider": {"type": cloud_id.split("-", 1)[0]},
        }
    )


def test_each_node_gets_its_ssh_when_it_is_ready_in_node_order(
    backend: EmulatorBackend, clock: FakeClock
) -> None:
    pod = backend.create_pod(multi_node(H200_4_NODES, "H200_141GB", 32))
    # Before the pod is up, every node is listed, none with an address yet.
    assert (pod.ssh_connection, pod.ip) == ([None] * 4, [None] * 4)

    clock.advance(10)  # P: installation finished, the first node is ready
    first = backend.get_pod(pod.id)
    assert (first.status, first.installation_status) == ("ACTIVE", "FINISHED")
    assert first.ip == ["203.0.113.1", None, None, None]
    assert first.ssh_connection == ["root@203.0.113.1 -p 22", None, None, None]
    assert not PodDetails.model_validate(first.model_dump(by_alias=True)).is_ready

    clock.advance(2)  # P + 2 tenths of P: the third node too
    [status] = backend.pod_statuses([pod.id]).data
    assert status.ip == ["203.0.113.1", "198.51.100.1", "192.0.2.1", None]

    clock.advance(1)  # every node is ready, and the client sees a ready pod
    ready = backend.get_pod(pod.id)
    ips = ["203.0.113.1", "198.51.100.1", "192.0.2.1", "203.0.113.2"]
    assert ready.ip == ips
    assert ready.ssh_connection == [f"root@{ip} -p 22" for ip in ips]
    read = PodDetails.model_validate(ready.model_dump(by_alias=True))
    assert read.is_ready
    assert (read.ssh_connection, read.ip) == ("root@203.0.113.1 -p 22", "203.0.113.1")
    assert read.ips == ips


def test_a_pod_of_two_nodes_and_a_single_node_pod_beside_it(backend: EmulatorBackend) -> None:
    backend.provision_seconds = 0.0
    pod = backend.create_pod(multi_node(H100_2_NODES, "H100_80GB", 16))
    single = backend.create_pod(multi_node("lambdalabs-h100-sxm5-8x-us-east-1", "H100_80GB", 8))
    assert pod.ip == ["203.0.113.1", "198.51.100.1"]
    assert pod.price_hr == 38.24
    assert single.ip == "203.0.113.2"  # one node: a string, as before


def test_a_deleted_multi_node_pod_keeps_the_nodes_that_were_ready(
    clock: FakeClock,
) -> None:
    backend = EmulatorBackend(provision_seconds=10.0, delete_seconds=60.0, clock=clock)
    pod = backend.create_pod(multi_node(H100_2_NODES, "H100_80GB", 16))
    clock.advance(10)  # the first node only
    backend.delete_pod(pod.id)
    clock.advance(30)
    deleting = backend.get_pod(pod.id)
    assert (deleting.status, deleting.ip) == ("DELETING", ["203.0.113.1", None])


def test_the_wire_shows_lists_over_http(api: httpx.Client) -> None:
    body = multi_node(H100_2_NODES, "H100_80GB", 16).model_dump(by_alias=True, exclude_none=True)
    created = api.post("/api/v1/pods/", json=body)
    assert created.status_code == 200, created.text
    got = api.get(f"/api/v1/pods/{created.json()['id']}").json()
    assert got["ip"] == ["203.0.113.1", "198.51.100.1"]
    assert got["sshConnection"] == ["root@203.0.113.1 -p 22", "root@198.51.100.1 -p 22"]
