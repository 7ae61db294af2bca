"""The provider's errors about one resource, and about prime-pulumi itself.

They extend the client's tree (:class:`~prime_pulumi.client.PrimeError` is the
root of every error prime-pulumi raises)::

    PrimeError
    ├── UnexpectedError      a failure inside prime-pulumi itself (a bug)
    └── ResourceError        an operation on one resource failed; names its kind, name and id
        ├── PodError           (prime_pulumi.pod.errors) and its subclasses
        └── DiskError          (prime_pulumi.disk.errors) and its subclasses

Each kind's error class extends :class:`ResourceError` with the attribute names
its users catch (``pod_name``, ``disk_id``, ...). Every error is shown as
``prime_pulumi.<Name>``, where users import it (:func:`shown_as_public`).
"""

from __future__ import annotations

from typing import ClassVar

from prime_pulumi.client import PrimeError

__all__ = ["ResourceError", "UnexpectedError"]


class UnexpectedError(PrimeError):
    """Something failed inside prime-pulumi that should not have: a bug to report.

    Its cause is the original exception. The provider cleans up as for any failure.
    """


class ResourceError(PrimeError):
    """An operation on one resource failed. The message names it; the cause, if any, is why.

    ``kind`` is its noun (``"pod"``); ``name`` and ``id`` are whatever is known of it
    (either may be ``None``).
    """

    kind: ClassVar[str] = "resource"

    def __init__(self, message: str, *, name: str | None, id: str | None) -> None:
        super().__init__(message)
        self.name = name
        self.id = id


def shown_as_public(*errors: type[PrimeError]) -> None:
    """Names each error ``prime_pulumi.<Name>`` in tracebacks and the CLI: where users import it."""
    for error in errors:
        error.__module__ = "prime_pulumi"


shown_as_public(UnexpectedError, ResourceError)
