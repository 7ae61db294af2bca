"""Faults and request counts: the route names they are keyed by, faults, and their queue.

The route names are those of every resource's route table (an
:class:`~prime_pulumi.emulator.wire.ApiRoute`, in the resource's ``wire`` module), in
:data:`API_ROUTES` order; the app serves an API route only through its table, so
every route has a name here and no name lacks a route. What each fault action does
on the connection is in :mod:`prime_pulumi.emulator.fault_injector`, which counts the
requests and inflicts the faults; :class:`FaultBackend` holds the queue it draws from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from prime_pulumi.emulator.availability.wire import AvailabilityRoute
from prime_pulumi.emulator.clusters.wire import ClusterRoute
from prime_pulumi.emulator.core import BackendCore
from prime_pulumi.emulator.disks.wire import DiskRoute
from prime_pulumi.emulator.pods.wire import PodRoute
from prime_pulumi.emulator.ssh_keys.wire import SshKeyRoute
from prime_pulumi.emulator.wire import ApiRoute, Control

#: Every API route, resource by resource: the app serves exactly these.
API_ROUTES: Final[tuple[ApiRoute, ...]] = (
    *PodRoute,
    *AvailabilityRoute,
    *ClusterRoute,
    *DiskRoute,
    *SshKeyRoute,
)

#: The API routes by name: request counts and faults are keyed by these.
ROUTE_NAMES: Final[tuple[str, ...]] = tuple(route.name for route in API_ROUTES)

if TYPE_CHECKING:
    FaultRoute = str
else:
    # One literal, so a wrong route is one issue at "route", listing the names.
    FaultRoute = Literal[(*ROUTE_NAMES, "*")]

FaultAction = Literal["status", "delay", "drop", "drop_after"]

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

    route: FaultRoute
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


class RequestCounts(Control):
    """API requests received per route (faulted and rejected ones included)."""

    counts: dict[str, int]
    total: int


@dataclass
class _ArmedFault:
    id: str
    fault: Fault
    remaining: int

    def matches(self, route: str) -> bool:
        return self.fault.route in ("*", route)


class FaultBackend(BackendCore):
    """The backend's queue of faults for the next requests, and its request counts."""

    _faults: list[_ArmedFault]
    _counts: Counter[str]

    def _forget(self) -> None:
        super()._forget()
        self._faults = []
        self._counts = Counter()

    def add_fault(self, fault: Fault) -> str:
        """Queue a fault for the next matching requests; returns its id."""
        with self._lock:
            armed = _ArmedFault(self._next_id("fault"), fault, fault.times)
            self._faults.append(armed)
            return armed.id

    def clear_faults(self) -> int:
        """Drop every queued fault; returns how many there were."""
        with self._lock:
            cleared = len(self._faults)
            self._faults.clear()
            return cleared

    def pending_faults(self) -> list[PendingFault]:
        """The faults still queued, oldest first, with the requests each still affects."""
        with self._lock:
            return [
                PendingFault.model_validate(
                    {**armed.fault.model_dump(), "times": armed.remaining, "id": armed.id}
                )
                for armed in self._faults
            ]

    def intercept(self, route: str) -> Fault | None:
        """Count one API request on ``route`` and hand out the fault it must suffer, if any.

        Faults are consumed first in, first out among those matching the route.
        """
        with self._lock:
            self._counts[route] += 1
            for armed in self._faults:
                if armed.matches(route):
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._faults.remove(armed)
                    return armed.fault
            return None

    def request_counts(self) -> RequestCounts:
        """API requests received per route, every route listed, and their total."""
        with self._lock:
            counts: dict[str, int] = {route: self._counts[route] for route in ROUTE_NAMES}
        return RequestCounts(counts=counts, total=sum(counts.values()))
