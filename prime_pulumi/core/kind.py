"""What a resource kind is, and the operations every face serves it by.

A :class:`Kind` says what the shared machinery needs of a kind: its noun, its
input rules, its error, what "ready" means. :class:`KindOperations` is the
kind's check, diff, create, read, update and delete: they take and return
plain values (:class:`~.checks.Checked`, :class:`~.checks.Changes`,
:class:`Live`) and raise our errors, one line each, naming the resource.
A face (``prime_pulumi.dynamic``) only translates them for Pulumi.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import BaseModel

from prime_pulumi.client import PrimeClient
from prime_pulumi.core.adoption import Named
from prime_pulumi.core.checks import Changes, Checked, check_inputs, diff_inputs
from prime_pulumi.core.creation import NOTHING_CREATED, CreationBase
from prime_pulumi.core.error_display import errors_shown
from prime_pulumi.core.errors import ResourceError
from prime_pulumi.core.progress import RowProgress
from prime_pulumi.core.properties import (
    CHOSEN_KEY,
    PROVIDER_KEY,
    URN_KEY,
    InputRules,
    hidden_of,
    urn_of,
)
from prime_pulumi.core.runtime import RUNTIME

logger = logging.getLogger("prime_pulumi.kind")

SpecT = TypeVar("SpecT", bound=BaseModel)
MadeT = TypeVar("MadeT", bound=Named)


@dataclass(frozen=True)
class Kind:
    """One kind of resource, as the shared machinery sees it."""

    #: Its inputs: who declares what, and what a change does.
    rules: InputRules
    #: What it reports besides its inputs, one field each.
    outputs: type[BaseModel]
    #: Its error, about one resource: ``error(message, name, id)``.
    error: Callable[[str, str | None, str | None], ResourceError]
    #: What it becomes when a create succeeds, in messages: ``"ready"``, ``"ACTIVE"``.
    ready: str
    #: The inputs a create takes from the offer it chooses when they are left open.
    offer_fills: tuple[str, ...] = ()
    #: Whether one costs money while it exists: a failure's message then says what may
    #: bill (an SSH key bills nothing; it may only be left on the account).
    bills: bool = True

    @property
    def noun(self) -> str:
        """How messages name it: ``"Pod"``."""
        return self.rules.kind


@dataclass(frozen=True)
class Live:
    """A resource as create or read found it: its id, and its properties for state."""

    id: str
    outputs: dict[str, Any]


class KindOperations(ABC, Generic[SpecT, MadeT]):
    """A kind's operations; each failure is one line that names the resource.

    Check, diff and update (of what changes only in state) are the same for every
    kind, from its rules; so is create, all or nothing, given the kind's own
    creation (:meth:`creation`) and its properties in state (:meth:`properties`); what
    it took from an offer (:meth:`chosen`) comes from the kind's ``offer_fills``. Read
    and delete are the kind's own.
    """

    kind: ClassVar[Kind]

    def shown(
        self,
        label: str,
        *,
        outcome: str | Callable[[], str] = "",
        name: str | None = None,
        id_: str | None = None,
    ) -> AbstractContextManager[None]:
        """Failures inside as one line led by ``label``, as the settings say."""
        return errors_shown(
            label,
            lambda message: self.kind.error(message, name, id_),
            outcome=outcome,
            full=lambda: RUNTIME.settings.full_tracebacks,
        )

    def shown_for(
        self, id_: str, props: dict[str, Any], outcome: str
    ) -> AbstractContextManager[None]:
        """:meth:`shown` for an operation on the resource ``id_``, labelled with its name."""
        name = props.get("name") if isinstance(props.get("name"), str) else None
        noun = self.kind.noun
        label = f"{noun} {name!r} ({id_})" if name else f"{noun} {id_}"
        return self.shown(label, outcome=outcome, name=name, id_=id_)

    def check(
        self,
        olds: dict[str, Any],
        news: dict[str, Any],
        *,
        urn: str | None = None,
        named: Callable[[str], str] = str,
    ) -> Checked:
        """Validates the inputs with the kind's model; one failure per bad property.

        With no API key anywhere, it fails: ``pulumi preview`` then stops before
        anything is created, with one line that says where to set the key. Each
        warning (a value the API does not list) goes to the Diagnostics of the
        resource ``urn`` (default: the hidden input's), in the face's words (``named``).
        """
        with self.shown(self.kind.noun, outcome="Nothing was created."):
            RUNTIME.settings.require_api_key()
            checked = check_inputs(self.kind.rules, news)
        if checked.warnings:
            row = RUNTIME.progress(urn or urn_of(news))
            for warning in checked.warnings:
                row.diagnose(named(warning.reason))
        return checked

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Changes:
        """Which declared inputs changed, and whether that replaces the resource."""
        with self.shown_for(id_, olds, "Nothing was changed."):
            return self.changes(olds, news)

    def changes(self, olds: dict[str, Any], news: dict[str, Any]) -> Changes:
        """What :meth:`diff` answers; a kind may refine it."""
        return diff_inputs(self.kind.rules, olds, news)

    def kept(self, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """The properties after an update: every output kept, the in-place inputs taken."""
        outs = {k: v for k, v in olds.items() if k != PROVIDER_KEY}
        outs.update({k: news[k] for k in (*self.kind.rules.update, URN_KEY) if k in news})
        return outs

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Changes in place what can be; by default only what never reaches the API."""
        with self.shown_for(id_, olds, "Nothing was changed."):
            return self.kept(olds, news)

    def create(self, props: dict[str, Any]) -> Live:
        """Creates (or adopts) the resource and returns once it is ready; all or nothing."""
        rules, noun = self.kind.rules, self.kind.noun
        inputs = rules.inputs_of(props)
        name = inputs.get("name") or noun.lower()
        creation: CreationBase[SpecT, MadeT] | None = None

        def left_behind() -> str:
            return creation.left_behind() if creation is not None else NOTHING_CREATED

        with self.shown(f"{noun} {name!r}", outcome=left_behind, name=name):
            spec = cast("SpecT", rules.model.model_validate(inputs))
            name = getattr(spec, "name", None) or rules.name_for(inputs)
            progress = RUNTIME.progress(urn_of(props))
            try:
                with RUNTIME.lease() as client:
                    creation = self.creation(client, spec, name, progress)
                    made = creation.run()
                chosen = self.chosen(spec, creation, made)
                outputs = self.properties(made, {**inputs, **chosen, "name": name})
            finally:
                progress.settle()
        hidden = {**hidden_of(props), CHOSEN_KEY: sorted(chosen)} if chosen else hidden_of(props)
        return Live(made.id, {**outputs, **hidden})

    def preview(self, props: dict[str, Any]) -> None:
        """Shows in the resource's row what a create would do today (:meth:`plan`).

        A preview must never fail for it: whatever goes wrong is only logged.
        """
        try:
            plan = self.plan(self.kind.rules.inputs_of(props))
        except Exception:
            logger.debug("no plan to show for the preview", exc_info=True)
            return
        if plan:
            progress = RUNTIME.progress(urn_of(props))
            progress(plan)
            progress.settle()

    def plan(self, inputs: dict[str, Any]) -> str | None:
        """What a create would do today, in a few words; ``None``: nothing worth showing."""
        return None

    @abstractmethod
    def creation(
        self, client: PrimeClient, spec: SpecT, name: str, progress: RowProgress
    ) -> CreationBase[SpecT, MadeT]:
        """One create of the resource ``spec`` declares, under ``name``; ``progress`` is its
        row (and its Diagnostics, for what must stay once the create is over)."""

    def chosen(
        self, spec: SpecT, creation: CreationBase[SpecT, MadeT], made: MadeT
    ) -> dict[str, Any]:
        """What the create took from the offer it chose, where the inputs left it open.

        One adopted by name (an interrupted run made it) came from an offer this
        create never saw: only what the resource itself reports is known.
        """
        source: Any = creation.chosen if creation.chosen is not None else made
        taken = {
            key: getattr(source, key, None)
            for key in self.kind.offer_fills
            if getattr(spec, key) is None
        }
        return {k: v for k, v in taken.items() if v is not None}

    @abstractmethod
    def properties(self, made: MadeT, inputs: dict[str, Any]) -> dict[str, Any]:
        """The resource's properties in state: its inputs, then what the API reports."""

    @abstractmethod
    def read(self, id_: str, props: dict[str, Any]) -> Live | None:
        """The live resource; ``None`` when it is gone or going."""

    @abstractmethod
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the resource and waits until it is gone; one already gone is done."""


#: Any kind's operations, for the faces that serve every kind alike.
AnyKind = KindOperations[Any, Any]
