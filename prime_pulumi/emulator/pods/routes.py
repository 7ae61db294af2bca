"""The pods' routes: the API's pod endpoints, and the control routes that steer pods.

API routes (the names key request counts and faults):

- ``list_pods``: ``GET /api/v1/pods/?offset=&limit=``
- ``get_pod``: ``GET /api/v1/pods/{pod_id}``
- ``pod_status``: ``GET /api/v1/pods/status?pod_ids=a&pod_ids=b``
- ``create_pod``: ``POST /api/v1/pods/``
- ``delete_pod``: ``DELETE /api/v1/pods/{pod_id}``
- ``pod_history``: ``GET /api/v1/pods/history?offset=&limit=&sort_by=&sort_order=``
- ``pod_logs``: ``GET /api/v1/pods/{pod_id}/log?tail=`` (see :mod:`prime_pulumi.emulator.pods.logs`)

Pods, their lifecycle and fates are described in :mod:`prime_pulumi.emulator.pods.state`.

Control routes (what they all refuse is in :mod:`prime_pulumi.emulator.app`):

``POST /_emulator/fates`` ``{"fates": [{"kind": ..., "message": str | null}]}``
    Queue fates for the next pods created, one each, in order (default ``ok``):
    ``ok``, ``install_failure`` (installation ERROR with the message from half
    the provision time, never ready), ``transient_install_failure`` (the
    message shows from 1/2 to 3/4 of it, then the pod becomes ready),
    ``error`` (status ERROR from half of it), ``stuck`` (PROVISIONING forever).
    Answers ``{"queued": int}``, the fates now waiting.
``GET /_emulator/pods``
    ``{"data": [pod, ...]}``: every pod held, active ones in their current state
    and terminated ones, each with ``terminatedAt`` and ``fate``.
``POST /_emulator/pods/{pod_id}/fail``
    ``{"kind": "error" | "install_failure", "message": str | null}``: make an
    active pod fail from now on. Answers the pod as ``/_emulator/pods`` shows it.
"""

from typing import Annotated

from fastapi import Path, Query
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.http import Limit, Offset, Routes
from prime_pulumi.emulator.pods.wire import (
    DeletedPod,
    EmulatedPod,
    EmulatedPods,
    FateQueue,
    HistoryList,
    HistorySortKey,
    PodFailure,
    PodList,
    PodRoute,
    SortOrder,
    WireCreatePodRequest,
    WirePod,
    WirePodLogs,
    WirePodStatusList,
)
from prime_pulumi.emulator.wire import QueuedFates

#: The fixed routes under ``/api/v1/pods/``, whose names are never pod ids.
_FIXED_POD_PATHS = frozenset({"status", "history"})


class _PodIdRoute(APIRoute):
    """A route on ``/api/v1/pods/{pod_id}`` whose ``pod_id`` is never a fixed route's name.

    So ``DELETE /api/v1/pods/status`` is a 405 (the path is ``pod_status``'s), not a
    search for a pod named "status".
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.NONE and child_scope["path_params"]["pod_id"] in _FIXED_POD_PATHS:
            return Match.NONE, {}
        return match, child_scope


#: A pod id, as the OpenAPI document states it: never one of the fixed routes' names.
# Only documented (pydantic's regex engine has no lookahead); _PodIdRoute enforces it.
PodId = Annotated[str, Path(json_schema_extra={"pattern": r"^(?!(?:status|history)$)[^/]+$"})]


def add_routes(routes: Routes, backend: EmulatorBackend) -> None:
    """Serve the pods' API and control routes."""

    # Fixed paths first: /pods/status and /pods/history must not be taken for pod ids.
    @routes.api(PodRoute.pod_status)
    async def pod_status(pod_ids: Annotated[list[str] | None, Query()] = None) -> WirePodStatusList:
        """The status of each pod asked for; unknown ids are absent."""
        return backend.pod_statuses(pod_ids or [])

    @routes.api(PodRoute.pod_history)
    async def pod_history(
        offset: Offset = 0,
        limit: Limit = 100,
        sort_by: HistorySortKey = "terminatedAt",
        sort_order: SortOrder = "desc",
    ) -> HistoryList:
        """Terminated pods."""
        return backend.pod_history(offset, limit, sort_by, sort_order)

    @routes.api(PodRoute.list_pods)
    async def list_pods(offset: Offset = 0, limit: Limit = 100) -> PodList:
        """Active pods, oldest first."""
        return backend.list_pods(offset, limit)

    @routes.api(PodRoute.create_pod, 400, 402, 404, 409)
    async def create_pod(request: WireCreatePodRequest) -> WirePod:
        """Create a pod; it starts PROVISIONING. An offer out of stock is a 409 (our guess).

        Its ``disks`` are mounted at /workspace. Our guesses: an unknown disk is a 404,
        one not ACTIVE a 409, one in another data center a 400; an unknown ``sshKeyId`` a 404.
        """
        return backend.create_pod(request)

    @routes.api(PodRoute.get_pod, 404, route_class=_PodIdRoute)
    async def get_pod(pod_id: PodId) -> WirePod:
        """One active pod."""
        return backend.get_pod(pod_id)

    @routes.api(PodRoute.delete_pod, 404, route_class=_PodIdRoute)
    async def delete_pod(pod_id: PodId) -> DeletedPod:
        """Terminate a pod; it moves to history (after a DELETING window, if configured).

        A repeated DELETE while the pod is DELETING answers the same.
        """
        return backend.delete_pod(pod_id)

    @routes.api(PodRoute.pod_logs, 404, route_class=_PodIdRoute)
    async def pod_logs(pod_id: PodId, tail: int | None = None) -> WirePodLogs:
        """The last ``tail`` lines of a pod's log (100 by default), oldest first.

        The document gives the answer no schema: its shape is our guess.
        """
        return backend.pod_logs(pod_id, tail)

    @routes.control("POST", "fates", "queue_fates")
    async def queue_fates(queue: FateQueue) -> QueuedFates:
        """Queue fates for the next pods created."""
        return QueuedFates(queued=backend.queue_fates(queue.fates))

    @routes.control("GET", "pods", "all_pods")
    async def all_pods() -> EmulatedPods:
        """Every pod held, active and terminated."""
        return EmulatedPods(data=backend.all_pods())

    @routes.control("POST", "pods/{pod_id}/fail", "fail_pod")
    async def fail_pod(pod_id: str, failure: PodFailure) -> EmulatedPod:
        """Make an active pod fail from now on."""
        return backend.fail_pod(pod_id, failure)
