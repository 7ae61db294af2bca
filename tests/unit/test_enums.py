"""The client knows the document's enums, accepts what a newer API adds, and suggests.

The document is Prime Intellect's own ``compute.yml``, read from ``../shared/openapi/``
beside the repository (CI has it there; the repository carries no copy).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from prime_pulumi.client import (
    AttachableType,
    AttachmentState,
    CreatePodRequest,
    Currency,
    GPUAvailability,
    GpuSocket,
    GpuType,
    HistorySortBy,
    Image,
    InstallationState,
    PodDetails,
    PodSpec,
    PodState,
    PodType,
    PortProtocol,
    PortUser,
    ProviderSpec,
    ProviderType,
    Region,
    ResourceType,
    SecurityType,
    SortOrder,
    StockStatus,
)
from prime_pulumi.client.enums import closest, is_known
from prime_pulumi.client.models import DiskAvailability, DiskDetails, PodStatus
from prime_pulumi.core.checks import UNKNOWN, check_inputs
from prime_pulumi.disk.inputs import DISK_RULES
from prime_pulumi.pod.errors import NoOfferError
from prime_pulumi.pod.inputs import POD_RULES, PodInputs
from prime_pulumi.pod.offer_choice import offers_to_try
from tests.unit.support import make_client

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared" / "openapi" / "compute.yml"

#: Where the document declares each enum (a component, a property or a query parameter),
#: and ours. A new enum in the document fails the test until it is listed here.
WHERE: dict[str, type[StrEnum]] = {
    "GPUType": GpuType,
    "GPUSocket": GpuSocket,
    "ProviderTypeEnum": ProviderType,
    "Regions": Region,
    "SecurityType": SecurityType,
    "EnvironmentTypeEnum": Image,
    "PodStatusEnum": PodState,
    "DiskStatusEnum": PodState,  # a disk's statuses are a pod's
    "InstallationStatusEnum": InstallationState,
    "PodTypeEnum": PodType,
    "AttachableResourceStatus": AttachmentState,
    "AttachableResourceType": AttachableType,
    "UsedByEnum": PortUser,
    "ProtocolEnum": PortProtocol,
    "ResourceType": ResourceType,
    "Currency": Currency,
    "GpuAvailability.stockStatus": StockStatus,
    "DiskAvailability.stockStatus": StockStatus,
    "GET /api/v1/pods/history sort_by": HistorySortBy,
    "GET /api/v1/pods/history sort_order": SortOrder,
}


@pytest.fixture(scope="module")
def document_enums() -> dict[str, list[str]]:
    if not DOCUMENT.exists():
        reason = f"the API's OpenAPI document is not at {DOCUMENT}"
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    document = yaml.safe_load(DOCUMENT.read_text())
    found: dict[str, list[str]] = {}
    for name, schema in document["components"]["schemas"].items():
        if "enum" in schema:
            found[name] = schema["enum"]
        for prop, spec in schema.get("properties", {}).items():
            if "enum" in spec:
                found[f"{name}.{prop}"] = spec["enum"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if "enum" in parameter.get("schema", {}):
                    key = f"{method.upper()} {path.rstrip('/')} {parameter['name']}"
                    found[key] = parameter["schema"]["enum"]
    return found


def test_every_enum_of_the_document_is_known_to_the_client(
    document_enums: dict[str, list[str]],
) -> None:
    assert set(document_enums) == set(WHERE)


@pytest.mark.parametrize("where", sorted(WHERE))
def test_each_enum_holds_the_documents_values(
    where: str, document_enums: dict[str, list[str]]
) -> None:
    # The document lists RTX3070_8GB twice; a set of values is what it means.
    assert {member.value for member in WHERE[where]} == set(document_enums[where])


@pytest.mark.parametrize(
    ("value", "known", "expected"),
    [
        ("H100", GpuType, "H100_80GB"),
        ("h100_80gb", GpuType, "H100_80GB"),
        ("H100-80GB", GpuType, "H100_80GB"),
        ("H100_80GB_SXM", GpuType, "H100_80GB"),
        ("A100", GpuType, "A100_80GB"),  # a tie goes to the first the document lists
        ("RTX 4090", GpuType, "RTX4090_24GB"),
        ("4090", GpuType, "RTX4090_24GB"),
        ("ubuntu_99", Image, "ubuntu_22_cuda_12"),
        ("pytorch_2_7", Image, "cuda_12_6_pytorch_2_7"),
        ("sxm5", GpuSocket, "SXM5"),
        ("runpd", ProviderType, "runpod"),
        ("eu_wst", Region, "eu_west"),
    ],
)
def test_the_closest_known_value_is_the_one_a_user_meant(
    value: str, known: type[StrEnum], expected: str
) -> None:
    assert closest(value, known) == expected


def test_nothing_is_closest_among_nothing() -> None:
    assert closest("H100", []) is None


def test_known_means_spelled_as_the_api_spells_it() -> None:
    assert is_known("H100_80GB", GpuType)
    assert not is_known("h100_80gb", GpuType)
    assert not is_known("H100", GpuType)


# ------------------------------------------------------------ models accept unknowns


def test_an_offer_with_values_a_newer_api_adds_parses_as_strings() -> None:
    offer = GPUAvailability.model_validate(
        {
            "cloudId": "c-1",
            "gpuType": "Z900_1TB",
            "socket": "SXM9",
            "provider": "newcloud",
            "region": "antarctica",
            "stockStatus": "Plenty",
            "security": "space_cloud",
            "images": ["ubuntu_30_cuda_14", "ubuntu_22_cuda_12"],
            "prices": {"onDemand": 1.0, "currency": "JPY"},
        }
    )
    assert (offer.gpu_type, offer.socket, offer.provider, offer.region) == (
        "Z900_1TB",
        "SXM9",
        "newcloud",
        "antarctica",
    )
    assert (offer.stock_status, offer.security) == ("Plenty", "space_cloud")
    assert offer.images == ["ubuntu_30_cuda_14", Image.UBUNTU_22_CUDA_12]
    assert offer.prices is not None and offer.prices.currency == "JPY"


def test_known_values_compare_equal_to_the_enums_members() -> None:
    offer = GPUAvailability.model_validate(
        {"cloudId": "c-1", "gpuType": "H100_80GB", "socket": "PCIe", "stockStatus": "Low"}
    )
    assert offer.gpu_type == GpuType.H100_80GB
    assert offer.socket == GpuSocket.PCIE
    assert offer.stock_status == StockStatus.LOW
    # What the API sent, as it sent it: no enum's repr in a message.
    assert repr(offer.gpu_type) == "'H100_80GB'"


def test_a_pod_and_a_disk_in_states_a_newer_api_adds_parse() -> None:
    pod = PodDetails.model_validate(
        {
            "id": "p-1",
            "status": "HIBERNATING",
            "gpuName": "Z900_1TB",
            "providerType": "newcloud",
            "installationStatus": "VERIFYING",
            "socket": "SXM9",
            "type": "BORROWED",
            "environmentType": "ubuntu_30_cuda_14",
            "primePortMapping": [{"protocol": "QUIC", "usedBy": "VSCODE"}],
            "attachedResources": [{"resourceType": "GPU_SLICE", "status": "SYNCING"}],
        }
    )
    assert (pod.status, pod.gpu_name, pod.environment_type, pod.type) == (
        "HIBERNATING",
        "Z900_1TB",
        "ubuntu_30_cuda_14",
        "BORROWED",
    )
    assert not pod.is_ready and pod.failure is None
    assert pod.port_mappings[0].protocol == "QUIC"
    assert pod.attached_resources[0].status == "SYNCING"
    status = PodStatus.model_validate({"podId": "p-1", "status": "HIBERNATING"})
    assert status.status == "HIBERNATING"
    disk = DiskDetails.model_validate({"id": "d-1", "status": "RESIZING", "providerType": "x"})
    assert disk.status == "RESIZING"
    offer = DiskAvailability.model_validate({"provider": "newcloud", "region": "antarctica"})
    assert offer.region == "antarctica"


def test_a_create_request_sends_values_a_newer_api_adds_as_given() -> None:
    request = CreatePodRequest(
        pod=PodSpec(
            cloud_id="c-1",
            gpu_type="Z900_1TB",
            socket=GpuSocket.SXM5,
            gpu_count=1,
            image="ubuntu_30_cuda_14",
            security="space_cloud",
        ),
        provider=ProviderSpec(type="newcloud"),
    )
    body = request.to_body()
    assert body["pod"]["gpuType"] == "Z900_1TB"
    assert body["pod"]["socket"] == "SXM5"
    assert (body["pod"]["image"], body["pod"]["security"]) == ("ubuntu_30_cuda_14", "space_cloud")
    assert body["provider"] == {"type": "newcloud"}


# ------------------------------------------------------------ warnings at Check

POD = {"gpu_type": "H100_80GB", "gpu_count": 1, "auto_name_seed": "org/p/s/trainer"}


def test_a_gpu_type_and_an_image_the_api_does_not_list_are_warned_of_not_refused() -> None:
    checked = check_inputs(POD_RULES, {**POD, "gpu_type": "H100", "image": "ubuntu_99"})
    assert checked.failures == []
    assert checked.inputs["gpu_type"] == "H100"  # sent as declared: the API decides
    assert [(w.property, w.reason) for w in checked.warnings] == [
        (
            "gpu_type",
            "gpu_type 'H100' is not a value the API lists; the closest is 'H100_80GB'. "
            "It is kept as declared, in case a newer API knows it.",
        ),
        (
            "image",
            "image 'ubuntu_99' is not a value the API lists; the closest is "
            "'ubuntu_22_cuda_12'. It is kept as declared, in case a newer API knows it.",
        ),
    ]


def test_values_the_api_lists_give_no_warning() -> None:
    declared = {
        **POD,
        "image": "cuda_12_4_pytorch_2_5",
        "socket": "SXM5",
        "provider_type": "runpod",
        "security": "secure_cloud",
        "regions": ["eu_west", "united_states"],
    }
    checked = check_inputs(POD_RULES, declared)
    assert (checked.failures, checked.warnings) == ([], [])


def test_each_listed_input_and_each_region_is_checked() -> None:
    declared = {
        **POD,
        "socket": "SXM",
        "provider_type": "runpd",
        "security": "cheap_cloud",
        "regions": ["eu_west", "eu_wst"],
    }
    warned = {w.property: w.reason for w in check_inputs(POD_RULES, declared).warnings}
    assert set(warned) == {"socket", "provider_type", "security", "regions"}
    assert "'runpod'" in warned["provider_type"]
    assert "regions 'eu_wst'" in warned["regions"] and "'eu_west'" in warned["regions"]


def test_a_value_not_known_yet_is_not_warned_of() -> None:
    checked = check_inputs(POD_RULES, {**POD, "gpu_type": UNKNOWN, "regions": [UNKNOWN]})
    assert checked.warnings == []


def test_a_warning_comes_with_the_failures_it_does_not_cause() -> None:
    checked = check_inputs(POD_RULES, {**POD, "gpu_type": "H100", "gpu_count": 0})
    assert [f.property for f in checked.failures] == ["gpu_count"]
    assert [w.property for w in checked.warnings] == ["gpu_type"]


def test_a_disks_provider_and_regions_are_checked_too() -> None:
    declared = {"size": 100, "provider_type": "runpd", "regions": ["eu_wst"]}
    checked = check_inputs(DISK_RULES, declared)
    assert checked.failures == []
    assert [w.property for w in checked.warnings] == ["provider_type", "regions"]


# ------------------------------------------------------------ the error at create


def _pod(gpu_type: str) -> PodInputs:
    return PodInputs(gpu_type=gpu_type, gpu_count=1)


def _no_offer(gpu_type: str, answer: httpx.Response) -> str:
    client = make_client(lambda request: answer)
    with pytest.raises(NoOfferError) as raised:
        offers_to_try(client, _pod(gpu_type), "trainer")
    return str(raised.value)


def test_no_offer_of_a_gpu_type_the_api_does_not_list_names_the_closest() -> None:
    message = _no_offer("H100", httpx.Response(200, json={"items": [], "totalCount": 0}))
    assert message == (
        # Neither listing has it: single-node, then multi-node (16 GPUs may span nodes).
        "Pod 'trainer': the API lists no offer of 1x H100 on one node or several. 'H100' is "
        "not a GPU type the API lists; the closest is 'H100_80GB'. Nothing was posted."
    )


def test_no_offer_of_a_listed_gpu_type_suggests_nothing() -> None:
    message = _no_offer("B300_262GB", httpx.Response(200, json={"items": [], "totalCount": 0}))
    assert message == (
        "Pod 'trainer': the API lists no offer of 1x B300_262GB on one node or several. "
        "Nothing was posted."
    )


def test_a_gpu_type_the_api_refuses_to_list_offers_of_names_the_closest() -> None:
    # The document's availability filter takes only its GPU types: the API answers 422.
    refusal: dict[str, Any] = {"errors": [{"msg": "Input should be 'CPU_NODE', ..."}]}
    message = _no_offer("H100", httpx.Response(422, json=refusal))
    assert message.startswith("Pod 'trainer': the API refuses to list offers of H100.")
    assert message.endswith(
        "'H100' is not a GPU type the API lists; the closest is 'H100_80GB'. Nothing was posted."
    )
