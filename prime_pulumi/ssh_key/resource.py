"""``SshKey`` and ``SshKeyArgs``: an SSH public key a program registers on the account, and
``SshKeyProvider``, its dynamic face.

The import path ``prime_pulumi.ssh_key.resource.SshKeyProvider`` is stored in every
stack's state (the provider is pickled by reference): it must never move.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from prime_pulumi.dynamic.provider import DynamicProvider
from prime_pulumi.dynamic.resource import declared, secret_outputs, with_outputs
from prime_pulumi.ssh_key.inputs import SSH_KEY_RULES
from prime_pulumi.ssh_key.operations import SSH_KEY
from prime_pulumi.ssh_key.outputs import OUTPUT_NAMES


class SshKeyProvider(DynamicProvider):
    """Uploads SSH keys to the Prime Intellect account, makes one primary, deletes them.

    Failures reach the user in one line naming the key, as for pods and disks.
    """

    operations = SSH_KEY


@dataclass(kw_only=True)
class SshKeyArgs:
    """What an ``SshKey`` is: a public key, its name, and whether it is the primary one.

    The API can neither rename nor change a key: a new ``name`` or ``public_key``
    replaces it (a new key is uploaded, then the old one deleted). Becoming
    ``primary`` changes in place, and makes the account's other keys not primary.
    """

    public_key: Input[str]
    """Required. The public key, as one line of a ``.pub`` file (``ssh-ed25519 AAAA...
    comment``). A new key replaces the resource: the API cannot change a key."""
    name: Input[str] | None = None
    """The key's name on the account. Default: the resource name, ``-`` and 7 hex
    characters. A new name replaces the key: the API cannot rename one."""
    primary: Input[bool] | None = None
    """Make it the account's primary key: pods created without an ``ssh_key_id`` get it.
    The account's other keys are then not primary. Changes in place; ``False`` after
    ``True`` sends nothing (the API cannot unmake a primary key: make another one
    primary)."""


class SshKey(Resource, module="prime", name="SshKey"):
    """An SSH public key on the Prime Intellect account, uploaded when ``pulumi up`` ends.

    Pass ``key.ssh_key_id`` as a ``Pod``'s ``ssh_key_id``: Pulumi then uploads the key
    before it creates the pod, and the pod accepts that key. ``pulumi destroy``
    deletes it from the account (pods made with it keep it).
    """

    # The outputs (SshKeyOutputs; documented there), then every other input, as declared.
    ssh_key_id: Output[str]
    name: Output[str]
    fingerprint: Output[str | None]
    is_primary: Output[bool]
    created_at: Output[str | None]
    public_key: Output[str]
    primary: Output[bool]

    def __init__(
        self, resource_name: str, args: SshKeyArgs, opts: ResourceOptions | None = None
    ) -> None:
        props = declared(args, SSH_KEY_RULES, resource_name, _SSH_KEY_TYPE, opts)
        super().__init__(
            SshKeyProvider(),
            resource_name,
            with_outputs(props, _SSH_KEY_NAMES),
            secret_outputs(opts, SSH_KEY_RULES),
        )


#: The resource type, as the engine and URNs name it.
_SSH_KEY_TYPE = f"pulumi-python:{SshKey._resource_type_name}"
#: Every input and output name: each becomes an attribute of the resource.
_SSH_KEY_NAMES = (*OUTPUT_NAMES, *SSH_KEY_RULES.user)
