"""Property values between Pulumi's protocol and a kind's operations.

The engine sends properties as a protobuf ``Struct`` in the schema's camelCase,
a secret as ``{SIG: SECRET, "value": ...}`` and a value not known yet as the
``UNKNOWN`` sentinel. The operations take snake_case names and plain values
(unknowns stay the sentinel, which they read). Hidden properties (``__urn``,
``__chosen``) keep their names, and an input prime-pulumi sets itself
(``auto_name_seed``) travels hidden too (``__auto_name_seed``): the engine never
shows a property whose name starts with ``__``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from google.protobuf import json_format, struct_pb2

from prime_pulumi.native.names import camel, snake

#: The key that marks a special value in a map, and the mark of a secret (Pulumi's protocol).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (a marker, not a secret)


def _plain(value: Any) -> Any:
    """``value`` with every secret unwrapped (what is secret is known from the schema)."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return _plain(value.get("value"))
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _name_in(key: str, internal: Collection[str]) -> str:
    if key.startswith("__"):
        return key[2:] if key[2:] in internal else key
    return snake(key)


def name_out(key: str, internal: Collection[str] = ()) -> str:
    """A property's name on the wire: camelCase, or hidden (``__``) for an internal input."""
    if key in internal:
        return f"__{key}"
    return key if key.startswith("__") else camel(key)


def from_struct(struct: struct_pb2.Struct, internal: Collection[str] = ()) -> dict[str, Any]:
    """The properties a request carries, as the operations take them (``internal``: the
    inputs prime-pulumi sets itself, hidden on the wire)."""
    raw = json_format.MessageToDict(struct)
    return {_name_in(key, internal): _plain(value) for key, value in raw.items()}


def _camel_keys(value: Any) -> Any:
    """``value`` with the keys of every object in it in camelCase (an object type's properties)."""
    if isinstance(value, dict):
        return {camel(k): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def to_struct(
    props: dict[str, Any],
    secret: Collection[str] = (),
    internal: Collection[str] = (),
    typed: Collection[str] = (),
) -> struct_pb2.Struct:
    """Properties for a response: camelCase, the ``secret`` ones (snake_case names) marked,
    the ``internal`` ones hidden; the objects within the ``typed`` ones (of an object type
    of the schema: a pod's ``nodes``) have camelCase keys too."""
    shown: dict[str, Any] = {}
    for key, value in props.items():
        if value is None:
            continue
        spelled = _camel_keys(value) if key in typed else value
        marked = key in secret
        shown[name_out(key, internal)] = (
            {SIG_KEY: SECRET_SIG, "value": spelled} if marked else spelled
        )
    struct = struct_pb2.Struct()
    struct.update(shown)
    return struct
