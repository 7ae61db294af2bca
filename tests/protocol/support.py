"""Values and helpers shared by the protocol tests (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import grpc
from pulumi.runtime.proto import provider_pb2

from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.harness import ProviderProcess, error_text, secret, stack_config
from tests.kit.plugin_process import PluginProcess, struct

API_KEY = "pk-protocol-secret-0123456789"
PROVISION_SECONDS = 0.3
#: Deletion takes time too, so a test of destroy shows that it waits until the pod is gone.
DELETE_SECONDS = 0.2
#: Disks take time to be ACTIVE and to go too, so that their waits are seen.
DISK_PROVISION_SECONDS = 0.3
DISK_DELETE_SECONDS = 0.2

INPUTS: dict[str, Any] = {
    "cloud_id": "runpod-h100-sxm5-8",
    "gpu_type": "H100_80GB",
    "gpu_count": 1.0,  # numbers arrive as floats
    "socket": "SXM5",
    "provider_type": "runpod",
    "jupyter_password": "hunter2-jupyter",
    "env_vars": {"WANDB_API_KEY": "wandb-secret"},
    "auto_name_seed": "org/protocol/test/trainer",
}


def provider_config(base_url: str, **extra: str) -> dict[str, Any]:
    """The stack config of the protocol tests: the key as a secret, quick timing."""
    return stack_config(
        base_url,
        API_KEY,
        {
            "prime:pollMaxSeconds": "0.1",
            "prime:installFailureGraceSeconds": "0.5",
            "prime:deleteTimeoutSeconds": "5",
            "prime:createSettleSeconds": "1",
            **extra,
        },
    )


def checked(provider: ProviderProcess, **changes: Any) -> dict[str, Any]:
    """:data:`INPUTS` with ``changes``, through Check, which must accept them."""
    inputs, failures = provider.check({**INPUTS, **changes})
    assert failures == []
    return inputs


def configured(plugin: PluginProcess, base_url: str) -> PluginProcess:
    """``plugin`` configured as a stack's provider on the emulator at ``base_url``."""
    plugin.stub.Configure(
        provider_pb2.ConfigureRequest(
            args=struct(
                {
                    "apiKey": secret(API_KEY),
                    "baseUrl": base_url,
                    "pollMaxSeconds": "0.2",
                    "deleteTimeoutSeconds": "30",
                }
            ),
            acceptSecrets=True,
        )
    )
    return plugin


def one_line(error: grpc.RpcError) -> str:
    """The error as the CLI shows it; fails unless it is one line."""
    text = error_text(error).strip()
    assert "\n" not in text, text
    return text


@contextmanager
def provisioning_takes(emulator: EmulatorControl, seconds: float) -> Iterator[EmulatorControl]:
    """Pods created meanwhile take ``seconds`` to be ready; then the tests' timing is back."""
    emulator.set_timing(provision_seconds=seconds)
    try:
        yield emulator
    finally:
        emulator.set_timing(provision_seconds=PROVISION_SECONDS)
