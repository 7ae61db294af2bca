"""A typed, synchronous client of the Prime Intellect REST API.

Retries follow :mod:`prime_pulumi.client._retries`. A create (of a pod or a
disk) is retried only when the server certainly did not act on it (429, or a
connection that was never made). When its outcome is unknown (a timeout, a
dropped connection, a 5xx, an accepted answer that cannot be read), the client
never posts again and never looks for what it may have made: it raises
:class:`~prime_pulumi.client.CreateOutcomeUnknownError`, and the owner of the
name looks it up. So one call of :meth:`PrimeClient.create_pod` makes at most
one pod, one of :meth:`PrimeClient.create_disk` at most one disk, and one of
:meth:`PrimeClient.upload_ssh_key` at most one SSH key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar
from urllib.parse import quote

import httpx
import pydantic
from pydantic import SecretStr

from prime_pulumi.client._constants import (
    API_V1,
    AVAILABILITY_PAGE_SIZE,
    DEFAULT_TIMEOUT,
    DISKS_PAGE_LIMIT,
    MAX_ATTEMPTS,
    PODS_PAGE_LIMIT,
    RETRY_BUDGET_SECONDS,
    SSH_KEYS_PAGE_LIMIT,
    STATUS_BATCH_SIZE,
)
from prime_pulumi.client._exceptions import (
    APIResponseValidationError,
    CreatedResource,
    CreateOutcomeUnknownError,
    NotFoundError,
    PrimeError,
    connection_error,
    status_error,
)
from prime_pulumi.client._retries import (
    Backoff,
    Retryable,
    RetryPolicy,
    is_outcome_unknown,
    is_rejected_before_acting,
    is_transient,
)
from prime_pulumi.client._settings import ClientSettings, resolve_settings
from prime_pulumi.client.models import (
    ClusterDetails,
    ClusterEnvelope,
    CreateDiskRequest,
    CreatePodRequest,
    DiskAvailability,
    DiskAvailabilityPage,
    DiskDetails,
    DiskPage,
    GPUAvailability,
    GPUAvailabilityPage,
    GpuPriceSummary,
    GpuSummary,
    NumberedPage,
    OffsetPage,
    PodDetails,
    PodHistoryEntry,
    PodHistoryPage,
    PodLogLine,
    PodLogs,
    PodPage,
    PodStatus,
    PodStatusList,
    SshKeyDetails,
    SshKeyPage,
    SshKeyPrimaryResult,
    TeamSpec,
    UploadSshKeyRequest,
)

logger = logging.getLogger("prime_pulumi.client")

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)
ItemT = TypeVar("ItemT")
REDACTED = "**********"


class PrimeClient:
    """The Prime Intellect REST API.

    Settings are resolved by :func:`~prime_pulumi.client.resolve_settings`: the
    arguments, then ``PRIME_API_KEY``, ``PRIME_API_BASE_URL`` / ``PRIME_BASE_URL``,
    ``PRIME_TEAM_ID``, then the public API.

    ``timeout``, ``max_attempts``, ``retry_budget`` and ``backoff`` tune the retries.
    ``http_client`` (or ``transport``) replaces the HTTP layer, for tests; ``sleep``
    and ``clock`` replace the waits between retries and the clock of the budget.
    The client is thread-safe and should be closed (or used as a context manager).
    """

    def __init__(
        self,
        api_key: str | SecretStr | None = None,
        *,
        base_url: str | None = None,
        team_id: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_attempts: int = MAX_ATTEMPTS,
        retry_budget: float = RETRY_BUDGET_SECONDS,
        backoff: Backoff | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings: ClientSettings = resolve_settings(api_key, base_url, team_id)
        self._owns_http = http_client is None
        self._closed = False
        self._http = http_client or httpx.Client(timeout=timeout, transport=transport)
        self._timeout = timeout
        self._retry_policy = RetryPolicy(
            max_attempts=max_attempts,
            budget=retry_budget,
            backoff=backoff or Backoff(),
            sleep=sleep,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"PrimeClient(base_url={self.settings.base_url!r})"

    def close(self) -> None:
        """Closes the HTTP connections the client opened itself."""
        self._closed = True
        if self._owns_http:
            self._http.close()

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`close` was called (a closed client sends nothing more)."""
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------ pods

    def list_pods_page(self, *, offset: int = 0, limit: int = PODS_PAGE_LIMIT) -> PodPage:
        """One page of the pods that are not terminated."""
        params = {"offset": offset, "limit": limit}
        return self._get(f"{API_V1}/pods/", PodPage, params=params)

    def iter_pods(self, *, page_size: int = PODS_PAGE_LIMIT) -> Iterator[PodDetails]:
        """Every pod that is not terminated, page after page to the end."""
        return self._iter_offset_pages(f"{API_V1}/pods/", PodPage, page_size=page_size)

    def list_pods(self, *, page_size: int = PODS_PAGE_LIMIT) -> list[PodDetails]:
        """All pods that are not terminated (follows the pagination to the end)."""
        return list(self.iter_pods(page_size=page_size))

    def find_pods_by_name(self, name: str) -> list[PodDetails]:
        """The live pods called ``name``, oldest first.

        This is how a create whose answer was lost is recovered, and how a
        caller checks whether a pod exists before creating it.
        """
        return _oldest_first(pod for pod in self.iter_pods() if pod.name == name)

    def get_pod(self, pod_id: str) -> PodDetails:
        """One pod. A terminated pod is :class:`~prime_pulumi.client.NotFoundError`."""
        return self._get(f"{API_V1}/pods/{_segment(pod_id)}", PodDetails)

    def get_pod_statuses(self, pod_ids: Sequence[str]) -> list[PodStatus]:
        """The status of many pods, in one request per batch of ids; unknown ids are absent."""
        statuses: list[PodStatus] = []
        ids = list(dict.fromkeys(pod_ids))
        for start in range(0, len(ids), STATUS_BATCH_SIZE):
            batch = ids[start : start + STATUS_BATCH_SIZE]
            answer = self._get(f"{API_V1}/pods/status", PodStatusList, params={"pod_ids": batch})
            statuses.extend(answer.data)
        return statuses

    def create_pod(self, request: CreatePodRequest) -> PodDetails:
        """Creates a pod; posts it at most once, whatever the network does (see the module doc).

        A create whose outcome is unknown raises
        :class:`~prime_pulumi.client.CreateOutcomeUnknownError`: the pod may or may
        not exist, and only the caller, who owns its name, can tell which pod is its
        own. The client's team id is used when the request names no team.
        """
        if request.team is None and self.settings.team_id:
            request = request.model_copy(update={"team": TeamSpec(team_id=self.settings.team_id)})
        return self._create(
            f"{API_V1}/pods/", request.to_body(), PodDetails, "pod", request.pod.name
        )

    def delete_pod(self, pod_id: str, *, missing_ok: bool = False) -> bool:
        """Deletes (terminates) a pod. Returns ``False`` if it was already gone.

        A pod that is gone raises :class:`~prime_pulumi.client.NotFoundError` unless
        ``missing_ok``; a 404 that answers a retry (an earlier attempt may have
        deleted it) counts as deleted.
        """
        return self._delete(f"{API_V1}/pods/{_segment(pod_id)}", missing_ok=missing_ok)

    def iter_pod_history(self, *, page_size: int = PODS_PAGE_LIMIT) -> Iterator[PodHistoryEntry]:
        """Every terminated pod, newest first, page after page."""
        return self._iter_offset_pages(
            f"{API_V1}/pods/history",
            PodHistoryPage,
            page_size=page_size,
            params={"sort_by": "terminatedAt", "sort_order": "desc"},
        )

    def list_pod_history(self, *, page_size: int = PODS_PAGE_LIMIT) -> list[PodHistoryEntry]:
        """All terminated pods (follows the pagination to the end)."""
        return list(self.iter_pod_history(page_size=page_size))

    def pod_logs(
        self,
        pod_id: str,
        *,
        tail: int | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry: bool = True,
    ) -> list[PodLogLine]:
        """The last ``tail`` lines of a pod's log (the API's default: 100), oldest first.

        The API documents no shape for the answer: any plausible one is read (see
        :class:`~prime_pulumi.client.models.PodLogs`). A pod that is gone is a
        :class:`~prime_pulumi.client.NotFoundError`. ``timeout`` replaces the client's
        for this call, and ``retry=False`` makes one attempt only: for a caller whose
        read must not hold up what comes next (a failed pod's cleanup).
        """
        path = f"{API_V1}/pods/{_segment(pod_id)}/log"
        params = None if tail is None else {"tail": tail}
        retryable = is_transient if retry else _never
        response = self._request("GET", path, params=params, retryable=retryable, timeout=timeout)
        try:
            body: Any = response.json()
        except ValueError:  # not JSON: plain text is a plausible answer too
            body = response.text
        return PodLogs.model_validate(body).lines

    # ------------------------------------------------------------ disks

    def list_disks_page(self, *, offset: int = 0, limit: int = DISKS_PAGE_LIMIT) -> DiskPage:
        """One page of the disks."""
        params = {"offset": offset, "limit": limit}
        return self._get(f"{API_V1}/disks/", DiskPage, params=params)

    def iter_disks(self, *, page_size: int = DISKS_PAGE_LIMIT) -> Iterator[DiskDetails]:
        """Every disk, page after page to the end."""
        return self._iter_offset_pages(f"{API_V1}/disks/", DiskPage, page_size=page_size)

    def list_disks(self, *, page_size: int = DISKS_PAGE_LIMIT) -> list[DiskDetails]:
        """All disks (follows the pagination to the end)."""
        return list(self.iter_disks(page_size=page_size))

    def find_disks_by_name(self, name: str) -> list[DiskDetails]:
        """The disks called ``name``, oldest first.

        This is how a disk create whose answer was lost is recovered, and how a
        caller checks whether a disk exists before creating it. Disks that are
        ``DELETING`` or ``TERMINATED`` are listed too, if the API lists them: the
        caller judges their ``status``.
        """
        return _oldest_first(disk for disk in self.iter_disks() if disk.name == name)

    def get_disk(self, disk_id: str) -> DiskDetails:
        """One disk. A disk that is gone is :class:`~prime_pulumi.client.NotFoundError`."""
        return self._get(f"{API_V1}/disks/{_segment(disk_id)}", DiskDetails)

    def create_disk(self, request: CreateDiskRequest) -> DiskDetails:
        """Creates a disk; posts it at most once, whatever the network does (see the module doc).

        A create whose outcome is unknown raises
        :class:`~prime_pulumi.client.CreateOutcomeUnknownError` with ``resource="disk"``
        and the disk's ``name``: the disk may or may not exist, and only the caller,
        who owns its name, can tell which disk is its own. The client's team id is
        used when the request names no team.
        """
        if request.team is None and self.settings.team_id:
            request = request.model_copy(update={"team": TeamSpec(team_id=self.settings.team_id)})
        return self._create(
            f"{API_V1}/disks/", request.to_body(), DiskDetails, "disk", request.disk.name
        )

    def rename_disk(self, disk_id: str, name: str) -> DiskDetails:
        """Renames a disk (``PATCH {name}``: the only change the API makes in place).

        Sending the same name twice does no harm, so the call is retried like a GET.
        """
        path = f"{API_V1}/disks/{_segment(disk_id)}"
        response = self._request("PATCH", path, json={"name": name}, retryable=is_transient)
        return self._parse(response, DiskDetails, "PATCH", path)

    def delete_disk(self, disk_id: str, *, missing_ok: bool = False) -> bool:
        """Deletes a disk, and the data on it. Returns ``False`` if it was already gone.

        A disk that is gone raises :class:`~prime_pulumi.client.NotFoundError` unless
        ``missing_ok``; a 404 that answers a retry (an earlier attempt may have
        deleted it) counts as deleted. The disk may stay ``DELETING`` for a while.
        """
        return self._delete(f"{API_V1}/disks/{_segment(disk_id)}", missing_ok=missing_ok)

    # ------------------------------------------------------------ availability

    def list_gpu_availability(
        self,
        *,
        gpu_type: str | None = None,
        gpu_count: int | None = None,
        regions: Sequence[str] = (),
        socket: str | None = None,
        security: str | None = None,
        data_center_id: str | None = None,
        cloud_id: str | None = None,
        disks: Sequence[str] = (),
        multi_node: bool = False,
        page_size: int = AVAILABILITY_PAGE_SIZE,
    ) -> list[GPUAvailability]:
        """The GPU offers that match every filter given, every page.

        The filters are the API's own query parameters; ``multi_node`` asks for
        offers that span several nodes.
        """
        path = f"{API_V1}/availability/{'multi-node' if multi_node else 'gpus'}"
        filters: dict[str, Any] = {
            "gpu_type": gpu_type,
            "gpu_count": gpu_count,
            "regions": list(regions) or None,
            "socket": socket,
            "security": security,
            "data_center_id": data_center_id,
            "cloud_id": cloud_id,
            "disks": list(disks) or None,
        }
        return self._all_numbered_pages(path, GPUAvailabilityPage, filters, page_size=page_size)

    def list_disk_availability(
        self,
        *,
        regions: Sequence[str] = (),
        data_center_id: str | None = None,
        cloud_id: str | None = None,
        page_size: int = AVAILABILITY_PAGE_SIZE,
    ) -> list[DiskAvailability]:
        """The disk offers that match every filter given, every page.

        The filters are the API's own query parameters. An offer's ``spec`` says
        which sizes it takes and its price per GB-hour.
        """
        filters: dict[str, Any] = {
            "regions": list(regions) or None,
            "data_center_id": data_center_id,
            "cloud_id": cloud_id,
        }
        return self._all_numbered_pages(
            f"{API_V1}/availability/disks", DiskAvailabilityPage, filters, page_size=page_size
        )

    def get_gpu_summary(self, *, multi_node: bool = False) -> dict[str, dict[str, GpuPriceSummary]]:
        """The cheapest prices by GPU type, then GPU count (a string, ``"8"``).

        Single-node offers, or with ``multi_node`` those that span several nodes. A
        count the API gives no prices for is left out.
        """
        path = f"{API_V1}/availability/{'multi-node-summary' if multi_node else 'gpu-summary'}"
        summary = self._get(path, GpuSummary).root
        return {
            gpu_type: {
                count: pricing.cheapest
                for count, pricing in counts.items()
                if pricing.cheapest is not None
            }
            for gpu_type, counts in summary.items()
        }

    # ------------------------------------------------------------ admin

    def get_cluster(self, cluster_id: str) -> ClusterDetails:
        """One cluster with its nodes and SSH keys (needs an admin API key)."""
        return self._get(f"/api/admin/clusters/{_segment(cluster_id)}", ClusterEnvelope).data

    # ------------------------------------------------------------ SSH keys

    def list_ssh_keys_page(
        self, *, offset: int = 0, limit: int = SSH_KEYS_PAGE_LIMIT
    ) -> SshKeyPage:
        """One page of the account's SSH keys."""
        params = {"offset": offset, "limit": limit}
        return self._get(f"{API_V1}/ssh_keys/", SshKeyPage, params=params)

    def iter_ssh_keys(self, *, page_size: int = SSH_KEYS_PAGE_LIMIT) -> Iterator[SshKeyDetails]:
        """Every SSH key of the account, page after page to the end."""
        return self._iter_offset_pages(f"{API_V1}/ssh_keys/", SshKeyPage, page_size=page_size)

    def list_ssh_keys(self, *, page_size: int = SSH_KEYS_PAGE_LIMIT) -> list[SshKeyDetails]:
        """All SSH keys of the account (the API has no GET of one key: this is how one is read)."""
        return list(self.iter_ssh_keys(page_size=page_size))

    def find_ssh_keys_by_name(self, name: str) -> list[SshKeyDetails]:
        """The SSH keys called ``name``, oldest first: how a lost upload is recovered."""
        return _oldest_first(key for key in self.iter_ssh_keys() if key.name == name)

    def upload_ssh_key(self, request: UploadSshKeyRequest) -> SshKeyDetails:
        """Uploads a public key; posts it at most once, whatever the network does.

        A create whose outcome is unknown raises
        :class:`~prime_pulumi.client.CreateOutcomeUnknownError` with
        ``resource="SSH key"`` and the key's ``name``.
        """
        return self._create(
            f"{API_V1}/ssh_keys/", request.to_body(), SshKeyDetails, "SSH key", request.name
        )

    def set_primary_ssh_key(self, key_id: str) -> SshKeyPrimaryResult:
        """Makes a key the account's primary one (``PATCH {isPrimary: true}``).

        The API can only make a key primary, never unmake one. Sending it twice does no
        harm, so the call is retried like a GET.
        """
        path = f"{API_V1}/ssh_keys/{_segment(key_id)}"
        response = self._request("PATCH", path, json={"isPrimary": True}, retryable=is_transient)
        return self._parse(response, SshKeyPrimaryResult, "PATCH", path)

    def delete_ssh_key(self, key_id: str, *, missing_ok: bool = False) -> bool:
        """Deletes an SSH key. Returns ``False`` if it was already gone (see :meth:`delete_pod`).

        Pods already made with the key keep it.
        """
        return self._delete(f"{API_V1}/ssh_keys/{_segment(key_id)}", missing_ok=missing_ok)

    # ------------------------------------------------------------ shared by pods and disks

    def _iter_offset_pages(
        self,
        path: str,
        model: type[OffsetPage[ItemT]],
        *,
        page_size: int,
        params: Mapping[str, Any] | None = None,
    ) -> Iterator[ItemT]:
        """Every item of a list paginated by ``offset`` and ``limit``, to the end."""
        offset = 0
        previous: list[ItemT] | None = None
        while True:
            page_params = {**(params or {}), "offset": offset, "limit": page_size}
            page = self._get(path, model, params=page_params)
            # An empty page ends the walk even if total_count promised more, and so does
            # a page that repeats the one before (a server ignoring the offset).
            if not page.data or page.data == previous:
                return
            yield from page.data
            offset += len(page.data)
            if page.total_count >= offset:  # a count that covers what was read is believed
                if offset >= page.total_count:
                    return
            elif len(page.data) < min(page_size, page.limit or page_size):
                # No count to believe (the document defaults it to 0: an API may leave it
                # out): a page shorter than asked for (or than the limit it says it used)
                # is the last.
                return
            previous = page.data

    def _all_numbered_pages(
        self,
        path: str,
        model: type[NumberedPage[ItemT]],
        filters: Mapping[str, Any],
        *,
        page_size: int,
    ) -> list[ItemT]:
        """Every item of a list paginated by ``page`` (from 1) and ``page_size``.

        ``filters`` that are ``None`` are left out of the query.
        """
        params = {"page_size": page_size, **{k: v for k, v in filters.items() if v is not None}}
        items: list[ItemT] = []
        previous: list[ItemT] | None = None
        page_number = 1
        while True:
            page = self._get(path, model, params={**params, "page": page_number})
            # As for offset pages: an empty page, or one repeating the last, is the end.
            if not page.items or page.items == previous:
                return items
            items.extend(page.items)
            if len(items) >= page.total_count:
                return items
            previous = page.items
            page_number += 1

    def _create(
        self,
        path: str,
        body: dict[str, Any],
        model: type[ModelT],
        resource: CreatedResource,
        name: str | None,
    ) -> ModelT:
        """Posts a create at most once; an unknown outcome is a ``CreateOutcomeUnknownError``."""
        try:
            response = self._request("POST", path, json=body, retryable=is_rejected_before_acting)
        except PrimeError as exc:
            if not is_outcome_unknown(exc):
                raise
            raise CreateOutcomeUnknownError(
                f"Creating {resource} {name!r} had an unknown outcome ({exc}); it was not "
                f"posted again, so at most one {resource} can come of it",
                name=name,
                resource=resource,
                request_sent=True,
            ) from exc
        try:
            return self._parse(response, model, "POST", path)
        except APIResponseValidationError as unreadable:
            # The server said yes, but not to what: it exists, and only its name finds it.
            raise CreateOutcomeUnknownError(
                f"Creating {resource} {name!r} was accepted, but the answer could not be read "
                f"({unreadable}); it was not posted again",
                name=name,
                resource=resource,
                request_sent=True,
            ) from unreadable

    def _delete(self, path: str, *, missing_ok: bool) -> bool:
        """Deletes what ``path`` names; ``False`` if it was gone (see :meth:`delete_pod`)."""
        try:
            self._request("DELETE", path, retryable=is_transient)
        except NotFoundError as exc:
            if missing_ok:
                return False
            if exc.attempt > 1:
                return True
            raise
        return True

    # ------------------------------------------------------------ transport

    def _get(
        self, path: str, model: type[ModelT], *, params: Mapping[str, Any] | None = None
    ) -> ModelT:
        response = self._request("GET", path, params=params, retryable=is_transient)
        return self._parse(response, model, "GET", path)

    def _parse(
        self, response: httpx.Response, model: type[ModelT], method: str, path: str
    ) -> ModelT:
        try:
            return model.model_validate(response.json())
        except (ValueError, pydantic.ValidationError) as exc:
            problems = (
                "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                    for e in exc.errors(include_url=False, include_input=False)
                )
                if isinstance(exc, pydantic.ValidationError)
                else "the body is not JSON"
            )
            # The body is not quoted: it may hold secrets such as a Jupyter password.
            raise APIResponseValidationError(
                f"{method} {path} answered with a body that is not a {model.__name__}: {problems}"
            ) from None

    def _request(
        self,
        method: str,
        path: str,
        *,
        retryable: Retryable,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> httpx.Response:
        """Sends one call, retrying while ``retryable`` says so, within attempts and budget.

        ``timeout`` replaces the client's for this call's requests.
        """
        attempt = 0

        def send() -> httpx.Response:
            nonlocal attempt
            attempt += 1
            return self._send_once(
                method, path, params=params, json=json, attempt=attempt, timeout=timeout
            )

        return self._retry_policy.call(send, retryable)

    def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        attempt: int,
        timeout: httpx.Timeout | float | None = None,
    ) -> httpx.Response:
        key = self.settings.api_key.get_secret_value()
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        try:
            response = self._http.request(
                method,
                self.settings.base_url + path,
                params=params,
                json=json,
                headers=headers,
                timeout=self._timeout if timeout is None else timeout,
            )
        except httpx.TransportError as exc:
            # Not chained: httpx stays inside the client, and the error says what happened.
            raise connection_error(exc, method=method, path=path, redact=self._redact) from None
        logger.debug("%s %s -> %s (attempt %d)", method, path, response.status_code, attempt)
        if response.is_success:
            return response
        raise status_error(response, method=method, path=path, attempt=attempt, redact=self._redact)

    def _redact(self, text: str) -> str:
        """``text`` without the API key, should a server echo it back."""
        return text.replace(self.settings.api_key.get_secret_value(), REDACTED)


class _Dated(Protocol):
    @property
    def created_at(self) -> datetime | None: ...


DatedT = TypeVar("DatedT", bound=_Dated)


def _oldest_first(found: Iterable[DatedT]) -> list[DatedT]:
    """``found`` sorted by creation time, those without one last."""
    return sorted(found, key=lambda item: (item.created_at is None, item.created_at or 0))


def _never(exc: BaseException) -> bool:
    """A call made once: no failure is worth another attempt."""
    return False


def _segment(value: str) -> str:
    """Quotes an id for use as one path segment, so an id cannot change the path."""
    return quote(value, safe="")
