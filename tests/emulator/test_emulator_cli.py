"""``prime-emulator`` and ``python -m prime_pulumi.emulator`` as real processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from prime_pulumi.emulator.cli import main

CONSOLE_SCRIPT = Path(sys.executable).parent / "prime-emulator"


def start(*command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )


def base_url_of(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Started processes; any still running at the end is killed, so none outlives a test."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_console_script_serves_until_signalled(
    processes: list[subprocess.Popen[str]], stop: signal.Signals
) -> None:
    process = start(str(CONSOLE_SCRIPT), "--port", "0")
    processes.append(process)
    base_url = base_url_of(process)
    assert base_url.startswith("http://127.0.0.1:")
    assert int(base_url.rsplit(":", 1)[1]) > 0

    headers = {"Authorization": "Bearer prime-emulator-key"}
    assert httpx.get(f"{base_url}/api/v1/pods", headers=headers).status_code == 200
    config = httpx.get(f"{base_url}/_emulator/config").json()
    assert config == {  # the defaults
        "provision_seconds": 5.0,
        "delete_seconds": 0.0,
        "disk_provision_seconds": 2.0,
        "disk_delete_seconds": 0.0,
    }
    admin = {"Authorization": "Bearer prime-emulator-admin-key"}
    assert httpx.get(f"{base_url}/api/admin/clusters/x", headers=admin).status_code == 404

    process.send_signal(stop)
    assert process.wait(timeout=10) == 0
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


def test_module_takes_keys_timing_and_seed(processes: list[subprocess.Popen[str]]) -> None:
    command = [sys.executable, "-m", "prime_pulumi.emulator", "--api-key", "k1", "--api-key", "k2"]
    command += ["--admin-key", "boss", "--provision-seconds", "30", "--delete-seconds", "2.5"]
    command += ["--disk-provision-seconds", "4", "--disk-delete-seconds", "1.5", "--seed", "3"]
    process = start(*command)
    processes.append(process)
    base_url = base_url_of(process)

    def get(path: str, key: str) -> int:
        return httpx.get(base_url + path, headers={"Authorization": f"Bearer {key}"}).status_code

    assert get("/api/v1/pods", "k1") == get("/api/v1/pods", "k2") == 200
    assert get("/api/v1/pods", "boss") == 200  # admin keys are API keys too
    assert get("/api/v1/pods", "prime-emulator-key") == 401  # the default is replaced
    assert get("/api/admin/clusters/x", "k1") == 403
    assert get("/api/admin/clusters/x", "boss") == 404
    config = httpx.get(f"{base_url}/_emulator/config").json()
    assert config == {
        "provision_seconds": 30.0,
        "delete_seconds": 2.5,
        "disk_provision_seconds": 4.0,
        "disk_delete_seconds": 1.5,
    }

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


@pytest.mark.parametrize(
    "option",
    [
        "--provision-seconds",
        "--delete-seconds",
        "--disk-provision-seconds",
        "--disk-delete-seconds",
    ],
)
def test_negative_time_is_a_usage_error(option: str) -> None:
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), option, "-1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert f"{option} must be >= 0" in result.stderr


def test_help_documents_the_delete_time(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    usage = " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal
    assert "--delete-seconds S" in usage
    assert "DELETING" in usage
    assert "(default: 0)" in usage
    assert "--disk-provision-seconds S" in usage
    assert "--disk-delete-seconds S" in usage
