"""``Pod`` and ``PodArgs``: the GPU pod a program declares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from prime_pulumi.dynamic.resource import declared, secret_outputs, with_outputs
from prime_pulumi.pod.inputs import POD_RULES
from prime_pulumi.pod.outputs import OUTPUT_NAMES
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
    """Required. The GPU type, for example ``H100_80GB``; one the API does not list gets a
    warning naming the closest (for ``H100``, ``H100_80GB``)."""
    gpu_count: Input[int]
    """Required. The number of GPUs, at least 1."""
    cloud_id: Input[str] | None = None
    """An offer's id (its ``cloudId``, see ``get_gpu_offers``); left out, create chooses the
    cheapest matching offer."""
    socket: Input[str] | None = None
    """The GPU socket, for example ``PCIe`` or ``SXM5``: a constraint, or taken from the
    offer."""
    provider_type: Input[str] | None = None
    """The cloud provider (the API's ``provider.type``), for example ``runpod``: a constraint,
    or taken from the offer."""
    name: Input[str] | None = None
    """The pod's name. Default: the resource name, ``-`` and 7 hex characters, the same when
    an interrupted run is run again."""
    disk_size: Input[int] | None = None
    """Disk size in GB, at least 1."""
    vcpus: Input[int] | None = None
    """The number of vCPUs, at least 1."""
    memory: Input[int] | None = None
    """Memory in GB, at least 1."""
    image: Input[str] | None = None
    """The image, for example ``ubuntu_22_cuda_12``, or ``custom_template`` with
    ``custom_template_id``; one the API does not list gets a warning naming the closest."""
    custom_template_id: Input[str] | None = None
    """The template of ``image="custom_template"``."""
    data_center_id: Input[str] | None = None
    """The offer's data center: a constraint, or taken from the offer."""
    country: Input[str] | None = None
    """The offer's country: a constraint, or taken from the offer."""
    security: Input[str] | None = None
    """``secure_cloud`` or ``community_cloud``."""
    regions: Input[Sequence[Input[str]]] | None = None
    """Regions an offer may be in: ``africa``, ``asia_south``, ``asia_northeast``,
    ``australia``, ``canada``, ``eu_east``, ``eu_north``, ``eu_west``, ``middle_east``,
    ``south_america``, ``united_states``."""
    max_price: Input[float] | None = None
    """The highest price accepted, USD per hour, above 0: no offer above it is ever chosen
    (the spend guard)."""
    multi_node: Input[bool] | None = None
    """Whether the pod spans several nodes: true chooses only among multi-node offers
    (``get_gpu_offers`` with ``multi_node``), false only among single-node ones. Left out, a
    single-node offer, or a multi-node one when the API lists no single-node offer of
    ``gpu_count`` GPUs of ``gpu_type``."""
    env_vars: Input[Mapping[str, Input[str]]] | None = None
    """Environment variables of the pod, named ``[A-Za-z_][A-Za-z0-9_]*``. Secret in state and
    outputs."""
    jupyter_password: Input[str] | None = None
    """The password of the pod's Jupyter server. Secret in state and outputs."""
    ssh_key_id: Input[str] | None = None
    """The id of an SSH key of the account, to install on the pod."""
    auto_restart: Input[bool] | None = None
    """Restart the pod when it stops. Default false."""
    team_id: Input[str] | None = None
    """The team that owns and pays for the pod. Default: ``prime:teamId`` / ``PRIME_TEAM_ID``."""
    shared_with_team: Input[bool] | None = None
    """Share the pod with every member of its team. Default false. The API cannot change a
    pod's sharing, so a change replaces the pod."""
    team_member_ids: Input[Sequence[Input[str]]] | None = None
    """User ids of the team members to share the pod with. The API cannot change a pod's
    sharing, so a change replaces the pod."""
    disks: Input[Sequence[Input[str]]] | None = None
    """Ids of disks to attach (``[disk.disk_id]``), mounted at ``/workspace``; without
    ``cloud_id``, only offers in the disks' data center are chosen."""
    ready_timeout: Input[float] | None = None
    """Seconds to wait until the pod is ready. Default 1800 (large multi-GPU pods take 25
    minutes). Changes in place."""
    adopt_pod_id: Input[str] | None = None
    """Bring an existing pod under management instead of creating one."""


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
    nodes: Output[list[dict[str, str | None]]]
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
    multi_node: Output[bool | None]
    env_vars: Output[dict[str, str] | None]
    jupyter_password: Output[str | None]
    ssh_key_id: Output[str | None]
    auto_restart: Output[bool]
    team_id: Output[str | None]
    shared_with_team: Output[bool | None]
    team_member_ids: Output[list[str] | None]
    disks: Output[list[str] | None]
    ready_timeout: Output[float]
    adopt_pod_id: Output[str | None]

    def __init__(
        self, resource_name: str, args: PodArgs, opts: ResourceOptions | None = None
    ) -> None:
        props = declared(args, POD_RULES, resource_name, _POD_TYPE, opts)
        super().__init__(
            PodProvider(),
            resource_name,
            with_outputs(props, _POD_NAMES),
            secret_outputs(opts, POD_RULES),
        )

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: ResourceOptions | None = None) -> Pod:
        """A read-only reference to an existing pod, by id; Pulumi never changes or deletes it."""
        pod = Pod.__new__(Pod)
        merged = ResourceOptions.merge(secret_outputs(opts, POD_RULES), ResourceOptions(id=id))
        Resource.__init__(pod, PodProvider(), resource_name, with_outputs({}, _POD_NAMES), merged)
        return pod


#: The resource type, as the engine and URNs name it.
_POD_TYPE = f"pulumi-python:{Pod._resource_type_name}"
#: Every input and output name: each becomes an attribute of the resource.
_POD_NAMES = (*OUTPUT_NAMES, *POD_RULES.user)
