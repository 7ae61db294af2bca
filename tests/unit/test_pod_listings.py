"""Batched reads: concurrent reads share one listing, and no read takes an old one."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from prime_pulumi.client import InternalServerError, PodDetails
from prime_pulumi.pod.listings import PodListings


class Lister:
    """Stands in for the client: counts listings, each taking a little while."""

    def __init__(self, ids: list[str], *, fail: bool = False) -> None:
        self.ids = ids
        self.listings = 0
        self.fail = fail
        self.lock = threading.Lock()

    def iter_pods(self) -> list[PodDetails]:
        with self.lock:
            self.listings += 1
        time.sleep(0.05)
        if self.fail:
            raise InternalServerError(
                "boom", status_code=500, method="GET", path="/", detail="boom"
            )
        return [
            PodDetails.model_validate({"id": i, "status": "ACTIVE", "name": i}) for i in self.ids
        ]


def test_concurrent_reads_share_one_listing() -> None:
    lister = Lister([f"p{i}" for i in range(50)])
    listings = PodListings(max_age=10)
    with ThreadPoolExecutor(max_workers=16) as pool:
        found = list(pool.map(lambda i: listings.lookup(lister, f"p{i}"), range(50)))
    assert [p.id for p in found if p] == [f"p{i}" for i in range(50)]
    assert lister.listings == 1


def test_a_listing_older_than_max_age_is_taken_again() -> None:
    now = [0.0]
    lister = Lister(["a"])
    listings = PodListings(max_age=2, clock=lambda: now[0])
    assert listings.lookup(lister, "a") is not None
    now[0] = 1.5
    listings.lookup(lister, "a")
    assert lister.listings == 1
    now[0] = 3.0
    listings.lookup(lister, "a")
    assert lister.listings == 2


def test_a_create_or_delete_drops_the_listing() -> None:
    lister = Lister(["a"])
    listings = PodListings(max_age=10)
    listings.lookup(lister, "a")
    listings.drop()
    listings.lookup(lister, "a")
    assert lister.listings == 2


def test_a_failed_listing_leaves_each_read_to_its_own_get() -> None:
    listings = PodListings(max_age=10)
    assert listings.lookup(Lister(["a"], fail=True), "a") is None


def test_earlier_pods_are_listed_once_and_forgotten_after_a_lost_create() -> None:
    lister = Lister(["a", "b"])
    listings = PodListings()
    assert [p.id for p in listings.earlier_pods_named(lister, "a")] == ["a"]
    assert listings.earlier_pods_named(lister, "c") == []
    assert lister.listings == 1
    listings.forget_earlier()
    listings.earlier_pods_named(lister, "a")
    assert lister.listings == 2


class GatedLister:
    """Lists what ``ids`` holds when the listing *starts*, then waits for ``release``."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.listings = 0
        self.started = threading.Event()
        self.release = threading.Event()

    def iter_pods(self) -> list[PodDetails]:
        self.listings += 1
        snapshot = list(self.ids)
        self.started.set()
        assert self.release.wait(5)
        return [PodDetails.model_validate({"id": i, "status": "ACTIVE"}) for i in snapshot]


def test_a_listing_under_way_when_dropped_never_serves_a_later_read() -> None:
    lister = GatedLister(["a"])
    listings = PodListings(max_age=10)
    with ThreadPoolExecutor(max_workers=1) as pool:
        early = pool.submit(listings.lookup, lister, "a")
        assert lister.started.wait(5)
        # This process deletes pod "a" while the listing is under way.
        lister.ids.remove("a")
        listings.drop()
        lister.release.set()
        early.result()
    assert listings.lookup(lister, "a") is None, "a read after the delete saw the pod"
    assert lister.listings == 2
