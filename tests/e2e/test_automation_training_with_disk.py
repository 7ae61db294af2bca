"""`examples/training-with-disk` through the Automation API: the data outlives the pod.

Needs the `pulumi` CLI on PATH (``make test`` puts a pinned one there); without one the
test skips and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.support import example_stack, needs_cli

pytestmark = needs_cli


def live(emulator: Any) -> tuple[list[str], list[str]]:
    """The ids of the pods and of the disks that still bill."""
    backend = emulator.backend
    pods = [p.id for p in backend.all_pods() if p.status != "TERMINATED"]
    disks = [d.id for d in backend.all_disks() if d.status != "TERMINATED"]
    return pods, disks


def test_a_new_image_replaces_the_pod_and_keeps_the_disk(
    prime_emulator: Any, tmp_path: Path
) -> None:
    from pulumi import automation as auto

    shown: list[str] = []
    with example_stack("training-with-disk", prime_emulator, tmp_path / "state") as stack:
        up = stack.up(on_output=shown.append)
        disk_id, pod_id = up.outputs["disk_id"].value, up.outputs["pod_id"].value
        assert up.outputs["mounts"].value == [
            {
                "id": disk_id,
                "resource_type": "DISK",
                "status": "MOUNTED",
                "mount_path": "/workspace",
            }
        ]
        assert live(prime_emulator) == ([pod_id], [disk_id])
        # Each resource shows its progress in its own row.
        assert any("prime:Disk data creating" in line and "ready: ACTIVE" in line for line in shown)
        assert stack.preview().change_summary == {"same": 3}

        stack.set_config("image", auto.ConfigValue(value="cuda_12_4_pytorch_2_5"))
        again = stack.up(on_output=print)
        assert again.summary.resource_changes == {"same": 2, "replace": 1}
        assert again.outputs["disk_id"].value == disk_id
        new_pod = again.outputs["pod_id"].value
        assert new_pod != pod_id
        assert [m["id"] for m in again.outputs["mounts"].value] == [disk_id]
        assert live(prime_emulator) == ([new_pod], [disk_id])

        stack.refresh(on_output=print)
        assert stack.preview().change_summary == {"same": 3}
    assert live(prime_emulator) == ([], []), "destroy leaves no pod and no disk"
