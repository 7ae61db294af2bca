"""The pytest plugin (its fixture, its light import) and the emulator leaving globals alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx

from prime_pulumi.emulator import DEFAULT_API_KEY, FIXTURE_PROVISION_SECONDS
from prime_pulumi.emulator.server import EmulatorServer
from tests.emulator.support import OFFER_BODY


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
    prime_emulator.backend.disk_provision_seconds = 99
    prime_emulator.backend.disk_delete_seconds = 99
    prime_emulator.backend.queue_fates(["stuck"])
    prime_emulator.backend.queue_disk_fates(["stuck"])


def test_fixture_state_does_not_leak_between_tests(prime_emulator: EmulatorServer) -> None:
    assert prime_emulator.backend.provision_seconds == FIXTURE_PROVISION_SECONDS
    assert prime_emulator.backend.delete_seconds == 0.0
    assert prime_emulator.backend.disk_provision_seconds == FIXTURE_PROVISION_SECONDS
    assert prime_emulator.backend.disk_delete_seconds == 0.0
    assert prime_emulator.backend.all_pods() == []
    assert prime_emulator.backend.queue_fates([]) == 0
    assert prime_emulator.backend.queue_disk_fates([]) == 0


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


#: The repository root: where the subprocesses run, so they import this checkout.
_ROOT = Path(__file__).resolve().parents[2]

#: What loading the plugin must not import: the provider's stack and the emulator extra.
_HEAVY = ("pulumi", "grpc", "fastapi", "uvicorn", "pydantic", "httpx")


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a fresh interpreter from the repository root; fail with its stderr if it fails."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_loading_the_plugin_imports_neither_pulumi_nor_the_server() -> None:
    probe = (
        "import sys, prime_pulumi.emulator.pytest_plugin; "
        f"print(sorted(m for m in {_HEAVY!r} if m in sys.modules))"
    )
    assert _python("-c", probe).stdout.strip() == "[]"


# Run by a pytest that loads no plugin but this one, as pytest loads it (``-p``).
_FIXTURE_PROBE = f"""
import sys

HEAVY = {_HEAVY!r}
LOADED_WITH_THE_PLUGIN = sorted(m for m in HEAVY if m in sys.modules)


def test_the_plugin_loaded_nothing_heavy():
    assert LOADED_WITH_THE_PLUGIN == []


def test_the_fixture_imports_the_server(prime_emulator):
    assert prime_emulator.base_url.startswith("http://127.0.0.1:")
    assert "fastapi" in sys.modules and "uvicorn" in sys.modules
"""


def test_only_the_fixture_imports_the_server(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_probe.py").write_text(_FIXTURE_PROBE, encoding="utf-8")
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = _python(
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "prime_pulumi.emulator.pytest_plugin",
        str(tmp_path / "test_probe.py"),
        env=env,
    )
    assert "2 passed" in result.stdout, result.stdout


def test_importing_the_app_registers_no_url_convertor() -> None:
    probe = textwrap.dedent(
        """
        import json, starlette.convertors as convertors
        before = dict(convertors.CONVERTOR_TYPES)
        from prime_pulumi.emulator.app import create_app
        create_app()
        after = convertors.CONVERTOR_TYPES
        print(json.dumps({
            "before": sorted(before),
            "after": sorted(after),
            "same": all(after.get(name) is convertor for name, convertor in before.items()),
        }))
        """
    )
    seen = json.loads(_python("-c", probe).stdout)
    assert seen["after"] == seen["before"]
    assert seen["same"]
