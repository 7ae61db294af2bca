"""What the provider process shares between its threads: the settings, the client, and
what each kind keeps for the whole process (:meth:`ProviderRuntime.shared`).

It also holds the link to the engine, where each resource's progress goes.

The provider instance is pickled into every resource's state, so it holds
nothing. ``configure()`` hands the validated :class:`ProviderSettings` to this
process-wide runtime. Operations lease the client (:meth:`ProviderRuntime.lease`)
for as long as they use it. The SDK configures every distinct provider pickle
it meets, so ``configure()`` may come again while operations run: with the same
settings it changes nothing; with others, new leases get a new client and the
old one is closed only when its last lease ends.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from prime_pulumi.client import PrimeClient
from prime_pulumi.core.cancellation import Cancellation
from prime_pulumi.core.engine_process import engine_address
from prime_pulumi.core.polling import Poller
from prime_pulumi.core.progress import EngineLog, RowProgress
from prime_pulumi.core.settings import ProviderSettings
from prime_pulumi.core.worker_pool import raise_worker_bound

logger = logging.getLogger("prime_pulumi.runtime")

T = TypeVar("T")


class ProviderRuntime:
    """The configured state of one provider process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._configured = False
        self._client: PrimeClient | None = None
        self._leases: Counter[PrimeClient] = Counter()
        self.settings = ProviderSettings()
        self._shared: dict[Callable[[ProviderRuntime], Any], Any] = {}
        self.engine_log = EngineLog(engine_address())
        #: The engine's Cancel: it ends the waits (the native face receives it).
        self.cancellation = Cancellation()
        #: How many gRPC server pools configure() widened (0: the SDK's 4 workers stand).
        self.widened_pools = 0

    def configure(self, settings: ProviderSettings) -> None:
        """Takes the stack's settings; clients in use are never closed under their users."""
        with self._lock:
            if self._configured and settings == self.settings:
                return
            self._configured = True
            self.settings = settings
            old, self._client = self._client, None
            idle = old is not None and not self._leases[old]
        if old is not None and idle:
            old.close()
        if settings.worker_threads:
            self.widened_pools = raise_worker_bound(settings.worker_threads)

    def shared(self, make: Callable[[ProviderRuntime], T]) -> T:
        """What ``make`` builds for this process, built once: a kind's shared poller, say.

        ``make`` is the key: a module-level function, not a lambda made anew at each call.
        It runs outside the runtime's lock (it may lease a client); should two threads
        build at once, the first one stored is the one every caller gets.
        """
        with self._lock:
            if make in self._shared:
                return cast("T", self._shared[make])
        built = make(self)
        with self._lock:
            return cast("T", self._shared.setdefault(make, built))

    def progress(self, urn: str | None) -> RowProgress:
        """The progress shown in the CLI row of resource ``urn`` (nothing without a URN)."""
        return self.engine_log.row(urn)

    def poller(self, *, cancellable: bool = False) -> Poller:
        """Fresh polling intervals, capped by the settings (``prime:pollMaxSeconds``).

        A ``cancellable`` one raises :class:`~.cancellation.CancelledError` when the engine
        cancels: for the waits until a resource is ready or gone.
        """
        if cancellable:
            return Poller(cap=self.settings.poll_max, sleep=self.cancellation.sleep)
        return Poller(cap=self.settings.poll_max)

    @contextmanager
    def lease(self) -> Iterator[PrimeClient]:
        """The current client, kept open until this lease ends (built on first use)."""
        with self._lock:
            if self._client is None:
                self._client = self.settings.build_client()
            client = self._client
            self._leases[client] += 1
        try:
            yield client
        finally:
            with self._lock:
                self._leases[client] -= 1
                retired = not self._leases[client] and client is not self._client
                if not self._leases[client]:
                    del self._leases[client]
            if retired:
                logger.debug("closing a client the settings replaced; its last user is done")
                client.close()


#: The one runtime of this process.
RUNTIME = ProviderRuntime()
