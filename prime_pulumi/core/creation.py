"""What every kind's create shares: what it knows, and how it cleans up.

A create is all or nothing (``pod/creation.py``, ``disk/creation.py``): a failure says
what it leaves behind, and something of ours that must not bill is deleted, or
the error says that it may bill and gives its id.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from prime_pulumi.client import CreateOutcomeUnknownError, PrimeClient, PrimeError
from prime_pulumi.core.adoption import Named, NamedT, NameLookup
from prime_pulumi.core.progress import RowProgress
from prime_pulumi.core.properties import a_spoken, spoken
from prime_pulumi.core.runtime import ProviderRuntime

if TYPE_CHECKING:
    from prime_pulumi.core.kind import Kind

logger = logging.getLogger("prime_pulumi.creation")

NOTHING_CREATED = "Nothing was created, so nothing is left billing."

SpecT = TypeVar("SpecT")
MadeT = TypeVar("MadeT", bound=Named)


class CreationBase(ABC, Generic[SpecT, MadeT]):
    """One create: the declared resource, its name, and the process's shared state."""

    def __init__(
        self,
        kind: Kind,
        runtime: ProviderRuntime,
        client: PrimeClient,
        spec: SpecT,
        *,
        name: str,
        progress: RowProgress,
    ) -> None:
        #: What is being created, as messages name it (``kind.noun``: ``"Pod"``).
        self.kind = kind
        self.runtime = runtime
        self.client = client
        self.spec = spec
        self.name = name
        #: Where the resource is, for its row in the CLI (and what outlives it, in Diagnostics).
        self.progress = progress
        #: The id of what this create made or found, once it may exist ("id unknown" if lost).
        self.known: str | None = None
        #: The offer the resource was posted to, when the create chose one (the kind's own).
        self.chosen: Any = None

    @abstractmethod
    def run(self) -> MadeT:
        """What was made (or adopted), once ready; raises one of our errors, leaving nothing."""

    def left_behind(self) -> str:
        """What a failure of this create leaves, in words for its error."""
        if self.known is None:
            return NOTHING_CREATED
        may = "may exist and bill" if self.kind.bills else "may exist"
        return (
            f"{self.kind.noun} {self.name!r} ({self.known}) {may}: run the operation again "
            f"({a_spoken(self.kind.noun)} of that name is adopted, not made twice), or delete "
            "it by hand."
        )

    @abstractmethod
    def delete_and_wait(self, resource_id: str) -> None:
        """Deletes what ``resource_id`` names and waits until it is gone."""

    @abstractmethod
    def cleanup_error(self, message: str, resource_id: str) -> PrimeError:
        """The error that says ``resource_id`` could not be deleted and may bill."""

    @abstractmethod
    def provisioning_error(self, message: str, resource_id: str) -> PrimeError:
        """The error that says ``resource_id`` reached ERROR and was deleted."""

    def await_lost_create(
        self,
        lost: CreateOutcomeUnknownError,
        list_named: Callable[[], list[NamedT]],
        judge: Callable[[list[NamedT]], NameLookup[NamedT]],
    ) -> NamedT:
        """Looks for what a create whose answer was lost made, by name, for a while (the
        server may be slow): ``list_named`` lists what has the name now, ``judge`` says
        which is ours (and raises when the name is someone else's).

        Ones of ours found in ERROR are deleted; nothing found is a
        :class:`CreateOutcomeUnknownError`, never a second post.
        """
        settle = self.runtime.settings.create_settle
        poller = self.runtime.poller()
        deadline = poller.clock() + settle
        deleted: list[str] = []
        endings: dict[str, str] = {}  # what each failed one said, read before its deletion
        noun = spoken(self.kind.noun)
        while lost.request_sent and poller.wait(deadline):
            try:
                named = list_named()
            except PrimeError:
                continue  # no news this round
            found = judge(named)
            failed = [item.id for item in found.failed]
            endings.update((one, self.explain_failed(one)) for one in failed)
            self.delete_failed(failed)
            deleted.extend(failed)
            if found.adopt is not None:
                logger.info(
                    "found %s %s (%s), whose create answer was lost",
                    noun,
                    found.adopt.id,
                    self.name,
                )
                return found.adopt
        if deleted:
            why = endings.get(deleted[-1], "")
            raise self.provisioning_error(
                f"{self.kind.noun} {self.name!r} ({deleted[-1]}) did not become "
                f"{self.kind.ready}: its create answer was lost, and the {noun} of that name "
                f"had reached ERROR by the time it was found.{' ' + why if why else ''} It was "
                "deleted, so nothing is left billing.",
                deleted[-1],
            ) from lost
        raise CreateOutcomeUnknownError(
            f"{self.kind.noun} {self.name!r}: {lost}. No {noun} of that name appeared within "
            f"{settle:g} seconds. Run the operation again: {a_spoken(self.kind.noun)} of that "
            "name that appears later is adopted, not made twice",
            name=self.name,
            resource=spoken(self.kind.noun),
            request_sent=lost.request_sent,
        ) from lost

    def explain_failed(self, resource_id: str) -> str:
        """Why one of ours that failed did, read before its deletion leaves nothing to read:
        a sentence for the error (a pod quotes its log), or empty."""
        return ""

    def delete_failed(self, failed_ids: list[str]) -> None:
        """Deletes earlier ones of ours that failed (ERROR): never adopted, they would bill
        with nobody tracking them."""
        noun = spoken(self.kind.noun)
        for failed in failed_ids:
            logger.info("deleting %s %s (%s): one of ours, in ERROR", noun, failed, self.name)
            self.delete_or_report(
                failed,
                f"{self.kind.noun} {self.name!r}: an earlier {noun} of this name ({failed}) "
                "reached ERROR, so nothing was created.",
            )

    def delete_or_report(self, resource_id: str, where: str) -> None:
        """Deletes and waits until it is gone; else raises, saying what may bill."""
        try:
            self.delete_and_wait(resource_id)
        except Exception as cleanup:  # whatever it was, the user must learn it may bill
            raise self.cleanup_error(
                f"{where} Deleting it failed too ({cleanup}): it may still "
                f"{'bill' if self.kind.bills else 'exist'}; delete "
                f"{spoken(self.kind.noun)} {resource_id} by hand.",
                resource_id,
            ) from cleanup
