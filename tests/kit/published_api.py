"""Prime Intellect's published OpenAPI documents, and validators of values against them.

The documents are read from ``../shared/openapi/`` beside the repository (CI has them
there); the repository carries no copy. Where one is absent, :func:`document` skips
the test (or the whole module, when called at import) with the reason, which
``pytest -ra`` prints.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

#: Where the documents live: ``../shared/openapi/`` from the repository's root.
FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "openapi"
COMPUTE = "compute.yml"
PLATFORM = "platform.yml"


def document_path(name: str) -> Path:
    """The path of the document ``name``; skips (the module, at import) when it is absent."""
    path = FOLDER / name
    if not path.is_file():
        pytest.skip(
            f"the published OpenAPI document {path} is absent: the tests read it from "
            "../shared/openapi/ beside the repository, which carries no copy",
            allow_module_level=True,
        )
    return path


def document(name: str) -> dict[str, Any]:
    """The document ``name`` (``compute.yml``), parsed; skips when it is absent."""
    return _load(document_path(name))


@cache
def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def component(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """The schema ``#/components/schemas/<name>`` of ``doc``."""
    schema: dict[str, Any] = doc["components"]["schemas"][name]
    return schema


def enum(doc: dict[str, Any], name: str) -> set[str]:
    """The values of the enum schema ``name`` of ``doc``."""
    return set(component(doc, name)["enum"])


def validator(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """A JSON Schema (2020-12, as OpenAPI 3.1's) validator of ``schema``, a part of ``doc``.

    The document's components ride along, so its ``$ref``s resolve.
    """
    whole = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    whole["components"] = doc["components"]
    return jsonschema_rs.validator_for(whole)


def problems(check: jsonschema_rs.Validator, value: Any) -> list[str]:
    """What ``check`` finds wrong with ``value``: one line each, with where; empty when valid."""
    return [
        f"{'/'.join(map(str, error.instance_path)) or '(root)'}: {error.message}"
        for error in check.iter_errors(value)
    ]
