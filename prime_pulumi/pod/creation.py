"""Creating a pod, all or nothing: find or post it, wait until it is ready, or clean up.

The engine records a pod only if create returns, so create either returns a
ready pod or leaves nothing billing: a pod that will not become ready is
deleted before the error is raised. A pod that reached ready is never deleted
because a later read failed. Only what the API says of the pod ends a wait
(see :func:`.waits.wait_until_ready`); a blip of the API does not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NoReturn

from prime_pulumi.client import (
    ConflictError,
    CreateOutcomeUnknownError,
    InstallationState,
    NotFoundError,
    PodDetails,
    PodState,
    PodStatus,
    PrimeClient,
    PrimeError,
)
from prime_pulumi.client._retries import is_transient
from prime_pulumi.core.adoption import NameLookup
from prime_pulumi.core.creation import NOTHING_CREATED, CreationBase
from prime_pulumi.core.kind import Kind
from prime_pulumi.core.progress import RowProgress
from prime_pulumi.core.runtime import ProviderRuntime
from prime_pulumi.core.waits import NotReadyError
from prime_pulumi.pod.adoption import look_up
from prime_pulumi.pod.errors import NoOfferError, PodCleanupError, PodError, PodProvisioningError
from prime_pulumi.pod.inputs import PodInputs
from prime_pulumi.pod.listings import listings
from prime_pulumi.pod.logs import FailureLog, masker
from prime_pulumi.pod.offer_choice import offers_to_try
from prime_pulumi.pod.offers import GpuOffer, describe_offer
from prime_pulumi.pod.ready_reads import ready_reads
from prime_pulumi.pod.waits import (
    DirectFeed,
    HubFeed,
    status_poller,
    wait_until_gone,
    wait_until_ready,
)

logger = logging.getLogger("prime_pulumi.creation")

__all__ = ["NOTHING_CREATED", "PodCreation", "delete_and_wait"]


class PodCreation(CreationBase[PodInputs, PodDetails]):
    """One create of a pod: the declared pod, its name, and the process's shared state."""

    def __init__(
        self,
        kind: Kind,
        runtime: ProviderRuntime,
        client: PrimeClient,
        spec: PodInputs,
        *,
        name: str,
        progress: RowProgress,
    ) -> None:
        super().__init__(kind, runtime, client, spec, name=name, progress=progress)
        #: The offer the pod was posted to, when the create chose it (or looked it up).
        self.chosen: GpuOffer | None = None

    def delete_and_wait(self, resource_id: str) -> None:
        delete_and_wait(self.runtime, self.client, resource_id, self.progress)

    def cleanup_error(self, message: str, resource_id: str) -> PrimeError:
        return PodCleanupError(message, pod_id=resource_id, pod_name=self.name)

    def provisioning_error(self, message: str, resource_id: str) -> PrimeError:
        return PodProvisioningError(
            message, pod_id=resource_id, pod_name=self.name, state=PodState.ERROR
        )

    def run(self) -> PodDetails:
        """The ready pod, created or adopted; raises one of our errors, leaving nothing behind."""
        if self.spec.adopt_pod_id:
            pod = self._adopt_by_id(self.spec.adopt_pod_id)
        else:
            pod = self._find_or_post()
        self.known = pod.id
        listings(self.runtime).drop()
        created_here = not self.spec.adopt_pod_id
        settings = self.runtime.settings
        feed = HubFeed(status_poller(self.runtime), pod.id) if settings.shared_polling else None
        try:
            ready = wait_until_ready(
                self.client,
                pod.id,
                timeout=self.spec.ready_timeout,
                install_failure_grace=settings.install_failure_grace,
                feed=feed or DirectFeed(self.client, self.runtime.poller(cancellable=True)),
                progress=self.progress,
            )
        except NotReadyError as failure:
            self._give_up(pod, failure, created_here=created_here, cause=failure)
        except Exception as error:  # anything at all: the pod must not be left behind
            unexpected = NotReadyError("unknown", f"{type(error).__name__}: {error}")
            self._give_up(pod, unexpected, created_here=created_here, cause=error)
        finally:
            if feed is not None:
                feed.close()
        pod = self._read_ready(pod, ready)
        self.progress(_ready_message(pod))
        return pod

    # ------------------------------------------------------------ finding or posting

    def _find_or_post(self) -> PodDetails:
        """The pod called ``name`` if an earlier interrupted run made it, else a new one."""
        if self.runtime.settings.batch_reads:
            found = look_up(
                listings(self.runtime).earlier_pods_named(self.client, self.name),
                self.spec,
                self.name,
            )
            if found.adopt is not None:
                self.known = found.adopt.id
                found = self._as_it_is_now(found.adopt, found.failed)
                self.known = None if found.adopt is None else found.adopt.id
        else:
            found = look_up(self.client.find_pods_by_name(self.name), self.spec, self.name)
        self.delete_failed([pod.id for pod in found.failed])
        if found.adopt is not None:
            logger.info("adopting pod %s (%s), left by an earlier run", found.adopt.id, self.name)
            self.progress(f"adopting pod {found.adopt.id}, made by an earlier run")
            return found.adopt
        return self._post()

    def _post(self) -> PodDetails:
        """Posts the pod to the declared offer, or to the matching offers in turn.

        An offer refused as unavailable (409) makes no pod, so the next is tried. Any
        other answer ends it: at most one post has an outcome, since a lost answer is
        looked up by name and never posted again.
        """
        refused: list[str] = []
        for offer in offers_to_try(self.client, self.spec, self.name):
            spec = self.spec if offer is None else self.spec.with_offer(offer)
            if offer is not None and self.spec.cloud_id is None:
                self.progress(f"chose offer {describe_offer(offer)}")
            self.chosen = offer
            try:
                return self.client.create_pod(spec.to_create_request(self.name))
            except ConflictError as unavailable:
                if offer is None or self.spec.cloud_id is not None:
                    raise
                refused.append(f"{describe_offer(offer)}: {unavailable.detail}")
                logger.info("offer %s refused (%s)", offer.cloud_id, unavailable.detail)
            except CreateOutcomeUnknownError as lost:
                self.known = "id unknown" if lost.request_sent else None
                listings(self.runtime).forget_earlier()
                self.progress("the answer to the create was lost; looking for the pod by name")
                return self.await_lost_create(
                    lost,
                    lambda: self.client.find_pods_by_name(self.name),
                    lambda named: look_up(named, self.spec, self.name),
                )
        self.chosen = None
        raise NoOfferError(
            f"Pod {self.name!r}: no matching offer could be had; tried {len(refused)}: "
            f"{'; '.join(refused)}. Nothing was created, so nothing is left billing.",
            pod_name=self.name,
            pod_id=None,
        )

    def _as_it_is_now(
        self, listed: PodDetails, failed: tuple[PodDetails, ...]
    ) -> NameLookup[PodDetails]:
        """The pod to adopt as it is now: this process lists earlier runs' pods only once.

        Since then this process may have deleted it (a replacement under the same name),
        or someone else may have, or it may have failed.
        """
        poller = self.runtime.poller()
        deadline = poller.clock() + self.runtime.settings.create_settle
        while True:
            try:
                pod = self.client.get_pod(listed.id)
                break
            except NotFoundError:
                return NameLookup(None, failed)
            except PrimeError as error:
                # A blip of the API is no answer: ask again, for as long as a lost create waits.
                if not is_transient(error) or not poller.wait(deadline):
                    raise
        now = look_up([pod], self.spec, self.name)
        return NameLookup(now.adopt, (*failed, *now.failed))

    def _adopt_by_id(self, pod_id: str) -> PodDetails:
        try:
            return self.client.get_pod(pod_id)
        except NotFoundError as missing:
            raise PodError(
                f"Pod {self.name!r}: adopt_pod_id {pod_id!r}: no such pod (it may be "
                "terminated); nothing was created",
                pod_name=self.name,
                pod_id=pod_id,
            ) from missing

    # ------------------------------------------------------------ the end of the wait

    def _read_ready(self, pod: PodDetails, ready: PodStatus) -> PodDetails:
        """The ready pod read whole; if that read fails, the pod as the ready status shows it."""
        try:
            return ready_reads(self.runtime).read(self.client, pod.id)
        except PrimeError as error:
            logger.warning("pod %s is ready, but reading it failed (%s)", pod.id, error)
        return pod.model_copy(
            update={
                "status": ready.status,
                "installation_status": InstallationState.FINISHED,
                "installation_progress": ready.installation_progress,
                "installation_failure": None,
                "ssh_connections": ready.ssh_connections,
                "ips": ready.ips,
                "port_mappings": ready.port_mappings,
                "price_hr": ready.price_hr if ready.price_hr is not None else pod.price_hr,
            }
        )

    def _give_up(
        self,
        pod: PodDetails,
        failure: NotReadyError,
        *,
        created_here: bool,
        cause: BaseException,
    ) -> NoReturn:
        """Deletes a pod that will not become ready (unless it was adopted), then raises.

        Its log is read first (not after a Ctrl-C, which must end promptly): its last
        lines go to the Diagnostics and the last one into the error.
        """
        state = failure.state
        log = self._failure_log(pod.id)
        where = masker(self._secrets())(
            f"Pod {self.name!r} ({pod.id}) did not become ready: {failure.reason}; "
            f"it reached {state}. {log.ending()}"
        )
        if not created_here:
            outcome = "It was adopted by adopt_pod_id, so it was left as it is."
        else:
            self.delete_or_report(pod.id, where)
            outcome = "It was deleted, so nothing is left billing."
        raise PodProvisioningError(
            f"{where} {outcome}", pod_id=pod.id, pod_name=self.name, state=state
        ) from cause

    def explain_failed(self, resource_id: str) -> str:
        # A lost create found in ERROR: its log, as a failed wait's is read (see _give_up).
        return self._failure_log(resource_id).ending()

    def _secrets(self) -> list[str]:
        """The values of the pod's secret inputs, which no message may show."""
        return [*(self.spec.env_vars or {}).values(), self.spec.jupyter_password or ""]

    def _failure_log(self, pod_id: str) -> FailureLog:
        """The failed pod's last log lines, sent to its Diagnostics (none after a Ctrl-C)."""
        if self.runtime.cancellation.requested:
            return FailureLog([], None)
        log = FailureLog.read(self.client, pod_id, self._secrets())
        for line in log.lines:
            self.progress.diagnose(f"pod log: {line}", "info")
        return log


def delete_and_wait(
    runtime: ProviderRuntime,
    client: PrimeClient,
    pod_id: str,
    progress: Callable[[str], None],
) -> None:
    """Deletes a pod (already gone counts as done) and waits until it is really gone."""
    listings(runtime).drop()
    progress("deleting")
    client.delete_pod(pod_id, missing_ok=True)
    wait_until_gone(
        client,
        pod_id,
        timeout=runtime.settings.delete_timeout,
        poller=runtime.poller(cancellable=True),
        progress=progress,
    )


def _ready_message(pod: PodDetails) -> str:
    """What the row says of a ready pod: where to reach it (its first node, and how many)."""
    if pod.ssh_connection is None:
        return "ready"
    nodes = len(pod.ssh_connections)
    more = f" (the first of {nodes} nodes)" if nodes > 1 else ""
    return f"ready: {pod.ssh_connection}{more}"
