"""An SshKey's inputs: what an OpenSSH public key is, its fingerprint, and which keys of a name
are a create's own; checked against keys ``ssh-keygen`` makes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from prime_pulumi.client import SshKeyDetails
from prime_pulumi.core.properties import a_spoken, spoken
from prime_pulumi.emulator.ssh_keys.state import public_key_problem
from prime_pulumi.ssh_key.creation import ssh_key_mismatches
from prime_pulumi.ssh_key.inputs import SshKeyInputs, fingerprint
from prime_pulumi.ssh_key.outputs import ssh_key_properties
from tests.kit.samples import public_key


def _keygen(tmp_path: Path, key_type: str) -> tuple[str, str]:
    """A key pair ``ssh-keygen`` makes: its public line and the fingerprint it shows."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed: keys of every type cannot be made")
    path = tmp_path / key_type
    subprocess.run(
        ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", "ci@host", "-f", str(path)],
        check=True,
    )
    shown = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", f"{path}.pub"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Path(f"{path}.pub").read_text(), shown.split()[1]


@pytest.mark.parametrize("key_type", ["ed25519", "rsa", "ecdsa"])
def test_keys_ssh_keygen_makes_are_taken_with_its_fingerprint(
    tmp_path: Path, key_type: str
) -> None:
    line, shown = _keygen(tmp_path, key_type)
    inputs = SshKeyInputs(public_key=line)
    assert inputs.public_key == line.strip(), "a .pub file's line, its newline dropped"
    assert fingerprint(inputs.public_key) == shown
    assert public_key_problem(line) is None, "the emulator takes it too"


@pytest.mark.parametrize(
    "line",
    ["", "ssh-ed25519", "ssh-foo AAAA", "ssh-ed25519 ***", f"ssh-rsa {public_key(0).split()[1]}"],
)
def test_a_line_that_is_no_key_is_refused_by_both_sides(line: str) -> None:
    with pytest.raises(ValueError, match="public_key"):
        SshKeyInputs(public_key=line)
    assert public_key_problem(line) is not None


def _listed(line: str) -> SshKeyDetails:
    return SshKeyDetails(id="k1", name="deploy", public_key=line)


def test_a_key_of_the_name_is_ours_when_its_key_is_the_declared_one() -> None:
    spec = SshKeyInputs(public_key=public_key(1))
    assert ssh_key_mismatches(_listed(public_key(1, comment="elsewhere")), spec) == []
    (difference,) = ssh_key_mismatches(_listed(public_key(2)), spec)
    assert (
        difference == f"public key {fingerprint(public_key(2))}, not {fingerprint(public_key(1))}"
    )
    assert ssh_key_mismatches(_listed("garbage"), spec) == [
        "a public key that is not an OpenSSH key"
    ]


def test_messages_say_a_kind_in_words() -> None:
    assert [spoken(n) for n in ("Pod", "Disk", "SshKey")] == ["pod", "disk", "SSH key"]


def test_a_listed_key_this_package_cannot_read_is_still_reported_without_a_fingerprint() -> None:
    # A refresh or an import reads whatever the account lists (a key type newer than this
    # package, say): that must not fail the read with a traceback.
    inputs = {"public_key": public_key(1), "name": "deploy", "primary": False}
    outs = ssh_key_properties(_listed("ssh-ed448 AAAAC3NzaC1lZDQ0OA== laptop"), inputs)
    assert outs["ssh_key_id"] == "k1"
    assert outs["fingerprint"] is None
    readable = ssh_key_properties(_listed(public_key(1)), inputs)
    assert readable["fingerprint"] == fingerprint(public_key(1))


def test_a_kind_is_said_with_its_article() -> None:
    assert [a_spoken(n) for n in ("Pod", "Disk", "SshKey")] == ["a pod", "a disk", "an SSH key"]
