"""A stack of an example project on a file backend, pointed at the emulator.

Needs the `pulumi` CLI on PATH: :data:`needs_cli` skips a test without it, and says why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from prime_pulumi.emulator import DEFAULT_API_KEY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

needs_cli = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="no `pulumi` CLI on PATH: install it (curl -fsSL https://get.pulumi.com | sh) "
    "to run the end-to-end test",
)


@contextmanager
def example_stack(example: str, emulator: Any, state: Path) -> Iterator[Any]:
    """The stack ``e2e`` of ``examples/<example>``, on the emulator; destroyed and removed after."""
    from pulumi import automation as auto

    state.mkdir(exist_ok=True)
    stack = auto.create_or_select_stack(
        stack_name="e2e",
        work_dir=str(EXAMPLES / example),
        opts=auto.LocalWorkspaceOptions(
            env_vars={
                "PULUMI_BACKEND_URL": f"file://{state}",
                "PULUMI_CONFIG_PASSPHRASE": "e2e-test-passphrase",
            }
        ),
    )
    stack.set_config("prime:baseUrl", auto.ConfigValue(value=emulator.base_url))
    stack.set_config("prime:apiKey", auto.ConfigValue(value=DEFAULT_API_KEY, secret=True))
    try:
        yield stack
    finally:
        stack.destroy(on_output=print)
        stack.workspace.remove_stack("e2e")
