"""What the provider process shares between its threads: the config, one client, one poller.

The provider instance is pickled into every resource's state, so it holds
nothing. ``configure()`` hands the stack config to this process-wide runtime;
the client is built lazily, once, on first use, under a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from prime_pulumi._constants import (
    BACKOFF_INITIAL_SECONDS,
    BACKOFF_MAX_SECONDS,
    CONFIG_BATCH_READS,
    CONFIG_CREATE_SETTLE,
    CONFIG_DELETE_TIMEOUT,
    CONFIG_INSTALL_FAILURE_GRACE,
    CONFIG_POLL_MAX,
    CONFIG_REQUEST_TIMEOUT,
    CONFIG_RETRY_BACKOFF,
    CONFIG_SHARED_POLLING,
    CONFIG_WORKER_THREADS,
    CREATE_SETTLE_SECONDS,
    DEFAULT_TIMEOUT,
    DELETE_TIMEOUT_SECONDS,
    INSTALL_FAILURE_GRACE_SECONDS,
    POLL_MAX_SECONDS,
    PROVIDER_WORKER_THREADS,
)
from prime_pulumi.client import Backoff, PrimeClient
from prime_pulumi.errors import ConfigurationError
from prime_pulumi.pod_listings import PodListings
from prime_pulumi.status_hub import StatusHub
from prime_pulumi.worker_pool import raise_worker_bound


def _seconds(config: Mapping[str, str], key: str, default: float) -> float:
    raw = config.get(key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigurationError(f"{key} must be a positive number of seconds, not {raw!r}")
    return value


def _flag(config: Mapping[str, str], key: str, default: bool) -> bool:
    raw = config.get(key)
    if raw is None:
        return default
    if raw.strip().lower() in ("true", "1", "yes"):
        return True
    if raw.strip().lower() in ("false", "0", "no"):
        return False
    raise ConfigurationError(f"{key} must be true or false, not {raw!r}")


def _count(config: Mapping[str, str], key: str, default: int) -> int:
    raw = config.get(key)
    if raw is None:
        return default
    try:
        value = int(float(raw))
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigurationError(f"{key} must be a whole number, 0 or more, not {raw!r}")
    return value


@dataclass(frozen=True)
class ProviderTunables:
    """Timing and speed-ups of the provider, from the stack config."""

    poll_max: float = POLL_MAX_SECONDS
    install_failure_grace: float = INSTALL_FAILURE_GRACE_SECONDS
    delete_timeout: float = DELETE_TIMEOUT_SECONDS
    #: Worker threads of the provider server; 0 leaves the SDK's 4.
    worker_threads: int = PROVIDER_WORKER_THREADS
    #: One status poller for all waiting pods, instead of one per pod.
    shared_polling: bool = True
    #: Reads answered from one listing of all pods, instead of a GET each.
    batch_reads: bool = True
    #: How long one request may wait for its answer; ``None``: the client's default.
    request_timeout: float | None = None
    #: The first wait between retries; later ones double, up to 16 times this.
    retry_backoff: float = BACKOFF_INITIAL_SECONDS
    create_settle: float = CREATE_SETTLE_SECONDS

    @classmethod
    def from_config(cls, config: Mapping[str, str]) -> ProviderTunables:
        """Reads the ``prime:*`` tunables; a malformed value is a :class:`ConfigurationError`."""
        return cls(
            poll_max=_seconds(config, CONFIG_POLL_MAX, POLL_MAX_SECONDS),
            install_failure_grace=_seconds(
                config, CONFIG_INSTALL_FAILURE_GRACE, INSTALL_FAILURE_GRACE_SECONDS
            ),
            delete_timeout=_seconds(config, CONFIG_DELETE_TIMEOUT, DELETE_TIMEOUT_SECONDS),
            worker_threads=_count(config, CONFIG_WORKER_THREADS, PROVIDER_WORKER_THREADS),
            shared_polling=_flag(config, CONFIG_SHARED_POLLING, True),
            batch_reads=_flag(config, CONFIG_BATCH_READS, True),
            request_timeout=(
                _seconds(config, CONFIG_REQUEST_TIMEOUT, 0.0)
                if CONFIG_REQUEST_TIMEOUT in config
                else None
            ),
            retry_backoff=_seconds(config, CONFIG_RETRY_BACKOFF, BACKOFF_INITIAL_SECONDS),
            create_settle=_seconds(config, CONFIG_CREATE_SETTLE, CREATE_SETTLE_SECONDS),
        )

    def build_client(self, stack_config: Mapping[str, str]) -> PrimeClient:
        """A client with the stack's settings and the timing these tunables set."""
        scale = self.retry_backoff / BACKOFF_INITIAL_SECONDS
        timeout = DEFAULT_TIMEOUT
        if self.request_timeout is not None:
            timeout = httpx.Timeout(self.request_timeout)
        return PrimeClient(
            stack_config=stack_config,
            timeout=timeout,
            backoff=Backoff(
                initial=self.retry_backoff,
                cap=BACKOFF_MAX_SECONDS * scale,
                jitter=self.retry_backoff,
            ),
        )


class ProviderRuntime:
    """The configured state of one provider process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config: dict[str, str] = {}
        self._client: PrimeClient | None = None
        self.tunables = ProviderTunables()
        self.hub = StatusHub(self.client, lambda: self.tunables.poll_max)
        self.pods = PodListings()
        #: How many gRPC server pools configure() widened (0: the SDK's 4 workers stand).
        self.widened_pools = 0

    def configure(self, config: Mapping[str, str]) -> None:
        """Takes the stack config (secrets unwrapped); the client is rebuilt on next use."""
        tunables = ProviderTunables.from_config(config)
        with self._lock:
            self._config = dict(config)
            self.tunables = tunables
            old, self._client = self._client, None
        if old is not None:
            old.close()
        if tunables.worker_threads:
            self.widened_pools = raise_worker_bound(tunables.worker_threads)

    def client(self) -> PrimeClient:
        """The shared client, built on first use from the config and the environment."""
        with self._lock:
            if self._client is None:
                self._client = self.tunables.build_client(self._config)
            return self._client


#: The one runtime of this process.
RUNTIME = ProviderRuntime()
