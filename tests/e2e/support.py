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
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from prime_pulumi.emulator import DEFAULT_API_KEY
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
