"""The client's create bodies and the emulator's models of them name the same JSON fields.

Each pair is a body (or a part of one) as :mod:`prime_pulumi.client` sends it and as
the emulator reads it; their JSON names (aliases) must agree, except for the known
differences listed, so neither side drifts from the other unnoticed.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel, SecretStr

from prime_pulumi.client import (
    CreateDiskRequest,
    CreatePodRequest,
    DiskSpec,
    EnvVar,
    PodSpec,
    ProviderSpec,
    TeamSpec,
    UploadSshKeyRequest,
)
from prime_pulumi.emulator.disks.wire import WireCreateDiskRequest, WireDiskSpec
from prime_pulumi.emulator.pods.wire import WireCreatePodRequest, WireEnvVar, WirePodSpec
from prime_pulumi.emulator.ssh_keys.wire import WireUploadSshKeyRequest
from prime_pulumi.emulator.wire import WireProviderSpec, WireTeamSpec

#: JSON fields only the emulator reads, by model: the client never sends them.
EMULATOR_ONLY: dict[type[BaseModel], set[str]] = {
    # The API's create body documents prepaidForHr; the client has no input for it.
    WirePodSpec: {"prepaidForHr"},
}

PAIRS = [
    pytest.param(CreatePodRequest, WireCreatePodRequest, id="create pod"),
    pytest.param(PodSpec, WirePodSpec, id="pod"),
    pytest.param(EnvVar, WireEnvVar, id="env var"),
    pytest.param(CreateDiskRequest, WireCreateDiskRequest, id="create disk"),
    pytest.param(DiskSpec, WireDiskSpec, id="disk"),
    pytest.param(ProviderSpec, WireProviderSpec, id="provider"),
    pytest.param(TeamSpec, WireTeamSpec, id="team"),
    pytest.param(UploadSshKeyRequest, WireUploadSshKeyRequest, id="upload ssh key"),
]


def json_names(model: type[BaseModel]) -> set[str]:
    """The names of a model's fields in JSON."""
    return {field.alias or name for name, field in model.model_fields.items()}


@pytest.mark.parametrize(("client", "emulator"), PAIRS)
def test_the_client_and_the_emulator_name_the_same_fields(
    client: type[BaseModel], emulator: type[BaseModel]
) -> None:
    assert json_names(client) == json_names(emulator) - EMULATOR_ONLY.get(emulator, set())


def test_the_known_differences_are_still_differences() -> None:
    for emulator, only in EMULATOR_ONLY.items():
        assert only <= json_names(emulator)


def test_a_pod_body_with_every_client_field_is_read_by_the_emulator() -> None:
    spec = PodSpec(
        name="p",
        cloud_id="c",
        gpu_type="H100_80GB",
        socket="PCIe",
        gpu_count=1,
        disk_size=10,
        vcpus=2,
        memory=8,
        max_price=3.0,
        image="ubuntu_22_cuda_12",
        custom_template_id="t",
        data_center_id="US-KS-2",
        country="US",
        security="secure_cloud",
        env_vars=[EnvVar(key="K", value=SecretStr("v"))],
        jupyter_password=SecretStr("j"),
        ssh_key_id="k",
        auto_restart=True,
    )
    request = CreatePodRequest(
        pod=spec,
        provider=ProviderSpec(type="runpod"),
        disks=["d"],
        team=TeamSpec(team_id="t"),
        team_member_ids=["u"],
        shared_with_team=True,
    )
    body = request.to_body()
    assert body["shared_with_team"] is True and body["team_member_ids"] == ["u"]
    read = WireCreatePodRequest.model_validate(body)
    assert read.pod.env_vars == [WireEnvVar(key="K", value="v")]
    assert read.pod.jupyter_password == "j"
    assert read.team is not None and read.team.team_id == "t"
    assert read.shared_with_team and read.team_member_ids == ["u"]


def test_a_disk_body_with_every_client_field_is_read_by_the_emulator() -> None:
    request = CreateDiskRequest(
        disk=DiskSpec(size=10, name="d", country="US", cloud_id="c", data_center_id="US-KS-2"),
        provider=ProviderSpec(type="runpod"),
        team=TeamSpec(team_id="t"),
    )
    read = WireCreateDiskRequest.model_validate(request.to_body())
    assert read.disk.data_center_id == "US-KS-2"
    assert read.team is not None and read.team.team_id == "t"
