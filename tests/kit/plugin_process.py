"""``pulumi-resource-prime`` started as the engine starts it, and a gRPC stub to it.

:class:`PluginProcess` also drives a ``prime:index:Pod`` with the calls of
:class:`~tests.kit.harness.ProviderProcess` (snake_case in and out, a stack config
of ``prime:*`` keys): it sends them as the engine does, in the schema's
camelCase, so that a lane of the fault campaign runs on either face.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2

from tests.kit.harness import SECRET_SIG, StartedByEngine

POD_URN = "urn:pulumi:test::protocol::prime:index:Pod::{name}"
#: The input prime-pulumi sets itself: hidden on the wire (``__auto_name_seed``).
NAME_SEED = "auto_name_seed"
#: What no program declares: the plugin takes both from the URN.
FROM_THE_URN = (NAME_SEED, "__urn")


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


def on_the_wire(props: dict[str, Any]) -> struct_pb2.Struct:
    """snake_case properties in the schema's names: ``gpu_type`` is ``gpuType``."""
    return struct({_wire_name(key): value for key, value in props.items()})


def off_the_wire(props: struct_pb2.Struct) -> dict[str, Any]:
    """The plugin's properties in snake_case, secrets unwrapped (as the SDK hands them over)."""
    return {_snake_name(key): _unwrapped(value) for key, value in plain(props).items()}


def _wire_name(key: str) -> str:
    if key == NAME_SEED:
        return f"__{key}"
    return key if key.startswith("__") else re.sub(r"_([a-z])", lambda m: m[1].upper(), key)


def _snake_name(key: str) -> str:
    if key == f"__{NAME_SEED}":
        return NAME_SEED
    return key if key.startswith("__") else re.sub(r"[A-Z]", lambda m: f"_{m[0].lower()}", key)


def _unwrapped(value: Any) -> Any:
    is_secret = isinstance(value, dict) and SECRET_SIG.items() <= value.items()
    return value["value"] if is_secret else value


class PluginProcess(StartedByEngine):
    """``pulumi-resource-prime``, as the engine starts it, and a stub talking to it."""

    def __init__(self, workdir: Path, engine_address: str | None = None) -> None:
        super().__init__(plugin_command(), workdir, engine_address=engine_address)
        #: The URN of a ``Pod`` called ``{name}``.
        self.urn = POD_URN

    def configure(self, config: dict[str, Any]) -> None:
        """Configures it with a stack config: ``prime:apiKey`` arrives as ``apiKey``."""
        args = {key.removeprefix("prime:"): value for key, value in config.items()}
        self.stub.Configure(provider_pb2.ConfigureRequest(args=struct(args), acceptSecrets=True))

    def configured_elsewhere(self, index: int) -> PluginProcess:
        """The plugin holds no pickled provider: a second Configure is a whole second one."""
        return self

    def check(
        self, news: dict[str, Any], olds: dict[str, Any] | None = None, name: str = "trainer"
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Check of what a program declares (the URN names the pod); failures in snake_case."""
        declared = {k: v for k, v in news.items() if k not in FROM_THE_URN}
        response = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=self.urn.format(name=name),
                olds=on_the_wire(olds or {}),
                news=on_the_wire(declared),
            )
        )
        failures = [(_snake_name(f.property), f.reason) for f in response.failures]
        return off_the_wire(response.inputs), failures

    def create(self, inputs: dict[str, Any], name: str = "trainer") -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=self.urn.format(name=name), properties=on_the_wire(inputs)
        )
        response = self.stub.Create(request)
        return response.id, off_the_wire(response.properties)

    def read(
        self, id_: str, props: dict[str, Any], name: str = "trainer"
    ) -> tuple[str, dict[str, Any]]:
        response = self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_, urn=self.urn.format(name=name), properties=on_the_wire(props)
            )
        )
        return response.id, off_the_wire(response.properties)

    def delete(self, id_: str, props: dict[str, Any], name: str = "trainer") -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(
                id=id_, urn=self.urn.format(name=name), properties=on_the_wire(props)
            )
        )
