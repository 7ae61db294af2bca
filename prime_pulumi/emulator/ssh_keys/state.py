"""SSH keys: the account's public keys, one of them primary, and which key a pod is made with.

A :class:`SshKeyStore` holds one backend's keys in upload order; :class:`SshKeyBackend`,
the backend's part that serves them, changes it under the backend's lock and renders
its records. The document (``compute.yml``) gives the shapes; what the API does with
them it does not say. These are the emulator's guesses:

- a public key must be a valid OpenSSH public key: a known type, then base64 whose
  decoded blob starts with that same type (a comment may follow); anything else is a
  422 naming ``publicKey``. Names are not unique, and the same key may be uploaded
  twice (each upload is a key of its own);
- the first key uploaded to an account with none is primary; later ones are not;
- ``PATCH {"isPrimary": true}`` makes a key primary and every other key not primary
  (an account has at most one primary key); ``false`` is a 422 (the document: "must be
  true when provided"); absent or ``null`` changes nothing;
- deleting the primary key makes the oldest remaining key primary, so an account with
  keys always has one;
- an unknown key id is a 404, on PATCH and DELETE alike;
- a pod's create takes ``sshKeyId``: an unknown one is a 404 and makes no pod; without
  one the pod is made with the primary key (or none, when the account has no key).
  The pod's record keeps that key's id, shown in the control view
  (``GET /_emulator/pods``), since the API's pod has no such field.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

from prime_pulumi.emulator.core import BackendCore
from prime_pulumi.emulator.errors import RequestInvalidError, UnknownResourceError, ValidationIssue
from prime_pulumi.emulator.ssh_keys.wire import (
    DeletedSshKey,
    SetPrimaryAnswer,
    SshKeyList,
    WireSetPrimaryRequest,
    WireSshKey,
    WireUploadSshKeyRequest,
)

#: The public key types OpenSSH writes (``ssh-keygen -t``), as the first word of the line.
KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ssh-dss",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)


def public_key_problem(line: str) -> str | None:
    """Why ``line`` is not an OpenSSH public key (``type base64 [comment]``); None if it is."""
    words = line.split()
    if len(words) < 2:
        return "an OpenSSH public key is its type, then its base64 blob (and a comment)"
    key_type, encoded = words[0], words[1]
    if key_type not in KEY_TYPES:
        return f"unknown key type {key_type!r}; expected one of {', '.join(sorted(KEY_TYPES))}"
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return "the key's blob is not base64"
    if len(blob) < 4:
        return "the key's blob is too short"
    (length,) = struct.unpack(">I", blob[:4])
    if blob[4 : 4 + length] != key_type.encode():
        return f"the key's blob is not a {key_type} key"
    return None


@dataclass
class SshKeyRecord:
    """What the emulator remembers of a key."""

    id: str
    name: str
    public_key: str
    created: float
    updated: float
    primary: bool = False


class SshKeyStore:
    """The account's keys, in upload order."""

    def __init__(self) -> None:
        self._keys: dict[str, SshKeyRecord] = {}

    def all(self) -> list[SshKeyRecord]:
        """Every key, oldest first."""
        return list(self._keys.values())

    def get(self, key_id: str) -> SshKeyRecord:
        """A key; 404 when there is none of that id."""
        record = self._keys.get(key_id)
        if record is None:
            raise UnknownResourceError(f"SSH key {key_id} not found")
        return record

    def add(self, record: SshKeyRecord) -> None:
        """Keep a new key; the first of the account is primary."""
        record.primary = not any(key.primary for key in self._keys.values())
        self._keys[record.id] = record

    def make_primary(self, key_id: str, now: float) -> None:
        """Make one key primary and every other key not."""
        chosen = self.get(key_id)
        for record in self._keys.values():
            if record.primary != (record is chosen):
                record.primary = record is chosen
                record.updated = now

    def remove(self, key_id: str, now: float) -> None:
        """Forget a key; when it was primary, the oldest remaining key becomes primary."""
        record = self._keys.pop(self.get(key_id).id)
        if record.primary and self._keys:
            self.make_primary(next(iter(self._keys)), now)

    def for_pod(self, key_id: str | None) -> str | None:
        """The key a pod's create is made with: the one named (404 if unknown), else the
        primary one, else none."""
        if key_id is not None:
            return self.get(key_id).id
        return next((key.id for key in self._keys.values() if key.primary), None)


class SshKeyBackend(BackendCore):
    """The backend's SSH keys: what the SSH key routes serve."""

    _ssh_keys: SshKeyStore

    def _forget(self) -> None:
        super()._forget()
        self._ssh_keys = SshKeyStore()

    def list_ssh_keys(self, offset: int = 0, limit: int = 100) -> SshKeyList:
        """One page of the account's keys, oldest first."""
        with self._lock:
            keys = self._ssh_keys.all()
            page = [self._ssh_key(record) for record in keys[offset : offset + limit]]
        return SshKeyList(total_count=len(keys), offset=offset, limit=limit, data=page)

    def upload_ssh_key(self, request: WireUploadSshKeyRequest) -> WireSshKey:
        """Keep a new key; 422 (naming ``publicKey``) when it is no OpenSSH public key."""
        problem = public_key_problem(request.public_key)
        if problem is not None:
            raise RequestInvalidError(
                [ValidationIssue(loc=["body", "publicKey"], msg=problem, type="value_error")]
            )
        with self._lock:
            now = self._clock()
            record = SshKeyRecord(
                id=self._next_id("ssh_key"),
                name=request.name,
                public_key=request.public_key.strip(),
                created=now,
                updated=now,
            )
            self._ssh_keys.add(record)
            return self._ssh_key(record)

    def set_primary_ssh_key(self, key_id: str, change: WireSetPrimaryRequest) -> SetPrimaryAnswer:
        """Make a key primary (and the others not); 404 when unknown. (``false`` never gets
        here: the body's schema refuses it.)"""
        with self._lock:
            self._ssh_keys.get(key_id)
            if change.is_primary is None:
                return SetPrimaryAnswer(message="Nothing to update", updated_fields={})
            self._ssh_keys.make_primary(key_id, self._clock())
        return SetPrimaryAnswer(
            message="SSH key set as primary", updated_fields={"isPrimary": True}
        )

    def delete_ssh_key(self, key_id: str) -> DeletedSshKey:
        """Forget a key (pods made with it keep it); 404 when unknown."""
        with self._lock:
            self._ssh_keys.remove(key_id, self._clock())
        return DeletedSshKey(message="SSH key deleted")

    def _ssh_key(self, record: SshKeyRecord) -> WireSshKey:
        return WireSshKey(
            id=record.id,
            user_id=self._user_id,
            name=record.name,
            public_key=record.public_key,
            is_primary=record.primary,
            is_user_key=True,
            created_at=self._wall(record.created),
            updated_at=self._wall(record.updated),
        )
