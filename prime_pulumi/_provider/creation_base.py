"""What a pod's create and a disk's create share: what they know, and how they clean up.

Both are all or nothing (``creation.py``, ``disk_creation.py``): a failure says
what it leaves behind, and something of ours that must not bill is deleted, or
the error says that it may bill and gives its id.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from prime_pulumi._provider.runtime import ProviderRuntime
from prime_pulumi.client import PrimeClient, PrimeError

logger = logging.getLogger("prime_pulumi.creation")

NOTHING_CREATED = "Nothing was created, so nothing is left billing."

SpecT = TypeVar("SpecT")


class CreationBase(ABC, Generic[SpecT]):
    """One create: the declared resource, its name, and the process's shared state."""

    #: The resource, as messages name it: ``"Pod"`` or ``"Disk"``.
    kind: ClassVar[str]

    def __init__(
        self,
        runtime: ProviderRuntime,
        client: PrimeClient,
        spec: SpecT,
        name: str,
        progress: Callable[[str], None],
    ) -> None:
        self.runtime = runtime
        self.client = client
        self.spec = spec
        self.name = name
        #: Where the resource is, for its row in the CLI.
        self.progress = progress
        #: The id of what this create made or found, once it may exist ("id unknown" if lost).
        self.known: str | None = None

    def left_behind(self) -> str:
        """What a failure of this create leaves, in words for its error."""
        if self.known is None:
            return NOTHING_CREATED
        noun = self.kind.lower()
        return (
            f"{self.kind} {self.name!r} ({self.known}) may exist and bill: run the operation "
            f"again (a {noun} of that name is adopted, not made twice), or delete it by hand."
        )

    @abstractmethod
    def delete_and_wait(self, resource_id: str) -> None:
        """Deletes what ``resource_id`` names and waits until it is gone."""

    @abstractmethod
    def cleanup_error(self, message: str, resource_id: str) -> PrimeError:
        """The error that says ``resource_id`` could not be deleted and may bill."""

    def delete_failed(self, failed_ids: list[str]) -> None:
        """Deletes earlier ones of ours that failed (ERROR): never adopted, they would bill
        with nobody tracking them."""
        noun = self.kind.lower()
        for failed in failed_ids:
            logger.info("deleting %s %s (%s): one of ours, in ERROR", noun, failed, self.name)
            self.delete_or_report(
                failed,
                f"{self.kind} {self.name!r}: an earlier {noun} of this name ({failed}) reached "
                "ERROR, so nothing was created.",
            )

    def delete_or_report(self, resource_id: str, where: str) -> None:
        """Deletes and waits until it is gone; else raises, saying what may bill."""
        try:
            self.delete_and_wait(resource_id)
        except Exception as cleanup:  # whatever it was, the user must learn it may bill
            raise self.cleanup_error(
                f"{where} Deleting it failed too ({cleanup}): it may still bill; delete "
                f"{self.kind.lower()} {resource_id} by hand.",
                resource_id,
            ) from cleanup
