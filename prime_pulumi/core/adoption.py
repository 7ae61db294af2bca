"""Which resources of a name are a create's own: the one place they are judged by name.

A name is how a create finds what an interrupted run, or a create whose answer
was lost, made. Every path applies the same checks, to every kind. One of the
name that matches what is declared (each kind says how: ``pod/adoption.py``,
``disk/adoption.py``) is ours; any other is plainly someone else's. Of ours, a live one
is adopted (the oldest); one in ``ERROR`` is never adopted, but it is ours to
delete, or it would bill with nobody tracking it; one ``DELETING`` or
``TERMINATED`` is on its way out. A name held only by someone else's live one
is taken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from prime_pulumi.client import PodState
from prime_pulumi.core.properties import a_spoken

#: States a resource does not come back from: such a one is never adopted.
GOING_AWAY = frozenset({PodState.DELETING, PodState.TERMINATED, PodState.ERROR})


class Named(Protocol):
    """What judging by name reads of a resource."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def created_at(self) -> datetime | None: ...


NamedT = TypeVar("NamedT", bound=Named)


@dataclass(frozen=True)
class NameLookup(Generic[NamedT]):
    """What a lookup by name found of ours: one to adopt, and failed ones to delete."""

    adopt: NamedT | None
    failed: tuple[NamedT, ...] = ()


@dataclass(frozen=True)
class NameTaken(Generic[NamedT]):
    """Someone else's live one holds the name: it, and how it differs from the declared."""

    holder: NamedT
    differences: list[str]


def judge(
    found: Sequence[NamedT], name: str, mismatches: Callable[[NamedT], list[str]]
) -> NameLookup[NamedT] | NameTaken[NamedT]:
    """Judges the ones called ``name``: the oldest live one of ours, ours that failed.

    When live ones have the name but none is ours, the name is taken.
    """
    named = sorted(
        (item for item in found if item.name == name),
        key=lambda item: (item.created_at is None, item.created_at or 0),
    )
    ours = [item for item in named if not mismatches(item)]
    live = [item for item in ours if item.status not in GOING_AWAY]
    failed = tuple(item for item in ours if item.status == PodState.ERROR)
    if live:
        return NameLookup(live[0], failed)
    theirs = [item for item in named if item.status not in GOING_AWAY and mismatches(item)]
    if theirs:
        return NameTaken(theirs[0], mismatches(theirs[0]))
    return NameLookup(None, failed)


def look_up(
    found: Sequence[NamedT],
    name: str,
    mismatches: Callable[[NamedT], list[str]],
    *,
    noun: str,
    taken: Callable[[str, NamedT], Exception],
) -> NameLookup[NamedT]:
    """Judges the ones called ``name``: the oldest live one of ours to adopt, ours that failed.

    Raises ``taken(message, holder)`` when live ones have the name but none is ours;
    ``noun`` names the kind in that message (``"Pod"``).
    """
    judged = judge(found, name, mismatches)
    if isinstance(judged, NameTaken):
        raise taken(
            f"{noun} {name!r}: {a_spoken(noun)} of that name already exists "
            f"({judged.holder.id}) with {' and '.join(judged.differences)}; it was left alone "
            f"and nothing was created. Give this {noun} another name",
            judged.holder,
        )
    return judged
