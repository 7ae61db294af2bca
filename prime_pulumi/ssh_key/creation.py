"""Uploading an SSH key, all or nothing, and which keys of a name are a create's own.

A create adopts the key an interrupted run uploaded (the same name and public key)
or uploads one, once; an upload whose answer was lost is looked up by name, never
posted again. A key that is to be primary is made so before the create returns;
when that fails, the key just uploaded (or adopted) is deleted before the error is
raised, so no half-made key is left untracked. A key of that name with another
public key is someone else's: it is left alone, and nothing is uploaded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from prime_pulumi.client import CreateOutcomeUnknownError, PrimeError, SshKeyDetails
from prime_pulumi.core.adoption import NameLookup
from prime_pulumi.core.adoption import look_up as look_up_named
from prime_pulumi.core.creation import NOTHING_CREATED, CreationBase
from prime_pulumi.ssh_key.errors import SshKeyError
from prime_pulumi.ssh_key.inputs import SshKeyInputs, fingerprint, key_blob

logger = logging.getLogger("prime_pulumi.ssh_key_creation")


def ssh_key_mismatches(key: SshKeyDetails, spec: SshKeyInputs) -> list[str]:
    """How ``key`` differs from the declared one: only its public key can (comments aside)."""
    try:
        same = key_blob(key.public_key) == key_blob(spec.public_key)
        theirs = fingerprint(key.public_key)
    except ValueError:
        return ["a public key that is not an OpenSSH key"]
    return [] if same else [f"public key {theirs}, not {fingerprint(spec.public_key)}"]


def look_up_ssh_key(
    found: Sequence[SshKeyDetails], spec: SshKeyInputs, name: str
) -> NameLookup[SshKeyDetails]:
    """Judges the keys called ``name``, as pods and disks are judged.

    Raises :class:`SshKeyError` when keys have the name but none has the public key.
    """
    return look_up_named(
        found,
        name,
        lambda key: ssh_key_mismatches(key, spec),
        noun="SshKey",
        taken=lambda message, holder: SshKeyError(message, key_name=name, key_id=holder.id),
    )


class SshKeyCreation(CreationBase[SshKeyInputs, SshKeyDetails]):
    """One create of an SSH key: the declared key, its name, and the process's shared state."""

    def run(self) -> SshKeyDetails:
        """The key, uploaded or adopted, primary if declared so; raises one of our errors,
        leaving nothing."""
        key = self._find_or_post()
        self.known = key.id
        if self.spec.primary and not key.is_primary:
            self.progress("making it the account's primary key")
            try:
                self.client.set_primary_ssh_key(key.id)
            except PrimeError as failure:
                where = f"SshKey {self.name!r} ({key.id}) could not be made primary ({failure})."
                self.delete_or_report(key.id, where)
                raise SshKeyError(
                    f"{where} It was deleted, so nothing is left of it.",
                    key_name=self.name,
                    key_id=key.id,
                ) from failure
            key = key.model_copy(update={"is_primary": True})
        self.progress("uploaded" + (", primary" if key.is_primary else ""))
        return key

    def _find_or_post(self) -> SshKeyDetails:
        """The key an interrupted run uploaded under ``name``, else a new one."""
        found = look_up_ssh_key(self.client.find_ssh_keys_by_name(self.name), self.spec, self.name)
        if found.adopt is not None:
            logger.info(
                "adopting SSH key %s (%s), left by an earlier run", found.adopt.id, self.name
            )
            self.progress(f"adopting SSH key {found.adopt.id}, uploaded by an earlier run")
            return found.adopt
        try:
            return self.client.upload_ssh_key(self.spec.to_upload_request(self.name))
        except CreateOutcomeUnknownError as lost:
            self.known = "id unknown" if lost.request_sent else None
            self.progress("the answer to the upload was lost; looking for the key by name")
            return self.await_lost_create(
                lost,
                lambda: self.client.find_ssh_keys_by_name(self.name),
                lambda named: look_up_ssh_key(named, self.spec, self.name),
            )

    def left_behind(self) -> str:
        """A key costs nothing, but one left behind would be on the account untracked."""
        if self.known is None:
            return NOTHING_CREATED
        return (
            f"SshKey {self.name!r} ({self.known}) may exist: run the operation again (a key "
            "of that name and public key is adopted, not uploaded twice), or delete it by hand."
        )

    def delete_and_wait(self, resource_id: str) -> None:
        # A key has no lifecycle: once the DELETE is answered, it is gone.
        self.client.delete_ssh_key(resource_id, missing_ok=True)

    def cleanup_error(self, message: str, resource_id: str) -> PrimeError:
        return SshKeyError(message, key_name=self.name, key_id=resource_id)

    def provisioning_error(self, message: str, resource_id: str) -> PrimeError:
        # Keys never reach ERROR, so a lost upload never finds a failed one to report.
        return SshKeyError(message, key_name=self.name, key_id=resource_id)
