"""The clusters one backend holds: tests store them, the admin endpoint serves them."""

from __future__ import annotations

from prime_pulumi.emulator.clusters.wire import WireCluster, WireClusterEnvelope
from prime_pulumi.emulator.core import BackendCore
from prime_pulumi.emulator.errors import UnknownResourceError


class ClusterBackend(BackendCore):
    """The backend's clusters, by id."""

    _clusters: dict[str, WireCluster]

    def _forget(self) -> None:
        super()._forget()
        self._clusters = {}

    def add_cluster(self, cluster: WireCluster) -> WireCluster:
        """Store a cluster for the admin endpoint; an empty id gets a fresh one."""
        with self._lock:
            if not cluster.id:
                cluster = cluster.model_copy(update={"id": self._next_id("cluster")})
            self._clusters[cluster.id] = cluster
            return cluster

    def get_cluster(self, cluster_id: str) -> WireClusterEnvelope:
        """One stored cluster in the admin endpoint's envelope; 404 when unknown."""
        with self._lock:
            cluster = self._clusters.get(cluster_id)
        if cluster is None:
            raise UnknownResourceError(f"Cluster {cluster_id} not found")
        return WireClusterEnvelope(data=cluster, status="success")
