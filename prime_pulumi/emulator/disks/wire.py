"""Disks on the wire: their API routes, the JSON shapes of disks, and their control bodies."""

from __future__ import annotations

from enum import unique
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from prime_pulumi.emulator.wire import (
    ApiRoute,
    Control,
    NotNull,
    PodStatusValue,
    Wire,
    WireBody,
    WireProviderSpec,
    WireTeamSpec,
)


@unique
class DiskRoute(ApiRoute):
    """The disks' API routes."""

    create_disk = ("POST", "/api/v1/disks/")
    list_disks = ("GET", "/api/v1/disks/")
    get_disk = ("GET", "/api/v1/disks/{disk_id}")
    update_disk = ("PATCH", "/api/v1/disks/{disk_id}")
    delete_disk = ("DELETE", "/api/v1/disks/{disk_id}")


DiskFateKind = Literal["ok", "error", "stuck"]


class WireDiskInfo(Wire):
    """Where a disk is: the keys the official SDK reads from a Disk's ``info``."""

    country: str
    data_center_id: str
    cloud_id: str | None
    is_multinode: bool


class WireDisk(Wire):
    """A disk as ``GET /api/v1/disks/{id}``, the list, create and rename return it.

    ``pods`` are the ids of the pods attached to it that are not terminated;
    ``clusters`` is always empty.
    """

    id: str
    name: str
    remote_id: str
    created_at: str
    updated_at: str
    terminated_at: str | None
    status: PodStatusValue
    provider_type: str
    size: int
    info: WireDiskInfo
    price_hr: float
    stopped_price_hr: float
    provisioning_price_hr: float
    user_id: str
    team_id: str | None
    wallet_id: str
    pods: list[str]
    clusters: list[str]


class DiskList(BaseModel):
    """One page of disks (DELETING ones included)."""

    total_count: int
    offset: int
    limit: int
    data: list[WireDisk]


class WireDiskSpec(WireBody):
    """The ``disk`` object of a create request; unknown keys are rejected, as in ``pod``."""

    model_config = ConfigDict(extra="forbid")

    size: int = Field(gt=0)
    name: Annotated[str | None, NotNull] = Field(default=None, max_length=255)

    country: str | None = None
    cloud_id: str | None = None
    data_center_id: str | None = None


class WireCreateDiskRequest(WireBody):
    """The body of ``POST /api/v1/disks/``."""

    # A disk offer of the default catalogue: so the OpenAPI document shows a create that
    # succeeds, and schemathesis, which sends the document's examples, makes disks.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"disk": {"size": 100, "dataCenterId": "US-KS-2"}, "provider": {"type": "runpod"}}
            ]
        }
    )

    disk: WireDiskSpec
    provider: WireProviderSpec
    team: WireTeamSpec | None = None


class WireUpdateDiskRequest(WireBody):
    """The body of ``PATCH /api/v1/disks/{id}``: a new name, and nothing else."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)


class DeletedDisk(Wire):
    """What ``DELETE /api/v1/disks/{id}`` returns: the disk's status right after."""

    status: Literal["DELETING", "TERMINATED"]


# --- control (/_emulator) ---------------------------------------------------


class DiskFate(Control):
    """What will happen to the next disk created.

    ``ok`` becomes ACTIVE after the disk provision time; ``error`` turns ERROR
    then instead; ``stuck`` stays PROVISIONING.
    """

    kind: DiskFateKind = "ok"


class DiskFateQueue(Control):
    """Fates for the next disks created, in order."""

    fates: list[DiskFate]


class EmulatedDisk(WireDisk):
    """A disk as the emulator holds it, gone ones included (TERMINATED), with its fate."""

    fate: DiskFateKind


class EmulatedDisks(Wire):
    """Every disk the emulator holds, gone ones included, in creation order."""

    data: list[EmulatedDisk]
