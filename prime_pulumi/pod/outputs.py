"""What a ``Pod`` reports besides its inputs: one model of a pod's outputs.

The provider's outputs (:func:`pod_properties`), the resource's attributes
(``prime_pulumi.dynamic.resource``) and the documented list of outputs all derive
from :class:`PodOutputs`; a test checks that ``Pod``'s annotations name each field.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from pydantic import BaseModel, ConfigDict

from prime_pulumi.client import PodDetails


class PodNode(BaseModel):
    """One node of a pod: where to reach it."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    ip: str | None
    """The node's IP address."""
    ssh_connection: str | None
    """For example ``root@1.2.3.4 -p 22``."""


class PodOutputs(BaseModel):
    """The pod as the API reports it, in the shape a ``Pod`` keeps in state."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    pod_id: str
    """The pod's id (also the resource's ``id``)."""
    status: str
    """``ACTIVE`` once ready."""
    installation_status: str | None
    """``FINISHED`` once ready."""
    installation_progress: float | None
    """0 to 100."""
    ssh_connection: str | None
    """For example ``root@1.2.3.4 -p 22``; the first node's when the pod spans several."""
    ip: str | None
    """The pod's IP address; the first node's when the pod spans several."""
    port_mappings: list[dict[str, Any]]
    """Open ports: ``internal``, ``external``, ``protocol``, ``used_by``, ``description``."""
    price_hr: float | None
    """Price in USD per hour."""
    gpu_name: str | None
    """The GPU type the pod got."""
    provider_type: str | None
    """The cloud provider hosting the pod."""
    created_at: str | None
    """Creation time, ISO 8601."""
    attached_resources: list[dict[str, Any]]
    """The disks attached to the pod: ``id``, ``resource_type``, ``status``, ``mount_path``."""
    nodes: list[PodNode]
    """Each node of the pod, in node order: ``ip``, ``ssh_connection``. One for a pod on a
    single node; several for a pod of a multi-node offer."""

    @classmethod
    def of(cls, pod: PodDetails, inputs: dict[str, Any]) -> PodOutputs:
        """The outputs of ``pod``; where the API leaves a field out, the declared input stands."""
        return cls(
            pod_id=pod.id,
            status=pod.status,
            installation_status=pod.installation_status,
            installation_progress=pod.installation_progress,
            ssh_connection=pod.ssh_connection,
            ip=pod.ip,
            port_mappings=[m.model_dump(by_alias=False) for m in pod.port_mappings],
            price_hr=pod.price_hr,
            gpu_name=pod.gpu_name,
            provider_type=pod.provider_type or inputs.get("provider_type"),
            created_at=pod.created_at.isoformat() if pod.created_at else None,
            attached_resources=[
                {
                    "id": attached.id,
                    "resource_type": attached.resource_type,
                    "status": attached.status,
                    "mount_path": attached.mount_path,
                }
                for attached in pod.attached_resources
            ],
            nodes=[
                PodNode(ip=ip, ssh_connection=ssh)
                for ip, ssh in zip_longest(pod.ips, pod.ssh_connections)
            ],
        )


#: Every output's name, in order.
OUTPUT_NAMES: tuple[str, ...] = tuple(PodOutputs.model_fields)


def pod_properties(pod: PodDetails, inputs: dict[str, Any]) -> dict[str, Any]:
    """The properties of a ``Pod`` in state: its inputs, then what the API reports."""
    return {**inputs, **PodOutputs.of(pod, inputs).model_dump()}
