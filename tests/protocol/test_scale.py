"""Many pods at once through the protocol: what the speed-ups rely on is pinned here.

The provider widens the SDK's 4-worker gRPC server from ``configure()`` and
shares one status poller among waiting creates (see ``prime_pulumi.worker_pool``
and ``prime_pulumi.status_hub``). If a future SDK or grpc release takes the
widening away, the timing asserts below fail, loudly, with the numbers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.protocol.conftest import API_KEY, EmulatorControl
from tests.protocol.harness import ProviderProcess, secret
from tests.protocol.test_pod_lifecycle import INPUTS

PROVISION = 1.0
FLEET = 16


@pytest.fixture
def slow_pods(emulator: EmulatorControl) -> Iterator[EmulatorControl]:
    emulator.http.post("/_emulator/config", json={"provision_seconds": PROVISION})
    yield emulator
    emulator.http.post("/_emulator/config", json={"provision_seconds": 0.3})


def fleet_inputs(provider: ProviderProcess, count: int) -> list[dict[str, Any]]:
    inputs = []
    for i in range(count):
        checked, failures = provider.check({**INPUTS, "auto_name_seed": f"o/p/s/node-{i}"})
        assert failures == []
        inputs.append(checked)
    return inputs


def create_all(provider: ProviderProcess, inputs: list[dict[str, Any]]) -> tuple[float, list[Any]]:
    """Sends every Create at once, as the engine does for independent resources."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(inputs)) as pool:
        results = list(
            pool.map(lambda i: provider.create(i[1], name=f"n{i[0]}"), enumerate(inputs))
        )
    return time.monotonic() - started, results


def test_a_fleet_provisions_in_about_the_time_of_one_pod(
    provider: ProviderProcess, slow_pods: EmulatorControl
) -> None:
    inputs = fleet_inputs(provider, FLEET)
    before = slow_pods.counts()
    with ThreadPoolExecutor(max_workers=1) as side:
        wall_future = side.submit(create_all, provider, inputs)
        time.sleep(0.3)  # the creates are waiting on their pods now
        started = time.monotonic()
        _, failures = provider.check(INPUTS)
        check_latency = time.monotonic() - started
        wall, results = wall_future.result()
    assert failures == []
    ratio = wall / PROVISION
    assert ratio < 2.0, (
        f"{FLEET} pods took {wall:.2f}s = {ratio:.1f}x one pod's provisioning; the provider "
        "server's worker bound was not raised (a plain dynamic provider takes about 4x)"
    )
    assert check_latency < 0.5, f"a Check waited {check_latency:.2f}s behind the creates"
    assert len({pod_id for pod_id, _ in results}) == FLEET
    after = slow_pods.counts()
    status_requests = after["pod_status"] - before["pod_status"]
    # One request per poll round (the poll cap is 0.1 s here) for all pods together;
    # polling per pod would send about FLEET times as many.
    rounds = wall / 0.1
    assert status_requests <= rounds + 5, (
        f"{status_requests} status requests in {wall:.2f}s for {FLEET} pods: polling is not shared"
    )


def test_a_refresh_of_many_pods_costs_a_few_listings(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = fleet_inputs(provider, 120)
    with emulator.api() as api:
        for checked in inputs:
            body = {
                "pod": {
                    "name": checked["name"],
                    "cloudId": "c",
                    "gpuType": "H100_80GB",
                    "socket": "SXM5",
                    "gpuCount": 1,
                },
                "provider": {"type": "runpod"},
            }
            api.post("/api/v1/pods/", json=body).raise_for_status()
    pods = emulator.live_pods()
    before = emulator.counts()
    with ThreadPoolExecutor(max_workers=16) as pool:
        reads = list(pool.map(lambda p: provider.read(p["id"], {"name": p["name"]}), pods))
    after = emulator.counts()
    assert [read_id for read_id, _ in reads] == [p["id"] for p in pods]
    assert after["get_pod"] - before["get_pod"] == 0
    assert after["list_pods"] - before["list_pods"] <= 4  # 120 pods: 2 pages, maybe listed twice


def test_with_the_speed_ups_off_the_provider_is_slower_but_correct(
    emulator_server: Any, slow_pods: EmulatorControl, tmp_path: Path
) -> None:
    plain = ProviderProcess(tmp_path)
    try:
        plain.configure(
            {
                "prime:apiKey": secret(API_KEY),
                "prime:baseUrl": emulator_server.base_url,
                "prime:pollMaxSeconds": "0.1",
                "prime:workerThreads": "0",
                "prime:sharedPolling": "false",
                "prime:batchReads": "false",
            }
        )
        wall, results = create_all(plain, fleet_inputs(plain, 8))
    finally:
        plain.close()
    assert wall / PROVISION >= 1.9, "8 pods on 4 workers must take at least two waves"
    assert len({pod_id for pod_id, _ in results}) == 8
    assert len(slow_pods.live_pods()) == 8
