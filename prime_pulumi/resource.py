"""``Pod`` and ``Disk``, with ``PodArgs`` and ``DiskArgs``: the resources a program declares."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, cast

import pulumi
from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from prime_pulumi._provider.disk_inputs import DISK_RULES
from prime_pulumi._provider.disk_outputs import OUTPUT_NAMES as DISK_OUTPUT_NAMES
from prime_pulumi._provider.pod_inputs import POD_RULES
from prime_pulumi._provider.pod_outputs import OUTPUT_NAMES as POD_OUTPUT_NAMES
from prime_pulumi._provider.properties import URN_KEY, InputRules
from prime_pulumi.disk_provider import DiskProvider
from prime_pulumi.provider import PodProvider


@dataclass(kw_only=True)
class PodArgs:
    """What a ``Pod`` is: the GPU wanted, where and at what price, and how to set it up.

    Declare ``gpu_type`` and ``gpu_count`` and, optionally, constraints (``socket``,
    ``provider_type``, ``security``, ``regions``, ``data_center_id``, ``country``,
    ``max_price``): create then chooses the cheapest in-stock offer that matches. Or
    declare an offer's ``cloud_id`` (``get_gpu_offers``). Every field that reaches the
    API replaces the pod when it changes (the API cannot change a pod in place);
    ``ready_timeout`` does not, and neither does the marketplace moving.
    """

    gpu_type: Input[str]
    """GPU type, for example ``H100_80GB``."""
    gpu_count: Input[int]
    """Number of GPUs, at least 1."""
    cloud_id: Input[str] | None = None
    """An offer's id (``cloudId``); left out, create chooses the cheapest matching offer."""
    socket: Input[str] | None = None
    """GPU socket, for example ``PCIe`` or ``SXM5``; taken from the offer when left out."""
    provider_type: Input[str] | None = None
    """The cloud provider (the API's ``provider.type``), for example ``runpod``; taken from
    the offer when left out."""
    name: Input[str] | None = None
    """Pod name. Default: the resource name and a suffix, stable across retries of one run."""
    disk_size: Input[int] | None = None
    """Disk size in GB."""
    vcpus: Input[int] | None = None
    """Number of vCPUs."""
    memory: Input[int] | None = None
    """Memory in GB."""
    image: Input[str] | None = None
    """Image name, for example ``ubuntu_22_cuda_12``, or ``custom_template``."""
    custom_template_id: Input[str] | None = None
    """Template id, with ``image="custom_template"``."""
    data_center_id: Input[str] | None = None
    """Data center of the offer."""
    country: Input[str] | None = None
    """Country of the offer."""
    security: Input[str] | None = None
    """``secure_cloud`` or ``community_cloud``."""
    regions: Input[Sequence[Input[str]]] | None = None
    """Regions an offer may be in, for example ``["united_states", "canada"]``."""
    max_price: Input[float] | None = None
    """Highest price accepted, USD per hour: no offer above it is ever chosen."""
    env_vars: Input[Mapping[str, Input[str]]] | None = None
    """Environment variables of the pod. Secret in state and outputs."""
    jupyter_password: Input[str] | None = None
    """Password of the pod's Jupyter server. Secret in state and outputs."""
    ssh_key_id: Input[str] | None = None
    """Id of an SSH key of the account to install on the pod."""
    auto_restart: Input[bool] | None = None
    """Restart the pod when it stops."""
    team_id: Input[str] | None = None
    """Team that owns and pays for the pod (default: ``prime:teamId`` / ``PRIME_TEAM_ID``)."""
    disks: Input[Sequence[Input[str]]] | None = None
    """Ids of disks to attach, for example ``[disk.disk_id]``: mounted at ``/workspace``.
    Without ``cloud_id``, only offers in the disks' data center are chosen."""
    ready_timeout: Input[float] | None = None
    """Seconds to wait for the pod to be ready (default 1800). Changes in place."""
    adopt_pod_id: Input[str] | None = None
    """Bring an existing pod under management instead of creating one (see the README)."""


class Pod(Resource, module="prime", name="Pod"):
    """A Prime Intellect GPU pod, created and ready (SSH reachable) when ``pulumi up`` ends.

    ``pulumi destroy`` deletes it and waits until it is gone. A pod that fails to
    become ready is deleted before the error is reported.
    """

    # The outputs (PodOutputs; documented there), then every input, as declared.
    pod_id: Output[str]
    status: Output[str]
    installation_status: Output[str | None]
    installation_progress: Output[float | None]
    ssh_connection: Output[str | None]
    ip: Output[str | None]
    port_mappings: Output[list[dict[str, Any]]]
    price_hr: Output[float | None]
    gpu_name: Output[str | None]
    provider_type: Output[str]
    created_at: Output[str | None]
    attached_resources: Output[list[dict[str, Any]]]
    name: Output[str]
    gpu_type: Output[str]
    gpu_count: Output[int]
    cloud_id: Output[str]
    socket: Output[str]
    disk_size: Output[int | None]
    vcpus: Output[int | None]
    memory: Output[int | None]
    image: Output[str | None]
    custom_template_id: Output[str | None]
    data_center_id: Output[str | None]
    country: Output[str | None]
    security: Output[str | None]
    regions: Output[list[str] | None]
    max_price: Output[float | None]
    env_vars: Output[dict[str, str] | None]
    jupyter_password: Output[str | None]
    ssh_key_id: Output[str | None]
    auto_restart: Output[bool]
    team_id: Output[str | None]
    disks: Output[list[str] | None]
    ready_timeout: Output[float]
    adopt_pod_id: Output[str | None]

    def __init__(
        self, resource_name: str, args: PodArgs, opts: ResourceOptions | None = None
    ) -> None:
        props = _declared(args, POD_RULES, resource_name, _POD_TYPE, opts)
        super().__init__(
            PodProvider(), resource_name, _with_outputs(props, _POD_NAMES), _secrets(opts)
        )

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: ResourceOptions | None = None) -> Pod:
        """A read-only reference to an existing pod, by id; Pulumi never changes or deletes it."""
        pod = Pod.__new__(Pod)
        merged = ResourceOptions.merge(_secrets(opts), ResourceOptions(id=id))
        Resource.__init__(pod, PodProvider(), resource_name, _with_outputs({}, _POD_NAMES), merged)
        return pod


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
    """Size in GB, at least 1."""
    name: Input[str] | None = None
    """Disk name; changes in place. Default: the resource name and a suffix."""
    provider_type: Input[str] | None = None
    """The cloud provider (the API's ``provider.type``), for example ``runpod``; taken from
    the chosen offer when left out."""
    data_center_id: Input[str] | None = None
    """Data center to put the disk in; taken from the chosen offer when left out."""
    country: Input[str] | None = None
    """Country to put the disk in, for example ``US``."""
    cloud_id: Input[str] | None = None
    """A disk offer's ``cloud_id``, for offers that have one."""
    team_id: Input[str] | None = None
    """Team that owns and pays for the disk (default: ``prime:teamId`` / ``PRIME_TEAM_ID``)."""
    regions: Input[Sequence[Input[str]]] | None = None
    """Regions the chosen disk offer may be in, for example ``["united_states"]``."""
    ready_timeout: Input[float] | None = None
    """Seconds to wait for the disk to be ACTIVE (default 600). Changes in place."""


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
        props = _declared(args, DISK_RULES, resource_name, _DISK_TYPE, opts)
        super().__init__(DiskProvider(), resource_name, _with_outputs(props, _DISK_NAMES), opts)


#: The resource types, as the engine and URNs name them.
_POD_TYPE = f"pulumi-python:{Pod._resource_type_name}"
_DISK_TYPE = f"pulumi-python:{Disk._resource_type_name}"
#: Every input and output name of each: each becomes an attribute of the resource.
_POD_NAMES = (*POD_OUTPUT_NAMES, *POD_RULES.user)
_DISK_NAMES = (*DISK_OUTPUT_NAMES, *DISK_RULES.user)


def _declared(
    args: PodArgs | DiskArgs,
    rules: InputRules,
    resource_name: str,
    type_: str,
    opts: ResourceOptions | None,
) -> dict[str, Any]:
    """What a resource sends: what ``args`` declares, secrets wrapped, and the hidden
    properties the provider needs (the seed of a generated name, the URN)."""
    # Not dataclasses.asdict: it would deep-copy the Outputs.
    values = {f.name: getattr(args, f.name) for f in fields(args)}
    props: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
    for key in rules.secret:
        if key in props:
            props[key] = Output.secret(props[key])
    # The organization is unset under some runtimes (mocks, older engines).
    org = pulumi.get_organization() or "organization"
    seed = "/".join((org, pulumi.get_project(), pulumi.get_stack(), resource_name))
    props["auto_name_seed"] = seed
    # The provider is never told its resource's URN; it needs it to show progress in
    # this resource's row. Hidden (`__`) and never compared by diff.
    props[URN_KEY] = _urn_of(resource_name, type_, opts.parent if opts is not None else None)
    return props


def _urn_of(resource_name: str, type_: str, parent: pulumi.Resource | None) -> Output[str]:
    """The URN the engine gives this resource, without a dependency on its parent.

    A dependency on a component parent would be a cycle: a component stands for its
    children, this resource among them.
    """
    if parent is None:
        return pulumi.create_urn(resource_name, type_)
    urn = parent.urn
    value = cast("Awaitable[str]", urn.future())
    detached: Output[str] = Output(set(), value, urn.is_known(), urn.is_secret())
    return pulumi.create_urn(resource_name, type_, parent=detached)


def _with_outputs(props: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Adds every input and output name, so that each becomes an attribute of the resource.

    A property left ``None`` is not sent to the engine: only the attribute is made.
    """
    return {**dict.fromkeys(names), **props}


def _secrets(opts: ResourceOptions | None) -> ResourceOptions:
    """``opts``, with a pod's secret inputs kept secret in its outputs too."""
    return ResourceOptions.merge(
        opts, ResourceOptions(additional_secret_outputs=list(POD_RULES.secret))
    )
