"""Benchmarks of the provider at scale, side by side with a plain dynamic provider.

Every run goes through the provider protocol exactly as the engine drives it
(``python -u -m pulumi.dynamic``, concurrent gRPC calls) against the emulator
with a provisioning time of several seconds. Each scenario runs twice in the
same run: once with the speed-ups (the default configuration) and once with
them switched off (``prime:workerThreads=0``, ``prime:sharedPolling=false``,
``prime:batchReads=false``), which stands for a plain dynamic provider. Results
are ratios, so they carry over between machines better than seconds do.

    .venv/bin/python -m bench.run           # or: make bench
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TypeVar

from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.fleet import checked_fleet, create_fleet, delete_fleet, read_fleet
from tests.kit.harness import ProviderProcess, stack_config
from tests.kit.samples import POD, SPEEDUPS_OFF

T = TypeVar("T")
API_KEY = "bench-key"
POLL_MAX = "1"  # both configurations: readiness is seen within a second
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Measure:
    wall: float
    requests: dict[str, int]


def measured(backend: EmulatorBackend, action: Callable[[], T]) -> tuple[Measure, T]:
    """What ``action`` returned, its wall time and the API requests it caused."""
    before = backend.request_counts().counts
    started = time.monotonic()
    result = action()
    wall = time.monotonic() - started
    after = backend.request_counts().counts
    spent = {k: after[k] - before.get(k, 0) for k in after}
    return Measure(wall, {k: v for k, v in spent.items() if v}), result


class Bench:
    """The emulator and a way to start configured provider processes against it."""

    def __init__(self, server: EmulatorServer, workdir: Path) -> None:
        self.server = server
        self.backend: EmulatorBackend = server.backend
        self.workdir = workdir

    @contextmanager
    def provider(self, speedups: bool) -> Iterator[ProviderProcess]:
        process = ProviderProcess(self.workdir)
        settings = {"prime:pollMaxSeconds": POLL_MAX, **({} if speedups else SPEEDUPS_OFF)}
        process.configure(stack_config(self.server.base_url, API_KEY, settings))
        try:
            yield process
        finally:
            process.close()

    def measure(self, action: Callable[[], T]) -> tuple[Measure, T]:
        return measured(self.backend, action)

    def live(self) -> int:
        return sum(1 for p in self.backend.all_pods() if p.status != "TERMINATED")


def bench_create(bench: Bench, sizes: list[int], speedups: bool) -> dict[int, Measure]:
    results = {}
    for n in sizes:
        bench.backend.reset()
        with bench.provider(speedups) as provider:
            fleet = checked_fleet(provider, POD, n, seed=f"bench/create-{n}")
            results[n], pods = bench.measure(partial(create_fleet, provider, fleet))
            if len(pods) != n or bench.live() != n:
                raise RuntimeError(f"{n} creates left {bench.live()} pods")
            delete_fleet(provider, pods)
        print(
            f"  create {n:>3} pods, speed-ups {'on ' if speedups else 'off'}: "
            f"{results[n].wall:6.2f}s  {results[n].requests}",
            flush=True,
        )
    return results


def bench_destroy(bench: Bench, sizes: list[int], speedups: bool) -> dict[int, Measure]:
    results = {}
    for n in sizes:
        bench.backend.reset()
        provision = bench.backend.provision_seconds
        bench.backend.provision_seconds = 0
        with bench.provider(speedups) as provider:
            pods = create_fleet(
                provider, checked_fleet(provider, POD, n, seed=f"bench/destroy-{n}")
            )
            results[n], _ = bench.measure(partial(delete_fleet, provider, pods))
            if bench.live():
                raise RuntimeError(f"destroy left {bench.live()} pods")
        bench.backend.provision_seconds = provision
        print(
            f"  destroy {n:>3} pods, speed-ups {'on ' if speedups else 'off'}: "
            f"{results[n].wall:6.2f}s",
            flush=True,
        )
    return results


def bench_refresh(bench: Bench, count: int, parallel: int, speedups: bool) -> Measure:
    bench.backend.reset()
    with closing(EmulatorControl(bench.server.base_url, API_KEY)) as emulator:
        for i in range(count):
            emulator.create_pod(f"refresh-{i}", cloud_id=POD["cloud_id"])
    pods = [(p.id, p.name) for p in bench.backend.all_pods()]
    with bench.provider(speedups) as provider:
        provider.check(POD)  # the provider process is up and configured before the clock runs
        measure, reads = bench.measure(partial(read_fleet, provider, pods, parallel))
        if [read_id for read_id, _ in reads] != [pod_id for pod_id, _ in pods]:
            raise RuntimeError("a refresh read lost a pod")
    print(
        f"  refresh {count} pods, speed-ups {'on ' if speedups else 'off'}: "
        f"{measure.wall:6.2f}s  {measure.requests}",
        flush=True,
    )
    return measure


def fmt_requests(requests: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(requests.items())) or "none"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"pulumi {version('pulumi')}, grpcio {version('grpcio')}, {platform.system()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provision-seconds", type=float, default=5.0)
    parser.add_argument("--delete-seconds", type=float, default=2.0)
    parser.add_argument("--sizes", default="1,4,16,32")
    parser.add_argument("--refresh", type=int, default=100)
    parser.add_argument("--refresh-parallel", type=int, default=16)
    parser.add_argument("--destroy", type=int, default=16)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    p = args.provision_seconds

    backend = EmulatorBackend(
        api_keys=[API_KEY], provision_seconds=p, delete_seconds=args.delete_seconds
    )
    with EmulatorServer(backend) as server, TemporaryDirectory() as workdir:
        bench = Bench(server, Path(workdir))
        print(
            f"emulator at {server.base_url}; provisioning {p:g}s, deletion {args.delete_seconds:g}s"
        )
        create = {on: bench_create(bench, sizes, on) for on in (True, False)}
        destroy = {on: bench_destroy(bench, [1, args.destroy], on) for on in (True, False)}
        refresh = {
            on: bench_refresh(bench, args.refresh, args.refresh_parallel, on)
            for on in (True, False)
        }

    command = "python -m bench.run " + " ".join(sys.argv[1:])
    lines = [
        "# Benchmark results",
        "",
        f"Command: `{command.strip()}` (also `make bench`). Machine: {machine()}.",
        f"Emulator provisioning time P = {p:g} s, deletion time {args.delete_seconds:g} s; "
        f'both configurations poll with a {POLL_MAX} s cap. "Plain" is the same provider with '
        "`prime:workerThreads=0`, `prime:sharedPolling=false` and `prime:batchReads=false`: "
        "what a plain dynamic provider does.",
        "",
        "## Creating N pods at once (wall time as a multiple of P)",
        "",
        "| N | prime-pulumi | plain | plain / prime-pulumi "
        "| requests, prime-pulumi | requests, plain |",
        "| ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for n in sizes:
        on, off = create[True][n], create[False][n]
        lines.append(
            f"| {n} | {on.wall / p:.2f} | {off.wall / p:.2f} | {off.wall / on.wall:.1f} "
            f"| {fmt_requests(on.requests)} | {fmt_requests(off.requests)} |"
        )
    lines += [
        "",
        "Goal: at most 1.3 for N = 16 and 1.5 for N = 32; status requests that do not grow with N.",
        "",
        f"## Destroying {args.destroy} pods (wall time as a multiple of destroying one)",
        "",
        "| | one pod | N pods | N / one |",
        "| --- | ---: | ---: | ---: |",
    ]
    for speedups, label in ((True, "prime-pulumi"), (False, "plain")):
        one, many = destroy[speedups][1].wall, destroy[speedups][args.destroy].wall
        lines.append(f"| {label} | {one:.2f} s | {many:.2f} s | {many / one:.2f} |")
    fresh, plain = refresh[True], refresh[False]
    lines += [
        "",
        f"## Refreshing {args.refresh} pods ({args.refresh_parallel} reads at once)",
        "",
        "| | wall | requests |",
        "| --- | ---: | --- |",
        f"| prime-pulumi | {fresh.wall:.2f} s | {fmt_requests(fresh.requests)} |",
        f"| plain | {plain.wall:.2f} s | {fmt_requests(plain.requests)} |",
        "",
    ]
    kept = other_sections(args.out)
    args.out.write_text("\n".join([*lines, *kept]) + ("\n" if kept else ""))
    print("\n".join(lines))
    return 0


def other_sections(path: Path) -> list[str]:
    """The sections other benchmarks keep in ``path`` (``bench.faces``), kept by a rewrite."""
    old = path.read_text() if path.exists() else ""
    pattern = r"<!-- (bench\.\w+): begin -->.*?<!-- \1: end -->"
    return [found.group(0) for found in re.finditer(pattern, old, flags=re.DOTALL)]


if __name__ == "__main__":
    sys.exit(main())
