"""``get_cluster``: read one cluster from the admin API, in the shape of Pulumi's data sources."""

from __future__ import annotations

from typing import Any

from pulumi import Input, Output
from pydantic import BaseModel, ConfigDict

from prime_pulumi.client import (
    APIStatusError,
    ClusterDetails,
    NotFoundError,
    PermissionDeniedError,
    PrimeClient,
)
from prime_pulumi.core.functions import DataFunction
from prime_pulumi.dynamic.functions import with_client

__all__ = ["GetClusterResult", "get_cluster", "get_cluster_output"]


class GetClusterResult(ClusterDetails):
    """A cluster: its fields, ``nodes`` (each with ``connections``) and ``ssh_keys``."""


def _status_of(error: APIStatusError) -> dict[str, Any]:
    """What an HTTP error says besides its message, to raise it again with more context."""
    return {
        "status_code": error.status_code,
        "method": error.method,
        "path": error.path,
        "detail": error.detail,
        "attempt": error.attempt,
    }


def get_cluster(
    cluster_id: str, *, api_key: str | None = None, base_url: str | None = None
) -> GetClusterResult:
    """Reads cluster ``cluster_id`` from ``GET /api/admin/clusters/{id}``.

    The key comes from ``api_key``, else ``prime:apiKey``, else ``PRIME_API_KEY``; it
    needs admin permission. Raises :class:`~prime_pulumi.client.PermissionDeniedError`
    or :class:`~prime_pulumi.client.NotFoundError` with a message naming the cluster.
    """
    return with_client(api_key, base_url, lambda client: _read(client, cluster_id))


def _read(client: PrimeClient, cluster_id: str) -> GetClusterResult:
    """The cluster, or an error that names it."""
    try:
        cluster = client.get_cluster(cluster_id)
    except PermissionDeniedError as exc:
        raise PermissionDeniedError(
            f"get_cluster({cluster_id!r}): the API key lacks the admin permission that "
            f"reading clusters needs ({exc.detail})",
            **_status_of(exc),
        ) from exc
    except NotFoundError as exc:
        raise NotFoundError(
            f"get_cluster({cluster_id!r}): no cluster has that id ({exc.detail})",
            **_status_of(exc),
        ) from exc
    return GetClusterResult.model_validate(cluster.model_dump())


class ClusterQuery(BaseModel):
    """Which cluster to read."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    cluster_id: str
    """The cluster's id; reading it needs an API key with the admin permission."""


#: ``get_cluster`` as every face serves it (``prime:index:getCluster``).
CLUSTER = DataFunction(
    name="getCluster",
    description="One cluster of the admin API: its fields, its nodes and its SSH keys.",
    query=ClusterQuery,
    arguments=("cluster_id",),
    record=GetClusterResult,
    run=lambda client, query: _read(client, query.cluster_id),
)


def get_cluster_output(
    cluster_id: Input[str],
    *,
    api_key: Input[str] | None = None,
    base_url: Input[str] | None = None,
) -> Output[GetClusterResult]:
    """:func:`get_cluster` for Inputs: the result is an Output, known once ``cluster_id`` is."""
    return Output.all(
        Output.from_input(cluster_id),
        Output.from_input(api_key),
        Output.from_input(base_url),
    ).apply(lambda args: get_cluster(args[0], api_key=args[1], base_url=args[2]))
