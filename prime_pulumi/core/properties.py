"""What every resource of ours shares in its properties: input marks, hidden keys, names.

A resource's inputs are one pydantic model whose fields carry marks
(:class:`Secret`, :class:`InPlace`, :class:`Internal`, :class:`Known`);
:class:`InputRules` derives from those marks which inputs a user may declare,
which replace the resource, which change in place and which are checked against
the values the API lists. ``core/checks.py`` runs Check
and Diff from these rules, for every kind alike.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class Secret:
    """Marks an input that is secret in state and outputs."""


class InPlace:
    """Marks an input that changes in place: the resource is kept."""


class Internal:
    """Marks an input that prime-pulumi sets itself; users never declare or see it."""


class Known:
    """Marks an input whose values the API's document enumerates (``Known(GpuType)``).

    A value outside them is kept, since a newer API may know it, but Check warns
    of it and names the closest known value.
    """

    def __init__(self, values: type[StrEnum]) -> None:
        self.values = values


#: Where the engine carries the pickled provider, in inputs and outputs alike.
PROVIDER_KEY = "__provider"

#: The hidden input that carries the resource's URN, so that progress reaches its row.
#: The engine never displays a property whose name starts with ``__``, and ``diff``
#: never compares it: it changes nothing, on stacks made before it too.
URN_KEY = "__urn"

#: The hidden output that lists the inputs a create took from the offer it chose:
#: they are outputs, never declared, so a change in the marketplace is no change.
CHOSEN_KEY = "__chosen"

#: Properties the engine carries that are not inputs.
HIDDEN = (PROVIDER_KEY, URN_KEY, CHOSEN_KEY)

#: Longest generated name: the resource name is cut to leave room for the suffix.
AUTO_NAME_MAX = 48


def marked(model: type[BaseModel], marker: type) -> tuple[str, ...]:
    """The fields of ``model`` that carry ``marker``, in order."""
    return tuple(
        name
        for name, info in model.model_fields.items()
        if any(isinstance(meta, marker) for meta in info.metadata)
    )


@dataclass(frozen=True)
class InputRules:
    """What the marks of one inputs model say: who declares what, and what a change does.

    ``kind`` names the resource in messages (``"Pod"``); ``name_for`` generates a
    name from the validated inputs when none is declared.
    """

    model: type[BaseModel]
    kind: str
    name_for: Callable[[dict[str, Any]], str]
    names: tuple[str, ...] = field(init=False)
    #: Inputs prime-pulumi sets itself: never declared by users, never listed to them.
    internal: tuple[str, ...] = field(init=False)
    #: What a user may declare: the fields of the resource's args.
    user: tuple[str, ...] = field(init=False)
    #: Inputs that change in place: the resource is kept.
    update: tuple[str, ...] = field(init=False)
    #: Inputs whose change replaces the resource.
    replace: tuple[str, ...] = field(init=False)
    #: Inputs that are secret in state and outputs.
    secret: tuple[str, ...] = field(init=False)
    #: Inputs checked against the values the API lists, each with those values.
    known: tuple[tuple[str, type[StrEnum]], ...] = field(init=False)

    def __post_init__(self) -> None:
        internal = marked(self.model, Internal)
        user = tuple(k for k in self.model.model_fields if k not in internal)
        update = marked(self.model, InPlace)
        object.__setattr__(self, "names", tuple(self.model.model_fields))
        object.__setattr__(self, "internal", internal)
        object.__setattr__(self, "user", user)
        object.__setattr__(self, "update", update)
        object.__setattr__(self, "replace", tuple(k for k in user if k not in update))
        object.__setattr__(self, "secret", marked(self.model, Secret))
        known = (
            (name, meta.values)
            for name, info in self.model.model_fields.items()
            for meta in info.metadata
            if isinstance(meta, Known)
        )
        object.__setattr__(self, "known", tuple(known))

    def inputs_of(self, props: dict[str, Any]) -> dict[str, Any]:
        """The declared inputs among a resource's properties (outputs and hidden ones dropped)."""
        return {k: v for k, v in props.items() if k in self.names and v is not None}


def urn_of(props: dict[str, Any]) -> str | None:
    """The resource's URN, from the hidden input (absent on stacks made before it)."""
    urn = props.get(URN_KEY)
    return urn if isinstance(urn, str) and urn.startswith("urn:pulumi:") else None


def hidden_of(props: dict[str, Any]) -> dict[str, Any]:
    """The hidden properties kept in the outputs: the URN, for a later delete's progress,
    and what the create chose, for diff."""
    urn = urn_of(props)
    hidden: dict[str, Any] = {URN_KEY: urn} if urn else {}
    if isinstance(props.get(CHOSEN_KEY), list):
        hidden[CHOSEN_KEY] = props[CHOSEN_KEY]
    return hidden


def generated_name(seed: str, hashed: dict[str, Any], *, fallback: str) -> str:
    """A name from the resource name and a suffix, as Pulumi auto-names resources.

    ``seed`` is ``org/project/stack/resource``; the suffix is a hash of it and of
    ``hashed`` (the inputs that make the resource what it is): the same when an
    interrupted run is run again, another when the resource is replaced. A
    resource name with no letter or digit is replaced by ``fallback``.
    """
    resource = seed.rsplit("/", 1)[-1]
    base = re.sub(r"[^a-z0-9-]+", "-", resource.lower()).strip("-")[:AUTO_NAME_MAX]
    material = json.dumps({"seed": seed, "inputs": hashed}, sort_keys=True, default=str)
    return f"{base or fallback}-{hashlib.sha256(material.encode()).hexdigest()[:7]}"


#: Words a kind's noun spells as initials: ``SshKey`` is an ``SSH key``.
_INITIALISMS = {"ssh": "SSH"}
#: Letters whose name starts with a vowel sound: ``an SSH key``, ``an HTTP route``.
_VOWEL_SOUNDING_INITIALS = set("AEFHILMNORSX")


def spoken(noun: str) -> str:
    """A kind's noun as a sentence says it: ``Pod`` is ``pod``, ``SshKey`` is ``SSH key``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", noun).lower().split()
    return " ".join(_INITIALISMS.get(word, word) for word in words)


def a_spoken(noun: str) -> str:
    """The noun as a sentence says it, after its article: ``a pod``, ``an SSH key``."""
    said = spoken(noun)
    initials = said.split()[0].isupper()
    vowel = said[0] in _VOWEL_SOUNDING_INITIALS if initials else said[0] in "aeiou"
    return f"{'an' if vowel else 'a'} {said}"


def same_named(source: BaseModel, target: type[BaseModel]) -> dict[str, Any]:
    """The values of ``source`` for each field of ``target`` that it has, by field name.

    An API request model takes what an inputs model states under the same names: a
    new input that the API takes needs no mapping written field by field.
    """
    return {
        name: getattr(source, name)
        for name in target.model_fields
        if name in type(source).model_fields
    }
