"""Many pods at once through the provider protocol, as the engine sends independent resources."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from tests.kit.harness import ProviderProcess

T = TypeVar("T")


def checked_fleet(
    provider: ProviderProcess, pod: Mapping[str, Any], count: int, seed: str
) -> list[dict[str, Any]]:
    """Checked inputs of ``count`` pods like ``pod``, pod i named from ``{seed}/node-{i}``."""
    fleet = []
    for i in range(count):
        inputs, failures = provider.check({**pod, "auto_name_seed": f"{seed}/node-{i}"})
        if failures:
            raise AssertionError(f"valid inputs failed check: {failures}")
        fleet.append(inputs)
    return fleet


def concurrently(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Runs every call at once, as the engine does for independent resources."""
    with ThreadPoolExecutor(max_workers=max(1, len(calls))) as pool:
        return list(pool.map(lambda call: call(), calls))


def create_fleet(
    provider: ProviderProcess, fleet: Sequence[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """Sends every Create at once (resource i is ``n{i}``); answers (pod id, outputs) each."""
    return concurrently(
        [partial(provider.create, inputs, name=f"n{i}") for i, inputs in enumerate(fleet)]
    )


def delete_fleet(provider: ProviderProcess, pods: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Sends every Delete at once."""
    concurrently([partial(provider.delete, pod_id, outs) for pod_id, outs in pods])


def read_fleet(
    provider: ProviderProcess, pods: Sequence[tuple[str, str]], parallel: int
) -> list[tuple[str, dict[str, Any]]]:
    """Reads (refreshes) each (pod id, name), ``parallel`` at once; answers (id, outputs) each."""
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(lambda pod: provider.read(pod[0], {"name": pod[1]}), pods))
