"""The package schema is made from the kinds' models and committed as it is made."""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import Any

import pytest

from prime_pulumi.core.settings import ProviderSettings
from prime_pulumi.kinds import KINDS
from prime_pulumi.native.names import camel, snake
from prime_pulumi.native.schema import SCHEMA_FILE, rendered, token


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_FILE.read_text()))


def test_the_committed_schema_is_the_one_the_models_make() -> None:
    assert SCHEMA_FILE.read_text() == rendered(), (
        "run `python -m prime_pulumi.native.schema` to write it anew"
    )


def test_names_are_camel_case_and_come_back() -> None:
    for name in ("gpu_type", "max_price", "ssh_connection", "pod_id", "env_vars", "name"):
        assert snake(camel(name)) == name
    assert [camel(n) for n in ("gpu_type", "max_price", "ssh_connection", "pod_id")] == [
        "gpuType",
        "maxPrice",
        "sshConnection",
        "podId",
    ]


def test_each_kind_is_a_resource_with_every_input_described(committed: dict[str, Any]) -> None:
    assert set(committed["resources"]) == {
        "prime:index:Pod",
        "prime:index:Disk",
        "prime:index:SshKey",
    }
    for kind in KINDS:
        resource = committed["resources"][token(kind)]
        rules = kind.kind.rules
        assert set(resource["inputProperties"]) == {camel(n) for n in rules.user}
        for name in rules.user:
            spec = resource["inputProperties"][camel(name)]
            assert spec["description"], f"{name} has no description"
            assert spec.get("secret", False) == (name in rules.secret)
        outputs = {camel(n) for n in kind.kind.outputs.model_fields}
        assert outputs <= set(resource["properties"])


def test_a_pod_s_secrets_and_maps_are_typed_for_every_language(committed: dict[str, Any]) -> None:
    pod = committed["resources"]["prime:index:Pod"]
    assert pod["requiredInputs"] == ["gpuType", "gpuCount"]
    assert pod["inputProperties"]["envVars"] == {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": pod["inputProperties"]["envVars"]["description"],
        "secret": True,
    }
    assert pod["inputProperties"]["regions"]["items"] == {"type": "string"}
    assert pod["inputProperties"]["maxPrice"]["type"] == "number"
    assert pod["properties"]["sshConnection"]["type"] == "string"


def test_an_ssh_key_needs_its_public_key_and_reports_its_id(committed: dict[str, Any]) -> None:
    key = committed["resources"]["prime:index:SshKey"]
    assert key["requiredInputs"] == ["publicKey"]
    assert key["inputProperties"]["primary"]["type"] == "boolean"
    assert {"sshKeyId", "isPrimary", "createdAt", "fingerprint"} <= set(key["properties"])


def test_the_configuration_is_every_stack_setting(committed: dict[str, Any]) -> None:
    variables = committed["config"]["variables"]
    assert {f"prime:{name}" for name in variables} == set(ProviderSettings.config_keys())
    assert variables["apiKey"]["secret"] is True
    assert variables["pollMaxSeconds"] == {
        "default": 10.0,
        "description": "The longest wait between two polls of a pod's status.",
        "type": "number",
    }
    assert committed["provider"]["inputProperties"] == variables
    assert committed["version"] == version("prime-pulumi")
