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

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

HttpMethod = Literal["GET", "POST", "PATCH", "DELETE"]
PodStatusValue = Literal[
    "PROVISIONING", "PENDING", "ACTIVE", "STOPPED", "ERROR", "DELETING", "UNKNOWN", "TERMINATED"
]
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

    type: str


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
