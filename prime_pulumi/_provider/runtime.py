"""What the provider process shares between its threads: the settings, one client, one poller.

The provider instance is pickled into every resource's state, so it holds
nothing. ``configure()`` hands the validated :class:`ProviderSettings` to this
process-wide runtime; the client is built lazily, once, on first use, under a lock.
"""

from __future__ import annotations

import threading

from prime_pulumi._provider.pod_listings import PodListings
from prime_pulumi._provider.settings import ProviderSettings
from prime_pulumi._provider.status_hub import StatusHub
from prime_pulumi._provider.worker_pool import raise_worker_bound
from prime_pulumi.client import PrimeClient


class ProviderRuntime:
    """The configured state of one provider process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: PrimeClient | None = None
        self.settings = ProviderSettings()
        self.hub = StatusHub(self.client, lambda: self.settings.poll_max)
        self.pods = PodListings()
        #: How many gRPC server pools configure() widened (0: the SDK's 4 workers stand).
        self.widened_pools = 0

    def configure(self, settings: ProviderSettings) -> None:
        """Takes the stack's settings; the client is rebuilt on next use."""
        with self._lock:
            self.settings = settings
            old, self._client = self._client, None
        if old is not None:
            old.close()
        if settings.worker_threads:
            self.widened_pools = raise_worker_bound(settings.worker_threads)

    def client(self) -> PrimeClient:
        """The shared client, built on first use from the settings and the environment."""
        with self._lock:
            if self._client is None:
                self._client = self.settings.build_client()
            return self._client


#: The one runtime of this process.
RUNTIME = ProviderRuntime()
