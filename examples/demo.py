"""The main job (`make demo`): the quickstart's whole life against a local emulator.

`pulumi up`, `refresh` and `destroy` of examples/quickstart through the
Automation API, state in a temporary local backend, with the `pulumi` CLI on
PATH, or else one the SDK's own installer puts in `.pulumi-cli/` (a pinned
version; offline that fails at once). Without a CLI: says what to install,
then shows the same pod lifecycle through the API client
(examples/client_session.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from client_session import EMULATOR_KEY, run_session
from pulumi import automation as auto
from semver import VersionInfo

from prime_pulumi.client import PrimeClient

QUICKSTART = Path(__file__).resolve().parent / "quickstart"
#: Where the demo installs a CLI of its own when none is on PATH (ignored by git).
CLI_ROOT = QUICKSTART.parents[1] / ".pulumi-cli"
#: The CLI version the demo installs: the one docs/pod.md's transcripts come from.
CLI_VERSION = "3.259.0"
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


def pulumi_cli() -> auto.PulumiCommand | None:
    """The `pulumi` CLI on PATH, else one installed into CLI_ROOT; ``None`` if neither."""
    if shutil.which("pulumi"):
        return auto.PulumiCommand()
    print(f"no `pulumi` CLI on PATH: installing {CLI_VERSION} into {CLI_ROOT} ...", flush=True)
    started = time.monotonic()
    try:
        return auto.PulumiCommand.install(
            root=str(CLI_ROOT), version=VersionInfo.parse(CLI_VERSION)
        )
    except Exception as error:  # offline, or the installer failed: fall back, say why
        seconds = time.monotonic() - started
        print(f"could not install it ({type(error).__name__} after {seconds:.1f}s).", flush=True)
        return None


def run_quickstart(base_url: str, cli: auto.PulumiCommand) -> None:
    """`pulumi up`, `refresh`, `destroy` of the quickstart against ``base_url``."""
    with tempfile.TemporaryDirectory(prefix="prime-quickstart-state-") as state:
        stack = auto.create_or_select_stack(
            stack_name="demo",
            work_dir=str(QUICKSTART),
            opts=auto.LocalWorkspaceOptions(
                pulumi_command=cli,
                env_vars={
                    "PULUMI_BACKEND_URL": f"file://{state}",
                    "PULUMI_CONFIG_PASSPHRASE": "prime-pulumi-demo",
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
    cli = pulumi_cli()
    with emulator() as base_url:
        if cli is not None:
            run_quickstart(base_url, cli)
        else:
            print(INSTALL_HINT, flush=True)
            with PrimeClient(EMULATOR_KEY, base_url=base_url) as client:
                run_session(client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
