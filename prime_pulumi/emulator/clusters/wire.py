"""Clusters on the wire: the admin route, and clusters as the admin endpoint serves them."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import unique
from typing import Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from prime_pulumi.emulator.wire import ApiRoute, Posted, Wire, iso_utc


@unique
class ClusterRoute(ApiRoute):
    """The clusters' API route (admin key only)."""

    get_cluster = ("GET", "/api/admin/clusters/{cluster_id}")


def _now_iso() -> str:
    return iso_utc(datetime.now(UTC))


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
