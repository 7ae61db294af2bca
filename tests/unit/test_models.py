"""The models read every variant of the API answers (docs/api-client.md: "What the API answers")."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from prime_pulumi.client.enums import AttachmentState
from prime_pulumi.client.models import (
    ClusterEnvelope,
    CreateDiskRequest,
    CreatePodRequest,
    DiskAvailabilityPage,
    DiskDetails,
    DiskPage,
    DiskSpec,
    EnvVar,
    GPUAvailabilityPage,
    PodDetails,
    PodPage,
    PodSpec,
    PodStatus,
    ProviderSpec,
    TeamSpec,
)

SEED_STATUS = {
    "podId": "my_first_pod_id",
    "providerType": "primeconpute",
    "status": "ACTIVE",
    "sshConnection": "root@135.23.125.123 -p 22",
    "costPerHr": 3.52,
    "primePortMapping": [
        {"internal": "22", "external": "22", "protocol": "TCP", "usedBy": "SSH", "description": ""}
    ],
    "ip": "135.23.125.123",
    "installationFailure": None,
    "installationProgress": 100,
}


def test_status_from_the_guide_is_ready_with_its_price() -> None:
    status = PodStatus.model_validate(SEED_STATUS)
    assert status.pod_id == "my_first_pod_id"
    assert status.price_hr == 3.52
    assert status.ssh_connection == "root@135.23.125.123 -p 22"
    assert status.ip == "135.23.125.123"
    assert status.port_mappings[0].used_by == "SSH"
    assert status.is_ready
    assert status.failure is None


def test_status_reads_price_hr_as_the_sdk_sends_it() -> None:
    body = {k: v for k, v in SEED_STATUS.items() if k != "costPerHr"} | {"priceHr": 1.25}
    assert PodStatus.model_validate(body).price_hr == 1.25


@pytest.mark.parametrize(
    ("wire", "connections", "first"),
    [
        ("root@1.2.3.4 -p 22", ["root@1.2.3.4 -p 22"], "root@1.2.3.4 -p 22"),
        (
            ["root@1.2.3.4 -p 22", "root@5.6.7.8 -p 22"],
            ["root@1.2.3.4 -p 22", "root@5.6.7.8 -p 22"],
            "root@1.2.3.4 -p 22",
        ),
        (None, [], None),
        ([None], [], None),
        ("", [], None),
        # A pod that spans nodes: each node keeps its place, set or not yet.
        ([None, "root@5.6.7.8 -p 22"], [None, "root@5.6.7.8 -p 22"], None),
        (["root@1.2.3.4 -p 22", None], ["root@1.2.3.4 -p 22", None], "root@1.2.3.4 -p 22"),
        (["root@1.2.3.4 -p 22", ""], ["root@1.2.3.4 -p 22", None], "root@1.2.3.4 -p 22"),
        ([None, None], [None, None], None),
    ],
)
def test_ssh_connection_and_ip_variants(
    wire: object, connections: list[str | None], first: str | None
) -> None:
    status = PodStatus.model_validate(SEED_STATUS | {"sshConnection": wire, "ip": wire})
    assert status.ssh_connections == connections
    assert status.ssh_connection == first
    assert status.ips == connections
    # Ready only once every node has its SSH connection.
    assert status.is_ready is (bool(connections) and None not in connections)


def test_unknown_fields_are_ignored_and_numbers_coerced() -> None:
    status = PodStatus.model_validate(
        SEED_STATUS | {"brandNewField": {"x": 1}, "primePortMapping": [{"internal": 22}]}
    )
    assert status.port_mappings[0].internal == "22"
    assert not hasattr(status, "brandNewField")


@pytest.mark.parametrize(
    ("change", "failure"),
    [
        ({"status": "ERROR"}, "status is ERROR"),
        ({"status": "TERMINATED"}, "status is TERMINATED"),
        ({"installationFailure": "image pull failed"}, "installation failed: image pull failed"),
    ],
)
def test_failures_are_named(change: dict[str, object], failure: str) -> None:
    status = PodStatus.model_validate(SEED_STATUS | change)
    assert status.failure == failure
    assert not status.is_ready


def test_provisioning_is_neither_ready_nor_failed() -> None:
    status = PodStatus.model_validate(
        SEED_STATUS | {"status": "PROVISIONING", "installationProgress": 40, "sshConnection": None}
    )
    assert not status.is_ready
    assert status.failure is None


POD = {
    "id": "p1",
    "name": "trainer",
    "gpuName": "H100_80GB",
    "gpuCount": 8,
    "status": "ACTIVE",
    "createdAt": "2026-11-07T05:31:56Z",
    "providerType": "runpod",
    "installationStatus": "FINISHED",
    "installationProgress": None,
    "sshConnection": ["root@1.2.3.4 -p 22"],
    "ip": [None],
    "priceHr": 23.9,
    "jupyterPassword": "hunter2",
}


def test_pod_is_ready_by_installation_status_and_hides_jupyter_password() -> None:
    pod = PodDetails.model_validate(POD)
    assert pod.is_ready
    assert pod.ip is None
    assert pod.gpu_count == 8
    assert pod.created_at is not None and pod.created_at.year == 2026
    assert pod.jupyter_password is not None
    assert pod.jupyter_password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(pod)


def test_pod_page_reads_the_snake_case_envelope() -> None:
    page = PodPage.model_validate({"total_count": 15, "offset": 0, "limit": 10, "data": [POD]})
    assert page.total_count == 15
    assert page.data[0].name == "trainer"


def test_availability_page() -> None:
    page = GPUAvailabilityPage.model_validate(
        {
            "items": [
                {
                    "cloudId": "c1",
                    "gpuType": "H100_80GB",
                    "socket": "SXM5",
                    "provider": "runpod",
                    "gpuCount": 8,
                    "gpuMemory": 80,
                    "disk": {"minCount": 50, "maxCount": 2000, "pricePerUnit": 0.0001},
                    "prices": {
                        "onDemand": 2.5,
                        "communityPrice": None,
                        "isVariable": False,
                        "currency": "USD",
                    },
                    "stockStatus": "Available",
                    "images": ["ubuntu_22_cuda_12"],
                }
            ],
            "totalCount": 1,
        }
    )
    offer = page.items[0]
    assert offer.prices is not None and offer.prices.on_demand == 2.5
    assert offer.disk is not None and offer.disk.max_count == 2000


SEED_CLUSTER = """{"data": {"id": "<string>", "remoteId": "<string>", "name": "<string>",
"providerType": "<string>", "status": "<string>", "vaultEnabled": true, "gpuName": "<string>",
"gpuCount": 123, "orchestratorType": "<string>", "createdAt": "2023-11-07T05:31:56Z",
"updatedAt": "2023-11-07T05:31:56Z", "socket": "<string>", "priceHr": 123, "stoppedPriceHr": 123,
"provisioningPriceHr": 123, "basePriceHr": 123, "baseCurrency": "<string>", "userId": "<string>",
"teamId": "<string>", "walletId": "<string>", "orchestratorVersion": "<string>",
"orchestratorEndpoint": "<string>", "orchestratorConfig": null,
"orchestratorDeploymentJobId": "<string>", "orchestratorDeploymentStatus": "<string>",
"terminatedAt": "2023-11-07T05:31:56Z", "info": "<unknown>", "nodes": [{"id": "<string>",
"name": "<string>", "remoteId": "<string>", "providerType": "<string>", "status": "<string>",
"gpuName": "<string>", "gpuCount": 123, "createdAt": "2023-11-07T05:31:56Z",
"updatedAt": "2023-11-07T05:31:56Z", "type": "<string>", "installationStatus": "<string>",
"testStatus": "<string>", "finalizerStatus": "<string>", "installationProgress": 123,
"installationFailure": "<string>", "socket": "<string>", "priceHr": 123, "stoppedPriceHr": 123,
"provisioningPriceHr": 123, "basePriceHr": 123, "baseCurrency": "<string>",
"environmentType": "<string>", "userId": "<string>", "teamId": "<string>", "walletId": "<string>",
"isDetached": false, "terminatedAt": "2023-11-07T05:31:56Z",
"providerReadyAt": "2023-11-07T05:31:56Z", "piReadyAt": "2023-11-07T05:31:56Z",
"info": "<unknown>", "connections": [{"podId": "<string>", "host": "<string>", "user": "<string>",
"podName": "<string>", "port": 22, "role": "<string>", "isControlNode": false}]}],
"sshKeys": [{"id": "<string>", "role": "<string>", "userId": "<string>", "sshKeyId": "<string>",
"publicKey": "<string>"}]}, "status": "<string>"}"""


def test_cluster_reads_the_seed_document_whole() -> None:
    cluster = ClusterEnvelope.model_validate(json.loads(SEED_CLUSTER)).data
    assert cluster.vault_enabled is True
    assert cluster.gpu_count == 123
    assert cluster.info == "<unknown>"
    node = cluster.nodes[0]
    assert node.is_detached is False
    assert node.pi_ready_at is not None
    assert node.connections[0].port == 22
    assert node.connections[0].is_control_node is False
    assert cluster.ssh_keys[0].public_key == "<string>"


def _request(**pod: object) -> CreatePodRequest:
    spec = {"cloud_id": "c1", "gpu_type": "H100_80GB", "socket": "SXM5", "gpu_count": 1} | pod
    return CreatePodRequest(pod=PodSpec.model_validate(spec), provider=ProviderSpec(type="runpod"))


def test_create_body_is_camel_case_with_secrets_revealed_only_in_the_body() -> None:
    request = _request(
        name="trainer",
        disk_size=100,
        env_vars=[EnvVar.model_validate({"key": "WANDB_API_KEY", "value": "s3cret"})],
        jupyter_password="hunter2",
        security="secure_cloud",
    )
    body = request.to_body()
    assert body == {
        "pod": {
            "name": "trainer",
            "cloudId": "c1",
            "gpuType": "H100_80GB",
            "socket": "SXM5",
            "gpuCount": 1,
            "diskSize": 100,
            "security": "secure_cloud",
            "envVars": [{"key": "WANDB_API_KEY", "value": "s3cret"}],
            "jupyterPassword": "hunter2",
            "autoRestart": False,
        },
        "provider": {"type": "runpod"},
    }
    assert "s3cret" not in repr(request)
    assert "hunter2" not in repr(request)


# A security tier the document does not list is sent as given (tests/unit/test_enums.py):
# a newer API may have it.
@pytest.mark.parametrize("bad", [{"gpu_count": 0}, {"disk_size": -1}, {"colour": "red"}])
def test_create_request_refuses_what_the_api_would(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _request(**bad)


# ---------------------------------------------------------------- disks

DISK = {
    "id": "disk-1",
    "name": "checkpoints",
    "remoteId": "r-1",
    "createdAt": "2026-11-07T05:31:56Z",
    "updatedAt": "2026-11-07T05:32:56Z",
    "terminatedAt": None,
    "status": "ACTIVE",
    "providerType": "runpod",
    "size": 500,
    "info": {"mountPath": "/workspace"},
    "priceHr": 0.055,
    "stoppedPriceHr": 0.055,
    "provisioningPriceHr": 0.0,
    "userId": "u1",
    "teamId": None,
    "walletId": "w1",
    "pods": ["p1", "p2"],
    "clusters": [],
    "somethingNew": 1,
}


def test_disk_reads_every_documented_field() -> None:
    disk = DiskDetails.model_validate(DISK)
    assert (disk.id, disk.name, disk.remote_id, disk.status) == (
        "disk-1",
        "checkpoints",
        "r-1",
        "ACTIVE",
    )
    assert (disk.provider_type, disk.size, disk.price_hr, disk.provisioning_price_hr) == (
        "runpod",
        500,
        0.055,
        0.0,
    )
    assert disk.created_at is not None and disk.created_at.year == 2026
    assert disk.terminated_at is None
    assert disk.info == {"mountPath": "/workspace"}
    assert (disk.user_id, disk.team_id, disk.wallet_id) == ("u1", None, "w1")
    assert (disk.pods, disk.clusters) == (["p1", "p2"], [])


def test_disk_tolerates_missing_fields_null_lists_and_objects_for_ids() -> None:
    disk = DiskDetails.model_validate(
        {"id": "d", "status": "PROVISIONING", "pods": None, "clusters": [{"id": "c1"}]}
    )
    assert (disk.name, disk.size, disk.price_hr, disk.created_at) == (None, None, None, None)
    assert (disk.pods, disk.clusters) == ([], ["c1"])


@pytest.mark.parametrize("body", [{"status": "ACTIVE"}, {"id": "d"}, {"id": None, "status": "x"}])
def test_a_disk_needs_an_id_and_a_status(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DiskDetails.model_validate(body)


def test_disk_page_reads_either_envelope_spelling() -> None:
    page = DiskPage.model_validate({"total_count": 3, "offset": 0, "limit": 1, "data": [DISK]})
    assert (page.total_count, page.data[0].id) == (3, "disk-1")
    assert DiskPage.model_validate({"totalCount": 0, "data": []}).total_count == 0


def test_create_disk_body_is_camel_case_without_unset_options() -> None:
    request = CreateDiskRequest(
        disk=DiskSpec(size=500, name="checkpoints", cloud_id="c1", data_center_id="US-CA-1"),
        provider=ProviderSpec(type="runpod"),
        team=TeamSpec(team_id="t1"),
    )
    assert request.to_body() == {
        "disk": {"size": 500, "name": "checkpoints", "cloudId": "c1", "dataCenterId": "US-CA-1"},
        "provider": {"type": "runpod"},
        "team": {"teamId": "t1"},
    }
    minimal = CreateDiskRequest(disk=DiskSpec(size=1), provider=ProviderSpec(type="runpod"))
    assert minimal.to_body() == {"disk": {"size": 1}, "provider": {"type": "runpod"}}


@pytest.mark.parametrize(
    "bad",
    [{"size": 0}, {"size": -1}, {"size": 1, "name": "x" * 256}, {"size": 1, "colour": "red"}, {}],
)
def test_create_disk_request_refuses_what_the_api_would(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DiskSpec.model_validate(bad)


DISK_OFFER = {
    "cloudId": None,
    "provider": "runpod",
    "dataCenter": "US-CA-1",
    "country": "US",
    "region": "united_states",
    "spec": {"minCount": 10, "maxCount": 2000, "step": 10, "pricePerUnit": 0.00011},
    "stockStatus": "Available",
    "security": "secure_cloud",
    "isMultinode": True,
}


@pytest.mark.parametrize(
    "answer", [{"items": [DISK_OFFER], "totalCount": 1}, [DISK_OFFER]], ids=["page", "bare-list"]
)
def test_disk_offers_read_as_a_page_or_a_bare_list(answer: object) -> None:
    page = DiskAvailabilityPage.model_validate(answer)
    assert page.total_count == 1
    offer = page.items[0]
    assert offer.cloud_id is None
    assert (offer.provider, offer.data_center, offer.country, offer.region) == (
        "runpod",
        "US-CA-1",
        "US",
        "united_states",
    )
    assert offer.spec is not None
    assert (offer.spec.min_count, offer.spec.max_count, offer.spec.step) == (10, 2000, 10)
    assert offer.spec.price_per_unit == 0.00011
    assert (offer.stock_status, offer.security, offer.is_multinode) == (
        "Available",
        "secure_cloud",
        True,
    )


def test_pod_reads_its_attached_disks_typed() -> None:
    attached = {
        "resourceType": "DISK",
        "id": "disk-1",
        "status": "MOUNTED",
        "isDetachable": False,
        "mountPath": "/workspace",
        "resourcePath": "/dev/vdb",
        "size": 500,
    }
    pod = PodDetails.model_validate(POD | {"attachedResources": [attached]})
    (disk,) = pod.attached_resources
    assert (disk.id, disk.resource_type, disk.status, disk.mount_path) == (
        "disk-1",
        "DISK",
        AttachmentState.MOUNTED,
        "/workspace",
    )
    assert (disk.is_detachable, disk.resource_path, disk.size) == (False, "/dev/vdb", 500)


@pytest.mark.parametrize("wire", [None, [], "absent"])
def test_a_pod_without_attached_resources_has_an_empty_list(wire: object) -> None:
    body = POD if wire == "absent" else POD | {"attachedResources": wire}
    assert PodDetails.model_validate(body).attached_resources == []
