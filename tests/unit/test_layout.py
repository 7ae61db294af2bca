"""The package's layers stay apart, and docs/architecture.md's "Contents" table matches the tree.

The layers, from the bottom: the API client; the core, which knows no kind; the
dynamic face, which serves any kind; one folder per kind; the top-level modules
(the public names, and each kind's provider class, whose import path is in state).
The emulator stands alone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from prime_pulumi.disk_provider import DiskProvider
from prime_pulumi.provider import PodProvider
from prime_pulumi.ssh_key.resource import SshKeyProvider

PACKAGE = Path(__file__).resolve().parents[2] / "prime_pulumi"
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"
#: The folders of the package, each a layer; a kind's folder is named after its noun.
KINDS = ("pod", "disk", "ssh_key")
#: The kinds older than the layout of a kind folder: their provider classes are top-level
#: modules, at the paths their stacks hold. A newer kind's is in its own ``resource.py``.
TOP_LEVEL_PROVIDERS = {"pod": "prime_pulumi.provider", "disk": "prime_pulumi.disk_provider"}
LAYERS = ("client", "core", "dynamic", "native", *KINDS)


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
    files = sorted((PACKAGE / subpackage).rglob("*.py"))
    assert files, f"prime_pulumi/{subpackage}/ has no module"
    return {
        path: {m for m in _imports(path) if m.split(".")[0] in ("prime_pulumi", "pulumi")}
        for path in files
    }


def _foreign(subpackage: str, allowed: tuple[str, ...]) -> dict[str, set[str]]:
    return {
        path.name: foreign
        for path, imported in _layer(subpackage).items()
        if (foreign := {m for m in imported if not m.startswith(allowed)})
    }


def test_the_client_imports_nothing_of_pulumi_or_of_the_provider() -> None:
    assert _foreign("client", ("prime_pulumi.client",)) == {}


def test_the_core_imports_no_kind_and_no_face() -> None:
    # Of pulumi, only the engine's gRPC messages, which progress speaks (progress.py).
    allowed = ("prime_pulumi.core", "prime_pulumi.client", "pulumi.runtime.proto")
    assert _foreign("core", allowed) == {}


def test_the_dynamic_face_imports_no_kind() -> None:
    allowed = ("prime_pulumi.core", "prime_pulumi.client", "prime_pulumi.dynamic", "pulumi")
    assert _foreign("dynamic", allowed) == {}


def test_the_native_face_knows_the_kinds_only_through_their_list() -> None:
    # Of pulumi, only the protocol's gRPC messages: the plugin serves them itself.
    allowed = (
        "prime_pulumi.core",
        "prime_pulumi.client",
        "prime_pulumi.native",
        "prime_pulumi.kinds",
        "pulumi.runtime.proto",
    )
    assert _foreign("native", allowed) == {}


@pytest.mark.parametrize("kind", KINDS)
def test_a_kind_imports_no_other_kind(kind: str) -> None:
    # Its resource class names its provider class, whose import path is fixed by state.
    provider = TOP_LEVEL_PROVIDERS.get(kind, f"prime_pulumi.{kind}")
    allowed = (
        "prime_pulumi.core",
        "prime_pulumi.client",
        "prime_pulumi.dynamic",
        f"prime_pulumi.{kind}",
        provider,
        "pulumi",
    )
    assert _foreign(kind, allowed) == {}


@pytest.mark.parametrize("layer", ["core", "dynamic", "native"])
def test_no_shared_module_branches_on_a_kind(layer: str) -> None:
    """No comparison in shared code against a kind's name: a kind says what differs."""
    nouns = {
        noun
        for kind in KINDS
        for noun in (kind, kind.capitalize(), kind.title().replace("_", ""), kind.replace("_", ""))
    }
    for path in sorted((PACKAGE / layer).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare):
                named = {
                    c.value
                    for c in ast.walk(node)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
                assert not named & nouns, f"{path.name}:{node.lineno} compares with a kind"


def test_the_emulator_stands_alone() -> None:
    assert _foreign("emulator", ("prime_pulumi.emulator",)) == {}


def test_the_pickled_providers_keep_the_module_state_names() -> None:
    # dill records a provider's class by module and name in every resource's state.
    assert (PodProvider.__module__, PodProvider.__qualname__) == (
        "prime_pulumi.provider",
        "PodProvider",
    )
    assert (DiskProvider.__module__, DiskProvider.__qualname__) == (
        "prime_pulumi.disk_provider",
        "DiskProvider",
    )
    assert (SshKeyProvider.__module__, SshKeyProvider.__qualname__) == (
        "prime_pulumi.ssh_key.resource",
        "SshKeyProvider",
    )


def test_contents_table_names_every_module() -> None:
    section = ARCHITECTURE.read_text().split("## Contents", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([\w/]+\.py)`", section, flags=re.MULTILINE))
    on_disk = {
        str(path.relative_to(PACKAGE.parent if path.parent == PACKAGE else PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if (path.parent == PACKAGE or path.parent.name in LAYERS) and path.read_text().strip()
    }
    assert listed == on_disk
    for folder in (*LAYERS, "emulator"):
        assert f"`prime_pulumi/{folder}/`" in section
    assert "`tests/kit/`" in section


def test_the_package_needs_nothing_of_the_test_kit() -> None:
    # The wheel is prime_pulumi/ alone: the test kit (tests/kit/) stays in the repository.
    importing = {
        str(path.relative_to(PACKAGE)): found
        for path in PACKAGE.rglob("*.py")
        if (found := {m for m in _imports(path) if m.split(".")[0] == "tests"})
    }
    assert importing == {}
    assert not (PACKAGE / "testing").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_kind_s_public_names_each_load_from_their_module(kind: str) -> None:
    import importlib

    import prime_pulumi

    package = importlib.import_module(f"prime_pulumi.{kind}")
    assert set(package.__all__) == set(package._HOMES)
    for name in package.__all__:
        assert getattr(prime_pulumi, name) is getattr(package, name)
        assert name in prime_pulumi.__all__
