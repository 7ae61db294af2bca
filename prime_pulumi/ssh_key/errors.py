"""The errors of one SSH key: what failed, for which key."""

from __future__ import annotations

from prime_pulumi.core.errors import ResourceError, shown_as_public


class SshKeyError(ResourceError):
    """An operation on one SSH key failed. The message names the key; the cause, if any, is why.

    ``key_name`` and ``key_id`` are whatever is known of the key (either may be ``None``).
    """

    kind = "SSH key"

    def __init__(self, message: str, *, key_name: str | None, key_id: str | None) -> None:
        super().__init__(message, name=key_name, id=key_id)

    @property
    def key_name(self) -> str | None:
        """The key's name, if known."""
        return self.name

    @property
    def key_id(self) -> str | None:
        """The key's id, if known."""
        return self.id


def ssh_key_error(message: str, name: str | None, id_: str | None) -> SshKeyError:
    """An :class:`SshKeyError` about the key ``name`` (``id_``)."""
    return SshKeyError(message, key_name=name, key_id=id_)


shown_as_public(SshKeyError)
