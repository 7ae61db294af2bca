"""The inputs of an ``SshKey``, validated once, in the provider's ``check``.

:class:`SshKeyInputs` is the one model of what a user may declare of an SSH key. The
API can neither rename a key nor change it: a new ``name`` or ``public_key`` replaces
the resource. It can only make a key primary, so ``primary`` changes in place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from prime_pulumi.client import UploadSshKeyRequest
from prime_pulumi.core.properties import InPlace, InputRules, Internal, generated_name, same_named

KeyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]

#: The public key types OpenSSH writes (``ssh-keygen -t``).
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


def key_blob(line: str) -> bytes:
    """The binary key of an OpenSSH public key line; ``ValueError`` saying why it is none.

    The line is ``type base64 [comment]``, and the decoded blob starts with the same
    type. (The emulator checks the same on its side: it imports nothing of the package.)
    """
    words = line.split()
    if len(words) < 2:
        raise ValueError("not an OpenSSH public key: expected its type, its base64 and a comment")
    key_type, encoded = words[0], words[1]
    if key_type not in KEY_TYPES:
        raise ValueError(
            f"unknown key type {key_type!r}; OpenSSH's are {', '.join(sorted(KEY_TYPES))}"
        )
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the key after its type is not base64") from None
    length = int.from_bytes(blob[:4], "big")
    if len(blob) < 4 or blob[4 : 4 + length] != key_type.encode():
        raise ValueError(f"the base64 is not a {key_type} key: was the line cut or edited?")
    return blob


def fingerprint(line: str) -> str:
    """The key's SHA256 fingerprint, as ``ssh-keygen -l`` shows it: ``SHA256:...``."""
    digest = hashlib.sha256(key_blob(line)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def _valid_public_key(line: str) -> str:
    key_blob(line)
    return " ".join(line.split())  # one line, single spaces: as it is compared and sent


PublicKey = Annotated[str, AfterValidator(_valid_public_key)]


class SshKeyInputs(BaseModel):
    """Everything an ``SshKey`` takes; the field names are the ``SshKeyArgs`` names."""

    # The attribute docstrings are the inputs' one description: ``SshKeyArgs`` repeats
    # them word for word and docs/ssh-key.md shows them (tests/unit/test_reference.py checks).
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_attribute_docstrings=True
    )

    public_key: PublicKey
    """Required. The public key, as one line of a ``.pub`` file (``ssh-ed25519 AAAA...
    comment``). A new key replaces the resource: the API cannot change a key."""
    name: KeyName | None = None
    """The key's name on the account. Default: the resource name, ``-`` and 7 hex
    characters. A new name replaces the key: the API cannot rename one."""
    primary: Annotated[bool, InPlace()] = False
    """Make it the account's primary key: pods created without an ``ssh_key_id`` get it.
    The account's other keys are then not primary. Changes in place; ``False`` after
    ``True`` sends nothing (the API cannot unmake a primary key: make another one
    primary)."""
    auto_name_seed: Annotated[str | None, Internal()] = None
    """Set by ``SshKey``: ``org/project/stack/resource``, the seed of a generated name."""

    def to_upload_request(self, name: str) -> UploadSshKeyRequest:
        """The API's upload body for these inputs, under ``name``."""
        return UploadSshKeyRequest(**{**same_named(self, UploadSshKeyRequest), "name": name})


def auto_name(seed: str, inputs: dict[str, Any]) -> str:
    """A key name from the resource name and a hash of its public key: a new key, a new name."""
    hashed = {k: inputs[k] for k in SSH_KEY_RULES.replace if k != "name" and k in inputs}
    return generated_name(seed, hashed, fallback="ssh-key")


#: What the marks on :class:`SshKeyInputs` say: who declares what, and what a change does.
SSH_KEY_RULES = InputRules(
    SshKeyInputs,
    "SshKey",
    lambda inputs: auto_name(inputs.get("auto_name_seed") or "ssh-key", inputs),
)
