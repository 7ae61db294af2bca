"""Both faces through the real pulumi engine: ``up``, ``preview`` and ``destroy`` of N pods.

The dynamic face (``prime_pulumi.Pod``, served by ``python -m pulumi.dynamic``
through the launcher) and the native face (``prime:index:Pod``, served by
``pulumi-resource-prime``) each run as an Automation API inline program with a
file backend, against the in-process emulator, twice per N: with the pods'
provisioning time P, and at their floor (the API answering at once). From the
emulator's own record of when each pod turned ready and the engine's event for
each create's return, it also says how soon readiness is seen, and it counts
the status requests. Results go into a section of ``bench/RESULTS.md``.

    .venv/bin/python -m bench.faces        # or: make bench-faces
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, Final, TypeVar

import pulumi
from pulumi import automation as auto

from bench.run import POLL_MAX, RESULTS, fmt_requests, machine, measured
from prime_pulumi import Pod, PodArgs
from prime_pulumi.client._constants import STATUS_BATCH_SIZE
from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from prime_pulumi.emulator.pods.wire import NodeValue, PodList, WirePod, WirePodStatusList
from prime_pulumi.native.names import camel
from tests.kit.pulumi_cli import PULUMI_VERSION, ensure
from tests.kit.samples import POD

T = TypeVar("T")
API_KEY: Final = "bench-key"
PROJECT: Final = "bench-faces"
FACES: Final = ("native", "dynamic")
NATIVE_TYPE: Final = "prime:index:Pod"
#: The same pod for both faces: an explicit offer, so neither chooses one.
NATIVE_POD: Final = {camel(key): value for key, value in POD.items()}
#: The requests that poll a pod's state; they should not grow with N.
STATUS_ROUTES: Final = ("pod_status", "list_pods")
#: Delimit this module's section of RESULTS.md, so a rerun replaces only it.
BEGIN, END = "<!-- bench.faces: begin -->", "<!-- bench.faces: end -->"


class TimedBackend(EmulatorBackend):
    """The emulator, noting when it first answered each pod as ready (SSH set)."""

    def __init__(self, **kwargs: Any) -> None:
        self._seen_lock = threading.Lock()
        self.first_ready: dict[str, float] = {}
        super().__init__(**kwargs)

    def ready_at(self) -> dict[str, float]:
        """When each pod turned ready, on the emulator's clock (creation + its provisioning)."""
        with self._lock:
            return {r.id: r.created + r.provision_seconds for r in self._pods.all()}

    def created_at(self) -> list[float]:
        """When each pod was created, on the emulator's clock."""
        with self._lock:
            return [r.created for r in self._pods.all()]

    def reset(self) -> None:
        super().reset()
        with self._seen_lock:
            self.first_ready.clear()

    def _note(self, answered: Sequence[tuple[str, NodeValue]]) -> None:
        now = self._clock()
        with self._seen_lock:
            for pod_id, ssh in answered:
                if ssh:
                    self.first_ready.setdefault(pod_id, now)

    def pod_statuses(self, pod_ids: Sequence[str]) -> WirePodStatusList:
        answer = super().pod_statuses(pod_ids)
        self._note([(s.pod_id, s.ssh_connection) for s in answer.data])
        return answer

    def list_pods(self, offset: int = 0, limit: int = 100) -> PodList:
        answer = super().list_pods(offset, limit)
        self._note([(p.id, p.ssh_connection) for p in answer.data])
        return answer

    def get_pod(self, pod_id: str) -> WirePod:
        answer = super().get_pod(pod_id)
        self._note([(answer.id, answer.ssh_connection)])
        return answer


class CreateEvents:
    """When the engine reported each create started and returned (its events, as they arrive).

    The engine streams its events to this process over gRPC (CLI 3.206 and newer), so
    a return is seen here a little after the engine had it: an upper bound.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.started: list[float] = []
        self.returned: dict[str, float] = {}  # by pod id

    def __call__(self, event: auto.EngineEvent) -> None:
        now = self._clock()
        pre, outputs = event.resource_pre_event, event.res_outputs_event
        if pre is not None and pre.metadata.op == auto.OpType.CREATE and _is_pod(pre.metadata.type):
            self.started.append(now)
        if outputs is not None and outputs.metadata.op == auto.OpType.CREATE:
            new = outputs.metadata.new
            if new is not None and new.id and _is_pod(new.type):
                self.returned[new.id] = now


def _is_pod(type_: str) -> bool:
    """A pod of either face, not the stack or the default provider (``pulumi:*``)."""
    return not type_.startswith("pulumi:")


@dataclass
class Step:
    """One engine command: its wall time and the API requests it caused."""

    wall: float
    requests: dict[str, int]

    @property
    def status_requests(self) -> int:
        return sum(self.requests.get(route, 0) for route in STATUS_ROUTES)

    def status_rounds(self, n: int) -> float:
        """Rounds of the status poll: each asks for 100 pods per request (the API takes the
        ids in the URL), so N pods cost ceil(N / 100) requests a round."""
        return self.requests.get("pod_status", 0) / math.ceil(n / STATUS_BATCH_SIZE)


@dataclass
class Lifecycle:
    """``up``, ``preview`` and ``destroy`` of one stack, and how each pod's readiness was seen."""

    up: Step
    preview: Step
    destroy: Step
    seen: list[float] = field(default_factory=list)  # create returned - pod ready, per pod
    polled: list[float] = field(default_factory=list)  # first ready answer - pod ready
    spread: float = 0.0  # first to last pod created at the API
    trace: str = ""


def program(face: str, n: int) -> Callable[[], None]:
    """The inline program of ``face``: N pods named ``pod-0``..."""

    def native() -> None:
        for i in range(n):
            pulumi.CustomResource(NATIVE_TYPE, f"pod-{i}", dict(NATIVE_POD))

    def dynamic() -> None:
        for i in range(n):
            Pod(f"pod-{i}", PodArgs(**POD))

    return native if face == "native" else dynamic


def stack_env(state: Path) -> dict[str, str]:
    """A file backend in ``state``; this interpreter for the dynamic provider (the launcher
    reads it), and this venv first on PATH, where the engine finds ``pulumi-resource-prime``."""
    return {
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": "bench-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


class Bench:
    """The emulator, and stacks of either face run against it."""

    def __init__(self, server: EmulatorServer, backend: TimedBackend, parallel: int) -> None:
        self.server = server
        self.backend = backend
        self.parallel = parallel

    def measure(self, action: Callable[[], T]) -> tuple[Step, T]:
        step, result = measured(self.backend, action)
        return Step(step.wall, step.requests), result

    def live(self) -> int:
        return sum(1 for p in self.backend.all_pods() if p.status != "TERMINATED")

    def lifecycle(self, face: str, n: int, provision: float, delete: float) -> Lifecycle:
        """A fresh stack of N pods of ``face``: up, preview with no change, destroy."""
        self.backend.reset()
        self.backend.provision_seconds = provision
        self.backend.delete_seconds = delete
        with TemporaryDirectory(prefix="bench-faces-") as tmp:
            state = Path(tmp) / "state"
            state.mkdir()
            stack = auto.create_or_select_stack(
                stack_name=f"{face}-{n}",
                project_name=PROJECT,
                program=program(face, n),
                opts=auto.LocalWorkspaceOptions(
                    work_dir=tmp,
                    project_settings=auto.ProjectSettings(name=PROJECT, runtime="python"),
                    env_vars=stack_env(state),
                ),
            )
            stack.set_all_config(
                {
                    "prime:baseUrl": auto.ConfigValue(self.server.base_url),
                    "prime:apiKey": auto.ConfigValue(API_KEY, secret=True),
                    "prime:pollMaxSeconds": auto.ConfigValue(POLL_MAX),
                }
            )
            try:
                return self._run(stack, n)
            finally:
                if self.live():  # a failed run: leave no pod behind for the next one
                    stack.destroy(parallel=self.parallel)
                stack.workspace.remove_stack(stack.name)

    def _run(self, stack: auto.Stack, n: int) -> Lifecycle:
        events = CreateEvents(time.monotonic)
        up_started = time.monotonic()
        up, result = self.measure(lambda: stack.up(parallel=self.parallel, on_event=events))
        changes = result.summary.resource_changes
        if changes != {"create": n + 1} or self.live() != n or len(events.returned) != n:
            raise RuntimeError(f"up of {n} pods: {changes}, {self.live()} live pods")
        ready_at = self.backend.ready_at()
        seen = [events.returned[i] - ready_at[i] for i in ready_at]
        first = self.backend.first_ready
        polled = [first[i] - ready_at[i] for i in ready_at if i in first]
        created = self.backend.created_at()

        def at(moment: float) -> str:
            return f"{moment - up_started:+.1f}"

        trace = (
            f"engine started creates {at(min(events.started))}..{at(max(events.started))} s, "
            f"API created pods {at(min(created))}..{at(max(created))} s, "
            f"ready {at(min(ready_at.values()))}..{at(max(ready_at.values()))} s, "
            f"creates returned {at(min(events.returned.values()))}.."
            f"{at(max(events.returned.values()))} s, up ended {up.wall:+.1f} s; polled max "
            f"{max(polled):.2f} s"
        )
        preview, previewed = self.measure(lambda: stack.preview(parallel=self.parallel))
        if previewed.change_summary != {"same": n + 1}:
            raise RuntimeError(f"preview after the up of {n} pods: {previewed.change_summary}")
        destroy, _ = self.measure(lambda: stack.destroy(parallel=self.parallel))
        if self.live():
            raise RuntimeError(f"destroy of {n} pods left {self.live()}")
        spread = max(created) - min(created)
        return Lifecycle(up, preview, destroy, seen, polled, spread, trace)


@dataclass
class Outcome:
    """Every lifecycle of the run: by face, N and whether at the floor."""

    provision: float
    delete: float
    runs: dict[tuple[str, int, bool], Lifecycle] = field(default_factory=dict)
    #: The machine's 1-minute load average at the start and at the end (it may be shared).
    load: list[float] = field(default_factory=list)

    def get(self, face: str, n: int, floor: bool = False) -> Lifecycle:
        return self.runs[face, n, floor]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def goals(out: Outcome, sizes: list[int], faces: Sequence[str]) -> list[str]:
    """The goals, each with its measured ratio and PASS or FAIL."""
    p, d, big = out.provision, out.delete, max(sizes)
    lines = []
    if "native" in faces:
        main, floor = out.get("native", big), out.get("native", big, floor=True)
        ratio = main.up.wall / (floor.up.wall + p)
        lines.append(
            f"- Native `up` of {big} pods within 1.3x of (its floor + P): "
            f"{main.up.wall:.1f} s / ({floor.up.wall:.1f} + {p:g}) s = {ratio:.2f}: "
            f"**{verdict(ratio <= 1.3)}**"
        )
        for n in sizes:
            main, floor = out.get("native", n), out.get("native", n, floor=True)
            ratio = main.destroy.wall / (floor.destroy.wall + d)
            target = "its floor" if d == 0 else f"(its floor + {d:g} s of deletion)"
            lines.append(
                f"- Native `destroy` at N = {n} within 1.3x of {target}: "
                f"{main.destroy.wall:.1f} s / {floor.destroy.wall + d:.1f} s = {ratio:.2f}: "
                f"**{verdict(ratio <= 1.3)}**"
            )
    for face in faces:
        # Seen: the provider's status poll first answered the pod ready. The create's
        # return to the engine comes after (the whole pod read, the row's last message,
        # the engine's event): shown beside it, as "returned".
        polled = max(max(out.get(face, n).polled) for n in sizes)
        returned = max(max(out.get(face, n).seen) for n in sizes)
        lines.append(
            f"- {face.capitalize()} face, readiness seen by the provider within 1.5 s at any "
            f"N: worst pod {polled:.2f} s (its create returned to the engine at worst "
            f"{returned:.2f} s after the pod was ready): **{verdict(polled <= 1.5)}**"
        )
    for face in faces:
        rounds = [out.get(face, n).up.status_rounds(n) for n in sizes]
        # Polling shared by all pods makes the rounds a matter of time (P / the poll
        # interval), not of N; one poller per pod would make them about N times more.
        ok = rounds[-1] <= 2 * max(rounds[0], 1)
        shown = ", ".join(f"{r:.0f} at N = {n}" for n, r in zip(sizes, rounds, strict=True))
        lines.append(
            f"- {face.capitalize()} face, status rounds during `up` not growing with N "
            f"(at the largest N at most twice those at the smallest; a round asks for 100 pods "
            f"per request): {shown}: **{verdict(ok)}**"
        )
    return lines


def section(out: Outcome, sizes: list[int], faces: Sequence[str], parallel: int) -> str:
    """This benchmark's section of RESULTS.md, between its markers."""
    p, d = out.provision, out.delete
    command = ("python -m bench.faces " + " ".join(sys.argv[1:])).strip()
    lines = [
        BEGIN,
        "## Both faces through the pulumi engine: up, preview, destroy",
        "",
        f"Command: `{command}` (also `make bench-faces`). Machine: {machine()}, "
        f"pulumi CLI {cli_version()}; load average {out.load[0]:.1f} at the start, "
        f"{out.load[-1]:.1f} at the end.",
        "Each stack is an Automation API inline program (file backend, "
        f"`parallel={parallel}`) against the emulator in the same process: the dynamic face "
        "declares N `prime_pulumi.Pod`, served by `python -m pulumi.dynamic`; the native "
        f"face declares N `pulumi.CustomResource({NATIVE_TYPE!r}, ...)`, served by "
        "`pulumi-resource-prime`. Both have the pod inputs of `tests/kit/samples.POD` "
        "(an explicit offer) and the stack config `prime:baseUrl`, `prime:apiKey` (secret) "
        f"and `prime:pollMaxSeconds={POLL_MAX}`. Emulator provisioning P = {p:g} s, "
        f"deletion {d:g} s; the floor is the same stack with the API answering at once "
        "(provisioning and deletion 0). `preview` runs after the `up`, with no change. "
        "Wall times are those of the Automation API calls (CLI start and end included).",
        "",
        "### Wall time (s)",
        "",
        "| N | face | up | up, floor | up / (floor + P) | preview | preview, floor "
        "| destroy | destroy, floor | destroy / floor |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n in sizes:
        for face in faces:
            main, floor = out.get(face, n), out.get(face, n, floor=True)
            lines.append(
                f"| {n} | {face} | {main.up.wall:.1f} | {floor.up.wall:.1f} "
                f"| {main.up.wall / (floor.up.wall + p):.2f} "
                f"| {main.preview.wall:.1f} | {floor.preview.wall:.1f} "
                f"| {main.destroy.wall:.1f} | {floor.destroy.wall:.1f} "
                f"| {main.destroy.wall / (floor.destroy.wall + d):.2f} |"
            )
    lines += [
        "",
        f"### Readiness and requests during `up` (P = {p:g} s)",
        "",
        "Create returned: per pod, when the engine reported its create returned (its "
        "`ResOutputsEvent`, as this process received it from the engine's event stream) minus "
        "when the emulator made it ready (its creation time + P, on the emulator's clock, "
        "the same monotonic clock). Readiness seen (polled): when the emulator first answered "
        "the provider's status poll with the pod ready, minus the same. Creates spread: from "
        "the first pod created at the API to the last. Status requests: `pod_status` + "
        "`list_pods` (`list_pods`: the one listing of earlier pods, and those that read a "
        "fleet's ready pods whole). Status rounds: "
        "`pod_status` requests / ceil(N / 100).",
        "",
        "| N | face | create returned, median / max | readiness seen (polled), max "
        "| creates spread | status requests | status rounds | all requests |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for n in sizes:
        for face in faces:
            run = out.get(face, n)
            lines.append(
                f"| {n} | {face} | {statistics.median(run.seen):.2f} / {max(run.seen):.2f} s "
                f"| {max(run.polled):.2f} s | {run.spread:.1f} s | {run.up.status_requests} "
                f"| {run.up.status_rounds(n):.0f} | {fmt_requests(run.up.requests)} |"
            )
    lines += ["", "### Goals", "", *goals(out, sizes, faces), "", END]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    """Put ``text`` in place of this benchmark's section of ``path``, or after what is there."""
    old = path.read_text() if path.exists() else ""
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        new = head + text + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def cli_version() -> str:
    shown = subprocess.run(["pulumi", "version"], capture_output=True, text=True, check=False)
    return shown.stdout.strip().lstrip("v") or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provision-seconds", type=float, default=5.0)
    parser.add_argument("--delete-seconds", type=float, default=0.0)
    parser.add_argument("--sizes", default="1,64,256")
    parser.add_argument("--faces", default=",".join(FACES))
    parser.add_argument("--parallel", type=int, default=512)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    faces = [f for f in FACES if f in args.faces.split(",")]
    cli = ensure()
    if cli is None:
        print(f"no pulumi CLI (v{PULUMI_VERSION}) to be had: see tests/kit/pulumi_cli.py")
        return 1
    os.environ["PATH"] = f"{cli}{os.pathsep}{os.environ['PATH']}"

    backend = TimedBackend(api_keys=[API_KEY])
    out = Outcome(args.provision_seconds, args.delete_seconds, load=[os.getloadavg()[0]])
    with EmulatorServer(backend) as server:
        bench = Bench(server, backend, args.parallel)
        print(f"emulator at {server.base_url}; pulumi CLI {cli_version()} in {cli}", flush=True)
        for face in faces:  # unrecorded: neither face's first run pays for cold caches
            bench.lifecycle(face, 1, 0, 0)
        for n in sizes:
            for floor in (False, True):
                for face in faces:
                    p, d = (0.0, 0.0) if floor else (args.provision_seconds, args.delete_seconds)
                    run = out.runs[face, n, floor] = bench.lifecycle(face, n, p, d)
                    print(
                        f"  {face:>7} N={n:<3} {'floor' if floor else f'P={p:g}s'}: "
                        f"up {run.up.wall:6.1f}s preview {run.preview.wall:5.1f}s "
                        f"destroy {run.destroy.wall:6.1f}s; readiness seen max "
                        f"{max(run.polled):.2f}s, returned max {max(run.seen):.2f}s; "
                        f"up {fmt_requests(run.up.requests)}\n"
                        f"      {run.trace}",
                        flush=True,
                    )
    out.load.append(os.getloadavg()[0])
    text = section(out, sizes, faces, args.parallel)
    write_section(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
