"""Pydantic models of the Prime Intellect API's requests and answers.

Attributes are snake_case; the wire format is camelCase. The models read every
variant of an answer that the README's "What the API answers" lists:
``sshConnection`` and ``ip`` as a string, a list, ``null`` or ``[null]``;
``costPerHr`` or ``priceHr``; disk offers as ``{items, totalCount}`` or a bare
list; unknown extra fields (ignored). A field the API's document enumerates is
typed ``<enum> | str`` (:mod:`prime_pulumi.client.enums`): the members are the
values known today, and one a newer API adds parses as the string it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    SecretStr,
    TypeAdapter,
    field_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

from prime_pulumi.client.enums import (
    AttachableType,
    AttachmentState,
    Currency,
    GpuSocket,
    GpuType,
    Image,
    InstallationState,
    PodState,
    PodType,
    PortProtocol,
    PortUser,
    ProviderType,
    Region,
    SecurityType,
    StockStatus,
)

FAILED_STATES = frozenset({PodState.ERROR, PodState.TERMINATED})


def _as_node_list(value: Any) -> Any:
    """One entry per node, in node order: ``None`` where a node has none yet.

    ``"x"`` is one node; a list is one entry per node, nulls (and ``""``) kept as
    ``None`` so that the second node stays second; ``None``, ``""`` and ``[None]``
    (a pod of one node with none yet) are no entry at all.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        nodes = [None if item is None or item == "" else str(item) for item in value]
        return nodes if any(item is not None for item in nodes) or len(nodes) > 1 else []
    return value


#: ``sshConnection`` and ``ip``: one entry per node of the pod, ``None`` where not yet set.
NodeList = Annotated[list[str | None], BeforeValidator(_as_node_list)]


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
    protocol: PortProtocol | str | None = None
    used_by: PortUser | str | None = None
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

    status: PodState | str
    installation_failure: str | None = None
    installation_progress: float | None = None
    ssh_connections: NodeList = Field(default_factory=list, alias="sshConnection")
    ips: NodeList = Field(default_factory=list, alias="ip")
    port_mappings: list[PortMapping] = Field(default_factory=list, alias="primePortMapping")

    @property
    def ssh_connection(self) -> str | None:
        """The first node's SSH connection string (``root@1.2.3.4 -p 22``), if set."""
        return self.ssh_connections[0] if self.ssh_connections else None

    @property
    def ip(self) -> str | None:
        """The first node's IP address, if set."""
        return self.ips[0] if self.ips else None

    @property
    def installation_finished(self) -> bool:
        """Whether installation is done (progress 100 and no failure)."""
        return self.installation_failure is None and (self.installation_progress or 0) >= 100

    @property
    def is_ready(self) -> bool:
        """Ready for use: ACTIVE, installation finished and an SSH connection set on every
        node (a pod that spans nodes is ready only when each of them is)."""
        return (
            self.status == PodState.ACTIVE
            and self.installation_finished
            and bool(self.ssh_connections)
            and None not in self.ssh_connections
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
    resource_type: AttachableType | str | None = None
    status: AttachmentState | str | None = None
    is_detachable: bool | None = None
    mount_path: str | None = None
    resource_path: str | None = None
    size: int | None = None


class PodDetails(_PodProgress, _Billed):
    """A pod, as ``GET /api/v1/pods/{id}``, the pod list and create return it."""

    id: str
    name: str | None = None
    gpu_name: GpuType | str | None = None
    gpu_count: int | None = None
    provider_type: ProviderType | str | None = None
    installation_status: InstallationState | str | None = None
    socket: GpuSocket | str | None = None
    type: PodType | str | None = None
    environment_type: Image | str | None = None
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
    provider_type: ProviderType | str | None = None
    # The guide calls it costPerHr, the SDK priceHr.
    price_hr: float | None = Field(
        default=None, validation_alias=AliasChoices("priceHr", "costPerHr", "price_hr")
    )


class OffsetPage(APIModel, Generic[ItemT]):
    """One page of a list paginated by ``offset`` and ``limit``: ``{total_count, ..., data}``."""

    #: The document defaults it to 0 (``GenericPaginationResponse``): a page without it
    #: reads as 0, and the walk then ends at a short page instead.
    total_count: int = Field(default=0, validation_alias=AliasChoices("total_count", "totalCount"))
    offset: int = 0
    limit: int = 0
    data: list[ItemT]  # the one key the document requires


class PodPage(OffsetPage[PodDetails]):
    """One page of ``GET /api/v1/pods/``."""


class PodStatusList(APIModel):
    """The answer of ``GET /api/v1/pods/status``."""

    data: list[PodStatus] = Field(default_factory=list)


class PodHistoryEntry(APIModel):
    """A terminated pod, from ``GET /api/v1/pods/history``."""

    id: str
    name: str | None = None
    provider_type: ProviderType | str | None = None
    gpu_name: GpuType | str | None = None
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

    status: PodState | str


# ---------------------------------------------------------------- disks


class DiskDetails(_Billed):
    """A network disk, as ``GET /api/v1/disks/{id}``, the disk list, create and rename return it.

    ``status`` takes the pods' values (:class:`PodState`); ``size`` is in GB;
    ``pods`` are the ids of the pods it is attached to. Fields the API leaves out
    are ``None`` (or empty), as for pods.
    """

    id: str
    status: PodState | str
    name: str | None = None
    remote_id: str | None = None
    terminated_at: datetime | None = None
    provider_type: ProviderType | str | None = None
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


#: The stock status of an offer that cannot be had.
OUT_OF_STOCK = StockStatus.UNAVAILABLE.value


class PodSpec(RequestModel):
    """The ``pod`` object of a create request."""

    name: str | None = None
    cloud_id: str
    gpu_type: GpuType | str
    socket: GpuSocket | str
    gpu_count: int = Field(ge=1)
    disk_size: int | None = Field(default=None, ge=0)
    vcpus: int | None = Field(default=None, ge=0)
    memory: int | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)
    image: Image | str | None = None
    custom_template_id: str | None = None
    data_center_id: str | None = None
    country: str | None = None
    security: SecurityType | str | None = None
    env_vars: list[EnvVar] = Field(default_factory=list)
    jupyter_password: SecretStr | None = None
    ssh_key_id: str | None = None
    auto_restart: bool = False

    @field_serializer("jupyter_password", when_used="json")
    def _reveal(self, value: SecretStr | None) -> str | None:
        return None if value is None else value.get_secret_value()


class ProviderSpec(RequestModel):
    """The ``provider`` object: which cloud provider hosts the pod."""

    type: ProviderType | str


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
    # Top-level snake case, as the published document names them (the rest is camelCase).
    #: User ids of the team's members who may use the pod.
    team_member_ids: list[str] | None = Field(default=None, alias="team_member_ids")
    #: Every member of the team may use the pod (the API's default: false).
    shared_with_team: bool | None = Field(default=None, alias="shared_with_team")


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
    currency: Currency | str | None = None


class GPUAvailability(APIModel):
    """One offer from ``GET /api/v1/availability/gpus``: use its ``cloud_id`` to create a pod."""

    cloud_id: str
    gpu_type: GpuType | str
    socket: GpuSocket | str | None = None
    provider: ProviderType | str | None = None
    data_center: str | None = None
    country: str | None = None
    region: Region | str | None = None
    gpu_count: int | None = None
    gpu_memory: int | None = None
    disk: ResourceOffer | None = None
    vcpu: ResourceOffer | None = None
    memory: ResourceOffer | None = None
    stock_status: StockStatus | str | None = None
    security: SecurityType | str | None = None
    prices: Prices | None = None
    images: list[Image | str] = Field(default_factory=list)
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
    provider: ProviderType | str | None = None
    data_center: str | None = None
    country: str | None = None
    region: Region | str | None = None
    spec: ResourceOffer | None = None
    stock_status: StockStatus | str | None = None
    security: SecurityType | str | None = None
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


# ---------------------------------------------------------------- pod logs

#: Where an answer of the log endpoint may hold its lines (the document gives it no schema).
_LOG_LIST_KEYS = ("logs", "data", "items", "lines", "log", "entries")
#: Where one line of it may hold its text, and its time.
_LOG_TEXT_KEYS = ("message", "msg", "log", "line", "text")
_LOG_TIME_KEYS = ("timestamp", "time", "ts", "createdAt", "created_at")
_LOG_TIME: TypeAdapter[datetime] = TypeAdapter(datetime)


def _log_entry(item: Any) -> dict[str, Any]:
    """One line of a log answer as ``{"message", "timestamp"}``, whatever its shape."""
    if not isinstance(item, dict):
        return {"message": "" if item is None else str(item)}
    text = next((item[k] for k in _LOG_TEXT_KEYS if item.get(k) is not None), None)
    stamp = next((item[k] for k in _LOG_TIME_KEYS if item.get(k) is not None), None)
    if text is None:  # an object of unknown shape: its whole text is better than nothing
        text = ", ".join(f"{k}={v}" for k, v in item.items() if k not in _LOG_TIME_KEYS)
    return {"message": str(text), "timestamp": stamp}


def _log_entries(body: Any) -> list[dict[str, Any]]:
    """The lines of a log answer: text, a list, or an object holding either."""
    if body is None:
        return []
    if isinstance(body, str):
        return [{"message": line} for line in body.splitlines() if line.strip()]
    if isinstance(body, dict):
        for key in _LOG_LIST_KEYS:
            if isinstance(body.get(key), list | str):
                return _log_entries(body[key])
        return [_log_entry(body)] if any(k in body for k in _LOG_TEXT_KEYS) else []
    if isinstance(body, list | tuple):
        return [
            entry
            for item in body
            for entry in (_log_entries(item) if isinstance(item, str) else [_log_entry(item)])
        ]
    return [_log_entry(body)]


def _time_or_none(value: Any) -> datetime | None:
    """A line's time, if it reads as one; a line is never lost for an odd timestamp."""
    if value is None or isinstance(value, datetime):
        return value
    try:
        return _LOG_TIME.validate_python(value)
    except ValueError:
        return None


class PodLogLine(APIModel):
    """One line of a pod's log: its text, and its time when the API gives one."""

    message: str
    timestamp: Annotated[datetime | None, BeforeValidator(_time_or_none)] = None

    def __str__(self) -> str:
        if self.timestamp is None:
            return self.message
        # A time without an offset is taken as UTC, as the API's others are.
        when = self.timestamp.astimezone(UTC) if self.timestamp.tzinfo else self.timestamp
        return f"{when.strftime('%Y-%m-%dT%H:%M:%SZ')} {self.message}"


class PodLogs(APIModel):
    """The answer of ``GET /api/v1/pods/{id}/log``, oldest line first.

    A guess: the published document gives the answer no schema. The emulator
    serves ``{"podId", "logs": [{"timestamp", "message"}]}``; this reads that and
    any plausible other shape: plain text (a line each), a list of strings or of
    objects, or an object holding one under ``logs``, ``data``, ``items``,
    ``lines``, ``log`` or ``entries``; a line's text under ``message``, ``msg``,
    ``log``, ``line`` or ``text``, its time under ``timestamp``, ``time``, ``ts``
    or ``createdAt`` (a time that does not parse is left out, never the line).
    """

    lines: list[PodLogLine] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _any_shape(cls, value: Any) -> Any:
        return {"lines": _log_entries(value)}


# ---------------------------------------------------------------- SSH keys


class SshKeyDetails(APIModel):
    """An SSH key of the account (``APISSHKeyConfig``), as the key list and the upload return it.

    ``public_key`` is the OpenSSH line as uploaded; ``is_user_key`` is true for a key
    the user uploaded. The API gives a key no status: :attr:`status` says ``ACTIVE``,
    so that judging by name (``core/adoption.py``) treats a listed key as live.
    """

    id: str
    user_id: str | None = None
    name: str | None = None
    public_key: str
    is_primary: bool = False
    is_user_key: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def status(self) -> str:
        """``ACTIVE``: a key the API lists is usable; it has no lifecycle of its own."""
        return PodState.ACTIVE


class SshKeyPage(OffsetPage[SshKeyDetails]):
    """One page of ``GET /api/v1/ssh_keys/``."""


class UploadSshKeyRequest(RequestBody):
    """The body of ``POST /api/v1/ssh_keys/`` (``APISSHKeyUploadRequestConfig``)."""

    name: str
    public_key: str


class SshKeyPrimaryResult(APIModel):
    """The answer of ``PATCH /api/v1/ssh_keys/{id}`` (``APISSHKeyUpdateResponseConfig``)."""

    message: str
    updated_fields: dict[str, Any] = Field(
        default_factory=dict, validation_alias=AliasChoices("updated_fields", "updatedFields")
    )
