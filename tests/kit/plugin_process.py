"""``pulumi-resource-prime`` started as the engine starts it, and a gRPC stub to it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2

from tests.kit.harness import StartedByEngine


def plugin_command() -> list[str]:
    """The plugin as installed (a console script beside this interpreter), else its module."""
    beside = Path(sys.executable).with_name("pulumi-resource-prime")
    found = str(beside) if beside.exists() else shutil.which("pulumi-resource-prime")
    return [found] if found else [sys.executable, "-m", "prime_pulumi.native.plugin"]


def struct(props: dict[str, Any]) -> struct_pb2.Struct:
    value = struct_pb2.Struct()
    value.update(props)
    return value


def plain(value: struct_pb2.Struct) -> dict[str, Any]:
    return dict(json_format.MessageToDict(value))


class PluginProcess(StartedByEngine):
    """``pulumi-resource-prime``, as the engine starts it, and a stub talking to it."""

    def __init__(self, workdir: Path, engine_address: str | None = None) -> None:
        super().__init__(plugin_command(), workdir, engine_address=engine_address)
