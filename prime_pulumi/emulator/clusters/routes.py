"""The clusters' routes: the admin endpoint, and the control route that stores clusters.

API route (the name keys request counts and faults):

- ``get_cluster``: ``GET /api/admin/clusters/{cluster_id}`` (admin key only)

Control route (what control routes refuse is in :mod:`prime_pulumi.emulator.app`):

``POST /_emulator/clusters``
    Store a cluster (camelCase, the admin endpoint's shape; missing fields get
    defaults, so ``{}`` is a cluster of defaults, and an empty or missing ``id``
    gets a fresh one). Answers the cluster. The admin endpoint's envelope,
    ``{"data": cluster, "status": ...}``, is refused (type ``envelope``): post
    the value of ``data``.
"""

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.clusters.wire import ClusterRoute, WireCluster, WireClusterEnvelope
from prime_pulumi.emulator.http import Routes


def add_routes(routes: Routes, backend: EmulatorBackend) -> None:
    """Serve the clusters' API and control routes."""

    @routes.api(ClusterRoute.get_cluster, 403, 404, admin=True)
    async def get_cluster(cluster_id: str) -> WireClusterEnvelope:
        """Full details of one cluster: columns, nodes and SSH keys."""
        return backend.get_cluster(cluster_id)

    @routes.control("POST", "clusters", "add_cluster")
    async def add_cluster(cluster: WireCluster) -> WireCluster:
        """Store a cluster for the admin endpoint."""
        return backend.add_cluster(cluster)
