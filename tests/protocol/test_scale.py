"""Many pods at once through the protocol: what the speed-ups rely on is pinned here.

The provider widens the SDK's 4-worker gRPC server from ``configure()`` and
shares one status poller among waiting creates (see ``prime_pulumi.core.worker_pool``
and ``prime_pulumi.core.shared_poller``). If a future SDK or grpc release takes the
widening away, the timing asserts below fail, loudly, with the numbers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fleet import checked_fleet, create_fleet, read_fleet
from tests.kit.harness import ProviderProcess, stack_config
from tests.kit.samples import SPEEDUPS_OFF
from tests.protocol.support import API_KEY, INPUTS, provisioning_takes

PROVISION = 1.0
FLEET = 16


@pytest.fixture
def slow_pods(emulator: EmulatorControl) -> Iterator[EmulatorControl]:
    with provisioning_takes(emulator, PROVISION) as slow:
        yield slow


def fleet_inputs(provider: ProviderProcess, count: int) -> list[dict[str, Any]]:
    return checked_fleet(provider, INPUTS, count, seed="o/p/s")


def create_all(provider: ProviderProcess, inputs: list[dict[str, Any]]) -> tuple[float, list[Any]]:
    """Sends every Create at once, as the engine does for independent resources."""
    started = time.monotonic()
    results = create_fleet(provider, inputs)
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
    for inputs in fleet_inputs(provider, 120):
        emulator.create_pod(inputs["name"], socket="SXM5")
    pods = emulator.live_pods()
    before = emulator.counts()
    reads = read_fleet(provider, [(p["id"], p["name"]) for p in pods], parallel=16)
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
            stack_config(
                emulator_server.base_url, API_KEY, {"prime:pollMaxSeconds": "0.1", **SPEEDUPS_OFF}
            )
        )
        wall, results = create_all(plain, fleet_inputs(plain, 8))
    finally:
        plain.close()
    assert wall / PROVISION >= 1.9, "8 pods on 4 workers must take at least two waves"
    assert len({pod_id for pod_id, _ in results}) == 8
    assert len(slow_pods.live_pods()) == 8
