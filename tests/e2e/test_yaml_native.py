"""The native face through a real engine: Pulumi YAML programs of ``prime:index:Pod``.

YAML needs no SDK: the engine reads the plugin's schema and starts
``pulumi-resource-prime``, installed into the plugin cache as the docs advise
(``support.native_env``). Needs the `pulumi` CLI with its YAML language host
(``make test`` puts both on PATH).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import yaml

from prime_pulumi.core.waits import GONE
from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.control import EmulatorControl
from tests.e2e.support import (
    example_program,
    live_pods,
    needs_cli,
    needs_yaml,
    on_emulator,
    pulumi,
    yaml_stack,
)

pytestmark = [needs_cli, needs_yaml]


def _rows(shown: list[str], name: str) -> list[str]:
    return [line.rstrip() for line in shown if f"prime:index:Pod {name} " in line]


def test_the_yaml_quickstart_lives_changes_and_goes(prime_emulator: Any, tmp_path: Path) -> None:
    stack = yaml_stack(example_program("yaml-quickstart"), tmp_path)
    with on_emulator(stack, prime_emulator):
        shown: list[str] = []
        up = stack.up(on_output=shown.append)
        ssh = up.outputs["sshConnection"].value
        assert ssh.startswith("root@")
        assert up.outputs["offer"].value == "tensordock-h100-pcie-1x-nl-ams-1", "the cheapest"
        assert live_pods(prime_emulator) == [up.outputs["podId"].value]
        assert any(line.endswith(f"ready: {ssh}") for line in _rows(shown, "trainer")), shown
        text = "".join(shown)
        assert "Diagnostics" not in text and "from $PATH" not in text, text
        assert stack.preview().change_summary == {"same": 2}
        assert stack.up().summary.resource_changes == {"same": 2}

        # A new image replaces the pod: a new one, and the old one gone.
        from pulumi import automation as auto

        stack.set_config("image", auto.ConfigValue(value="cuda_12_4_pytorch_2_5"))
        replaced = stack.up(on_output=print)
        assert replaced.summary.resource_changes == {"same": 1, "replace": 1}
        assert (
            live_pods(prime_emulator)
            == [replaced.outputs["podId"].value]
            != [up.outputs["podId"].value]
        )

        # Deleted behind Pulumi's back: refresh drops it, and the next up makes a new one.
        prime_emulator.backend.delete_pod(replaced.outputs["podId"].value)
        assert stack.refresh().summary.resource_changes == {"same": 1, "delete": 1}
        again = stack.up()
        assert again.summary.resource_changes == {"same": 1, "create": 1}
        for path in (tmp_path / "state").rglob("*.json"):
            assert DEFAULT_API_KEY not in path.read_text(), "the key is kept secret in state"

        gone: list[str] = []
        stack.destroy(on_output=gone.append)
        row = [line.rstrip() for line in gone if "prime:index:Pod trainer deleted" in line]
        assert row and row[-1].endswith(GONE), gone
    assert live_pods(prime_emulator) == [], "destroy leaves no pod"


SLOW = """\
name: prime-yaml-slow
runtime: yaml
resources:
  slow:
    type: prime:index:Pod
    properties:
      gpuType: H100_80GB
      gpuCount: 1
      readyTimeout: 600
    options:
      customTimeouts:
        create: 2s
"""


def test_custom_timeouts_end_a_create_all_or_nothing(prime_emulator: Any, tmp_path: Path) -> None:
    from pulumi import automation as auto

    prime_emulator.backend.provision_seconds = 120
    with on_emulator(yaml_stack(SLOW, tmp_path), prime_emulator) as stack:
        shown: list[str] = []
        with pytest.raises(auto.CommandError):
            stack.up(on_output=shown.append)
        text = "".join(shown)
        assert "was not ready within 2 seconds (ready_timeout)" in text, text
        assert "It was deleted, so nothing is left billing." in text
        resources = (stack.export_stack().deployment or {}).get("resources") or []
        assert [r for r in resources if r["type"] == "prime:index:Pod"] == []
        assert live_pods(prime_emulator) == []


def test_ctrl_c_ends_the_wait_and_leaves_nothing(prime_emulator: Any, tmp_path: Path) -> None:
    """The first Ctrl-C of `pulumi up`: the engine cancels, the plugin ends its waits."""
    prime_emulator.backend.provision_seconds = 300
    program = SLOW.replace("      customTimeouts:\n        create: 2s\n", "").replace(
        "    options:\n", ""
    )
    with on_emulator(yaml_stack(program, tmp_path), prime_emulator) as stack:
        up = subprocess.Popen(
            ["pulumi", "up", "--yes", "--skip-preview", "--stack", stack.name],
            cwd=stack.workspace.work_dir,
            env={**os.environ, **stack.workspace.env_vars},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not live_pods(prime_emulator) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert live_pods(prime_emulator), "the pod is being made"
            up.send_signal(signal.SIGINT)
            shown, _ = up.communicate(timeout=60)  # well before the pod's 300 s
        finally:
            up.kill()
        assert up.returncode != 0, shown
        assert "the operation was cancelled (Ctrl-C)" in shown, shown
        assert "It was deleted, so nothing is left billing." in shown, shown
        resources = (stack.export_stack().deployment or {}).get("resources") or []
        assert [r for r in resources if r["type"] == "prime:index:Pod"] == []
        assert live_pods(prime_emulator) == []


def test_pulumi_import_adopts_a_pod_and_writes_its_inputs(
    prime_emulator: Any, tmp_path: Path
) -> None:
    with closing(EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)) as control:
        by_hand = control.create_pod("made-by-hand", gpu_type="H100_80GB", socket="PCIe")
    program = "name: prime-yaml-import\nruntime: yaml\n"
    with on_emulator(yaml_stack(program, tmp_path), prime_emulator) as stack:
        generated = tmp_path / "adopted.yaml"
        shown = pulumi(
            stack,
            "import",
            "prime:index:Pod",
            "adopted",
            by_hand["id"],
            "--yes",
            "--out",
            str(generated),
        )
        assert "imported" in shown, shown
        code = yaml.safe_load(generated.read_text())["resources"]["adopted"]
        assert code["properties"]["name"] == "made-by-hand"
        assert (code["properties"]["gpuType"], code["properties"]["gpuCount"]) == ("H100_80GB", 1)
        # The program copies what import wrote; the next up changes nothing.
        del code["options"]  # import protects it; this test destroys it at the end
        pulumi(stack, "state", "unprotect", _urn_of(stack, "adopted"), "--yes")
        written = {"name": "prime-yaml-import", "runtime": "yaml", "resources": {"adopted": code}}
        (Path(stack.workspace.work_dir) / "Pulumi.yaml").write_text(yaml.safe_dump(written))
        preview = stack.preview(diff=True)
        assert preview.change_summary == {"same": 2}, preview.stdout
        assert stack.up().summary.resource_changes == {"same": 2}
        assert live_pods(prime_emulator) == [by_hand["id"]], "adopted, not made again"
    assert live_pods(prime_emulator) == [], "once imported, destroy deletes it"


def _urn_of(stack: Any, name: str) -> str:
    resources = (stack.export_stack().deployment or {})["resources"]
    (urn,) = [r["urn"] for r in resources if r["urn"].endswith(f"::{name}")]
    return str(urn)


def test_the_yaml_fleet_bills_each_team_through_its_own_provider(
    prime_emulator: Any, tmp_path: Path
) -> None:
    stack = yaml_stack(example_program("yaml-fleet"), tmp_path)
    # Explicit providers read no `prime:*` setting: the URL comes from the environment.
    stack.workspace.env_vars["PRIME_BASE_URL"] = prime_emulator.base_url
    with on_emulator(stack, prime_emulator):
        up = stack.up(on_output=print)
        assert up.outputs["cheapestToday"].value == "tensordock-h100-pcie-1x-nl-ams-1"
        teams = {
            re.sub(r"-[0-9a-f]{7}$", "", p.name): p.team_id
            for p in prime_emulator.backend.all_pods()
        }
        assert teams == {
            "trainer-0": "team-research",
            "trainer-1": "team-research",
            "server-0": "team-inference",
            "server-1": "team-inference",
        }
        assert len(live_pods(prime_emulator)) == 4
        assert stack.preview().change_summary == {"same": 7}
        for path in (tmp_path / "state").rglob("*.json"):
            assert DEFAULT_API_KEY not in path.read_text(), "each provider's key stays secret"
    assert live_pods(prime_emulator) == []


KEY_AND_CLUSTER = """\
name: yaml-key-and-cluster
runtime: yaml
config:
  publicKey:
    type: string
resources:
  pipeline:
    type: prime:index:SshKey
    properties:
      publicKey: ${publicKey}
  cluster:
    type: prime:index:Pod
    properties:
      gpuType: H100_80GB
      gpuCount: 16
      maxPrice: 40
      sshKeyId: ${pipeline.sshKeyId}
outputs:
  keyId: ${pipeline.sshKeyId}
  podId: ${cluster.podId}
  nodes: ${cluster.nodes}
"""


def test_a_yaml_program_registers_its_key_and_starts_a_two_node_pod_with_it(
    prime_emulator: Any, tmp_path: Path
) -> None:
    from pulumi import automation as auto

    from tests.kit.samples import public_key

    control = EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)
    stack = yaml_stack(KEY_AND_CLUSTER, tmp_path)
    with on_emulator(stack, prime_emulator):
        stack.set_config("publicKey", auto.ConfigValue(value=public_key(3)))
        up = stack.up(on_output=print)
        outputs = {name: value.value for name, value in up.outputs.items()}
        [key] = control.ssh_keys()
        assert key["id"] == outputs["keyId"] and key["publicKey"] == public_key(3)
        [pod] = [p for p in prime_emulator.backend.all_pods() if p.id == outputs["podId"]]
        assert pod.ssh_key_id == outputs["keyId"], "the pod was made with the program's key"
        # The nodes in the API's order, in camelCase as every SDK of the schema shows them.
        assert outputs["nodes"] == [
            {"ip": ip, "sshConnection": ssh}
            for ip, ssh in zip(pod.ip or [], pod.ssh_connection or [], strict=True)
        ]
        assert len(outputs["nodes"]) == 2
        assert stack.preview().change_summary == {"same": 3}
    assert live_pods(prime_emulator) == [], "destroy leaves no pod"
    assert control.ssh_keys() == [], "destroy leaves no key"
