"""The package's layers stay apart, and docs/architecture.md's "Contents" table matches the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "prime_pulumi"
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def _imports(path: Path) -> set[str]:
    """Every module a source file imports, absolute names only."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _layer(subpackage: str) -> dict[Path, set[str]]:
    """The ``prime_pulumi`` and ``pulumi`` modules each file of a subpackage imports."""
    return {
        path: {m for m in _imports(path) if m.split(".")[0] in ("prime_pulumi", "pulumi")}
        for path in (PACKAGE / subpackage).glob("*.py")
    }


def test_the_client_imports_nothing_of_pulumi_or_of_the_provider() -> None:
    for path, imported in _layer("client").items():
        foreign = {m for m in imported if not m.startswith("prime_pulumi.client")}
        assert not foreign, f"{path.name} imports {foreign}"


def test_the_internals_never_import_the_public_face() -> None:
    for path, imported in _layer("_provider").items():
        # Of pulumi, only the engine's gRPC messages, which progress speaks (progress.py).
        allowed = ("prime_pulumi._provider", "prime_pulumi.client", "pulumi.runtime.proto")
        foreign = {m for m in imported if not m.startswith(allowed)}
        assert not foreign, f"{path.name} imports {foreign}"


def test_the_emulator_stands_alone() -> None:
    for path, imported in _layer("emulator").items():
        foreign = {m for m in imported if not m.startswith("prime_pulumi.emulator")}
        assert not foreign, f"{path.name} imports {foreign}"


def test_contents_table_names_every_module() -> None:
    section = ARCHITECTURE.read_text().split("## Contents", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([\w/]+\.py)`", section, flags=re.MULTILINE))
    layers = {"client", "_provider"}
    on_disk = {
        str(path.relative_to(PACKAGE.parent if path.parent == PACKAGE else PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if (path.parent == PACKAGE or path.parent.name in layers) and path.read_text().strip()
    }
    assert listed == on_disk
    for folder in ("client", "_provider", "emulator", "testing"):
        assert f"`prime_pulumi/{folder}/`" in section
