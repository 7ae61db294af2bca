"""A Pulumi YAML program of ``prime:index:Pod``: a real engine and ``pulumi-resource-prime``.

YAML needs no SDK: the engine reads the plugin's schema and starts it from PATH
(the console script beside this interpreter). Needs the `pulumi` CLI with its
YAML language host (``make test`` puts both on PATH).
"""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from prime_pulumi.emulator import DEFAULT_API_KEY
from tests.e2e.support import needs_cli, on_emulator, workspace_env

pytestmark = [
    needs_cli,
    pytest.mark.skipif(
        shutil.which("pulumi-language-yaml") is None,
        reason="no Pulumi YAML language host beside the `pulumi` CLI",
    ),
]

PROGRAM = """\
name: prime-yaml
runtime: yaml
resources:
  trainer:
    type: prime:index:Pod
    properties:
      gpuType: H100_80GB
      gpuCount: 1
      maxPrice: 3
variables:
  offers:
    fn::invoke:
      function: prime:index:getGpuOffers
      arguments:
        gpuType: H100_80GB
        gpuCount: 1
        maxPrice: 3
      return: offers
outputs:
  podId: ${trainer.podId}
  sshConnection: ${trainer.sshConnection}
  offer: ${trainer.cloudId}
  cheapest: ${offers[0].cloudId}
"""


def _live(emulator: Any) -> list[str]:
    return [p.id for p in emulator.backend.all_pods() if p.status != "TERMINATED"]


def _yaml_stack(program: str, tmp_path: Path) -> Any:
    """The stack ``e2e`` of a YAML ``program`` on a file backend."""
    from pulumi import automation as auto

    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "state").mkdir()
    (project / "Pulumi.yaml").write_text(program)
    return auto.create_or_select_stack(
        stack_name="e2e",
        work_dir=str(project),
        opts=auto.LocalWorkspaceOptions(env_vars=workspace_env(tmp_path / "state")),
    )


def test_a_yaml_program_creates_refreshes_and_destroys_a_pod(
    prime_emulator: Any, tmp_path: Path
) -> None:
    with on_emulator(_yaml_stack(PROGRAM, tmp_path), prime_emulator) as stack:
        shown: list[str] = []
        up = stack.up(on_output=shown.append)
        assert up.outputs["sshConnection"].value.startswith("root@")
        assert up.outputs["offer"].value == "tensordock-h100-pcie-1x-nl-ams-1"
        assert up.outputs["cheapest"].value == up.outputs["offer"].value, "getGpuOffers agrees"
        assert _live(prime_emulator) == [up.outputs["podId"].value]
        row = [line for line in shown if "prime:index:Pod trainer" in line]
        assert any("ready: root@" in line for line in row), shown
        assert stack.preview().change_summary == {"same": 2}
        assert stack.refresh(on_output=print).summary.resource_changes == {"same": 2}
    assert _live(prime_emulator) == [], "destroy leaves no pod"


ADOPTING = """\
name: prime-yaml-import
runtime: yaml
resources:
  adopted:
    type: prime:index:Pod
    properties:
      name: made-by-hand
      gpuType: H100_80GB
      gpuCount: 1
    options:
      import: {pod_id}
outputs:
  podId: ${{adopted.podId}}
"""


def test_an_existing_pod_is_imported_and_then_managed(prime_emulator: Any, tmp_path: Path) -> None:
    from prime_pulumi.emulator.control import EmulatorControl

    with closing(EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)) as control:
        by_hand = control.create_pod("made-by-hand", gpu_type="H100_80GB", socket="PCIe")
    program = ADOPTING.format(pod_id=by_hand["id"])
    with on_emulator(_yaml_stack(program, tmp_path), prime_emulator) as stack:
        up = stack.up(on_output=print)
        assert up.summary.resource_changes == {"create": 1, "import": 1}
        assert up.outputs["podId"].value == by_hand["id"]
        assert _live(prime_emulator) == [by_hand["id"]], "imported, not made again"
        assert stack.preview().change_summary == {"same": 2}
    assert _live(prime_emulator) == [], "once imported, destroy deletes it"
