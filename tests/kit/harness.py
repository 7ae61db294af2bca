"""Drives the provider exactly as the Pulumi engine does: ``python -u -m pulumi.dynamic`` over gRPC.

The engine starts the provider process, reads its port from the first line of
stdout, sends ``Configure`` with the stack config (secrets wrapped), then Check,
Diff, Create, Read, Update and Delete with properties serialized by the SDK's
own ``rpc.serialize_properties``, ``__provider`` included.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dill
import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from prime_pulumi.disk_provider import DiskProvider
from prime_pulumi.provider import PodProvider
from prime_pulumi.ssh_key.resource import SshKeyProvider

URN = "urn:pulumi:test::protocol::pulumi-python:dynamic/prime:Pod::{name}"
DISK_URN = "urn:pulumi:test::protocol::pulumi-python:dynamic/prime:Disk::{name}"
SSH_KEY_URN = "urn:pulumi:test::protocol::pulumi-python:dynamic/prime:SshKey::{name}"
SECRET_SIG = {rpc._special_sig_key: rpc._special_secret_sig}
#: Pickle protocols of the provider other than the SDK's: each a pickle the SDK configures anew.
OTHER_PICKLE_PROTOCOLS = (3, 2, 5, 1, 0)


def secret(value: Any) -> dict[str, Any]:
    """A config value as the engine sends a secret."""
    return {**SECRET_SIG, "value": value}


def stack_config(
    base_url: str, api_key: str, settings: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A stack config as the engine sends it: the key as a secret, the URL, then ``settings``."""
    return {"prime:apiKey": secret(api_key), "prime:baseUrl": base_url, **(settings or {})}


def to_struct(props: dict[str, Any]) -> struct_pb2.Struct:
    return asyncio.run(rpc.serialize_properties(props, {}))


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


class StartedByEngine:
    """A provider process started as the engine starts one, and a gRPC stub talking to it.

    The engine runs ``command`` with its own address as the last argument (where
    progress goes), reads the port from the process's first line of output, and
    speaks gRPC to it.
    """

    def __init__(
        self,
        command: list[str],
        workdir: Path,
        env: dict[str, str] | None = None,
        engine_address: str | None = None,
    ) -> None:
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("PRIME_")}
        child_env.update(env or {})
        engine = [engine_address] if engine_address else []
        self.process = subprocess.Popen(
            [*command, *engine],
            cwd=workdir,
            env=child_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        port_line = self.process.stdout.readline().strip()
        if not port_line.isdigit():
            self.close()
            raise RuntimeError(f"{command[-1]} did not print its port: {port_line!r}")
        # The engine (grpc-go) takes up to 16 MiB of headers, where a failed call's
        # traceback travels; grpc's Python default of 8 KiB would cut long ones off.
        self.channel = grpc.insecure_channel(
            f"127.0.0.1:{port_line}", options=[("grpc.max_metadata_size", 16 << 20)]
        )
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def close(self) -> str:
        """Stops the process; returns what it wrote to stderr."""
        if hasattr(self, "channel"):
            self.channel.close()
        self.process.kill()
        _, stderr = self.process.communicate(timeout=10)
        return stderr or ""


class ProviderProcess(StartedByEngine):
    """The dynamic provider (``python -u -m pulumi.dynamic``), driven as for a ``Pod``."""

    def __init__(
        self,
        workdir: Path,
        env: dict[str, str] | None = None,
        engine_address: str | None = None,
    ) -> None:
        super().__init__(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            workdir,
            {"PULUMI_PROJECT": "protocol", **(env or {})},
            engine_address,
        )
        self.serialized_provider = serialize_provider(PodProvider())
        self.urn = URN

    def for_disks(self) -> ProviderProcess:
        """This same process, driven as the engine drives a ``Disk``: its provider, its URNs."""
        disks = copy.copy(self)
        disks.serialized_provider = serialize_provider(DiskProvider())
        disks.urn = DISK_URN
        return disks

    def for_ssh_keys(self) -> ProviderProcess:
        """This same process, driven as the engine drives an ``SshKey``."""
        keys = copy.copy(self)
        keys.serialized_provider = serialize_provider(SshKeyProvider())
        keys.urn = SSH_KEY_URN
        return keys

    def configured_elsewhere(self, index: int) -> ProviderProcess:
        """This same process, driven for a resource whose provider was pickled otherwise.

        As another SDK, dill or Python pickles it (the ``index``-th such pickle): the SDK
        configures each pickle it has not seen when it arrives, with the last stack config.
        """
        protocol = OTHER_PICKLE_PROTOCOLS[index % len(OTHER_PICKLE_PROTOCOLS)]
        other = copy.copy(self)
        other.serialized_provider = base64.b64encode(
            dill.dumps(PodProvider(), protocol=protocol)
        ).decode()
        return other

    def _with_provider(self, props: dict[str, Any]) -> struct_pb2.Struct:
        return to_struct({**props, "__provider": self.serialized_provider})

    def configure(self, config: dict[str, Any]) -> None:
        self.stub.Configure(
            provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=True)
        )

    def check(
        self, news: dict[str, Any], olds: dict[str, Any] | None = None, name: str = "trainer"
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=self.urn.format(name=name),
                olds=self._with_provider(olds or {}),
                news=self._with_provider(news),
            )
        )
        failures = [(f.property, f.reason) for f in response.failures]
        return _strip(from_struct(response.inputs)), failures

    def create(self, inputs: dict[str, Any], name: str = "trainer") -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(
            provider_pb2.CreateRequest(
                urn=self.urn.format(name=name), properties=self._with_provider(inputs)
            )
        )
        return response.id, _strip(from_struct(response.properties))

    def read(
        self, id_: str, props: dict[str, Any], name: str = "trainer"
    ) -> tuple[str, dict[str, Any]]:
        response = self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_, urn=self.urn.format(name=name), properties=self._with_provider(props)
            )
        )
        return response.id, _strip(from_struct(response.properties))

    def diff(
        self,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        *,
        news_provider: str | None = None,
        name: str = "trainer",
    ) -> provider_pb2.DiffResponse:
        new_struct = to_struct({**news, "__provider": news_provider or self.serialized_provider})
        response: provider_pb2.DiffResponse = self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_,
                urn=self.urn.format(name=name),
                olds=self._with_provider(olds),
                news=new_struct,
            )
        )
        return response

    def update(
        self, id_: str, olds: dict[str, Any], news: dict[str, Any], name: str = "trainer"
    ) -> dict[str, Any]:
        response = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_,
                urn=self.urn.format(name=name),
                olds=self._with_provider(olds),
                news=self._with_provider(news),
            )
        )
        return _strip(from_struct(response.properties))

    def delete(self, id_: str, props: dict[str, Any], name: str = "trainer") -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(
                id=id_, urn=self.urn.format(name=name), properties=self._with_provider(props)
            )
        )


def _strip(props: dict[str, Any]) -> dict[str, Any]:
    """Drops ``__provider`` and shows unknowns in their wire form, the UNKNOWN string."""
    return {
        k: rpc.UNKNOWN if isinstance(v, Unknown) else v
        for k, v in props.items()
        if k != "__provider"
    }


def error_text(error: grpc.RpcError) -> str:
    """The text the CLI would print for a failed call: the provider's traceback."""
    details = error.details() if isinstance(error, grpc.Call) else None
    return details or str(error)
