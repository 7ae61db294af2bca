"""Every tunable of the API client, named in one place.

Each is the default of a keyword argument of :class:`prime_pulumi.PrimeClient`
(or of the function that uses it), so a caller overrides it there.
"""

from __future__ import annotations

import httpx

#: The public API, used when neither an argument, the stack config nor the
#: environment names another.
DEFAULT_BASE_URL = "https://api.primeintellect.ai"

#: Path prefix of the pods and availability API (the admin API lives under ``/api/admin``).
API_V1 = "/api/v1"

#: Environment variables, the same names the official ``prime`` CLI reads.
ENV_API_KEY = "PRIME_API_KEY"
ENV_BASE_URLS = ("PRIME_API_BASE_URL", "PRIME_BASE_URL")
ENV_TEAM_ID = "PRIME_TEAM_ID"

#: Pulumi stack config keys (``pulumi config set --secret prime:apiKey ...``).
CONFIG_API_KEY = "prime:apiKey"
CONFIG_BASE_URL = "prime:baseUrl"
CONFIG_TEAM_ID = "prime:teamId"

#: Per-request timeouts. Reads get 30 s: listing many pods can be slow.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

#: Retries of idempotent calls (GET, DELETE) and of rejected creates.
MAX_ATTEMPTS = 6
#: Total time one call may spend, attempts and waits together, before it gives up.
RETRY_BUDGET_SECONDS = 60.0
#: Exponential backoff: first wait, cap, and the random jitter added to each wait.
BACKOFF_INITIAL_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 8.0
BACKOFF_JITTER_SECONDS = 0.5
#: A server's ``Retry-After`` is honoured up to this many seconds.
RETRY_AFTER_MAX_SECONDS = 60.0

#: Page sizes: the API's maximum for both pagination styles.
PODS_PAGE_LIMIT = 100
AVAILABILITY_PAGE_SIZE = 100
#: How many ids one status request carries (keeps the query string short).
STATUS_BATCH_SIZE = 100

# ---------------------------------------------------------------- the provider

#: How long a create waits for a pod to be ready; large multi-GPU pods take 25 minutes.
READY_TIMEOUT_SECONDS = 1800.0
#: Polling of a provisioning pod starts at the first interval and backs off to the cap.
POLL_INITIAL_SECONDS = 1.0
POLL_MAX_SECONDS = 10.0
POLL_BACKOFF_FACTOR = 1.5
#: An installation failure that lasts this long is final (the service retries some itself).
INSTALL_FAILURE_GRACE_SECONDS = 120.0
#: How long a delete waits for the pod to be really gone.
DELETE_TIMEOUT_SECONDS = 300.0

#: Stack config keys of the provider's tunables (seconds), for tests and slow clouds.
CONFIG_POLL_MAX = "prime:pollMaxSeconds"
CONFIG_INSTALL_FAILURE_GRACE = "prime:installFailureGraceSeconds"
CONFIG_DELETE_TIMEOUT = "prime:deleteTimeoutSeconds"

# ---------------------------------------------------------------- the provider at scale

#: Worker threads of the provider process's gRPC server, raised from the SDK's 4 so
#: that pods waiting to be ready do not hold back every other operation.
PROVIDER_WORKER_THREADS = 128

#: A refresh's reads share listings of all pods taken at most this long before them.
READ_LISTING_SECONDS = 2.0

#: Stack config keys that switch the speed-ups (the benchmark's baseline turns them off).
CONFIG_WORKER_THREADS = "prime:workerThreads"
CONFIG_SHARED_POLLING = "prime:sharedPolling"
CONFIG_BATCH_READS = "prime:batchReads"

#: After a create whose answer was lost and whose pod is not listed yet, how long the
#: provider keeps looking for it by name (a slow server may still be making it).
CREATE_SETTLE_SECONDS = 60.0

#: Stack config keys of the client's timing, for slow networks and for tests.
CONFIG_REQUEST_TIMEOUT = "prime:requestTimeoutSeconds"
CONFIG_RETRY_BACKOFF = "prime:retryBackoffSeconds"
CONFIG_CREATE_SETTLE = "prime:createSettleSeconds"

#: Every stack config key the provider reads.
CONFIG_KEYS: tuple[str, ...] = (
    CONFIG_API_KEY,
    CONFIG_BASE_URL,
    CONFIG_TEAM_ID,
    CONFIG_POLL_MAX,
    CONFIG_INSTALL_FAILURE_GRACE,
    CONFIG_DELETE_TIMEOUT,
    CONFIG_WORKER_THREADS,
    CONFIG_SHARED_POLLING,
    CONFIG_BATCH_READS,
    CONFIG_REQUEST_TIMEOUT,
    CONFIG_RETRY_BACKOFF,
    CONFIG_CREATE_SETTLE,
)
