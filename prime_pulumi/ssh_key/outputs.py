"""What an ``SshKey`` reports: one model of an SSH key's outputs.

The provider's outputs (:func:`ssh_key_properties`), the resource's attributes and
the documented list of outputs all derive from :class:`SshKeyOutputs`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from prime_pulumi.client import SshKeyDetails
from prime_pulumi.ssh_key.inputs import fingerprint


class SshKeyOutputs(BaseModel):
    """The key as the API lists it, in the shape an ``SshKey`` keeps in state."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    ssh_key_id: str
    """The key's id (also the resource's ``id``): what a ``Pod``'s ``ssh_key_id`` takes."""
    name: str
    """The key's name on the account."""
    fingerprint: str | None
    """The key's SHA256 fingerprint, as ``ssh-keygen -l`` shows it; none for a key the account
    lists in a form this package cannot read (a newer key type, say)."""
    is_primary: bool
    """Whether it is the account's primary key, when last read (making another key primary
    unmakes it)."""
    created_at: str | None
    """When the key was uploaded, ISO 8601."""

    @classmethod
    def of(cls, key: SshKeyDetails, inputs: dict[str, Any]) -> SshKeyOutputs:
        """The outputs of ``key``; where the API leaves a field out, the input stands."""
        return cls(
            ssh_key_id=key.id,
            name=key.name or inputs["name"],
            fingerprint=_fingerprint_or_none(key.public_key),
            is_primary=key.is_primary,
            created_at=key.created_at.isoformat() if key.created_at else None,
        )


def _fingerprint_or_none(line: str) -> str | None:
    # A read reports what the account lists, which this package need not understand.
    try:
        return fingerprint(line)
    except ValueError:
        return None


#: Every output's name, in order.
OUTPUT_NAMES: tuple[str, ...] = tuple(SshKeyOutputs.model_fields)


def ssh_key_properties(key: SshKeyDetails, inputs: dict[str, Any]) -> dict[str, Any]:
    """The properties of an ``SshKey`` in state: its inputs, then what the API reports."""
    return {**inputs, **SshKeyOutputs.of(key, inputs).model_dump()}
