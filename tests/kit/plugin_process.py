"""``pulumi-resource-prime`` started as the engine starts it, and a gRPC stub to it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2_grpc

from prime_pulumi.native.values import SECRET_SIG, SIG_KEY


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


def secret(value: Any) -> dict[str, Any]:
    """A secret as the engine sends it to a plugin that accepts secrets."""
    return {SIG_KEY: SECRET_SIG, "value": value}


class PluginProcess:
    """One plugin process, as the engine starts it, and a stub talking to it."""

    def __init__(self, workdir: Path, engine_address: str | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRIME_")}
        self.process = subprocess.Popen(
            [*plugin_command(), *([engine_address] if engine_address else [])],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.close()
            raise RuntimeError(f"the plugin did not print its port: {port!r}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def close(self) -> str:
        """Stops the process; returns what it wrote to stderr."""
        if hasattr(self, "channel"):
            self.channel.close()
        self.process.kill()
        _, stderr = self.process.communicate(timeout=10)
        return stderr or ""
