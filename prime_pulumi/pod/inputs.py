"""The inputs of a ``Pod``, validated once, in the provider's ``check``.

:class:`PodInputs` is the one model of what a user may declare. ``check`` turns
its errors into one ``CheckFailure`` per property; create, read, update and
delete trust what it returns. What each input is (secret, changed in place, or
internal to prime-pulumi) is marked on its field, and the lists the provider
and the resource use (:data:`USER_INPUTS`, :data:`REPLACE_INPUTS`,
:data:`SECRET_INPUTS`) derive from those marks.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from prime_pulumi.client import CreatePodRequest, EnvVar, PodSpec, ProviderSpec, TeamSpec
from prime_pulumi.client.enums import GpuSocket, GpuType, Image, ProviderType, Region, SecurityType
from prime_pulumi.core.properties import (
    InPlace,
    InputRules,
    Internal,
    Known,
    Secret,
    generated_name,
    same_named,
)
from prime_pulumi.pod.offers import GpuOffer

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class PodInputs(BaseModel):
    """Everything a ``Pod`` takes; the field names are the ``PodArgs`` names."""

    # The attribute docstrings are the inputs' one description: ``PodArgs`` repeats
    # them word for word and docs/pod.md shows them (tests/unit/test_reference.py checks).
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_attribute_docstrings=True
    )

    gpu_type: Annotated[NonEmpty, Known(GpuType)]
    """Required. The GPU type, for example ``H100_80GB``; one the API does not list gets a
    warning naming the closest (for ``H100``, ``H100_80GB``)."""
    gpu_count: int = Field(ge=1, le=1024)
    """Required. The number of GPUs, at least 1."""
    cloud_id: NonEmpty | None = None
    """An offer's id (its ``cloudId``, see ``get_gpu_offers``); left out, create chooses the
    cheapest matching offer."""
    socket: Annotated[NonEmpty | None, Known(GpuSocket)] = None
    """The GPU socket, for example ``PCIe`` or ``SXM5``: a constraint, or taken from the offer."""
    provider_type: Annotated[NonEmpty | None, Known(ProviderType)] = None
    """The cloud provider (the API's ``provider.type``), for example ``runpod``: a
    constraint, or taken from the offer."""
    name: NonEmpty | None = None
    """The pod's name. Default: the resource name, ``-`` and 7 hex characters, the same
    when an interrupted run is run again."""
    disk_size: int | None = Field(default=None, ge=1)
    """Disk size in GB, at least 1."""
    vcpus: int | None = Field(default=None, ge=1)
    """The number of vCPUs, at least 1."""
    memory: int | None = Field(default=None, ge=1)
    """Memory in GB, at least 1."""
    image: Annotated[NonEmpty | None, Known(Image)] = None
    """The image, for example ``ubuntu_22_cuda_12``, or ``custom_template`` with
    ``custom_template_id``; one the API does not list gets a warning naming the closest."""
    custom_template_id: NonEmpty | None = None
    """The template of ``image="custom_template"``."""
    data_center_id: NonEmpty | None = None
    """The offer's data center: a constraint, or taken from the offer."""
    country: NonEmpty | None = None
    """The offer's country: a constraint, or taken from the offer."""
    security: Annotated[NonEmpty | None, Known(SecurityType)] = None
    """``secure_cloud`` or ``community_cloud``."""
    regions: Annotated[list[NonEmpty] | None, Known(Region)] = Field(default=None, min_length=1)
    """Regions an offer may be in: ``africa``, ``asia_south``, ``asia_northeast``,
    ``australia``, ``canada``, ``eu_east``, ``eu_north``, ``eu_west``, ``middle_east``,
    ``south_america``, ``united_states``."""
    max_price: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """The highest price accepted, USD per hour, above 0: no offer above it is ever chosen
    (the spend guard)."""
    multi_node: bool | None = None
    """Whether the pod spans several nodes: true chooses only among multi-node offers
    (``get_gpu_offers`` with ``multi_node``), false only among single-node ones. Left out, a
    single-node offer, or a multi-node one when the API lists no single-node offer of
    ``gpu_count`` GPUs of ``gpu_type``."""
    env_vars: Annotated[dict[str, str] | None, Secret()] = None
    """Environment variables of the pod, named ``[A-Za-z_][A-Za-z0-9_]*``. Secret in state
    and outputs."""
    jupyter_password: Annotated[str | None, Secret()] = None
    """The password of the pod's Jupyter server. Secret in state and outputs."""
    ssh_key_id: NonEmpty | None = None
    """The id of an SSH key of the account, to install on the pod."""
    auto_restart: bool = False
    """Restart the pod when it stops. Default false."""
    team_id: NonEmpty | None = None
    """The team that owns and pays for the pod. Default: ``prime:teamId`` /
    ``PRIME_TEAM_ID``."""
    shared_with_team: bool | None = None
    """Share the pod with every member of its team. Default false. The API cannot change a
    pod's sharing, so a change replaces the pod."""
    team_member_ids: list[NonEmpty] | None = None
    """User ids of the team members to share the pod with. The API cannot change a pod's
    sharing, so a change replaces the pod."""
    disks: list[NonEmpty] | None = None
    """Ids of disks to attach (``[disk.disk_id]``), mounted at ``/workspace``; without
    ``cloud_id``, only offers in the disks' data center are chosen."""
    ready_timeout: Annotated[float, InPlace()] = Field(default=1800.0, gt=0, allow_inf_nan=False)
    """Seconds to wait until the pod is ready. Default 1800 (large multi-GPU pods take 25
    minutes). Changes in place."""
    adopt_pod_id: NonEmpty | None = None
    """Bring an existing pod under management instead of creating one."""
    auto_name_seed: Annotated[str | None, Internal()] = None
    """Set by ``Pod``: ``org/project/stack/resource``, the seed of a generated name."""

    @field_validator("env_vars")
    @classmethod
    def _env_var_names(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for key in value or {}:
            if not ENV_VAR_NAME.match(key):
                raise ValueError(
                    f"environment variable name {key!r} is not valid: use letters, digits "
                    "and underscores, not starting with a digit"
                )
        return value

    @field_validator("shared_with_team", "team_member_ids")
    @classmethod
    def _unshared_is_the_default(cls, value: bool | list[str] | None) -> bool | list[str] | None:
        # False and [] are what the API does without them: declaring them is no change
        # (a pod made before these inputs existed is not replaced for them).
        return value or None

    def with_offer(self, offer: GpuOffer) -> PodInputs:
        """These inputs, with what they leave open filled in from ``offer``."""
        filled = {key: getattr(offer, key) for key in OFFER_FILLS if getattr(self, key) is None}
        return self.model_copy(update={k: v for k, v in filled.items() if v is not None})

    def to_create_request(self, name: str) -> CreatePodRequest:
        """The API's create body for these inputs, under ``name``; the offer must be known."""
        if self.cloud_id is None or self.socket is None or self.provider_type is None:
            raise ValueError("a create needs cloud_id, socket and provider_type: choose an offer")
        # Everything the API's pod takes under the same name as an input; the env vars
        # go as a list of key/value pairs.
        pod = same_named(self, PodSpec)
        pod["name"] = name
        pod["env_vars"] = [
            EnvVar.model_validate({"key": k, "value": v}) for k, v in (self.env_vars or {}).items()
        ]
        return CreatePodRequest(
            pod=PodSpec(**pod),
            provider=ProviderSpec(type=self.provider_type),
            disks=self.disks,
            team=TeamSpec(team_id=self.team_id) if self.team_id else None,
            team_member_ids=self.team_member_ids,
            shared_with_team=self.shared_with_team,
        )


def auto_name(seed: str, inputs: dict[str, Any]) -> str:
    """A pod name from the resource name and a suffix, as Pulumi auto-names resources.

    The suffix is a hash of the stack, the resource and the inputs that reach the
    API, so it is the same when an interrupted ``pulumi up`` is run again (the pod
    it made is found by name and adopted) and differs when the pod is replaced
    (the new pod never collides with the old one).
    """
    hashed = {k: inputs.get(k) for k in _NAME_INPUTS_FIRST}
    hashed.update({k: inputs[k] for k in _NAME_INPUTS_LATER if inputs.get(k) is not None})
    return generated_name(seed, hashed, fallback="pod")


#: What the marks on :class:`PodInputs` say: who declares what, and what a change does.
POD_RULES = InputRules(
    PodInputs, "Pod", lambda inputs: auto_name(inputs.get("auto_name_seed") or "pod", inputs)
)

#: What a user may declare: the fields of ``PodArgs``.
USER_INPUTS: tuple[str, ...] = POD_RULES.user

#: Inputs that never reach the API: changed in place, the pod is kept.
UPDATE_INPUTS: tuple[str, ...] = POD_RULES.update

#: Inputs that reach the API. The API cannot change a pod in place, so changing
#: any of them replaces the pod.
REPLACE_INPUTS: tuple[str, ...] = POD_RULES.replace

#: Inputs that are secret in state and outputs.
SECRET_INPUTS: tuple[str, ...] = POD_RULES.secret

#: What a pod that leaves them out takes from the offer it is made from (outputs then).
OFFER_FILLS = ("cloud_id", "socket", "provider_type", "data_center_id", "country")

# The inputs a generated name hashed before offers were chosen, null or not: a name
# must never change for a pod declared as before (it would replace the pod).
_NAME_INPUTS_FIRST = (
    "cloud_id", "gpu_type", "gpu_count", "socket", "provider_type", "disk_size", "vcpus",
    "memory", "image", "custom_template_id", "data_center_id", "country", "security",
    "max_price", "env_vars", "jupyter_password", "ssh_key_id", "auto_restart", "team_id",
    "disks", "adopt_pod_id",
)  # fmt: skip
# Inputs added since count only when declared. `name` is what is being generated.
_NAME_INPUTS_LATER = tuple(
    key for key in REPLACE_INPUTS if key != "name" and key not in _NAME_INPUTS_FIRST
)
