"""A pinned ``pulumi`` CLI for the end-to-end tests and ``make demo``, even offline.

The CLI is the one on PATH if its version is at least :data:`PULUMI_VERSION`;
else the one cached in :data:`CACHE` (outside the checkout, keyed by version);
else, when ``go`` is new enough, it is built there from the Go module proxy, with
the YAML language host and a dynamic-provider launcher of ours beside it (about
8 minutes on 2 cores the first time, and seconds once Go's caches are warm).

``python -m tests.kit.pulumi_cli`` prints the folder that holds ``pulumi`` (for
PATH), or nothing, with the reason on stderr, where no CLI can be had.

The launcher, ``pulumi-resource-pulumi-python``, is what official CLI packages
bundle to start a dynamic provider: it runs ``python -u -m pulumi.dynamic`` with
``$PULUMI_PYTHON_CMD`` (the program's interpreter), else ``python3``. The engine
looks for plugins beside its own binary first, so it sits there, and the engine
has nothing to warn about.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

#: The one pulumi CLI version of the project: the end-to-end tests and make demo.
PULUMI_VERSION = "3.274.1"
#: The Pulumi YAML language host built beside it (for YAML programs).
YAML_VERSION = "1.25.0"
#: ``github.com/pulumi/pulumi/pkg/v3`` at PULUMI_VERSION needs this Go or newer.
GO_NEEDED = (1, 26, 6)
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "prime-pulumi"
    / f"pulumi-v{PULUMI_VERSION}"
)
#: One step of the build (a download, a compile) that takes longer has hung: give up.
BUILD_TIMEOUT_SECONDS = 1800
LAUNCHER = "pulumi-resource-pulumi-python"
_LAUNCHER_TEXT = """#!/bin/sh
# Starts a Python dynamic provider, as the launcher official pulumi packages bundle does.
exec "${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi.dynamic "$@"
"""
_CLI_MODULE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
_YAML_MODULE = "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"


def _say(message: str) -> None:
    print(f"pulumi CLI: {message}", file=sys.stderr, flush=True)


def _version_of(text: str) -> tuple[int, ...] | None:
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(part) for part in found.groups()) if found else None


def _pinned() -> tuple[int, ...]:
    pinned = _version_of(PULUMI_VERSION)
    assert pinned is not None
    return pinned


def on_path() -> Path | None:
    """The folder of a ``pulumi`` on PATH whose version is at least the pin."""
    found = shutil.which("pulumi")
    if found is None:
        return None
    try:
        shown = subprocess.run(
            [found, "version"], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = _version_of(shown)
    return Path(found).parent if version is not None and version >= _pinned() else None


def cached() -> Path | None:
    """The cache folder, if it holds the CLI and the launcher."""
    ready = all((CACHE / name).exists() for name in ("pulumi", LAUNCHER))
    return CACHE if ready else None


def _go() -> str | None:
    """``go``, if present and new enough (else why not, said on stderr)."""
    # Go's own installer puts it in /usr/local/go/bin, which a CI shell may not have on PATH.
    go = shutil.which("go") or shutil.which("go", path="/usr/local/go/bin")
    if go is None:
        _say("no `go` on PATH to build one with")
        return None
    shown = subprocess.run([go, "version"], capture_output=True, text=True, check=False).stdout
    version = _version_of(shown)
    if version is None or version < GO_NEEDED:
        _say(f"`{shown.strip()}` is older than Go {'.'.join(map(str, GO_NEEDED))}, which it needs")
        return None
    return go


def _build(go: str, module: str, version: str, target: Path, ldflags: str = "") -> None:
    """``go build`` of ``module@version`` in a scratch module of its own, into ``target``."""
    scratch = CACHE / "build" / target.name
    scratch.mkdir(parents=True, exist_ok=True)
    # The Go found was checked: never let it go and fetch another toolchain.
    env = {**os.environ, "GOTOOLCHAIN": "local"}

    def go_run(*args: str) -> None:
        # Go lists every module it adds: shown only when something fails.
        done = subprocess.run(
            [go, *args],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=BUILD_TIMEOUT_SECONDS,
        )
        if done.returncode != 0:
            print(done.stdout + done.stderr, file=sys.stderr)
            done.check_returncode()

    if not (scratch / "go.mod").exists():
        go_run("mod", "init", f"prime-pulumi-build/{target.name}")
    go_run("get", f"{module}@v{version}")
    partial = target.with_name(f".{target.name}.partial")
    go_run("build", "-ldflags", ldflags, "-o", str(partial), module)
    partial.replace(target)  # whole or not at all: a killed build leaves no half binary


def build() -> Path | None:
    """Builds the CLI, the YAML language host and the launcher into the cache folder."""
    go = _go()
    if go is None:
        return None
    started = time.monotonic()
    _say(
        f"building pulumi v{PULUMI_VERSION} from the Go module proxy into {CACHE} "
        "(about 8 minutes on 2 cores the first time; later runs reuse it)"
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp = f"-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v{PULUMI_VERSION}"
    try:
        _build(go, _CLI_MODULE, PULUMI_VERSION, CACHE / "pulumi", stamp)
        _say("building the Pulumi YAML language host")
        _build(go, _YAML_MODULE, YAML_VERSION, CACHE / "pulumi-language-yaml")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as failed:
        _say(f"the build failed ({failed}); the end-to-end tests will skip")
        return None
    launcher = CACHE / LAUNCHER
    launcher.write_text(_LAUNCHER_TEXT)
    launcher.chmod(0o755)
    _say(f"built in {time.monotonic() - started:.0f} s")
    return CACHE


def ensure() -> Path | None:
    """The folder of a pinned ``pulumi`` CLI: on PATH, cached, or built now; else ``None``."""
    return on_path() or cached() or build()


def main() -> int:
    """Prints the CLI's folder (nothing if none); always succeeds, so tests can skip."""
    found = ensure()
    if found is not None:
        print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
