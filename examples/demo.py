"""The main job (`make demo`): the quickstart's whole life against a local emulator.

`pulumi up`, `refresh` and `destroy` of examples/quickstart through the
Automation API (an inline program: it needs the `pulumi` CLI, not its Python
language host), state in a temporary local backend. `make demo` puts the
project's pinned CLI on PATH, building it with `go` the first time
(tests/kit/pulumi_cli.py). Without a CLI: says what to install, then shows the
same pod lifecycle through the API client (examples/client_session.py).
"""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from client_session import EMULATOR_KEY, run_session
from pulumi import automation as auto

from prime_pulumi.client import PrimeClient

QUICKSTART = Path(__file__).resolve().parent / "quickstart"
PROVISION_SECONDS = 3.0
INSTALL_HINT = (
    "Install the `pulumi` CLI with:  curl -fsSL https://get.pulumi.com | sh   "
    "(then open a new shell)\n"
    "Meanwhile, here is the same pod lifecycle through prime-pulumi's API client:\n"
)


@contextmanager
def emulator() -> Iterator[str]:
    """Runs `prime-emulator` on a free loopback port; yields its base URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prime_pulumi.emulator",
            "--port",
            "0",
            "--provision-seconds",
            str(PROVISION_SECONDS),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if process.stdout is None:
            raise RuntimeError("the emulator's stdout is not readable")
        base_url = process.stdout.readline().strip()
        print(f"emulator serving at {base_url}", flush=True)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_quickstart(base_url: str) -> None:
    """`pulumi up`, `refresh`, `destroy` of the quickstart against ``base_url``."""

    def program() -> None:
        runpy.run_path(str(QUICKSTART / "__main__.py"), run_name="__main__")

    with tempfile.TemporaryDirectory(prefix="prime-quickstart-state-") as state:
        stack = auto.create_or_select_stack(
            stack_name="demo",
            project_name="prime-quickstart",
            program=program,
            opts=auto.LocalWorkspaceOptions(
                project_settings=auto.ProjectSettings(name="prime-quickstart", runtime="python"),
                env_vars={
                    "PULUMI_BACKEND_URL": f"file://{state}",
                    "PULUMI_CONFIG_PASSPHRASE": "prime-pulumi-demo",
                    "PULUMI_SKIP_UPDATE_CHECK": "true",
                    # The engine starts the dynamic provider with this interpreter.
                    "PULUMI_PYTHON_CMD": sys.executable,
                },
            ),
        )
        stack.set_config("prime:baseUrl", auto.ConfigValue(value=base_url))
        stack.set_config("prime:apiKey", auto.ConfigValue(value=EMULATOR_KEY, secret=True))
        try:
            up = stack.up(on_output=print)
            for key, output in up.outputs.items():
                print(f"output {key} = {output.value}")
            stack.refresh(on_output=print)
        finally:
            stack.destroy(on_output=print)
            stack.workspace.remove_stack("demo")


def main() -> int:
    with emulator() as base_url:
        if shutil.which("pulumi") is not None:
            run_quickstart(base_url)
        else:
            print(INSTALL_HINT, flush=True)
            with PrimeClient(EMULATOR_KEY, base_url=base_url) as client:
                run_session(client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
