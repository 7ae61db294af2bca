"""The emulator's value sets and its catalogue agree with the published document.

Each set the emulator checks requests against (a ``Literal`` of its wire models) holds
exactly the values of ``compute.yml``'s enum of that name, and every offer of the
default catalogue, GPU and disk, validates against the document's schema of an offer:
no image, GPU type or provider the API would not name. Skipped, with the reason, where
the document is absent.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest

from prime_pulumi.emulator import wire
from prime_pulumi.emulator.availability.catalogue import default_disk_offers, default_offers
from prime_pulumi.emulator.pods.wire import HistorySortKey, SortOrder
from tests.kit.published_api import COMPUTE, component, document, enum, problems, validator


def _parameter_enum(doc: dict[str, Any], path: str, name: str) -> set[str]:
    [parameter] = [p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name]
    return set(parameter["schema"]["enum"])


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        pytest.param(wire.GpuType, lambda doc: enum(doc, "GPUType"), id="GPUType"),
        pytest.param(wire.Socket, lambda doc: enum(doc, "GPUSocket"), id="GPUSocket"),
        pytest.param(wire.Security, lambda doc: enum(doc, "SecurityType"), id="SecurityType"),
        pytest.param(wire.Region, lambda doc: enum(doc, "Regions"), id="Regions"),
        pytest.param(wire.Currency, lambda doc: enum(doc, "Currency"), id="Currency"),
        pytest.param(
            wire.EnvironmentType, lambda doc: enum(doc, "EnvironmentTypeEnum"), id="images"
        ),
        pytest.param(
            wire.ProviderType, lambda doc: enum(doc, "ProviderTypeEnum"), id="ProviderTypeEnum"
        ),
        pytest.param(
            wire.StockStatus,
            lambda doc: set(component(doc, "GpuAvailability")["properties"]["stockStatus"]["enum"]),
            id="stockStatus",
        ),
        pytest.param(
            HistorySortKey,
            lambda doc: _parameter_enum(doc, "/api/v1/pods/history", "sort_by"),
            id="history sort_by",
        ),
        pytest.param(
            SortOrder,
            lambda doc: _parameter_enum(doc, "/api/v1/pods/history", "sort_order"),
            id="history sort_order",
        ),
    ],
)
def test_each_value_set_is_the_documents(ours: Any, theirs: Any) -> None:
    assert set(get_args(ours)) == theirs(document(COMPUTE))


def test_every_gpu_offer_of_the_catalogue_is_a_documented_offer() -> None:
    doc = document(COMPUTE)
    check = validator(doc, component(doc, "GpuAvailability"))
    found = {
        offer.availability.cloud_id: problems(check, offer.availability.model_dump(mode="json"))
        for offer in default_offers()
    }
    assert {cloud_id: wrong for cloud_id, wrong in found.items() if wrong} == {}
    images = {image for offer in default_offers() for image in offer.availability.images}
    assert "vllm_llama_8b" in images  # the document's name, not vllm_llama_3_1_8b


def test_every_disk_offer_of_the_catalogue_is_a_documented_offer() -> None:
    doc = document(COMPUTE)
    check = validator(doc, component(doc, "DiskAvailability"))
    found = [problems(check, offer.model_dump(mode="json")) for offer in default_disk_offers()]
    assert [wrong for wrong in found if wrong] == []


def test_a_value_outside_the_documents_set_is_found() -> None:
    # The check above can fail: the image the catalogue once offered is refused.
    doc = document(COMPUTE)
    [offer, *_] = default_offers()
    item = offer.availability.model_dump(mode="json") | {"images": ["vllm_llama_3_1_8b"]}
    [wrong] = problems(validator(doc, component(doc, "GpuAvailability")), item)
    assert wrong.startswith("images/0: ") and "vllm_llama_3_1_8b" in wrong
