"""SSH keys on the wire: their API routes and the document's JSON shapes (``compute.yml``)."""

from __future__ import annotations

from enum import unique
from typing import Literal

from pydantic import ConfigDict, Field

from prime_pulumi.emulator.wire import ApiRoute, Wire, WireBody


@unique
class SshKeyRoute(ApiRoute):
    """The SSH keys' API routes."""

    list_ssh_keys = ("GET", "/api/v1/ssh_keys/")
    upload_ssh_key = ("POST", "/api/v1/ssh_keys/")
    delete_ssh_key = ("DELETE", "/api/v1/ssh_keys/{key_id}")
    set_primary_ssh_key = ("PATCH", "/api/v1/ssh_keys/{key_id}")


class WireSshKey(Wire):
    """A key as the list and the upload return it (the document's ``APISSHKeyConfig``)."""

    id: str
    user_id: str
    name: str
    public_key: str
    is_primary: bool
    is_user_key: bool
    created_at: str
    updated_at: str


class SshKeyList(Wire):
    """One page of keys (``GenericPaginationResponse[List[APISSHKeyConfig]]``)."""

    # The document spells the envelope's keys in snake case, as FastAPI wrote them.
    model_config = ConfigDict(alias_generator=None)

    total_count: int
    offset: int
    limit: int
    data: list[WireSshKey]
    status: str | None = None


class WireUploadSshKeyRequest(WireBody):
    """The body of ``POST /api/v1/ssh_keys/`` (``APISSHKeyUploadRequestConfig``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "laptop",
                    "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGqCGnqUqJ4n+4Fq2nq3YVQ3P"
                    "l9xFf2GmA7+Ir4Q0x0M user@laptop",
                }
            ]
        }
    )

    name: str
    public_key: str


class WireSetPrimaryRequest(WireBody):
    """The body of ``PATCH /api/v1/ssh_keys/{id}`` (``APISSHKeyUpdateRequestConfig``).

    The document's ``isPrimary`` is a boolean that "must be true when provided": ``false``
    is a 422 here, as a schema of only ``true`` says.
    """

    is_primary: Literal[True] | None = None


class SetPrimaryAnswer(Wire):
    """What the PATCH answers (``APISSHKeyUpdateResponseConfig``)."""

    model_config = ConfigDict(alias_generator=None)

    message: str
    updated_fields: dict[str, bool] = Field(default_factory=dict)


class DeletedSshKey(Wire):
    """What ``DELETE /api/v1/ssh_keys/{id}`` answers; the document gives it no schema (a guess)."""

    message: str
