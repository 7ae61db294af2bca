"""The dynamic provider behind ``Disk``: check, diff, create, read, update, delete.

The import path ``prime_pulumi.disk_provider.DiskProvider`` is stored in every
stack's state (the provider is pickled by reference): it must never move. The
same provider process serves it and ``PodProvider``, with one runtime: one
client, one set of settings, one link to the engine.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from prime_pulumi.client import DiskDetails, NotFoundError, PodState
from prime_pulumi.core.properties import CHOSEN_KEY, PROVIDER_KEY, URN_KEY, hidden_of, urn_of
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.disk.creation import (
    NOTHING_CREATED,
    DiskCreation,
    delete_disk_and_wait,
)
from prime_pulumi.disk.inputs import DISK_OFFER_FILLS, DISK_RULES, DiskInputs
from prime_pulumi.disk.offers import DiskOffer
from prime_pulumi.disk.outputs import disk_properties
from prime_pulumi.dynamic.provider import ProviderBase, check_inputs, diff_inputs, shown


class DiskProvider(ProviderBase):
    """Creates Prime Intellect network disks, waits until they are ACTIVE, renames and
    deletes them.

    Failures reach the user in one line naming the disk; the waits show progress
    in the disk's row, as for pods.
    """

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validates the inputs with :class:`DiskInputs`; one failure per bad property."""
        with shown("Disk", outcome="Nothing was created.", kind="disk"):
            RUNTIME.settings.require_api_key()
            return check_inputs(DISK_RULES, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """A new ``name`` renames the disk in place; a new size or place replaces it.

        The API can neither resize nor move a disk. What a create took from the
        disk offer it chose was never declared, so the marketplace moving is no change,
        and neither is declaring later the place it was given.
        """
        with _shown_for(_id, olds, "Nothing was changed."):
            return diff_inputs(DISK_RULES, olds, news, chosen_may_be_declared=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Creates (or adopts) the disk and returns once it is ACTIVE; all or nothing."""
        inputs = DISK_RULES.inputs_of(props)
        name = inputs.get("name") or "disk"
        creation: DiskCreation | None = None

        def left_behind() -> str:
            return creation.left_behind() if creation is not None else NOTHING_CREATED

        with shown(f"Disk {name!r}", outcome=left_behind, kind="disk", name=name):
            spec = DiskInputs.model_validate(inputs)
            name = spec.name or DISK_RULES.name_for(inputs)
            progress = RUNTIME.progress(urn_of(props))
            try:
                with RUNTIME.lease() as client:
                    creation = DiskCreation(RUNTIME, client, spec, name, progress)
                    disk = creation.run()
                chosen = _chosen(spec, creation.chosen, disk)
                outputs = disk_properties(disk, {**inputs, **chosen, "name": name})
            finally:
                progress.settle()
        hidden = {**hidden_of(props), CHOSEN_KEY: sorted(chosen)} if chosen else hidden_of(props)
        return CreateResult(disk.id, {**outputs, **hidden})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live disk; a disk that is gone, ``DELETING`` or ``TERMINATED`` has an empty id.

        Refresh then drops it from the stack, and the next ``up`` makes a new one.
        """
        with (
            _shown_for(id_, props, "The disk was left as it is."),
            RUNTIME.lease() as client,
        ):
            try:
                disk = client.get_disk(id_)
            except NotFoundError:
                return ReadResult("", {})
        if disk.status in (PodState.DELETING, PodState.TERMINATED):
            return ReadResult("", {})
        outputs = disk_properties(disk, DISK_RULES.inputs_of(props))
        return ReadResult(disk.id, {**outputs, **hidden_of(props)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Renames the disk when ``name`` changed; ``ready_timeout`` changes only in state."""
        with _shown_for(id_, olds, "The disk was left as it is."):
            outs = {k: v for k, v in olds.items() if k != PROVIDER_KEY}
            outs.update({k: news[k] for k in (*DISK_RULES.update, URN_KEY) if k in news})
            name = news.get("name")
            if isinstance(name, str) and name != olds.get("name"):
                progress = RUNTIME.progress(urn_of(news) or urn_of(olds))
                try:
                    progress(f"renaming to {name!r}")
                    with RUNTIME.lease() as client:
                        disk = client.rename_disk(id_, name)
                    outs.update(disk_properties(disk, DISK_RULES.inputs_of(outs)))
                finally:
                    progress.settle()
            return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the disk and waits until it is gone; a disk already gone is done."""
        outcome = (
            f"Disk {id_} may still exist and bill: run the operation again, or delete it by hand."
        )
        with _shown_for(id_, props, outcome), RUNTIME.lease() as client:
            progress = RUNTIME.progress(urn_of(props))
            try:
                delete_disk_and_wait(RUNTIME, client, id_, progress)
            finally:
                progress.settle()


def _chosen(spec: DiskInputs, offer: DiskOffer | None, disk: DiskDetails) -> dict[str, Any]:
    """What the create took from the disk offer it chose, where the inputs left it open.

    A disk adopted by name (an interrupted run made it) came from an offer this
    create never saw: only what the disk itself reports is known (its provider).
    A disk that says where it goes took nothing.
    """
    if spec.placed:
        return {}
    source: Any = offer if offer is not None else disk
    taken = {
        key: getattr(source, key, None) for key in DISK_OFFER_FILLS if getattr(spec, key) is None
    }
    return {k: v for k, v in taken.items() if v is not None}


def _shown_for(id_: str, props: dict[str, Any], outcome: str) -> AbstractContextManager[None]:
    """:func:`shown` for an operation on the disk ``id_``, labelled with its name if known."""
    name = props.get("name") if isinstance(props.get("name"), str) else None
    label = f"Disk {name!r} ({id_})" if name else f"Disk {id_}"
    return shown(label, outcome=outcome, kind="disk", name=name, id_=id_)
