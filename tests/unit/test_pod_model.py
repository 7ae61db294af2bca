"""One model each of a pod's inputs and outputs; the resource and the docs follow them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from prime_pulumi import PodArgs
from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.pod.inputs import (
    POD_RULES,
    REPLACE_INPUTS,
    SECRET_INPUTS,
    UPDATE_INPUTS,
    USER_INPUTS,
    PodInputs,
    auto_name,
)
from prime_pulumi.pod.outputs import OUTPUT_NAMES
from prime_pulumi.pod.resource import Pod
from prime_pulumi.provider import PodProvider


@pytest.fixture(autouse=True)
def _an_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """check() refuses to run with no key anywhere; these tests are about the inputs."""
    monkeypatch.setenv("PRIME_API_KEY", "pk-unit-test")


POD_PAGE = Path(__file__).resolve().parents[2] / "docs" / "pod.md"


def test_pod_args_are_exactly_the_user_inputs() -> None:
    assert tuple(f.name for f in dataclasses.fields(PodArgs)) == USER_INPUTS
    assert "auto_name_seed" in POD_RULES.internal
    assert not set(POD_RULES.internal) & set(USER_INPUTS)


def test_pod_attributes_are_the_outputs_and_the_user_inputs() -> None:
    assert set(Pod.__annotations__) == {*OUTPUT_NAMES, *USER_INPUTS}


def test_every_input_either_replaces_or_updates() -> None:
    assert set(REPLACE_INPUTS) | set(UPDATE_INPUTS) == set(USER_INPUTS)
    assert not set(REPLACE_INPUTS) & set(UPDATE_INPUTS)
    assert set(SECRET_INPUTS) == {"jupyter_password", "env_vars"}


def test_an_unknown_input_lists_only_what_users_may_declare() -> None:
    result = PodProvider().check({}, {"colour": "red"})
    (reason,) = [f.reason for f in result.failures if f.property == "colour"]
    listed = reason.split("the inputs are: ", 1)[1].split(", ")
    assert tuple(listed) == USER_INPUTS
    assert "auto_name_seed" not in reason


def _readme_table(heading: str) -> set[str]:
    """The names in the first column of the table under ``heading``."""
    section = POD_PAGE.read_text().split(heading, 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)`", section, flags=re.MULTILINE))


def test_readme_documents_every_input_and_output() -> None:
    assert _readme_table("## Pod inputs") == set(USER_INPUTS)
    assert _readme_table("## Pod outputs") == set(OUTPUT_NAMES)


def test_update_keeps_every_output_and_takes_the_new_urn() -> None:
    urn = "urn:pulumi:dev::quickstart::pulumi-python:dynamic/prime:Pod::trainer"
    olds = {"pod_id": "p1", "status": "ACTIVE", "name": "trainer-1a2b3c4", "ready_timeout": 1800}
    outs = PodProvider().update("p1", olds, {**olds, "ready_timeout": 900, URN_KEY: urn}).outs
    assert outs == {**olds, "ready_timeout": 900, URN_KEY: urn}


def test_a_generated_name_never_changes_for_a_pod_declared_as_before() -> None:
    """A new name would replace every pod of every stack: new inputs count only when set."""
    declared = {
        "cloud_id": "runpod-h100-sxm5-8",
        "gpu_type": "H100_80GB",
        "gpu_count": 1,
        "socket": "SXM5",
        "provider_type": "runpod",
        "image": "ubuntu_22_cuda_12",
    }
    assert auto_name("org/p/s/trainer", declared) == "trainer-bb02bdf"  # as before offers
    assert auto_name("org/p/s/trainer", {**declared, "regions": ["canada"]}) != "trainer-bb02bdf"


def test_sharing_goes_top_level_in_snake_case_and_unshared_is_the_default() -> None:
    base = {"gpu_type": "H100_80GB", "gpu_count": 1, "cloud_id": "c", "socket": "PCIe"}
    base["provider_type"] = "runpod"
    shared = PodInputs.model_validate({**base, "shared_with_team": True, "team_member_ids": ["u"]})
    body = shared.to_create_request("trainer-1").to_body()
    assert (body["shared_with_team"], body["team_member_ids"]) == (True, ["u"])
    assert "sharedWithTeam" not in body and "shared_with_team" not in body["pod"]
    # Declaring what the API does anyway is no input at all: no replacement, no new name.
    unshared = PodInputs.model_validate({**base, "shared_with_team": False, "team_member_ids": []})
    assert unshared == PodInputs.model_validate(base)
    assert "shared_with_team" not in unshared.to_create_request("trainer-1").to_body()
    checked = PodProvider().check({}, {**base, "shared_with_team": False})
    assert "shared_with_team" not in checked.inputs
    assert checked.inputs["name"] == PodProvider().check({}, base).inputs["name"]
    diff = PodProvider().diff("p1", checked.inputs, {**checked.inputs, "shared_with_team": True})
    assert diff.replaces == ["shared_with_team"]
