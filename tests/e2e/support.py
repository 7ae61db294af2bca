"""A stack of an example, run as an Automation API inline program against the emulator.

The example's ``__main__.py`` runs inside this process (an inline program needs
no Python language host, which a CLI built from Go modules lacks); the engine
starts the dynamic provider with this interpreter, through the launcher
``pulumi-resource-pulumi-python`` (``tests/kit/pulumi_cli.py``). ``make test``
puts a pinned CLI on PATH; :data:`needs_cli` skips a test without one, and says why.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.native.server import plugin_version
from tests.kit.plugin_process import plugin_command
from tests.kit.pulumi_cli import PULUMI_VERSION

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

needs_cli = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason=f"no `pulumi` CLI on PATH: `make test` puts one there (v{PULUMI_VERSION}, built "
    "with `go` when none is installed), or install it (curl -fsSL https://get.pulumi.com | sh)",
)


def project_name(example: str) -> str:
    """The ``name:`` of the example's ``Pulumi.yaml``: it is in every URN and config key."""
    text = (EXAMPLES / example / "Pulumi.yaml").read_text()
    found = re.search(r"^name:\s*(\S+)", text, flags=re.MULTILINE)
    assert found is not None, f"examples/{example}/Pulumi.yaml names no project"
    return found.group(1)


def workspace_env(state: Path) -> dict[str, str]:
    """A stack's environment: a file backend in ``state``, this interpreter for dynamic
    providers (the launcher reads it), and the plugin beside it on PATH."""
    return {
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": "e2e-test-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


needs_yaml = pytest.mark.skipif(
    shutil.which("pulumi-language-yaml") is None,
    reason="no Pulumi YAML language host beside the `pulumi` CLI: `make test` builds one "
    "with the CLI, and official CLI packages bundle it",
)


def live_pods(emulator: Any) -> list[str]:
    """The ids of the emulator's pods that are not terminated: what would still bill."""
    return [p.id for p in emulator.backend.all_pods() if p.status != "TERMINATED"]


def native_env(home: Path, state: Path) -> dict[str, str]:
    """A stack's environment for the native face, as the docs advise for CI: the plugin
    installed into the plugin cache of ``home`` (``pulumi plugin install --file``), and
    the copy on PATH ignored, so that the engine warns of nothing."""
    env = {**workspace_env(state), "PULUMI_HOME": str(home)}
    plugin = plugin_command()
    if len(plugin) == 1:  # the console script; a module run (a checkout) stays on PATH
        install = ["pulumi", "plugin", "install", "resource", "prime", plugin_version()]
        subprocess.run(
            [*install, "--file", plugin[0]],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
            timeout=120,
        )
        env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
    return env


def yaml_stack(program: str, workdir: Path) -> Any:
    """The stack ``e2e`` of a Pulumi YAML ``program`` (the text of its ``Pulumi.yaml``),
    in ``workdir/project`` with a file backend in ``workdir/state``."""
    from pulumi import automation as auto

    project = workdir / "project"
    project.mkdir(parents=True)
    (workdir / "state").mkdir()
    (project / "Pulumi.yaml").write_text(program)
    return auto.create_or_select_stack(
        stack_name="e2e",
        work_dir=str(project),
        opts=auto.LocalWorkspaceOptions(env_vars=native_env(workdir / "home", workdir / "state")),
    )


def example_program(example: str) -> str:
    """The ``Pulumi.yaml`` of ``examples/<example>``: a whole YAML program."""
    return (EXAMPLES / example / "Pulumi.yaml").read_text()


def pulumi(stack: Any, *args: str) -> str:
    """Runs ``pulumi <args>`` on ``stack``, as a user would in its project; its output."""
    ran = subprocess.run(
        ["pulumi", *args, "--stack", stack.name, "--non-interactive"],
        cwd=stack.workspace.work_dir,
        env={**os.environ, **stack.workspace.env_vars},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.stdout + ran.stderr


@contextmanager
def on_emulator(stack: Any, emulator: Any) -> Iterator[Any]:
    """``stack`` pointed at the emulator; destroyed and removed after."""
    from pulumi import automation as auto

    stack.set_config("prime:baseUrl", auto.ConfigValue(value=emulator.base_url))
    stack.set_config("prime:apiKey", auto.ConfigValue(value=DEFAULT_API_KEY, secret=True))
    try:
        yield stack
    finally:
        stack.destroy(on_output=print)
        stack.workspace.remove_stack(stack.name)


@contextmanager
def example_stack(example: str, emulator: Any, state: Path) -> Iterator[Any]:
    """The stack ``e2e`` of ``examples/<example>``, on the emulator; destroyed and removed after."""
    from pulumi import automation as auto

    state.mkdir(exist_ok=True)
    name = project_name(example)

    def program() -> None:
        runpy.run_path(str(EXAMPLES / example / "__main__.py"), run_name="__main__")

    stack = auto.create_or_select_stack(
        stack_name="e2e",
        project_name=name,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            project_settings=auto.ProjectSettings(name=name, runtime="python"),
            env_vars=workspace_env(state),
        ),
    )
    with on_emulator(stack, emulator):
        yield stack
