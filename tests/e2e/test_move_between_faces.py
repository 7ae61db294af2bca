"""A pod moves from the dynamic face (a Python program) to the native one without a new pod.

As ``docs/native-plugin.md`` tells it: ``pulumi state delete`` forgets the pod in the
Python stack (it keeps running), and the YAML program declares it with its name and
``adoptPodId``. Nothing is posted again, and from then on the native stack owns it.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.control import EmulatorControl
from tests.e2e.support import (
    example_stack,
    live_pods,
    needs_cli,
    needs_yaml,
    on_emulator,
    pulumi,
    yaml_stack,
)

pytestmark = [needs_cli, needs_yaml]

MOVED = """\
name: prime-moved
runtime: yaml
resources:
  trainer:
    type: prime:index:Pod
    properties:
      name: {name}
      gpuType: H100_80GB
      gpuCount: 1
      maxPrice: 3
      image: ubuntu_22_cuda_12
      adoptPodId: {pod_id}
outputs:
  sshConnection: ${{trainer.sshConnection}}
"""


def test_a_pod_moves_from_a_python_stack_to_a_yaml_one(prime_emulator: Any, tmp_path: Path) -> None:
    with example_stack("quickstart", prime_emulator, tmp_path / "python") as python:
        made = python.up()
        pod_id, ssh = made.outputs["pod_id"].value, made.outputs["ssh_connection"].value
        resources = (python.export_stack().deployment or {})["resources"]
        (pod,) = [r for r in resources if r["type"].endswith(":Pod")]
        pulumi(python, "state", "delete", pod["urn"], "--yes")
        assert live_pods(prime_emulator) == [pod_id], "forgetting it in state leaves it running"

        program = MOVED.format(name=pod["outputs"]["name"], pod_id=pod_id)
        with on_emulator(yaml_stack(program, tmp_path / "yaml"), prime_emulator) as native:
            moved = native.up()
            assert moved.outputs["sshConnection"].value == ssh, "the same pod"
            assert native.preview().change_summary == {"same": 2}
            assert live_pods(prime_emulator) == [pod_id]
            with closing(EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)) as control:
                assert control.counts()["create_pod"] == 1, "never posted again"
        assert live_pods(prime_emulator) == [], "the native stack's destroy deletes it"
