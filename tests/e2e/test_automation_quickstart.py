"""`pulumi up`, `refresh` and `destroy` of the quickstart, through the Automation API.

Needs the `pulumi` CLI on PATH (``make test`` puts a pinned one there); without
one the test skips and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prime_pulumi.core.waits import GONE
from prime_pulumi.emulator import DEFAULT_API_KEY
from tests.e2e.support import example_stack, live_pods, needs_cli

pytestmark = needs_cli


def test_up_refresh_destroy_leaves_nothing(prime_emulator: Any, tmp_path: Path) -> None:
    state = tmp_path / "state"
    shown: list[str] = []
    with example_stack("quickstart", prime_emulator, state) as stack:
        up = stack.up(on_output=shown.append)
        assert up.outputs["ssh_connection"].value.startswith("root@")
        assert up.outputs["price_hr"].value > 0
        assert live_pods(prime_emulator) == [up.outputs["pod_id"].value]
        # Progress shows in the pod's own row, and never in the Diagnostics.
        row = [line for line in shown if "prime:Pod trainer creating" in line]
        ssh = up.outputs["ssh_connection"].value
        assert any(line.rstrip().endswith(f"ready: {ssh}") for line in row), shown
        assert "Diagnostics" not in "".join(shown)
        # The hidden input carries the URN the engine gave the pod, and diff ignores it.
        resources = (stack.export_stack().deployment or {})["resources"]
        (pod,) = [r for r in resources if "Pod" in r["type"]]
        assert pod["inputs"]["__urn"] == pod["outputs"]["__urn"] == pod["urn"]
        assert stack.preview().change_summary == {"same": 2}
        assert stack.up(on_output=print).summary.resource_changes == {"same": 2}

        stack.refresh(on_output=print)
        for path in state.rglob("*.json"):
            assert DEFAULT_API_KEY not in path.read_text()

        # Deleted behind Pulumi's back: refresh drops it, and the next up makes a new one.
        prime_emulator.backend.delete_pod(up.outputs["pod_id"].value)
        refreshed = stack.refresh(on_output=print)
        assert refreshed.summary.resource_changes == {"same": 1, "delete": 1}
        again = stack.up(on_output=print)
        assert again.summary.resource_changes == {"same": 1, "create": 1}
        assert again.outputs["pod_id"].value != up.outputs["pod_id"].value

        # A new constraint replaces the pod: a new one is made, the old one goes.
        from pulumi import automation as auto

        stack.set_config("maxPrice", auto.ConfigValue(value="2.5"))
        replaced = stack.up(on_output=print)
        assert replaced.summary.resource_changes == {"same": 1, "replace": 1}
        assert live_pods(prime_emulator) == [replaced.outputs["pod_id"].value]
        assert replaced.outputs["pod_id"].value != again.outputs["pod_id"].value

        gone: list[str] = []
        stack.destroy(on_output=gone.append)
        row = [line.rstrip() for line in gone if "prime:Pod trainer deleted" in line]
        assert row and row[-1].endswith(GONE), "the row's last message tells the outcome"
    assert live_pods(prime_emulator) == []


def test_a_failed_create_is_one_line_in_diagnostics_and_leaves_nothing(
    prime_emulator: Any, tmp_path: Path
) -> None:
    from pulumi import automation as auto

    prime_emulator.backend.queue_fates(["error"])
    with example_stack("quickstart", prime_emulator, tmp_path / "state") as stack:
        shown: list[str] = []
        with pytest.raises(auto.CommandError):
            stack.up(on_output=shown.append)
        text = "\n".join(shown)
        diagnostics = text.split("Diagnostics:", 1)[1]
        # The pod's own entry: one line (the stack's entry then says the update failed).
        (error,) = [line.strip() for line in diagnostics.splitlines() if "prime_pulumi" in line]
        assert error.startswith("error: prime_pulumi.PodProvisioningError: Pod 'trainer-")
        assert error.endswith("It was deleted, so nothing is left billing.")
        assert "Traceback" not in text
        # The row says the failed pod is gone; its last line is the error itself.
        row = [line.rstrip() for line in shown if "prime:Pod trainer " in line]
        assert any(line.endswith(GONE) for line in row), "\n".join(shown)
        assert "**creating failed** error: prime_pulumi.PodProvisioningError" in row[-1]
    assert live_pods(prime_emulator) == []
