"""``Disk`` and ``DiskArgs``: the network disk a program declares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from prime_pulumi.disk.inputs import DISK_RULES
from prime_pulumi.disk.outputs import OUTPUT_NAMES
from prime_pulumi.disk_provider import DiskProvider
from prime_pulumi.dynamic.resource import declared, secret_outputs, with_outputs


@dataclass(kw_only=True)
class DiskArgs:
    """What a ``Disk`` is: its size, and where it goes.

    Declare ``provider_type`` and ``data_center_id`` to put it in one place. Or
    leave either out and declare constraints (``regions``, ``country``,
    ``provider_type``): create then chooses the cheapest in-stock disk offer that
    can hold ``size`` (``get_disk_offers``). A new ``name`` renames the disk in
    place; a new size or place replaces it, and its data with it (the API can
    neither resize nor move a disk).
    """

    size: Input[int]
    """Required. Size in GB, at least 1."""
    name: Input[str] | None = None
    """The disk's name. Default: the resource name, ``-`` and 7 hex characters. Changes in
    place (a rename)."""
    provider_type: Input[str] | None = None
    """The cloud provider (the API's ``provider.type``), for example ``runpod``; with
    ``data_center_id``, the disk goes exactly there. Else a constraint, or taken from the
    chosen offer."""
    data_center_id: Input[str] | None = None
    """The data center to put the disk in; pods that mount the disk run there. Else taken from
    the chosen offer."""
    country: Input[str] | None = None
    """The country to put the disk in, for example ``US``: a constraint, or taken from the
    chosen offer."""
    cloud_id: Input[str] | None = None
    """A disk offer's ``cloud_id``, for offers that have one."""
    team_id: Input[str] | None = None
    """The team that owns and pays for the disk. Default: ``prime:teamId`` /
    ``PRIME_TEAM_ID``."""
    regions: Input[Sequence[Input[str]]] | None = None
    """Regions the chosen disk offer may be in (the regions of a ``Pod``)."""
    ready_timeout: Input[float] | None = None
    """Seconds to wait until the disk is ``ACTIVE``. Default 600 (disks are usually ``ACTIVE``
    within a minute or two). Changes in place."""


class Disk(Resource, module="prime", name="Disk"):
    """A Prime Intellect network disk, ACTIVE when ``pulumi up`` ends; its data outlives pods.

    Pass ``disk.disk_id`` in a ``Pod``'s ``disks`` to mount it: Pulumi then makes
    the disk before the pod and deletes the pod before the disk. ``pulumi
    destroy`` deletes it, with its data, and waits until it is gone.
    """

    # The outputs (DiskOutputs; documented there), then every other input, as declared.
    disk_id: Output[str]
    name: Output[str]
    status: Output[str]
    size: Output[int]
    price_hr: Output[float | None]
    provider_type: Output[str | None]
    data_center_id: Output[str | None]
    country: Output[str | None]
    pods: Output[list[str]]
    created_at: Output[str | None]
    cloud_id: Output[str | None]
    team_id: Output[str | None]
    regions: Output[list[str] | None]
    ready_timeout: Output[float]

    def __init__(
        self, resource_name: str, args: DiskArgs, opts: ResourceOptions | None = None
    ) -> None:
        props = declared(args, DISK_RULES, resource_name, _DISK_TYPE, opts)
        super().__init__(
            DiskProvider(),
            resource_name,
            with_outputs(props, _DISK_NAMES),
            secret_outputs(opts, DISK_RULES),
        )


#: The resource type, as the engine and URNs name it.
_DISK_TYPE = f"pulumi-python:{Disk._resource_type_name}"
#: Every input and output name: each becomes an attribute of the resource.
_DISK_NAMES = (*OUTPUT_NAMES, *DISK_RULES.user)
