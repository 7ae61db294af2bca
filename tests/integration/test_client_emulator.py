"""Every client call against the emulator on loopback, errors included."""

from __future__ import annotations

import time
from typing import Any

import pytest

from prime_pulumi import (
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CreateOutcomeUnknownError,
    CreatePodRequest,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    PodSpec,
    PrimeClient,
    ProviderSpec,
    RateLimitError,
    UnprocessableEntityError,
)
from prime_pulumi.client import APIStatusError, GpuPriceSummary
from prime_pulumi.emulator import DEFAULT_ADMIN_KEY, DEFAULT_API_KEY, WireCluster
from tests.integration.support import Waits

OFFER = "runpod-h100-pcie-1x-us-ks-2"


def request(name: str | None = "trainer", **pod: Any) -> CreatePodRequest:
    spec = {"cloud_id": OFFER, "gpu_type": "H100_80GB", "socket": "PCIe", "gpu_count": 1} | pod
    return CreatePodRequest(
        pod=PodSpec.model_validate({"name": name, **spec}), provider=ProviderSpec(type="runpod")
    )


def live_pods(prime_emulator: Any) -> list[Any]:
    return [p for p in prime_emulator.backend.all_pods() if p.status != "TERMINATED"]


def test_a_pod_from_create_to_history(client: PrimeClient, prime_emulator: Any) -> None:
    created = client.create_pod(request())
    assert created.status in ("PROVISIONING", "PENDING")
    assert created.name == "trainer"
    deadline = time.monotonic() + 5
    while not (status := client.get_pod_statuses([created.id])[0]).is_ready:
        assert time.monotonic() < deadline, "the pod never became ready"
        time.sleep(0.05)
    assert status.ssh_connection is not None
    assert any(m.used_by == "SSH" for m in status.port_mappings)
    pod = client.get_pod(created.id)
    assert status.price_hr == pod.price_hr
    assert pod.price_hr is not None
    assert pod.price_hr > 0
    assert pod.is_ready
    assert pod.gpu_name == "H100_80GB"
    assert [p.id for p in client.list_pods()] == [created.id]
    assert client.delete_pod(created.id) is True
    with pytest.raises(NotFoundError):
        client.get_pod(created.id)
    assert client.delete_pod(created.id, missing_ok=True) is False
    (entry,) = client.list_pod_history()
    assert entry.id == created.id
    assert entry.terminated_at is not None
    assert entry.total_billed_price is not None


def test_a_pod_s_log_and_its_sharing_through_the_client(
    client: PrimeClient, prime_emulator: Any
) -> None:
    shared = request().model_copy(update={"shared_with_team": True, "team_member_ids": ["u-1"]})
    created = client.create_pod(shared)
    deadline = time.monotonic() + 5
    while not client.get_pod(created.id).is_ready:
        assert time.monotonic() < deadline, "the pod never became ready"
        time.sleep(0.05)
    lines = client.pod_logs(created.id)
    assert lines[0].message.startswith("pod trainer created: 1x H100_80GB PCIe from runpod")
    assert lines[-1].message == f"pod ready: ssh {client.get_pod(created.id).ssh_connection}"
    assert all(line.timestamp is not None for line in lines)
    assert client.pod_logs(created.id, tail=2) == lines[-2:]
    (held,) = prime_emulator.backend.all_pods()
    assert (held.shared_with_team, held.team_member_ids) == (True, ["u-1"])
    client.delete_pod(created.id)
    with pytest.raises(NotFoundError):
        client.pod_logs(created.id)


def test_status_of_many_pods_in_one_call(client: PrimeClient, prime_emulator: Any) -> None:
    ids = [client.create_pod(request(f"p{i}")).id for i in range(3)]
    before = prime_emulator.backend.request_counts().counts["pod_status"]
    statuses = client.get_pod_statuses([*ids, "no-such-pod"])
    assert sorted(s.pod_id for s in statuses) == sorted(ids)
    assert prime_emulator.backend.request_counts().counts["pod_status"] == before + 1


def test_pagination_past_one_page(client: PrimeClient) -> None:
    ids = [client.create_pod(request(f"p{i}")).id for i in range(5)]
    assert [p.id for p in client.list_pods(page_size=2)] == ids
    for pod_id in ids[:3]:
        client.delete_pod(pod_id)
    history = client.list_pod_history(page_size=2)
    assert sorted(h.id for h in history) == sorted(ids[:3])
    assert [p.id for p in client.list_pods(page_size=1)] == ids[3:]


def test_find_pods_by_name(client: PrimeClient) -> None:
    wanted = client.create_pod(request("wanted"))
    client.create_pod(request("other"))
    assert [p.id for p in client.find_pods_by_name("wanted")] == [wanted.id]
    assert client.find_pods_by_name("nobody") == []


def test_gpu_availability_every_page_and_filters(client: PrimeClient) -> None:
    everything = client.list_gpu_availability(page_size=3)
    assert len(everything) > 3
    assert len({o.cloud_id for o in everything}) == len(everything)
    h100 = client.list_gpu_availability(gpu_type="H100_80GB")
    assert h100
    assert all(o.gpu_type == "H100_80GB" for o in h100)
    multi = client.list_gpu_availability(multi_node=True)
    assert multi
    assert {o.cloud_id for o in multi}.isdisjoint({o.cloud_id for o in everything})


def test_admin_cluster_200_403_401_404(prime_emulator: Any) -> None:
    cluster = prime_emulator.backend.add_cluster(
        WireCluster.model_validate({"name": "c", "nodes": [{"id": "n1", "connections": [{}]}]})
    )
    url = prime_emulator.base_url
    with PrimeClient(DEFAULT_ADMIN_KEY, base_url=url) as admin:
        got = admin.get_cluster(cluster.id)
        assert got.id == cluster.id
        assert got.name == "c"
        assert len(got.nodes[0].connections) == 1
        with pytest.raises(NotFoundError):
            admin.get_cluster("no-such-cluster")
    with PrimeClient(DEFAULT_API_KEY, base_url=url) as plain, pytest.raises(PermissionDeniedError):
        plain.get_cluster(cluster.id)
    with PrimeClient("not-a-key", base_url=url) as nobody, pytest.raises(AuthenticationError):
        nobody.get_cluster(cluster.id)


def test_bad_create_bodies_are_422_with_the_field(client: PrimeClient) -> None:
    with pytest.raises(UnprocessableEntityError, match="gpuCount"):
        client._request(
            "POST",
            "/api/v1/pods/",
            retryable=lambda e: False,
            json={
                "pod": {"cloudId": OFFER, "gpuType": "H100_80GB", "socket": "PCIe", "gpuCount": 0},
                "provider": {"type": "runpod"},
            },
        )
    with pytest.raises(UnprocessableEntityError, match="colour"):
        client._request(
            "POST",
            "/api/v1/pods/",
            retryable=lambda e: False,
            json={
                "pod": {
                    "cloudId": OFFER,
                    "gpuType": "H100_80GB",
                    "socket": "PCIe",
                    "gpuCount": 1,
                    "colour": "red",
                },
                "provider": {"type": "runpod"},
            },
        )


def test_a_max_price_below_the_offer_is_400(client: PrimeClient, prime_emulator: Any) -> None:
    with pytest.raises(BadRequestError):
        client.create_pod(request(max_price=0.5))
    assert live_pods(prime_emulator) == []


@pytest.mark.parametrize(
    ("status", "cls"),
    [(402, PaymentRequiredError), (409, ConflictError), (404, NotFoundError)],
)
def test_error_statuses_from_the_server(
    client: PrimeClient, prime_emulator: Any, status: int, cls: type[APIStatusError]
) -> None:
    from prime_pulumi.emulator import Fault

    prime_emulator.backend.add_fault(
        Fault.model_validate(
            {
                "route": "create_pod",
                "action": "status",
                "status": status,
                "detail": f"emulated {status}",
            }
        )
    )
    with pytest.raises(cls, match=f"emulated {status}"):
        client.create_pod(request())
    assert live_pods(prime_emulator) == []


def test_429_is_retried_after_the_servers_retry_after(
    client: PrimeClient, prime_emulator: Any, waits: Waits
) -> None:
    from prime_pulumi.emulator import Fault

    prime_emulator.backend.add_fault(
        Fault.model_validate(
            {"route": "list_pods", "action": "status", "status": 429, "retry_after": 7}
        )
    )
    assert client.list_pods() == []
    assert waits.waits == [7.0]
    assert prime_emulator.backend.request_counts().counts["list_pods"] == 2


def test_a_rate_limited_create_is_retried_and_makes_one_pod(
    client: PrimeClient, prime_emulator: Any, waits: Waits
) -> None:
    from prime_pulumi.emulator import Fault

    prime_emulator.backend.add_fault(
        Fault.model_validate(
            {"route": "create_pod", "action": "status", "status": 429, "retry_after": 2, "times": 2}
        )
    )
    client.create_pod(request())
    assert waits.waits == [2.0, 2.0]
    assert len(live_pods(prime_emulator)) == 1


def test_persistent_5xx_is_an_internal_server_error(
    client: PrimeClient, prime_emulator: Any
) -> None:
    from prime_pulumi.emulator import Fault

    prime_emulator.backend.add_fault(
        Fault.model_validate({"route": "get_pod", "action": "status", "status": 503, "times": 100})
    )
    with pytest.raises(InternalServerError):
        client.get_pod("x")


def test_rate_limit_that_never_clears(client: PrimeClient, prime_emulator: Any) -> None:
    from prime_pulumi.emulator import Fault

    prime_emulator.backend.add_fault(
        Fault.model_validate({"route": "get_pod", "action": "status", "status": 429, "times": 100})
    )
    with pytest.raises(RateLimitError):
        client.get_pod("x")


def test_a_lost_create_response_never_yields_two_pods(
    client: PrimeClient, prime_emulator: Any
) -> None:
    from prime_pulumi.emulator import Fault

    prime_emulator.backend.add_fault(
        Fault.model_validate({"route": "create_pod", "action": "drop_after"})
    )
    with pytest.raises(CreateOutcomeUnknownError) as info:
        client.create_pod(request("lost-answer"))
    assert info.value.request_sent is True
    # The server made it; the client neither posted again nor took a pod as its own.
    assert [p.name for p in live_pods(prime_emulator)] == ["lost-answer"]
    assert prime_emulator.backend.request_counts().counts["create_pod"] == 1


def test_a_slow_create_times_out_and_is_not_reposted(prime_emulator: Any) -> None:
    from prime_pulumi.emulator import Fault

    prime_emulator.backend.add_fault(
        Fault.model_validate({"route": "create_pod", "action": "delay", "delay": 0.6})
    )
    with PrimeClient(DEFAULT_API_KEY, base_url=prime_emulator.base_url, timeout=0.3) as client:
        with pytest.raises(Exception) as info:  # noqa: PT011 - which one depends on the race
            client.create_pod(request("slow"))
        # Nothing reposted; the pod the slow server makes is the caller's to find.
        assert type(info.value).__name__ == "CreateOutcomeUnknownError"
        assert isinstance(info.value.__cause__, APITimeoutError)
        time.sleep(0.5)
        assert len(client.find_pods_by_name("slow")) == 1
    assert prime_emulator.backend.request_counts().counts["create_pod"] == 1


def test_the_key_is_in_no_error_from_the_emulator(prime_emulator: Any) -> None:
    key = "pk-never-print-me-0123456789"
    with PrimeClient(key, base_url=prime_emulator.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            client.list_pods()
    assert key not in str(info.value)
    assert key not in repr(info.value)


def test_an_image_outside_the_documents_enum_is_one_line_naming_the_field(
    client: PrimeClient, prime_emulator: Any
) -> None:
    with pytest.raises(UnprocessableEntityError) as refused:
        client.create_pod(request(image="ubuntu_99"))
    message = str(refused.value)
    # The document's {"errors": [{"param", "details"}]}, flattened to "param: details".
    assert "\n" not in message
    assert "pod.image: Input should be 'ubuntu_22_cuda_12'" in message
    assert message.endswith("or 'prime_rl' (got 'ubuntu_99')")
    assert live_pods(prime_emulator) == []


def test_the_gpu_summary_has_the_cheapest_prices_by_type_and_count(client: PrimeClient) -> None:
    single = client.get_gpu_summary()
    assert single["H100_80GB"]["1"] == GpuPriceSummary(
        on_demand=2.19, community_price=1.89, spot_price=None
    )
    assert single["RTX4090_24GB"]["2"].spot_price == 0.58
    multi = client.get_gpu_summary(multi_node=True)
    assert {gpu: sorted(counts) for gpu, counts in multi.items()} == {
        "H100_80GB": ["16", "32"],
        "H200_141GB": ["16", "32"],
    }
