"""An SSH key's operations: check, diff, create, read, update, delete, as plain values.

Every face serves SSH keys through :data:`SSH_KEY`: the dynamic provider
(``prime_pulumi.ssh_key.resource.SshKeyProvider``) and the native plugin
(``prime:index:SshKey``) only translate. The API has no GET of one key: a read lists
the account's keys.
"""

from __future__ import annotations

from typing import Any

from prime_pulumi.client import PrimeClient, SshKeyDetails
from prime_pulumi.core.checks import Changes
from prime_pulumi.core.kind import Kind, KindOperations, Live
from prime_pulumi.core.progress import RowProgress
from prime_pulumi.core.properties import hidden_of, urn_of
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.ssh_key.creation import SshKeyCreation
from prime_pulumi.ssh_key.errors import ssh_key_error
from prime_pulumi.ssh_key.inputs import SSH_KEY_RULES, SshKeyInputs
from prime_pulumi.ssh_key.outputs import SshKeyOutputs, ssh_key_properties


class SshKeyOperations(KindOperations[SshKeyInputs, SshKeyDetails]):
    """Uploads SSH keys to the Prime Intellect account, makes one primary, deletes them."""

    kind = Kind(SSH_KEY_RULES, SshKeyOutputs, ssh_key_error, ready="uploaded", bills=False)

    def creation(
        self, client: PrimeClient, spec: SshKeyInputs, name: str, progress: RowProgress
    ) -> SshKeyCreation:
        return SshKeyCreation(self.kind, RUNTIME, client, spec, name=name, progress=progress)

    def properties(self, made: SshKeyDetails, inputs: dict[str, Any]) -> dict[str, Any]:
        return ssh_key_properties(made, inputs)

    def changes(self, olds: dict[str, Any], news: dict[str, Any]) -> Changes:
        """As the rules say; and a key declared primary that another key has since taken
        primary from (a refresh read it so) is made primary again, in place."""
        changes = super().changes(olds, news)
        retaken = news.get("primary") is True and olds.get("is_primary") is False
        if not retaken or changes.replaces or "primary" not in changes.stables:
            return changes
        stables = [k for k in changes.stables if k != "primary"]
        return Changes(True, [], stables, delete_before_replace=False)

    def read(self, id_: str, props: dict[str, Any]) -> Live | None:
        """The key as the account lists it; a key no longer listed is ``None`` (refresh
        then drops it from the stack, and the next ``up`` uploads it again).

        An import (no properties yet) recovers the inputs from the key: its public key,
        its name, and whether it is primary.
        """
        with self.shown_for(id_, props, "The key was left as it is."), RUNTIME.lease() as client:
            key = next((k for k in client.iter_ssh_keys() if k.id == id_), None)
        if key is None:
            return None
        inputs = SSH_KEY_RULES.inputs_of(props)
        if "public_key" not in inputs:
            inputs = {"public_key": key.public_key, "name": key.name, "primary": key.is_primary}
        outputs = ssh_key_properties(key, inputs)
        return Live(key.id, {**outputs, **hidden_of(props)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Makes the key primary when ``primary`` is declared ``True``; ``False`` sends nothing
        (the API cannot unmake a primary key)."""
        with self.shown_for(id_, olds, "The key was left as it is."):
            outs = self.kept(olds, news)
            if news.get("primary") is True and olds.get("is_primary") is not True:
                progress = RUNTIME.progress(urn_of(news) or urn_of(olds))
                try:
                    progress("making it the account's primary key")
                    with RUNTIME.lease() as client:
                        client.set_primary_ssh_key(id_)
                    outs["is_primary"] = True
                    progress("primary")
                finally:
                    progress.settle()
            return outs

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the key; a key already gone is done. Pods made with it keep it."""
        progress = RUNTIME.progress(urn_of(props))
        with (
            self.shown_for(id_, props, "The key may still be on the account: delete it by hand."),
            RUNTIME.lease() as client,
        ):
            try:
                progress("deleting")
                client.delete_ssh_key(id_, missing_ok=True)
                progress("gone from the account")  # a key bills nothing: that is all it says
            finally:
                progress.settle()


#: The SSH key kind's operations, served by every face.
SSH_KEY = SshKeyOperations()
