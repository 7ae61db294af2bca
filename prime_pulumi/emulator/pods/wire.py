"""Pods on the wire: their API routes, the JSON shapes of pods, and their control bodies."""

from __future__ import annotations

from enum import unique
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from prime_pulumi.emulator.wire import (
    ApiRoute,
    Control,
    EnvironmentType,
    GpuType,
    NotNull,
    PodStatusValue,
    Security,
    Socket,
    Wire,
    WireBody,
    WireProviderSpec,
    WireTeamSpec,
)


@unique
class PodRoute(ApiRoute):
    """The pods' API routes."""

    list_pods = ("GET", "/api/v1/pods/")
    get_pod = ("GET", "/api/v1/pods/{pod_id}")
    pod_status = ("GET", "/api/v1/pods/status")
    create_pod = ("POST", "/api/v1/pods/")
    delete_pod = ("DELETE", "/api/v1/pods/{pod_id}")
    pod_history = ("GET", "/api/v1/pods/history")
    pod_logs = ("GET", "/api/v1/pods/{pod_id}/log")


InstallationStatus = Literal["PENDING", "ACTIVE", "FINISHED", "ERROR", "TERMINATED"]
FateKind = Literal["ok", "install_failure", "transient_install_failure", "error", "stuck"]
#: The document's ``sort_by`` of the history: nothing else is taken.
HistorySortKey = Literal["terminatedAt", "createdAt"]
SortOrder = Literal["asc", "desc"]


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


#: ``sshConnection`` or ``ip``: a string (one node), a list in node order (``None`` for a node
#: not ready yet) for a pod that spans nodes, or ``None``.
NodeValue = str | list[str | None] | None


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
    ssh_connection: NodeValue
    ip: NodeValue
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
    ssh_connection: NodeValue
    ip: NodeValue
    cost_per_hr: float
    price_hr: float
    prime_port_mapping: list[WirePortMapping]
    installation_failure: str | None
    installation_progress: int


class WirePodStatusList(Wire):
    """The statuses of the pods asked for that exist."""

    data: list[WirePodStatus]


class WirePodLogLine(Wire):
    """One line of a pod's log (our guess at the shape: the document gives none)."""

    timestamp: str
    message: str


class WirePodLogs(Wire):
    """What ``GET /api/v1/pods/{id}/log`` answers: the pod's last lines, oldest first."""

    pod_id: str
    logs: list[WirePodLogLine]


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
    """An environment variable for the pod; other keys are ignored, as the document allows."""

    key: str
    value: str


class WirePodSpec(WireBody):
    """The ``pod`` object of a create request; unknown keys are rejected, as by the API."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    cloud_id: str
    gpu_type: GpuType
    socket: Socket
    gpu_count: int = Field(ge=1)
    disk_size: int | None = Field(default=None, ge=1)
    vcpus: int | None = Field(default=None, ge=1)
    memory: int | None = Field(default=None, ge=1)
    max_price: float | None = None
    image: Annotated[EnvironmentType | None, NotNull] = None
    custom_template_id: str | None = None
    data_center_id: str | None = None
    country: str | None = None
    security: Security | None = None
    env_vars: list[WireEnvVar] | None = None
    jupyter_password: str | None = None
    ssh_key_id: str | None = None
    auto_restart: bool | None = False
    prepaid_for_hr: float | None = Field(default=None, gt=0)


class WireCreatePodRequest(WireBody):
    """The body of ``POST /api/v1/pods/``; other top-level keys are ignored.

    The sharing flags are top-level snake case in the published document
    (``shared_with_team``, ``team_member_ids``); the official client sends
    ``sharedWithTeam`` and ``teamMemberIds``: both are read.
    """

    pod: WirePodSpec
    provider: WireProviderSpec
    disks: list[str] | None = None
    team: WireTeamSpec | None = None
    team_member_ids: list[str] | None = Field(
        default=None,
        alias="team_member_ids",
        validation_alias=AliasChoices("team_member_ids", "teamMemberIds"),
    )
    shared_with_team: bool = Field(
        default=False,
        alias="shared_with_team",
        validation_alias=AliasChoices("shared_with_team", "sharedWithTeam"),
    )


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


class PodFailure(Control):
    """An out-of-band failure to inflict on a pod from now on."""

    kind: Literal["error", "install_failure"]
    message: str | None = None


class EmulatedPod(WirePod):
    """A pod as the emulator holds it, active or terminated, with its fate, its sharing and
    the SSH key it was made with (the API's pod shows neither)."""

    terminated_at: str | None
    fate: FateKind
    shared_with_team: bool
    team_member_ids: list[str]
    ssh_key_id: str | None = None


class EmulatedPods(Wire):
    """Every pod the emulator holds, active and terminated, in creation order."""

    data: list[EmulatedPod]
