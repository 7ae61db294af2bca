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
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from prime_pulumi.client import CreatePodRequest, EnvVar, PodSpec, ProviderSpec, TeamSpec
from prime_pulumi.core.properties import InPlace, InputRules, Internal, Secret, generated_name
from prime_pulumi.pod.offers import GpuOffer, Region

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class PodInputs(BaseModel):
    """Everything a ``Pod`` takes; the field names are the ``PodArgs`` names."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    gpu_type: NonEmpty
    gpu_count: int = Field(ge=1, le=1024)
    cloud_id: NonEmpty | None = None
    socket: NonEmpty | None = None
    provider_type: NonEmpty | None = None
    name: NonEmpty | None = None
    disk_size: int | None = Field(default=None, ge=1)
    vcpus: int | None = Field(default=None, ge=1)
    memory: int | None = Field(default=None, ge=1)
    image: NonEmpty | None = None
    custom_template_id: NonEmpty | None = None
    data_center_id: NonEmpty | None = None
    country: NonEmpty | None = None
    security: Literal["secure_cloud", "community_cloud"] | None = None
    regions: list[Region] | None = Field(default=None, min_length=1)
    max_price: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    env_vars: Annotated[dict[str, str] | None, Secret()] = None
    jupyter_password: Annotated[str | None, Secret()] = None
    ssh_key_id: NonEmpty | None = None
    auto_restart: bool = False
    team_id: NonEmpty | None = None
    disks: list[NonEmpty] | None = None
    #: Large multi-GPU pods take 25 minutes to be ready.
    ready_timeout: Annotated[float, InPlace()] = Field(default=1800.0, gt=0, allow_inf_nan=False)
    adopt_pod_id: NonEmpty | None = None
    #: Set by ``Pod``: ``org/project/stack/resource``, the seed of a generated name.
    auto_name_seed: Annotated[str | None, Internal()] = None

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

    def with_offer(self, offer: GpuOffer) -> PodInputs:
        """These inputs, with what they leave open filled in from ``offer``."""
        filled = {key: getattr(offer, key) for key in OFFER_FILLS if getattr(self, key) is None}
        return self.model_copy(update={k: v for k, v in filled.items() if v is not None})

    def to_create_request(self, name: str) -> CreatePodRequest:
        """The API's create body for these inputs, under ``name``; the offer must be known."""
        if self.cloud_id is None or self.socket is None or self.provider_type is None:
            raise ValueError("a create needs cloud_id, socket and provider_type: choose an offer")
        return CreatePodRequest(
            pod=PodSpec(
                name=name,
                cloud_id=self.cloud_id,
                gpu_type=self.gpu_type,
                socket=self.socket,
                gpu_count=self.gpu_count,
                disk_size=self.disk_size,
                vcpus=self.vcpus,
                memory=self.memory,
                max_price=self.max_price,
                image=self.image,
                custom_template_id=self.custom_template_id,
                data_center_id=self.data_center_id,
                country=self.country,
                security=self.security,
                env_vars=[
                    EnvVar.model_validate({"key": k, "value": v})
                    for k, v in (self.env_vars or {}).items()
                ],
                jupyter_password=self.jupyter_password,
                ssh_key_id=self.ssh_key_id,
                auto_restart=self.auto_restart,
            ),
            provider=ProviderSpec(type=self.provider_type),
            disks=self.disks,
            team=TeamSpec(team_id=self.team_id) if self.team_id else None,
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
