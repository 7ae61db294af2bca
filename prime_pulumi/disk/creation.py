"""Creating and deleting a disk, all or nothing, as pods are (``creation.py``).

A create finds the disk an interrupted run made (by name) or posts one, once;
a create whose answer was lost is looked up by name, never posted again. It
returns only an ACTIVE disk: a disk that will not become ACTIVE is deleted
before the error is raised, so nothing bills untracked. A disk that leaves its
place open is made from the cheapest in-stock disk offer that matches what it
declares and can hold its size; an offer refused as unavailable (409) makes no
disk, so the next is tried.

A delete waits until the disk is gone. The API does not say whether a disk a
pod still uses can be deleted (the emulator answers 409): while the pods that
use it are on their way out, the delete is tried again; a live pod that uses it
ends the delete with an error that names the pod.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NoReturn

from prime_pulumi.client import (
    ConflictError,
    CreateOutcomeUnknownError,
    DiskDetails,
    NotFoundError,
    PodState,
    PrimeClient,
    PrimeError,
)
from prime_pulumi.core.adoption import GOING_AWAY
from prime_pulumi.core.creation import NOTHING_CREATED, CreationBase
from prime_pulumi.core.kind import Kind
from prime_pulumi.core.progress import RowProgress
from prime_pulumi.core.runtime import ProviderRuntime
from prime_pulumi.core.waits import NotReadyError
from prime_pulumi.disk.adoption import look_up_disk
from prime_pulumi.disk.errors import DiskCleanupError, DiskError, DiskProvisioningError
from prime_pulumi.disk.inputs import DiskInputs
from prime_pulumi.disk.offers import (
    DiskOffer,
    DiskOfferQuery,
    describe_disk_offer,
    search_disk_offers,
)
from prime_pulumi.disk.waits import wait_until_disk_active, wait_until_disk_gone

logger = logging.getLogger("prime_pulumi.disk_creation")

__all__ = ["NOTHING_CREATED", "DiskCreation", "delete_disk_and_wait"]

#: How many matching disk offers a create posts to, at most, when each is refused.
MAX_DISK_OFFERS_TRIED = 5
#: How long a delete waits for a pod that uses the disk, and is not being deleted, to go.
IN_USE_GRACE_SECONDS = 10.0


class DiskCreation(CreationBase[DiskInputs, DiskDetails]):
    """One create of a disk: the declared disk, its name, and the process's shared state."""

    def __init__(
        self,
        kind: Kind,
        runtime: ProviderRuntime,
        client: PrimeClient,
        spec: DiskInputs,
        *,
        name: str,
        progress: RowProgress,
    ) -> None:
        super().__init__(kind, runtime, client, spec, name=name, progress=progress)
        #: The disk offer the disk was posted to, when the create chose one.
        self.chosen: DiskOffer | None = None

    def delete_and_wait(self, resource_id: str) -> None:
        delete_disk_and_wait(self.runtime, self.client, resource_id, self.progress)

    def cleanup_error(self, message: str, resource_id: str) -> PrimeError:
        return DiskCleanupError(message, disk_id=resource_id, disk_name=self.name)

    def provisioning_error(self, message: str, resource_id: str) -> PrimeError:
        return DiskProvisioningError(
            message, disk_id=resource_id, disk_name=self.name, state=PodState.ERROR
        )

    def run(self) -> DiskDetails:
        """The ACTIVE disk, created or adopted; raises one of our errors, leaving nothing."""
        disk = self._find_or_post()
        self.known = disk.id
        try:
            active = wait_until_disk_active(
                self.client,
                disk.id,
                timeout=self.spec.ready_timeout,
                poller=self.runtime.poller(cancellable=True),
                progress=self.progress,
            )
        except NotReadyError as failure:
            self._give_up(disk, failure, cause=failure)
        except Exception as error:  # anything at all: the disk must not be left behind
            unexpected = NotReadyError("unknown", f"{type(error).__name__}: {error}")
            self._give_up(disk, unexpected, cause=error)
        self.progress("ready: ACTIVE")
        return active

    # ------------------------------------------------------------ finding or posting

    def _find_or_post(self) -> DiskDetails:
        """The disk called ``name`` if an earlier interrupted run made it, else a new one."""
        found = look_up_disk(self.client.find_disks_by_name(self.name), self.spec, self.name)
        self.delete_failed([disk.id for disk in found.failed])
        if found.adopt is not None:
            logger.info("adopting disk %s (%s), left by an earlier run", found.adopt.id, self.name)
            self.progress(f"adopting disk {found.adopt.id}, made by an earlier run")
            return found.adopt
        return self._post()

    def _post(self) -> DiskDetails:
        """Posts the disk as declared, or to the matching disk offers in turn (see module)."""
        refused: list[str] = []
        for offer in self._offers_to_try():
            spec = self.spec if offer is None else self.spec.with_offer(offer)
            if offer is not None:
                self.progress(f"chose disk offer {describe_disk_offer(offer, self.spec.size)}")
            self.chosen = offer
            try:
                return self.client.create_disk(spec.to_create_request(self.name))
            except ConflictError as unavailable:
                if offer is None:
                    raise
                refused.append(f"{describe_disk_offer(offer)}: {unavailable.detail}")
                logger.info("disk offer refused (%s)", unavailable.detail)
            except CreateOutcomeUnknownError as lost:
                self.known = "id unknown" if lost.request_sent else None
                self.progress("the answer to the create was lost; looking for the disk by name")
                return self.await_lost_create(
                    lost,
                    lambda: self.client.find_disks_by_name(self.name),
                    lambda named: look_up_disk(named, self.spec, self.name),
                )
        self.chosen = None
        raise DiskError(
            f"Disk {self.name!r}: no matching disk offer could be had; tried {len(refused)}: "
            f"{'; '.join(refused)}. {NOTHING_CREATED}",
            disk_name=self.name,
            disk_id=None,
        )

    def _offers_to_try(self) -> list[DiskOffer | None]:
        """``[None]`` for a disk that says where it goes; else the matching offers, cheapest
        first. Raises :class:`DiskError` when none matches."""
        spec = self.spec
        if spec.placed:
            return [None]
        query = DiskOfferQuery(
            regions=tuple(spec.regions or ()),
            data_center_id=spec.data_center_id,
            cloud_id=spec.cloud_id,
            country=spec.country,
            provider_types=(spec.provider_type,) if spec.provider_type else (),
            min_size=spec.size,
        )
        offers = [o for o in search_disk_offers(self.client, query) if o.holds(spec.size)]
        if not offers:
            raise DiskError(
                f"Disk {self.name!r}: no in-stock disk offer {_wanted(spec)} can hold "
                f"{spec.size} GB (see get_disk_offers). Nothing was posted.",
                disk_name=self.name,
                disk_id=None,
            )
        return list(offers[:MAX_DISK_OFFERS_TRIED])

    def _give_up(
        self, disk: DiskDetails, failure: NotReadyError, *, cause: BaseException
    ) -> NoReturn:
        """Deletes a disk that will not become ACTIVE, then raises."""
        where = (
            f"Disk {self.name!r} ({disk.id}) did not become ACTIVE: {failure.reason}; "
            f"it reached {failure.state}."
        )
        self.delete_or_report(disk.id, where)
        raise DiskProvisioningError(
            f"{where} It was deleted, so nothing is left billing.",
            disk_id=disk.id,
            disk_name=self.name,
            state=failure.state,
        ) from cause


def _wanted(spec: DiskInputs) -> str:
    """What a disk asks of its offer, in words: ``of runpod in regions canada``."""
    parts = [
        f"{label} {value}"
        for label, value in (
            ("of", spec.provider_type),
            ("in regions", ", ".join(spec.regions or ()) or None),
            ("in data center", spec.data_center_id),
            ("in country", spec.country),
            ("with cloud_id", spec.cloud_id),
        )
        if value
    ]
    return " ".join(parts) or "anywhere"


def delete_disk_and_wait(
    runtime: ProviderRuntime,
    client: PrimeClient,
    disk_id: str,
    progress: Callable[[str], None],
) -> None:
    """Deletes a disk (already gone counts as done) and waits until it is really gone.

    A delete refused because pods use the disk (409) is tried again while those
    pods are on their way out, within one ``prime:deleteTimeoutSeconds`` for the
    whole delete. A pod that still uses it and is not being deleted is given
    :data:`IN_USE_GRACE_SECONDS` (its own delete may be starting: ``destroy`` runs
    deletes that do not depend on each other at once); then the delete ends with a
    :class:`DiskCleanupError` that names the pod.
    """
    settings = runtime.settings
    poller = runtime.poller()
    deadline = poller.clock() + settings.delete_timeout
    in_use_since: float | None = None
    progress("deleting")
    while True:
        try:
            client.delete_disk(disk_id, missing_ok=True)
            break
        except ConflictError as in_use:
            users = _live_users(client, disk_id)
            now = poller.clock()
            in_use_since = (in_use_since or now) if users else None
            grace_over = in_use_since is not None and now - in_use_since >= IN_USE_GRACE_SECONDS
            progress("deleting; waiting for the pods that use it to be gone")
            if grace_over or not poller.wait(deadline):
                raise _not_deleted(disk_id, users, in_use, settings.delete_timeout) from in_use
    remaining = max(deadline - poller.clock(), 0.0)
    gone_poller = runtime.poller(cancellable=True)
    wait_until_disk_gone(client, disk_id, timeout=remaining, poller=gone_poller, progress=progress)


def _not_deleted(
    disk_id: str, users: list[str], in_use: ConflictError, timeout: float
) -> DiskCleanupError:
    """Why a disk the API would not delete is still there, naming a pod that holds it."""
    if users:
        return DiskCleanupError(
            f"disk {disk_id} is still attached to pod {', '.join(users)}, which is not being "
            f"deleted ({in_use.detail}): delete or replace that pod first; the disk was left "
            "as it is and still bills",
            disk_id=disk_id,
        )
    return DiskCleanupError(
        f"disk {disk_id} could not be deleted within {timeout:g} seconds ({in_use.detail}); "
        "it still bills: delete it by hand",
        disk_id=disk_id,
    )


def _live_users(client: PrimeClient, disk_id: str) -> list[str]:
    """The pods that use the disk and are not on their way out (a read that fails: none)."""
    try:
        pod_ids = client.get_disk(disk_id).pods
    except PrimeError:
        return []
    live = []
    for pod_id in pod_ids:
        try:
            pod = client.get_pod(pod_id)
        except NotFoundError:
            continue
        except PrimeError:
            continue  # unknown for now: the next round asks again
        if pod.status not in GOING_AWAY:
            live.append(pod_id)
    return live
