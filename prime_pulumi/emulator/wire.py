"""What every resource's wire format is built of: model bases, shared values, route tables.

API models are snake_case in Python and camelCase on the wire, as the Prime
Intellect API documents them; the list envelopes keep the API's own
``total_count``. Control models (``/_emulator``) are snake_case throughout.
Whatever a test hands the control API (control bodies, clusters in the admin
endpoint's shape, offers in the availability endpoint's) is checked strictly,
so a mistake in a test's setup fails loudly instead of setting up something
else: unknown keys are refused, values must have their JSON type (no ``"5"``
for a number, no ``true`` for a count), a cluster's envelope is not taken for
the cluster, and a fault refuses a setting its action would ignore.

Each resource's ``wire`` module holds its route table (an :class:`ApiRoute`)
and its models; the backend builds the models and the HTTP layer declares them
as response models, so ``/openapi.json`` describes exactly what is served.

Models that share a name with the API client's (``prime_pulumi.client``) carry
a ``Wire`` prefix (``WirePod``, ``WireCluster``), so no two importable classes
share a name; their titles, and the schema names in ``/openapi.json``, are the
API's names without it (``Pod``, ``Cluster``): see :func:`api_name`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

HttpMethod = Literal["GET", "POST", "PATCH", "DELETE"]
PodStatusValue = Literal[
    "PROVISIONING", "PENDING", "ACTIVE", "STOPPED", "ERROR", "DELETING", "UNKNOWN", "TERMINATED"
]
# The sets the API's document constrains (``compute.yml``'s enums of the same title):
# a request outside them is a 422, and the catalogue uses nothing else.
# ``tests/emulator/test_document_enums.py`` holds each to the document.
#: ``SecurityType``.
Security = Literal["secure_cloud", "community_cloud"]
#: The ``stockStatus`` of an offer.
StockStatus = Literal["Available", "Low", "Medium", "High", "Unavailable"]
#: ``Regions``: where an offer is, and what the availability filter takes.
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
#: ``GPUSocket``.
Socket = Literal["PCIe", "SXM2", "SXM3", "SXM4", "SXM5", "SXM6"]
#: ``Currency``: what prices are in.
Currency = Literal["USD", "EUR"]
#: ``GPUType``: the GPU models an offer or a pod can have.
GpuType = Literal[
    "CPU_NODE",
    "A10_24GB",
    "A100_80GB",
    "A100_40GB",
    "A30_24GB",
    "A40_48GB",
    "B200_180GB",
    "B300_262GB",
    "GB200",
    "GB300",
    "RTX3070_8GB",
    "RTX3080_10GB",
    "RTX3080Ti_12GB",
    "RTX3090_24GB",
    "RTX3090Ti_24GB",
    "RTX4070Ti_12GB",
    "RTX4080_16GB",
    "RTX4080Ti_16GB",
    "RTX4090_24GB",
    "RTX5090_32GB",
    "H100_80GB",
    "H200_96GB",
    "GH200_96GB",
    "H200_141GB",
    "GH200_480GB",
    "GH200_624GB",
    "L4_24GB",
    "L40_48GB",
    "L40S_48GB",
    "RTX4000_8GB",
    "RTX5000_16GB",
    "RTX6000_24GB",
    "RTX8000_48GB",
    "RTX2000Ada_16GB",
    "RTX4000Ada_20GB",
    "RTX5000Ada_32GB",
    "RTX6000Ada_48GB",
    "A2000_6GB",
    "A4000_16GB",
    "A4500_20GB",
    "A5000_24GB",
    "A6000_48GB",
    "V100_16GB",
    "V100_32GB",
    "P100_16GB",
    "T4_16GB",
    "P4_8GB",
    "P40_24GB",
    "RTX_PRO_6000B_96GB",
]
#: ``EnvironmentTypeEnum``: the images a pod can start from.
EnvironmentType = Literal[
    "ubuntu_22_cuda_12",
    "cuda_12_1_pytorch_2_2",
    "cuda_11_8_pytorch_2_1",
    "cuda_12_1_pytorch_2_3",
    "cuda_12_1_pytorch_2_4",
    "cuda_12_4_pytorch_2_4",
    "cuda_12_4_pytorch_2_5",
    "cuda_12_4_pytorch_2_6",
    "cuda_12_6_pytorch_2_7",
    "stable_diffusion",
    "axolotl",
    "bittensor",
    "hivemind",
    "petals_llama",
    "vllm_llama_8b",
    "vllm_llama_70b",
    "vllm_llama_405b",
    "custom_template",
    "flux",
    "prime_rl",
]
#: ``ProviderTypeEnum``: who serves an offer, a pod or a disk.
ProviderType = Literal[
    "runpod",
    "fluidstack",
    "lambdalabs",
    "hyperstack",
    "oblivus",
    "cudocompute",
    "scaleway",
    "tensordock",
    "datacrunch",
    "latitude",
    "crusoecloud",
    "massedcompute",
    "akash",
    "primeintellect",
    "primecompute",
    "dc_impala",
    "dc_kudu",
    "dc_roan",
    "nebius",
    "dc_eland",
    "dc_wildebeest",
    "vultr",
    "dc_gnu",
    "denvr",
]


class ApiRoute(Enum):
    """A resource's table of API routes; subclass it with one member per route.

    The member's name is the route's name, which keys its request counts and
    faults (``list_pods``); its value is the method and the documented path. The
    app serves an API route only through its member, so no route goes without a
    name, and ``ROUTE_NAMES`` (:mod:`prime_pulumi.emulator.faults`) is made of them.
    """

    def __init__(self, method: HttpMethod, path: str) -> None:
        self.method = method
        self.path = path


def iso_utc(moment: datetime) -> str:
    """Format a moment as the API does: ISO 8601, UTC, whole seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: The prefix that keeps the emulator's API models apart from the client's namesakes.
WIRE_PREFIX: Final = "Wire"


def api_name(name: str) -> str:
    """The API's name of a model (or schema) named ``name``: ``WirePod`` is ``Pod``."""
    return name.removeprefix(WIRE_PREFIX)


def _refuse_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError("not_null", "Input should not be null")
    return value


#: A key the document makes optional but not nullable: absent is fine, ``null`` is a 422.
NotNull = BeforeValidator(_refuse_null)


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


# --- parts of the create bodies of pods and disks -----------------------------


class WireProviderSpec(WireBody):
    """Which provider serves the offer."""

    type: ProviderType


class WireTeamSpec(WireBody):
    """The team that owns the pod."""

    team_id: str


# --- control (/_emulator) bodies of more than one resource ---------------------


class QueuedFates(Control):
    """How many fates wait for a pod."""

    queued: int


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


class NoBody(Control):
    """The body of a control route that takes none: it may be absent, or ``{}``."""


class ResetDone(Control):
    """What ``POST /_emulator/reset`` returns."""

    status: Literal["reset"] = "reset"
