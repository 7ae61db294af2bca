"""What a ``Disk`` reports: one model of a disk's outputs.

The provider's outputs (:func:`disk_properties`), the resource's attributes and
the documented list of outputs all derive from :class:`DiskOutputs`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from prime_pulumi.client import DiskDetails


class DiskOutputs(BaseModel):
    """The disk as the API reports it, in the shape a ``Disk`` keeps in state."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    disk_id: str
    """The disk's id (also the resource's ``id``): what a ``Pod``'s ``disks`` takes."""
    name: str
    """The disk's name."""
    status: str
    """``ACTIVE`` once ready."""
    size: int
    """Size in GB."""
    price_hr: float | None
    """Price in USD per hour."""
    provider_type: str | None
    """The cloud provider holding the disk."""
    data_center_id: str | None
    """The data center the disk is in, declared or from the chosen offer (the API's disk
    record does not say): pods that mount it run there."""
    country: str | None
    """The country the disk is in, when declared or chosen."""
    pods: list[str]
    """Ids of the pods the disk is attached to."""
    created_at: str | None
    """Creation time, ISO 8601."""

    @classmethod
    def of(cls, disk: DiskDetails, inputs: dict[str, Any]) -> DiskOutputs:
        """The outputs of ``disk``; where the API leaves a field out, the input stands.

        The API's disk record does not say where the disk is: its place is what was
        declared, or taken from the offer it was made from.
        """
        return cls(
            disk_id=disk.id,
            name=disk.name or inputs["name"],
            status=disk.status,
            size=disk.size if disk.size is not None else inputs["size"],
            price_hr=disk.price_hr,
            provider_type=disk.provider_type or inputs.get("provider_type"),
            data_center_id=inputs.get("data_center_id"),
            country=inputs.get("country"),
            pods=list(disk.pods),
            created_at=disk.created_at.isoformat() if disk.created_at else None,
        )


#: Every output's name, in order.
OUTPUT_NAMES: tuple[str, ...] = tuple(DiskOutputs.model_fields)


def disk_properties(disk: DiskDetails, inputs: dict[str, Any]) -> dict[str, Any]:
    """The properties of a ``Disk`` in state: its inputs, then what the API reports."""
    return {**inputs, **DiskOutputs.of(disk, inputs).model_dump()}
