"""Pydantic models of the Prime Intellect API's requests and answers.

Attributes are snake_case; the wire format is camelCase. The models read every
variant of an answer that the README's "What the API answers" lists:
``sshConnection`` and ``ip`` as a string, a list, ``null`` or ``[null]``;
``costPerHr`` or ``priceHr``; disk offers as ``{items, totalCount}`` or a bare
list; unknown extra fields (ignored).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    SecretStr,
    field_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel


class PodState(StrEnum):
    """Values of a pod's or a disk's ``status``. The API may add others; models keep any string."""

    PROVISIONING = "PROVISIONING"
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    STOPPED = "STOPPED"
    ERROR = "ERROR"
    DELETING = "DELETING"
    UNKNOWN = "UNKNOWN"
    TERMINATED = "TERMINATED"


class InstallationState(StrEnum):
    """Values of a pod's ``installationStatus``."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    FINISHED = "FINISHED"
    ERROR = "ERROR"
    TERMINATED = "TERMINATED"


class AttachmentState(StrEnum):
    """Values of an attached resource's ``status`` (a disk on a pod)."""

    UNATTACHED = "UNATTACHED"
    ATTACHED = "ATTACHED"
    MOUNTED = "MOUNTED"


FAILED_STATES = frozenset({PodState.ERROR, PodState.TERMINATED})


def _as_string_list(value: Any) -> Any:
    """``None``, ``"x"``, ``["x", None]`` and ``[None]`` all become a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item is not None and item != ""]
    return value


StringList = Annotated[list[str], BeforeValidator(_as_string_list)]


def _as_id_list(value: Any) -> Any:
    """``None`` becomes ``[]``; objects in the list (``{"id": ...}``) become their ids."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [item.get("id") if isinstance(item, dict) else item for item in value]
    return value


#: Ids of related resources (a disk's pods): ``null`` is none, an object stands for its id.
IdList = Annotated[list[str], BeforeValidator(_as_id_list)]


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


ItemT = TypeVar("ItemT")


class APIModel(BaseModel):
    """Base of the answers: camelCase on the wire, snake_case in Python, extras ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="ignore",
        coerce_numbers_to_str=True,
    )


class PortMapping(APIModel):
    """One port a pod exposes."""

    internal: str | None = None
    external: str | None = None
    protocol: str | None = None
    used_by: str | None = None
    description: str | None = None


class _Billed(APIModel):
    """What a pod, a disk, a cluster and a cluster node share: who owns it, what it costs."""

    created_at: datetime | None = None
    updated_at: datetime | None = None
    user_id: str | None = None
    team_id: str | None = None
    wallet_id: str | None = None
    #: USD per hour: while running, stopped and provisioning, and before any discount.
    price_hr: float | None = None
    stopped_price_hr: float | None = None
    provisioning_price_hr: float | None = None
    base_price_hr: float | None = None
    base_currency: str | None = None


class _PodProgress(APIModel):
    """What a pod and its status share: the fields that say whether it is ready."""

    status: str
    installation_failure: str | None = None
    installation_progress: float | None = None
    ssh_connections: StringList = Field(default_factory=list, alias="sshConnection")
    ips: StringList = Field(default_factory=list, alias="ip")
    port_mappings: list[PortMapping] = Field(default_factory=list, alias="primePortMapping")

    @property
    def ssh_connection(self) -> str | None:
        """The first SSH connection string (``root@1.2.3.4 -p 22``), if any."""
        return self.ssh_connections[0] if self.ssh_connections else None

    @property
    def ip(self) -> str | None:
        """The first IP address, if any."""
        return self.ips[0] if self.ips else None

    @property
    def installation_finished(self) -> bool:
        """Whether installation is done (progress 100 and no failure)."""
        return self.installation_failure is None and (self.installation_progress or 0) >= 100

    @property
    def is_ready(self) -> bool:
        """Ready for use: ACTIVE, installation finished and an SSH connection set."""
        return (
            self.status == PodState.ACTIVE
            and self.installation_finished
            and self.ssh_connection is not None
        )

    @property
    def failure(self) -> str | None:
        """Why the pod failed (ERROR, TERMINATED or an installation failure), or ``None``.

        An installation failure may clear again: the service retries some by itself.
        """
        if self.status in FAILED_STATES:
            return f"status is {self.status}"
        if self.installation_failure:
            return f"installation failed: {self.installation_failure}"
        return None


class AttachedResource(APIModel):
    """A resource attached to a pod, as the pod's ``attachedResources`` lists it (a disk).

    ``status`` is one of :class:`AttachmentState`; ``mount_path`` is where the pod
    sees it (``/workspace`` unless chosen otherwise); ``size`` is in GB. Every field
    may be missing: an odd attachment must never make its pod unreadable.
    """

    id: str | None = None
    resource_type: str | None = None
    status: str | None = None
    is_detachable: bool | None = None
    mount_path: str | None = None
    resource_path: str | None = None
    size: int | None = None


class PodDetails(_PodProgress, _Billed):
    """A pod, as ``GET /api/v1/pods/{id}``, the pod list and create return it."""

    id: str
    name: str | None = None
    gpu_name: str | None = None
    gpu_count: int | None = None
    provider_type: str | None = None
    installation_status: str | None = None
    socket: str | None = None
    type: str | None = None
    environment_type: str | None = None
    resources: dict[str, Any] | None = None
    #: The disks attached to the pod; ``null`` on the wire is an empty list.
    attached_resources: Annotated[list[AttachedResource], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list
    )
    jupyter_password: SecretStr | None = None
    custom_template_id: str | None = None
    is_spot: bool | None = None
    auto_restart: bool | None = None

    @property
    def installation_finished(self) -> bool:
        """Whether installation is done; a pod also says so by ``installationStatus``."""
        if self.installation_failure is not None:
            return False
        return (
            self.installation_status == InstallationState.FINISHED
            or (self.installation_progress or 0) >= 100
        )


class PodStatus(_PodProgress):
    """One entry of ``GET /api/v1/pods/status``."""

    pod_id: str
    provider_type: str | None = None
    # The guide calls it costPerHr, the SDK priceHr.
    price_hr: float | None = Field(
        default=None, validation_alias=AliasChoices("priceHr", "costPerHr", "price_hr")
    )


class OffsetPage(APIModel, Generic[ItemT]):
    """One page of a list paginated by ``offset`` and ``limit``: ``{total_count, ..., data}``."""

    total_count: int = Field(validation_alias=AliasChoices("total_count", "totalCount"))
    offset: int = 0
    limit: int = 0
    data: list[ItemT] = Field(default_factory=list)


class PodPage(OffsetPage[PodDetails]):
    """One page of ``GET /api/v1/pods/``."""


class PodStatusList(APIModel):
    """The answer of ``GET /api/v1/pods/status``."""

    data: list[PodStatus] = Field(default_factory=list)


class PodHistoryEntry(APIModel):
    """A terminated pod, from ``GET /api/v1/pods/history``."""

    id: str
    name: str | None = None
    provider_type: str | None = None
    gpu_name: str | None = None
    gpu_count: int | None = None
    price_hr: float | None = None
    created_at: datetime | None = None
    terminated_at: datetime | None = None
    total_billed_price: float | None = None
    user_id: str | None = None
    team_id: str | None = None


class PodHistoryPage(OffsetPage[PodHistoryEntry]):
    """One page of ``GET /api/v1/pods/history``."""


class DeletePodResult(APIModel):
    """The answer of ``DELETE /api/v1/pods/{id}``."""

    status: str


# ---------------------------------------------------------------- disks


class DiskDetails(_Billed):
    """A network disk, as ``GET /api/v1/disks/{id}``, the disk list, create and rename return it.

    ``status`` takes the pods' values (:class:`PodState`); ``size`` is in GB;
    ``pods`` are the ids of the pods it is attached to. Fields the API leaves out
    are ``None`` (or empty), as for pods.
    """

    id: str
    status: str
    name: str | None = None
    remote_id: str | None = None
    terminated_at: datetime | None = None
    provider_type: str | None = None
    size: int | None = None
    info: Any = None
    pods: IdList = Field(default_factory=list)
    clusters: IdList = Field(default_factory=list)


class DiskPage(OffsetPage[DiskDetails]):
    """One page of ``GET /api/v1/disks/``."""


# ---------------------------------------------------------------- create request


class RequestModel(BaseModel):
    """Base of request bodies: built in Python by field name, sent camelCase, no extras."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
    )


class EnvVar(RequestModel):
    """An environment variable of a pod; the value is secret."""

    key: str
    value: SecretStr

    @field_serializer("value", when_used="json")
    def _reveal(self, value: SecretStr) -> str:
        return value.get_secret_value()


Security = Literal["secure_cloud", "community_cloud"]
#: The regions the API knows (its ``regions`` filter takes these).
Region = Literal[
    "africa",
    "asia_south",
    "asia_northeast",
    "australia",
    "canada",
    "eu_east",
    "eu_north",
    "eu_west",
    "middle_east",
    "south_america",
    "united_states",
]
#: The stock status of an offer that cannot be had.
OUT_OF_STOCK = "Unavailable"


class PodSpec(RequestModel):
    """The ``pod`` object of a create request."""

    name: str | None = None
    cloud_id: str
    gpu_type: str
    socket: str
    gpu_count: int = Field(ge=1)
    disk_size: int | None = Field(default=None, ge=0)
    vcpus: int | None = Field(default=None, ge=0)
    memory: int | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)
    image: str | None = None
    custom_template_id: str | None = None
    data_center_id: str | None = None
    country: str | None = None
    security: Security | None = None
    env_vars: list[EnvVar] = Field(default_factory=list)
    jupyter_password: SecretStr | None = None
    ssh_key_id: str | None = None
    auto_restart: bool = False

    @field_serializer("jupyter_password", when_used="json")
    def _reveal(self, value: SecretStr | None) -> str | None:
        return None if value is None else value.get_secret_value()


class ProviderSpec(RequestModel):
    """The ``provider`` object: which cloud provider hosts the pod."""

    type: str


class TeamSpec(RequestModel):
    """The ``team`` object: the team that owns and pays for the pod."""

    team_id: str


class RequestBody(RequestModel):
    """Base of a whole request body: :meth:`to_body` is what is sent."""

    def to_body(self) -> dict[str, Any]:
        """The JSON body as the API expects it, secrets revealed, unset options left out."""
        return self.model_dump(mode="json", exclude_none=True)


class CreatePodRequest(RequestBody):
    """The body of ``POST /api/v1/pods/``."""

    pod: PodSpec
    provider: ProviderSpec
    disks: list[str] | None = None
    team: TeamSpec | None = None


class DiskSpec(RequestModel):
    """The ``disk`` object of a create request: its size in GB, name and place.

    ``cloud_id`` is a disk offer's (from ``list_disk_availability``), when it has one.
    """

    size: int = Field(ge=1)
    name: str | None = Field(default=None, max_length=255)
    country: str | None = None
    cloud_id: str | None = None
    data_center_id: str | None = None


class CreateDiskRequest(RequestBody):
    """The body of ``POST /api/v1/disks/``."""

    disk: DiskSpec
    provider: ProviderSpec
    team: TeamSpec | None = None


# ---------------------------------------------------------------- availability


class ResourceOffer(APIModel):
    """How much disk, vCPU or memory an offer allows, and at what price."""

    min_count: float | None = None
    default_count: float | None = None
    max_count: float | None = None
    price_per_unit: float | None = None
    step: float | None = None
    default_included_in_price: bool | None = None
    additional_info: str | None = None


class Prices(APIModel):
    """The prices of an offer, per hour."""

    on_demand: float | None = None
    community_price: float | None = None
    is_variable: bool | None = None
    currency: str | None = None


class GPUAvailability(APIModel):
    """One offer from ``GET /api/v1/availability/gpus``: use its ``cloud_id`` to create a pod."""

    cloud_id: str
    gpu_type: str
    socket: str | None = None
    provider: str | None = None
    data_center: str | None = None
    country: str | None = None
    region: str | None = None
    gpu_count: int | None = None
    gpu_memory: int | None = None
    disk: ResourceOffer | None = None
    vcpu: ResourceOffer | None = None
    memory: ResourceOffer | None = None
    stock_status: str | None = None
    security: str | None = None
    prices: Prices | None = None
    images: list[str] = Field(default_factory=list)
    is_spot: bool | None = None


class NumberedPage(APIModel, Generic[ItemT]):
    """One page of a list paginated by ``page`` and ``page_size``: ``{items, totalCount}``."""

    items: list[ItemT] = Field(default_factory=list)
    total_count: int = Field(default=0, validation_alias=AliasChoices("totalCount", "total_count"))


class GPUAvailabilityPage(NumberedPage[GPUAvailability]):
    """One page of availability offers."""


class GpuPriceSummary(APIModel):
    """The cheapest prices of one GPU type and count, per hour (``PricingInfo``).

    ``spot_price`` is the cheapest spot offer's; each is ``None`` when no offer has one.
    """

    on_demand: float | None = None
    community_price: float | None = None
    spot_price: float | None = None


class _CountPricing(APIModel):
    """What a summary says of one GPU count: ``{"cheapest": PricingInfo | null, ...}``."""

    cheapest: GpuPriceSummary | None = None


#: ``GET /api/v1/availability/gpu-summary``: GPU type, then GPU count (a string key).
GpuSummary = RootModel[dict[str, dict[str, _CountPricing]]]


class DiskAvailability(APIModel):
    """One disk offer from ``GET /api/v1/availability/disks``: where disks can be made.

    ``spec`` gives the sizes in GB (``min_count`` to ``max_count`` by ``step``) and
    ``price_per_unit``, USD per GB per hour. ``cloud_id`` may be ``None``: such an
    offer is chosen by its ``data_center`` and ``country``. ``is_multinode``: one
    disk can serve several pods at once.
    """

    cloud_id: str | None = None
    provider: str | None = None
    data_center: str | None = None
    country: str | None = None
    region: str | None = None
    spec: ResourceOffer | None = None
    stock_status: str | None = None
    security: str | None = None
    is_multinode: bool | None = None


class DiskAvailabilityPage(NumberedPage[DiskAvailability]):
    """One page of disk offers; a bare list (as one guide shows it) is the whole answer."""

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"items": value, "totalCount": len(value)}
        return value


# ---------------------------------------------------------------- admin clusters


class NodeConnection(APIModel):
    """How to reach one pod of a cluster node."""

    pod_id: str | None = None
    host: str | None = None
    user: str | None = None
    pod_name: str | None = None
    port: int | None = None
    role: str | None = None
    is_control_node: bool | None = None


class ClusterNode(_Billed):
    """One node of a cluster."""

    id: str
    name: str | None = None
    remote_id: str | None = None
    provider_type: str | None = None
    status: str | None = None
    gpu_name: str | None = None
    gpu_count: int | None = None
    type: str | None = None
    installation_status: str | None = None
    test_status: str | None = None
    finalizer_status: str | None = None
    installation_progress: float | None = None
    installation_failure: str | None = None
    socket: str | None = None
    environment_type: str | None = None
    is_detached: bool | None = None
    terminated_at: datetime | None = None
    provider_ready_at: datetime | None = None
    pi_ready_at: datetime | None = None
    info: Any = None
    connections: list[NodeConnection] = Field(default_factory=list)


class SSHKey(APIModel):
    """An SSH key given access to a cluster."""

    id: str
    role: str | None = None
    user_id: str | None = None
    ssh_key_id: str | None = None
    public_key: str | None = None


class ClusterDetails(_Billed):
    """A cluster, from ``GET /api/admin/clusters/{id}``: its fields, nodes and SSH keys."""

    id: str
    remote_id: str | None = None
    name: str | None = None
    provider_type: str | None = None
    status: str | None = None
    vault_enabled: bool | None = None
    gpu_name: str | None = None
    gpu_count: int | None = None
    orchestrator_type: str | None = None
    socket: str | None = None
    orchestrator_version: str | None = None
    orchestrator_endpoint: str | None = None
    orchestrator_config: Any = None
    orchestrator_deployment_job_id: str | None = None
    orchestrator_deployment_status: str | None = None
    terminated_at: datetime | None = None
    info: Any = None
    nodes: list[ClusterNode] = Field(default_factory=list)
    ssh_keys: list[SSHKey] = Field(default_factory=list)


class ClusterEnvelope(APIModel):
    """The answer of the admin cluster endpoint: ``{data: Cluster, status}``."""

    data: ClusterDetails
    status: str | None = None
