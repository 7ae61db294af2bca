"""What the provider process shares between its threads: the config and one client.

The provider instance is pickled into every resource's state, so it holds
nothing. ``configure()`` hands the stack config to this process-wide runtime,
and the client is built lazily, once, on first use, under a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from prime_pulumi._constants import (
    CONFIG_DELETE_TIMEOUT,
    CONFIG_INSTALL_FAILURE_GRACE,
    CONFIG_POLL_MAX,
    DELETE_TIMEOUT_SECONDS,
    INSTALL_FAILURE_GRACE_SECONDS,
    POLL_MAX_SECONDS,
)
from prime_pulumi.client import PrimeClient
from prime_pulumi.errors import ConfigurationError


@dataclass(frozen=True)
class ProviderTunables:
    """Timing of the provider, from the stack config (seconds)."""

    poll_max: float = POLL_MAX_SECONDS
    install_failure_grace: float = INSTALL_FAILURE_GRACE_SECONDS
    delete_timeout: float = DELETE_TIMEOUT_SECONDS

    @classmethod
    def from_config(cls, config: Mapping[str, str]) -> ProviderTunables:
        """Reads the ``prime:*Seconds`` keys; a value that is not a positive number is an error."""
        values: dict[str, float] = {}
        for key, field in (
            (CONFIG_POLL_MAX, "poll_max"),
            (CONFIG_INSTALL_FAILURE_GRACE, "install_failure_grace"),
            (CONFIG_DELETE_TIMEOUT, "delete_timeout"),
        ):
            raw = config.get(key)
            if raw is None:
                continue
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not value > 0:
                raise ConfigurationError(f"{key} must be a positive number of seconds, not {raw!r}")
            values[field] = value
        return cls(**values)


class ProviderRuntime:
    """The configured state of one provider process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config: dict[str, str] = {}
        self._client: PrimeClient | None = None
        self.tunables = ProviderTunables()

    def configure(self, config: Mapping[str, str]) -> None:
        """Takes the stack config (secrets unwrapped); the client is rebuilt on next use."""
        tunables = ProviderTunables.from_config(config)
        with self._lock:
            self._config = dict(config)
            self.tunables = tunables
            old, self._client = self._client, None
        if old is not None:
            old.close()

    def client(self) -> PrimeClient:
        """The shared client, built on first use from the config and the environment."""
        with self._lock:
            if self._client is None:
                self._client = PrimeClient(stack_config=self._config)
            return self._client


#: The one runtime of this process.
RUNTIME = ProviderRuntime()
