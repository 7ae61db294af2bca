"""Many operations at once in one provider process, with faults in the middle of them.

Each test here reproduces a failure a review found in a fleet (issue 8): a short
outage of the status endpoint, a second configure while creates run, a lost
create answer that adopted someone else's pod, pods on their way out.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import dill
import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.provider import PodProvider
from tests.kit.fleet import checked_fleet, create_fleet
from tests.kit.harness import ProviderProcess, error_text, to_struct
from tests.protocol.support import (
    DELETE_SECONDS,
    INPUTS,
    checked,
    provider_config,
    provisioning_takes,
)

#: Quick retries, so that one call's six attempts are used up in a fraction of a second.
QUICK_RETRIES = {"prime:retryBackoffSeconds": "0.02"}


@contextmanager
def provider_process(workdir: Path, base_url: str, **extra: str) -> Iterator[ProviderProcess]:
    """A provider process of its own, so that no other test's listings or settings leak in."""
    process = ProviderProcess(workdir)
    try:
        process.configure(provider_config(base_url, **QUICK_RETRIES, **extra))
        yield process
    finally:
        process.close()


def create_while(
    emulator: EmulatorControl,
    provider: ProviderProcess,
    fleet: list[dict[str, Any]],
    meanwhile: Callable[[], object],
) -> list[tuple[str, dict[str, Any]]]:
    """Sends every Create at once and, once all their pods exist, does ``meanwhile``."""
    with ThreadPoolExecutor(max_workers=1) as side:
        created = side.submit(create_fleet, provider, fleet)
        deadline = time.monotonic() + 10
        while len(emulator.live_pods()) < len(fleet):  # the creates wait on their pods now
            assert time.monotonic() < deadline, f"only {len(emulator.live_pods())} pods"
            time.sleep(0.05)
        meanwhile()
        return created.result(timeout=60)


def test_a_short_status_outage_does_not_wipe_a_fleet(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    with (
        provisioning_takes(emulator, 1.5),
        provider_process(tmp_path, emulator.base_url) as provider,
    ):
        fleet = checked_fleet(provider, INPUTS, 8, seed="o/p/outage")
        # More 503s in a row than one status call's six attempts.
        outage = partial(emulator.fault, "pod_status", "status", status=503, times=8)
        results = create_while(emulator, provider, fleet, outage)
    assert len({pod_id for pod_id, _ in results}) == 8
    live = {p["id"] for p in emulator.live_pods()}
    assert live == {pod_id for pod_id, _ in results}, "a blip of the status endpoint cost pods"
    assert all(outs["ssh_connection"] for _, outs in results)


def test_a_ready_pod_is_kept_when_its_last_read_fails(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    with provider_process(tmp_path, emulator.base_url) as provider:
        inputs = checked(provider)
        # Creating touches get_pod only once the pod is ready: to read it whole.
        emulator.fault("get_pod", "status", status=503, times=6)
        pod_id, outs = provider.create(inputs)
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]
    assert outs["status"] == "ACTIVE"
    assert outs["ssh_connection"]


def test_a_second_configure_while_creating_leaks_nothing(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    def older_pickle_arrives() -> None:
        # A resource whose provider was pickled elsewhere (another dill, Python or
        # prime-pulumi) arrives: the SDK configures that pickle too, mid-run.
        other = base64.b64encode(dill.dumps(PodProvider(), protocol=3)).decode()
        assert other != provider.serialized_provider
        request = provider_pb2.CheckRequest(
            urn="urn:pulumi:test::protocol::pulumi-python:dynamic/prime:Pod::older",
            olds=to_struct({"__provider": other}),
            news=to_struct({**INPUTS, "__provider": other}),
        )
        assert not provider.stub.Check(request).failures

    with (
        provisioning_takes(emulator, 1.5),
        provider_process(tmp_path, emulator.base_url) as provider,
    ):
        fleet = checked_fleet(provider, INPUTS, 3, seed="o/p/reconfigure")
        results = create_while(emulator, provider, fleet, older_pickle_arrives)
    assert {p["id"] for p in emulator.live_pods()} == {pod_id for pod_id, _ in results}
    assert len(results) == 3


def test_a_lost_create_never_adopts_someone_elses_pod(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    with provider_process(tmp_path, emulator.base_url) as provider:
        first_id, _ = provider.create(checked(provider, auto_name_seed="o/p/s/first"))
        # Someone makes a pod called "shared" by hand, after this process listed the pods.
        theirs = emulator.create_pod("shared", gpu_type="A100_80GB")
        inputs = checked(provider, name="shared")
        emulator.fault("create_pod", "drop")  # our create never happens; its answer is lost
        with pytest.raises(grpc.RpcError) as info:
            provider.create(inputs)
    last = error_text(info.value).strip().splitlines()[-1]
    assert last.startswith("prime_pulumi.PodNameTakenError: "), last
    assert "shared" in last and theirs["id"] in last
    live = {p["id"]: p for p in emulator.live_pods()}
    assert set(live) == {first_id, theirs["id"]}, "their pod stays theirs, and nothing else is made"


def test_refresh_drops_a_pod_on_its_way_out(emulator: EmulatorControl, tmp_path: Path) -> None:
    with provider_process(tmp_path, emulator.base_url) as provider:
        pod_id, outs = provider.create(checked(provider))
        emulator.set_timing(delete_seconds=5)
        try:
            assert emulator.delete_pod(pod_id).status_code == 200  # deleted elsewhere
            assert [p["status"] for p in emulator.live_pods()] == ["DELETING"]
            assert provider.read(pod_id, outs) == ("", {})
        finally:
            emulator.set_timing(delete_seconds=DELETE_SECONDS)


def test_a_failed_pod_of_our_name_is_not_adopted(emulator: EmulatorControl, tmp_path: Path) -> None:
    with provider_process(tmp_path, emulator.base_url) as provider:
        inputs = checked(provider)
        # An earlier, interrupted run made a pod of this name, and it failed since.
        left = emulator.create_pod(inputs["name"], cloud_id=inputs["cloud_id"], socket="SXM5")
        emulator.http.post(
            f"/_emulator/pods/{left['id']}/fail", json={"kind": "error", "message": "broken"}
        ).raise_for_status()
        pod_id, outs = provider.create(inputs)
    assert pod_id != left["id"]
    assert outs["status"] == "ACTIVE"
    # The failed pod was ours (our name, our GPU): deleted, not left billing untracked.
    assert [p["id"] for p in emulator.live_pods()] == [pod_id]
