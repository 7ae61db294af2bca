"""Which pulumi CLI the end-to-end tests and make demo get: on PATH, cached, built, or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kit import pulumi_cli


def _script(folder: Path, name: str, prints: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{prints}'\n")
    path.chmod(0o755)


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with only /bin (for sh) and a folder of our own, and an empty cache."""
    tools = tmp_path / "tools"
    tools.mkdir()
    monkeypatch.setenv("PATH", f"{tools}:/bin")
    monkeypatch.setattr(pulumi_cli, "CACHE", tmp_path / "cache")
    return tools


def test_a_recent_enough_cli_on_path_is_used_as_it_is(bare: Path) -> None:
    _script(bare, "pulumi", "v3.300.0")
    assert pulumi_cli.ensure() == bare


def test_an_older_cli_on_path_gives_way_to_the_cached_one(bare: Path) -> None:
    _script(bare, "pulumi", "v3.100.0")
    cache = pulumi_cli.CACHE
    _script(cache, "pulumi", f"v{pulumi_cli.PULUMI_VERSION}")
    _script(cache, pulumi_cli.LAUNCHER, "")
    assert pulumi_cli.ensure() == cache


def test_a_cache_without_the_launcher_is_not_ready(bare: Path) -> None:
    _script(pulumi_cli.CACHE, "pulumi", f"v{pulumi_cli.PULUMI_VERSION}")
    assert pulumi_cli.cached() is None


def test_a_go_too_old_to_build_it_means_no_cli_and_says_why(
    bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _script(bare, "go", "go version go1.20.3 linux/amd64")
    assert pulumi_cli.ensure() is None
    assert "is older than Go 1.26.6" in capsys.readouterr().err
    assert not (pulumi_cli.CACHE / "pulumi").exists()


def test_the_launcher_runs_the_program_s_python() -> None:
    assert 'exec "${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi.dynamic "$@"' in (
        pulumi_cli._LAUNCHER_TEXT
    )
