"""The Pulumi package schema of prime-pulumi, made from the kinds' models.

Each kind is a resource ``prime:index:<Noun>``: its input properties are the
fields users declare (``InputRules.user``), its properties those and its
outputs; each carries the field's description, ``secret`` where the field is
marked so, and its name in camelCase (:mod:`.names`). The provider's
configuration is the ``prime:*`` stack settings (``ProviderSettings``), with
their defaults. ``python -m prime_pulumi.native.schema`` writes
``schema.json`` beside this module; a test holds the two equal.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
import typing
from datetime import datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from prime_pulumi.core.functions import DataFunction
from prime_pulumi.core.kind import AnyKind
from prime_pulumi.core.settings import ProviderSettings
from prime_pulumi.kinds import FUNCTIONS, KINDS
from prime_pulumi.native.names import camel, camel_in_text, snake

#: The package's name: the first part of every type token, and of ``prime:*`` settings.
PACKAGE = "prime"
SCHEMA_FILE = Path(__file__).with_name("schema.json")
_ANY = {"$ref": "pulumi.json#/Any"}
_PRIMITIVES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def type_spec(annotation: Any) -> dict[str, Any]:
    """A field's type as a schema's type spec."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in get_args(annotation) if a is not type(None)]
        return type_spec(inner)
    if origin is typing.Annotated:
        return type_spec(get_args(annotation)[0])
    if origin is Literal:
        return type_spec(type(get_args(annotation)[0]))
    if origin in (list, tuple):
        return {"type": "array", "items": type_spec(get_args(annotation)[0])}
    if origin is dict:
        value = get_args(annotation)[1]
        return {"type": "object", "additionalProperties": type_spec(value)}
    if annotation in typed_models():
        return {"$ref": f"#/types/{object_token(annotation)}"}
    if annotation is SecretStr or annotation is datetime:
        return {"type": "string"}  # a datetime travels as ISO 8601
    if annotation in _PRIMITIVES:
        return {"type": _PRIMITIVES[annotation]}
    return dict(_ANY)


def _holds(annotation: Any, cls: type) -> bool:
    """Whether ``cls`` is ``annotation`` or a part of it (``SecretStr | None``)."""
    return annotation is cls or any(_holds(part, cls) for part in get_args(annotation))


@cache
def _our_names() -> frozenset[str]:
    """Every property and function name of the package, as Python spells them."""
    names = {snake(function.name) for function in FUNCTIONS}
    for kind in KINDS:
        names |= {*kind.kind.rules.model.model_fields, *kind.kind.outputs.model_fields}
    for function in FUNCTIONS:
        names |= {*function.query.model_fields, *function.record.model_fields}
    return frozenset(names)


def described(text: str) -> str:
    """A description in one paragraph, in the Markdown schemas use, naming our properties
    and functions as the schema does (``gpuCount``, ``getGpuOffers``): every SDK's doc
    comments read it. The API's own keys (``resource_type``) stay as the API spells them."""
    flat = " ".join(text.split()).replace("``", "`")
    return camel_in_text(flat, _our_names())


def _description(field: FieldInfo) -> str:
    return described(field.description or "")


def _property(field: FieldInfo, *, secret: bool) -> dict[str, Any]:
    spec = type_spec(field.annotation)
    if description := _description(field):
        spec["description"] = description
    return {**spec, "secret": True} if secret else spec


def token(kind: AnyKind) -> str:
    """The resource's type token: ``prime:index:Pod``."""
    return f"{PACKAGE}:index:{kind.kind.noun}"


def resource(kind: AnyKind) -> dict[str, Any]:
    """One kind as a schema resource: what a program declares, and what it reads back."""
    rules, outputs = kind.kind.rules, kind.kind.outputs
    inputs = {
        camel(name): _property(rules.model.model_fields[name], secret=name in rules.secret)
        for name in rules.user
    }
    reported = {
        camel(name): _property(field, secret=False) for name, field in outputs.model_fields.items()
    }
    declared = [n for n in rules.user if rules.model.model_fields[n].is_required()]
    # Always there (never null): what users must declare, and outputs that cannot be None.
    never_null = [
        n for n, f in outputs.model_fields.items() if not _holds(f.annotation, type(None))
    ]
    return {
        "description": described(inspect.getdoc(type(kind)) or ""),
        "inputProperties": inputs,
        "requiredInputs": [camel(n) for n in declared],
        "properties": {**inputs, **reported},
        "required": sorted({camel(n) for n in (*declared, *never_null)}),
    }


def object_token(model: type[BaseModel]) -> str:
    """The token of an object type made from a model: ``prime:index:GpuOffer``."""
    return f"{PACKAGE}:index:{model.__name__}"


def record_type(function: DataFunction) -> str:
    """The token of one record a data function answers: ``prime:index:GpuOffer``."""
    return object_token(function.record)


def object_type(model: type[BaseModel]) -> dict[str, Any]:
    """A model as a schema object type: a data function's record, or a part of an output."""
    fields = model.model_fields
    always = [n for n, f in fields.items() if not _holds(f.annotation, type(None))]
    spec = {
        "type": "object",
        "description": described(inspect.getdoc(model) or ""),
        "properties": {camel(n): _property(f, secret=False) for n, f in fields.items()},
    }
    return {**spec, "required": sorted(camel(n) for n in always)} if always else spec


def record(function: DataFunction) -> dict[str, Any]:
    """One record of a data function, as a schema object type."""
    return object_type(function.record)


def models_within(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's type holds (``list[PodNode]``: ``PodNode``), outermost first."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        inner = [m for f in annotation.model_fields.values() for m in models_within(f.annotation)]
        return [annotation, *inner]
    return [m for part in get_args(annotation) for m in models_within(part)]


@cache
def typed_models() -> tuple[type[BaseModel], ...]:
    """The models within the kinds' outputs (a pod's ``nodes``): each an object type whose
    properties the native face spells in camelCase. Other models (a cluster's nodes, as the
    admin API spells them) stay ``Any``."""
    found = (
        model
        for kind in KINDS
        for field in kind.kind.outputs.model_fields.values()
        for model in models_within(field.annotation)
    )
    return tuple(dict.fromkeys(found))


def output_types() -> dict[str, dict[str, Any]]:
    """The object types of the kinds' outputs, by token."""
    return {object_token(model): object_type(model) for model in typed_models()}


def function_spec(function: DataFunction) -> dict[str, Any]:
    """A data function: its arguments (its filters) and what it answers (``offers``, or the
    fields of its one record)."""
    fields = function.query.model_fields
    inputs = {
        "properties": {camel(n): _property(fields[n], secret=False) for n in function.arguments},
        "required": [camel(n) for n in function.arguments if fields[n].is_required()],
    }
    if not inputs["required"]:
        del inputs["required"]
    description = described(function.description)
    if function.listed_under is None:
        return {"description": description, "inputs": inputs, "outputs": record(function)}
    listed = {
        "type": "array",
        "items": {"$ref": f"#/types/{record_type(function)}"},
        "description": "What matched, in the order the function promises.",
    }
    return {
        "description": description,
        "inputs": inputs,
        "outputs": {
            "properties": {function.listed_under: listed},
            "required": [function.listed_under],
        },
    }


def configuration() -> dict[str, dict[str, Any]]:
    """The provider's configuration: every ``prime:*`` setting, under its name after ``prime:``."""
    variables: dict[str, dict[str, Any]] = {}
    for field in ProviderSettings.model_fields.values():
        if field.alias is None or not field.alias.startswith(f"{PACKAGE}:"):
            raise ValueError(f"setting {field.alias!r} is not a {PACKAGE}:* key")
        spec = _property(field, secret=_holds(field.annotation, SecretStr))
        if field.default is not None:
            spec["default"] = field.default
        variables[field.alias.split(":", 1)[1]] = spec
    return variables


def schema() -> dict[str, Any]:
    """The whole package schema."""
    config = configuration()
    return {
        "name": PACKAGE,
        "displayName": "Prime Intellect",
        "version": version("prime-pulumi"),
        "description": "Prime Intellect GPU pods and network disks, chosen by what they are.",
        "keywords": ["pulumi", "prime-intellect", "gpu", "category/cloud"],
        "license": "Apache-2.0",
        "publisher": "prime-pulumi",
        # Each SDK takes this schema's version (else npm's is a "${VERSION}" placeholder that
        # the engine refuses); the names keep clear of Pulumi's own npm scope and of the
        # Python package `prime_pulumi`, the dynamic face.
        "language": {
            "nodejs": {"packageName": "prime-pulumi", "respectSchemaVersion": True},
            "python": {"packageName": "prime_pulumi_native", "respectSchemaVersion": True},
            "go": {"respectSchemaVersion": True, "generateResourceContainerTypes": True},
            "csharp": {"rootNamespace": "PrimePulumi", "respectSchemaVersion": True},
        },
        "config": {"variables": config},
        "provider": {
            "description": "The Prime Intellect provider: an API key, and the API it talks to.",
            "inputProperties": config,
        },
        "resources": {token(kind): resource(kind) for kind in KINDS},
        "functions": {f"{PACKAGE}:index:{f.name}": function_spec(f) for f in FUNCTIONS},
        "types": {
            **{record_type(f): record(f) for f in FUNCTIONS if f.listed_under},
            **output_types(),
        },
    }


def rendered() -> str:
    """The schema as ``schema.json`` holds it."""
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def main() -> int:
    """Writes ``schema.json`` anew from the models."""
    SCHEMA_FILE.write_text(rendered())
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
