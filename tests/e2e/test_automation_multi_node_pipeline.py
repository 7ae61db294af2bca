"""`examples/multi-node-pipeline` through the Automation API: a pipeline registers its own SSH
key and starts a pod over two nodes that accepts it, in one `pulumi up`.

Needs the `pulumi` CLI on PATH (``make test`` puts a pinned one there); without one the
test skips and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prime_pulumi.emulator import DEFAULT_API_KEY, EmulatorControl
from tests.e2e.support import example_stack, live_pods, needs_cli
from tests.kit.samples import public_key

pytestmark = needs_cli


def test_a_pipeline_s_key_and_a_two_node_pod_in_one_up_and_nothing_left_after(
    prime_emulator: Any, tmp_path: Path
) -> None:
    from pulumi import automation as auto

    backend = prime_emulator.backend
    control = EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)
    shown: list[str] = []
    with example_stack("multi-node-pipeline", prime_emulator, tmp_path / "state") as stack:
        stack.set_config("publicKey", auto.ConfigValue(value=public_key(7)))
        stack.set_config("teamMemberIds", auto.ConfigValue(value='["user-ci"]'))
        up = stack.up(on_output=shown.append)
        outputs = {name: value.value for name, value in up.outputs.items()}
        assert up.summary.resource_changes == {"create": 3}

        # The key is on the account, and the pod was made with it (the emulator's view).
        [key] = control.ssh_keys()
        assert key["id"] == outputs["ssh_key_id"]
        assert key["publicKey"] == public_key(7)
        [pod] = [p for p in backend.all_pods() if p.id == outputs["pod_id"]]
        assert pod.ssh_key_id == outputs["ssh_key_id"]
        assert pod.team_member_ids == ["user-ci"]

        # 16 H100s over two nodes, each listed with its own address, in the API's order.
        assert pod.gpu_count == 16
        assert outputs["price_hr"] <= 40.0
        nodes = outputs["nodes"]
        assert [n["ip"] for n in nodes] == pod.ip
        assert [n["ssh_connection"] for n in nodes] == pod.ssh_connection
        assert len(nodes) == 2 and all(n["ssh_connection"] for n in nodes)
        assert any("prime:SshKey pipeline creating" in line for line in shown), shown
        assert stack.preview().change_summary == {"same": 3}

        stack.refresh(on_output=print)
        assert stack.preview().change_summary == {"same": 3}
    assert live_pods(prime_emulator) == [], "destroy leaves no pod"
    assert control.ssh_keys() == [], "destroy leaves no key"
