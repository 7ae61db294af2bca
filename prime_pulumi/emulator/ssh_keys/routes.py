"""The SSH keys' routes: the document's four operations on the account's keys.

API routes (the names key request counts and faults):

- ``list_ssh_keys``: ``GET /api/v1/ssh_keys/?offset=&limit=``
- ``upload_ssh_key``: ``POST /api/v1/ssh_keys/`` (``{"name": str, "publicKey": str}``)
- ``delete_ssh_key``: ``DELETE /api/v1/ssh_keys/{key_id}``
- ``set_primary_ssh_key``: ``PATCH /api/v1/ssh_keys/{key_id}`` (``{"isPrimary": true}``)

What the emulator guesses the API does with them is in
:mod:`prime_pulumi.emulator.ssh_keys.state`. The keys have no control route: a
pod's key shows in ``GET /_emulator/pods`` (``sshKeyId``).
"""

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.http import Limit, Offset, Routes
from prime_pulumi.emulator.ssh_keys.wire import (
    DeletedSshKey,
    SetPrimaryAnswer,
    SshKeyList,
    SshKeyRoute,
    WireSetPrimaryRequest,
    WireSshKey,
    WireUploadSshKeyRequest,
)


def add_routes(routes: Routes, backend: EmulatorBackend) -> None:
    """Serve the SSH keys' API routes."""

    @routes.api(SshKeyRoute.list_ssh_keys)
    async def list_ssh_keys(offset: Offset = 0, limit: Limit = 100) -> SshKeyList:
        """The account's keys, oldest first."""
        return backend.list_ssh_keys(offset, limit)

    @routes.api(SshKeyRoute.upload_ssh_key, 400)
    async def upload_ssh_key(request: WireUploadSshKeyRequest) -> WireSshKey:
        """Upload a public key; the account's first key is primary.

        Our guess: a public key that is not an OpenSSH public key is a 422.
        """
        return backend.upload_ssh_key(request)

    @routes.api(SshKeyRoute.delete_ssh_key, 404)
    async def delete_ssh_key(key_id: str) -> DeletedSshKey:
        """Delete a key; when it was primary, the oldest remaining key becomes primary."""
        return backend.delete_ssh_key(key_id)

    # 400: FastAPI's answer to a body it cannot parse (not UTF-8), as on every route with one.
    @routes.api(SshKeyRoute.set_primary_ssh_key, 400, 404)
    async def set_primary_ssh_key(key_id: str, change: WireSetPrimaryRequest) -> SetPrimaryAnswer:
        """Make a key primary, and every other key not primary."""
        return backend.set_primary_ssh_key(key_id, change)
