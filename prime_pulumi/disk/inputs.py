"""The inputs of a ``Disk``, validated once, in the provider's ``check``.

:class:`DiskInputs` is the one model of what a user may declare of a disk. As
for pods, what each input is (changed in place, internal) is marked on its
field, and :data:`DISK_RULES` derives the rest. The API can rename a disk and
nothing else: a new ``name`` is an update, a new size or place a replacement.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from prime_pulumi.client import CreateDiskRequest, DiskSpec, ProviderSpec, TeamSpec
from prime_pulumi.client.enums import ProviderType, Region
from prime_pulumi.core.properties import (
    InPlace,
    InputRules,
    Internal,
    Known,
    generated_name,
    same_named,
)
from prime_pulumi.disk.offers import DiskOffer

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: The API takes names of up to 255 characters.
DiskName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]

#: What a disk that does not declare its place takes from the disk offer it is made from.
DISK_OFFER_FILLS = ("provider_type", "data_center_id", "country", "cloud_id")


class DiskInputs(BaseModel):
    """Everything a ``Disk`` takes; the field names are the ``DiskArgs`` names."""

    # The attribute docstrings are the inputs' one description: ``DiskArgs`` repeats
    # them word for word and docs/disk.md shows them (tests/unit/test_reference.py checks).
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_attribute_docstrings=True
    )

    size: int = Field(ge=1)
    """Required. Size in GB, at least 1."""
    name: Annotated[DiskName | None, InPlace()] = None
    """The disk's name. Default: the resource name, ``-`` and 7 hex characters. Changes in
    place (a rename)."""
    provider_type: Annotated[NonEmpty | None, Known(ProviderType)] = None
    """The cloud provider (the API's ``provider.type``), for example ``runpod``; with
    ``data_center_id``, the disk goes exactly there. Else a constraint, or taken from the
    chosen offer."""
    data_center_id: NonEmpty | None = None
    """The data center to put the disk in; pods that mount the disk run there. Else taken
    from the chosen offer."""
    country: NonEmpty | None = None
    """The country to put the disk in, for example ``US``: a constraint, or taken from the
    chosen offer."""
    cloud_id: NonEmpty | None = None
    """A disk offer's ``cloud_id``, for offers that have one."""
    team_id: NonEmpty | None = None
    """The team that owns and pays for the disk. Default: ``prime:teamId`` /
    ``PRIME_TEAM_ID``."""
    regions: Annotated[list[NonEmpty] | None, Known(Region)] = Field(default=None, min_length=1)
    """Regions the chosen disk offer may be in (the regions of a ``Pod``)."""
    ready_timeout: Annotated[float, InPlace()] = Field(default=600.0, gt=0, allow_inf_nan=False)
    """Seconds to wait until the disk is ``ACTIVE``. Default 600 (disks are usually
    ``ACTIVE`` within a minute or two). Changes in place."""
    auto_name_seed: Annotated[str | None, Internal()] = None
    """Set by ``Disk``: ``org/project/stack/resource``, the seed of a generated name."""

    @property
    def placed(self) -> bool:
        """Whether the disk says exactly where it goes: posted as declared, no offer chosen."""
        return (
            self.provider_type is not None
            and self.data_center_id is not None
            and not (self.regions)
        )

    def with_offer(self, offer: DiskOffer) -> DiskInputs:
        """These inputs, with what they leave open filled in from ``offer``."""
        filled = {
            key: getattr(offer, key) for key in DISK_OFFER_FILLS if getattr(self, key) is None
        }
        return self.model_copy(update={k: v for k, v in filled.items() if v is not None})

    def to_create_request(self, name: str) -> CreateDiskRequest:
        """The API's create body for these inputs, under ``name``; the provider must be known."""
        if self.provider_type is None:
            raise ValueError("a disk's create needs provider_type: choose an offer")
        # Everything the API's disk takes under the same name as an input.
        disk = same_named(self, DiskSpec)
        disk["name"] = name
        return CreateDiskRequest(
            disk=DiskSpec(**disk),
            provider=ProviderSpec(type=self.provider_type),
            team=TeamSpec(team_id=self.team_id) if self.team_id else None,
        )


def auto_name(seed: str, inputs: dict[str, Any]) -> str:
    """A disk name from the resource name and a hash of what makes the disk (see pods').

    Only the inputs that replace the disk are hashed: a rename keeps the disk, and a
    new size or place makes a new one under a new name, so the two never collide.
    """
    hashed = {k: inputs[k] for k in DISK_RULES.replace if k != "name" and inputs.get(k) is not None}
    return generated_name(seed, hashed, fallback="disk")


#: What the marks on :class:`DiskInputs` say: who declares what, and what a change does.
DISK_RULES = InputRules(
    DiskInputs, "Disk", lambda inputs: auto_name(inputs.get("auto_name_seed") or "disk", inputs)
)
