"""The pytest plugin: its fixture, and that it loads without the emulator extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import httpx

from prime_pulumi.emulator import DEFAULT_API_KEY, FIXTURE_PROVISION_SECONDS
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.conftest import OFFER_BODY


def test_fixture_hands_out_a_running_reset_server(prime_emulator: EmulatorServer) -> None:
    assert prime_emulator.backend.provision_seconds == FIXTURE_PROVISION_SECONDS
    assert prime_emulator.backend.all_pods() == []
    assert prime_emulator.backend.request_counts().total == 0
    headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
    created = httpx.post(
        f"{prime_emulator.base_url}/api/v1/pods/", json=OFFER_BODY, headers=headers
    )
    assert created.json()["status"] == "PROVISIONING"
    # Leave state and changed timing behind: the next test must not see them.
    prime_emulator.backend.provision_seconds = 99
    prime_emulator.backend.delete_seconds = 99
    prime_emulator.backend.queue_fates(["stuck"])


def test_fixture_state_does_not_leak_between_tests(prime_emulator: EmulatorServer) -> None:
    assert prime_emulator.backend.provision_seconds == FIXTURE_PROVISION_SECONDS
    assert prime_emulator.backend.delete_seconds == 0.0
    assert prime_emulator.backend.all_pods() == []
    assert prime_emulator.backend.queue_fates([]) == 0


# Hides FastAPI and uvicorn, as in an installation without the emulator extra.
_WITHOUT_EXTRA = textwrap.dedent(
    """
    import importlib.abc, sys

    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("fastapi", "uvicorn", "starlette"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Hide())
    import prime_pulumi.emulator as emulator
    import prime_pulumi.emulator.pytest_plugin
    backend = emulator.EmulatorBackend(provision_seconds=0)
    try:
        emulator.EmulatorServer
    except ModuleNotFoundError as missing:
        print("server needs", missing.name)
    """
)


def test_plugin_and_package_import_without_fastapi() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRA],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in ("server needs uvicorn", "server needs fastapi")
