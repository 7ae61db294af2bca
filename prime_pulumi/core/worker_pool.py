"""Raising the worker bound of the provider process's gRPC server.

``python -m pulumi.dynamic`` serves every operation of every dynamic resource
with ``ThreadPoolExecutor(max_workers=4)`` (pulumi/dynamic/__main__.py). A
create blocks its thread until the pod is ready, so 32 pods would provision in
8 waves, with every check, diff and read queued behind them.

The executor is local to the SDK's ``main()``, so it is found through the
garbage collector as the ``thread_pool`` of grpc's server state, and its bound
raised: ``ThreadPoolExecutor`` starts a new thread on a submit while it has
fewer than ``_max_workers``. Both are private details of grpc and the standard
library; ``tests/protocol/test_scale.py`` fails loudly if either changes. If the
pool is not found, nothing changes: the provider stays correct, only slower.
"""

from __future__ import annotations

import gc
import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

logger = logging.getLogger("prime_pulumi.worker_pool")


def _server_pools() -> list[ThreadPoolExecutor]:
    try:
        grpc_server: Any = importlib.import_module("grpc._server")
    except ImportError:
        return []
    state_type = getattr(grpc_server, "_ServerState", None)
    if not isinstance(state_type, type):
        return []
    pools: dict[int, ThreadPoolExecutor] = {}
    for obj in gc.get_objects():
        if isinstance(obj, state_type):
            pool = getattr(obj, "thread_pool", None)
            if isinstance(pool, ThreadPoolExecutor):
                pools[id(pool)] = pool
    return list(pools.values())


def raise_worker_bound(workers: int) -> int:
    """Lets each gRPC server of this process run up to ``workers`` calls at once.

    Returns how many server pools were widened (0: none found, nothing changed).
    """
    widened = 0
    for pool in _server_pools():
        current = getattr(pool, "_max_workers", None)
        if isinstance(current, int) and current < workers:
            pool._max_workers = workers  # private: see the module docstring
            widened += 1
    if widened:
        logger.info("provider server: up to %d operations at once", workers)
    return widened
