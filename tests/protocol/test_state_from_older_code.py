"""A stack made by the code before the reorganization (issue 16) shows no changes now.

``fixtures/state_before_issue_16.json`` holds what that code (commit b91a6c7)
left in a stack's state for each kind of resource: the program's ``news``, the
inputs its Check returned and the outputs its Create returned, its pickled
provider in ``__provider``. The next ``pulumi preview`` runs Check and Diff of
today's provider process over them, as replayed here call by call; mocks never
run either. ``fixtures/make_old_state.py`` says how the fixture was made.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import dill
import pytest
from pulumi.runtime.proto import provider_pb2

from prime_pulumi.disk_provider import DiskProvider
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.provider import PodProvider
from tests.kit.harness import ProviderProcess, from_struct, to_struct

FIXTURE = Path(__file__).parent / "fixtures" / "state_before_issue_16.json"
STATE: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["resources"]
PROVIDERS: dict[str, type] = {"pod": PodProvider, "disk": DiskProvider}


def without_provider(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "__provider"}


def test_the_fixture_holds_each_kind_of_resource() -> None:
    """A pod by offer, by constraints, named with secrets, one mounting a disk; two disks."""
    pods = {r["name"]: r["outputs"] for r in STATE if r["kind"] == "pod"}
    disks = {r["name"]: r["outputs"] for r in STATE if r["kind"] == "disk"}
    assert "__chosen" not in pods["declared-offer"]
    assert "cloud_id" in pods["by-constraints"]["__chosen"]
    assert pods["named-with-secrets"]["name"] == "trainer-with-secrets"
    assert "jupyter_password" in pods["named-with-secrets"]
    assert pods["mounts-a-disk"]["disks"] == [disks["placed-disk"]["disk_id"]]
    assert "__chosen" in disks["disk-by-constraints"]
    assert all(r["outputs"]["__urn"] == r["urn"] for r in STATE)


@pytest.mark.parametrize("kind", ["pod", "disk"])
def test_the_pickled_provider_in_old_state_is_todays_provider(kind: str) -> None:
    """dill stored each provider by module and class name: those never move."""
    cls = PROVIDERS[kind]
    assert cls.__module__ == f"prime_pulumi.{'provider' if kind == 'pod' else 'disk_provider'}"
    for resource in (r for r in STATE if r["kind"] == kind):
        for props in (resource["inputs"], resource["outputs"]):
            provider = dill.loads(base64.b64decode(props["__provider"]))
            assert type(provider) is cls


@pytest.mark.parametrize("resource", STATE, ids=[r["name"] for r in STATE])
def test_check_and_diff_over_old_state_show_no_change(
    provider: ProviderProcess, emulator: EmulatorControl, resource: dict[str, Any]
) -> None:
    """The same program over the old state: the same inputs (the same generated name), no diff.

    The engine sends the old properties as they are in state, the old
    ``__provider`` with them, and the program's news with today's.
    """
    driven = provider if resource["kind"] == "pod" else provider.for_disks()
    urn = resource["urn"]
    news = {**resource["news"], "__provider": driven.serialized_provider}
    check = driven.stub.Check(
        provider_pb2.CheckRequest(urn=urn, olds=to_struct(resource["inputs"]), news=to_struct(news))
    )
    assert [(f.property, f.reason) for f in check.failures] == []
    inputs = from_struct(check.inputs)
    assert without_provider(inputs) == without_provider(resource["inputs"])
    assert inputs["name"] == resource["outputs"]["name"]

    diff = driven.stub.Diff(
        provider_pb2.DiffRequest(
            id=resource["id"],
            urn=urn,
            olds=to_struct(resource["outputs"]),
            news=to_struct(inputs),
        )
    )
    assert (diff.changes, list(diff.replaces)) == (provider_pb2.DiffResponse.DIFF_NONE, [])
    assert sum(emulator.counts().values()) == 0, "a preview with no change calls no API"
