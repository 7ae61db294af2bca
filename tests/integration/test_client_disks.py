"""Every disk call of the client against the emulator on loopback: life, pages, pods, faults.

The unit tests (``tests/unit/test_client_disks.py``) check each request and answer
over an injected transport; these prove the client and the emulator agree over real
HTTP, the emulator's guessed answers and its faults included. The emulator is steered
through its control API (:class:`EmulatorControl`), as a pipeline would steer it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from prime_pulumi.client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    ConflictError,
    CreateDiskRequest,
    CreateOutcomeUnknownError,
    CreatePodRequest,
    DiskDetails,
    DiskSpec,
    InternalServerError,
    NotFoundError,
    PodSpec,
    PrimeClient,
    ProviderSpec,
    UnprocessableEntityError,
)
from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.emulator.server import EmulatorServer
from tests.integration.support import Waits

#: The GPU offer the pods run on, and the data center of the runpod disks made beside it.
OFFER = "runpod-h100-pcie-1x-us-ks-2"
HERE = "US-KS-2"
#: Another data center with a runpod disk offer.
ELSEWHERE = "EU-RO-1"
#: Every wait for the emulator's clock ends by this many seconds, or the test fails.
DEADLINE_SECONDS = 5.0
POLL_SECONDS = 0.02


@pytest.fixture
def control(prime_emulator: EmulatorServer) -> Iterator[EmulatorControl]:
    control = EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)
    yield control
    control.close()


def disk_request(
    name: str | None = "checkpoints",
    size: int = 100,
    *,
    provider: str = "runpod",
    data_center_id: str | None = HERE,
) -> CreateDiskRequest:
    return CreateDiskRequest(
        disk=DiskSpec(size=size, name=name, data_center_id=data_center_id),
        provider=ProviderSpec(type=provider),
    )


def pod_request(name: str, disks: list[str]) -> CreatePodRequest:
    pod = PodSpec(name=name, cloud_id=OFFER, gpu_type="H100_80GB", socket="PCIe", gpu_count=1)
    return CreatePodRequest(pod=pod, provider=ProviderSpec(type="runpod"), disks=disks)


def becomes(client: PrimeClient, disk_id: str, status: str) -> DiskDetails:
    """Polls the disk until it shows ``status``; fails at the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while (disk := client.get_disk(disk_id)).status != status:
        assert time.monotonic() < deadline, f"disk {disk_id} is still {disk.status}, not {status}"
        time.sleep(POLL_SECONDS)
    return disk


def active_disk(client: PrimeClient, name: str, data_center_id: str = HERE) -> DiskDetails:
    created = client.create_disk(disk_request(name, data_center_id=data_center_id))
    return becomes(client, created.id, "ACTIVE")


def requests_to(control: EmulatorControl, route: str) -> int:
    return control.counts()[route]


# ---------------------------------------------------------------- a disk's life


def test_a_disk_from_create_to_active_and_renamed(client: PrimeClient) -> None:
    created = client.create_disk(disk_request("checkpoints", size=250))
    assert created.status == "PROVISIONING"
    assert (created.name, created.size, created.provider_type) == ("checkpoints", 250, "runpod")
    assert created.info["dataCenterId"] == HERE
    assert created.pods == []
    (offer,) = client.list_disk_availability(data_center_id=HERE)
    assert offer.spec is not None and offer.spec.price_per_unit is not None
    assert created.price_hr == pytest.approx(250 * offer.spec.price_per_unit)

    active = becomes(client, created.id, "ACTIVE")
    assert active.created_at == created.created_at

    renamed = client.rename_disk(created.id, "checkpoints-v2")
    assert (renamed.id, renamed.name, renamed.size) == (created.id, "checkpoints-v2", 250)
    assert client.get_disk(created.id).name == "checkpoints-v2"
    assert [d.id for d in client.find_disks_by_name("checkpoints-v2")] == [created.id]
    assert client.find_disks_by_name("checkpoints") == []


def test_the_clients_team_owns_the_disks_it_creates(prime_emulator: EmulatorServer) -> None:
    url = prime_emulator.base_url
    with PrimeClient(DEFAULT_API_KEY, base_url=url, team_id="team-42") as client:
        created = client.create_disk(disk_request())
        assert created.team_id == "team-42"
        assert client.get_disk(created.id).team_id == "team-42"


def test_an_unknown_disk_is_not_found_on_every_call(client: PrimeClient) -> None:
    with pytest.raises(NotFoundError) as info:
        client.get_disk("no-such-disk")
    assert info.value.status_code == 404
    assert "no-such-disk" in info.value.detail
    with pytest.raises(NotFoundError):
        client.rename_disk("no-such-disk", "x")
    with pytest.raises(NotFoundError):
        client.delete_disk("no-such-disk")
    assert client.delete_disk("no-such-disk", missing_ok=True) is False


def test_a_deleted_disk_is_deleting_then_gone(
    client: PrimeClient, control: EmulatorControl
) -> None:
    control.set_timing(disk_provision_seconds=0.0, disk_delete_seconds=0.3)
    disk = client.create_disk(disk_request("scratch"))
    assert client.delete_disk(disk.id) is True

    deleting = client.get_disk(disk.id)
    assert deleting.status == "DELETING"
    assert [(d.id, d.status) for d in client.list_disks()] == [(disk.id, "DELETING")]
    assert [d.status for d in client.find_disks_by_name("scratch")] == ["DELETING"]
    # A second DELETE while it is going is answered as done, not as missing.
    assert client.delete_disk(disk.id) is True

    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            status = client.get_disk(disk.id).status
        except NotFoundError:
            break
        assert status == "DELETING"
        assert time.monotonic() < deadline, "the disk never went away"
        time.sleep(POLL_SECONDS)

    assert client.list_disks() == []
    assert client.find_disks_by_name("scratch") == []
    with pytest.raises(NotFoundError):
        client.delete_disk(disk.id)
    assert client.delete_disk(disk.id, missing_ok=True) is False
    with pytest.raises(NotFoundError):
        client.rename_disk(disk.id, "too-late")
    (held,) = control.disks()
    assert (held["status"], held["terminatedAt"] is not None) == ("TERMINATED", True)


def test_a_delete_whose_answer_was_lost_counts_as_done_when_the_retry_finds_it_gone(
    client: PrimeClient, control: EmulatorControl, waits: Waits
) -> None:
    disk = client.create_disk(disk_request())
    control.fault("delete_disk", "drop_after")
    # The first DELETE deletes it and its answer is lost; the retry is answered 404.
    assert client.delete_disk(disk.id) is True
    assert requests_to(control, "delete_disk") == 2
    assert len(waits.waits) == 1
    assert control.live_disks() == []


def test_disk_fates_error_and_stuck(client: PrimeClient, control: EmulatorControl) -> None:
    control.set_timing(disk_provision_seconds=0.05)
    control.disk_fates("error", "stuck")
    failed = client.create_disk(disk_request("failed"))
    stuck = client.create_disk(disk_request("stuck"))
    fine = client.create_disk(disk_request("fine"))
    assert [d.status for d in (failed, stuck, fine)] == ["PROVISIONING"] * 3

    assert becomes(client, failed.id, "ERROR").status == "ERROR"
    becomes(client, fine.id, "ACTIVE")
    # Made before the one now ACTIVE, so past its provision time: still PROVISIONING.
    assert client.get_disk(stuck.id).status == "PROVISIONING"

    # Only an ACTIVE disk can be mounted: the guess is a 409, and no pod.
    for disk, status in ((failed, "ERROR"), (stuck, "PROVISIONING")):
        with pytest.raises(ConflictError) as info:
            client.create_pod(pod_request("trainer", [disk.id]))
        assert disk.id in info.value.detail
        assert status in info.value.detail
    assert client.list_pods() == []


@pytest.mark.parametrize(
    ("request_", "error", "detail"),
    [
        (disk_request(size=5000), UnprocessableEntityError, "disk.size: .*4000"),
        (disk_request(data_center_id="NOWHERE-1"), UnprocessableEntityError, "disk: .*NOWHERE-1"),
        (
            disk_request(provider="massedcompute", data_center_id="us-central-1"),
            ConflictError,
            "out of stock",
        ),
    ],
    ids=["too-big-for-the-offer", "no-such-data-center", "offer-out-of-stock"],
)
def test_a_refused_create_makes_no_disk(
    client: PrimeClient,
    control: EmulatorControl,
    request_: CreateDiskRequest,
    error: type[APIStatusError],
    detail: str,
) -> None:
    with pytest.raises(error, match=detail):
        client.create_disk(request_)
    assert requests_to(control, "create_disk") == 1
    assert control.disks() == []
    assert client.list_disks() == []


# ---------------------------------------------------------------- lists


def test_list_disks_walks_every_page(client: PrimeClient, control: EmulatorControl) -> None:
    ids = [client.create_disk(disk_request(f"d{i}")).id for i in range(5)]

    before = requests_to(control, "list_disks")
    assert [d.id for d in client.list_disks(page_size=2)] == ids
    assert requests_to(control, "list_disks") - before == 3  # 2 + 2 + 1
    assert [d.id for d in client.list_disks()] == ids

    page = client.list_disks_page(offset=1, limit=2)
    assert (page.total_count, page.offset, page.limit) == (5, 1, 2)
    assert [d.id for d in page.data] == ids[1:3]
    past_the_end = client.list_disks_page(offset=10, limit=2)
    assert (past_the_end.total_count, past_the_end.data) == (5, [])

    before = requests_to(control, "list_disks")
    assert [d.id for d in itertools.islice(client.iter_disks(page_size=2), 2)] == ids[:2]
    assert requests_to(control, "list_disks") - before == 1, "iter_disks fetched ahead"
    assert [d.id for d in client.iter_disks(page_size=3)] == ids


def test_find_disks_by_name_oldest_first(client: PrimeClient) -> None:
    first = client.create_disk(disk_request("shared"))
    client.create_disk(disk_request("other"))
    second = client.create_disk(disk_request("shared"))
    assert [d.id for d in client.find_disks_by_name("shared")] == [first.id, second.id]
    assert client.find_disks_by_name("nobody") == []


def test_disk_availability_walks_every_page(client: PrimeClient, control: EmulatorControl) -> None:
    served = control.disk_offers()  # the emulator's own answer, page size 100
    assert len(served) > 3

    before = requests_to(control, "disk_availability")
    offers = client.list_disk_availability(page_size=3)
    assert requests_to(control, "disk_availability") - before == -(-len(served) // 3)
    assert [(o.provider, o.data_center, o.cloud_id) for o in offers] == [
        (o["provider"], o["dataCenter"], o["cloudId"]) for o in served
    ]
    assert client.list_disk_availability(page_size=1) == offers
    assert client.list_disk_availability() == offers

    (here,) = [o for o in offers if o.data_center == HERE]
    assert (here.cloud_id, here.provider, here.region) == (None, "runpod", "united_states")
    assert here.spec is not None
    assert (here.spec.min_count, here.spec.max_count) == (1, 4000)


@pytest.mark.parametrize(
    "filters",
    [
        {"regions": ["eu_north"]},
        {"regions": ["canada", "eu_west"]},
        {"data_center_id": "FIN-02"},
        {"cloud_id": "datacrunch-disk-fin-03"},
        {"regions": ["eu_north"], "data_center_id": "NORWAY-1"},
        {"regions": ["eu_north"], "cloud_id": "hyperstack-disk-canada-1"},
        {"data_center_id": "NOWHERE-1"},
    ],
    ids=[
        "one-region",
        "two-regions",
        "data-center",
        "cloud-id",
        "region-and-data-center",
        "region-against-cloud-id",
        "unknown-data-center",
    ],
)
def test_each_disk_availability_filter_keeps_only_what_matches_all(
    client: PrimeClient, filters: dict[str, Any]
) -> None:
    everything = client.list_disk_availability()
    regions = filters.get("regions")
    expected = [
        (o.data_center, o.cloud_id)
        for o in everything
        if (regions is None or o.region in regions)
        and filters.get("data_center_id") in (None, o.data_center)
        and filters.get("cloud_id") in (None, o.cloud_id)
    ]
    found = client.list_disk_availability(page_size=2, **filters)
    assert [(o.data_center, o.cloud_id) for o in found] == expected
    assert len(found) < len(everything)


def test_a_region_outside_the_enum_is_a_422(client: PrimeClient) -> None:
    with pytest.raises(UnprocessableEntityError, match="regions"):
        client.list_disk_availability(regions=["europe_west"])


# ---------------------------------------------------------------- disks on pods


def test_a_pod_made_with_a_disk_mounts_it_at_workspace(
    client: PrimeClient, control: EmulatorControl
) -> None:
    disk = active_disk(client, "datasets")
    pod = client.create_pod(pod_request("trainer", [disk.id]))
    (mounted,) = pod.attached_resources
    assert (mounted.id, mounted.resource_type, mounted.status) == (disk.id, "DISK", "MOUNTED")
    assert (mounted.mount_path, mounted.size) == ("/workspace", disk.size)
    assert client.get_pod(pod.id).attached_resources == pod.attached_resources
    other = client.create_pod(pod_request("evaluator", [disk.id]))
    assert client.get_disk(disk.id).pods == [pod.id, other.id]

    # The guess: a disk in use cannot be deleted (409), and it stays as it was.
    with pytest.raises(ConflictError) as info:
        client.delete_disk(disk.id)
    assert info.value.status_code == 409
    assert pod.id in info.value.detail
    assert client.get_disk(disk.id).status == "ACTIVE"

    client.delete_pod(pod.id)
    assert client.get_disk(disk.id).pods == [other.id]
    with pytest.raises(ConflictError):
        client.delete_disk(disk.id)
    client.delete_pod(other.id)
    assert client.get_disk(disk.id).pods == []
    assert client.delete_disk(disk.id) is True
    assert control.live_disks() == []


def test_a_disk_in_another_data_center_is_a_400_and_no_pod(
    client: PrimeClient, control: EmulatorControl
) -> None:
    disk = active_disk(client, "far-away", data_center_id=ELSEWHERE)
    with pytest.raises(BadRequestError) as info:
        client.create_pod(pod_request("trainer", [disk.id]))
    assert info.value.status_code == 400
    assert disk.id in info.value.detail
    assert ELSEWHERE in info.value.detail
    assert HERE in info.value.detail
    assert client.list_pods() == []
    assert control.pods() == []
    assert client.get_disk(disk.id).pods == []


def test_a_pod_naming_an_unknown_disk_is_a_404_and_no_pod(
    client: PrimeClient, control: EmulatorControl
) -> None:
    with pytest.raises(NotFoundError, match="no-such-disk"):
        client.create_pod(pod_request("trainer", ["no-such-disk"]))
    assert control.pods() == []


# ---------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("action", "fields", "timeout", "cause", "made"),
    [
        ("drop_after", {}, None, APIConnectionError, True),
        ("drop", {}, None, APIConnectionError, False),
        ("status", {"status": 503}, None, InternalServerError, False),
        ("delay", {"delay": 0.5}, 0.25, APITimeoutError, True),
    ],
    ids=["answer-dropped", "dropped-before-acting", "503", "timed-out"],
)
def test_a_disk_create_with_an_unknown_outcome_is_posted_once(
    prime_emulator: EmulatorServer,
    control: EmulatorControl,
    action: str,
    fields: dict[str, Any],
    timeout: float | None,
    cause: type[Exception],
    made: bool,
) -> None:
    control.fault("create_disk", action, **fields)
    tuning: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    with PrimeClient(DEFAULT_API_KEY, base_url=prime_emulator.base_url, **tuning) as client:
        with pytest.raises(CreateOutcomeUnknownError) as info:
            client.create_disk(disk_request("lost-answer"))
        error = info.value
        assert (error.resource, error.name, error.request_sent) == ("disk", "lost-answer", True)
        assert error.pod_name is None
        assert "lost-answer" in str(error)
        assert isinstance(error.__cause__, cause)
        assert requests_to(control, "create_disk") == 1

        # The owner of the name finds what the server made, if it made anything.
        found: list[DiskDetails] = []
        deadline = time.monotonic() + DEADLINE_SECONDS
        while made and not (found := client.find_disks_by_name("lost-answer")):
            assert time.monotonic() < deadline, "the slow create never made its disk"
            time.sleep(POLL_SECONDS)
        assert len(found) == (1 if made else 0)
        assert len(client.list_disks()) == len(found)
    assert requests_to(control, "create_disk") == 1


@pytest.mark.parametrize(
    ("route", "call"),
    [
        ("get_disk", lambda client, disk_id: client.get_disk(disk_id).id == disk_id),
        ("list_disks", lambda client, disk_id: [d.id for d in client.list_disks()] == [disk_id]),
        (
            "update_disk",
            lambda client, disk_id: client.rename_disk(disk_id, "renamed").name == "renamed",
        ),
        ("delete_disk", lambda client, disk_id: client.delete_disk(disk_id)),
        ("disk_availability", lambda client, disk_id: len(client.list_disk_availability()) > 0),
    ],
    ids=["get", "list", "rename", "delete", "availability"],
)
def test_a_503_on_a_disk_read_or_idempotent_change_is_retried(
    client: PrimeClient,
    control: EmulatorControl,
    waits: Waits,
    route: str,
    call: Callable[[PrimeClient, str], bool],
) -> None:
    disk = client.create_disk(disk_request())
    control.fault(route, "status", status=503, times=2)
    before = requests_to(control, route)
    assert call(client, disk.id) is True
    assert requests_to(control, route) - before == 3
    assert len(waits.waits) == 2
