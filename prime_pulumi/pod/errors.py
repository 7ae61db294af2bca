"""The errors of one pod: what failed, for which pod, and what is left of it."""

from __future__ import annotations

from prime_pulumi.core.errors import ResourceError, shown_as_public


class PodError(ResourceError):
    """An operation on one pod failed. The message names the pod; the cause, if any, is why.

    ``pod_name`` and ``pod_id`` are whatever is known of the pod (either may be ``None``).
    """

    kind = "pod"

    def __init__(self, message: str, *, pod_name: str | None, pod_id: str | None) -> None:
        super().__init__(message, name=pod_name, id=pod_id)

    @property
    def pod_name(self) -> str | None:
        """The pod's name, if known."""
        return self.name

    @property
    def pod_id(self) -> str | None:
        """The pod's id, if known."""
        return self.id


class PodProvisioningError(PodError):
    """A pod did not become ready (ERROR, an installation failure, the deadline).

    By the time this is raised the pod has been deleted, so it does not bill.
    """

    def __init__(self, message: str, *, pod_id: str, pod_name: str | None, state: str) -> None:
        super().__init__(message, pod_name=pod_name, pod_id=pod_id)
        self.state = state


class PodCleanupError(PodError):
    """A pod could not be deleted, or did not go away in time: it may still bill.

    The message names the pod id, so it can be deleted by hand
    (``prime pods terminate <id>``, or the web console).
    """

    def __init__(self, message: str, *, pod_id: str, pod_name: str | None = None) -> None:
        super().__init__(message, pod_name=pod_name, pod_id=pod_id)


class PodNameTakenError(PodError):
    """A live pod already has the declared name, and it is plainly not the declared pod.

    ``pod_id`` is that other pod's id; nothing was created, and it was left alone.
    """


class NoOfferError(PodError):
    """No GPU offer matches what a pod declares, or none that matched could be had.

    Nothing was created. The message says what the filters excluded and why, or
    which offers were tried and how each was refused.
    """


def pod_error(message: str, name: str | None, id_: str | None) -> PodError:
    """A :class:`PodError` about the pod ``name`` (``id_``)."""
    return PodError(message, pod_name=name, pod_id=id_)


shown_as_public(PodError, PodProvisioningError, PodCleanupError, PodNameTakenError, NoOfferError)
