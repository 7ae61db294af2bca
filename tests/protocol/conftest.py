"""Fixtures of the protocol tests: an emulator on loopback and a provider process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.protocol.harness import ProviderProcess, secret

API_KEY = "pk-protocol-secret-0123456789"
PROVISION_SECONDS = 0.3
#: Deletion takes time too, so a test of destroy shows that it waits until the pod is gone.
DELETE_SECONDS = 0.2


class EmulatorControl:
    """The emulator's control endpoints, as a test steers them."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def reset(self) -> None:
        self.http.post("/_emulator/reset").raise_for_status()

    def fates(self, *kinds: str) -> None:
        fates = [{"kind": kind, "message": f"emulated {kind}"} for kind in kinds]
        self.http.post("/_emulator/fates", json={"fates": fates}).raise_for_status()

    def fault(self, route: str, action: str, **fields: Any) -> None:
        body = {"route": route, "action": action, **fields}
        self.http.post("/_emulator/faults", json=body).raise_for_status()

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = self.http.get("/_emulator/requests").json()["counts"]
        return counts

    def live_pods(self) -> list[dict[str, Any]]:
        """Every pod that is not terminated: what would still bill."""
        pods: list[dict[str, Any]] = self.http.get("/_emulator/pods").json()["data"]
        return [p for p in pods if p["status"] != "TERMINATED"]

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10
        )


def provider_config(base_url: str, **extra: str) -> dict[str, Any]:
    """The stack config of the protocol tests: the key as a secret, quick timing."""
    return {
        "prime:apiKey": secret(API_KEY),
        "prime:baseUrl": base_url,
        "prime:pollMaxSeconds": "0.1",
        "prime:installFailureGraceSeconds": "0.5",
        "prime:deleteTimeoutSeconds": "5",
        "prime:createSettleSeconds": "1",
        **extra,
    }


@pytest.fixture(scope="module")
def emulator_server() -> Iterator[Any]:
    from prime_pulumi.emulator import EmulatorBackend, EmulatorServer

    backend = EmulatorBackend(
        api_keys=[API_KEY], provision_seconds=PROVISION_SECONDS, delete_seconds=DELETE_SECONDS
    )
    with EmulatorServer(backend) as server:
        yield server


@pytest.fixture
def emulator(emulator_server: Any) -> EmulatorControl:
    control = EmulatorControl(emulator_server.base_url)
    control.reset()
    return control


@pytest.fixture(scope="module")
def provider_process(
    emulator_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderProcess]:
    process = ProviderProcess(tmp_path_factory.mktemp("provider"))
    process.configure(provider_config(emulator_server.base_url))
    yield process
    stderr = process.close()
    assert API_KEY not in stderr


@pytest.fixture
def provider(provider_process: ProviderProcess, emulator: EmulatorControl) -> ProviderProcess:
    return provider_process


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path
