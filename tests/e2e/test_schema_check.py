"""The real CLI accepts the package schema (``pulumi schema check``)."""

from __future__ import annotations

import os
import subprocess

from prime_pulumi.native.schema import SCHEMA_FILE
from tests.e2e.support import needs_cli

pytestmark = needs_cli


def test_the_cli_finds_the_schema_valid() -> None:
    checked = subprocess.run(
        ["pulumi", "schema", "check", str(SCHEMA_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
