"""One model each of a disk's inputs and outputs; the resource and the docs follow them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from prime_pulumi import Disk, DiskArgs
from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.disk.inputs import DISK_RULES, DiskInputs, auto_name
from prime_pulumi.disk.offers import DiskOffer
from prime_pulumi.disk.outputs import OUTPUT_NAMES
from prime_pulumi.disk_provider import DiskProvider

DISK_PAGE = Path(__file__).resolve().parents[2] / "docs" / "disk.md"


@pytest.fixture(autouse=True)
def _an_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """check() refuses to run with no key anywhere; these tests are about the inputs."""
    monkeypatch.setenv("PRIME_API_KEY", "pk-unit-test")


def test_disk_args_are_exactly_the_user_inputs() -> None:
    assert tuple(f.name for f in dataclasses.fields(DiskArgs)) == DISK_RULES.user
    assert DISK_RULES.internal == ("auto_name_seed",)


def test_disk_attributes_are_the_outputs_and_the_user_inputs() -> None:
    assert set(Disk.__annotations__) == {*OUTPUT_NAMES, *DISK_RULES.user}


def test_a_name_changes_in_place_and_what_the_api_cannot_change_replaces() -> None:
    assert DISK_RULES.update == ("name", "ready_timeout")
    assert set(DISK_RULES.replace) == {
        "size",
        "provider_type",
        "data_center_id",
        "country",
        "cloud_id",
        "team_id",
        "regions",
    }
    assert DISK_RULES.secret == ()


def test_readme_documents_every_input_and_output() -> None:
    def table(heading: str) -> set[str]:
        section = DISK_PAGE.read_text().split(heading, 1)[1].split("\n#", 1)[0]
        return set(re.findall(r"^\| `([a-z_]+)`", section, flags=re.MULTILINE))

    assert table("## Disk inputs") == set(DISK_RULES.user)
    assert table("## Disk outputs") == set(OUTPUT_NAMES)


def test_an_unknown_input_lists_only_what_users_may_declare() -> None:
    result = DiskProvider().check({}, {"size": 10, "colour": "red"})
    (reason,) = [f.reason for f in result.failures if f.property == "colour"]
    assert tuple(reason.split("the inputs are: ", 1)[1].split(", ")) == DISK_RULES.user


def test_a_generated_name_is_stable_and_ignores_what_changes_in_place() -> None:
    declared = {"size": 100, "provider_type": "runpod", "data_center_id": "US-KS-2"}
    name = auto_name("org/p/s/data", declared)
    assert name == "data-8cbf20f", "a generated name must never change between releases"
    assert auto_name("org/p/s/data", {**declared, "name": "x", "ready_timeout": 5}) == name
    assert auto_name("org/p/s/data", {**declared, "size": 200}) != name
    assert auto_name("org/p/s/___", declared).startswith("disk-")


def test_only_a_disk_that_names_its_provider_and_data_center_is_placed() -> None:
    assert DiskInputs(size=1, provider_type="runpod", data_center_id="US-KS-2").placed
    assert not DiskInputs(size=1, provider_type="runpod").placed
    assert not DiskInputs(size=1, data_center_id="US-KS-2").placed
    regions = DiskInputs(size=1, provider_type="runpod", data_center_id="x", regions=["canada"])
    assert not regions.placed


def test_an_offer_fills_only_what_was_left_open() -> None:
    offer = DiskOffer(
        cloud_id=None,
        provider_type="runpod",
        data_center_id="US-KS-2",
        country="US",
        region="united_states",
        security=None,
        price_per_gb_hr=0.00007,
        min_size=1,
        max_size=4000,
        step=1,
        stock_status="Available",
        is_multinode=False,
    )
    spec = DiskInputs(size=10, country="CA", regions=["united_states"]).with_offer(offer)
    assert (spec.provider_type, spec.data_center_id, spec.country, spec.cloud_id) == (
        "runpod",
        "US-KS-2",
        "CA",
        None,
    )
    body = spec.to_create_request("data-1").to_body()
    assert body["disk"] == {
        "size": 10,
        "name": "data-1",
        "country": "CA",
        "dataCenterId": "US-KS-2",
    }
    assert body["provider"] == {"type": "runpod"}


def test_update_of_ready_timeout_alone_calls_no_api_and_keeps_every_output() -> None:
    urn = "urn:pulumi:dev::training::pulumi-python:dynamic/prime:Disk::data"
    olds = {"disk_id": "d1", "status": "ACTIVE", "name": "data-1a2b3c4", "ready_timeout": 600}
    outs = DiskProvider().update("d1", olds, {**olds, "ready_timeout": 60, URN_KEY: urn}).outs
    assert outs == {**olds, "ready_timeout": 60, URN_KEY: urn}
