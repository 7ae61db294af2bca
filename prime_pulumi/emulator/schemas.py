"""The JSON shapes the emulator reads and writes, as pydantic models.

API models are snake_case in Python and camelCase on the wire, as the Prime
Intellect API documents them; the two list envelopes keep the API's own
``total_count``. Control models (``/_emulator``) are snake_case throughout.
Whatever a test hands the control API (control bodies, clusters in the admin
endpoint's shape, offers in the availability endpoint's) is checked strictly,
so a mistake in a test's setup fails loudly instead of setting up something
else: unknown keys are refused, values must have their JSON type (no ``"5"``
for a number, no ``true`` for a count), a cluster's envelope is not taken for
the cluster, and a fault refuses a setting its action would ignore.

The backend builds these models and the HTTP layer declares them as response
models, so ``/openapi.json`` describes exactly what is served.

Models that share a name with the API client's (``prime_pulumi.client``) carry
a ``Wire`` prefix (``WirePod``, ``WireCluster``), so no two importable classes
share a name; their titles, and the schema names in ``/openapi.json``, are the
API's names without it (``Pod``, ``Cluster``): see :func:`api_name`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

RouteName = Literal[
    "list_pods",
    "get_pod",
    "pod_status",
    "create_pod",
    "delete_pod",
    "pod_history",
    "gpu_availability",
    "multi_node_availability",
    "legacy_availability",
    "get_cluster",
    "create_disk",
    "list_disks",
    "get_disk",
    "update_disk",
    "delete_disk",
    "disk_availability",
]

#: The API routes by name: request counts and faults are keyed by these.
ROUTE_NAMES: Final[tuple[RouteName, ...]] = get_args(RouteName)

PodStatusValue = Literal[
    "PROVISIONING", "PENDING", "ACTIVE", "STOPPED", "ERROR", "DELETING", "UNKNOWN", "TERMINATED"
]
InstallationStatus = Literal["PENDING", "ACTIVE", "FINISHED", "ERROR", "TERMINATED"]
Security = Literal["secure_cloud", "community_cloud"]
StockStatus = Literal["Available", "Low", "Medium", "High", "Unavailable"]
#: The regions the API's availability filter takes (``../shared/API.md``).
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
#: The GPU sockets the API's availability filter takes.
Socket = Literal["PCIe", "SXM2", "SXM3", "SXM4", "SXM5", "SXM6"]
FateKind = Literal["ok", "install_failure", "transient_install_failure", "error", "stuck"]
DiskFateKind = Literal["ok", "error", "stuck"]
FaultAction = Literal["status", "delay", "drop", "drop_after"]
HistorySortKey = Literal[
    "createdAt", "terminatedAt", "priceHr", "totalBilledPrice", "created_at", "terminated_at"
]
SortOrder = Literal["asc", "desc"]


def iso_utc(moment: datetime) -> str:
    """Format a moment as the API does: ISO 8601, UTC, whole seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now_iso() -> str:
    return iso_utc(datetime.now(UTC))


#: The prefix that keeps the emulator's API models apart from the client's namesakes.
WIRE_PREFIX: Final = "Wire"


def api_name(name: str) -> str:
    """The API's name of a model (or schema) named ``name``: ``WirePod`` is ``Pod``."""
    return name.removeprefix(WIRE_PREFIX)


class Wire(BaseModel):
    """An API model: snake_case attributes, camelCase JSON, titled with its API name."""

    model_config = ConfigDict(
        model_title_generator=lambda model: api_name(model.__name__),
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class WireBody(Wire):
    """An API request body: accepted only under its camelCase names, like the real API.

    Validation is FastAPI's default (lax) mode, as the real API's seems to be.
    """

    model_config = ConfigDict(validate_by_name=False)


class Posted(Wire):
    """An API model tests also post to the control API, checked as strictly as a control body.

    Whatever a test posts must be meant, so a typo fails loudly instead of setting
    up something else: unknown keys and mistyped values are refused (see
    :class:`Control`). Keys are camelCase, as the API serves them (snake_case is
    accepted too).
    """

    model_config = ConfigDict(extra="forbid", strict=True)


class Control(BaseModel):
    """A ``/_emulator`` body or answer: snake_case, unknown keys and mistyped values refused.

    Strict: a number must be a JSON number (an integer, not ``2.0``, where a count
    is asked for) and a string a JSON string; nothing is converted.
    """

    model_config = ConfigDict(extra="forbid", strict=True)


# --- errors -----------------------------------------------------------------


class ErrorBody(BaseModel):
    """The API's usual error body."""

    detail: str


class ValidationIssue(BaseModel):
    """One problem with a request, as FastAPI reports it."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """The API's 422 body."""

    detail: list[ValidationIssue]


# --- pods -------------------------------------------------------------------


class WirePortMapping(Wire):
    """One port a pod exposes; ports are strings on the wire."""

    internal: str
    external: str
    protocol: str
    used_by: str | None
    description: str


class PodResources(Wire):
    """What the pod was given: memory and disk in GB, and vCPUs."""

    memory: int | None
    disk: int | None
    vcpus: int | None


class WireAttachedResource(Wire):
    """A disk a pod was created with, as the pod's ``attachedResources`` lists it."""

    resource_type: Literal["DISK"]
    id: str
    status: Literal["UNATTACHED", "ATTACHED", "MOUNTED"]
    is_detachable: bool
    mount_path: str
    resource_path: str
    size: int


class WirePod(Wire):
    """A pod as ``GET /api/v1/pods/{id}``, the list and create return it."""

    id: str
    name: str
    gpu_name: str
    gpu_count: int
    status: PodStatusValue
    created_at: str
    updated_at: str
    provider_type: str
    installation_status: InstallationStatus
    installation_failure: str | None
    installation_progress: int
    team_id: str | None
    user_id: str
    wallet_id: str
    socket: str
    type: str
    environment_type: str
    resources: PodResources
    attached_resources: list[WireAttachedResource]
    prime_port_mapping: list[WirePortMapping]
    ssh_connection: str | None
    ip: str | None
    price_hr: float
    stopped_price_hr: float
    provisioning_price_hr: float
    base_price_hr: float
    base_currency: str
    jupyter_password: str | None
    custom_template_id: str | None
    is_spot: bool
    auto_restart: bool


class PodList(BaseModel):
    """One page of active pods."""

    total_count: int
    offset: int
    limit: int
    data: list[WirePod]


class WirePodStatus(Wire):
    """A pod's status; the price appears as ``costPerHr`` (the guide) and ``priceHr`` (the SDK)."""

    pod_id: str
    provider_type: str
    status: PodStatusValue
    ssh_connection: str | None
    ip: str | None
    cost_per_hr: float
    price_hr: float
    prime_port_mapping: list[WirePortMapping]
    installation_failure: str | None
    installation_progress: int


class WirePodStatusList(Wire):
    """The statuses of the pods asked for that exist."""

    data: list[WirePodStatus]


class DeletedPod(Wire):
    """What ``DELETE /api/v1/pods/{id}`` returns."""

    status: Literal["TERMINATED"]


class HistoryEntry(Wire):
    """A terminated pod."""

    id: str
    name: str
    provider_type: str
    type: str
    created_at: str
    terminated_at: str
    gpu_name: str
    gpu_count: int
    socket: str
    price_hr: float
    user_id: str
    team_id: str | None
    total_billed_price: float


class HistoryList(BaseModel):
    """One page of terminated pods."""

    total_count: int
    offset: int
    limit: int
    data: list[HistoryEntry]


class WireEnvVar(WireBody):
    """An environment variable for the pod."""

    model_config = ConfigDict(extra="forbid")

    key: str
    value: str


class WirePodSpec(WireBody):
    """The ``pod`` object of a create request; unknown keys are rejected, as by the API."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    cloud_id: str
    gpu_type: str
    socket: str
    gpu_count: int = Field(ge=1)
    disk_size: int | None = Field(default=None, ge=1)
    vcpus: int | None = Field(default=None, ge=1)
    memory: int | None = Field(default=None, ge=1)
    max_price: float | None = None
    image: str | None = None
    custom_template_id: str | None = None
    data_center_id: str | None = None
    country: str | None = None
    security: Security | None = None
    env_vars: list[WireEnvVar] | None = None
    jupyter_password: str | None = None
    ssh_key_id: str | None = None
    auto_restart: bool = False
    prepaid_for_hr: float | None = None


class WireProviderSpec(WireBody):
    """Which provider serves the offer."""

    type: str


class WireTeamSpec(WireBody):
    """The team that owns the pod."""

    team_id: str


class WireCreatePodRequest(WireBody):
    """The body of ``POST /api/v1/pods/``; top-level extras (sharing flags) are ignored."""

    pod: WirePodSpec
    provider: WireProviderSpec
    disks: list[str] | None = None
    team: WireTeamSpec | None = None


# --- availability -----------------------------------------------------------


class ResourceSpec(Posted):
    """The range one resource of an offer can take, and what each unit costs."""

    min_count: int | None
    default_count: int | None
    max_count: int | None
    price_per_unit: float | None
    step: int | None
    default_included_in_price: bool | None
    additional_info: str | None


class WirePrices(Posted):
    """What an offer costs per hour, for all its GPUs; it has one price at least."""

    on_demand: float | None = Field(gt=0)
    community_price: float | None = Field(gt=0)
    is_variable: bool
    currency: str

    @model_validator(mode="after")
    def _priced(self) -> WirePrices:
        if self.on_demand is None and self.community_price is None:
            raise PydanticCustomError(
                "no_price", "An offer needs a price: onDemand, communityPrice or both"
            )
        return self


class WireGPUAvailability(Posted):
    """One offer: a GPU configuration a provider can start.

    ``interconnect`` (GB/s between the GPUs) is not in the guide, but the official
    SDK requires the key. ``region`` is one of the guide's optional keys; the
    emulator always serves it, since the ``regions`` filter matches on it.
    """

    cloud_id: str = Field(min_length=1)
    gpu_type: str = Field(min_length=1)
    socket: Socket
    provider: str
    data_center: str
    country: str
    region: Region
    gpu_count: int = Field(ge=1)
    gpu_memory: int = Field(ge=1)
    interconnect: int | None
    interconnect_type: str | None
    disk: ResourceSpec
    vcpu: ResourceSpec
    memory: ResourceSpec
    stock_status: StockStatus
    security: Security
    prices: WirePrices
    images: list[str]
    is_spot: bool

    @property
    def price_hr(self) -> float:
        """What a pod of all the offer's GPUs costs an hour: the price of its security tier.

        ``communityPrice`` on community cloud, ``onDemand`` on secure cloud; the
        other one when the tier's own is absent.
        """
        own, other = (self.prices.community_price, self.prices.on_demand)
        if self.security == "secure_cloud":
            own, other = other, own
        if own is not None:
            return own
        assert other is not None  # WirePrices holds one price at least
        return other


class AvailabilityPage(Wire):
    """One page of offers."""

    items: list[WireGPUAvailability]
    total_count: int


# --- disks ------------------------------------------------------------------


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
    name: str | None = Field(default=None, max_length=255)
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


class WireDiskOfferSpec(Wire):
    """The sizes a disk offer takes (GB) and its price in USD per GB-hour."""

    min_count: int
    max_count: int
    step: int
    price_per_unit: float


class WireDiskAvailability(Wire):
    """One disk offer: where a provider can make disks, how large, and at what price.

    ``isMultinode``: the disk can serve several nodes at once.
    """

    cloud_id: str | None
    provider: str
    data_center: str
    country: str
    region: Region
    spec: WireDiskOfferSpec
    stock_status: StockStatus
    security: Security
    is_multinode: bool


class DiskOfferPage(Wire):
    """One page of disk offers."""

    items: list[WireDiskAvailability]
    total_count: int


# --- admin clusters ---------------------------------------------------------


class _ClusterPart(Posted):
    """A cluster or a part of one, as tests post it: a cluster is only ever read from a test."""


class ClusterConnection(_ClusterPart):
    """How to reach one pod of a cluster node."""

    pod_id: str = ""
    host: str = ""
    user: str = "root"
    pod_name: str = ""
    port: int = 22
    role: str = "worker"
    is_control_node: bool = False


class _WireBilled(_ClusterPart):
    """What a cluster and its nodes share: when, whose, and at what price (none by default)."""

    created_at: str = Field(default_factory=_now_iso)
    updated_at: str = Field(default_factory=_now_iso)
    user_id: str = ""
    team_id: str | None = None
    wallet_id: str = ""
    price_hr: float = 0.0
    stopped_price_hr: float = 0.0
    provisioning_price_hr: float = 0.0
    base_price_hr: float = 0.0
    base_currency: str = "USD"


class WireClusterNode(_WireBilled):
    """One node of a cluster."""

    id: str = ""
    name: str = ""
    remote_id: str = ""
    provider_type: str = "hyperstack"
    status: str = "ACTIVE"
    gpu_name: str = "H100_80GB"
    gpu_count: int = 8
    type: str = "HOSTED"
    installation_status: str = "FINISHED"
    test_status: str = "PASSED"
    finalizer_status: str = "FINISHED"
    installation_progress: int = 100
    installation_failure: str | None = None
    socket: str = "SXM5"
    environment_type: str = "ubuntu_22_cuda_12"
    is_detached: bool = False
    terminated_at: str | None = None
    provider_ready_at: str | None = None
    pi_ready_at: str | None = None
    info: Any = None
    connections: list[ClusterConnection] = Field(default_factory=list)


class ClusterSshKey(_ClusterPart):
    """An SSH key installed on a cluster."""

    id: str = ""
    role: str = "user"
    user_id: str = ""
    ssh_key_id: str = ""
    public_key: str = ""


class WireCluster(_WireBilled):
    """A cluster with its nodes and SSH keys, in the shape of the admin endpoint.

    Every field has a default so tests can post partial clusters; an empty
    ``id`` asks the emulator to assign one. The admin endpoint's envelope
    (``{"data": cluster, "status": ...}``) is refused with its own error
    (``envelope``), not taken for a cluster of defaults.
    """

    id: str = ""
    remote_id: str = ""
    name: str = "cluster"
    provider_type: str = "hyperstack"
    status: str = "ACTIVE"
    vault_enabled: bool = False
    gpu_name: str = "H100_80GB"
    gpu_count: int = 16
    orchestrator_type: str = "SLURM"
    socket: str = "SXM5"
    orchestrator_version: str = ""
    orchestrator_endpoint: str = ""
    orchestrator_config: Any = None
    orchestrator_deployment_job_id: str = ""
    orchestrator_deployment_status: str = ""
    terminated_at: str | None = None
    info: Any = None
    nodes: list[WireClusterNode] = Field(default_factory=list)
    ssh_keys: list[ClusterSshKey] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _not_an_envelope(cls, value: Any) -> Any:
        if isinstance(value, dict) and "data" in value:
            raise PydanticCustomError(
                "envelope",
                'Input is the admin endpoint\'s envelope ("data" and "status"), not a cluster: '
                'post the cluster itself, the value of "data"',
            )
        return value


class WireClusterEnvelope(Wire):
    """What ``GET /api/admin/clusters/{id}`` returns."""

    data: WireCluster
    status: str


# --- control (/_emulator) ---------------------------------------------------


class Fate(Control):
    """What will happen to the next pod created.

    ``ok`` becomes ready; ``install_failure`` fails installation for good from
    half the provision time; ``transient_install_failure`` shows a failure
    between 1/2 and 3/4 of it, then becomes ready; ``error`` turns ERROR from
    half of it; ``stuck`` stays PROVISIONING.
    """

    kind: FateKind = "ok"
    message: str | None = None


class FateQueue(Control):
    """Fates for the next pods created, in order."""

    fates: list[Fate]


class DiskFate(Control):
    """What will happen to the next disk created.

    ``ok`` becomes ACTIVE after the disk provision time; ``error`` turns ERROR
    then instead; ``stuck`` stays PROVISIONING.
    """

    kind: DiskFateKind = "ok"


class DiskFateQueue(Control):
    """Fates for the next disks created, in order."""

    fates: list[DiskFate]


class QueuedFates(Control):
    """How many fates wait for a pod."""

    queued: int


#: The fault settings only one action uses, and that action.
_FAULT_SETTING_USER: Final[dict[str, FaultAction]] = {
    "status": "status",
    "retry_after": "status",
    "detail": "status",
    "delay": "delay",
}


class Fault(Control):
    """A fault for the next ``times`` requests to ``route`` (``"*"``: any API route).

    ``status`` answers ``status`` with ``{"detail": detail}`` (and ``Retry-After``
    when ``retry_after`` is set) without processing; ``delay`` waits ``delay``
    seconds and then processes the request; ``drop`` closes the connection
    without processing; ``drop_after`` processes the request, then closes the
    connection so the response is lost. A setting other than its default for an
    action that ignores it (``status`` with ``drop``, say) is refused
    (``unused_by_action``).
    """

    route: Literal[RouteName, "*"]  # one literal, so a wrong route is one issue at "route"
    action: FaultAction
    status: int = Field(default=503, ge=400, le=599)
    retry_after: float | None = Field(default=None, ge=0)
    delay: float = Field(default=0.0, ge=0)
    detail: str | None = None
    times: int = Field(default=1, ge=1)

    @field_validator(*_FAULT_SETTING_USER)
    @classmethod
    def _used_by_the_action(cls, value: Any, info: ValidationInfo) -> Any:
        field = str(info.field_name)
        action = info.data.get("action")  # absent when the action itself was refused
        user = _FAULT_SETTING_USER[field]
        if action in (None, user) or value == cls.model_fields[field].default:
            return value
        raise PydanticCustomError(
            "unused_by_action",
            "{field} applies only to the {user} action, not to {action}",
            {"field": field, "user": user, "action": action},
        )


class FaultId(Control):
    """The id of a queued fault."""

    id: str


class PendingFault(Fault):
    """A queued fault and how many requests it still affects (``times``)."""

    id: str


class PendingFaults(Control):
    """Every fault still queued, oldest first."""

    data: list[PendingFault]


class Cleared(Control):
    """How many items a clearing call removed."""

    cleared: int


class EmulatorSettings(Control):
    """Timing of the emulator, as ``/_emulator/config`` reports it.

    ``provision_seconds``: how long pods created from now on take to become ready;
    ``delete_seconds``: how long pods deleted from now on stay DELETING before
    they are terminated (0: at once). ``disk_provision_seconds`` and
    ``disk_delete_seconds`` are the same for disks: PROVISIONING until ACTIVE,
    and DELETING until gone.
    """

    provision_seconds: float = Field(ge=0)
    delete_seconds: float = Field(ge=0)
    disk_provision_seconds: float = Field(ge=0)
    disk_delete_seconds: float = Field(ge=0)


class EmulatorSettingsUpdate(Control):
    """A change of timing: each key given (and not null) is set, the others stay as they are."""

    provision_seconds: float | None = Field(default=None, ge=0)
    delete_seconds: float | None = Field(default=None, ge=0)
    disk_provision_seconds: float | None = Field(default=None, ge=0)
    disk_delete_seconds: float | None = Field(default=None, ge=0)


class RequestCounts(Control):
    """API requests received per route (faulted and rejected ones included)."""

    counts: dict[str, int]
    total: int


class EmulatedPod(WirePod):
    """A pod as the emulator holds it, active or terminated, with its fate."""

    terminated_at: str | None
    fate: FateKind


class EmulatedPods(Wire):
    """Every pod the emulator holds, active and terminated, in creation order."""

    data: list[EmulatedPod]


class EmulatedDisk(WireDisk):
    """A disk as the emulator holds it, gone ones included (TERMINATED), with its fate."""

    fate: DiskFateKind


class EmulatedDisks(Wire):
    """Every disk the emulator holds, gone ones included, in creation order."""

    data: list[EmulatedDisk]


class PriceUpdate(Posted):
    """New prices of an offer, camelCase as its ``prices``: a key given and not null is set."""

    on_demand: float | None = Field(default=None, gt=0)
    community_price: float | None = Field(default=None, gt=0)


class OfferUpdate(Posted):
    """A change of an offer's stock and prices, camelCase as the offer.

    A key given and not null is set; the others stay as they are, so ``{}`` changes nothing.
    """

    stock_status: StockStatus | None = None
    prices: PriceUpdate | None = None


class PodFailure(Control):
    """An out-of-band failure to inflict on a pod from now on."""

    kind: Literal["error", "install_failure"]
    message: str | None = None


class NoBody(Control):
    """The body of a control route that takes none: it may be absent, or ``{}``."""


class ResetDone(Control):
    """What ``POST /_emulator/reset`` returns."""

    status: Literal["reset"] = "reset"
