"""What the ``Pod`` and ``Disk`` providers share: configure, Check, Diff and one-line errors.

Both validate, name and compare their inputs the same way: :func:`check_inputs`
and :func:`diff_inputs` are their ``check`` and ``diff``, given the
:class:`~prime_pulumi.core.properties.InputRules` of each. Both take the
stack's settings in :meth:`ProviderBase.configure`, into the one runtime of the
provider process, and raise every failure through :func:`shown`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Literal

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ResourceProvider,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN
from pydantic import ValidationError

from prime_pulumi.core.engine_process import show_full_tracebacks
from prime_pulumi.core.error_display import errors_shown
from prime_pulumi.core.properties import CHOSEN_KEY, HIDDEN, URN_KEY, InputRules
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.core.settings import ProviderSettings


class ProviderBase(ResourceProvider):
    """A provider whose instance holds nothing: its state is the process's ``RUNTIME``.

    The instance is pickled into every resource's state, by reference to its
    class: a subclass's import path must never move.
    """

    # The pickled provider holds no secret, so it need not be stored as one.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        """Takes ``prime:apiKey``, ``prime:baseUrl`` and the tunables from the stack config."""
        try:
            with shown("The stack config"):
                RUNTIME.configure(ProviderSettings.from_lookup(req.config.get))
        finally:
            # As the settings say; one line until they say otherwise (a malformed one too).
            show_full_tracebacks(RUNTIME.settings.full_tracebacks)


def shown(
    label: str,
    *,
    outcome: str | Callable[[], str] = "",
    kind: Literal["pod", "disk"] = "pod",
    name: str | None = None,
    id_: str | None = None,
) -> AbstractContextManager[None]:
    """:func:`errors_shown` as the settings say: one line, or the full traceback."""
    return errors_shown(
        label,
        outcome=outcome,
        kind=kind,
        name=name,
        id_=id_,
        full=lambda: RUNTIME.settings.full_tracebacks,
    )


def is_unknown(value: Any) -> bool:
    """Whether a value (or anything inside it) is not known yet, as in a preview."""
    # The servicer hands unknowns over as Unknown objects; the wire form is the UNKNOWN string.
    if isinstance(value, Unknown) or value == UNKNOWN:
        return True
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


def check_inputs(rules: InputRules, news: dict[str, Any]) -> CheckResult:
    """Validates ``news`` with the rules' model: one failure per bad property.

    Values not known yet (a preview) are passed through unchecked; a name is
    generated when none is declared, unless what it hashes is not known yet.
    """
    raw = {k: v for k, v in news.items() if k not in HIDDEN and v is not None}
    unknown = {k for k, v in raw.items() if is_unknown(v)}
    hidden = {URN_KEY: news[URN_KEY]} if URN_KEY in news else {}
    try:
        model = rules.model.model_validate({k: v for k, v in raw.items() if k not in unknown})
    except ValidationError as exc:
        failures: list[CheckFailure] = []
        for error in exc.errors(include_url=False):
            prop = str(error["loc"][0]) if error["loc"] else "inputs"
            if prop not in unknown:
                failures.append(CheckFailure(prop, _failure_reason(rules, dict(error), prop)))
        if failures:
            return CheckResult({**raw, **hidden}, failures)
        # Only values not known yet were missing: a preview; validated again at `up`.
        return CheckResult({"name": UNKNOWN, **raw, **hidden}, [])
    inputs = {**model.model_dump(exclude_none=True), **{k: raw[k] for k in unknown}}
    if "name" not in inputs:
        if any(k in unknown for k in rules.replace):
            inputs["name"] = UNKNOWN
        else:
            inputs["name"] = rules.name_for(inputs)
    return CheckResult({**inputs, **hidden}, [])


def diff_inputs(
    rules: InputRules,
    olds: dict[str, Any],
    news: dict[str, Any],
    *,
    chosen_may_be_declared: bool = False,
) -> DiffResult:
    """Which declared inputs changed, and whether that replaces the resource.

    ``__provider`` and the hidden ``__urn`` are not compared: a change in them
    alone, or their absence from an older stack's state, is no change. What a
    create took from the offer it chose was never declared: the marketplace
    moving is no change either. With ``chosen_may_be_declared``, neither is
    declaring what was chosen (a disk's data must not go for a word in the program);
    otherwise a declared constraint counts as a change, as it does for pods.
    """
    chosen = olds.get(CHOSEN_KEY) or []

    def changed(key: str) -> bool:
        new = news.get(key)
        if is_unknown(new):
            return True
        if key in chosen:
            if new is None:
                return False  # left open, as when the create chose it
            return not chosen_may_be_declared or new != olds.get(key)
        return olds.get(key) != new

    replaces = [k for k in rules.replace if changed(k)]
    updates = [k for k in rules.update if changed(k)]
    # A replacement under the same name would find the old one by name; delete it first.
    same_name = not is_unknown(news.get("name")) and olds.get("name") == news.get("name")
    return DiffResult(
        changes=bool(replaces or updates),
        replaces=replaces,
        stables=[k for k in rules.names if k not in replaces and k not in updates],
        delete_before_replace=bool(replaces) and same_name,
    )
