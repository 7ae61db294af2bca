"""The errors of one disk: what failed, for which disk, and what is left of it."""

from __future__ import annotations

from prime_pulumi.core.errors import ResourceError, shown_as_public


class DiskError(ResourceError):
    """An operation on one disk failed. The message names the disk; the cause, if any, is why.

    ``disk_name`` and ``disk_id`` are whatever is known of the disk (either may be ``None``).
    """

    kind = "disk"

    def __init__(self, message: str, *, disk_name: str | None, disk_id: str | None) -> None:
        super().__init__(message, name=disk_name, id=disk_id)

    @property
    def disk_name(self) -> str | None:
        """The disk's name, if known."""
        return self.name

    @property
    def disk_id(self) -> str | None:
        """The disk's id, if known."""
        return self.id


class DiskProvisioningError(DiskError):
    """A disk did not become ACTIVE (ERROR, gone, the deadline).

    By the time this is raised the disk has been deleted, so it does not bill.
    """

    def __init__(self, message: str, *, disk_id: str, disk_name: str | None, state: str) -> None:
        super().__init__(message, disk_name=disk_name, disk_id=disk_id)
        self.state = state


class DiskCleanupError(DiskError):
    """A disk could not be deleted (a pod still uses it, say), or did not go in time.

    It may still bill: the message names the disk id, so it can be deleted by hand.
    """

    def __init__(self, message: str, *, disk_id: str, disk_name: str | None = None) -> None:
        super().__init__(message, disk_name=disk_name, disk_id=disk_id)


def disk_error(message: str, name: str | None, id_: str | None) -> DiskError:
    """A :class:`DiskError` about the disk ``name`` (``id_``)."""
    return DiskError(message, disk_name=name, disk_id=id_)


shown_as_public(DiskError, DiskProvisioningError, DiskCleanupError)
