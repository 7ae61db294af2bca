"""A fleet's ready pods are read whole from one listing; one ready pod with one GET."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from prime_pulumi.client import InternalServerError, PodDetails
from prime_pulumi.pod.ready_reads import GATHER_SECONDS, LISTING_FROM, ReadyReads


class FakeApi:
    """Pods by id; counts GETs and listings; a listing may fail or miss pods."""

    def __init__(
        self, ids: list[str], *, listing_fails: bool = False, unlisted: frozenset[str] = frozenset()
    ) -> None:
        self.pods = {i: PodDetails(id=i, name=f"pod-{i}", status="ACTIVE") for i in ids}
        self.listing_fails = listing_fails
        self.unlisted = unlisted
        self.gets: list[str] = []
        self.listings = 0
        self._lock = threading.Lock()

    def get_pod(self, pod_id: str, /) -> PodDetails:
        with self._lock:
            self.gets.append(pod_id)
        return self.pods[pod_id]

    def list_pods(self) -> list[PodDetails]:
        with self._lock:
            self.listings += 1
        if self.listing_fails:
            raise InternalServerError("503", status_code=503, method="GET", path="/", detail="busy")
        return [p for i, p in self.pods.items() if i not in self.unlisted]


def read_all(api: FakeApi, ids: list[str]) -> list[PodDetails]:
    """Every read at once; the batch's gathering ends once all of them have joined."""
    joined = threading.Barrier(len(ids) + 1)
    everyone = threading.Event()

    def sleep(seconds: float) -> None:
        assert seconds == GATHER_SECONDS
        everyone.wait(5)

    reads = ReadyReads(sleep=sleep)

    def read(pod_id: str) -> PodDetails:
        joined.wait(5)
        return reads.read(api, pod_id)

    with ThreadPoolExecutor(len(ids)) as pool:
        futures = [pool.submit(read, pod_id) for pod_id in ids]
        joined.wait(5)
        # The gathering ends once every read is in the batch (the test holds the clock).
        while reads._open is None or len(reads._open.ids) < len(ids):
            threading.Event().wait(0.001)
        everyone.set()
        return [f.result(timeout=5) for f in futures]


def test_a_fleet_s_ready_pods_are_read_from_one_listing() -> None:
    ids = [f"p{i}" for i in range(3 * LISTING_FROM)]
    api = FakeApi(ids)
    got = read_all(api, ids)
    assert [pod.id for pod in got] == ids, "each read gets its own pod"
    assert (api.listings, api.gets) == (1, [])


def test_a_pod_the_listing_missed_is_read_on_its_own() -> None:
    ids = [f"p{i}" for i in range(LISTING_FROM)]
    api = FakeApi(ids, unlisted=frozenset({"p3"}))
    assert [pod.id for pod in read_all(api, ids)] == ids
    assert (api.listings, api.gets) == (1, ["p3"])


def test_a_failed_listing_costs_no_read_its_pod() -> None:
    ids = [f"p{i}" for i in range(LISTING_FROM)]
    api = FakeApi(ids, listing_fails=True)
    assert [pod.id for pod in read_all(api, ids)] == ids
    assert api.listings == 1 and sorted(api.gets) == sorted(ids)


@pytest.mark.parametrize("count", [1, LISTING_FROM - 1])
def test_a_few_ready_pods_are_read_with_a_get_each(count: int) -> None:
    ids = [f"p{i}" for i in range(count)]
    api = FakeApi(ids)
    assert [pod.id for pod in read_all(api, ids)] == ids
    assert api.listings == 0 and sorted(api.gets) == sorted(ids)
