"""Check and Diff of any kind, from its :class:`~.properties.InputRules`, as plain values.

Both faces call these through a kind's operations: :func:`check_inputs`
validates once with the kind's model (one failure per bad property), names
the resource, and warns of a value the API's document does not list (the
inputs marked ``Known``); :func:`diff_inputs` says which declared inputs changed and whether
that replaces it. A value not known yet (a preview) is Pulumi's wire sentinel
:data:`UNKNOWN`: a face hands unknowns over in that form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from prime_pulumi.client.enums import closest, is_known
from prime_pulumi.core.properties import CHOSEN_KEY, HIDDEN, URN_KEY, InputRules

#: How Pulumi's protocol spells a value that is not known yet (a preview).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass(frozen=True)
class Failure:
    """One bad input: the property, and why, without its value when it is secret."""

    property: str
    reason: str


@dataclass(frozen=True)
class Checked:
    """What Check answers: the inputs to go on with, or the failures that stop them;
    and warnings, which stop nothing."""

    inputs: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class Changes:
    """What Diff answers: whether anything changed, and what that does to the resource."""

    changes: bool
    replaces: list[str]
    stables: list[str]
    delete_before_replace: bool


def is_unknown(value: Any) -> bool:
    """Whether a value (or anything inside it) is not known yet, as in a preview."""
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return False


def _failure_reason(rules: InputRules, error: dict[str, Any], prop: str) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"{prop} is required"
    if kind == "extra_forbidden":
        return f"{prop} is not an input of {rules.kind}; the inputs are: {', '.join(rules.user)}"
    message = str(error["msg"])
    if prop in rules.secret:
        return f"{prop}: {message}"
    return f"{prop}: {message} (got {error['input']!r})"


def not_listed(rules: InputRules, raw: dict[str, Any]) -> list[Failure]:
    """A warning for each value of a ``Known`` input that the API's document does not list,
    naming the closest that it does. Nothing is refused: a newer API may know the value."""
    warnings: list[Failure] = []
    for prop, values in rules.known:
        value = raw.get(prop)
        declared = value if isinstance(value, list) else [value]
        for item in (v.strip() for v in declared if isinstance(v, str) and not is_unknown(v)):
            if item and prop not in rules.secret and not is_known(item, values):
                warnings.append(
                    Failure(
                        prop,
                        f"{prop} {item!r} is not a value the API lists; the closest is "
                        f"{closest(item, values)!r}. It is kept as declared, in case a newer "
                        "API knows it.",
                    )
                )
    return warnings


def check_inputs(rules: InputRules, news: dict[str, Any]) -> Checked:
    """Validates ``news`` with the rules' model: one failure per bad property.

    Values not known yet (a preview) are passed through unchecked; a name is
    generated when none is declared, unless what it hashes is not known yet.
    A value the API does not list is a warning (:func:`not_listed`), never a failure.
    """
    raw = {k: v for k, v in news.items() if k not in HIDDEN and v is not None}
    unknown = {k for k, v in raw.items() if is_unknown(v)}
    hidden = {URN_KEY: news[URN_KEY]} if URN_KEY in news else {}
    warnings = not_listed(rules, raw)
    try:
        model = rules.model.model_validate({k: v for k, v in raw.items() if k not in unknown})
    except ValidationError as exc:
        failures: list[Failure] = []
        for error in exc.errors(include_url=False):
            prop = str(error["loc"][0]) if error["loc"] else "inputs"
            if prop not in unknown:
                failures.append(Failure(prop, _failure_reason(rules, dict(error), prop)))
        if failures:
            return Checked({**raw, **hidden}, failures, warnings)
        # Only values not known yet were missing: a preview; validated again at `up`.
        return Checked({"name": UNKNOWN, **raw, **hidden}, warnings=warnings)
    inputs = {**model.model_dump(exclude_none=True), **{k: raw[k] for k in unknown}}
    if "name" not in inputs:
        if any(k in unknown for k in rules.replace):
            inputs["name"] = UNKNOWN
        else:
            inputs["name"] = rules.name_for(inputs)
    return Checked({**inputs, **hidden}, warnings=warnings)


def diff_inputs(rules: InputRules, olds: dict[str, Any], news: dict[str, Any]) -> Changes:
    """Which declared inputs changed, and whether that replaces the resource.

    ``__provider`` and the hidden ``__urn`` are not compared: a change in them
    alone, or their absence from an older stack's state, is no change. What a
    create took from the offer it chose was never declared: the marketplace
    moving is no change, and neither is declaring later what was chosen, as it
    was chosen (``pulumi import`` writes it so; a disk's data must not go for a
    word in the program). Declaring another value is a change.
    """
    chosen = olds.get(CHOSEN_KEY) or []

    def changed(key: str) -> bool:
        new = news.get(key)
        if is_unknown(new):
            return True
        if key in chosen and new is None:
            return False  # left open, as when the create chose it
        return olds.get(key) != new

    replaces = [k for k in rules.replace if changed(k)]
    updates = [k for k in rules.update if changed(k)]
    # A replacement under the same name would find the old one by name; delete it first.
    same_name = not is_unknown(news.get("name")) and olds.get("name") == news.get("name")
    return Changes(
        changes=bool(replaces or updates),
        replaces=replaces,
        stables=[k for k in rules.names if k not in replaces and k not in updates],
        delete_before_replace=bool(replaces) and same_name,
    )
