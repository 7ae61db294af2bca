"""A disk's operations: check, diff, create, read, update, delete, as plain values.

Every face serves disks through :data:`DISK`; the dynamic provider
(``prime_pulumi.disk_provider.DiskProvider``) only translates. The same provider
process serves disks and pods, with one runtime: one client, one set of
settings, one link to the engine.
"""

from __future__ import annotations

from typing import Any

from prime_pulumi.client import DiskDetails, NotFoundError, PodState, PrimeClient
from prime_pulumi.core.creation import CreationBase
from prime_pulumi.core.kind import Kind, KindOperations, Live
from prime_pulumi.core.progress import RowProgress
from prime_pulumi.core.properties import hidden_of, urn_of
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.disk.creation import DiskCreation, delete_disk_and_wait
from prime_pulumi.disk.errors import disk_error
from prime_pulumi.disk.inputs import DISK_OFFER_FILLS, DISK_RULES, DiskInputs
from prime_pulumi.disk.outputs import DiskOutputs, disk_properties


class DiskOperations(KindOperations[DiskInputs, DiskDetails]):
    """Creates Prime Intellect network disks, waits until they are ACTIVE, renames and
    deletes them."""

    kind = Kind(DISK_RULES, DiskOutputs, disk_error, ready="ACTIVE", offer_fills=DISK_OFFER_FILLS)

    def creation(
        self, client: PrimeClient, spec: DiskInputs, name: str, progress: RowProgress
    ) -> DiskCreation:
        return DiskCreation(self.kind, RUNTIME, client, spec, name=name, progress=progress)

    def chosen(
        self, spec: DiskInputs, creation: CreationBase[DiskInputs, DiskDetails], made: DiskDetails
    ) -> dict[str, Any]:
        """What the create took from the disk offer it chose, where the inputs left it open.

        A disk that says where it goes took nothing.
        """
        return {} if spec.placed else super().chosen(spec, creation, made)

    def properties(self, made: DiskDetails, inputs: dict[str, Any]) -> dict[str, Any]:
        return disk_properties(made, inputs)

    def read(self, id_: str, props: dict[str, Any]) -> Live | None:
        """The live disk; a disk that is gone, ``DELETING`` or ``TERMINATED`` is ``None``.

        Refresh then drops it from the stack, and the next ``up`` makes a new one.
        """
        with (
            self.shown_for(id_, props, "The disk was left as it is."),
            RUNTIME.lease() as client,
        ):
            try:
                disk = client.get_disk(id_)
            except NotFoundError:
                return None
        if disk.status in (PodState.DELETING, PodState.TERMINATED):
            return None
        outputs = disk_properties(disk, DISK_RULES.inputs_of(props))
        return Live(disk.id, {**outputs, **hidden_of(props)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Renames the disk when ``name`` changed; ``ready_timeout`` changes only in state."""
        with self.shown_for(id_, olds, "The disk was left as it is."):
            outs = self.kept(olds, news)
            name = news.get("name")
            if isinstance(name, str) and name != olds.get("name"):
                progress = RUNTIME.progress(urn_of(news) or urn_of(olds))
                try:
                    progress(f"renaming to {name!r}")
                    with RUNTIME.lease() as client:
                        disk = client.rename_disk(id_, name)
                    outs.update(disk_properties(disk, DISK_RULES.inputs_of(outs)))
                    progress(f"renamed to {name!r}")
                finally:
                    progress.settle()
            return outs

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the disk and waits until it is gone; a disk already gone is done."""
        outcome = (
            f"Disk {id_} may still exist and bill: run the operation again, or delete it by hand."
        )
        with self.shown_for(id_, props, outcome), RUNTIME.lease() as client:
            progress = RUNTIME.progress(urn_of(props))
            try:
                delete_disk_and_wait(RUNTIME, client, id_, progress)
            finally:
                progress.settle()


#: The disk kind's operations, served by every face.
DISK = DiskOperations()
