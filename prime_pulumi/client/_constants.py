"""Every tunable of the API client, named in one place.

Each is the default of a keyword argument of :class:`prime_pulumi.client.PrimeClient`
(or of the function that uses it), so a caller overrides it there.
"""

from __future__ import annotations

import httpx

#: The public API, used when neither an argument nor the environment names another.
DEFAULT_BASE_URL = "https://api.primeintellect.ai"

#: Path prefix of the pods, disks and availability API (the admin API lives under ``/api/admin``).
API_V1 = "/api/v1"

#: Environment variables, the same names the official ``prime`` CLI reads.
ENV_API_KEY = "PRIME_API_KEY"
ENV_BASE_URLS = ("PRIME_API_BASE_URL", "PRIME_BASE_URL")
ENV_TEAM_ID = "PRIME_TEAM_ID"

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
DISKS_PAGE_LIMIT = 100
SSH_KEYS_PAGE_LIMIT = 100
AVAILABILITY_PAGE_SIZE = 100
#: How many ids one status request carries (keeps the query string short).
STATUS_BATCH_SIZE = 100
