"""The SshKey provider through the engine's protocol, against the emulator on loopback.

Keys are driven through the same provider process as pods and disks
(``ProviderProcess.for_ssh_keys``), as the engine does: one process serves every kind.
"""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import UNKNOWN

from prime_pulumi.emulator.control import EmulatorControl
from tests.kit.harness import ProviderProcess, error_text
from tests.kit.samples import public_key
from tests.protocol.support import API_KEY, checked

KEY: dict[str, Any] = {"public_key": public_key(1), "auto_name_seed": "org/protocol/test/deploy"}


@pytest.fixture
def keys(provider: ProviderProcess) -> ProviderProcess:
    """The provider process of the module, driven as the engine drives an ``SshKey``."""
    return provider.for_ssh_keys()


def checked_key(keys: ProviderProcess, **changes: Any) -> dict[str, Any]:
    inputs, failures = keys.check({**KEY, **changes}, name="deploy")
    assert failures == []
    return inputs


def account(emulator: EmulatorControl) -> list[tuple[str, str, bool]]:
    """The account's keys: id, name and whether primary."""
    return [(k["id"], k["name"], k["isPrimary"]) for k in emulator.ssh_keys()]


def test_check_names_the_field_at_fault_and_calls_no_api(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    _, failures = keys.check({"public_key": "ssh-rsa " + public_key(1).split()[1]})
    assert [p for p, _ in failures] == ["public_key"]
    assert "not a ssh-rsa key" in failures[0][1] and "\n" not in failures[0][1]
    _, failures = keys.check({"public_key": "hello"})
    assert [p for p, _ in failures] == ["public_key"]
    _, failures = keys.check({"name": "deploy", "colour": "red"})
    assert dict(failures) == {
        "public_key": "public_key is required",
        "colour": "colour is not an input of SshKey; the inputs are: public_key, name, primary",
    }
    _, failures = keys.check({**KEY, "name": ""})
    assert [p for p, _ in failures] == ["name"]
    assert sum(emulator.counts().values()) == 0


def test_check_names_the_key_from_its_public_key(keys: ProviderProcess) -> None:
    inputs = checked_key(keys)
    assert inputs["name"].startswith("deploy-") and len(inputs["name"]) == len("deploy-") + 7
    assert checked_key(keys)["name"] == inputs["name"], "a rerun must generate the same name"
    assert checked_key(keys, public_key=public_key(2))["name"] != inputs["name"]
    assert checked_key(keys, primary=True)["name"] == inputs["name"]
    preview, failures = keys.check({**KEY, "public_key": UNKNOWN}, name="deploy")
    assert failures == [] and preview["name"] == UNKNOWN


def test_create_uploads_once_then_read_and_diff_see_no_change(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked_key(keys)
    key_id, outs = keys.create(inputs, name="deploy")
    assert outs["ssh_key_id"] == key_id and outs["name"] == inputs["name"]
    assert outs["fingerprint"].startswith("SHA256:") and outs["created_at"]
    assert outs["is_primary"] is True, "the account's first key is primary (the emulator's guess)"
    assert account(emulator) == [(key_id, inputs["name"], True)]
    assert emulator.counts()["upload_ssh_key"] == 1
    assert API_KEY not in repr(outs)

    read_id, read_outs = keys.read(key_id, outs, name="deploy")
    assert read_id == key_id and {k: read_outs[k] for k in outs} == outs
    assert emulator.counts().get("list_ssh_keys", 0) >= 2, "read lists: the API has no GET"
    assert keys.diff(key_id, outs, inputs, name="deploy").changes == (
        provider_pb2.DiffResponse.DIFF_NONE
    )


def test_a_new_name_or_public_key_replaces_the_key(keys: ProviderProcess) -> None:
    inputs = checked_key(keys)
    key_id, outs = keys.create(inputs, name="deploy")
    renamed = keys.diff(key_id, outs, checked_key(keys, name="laptop"), name="deploy")
    assert list(renamed.replaces) == ["name"], "the API cannot rename a key"
    rekeyed = keys.diff(key_id, outs, checked_key(keys, public_key=public_key(2)), name="deploy")
    assert set(rekeyed.replaces) == {"public_key", "name"}, "a new key, a new generated name"
    assert not rekeyed.deleteBeforeReplace
    named = {**outs, "name": "laptop"}
    same_name = keys.diff(key_id, named, {**inputs, "name": "laptop", "public_key": public_key(2)})
    assert list(same_name.replaces) == ["public_key"]
    assert same_name.deleteBeforeReplace, "same name: the old key must go first"


def test_becoming_primary_is_in_place_and_unmakes_the_other_primary_key(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    first = emulator.upload_ssh_key("laptop", public_key(0))
    inputs = checked_key(keys)
    key_id, outs = keys.create(inputs, name="deploy")
    assert outs["is_primary"] is False

    primary = checked_key(keys, primary=True)
    diff = keys.diff(key_id, outs, primary, name="deploy")
    assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    updated = keys.update(key_id, outs, primary, name="deploy")
    assert updated["is_primary"] is True and updated["ssh_key_id"] == key_id
    assert account(emulator) == [(first["id"], "laptop", False), (key_id, inputs["name"], True)]
    assert emulator.counts()["upload_ssh_key"] == 2, "the by-hand one and ours: no new upload"

    # primary=False after True: nothing is sent; the key stays primary until another is.
    calls = sum(emulator.counts().values())
    unmade = keys.update(key_id, updated, checked_key(keys, primary=False), name="deploy")
    assert unmade["is_primary"] is True and sum(emulator.counts().values()) == calls

    # Another key taken primary behind Pulumi's back: refresh reads it, up retakes it.
    assert emulator.api.patch(f"/api/v1/ssh_keys/{first['id']}", json={"isPrimary": True})
    _, refreshed = keys.read(key_id, updated, name="deploy")
    assert refreshed["is_primary"] is False
    retake = keys.diff(key_id, refreshed, primary, name="deploy")
    assert retake.changes == provider_pb2.DiffResponse.DIFF_SOME and list(retake.replaces) == []
    keys.update(key_id, refreshed, primary, name="deploy")
    assert [primary for _, _, primary in account(emulator)] == [False, True]


def test_a_key_declared_primary_is_primary_when_create_returns(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.upload_ssh_key("laptop", public_key(0))
    key_id, outs = keys.create(checked_key(keys, primary=True), name="deploy")
    assert outs["is_primary"] is True
    assert [k for k, _, primary in account(emulator) if primary] == [key_id]


def test_a_key_that_cannot_be_made_primary_is_deleted_before_the_error(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.upload_ssh_key("laptop", public_key(0))
    emulator.fault("set_primary_ssh_key", "status", status=403, detail="Not your key")
    with pytest.raises(grpc.RpcError) as info:
        keys.create(checked_key(keys, primary=True), name="deploy")
    text = error_text(info.value).strip()
    assert text.startswith("prime_pulumi.SshKeyError: SshKey 'deploy-")
    assert "could not be made primary" in text and "Not your key" in text
    assert text.endswith("It was deleted, so nothing is left of it.") and "\n" not in text
    assert [name for _, name, _ in account(emulator)] == ["laptop"]


def test_delete_removes_the_key_and_a_second_delete_is_done(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    key_id, outs = keys.create(checked_key(keys), name="deploy")
    keys.delete(key_id, outs, name="deploy")
    assert account(emulator) == []
    keys.delete(key_id, outs, name="deploy")
    assert emulator.counts()["delete_ssh_key"] == 2
    assert keys.read(key_id, outs, name="deploy") == ("", {}), "a key not listed is gone"


def test_a_lost_upload_answer_is_found_by_name_and_never_posted_twice(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.fault("upload_ssh_key", "drop_after")
    inputs = checked_key(keys)
    key_id, outs = keys.create(inputs, name="deploy")
    assert outs["name"] == inputs["name"]
    assert emulator.counts()["upload_ssh_key"] == 1
    assert account(emulator) == [(key_id, inputs["name"], True)]


def test_a_key_an_interrupted_run_uploaded_is_adopted(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked_key(keys)
    # The same key, another comment: the key is what counts.
    made = emulator.upload_ssh_key(inputs["name"], public_key(1, comment="other@host"))
    key_id, outs = keys.create(inputs, name="deploy")
    assert key_id == made["id"] and outs["ssh_key_id"] == made["id"]
    assert emulator.counts()["upload_ssh_key"] == 1, "only the interrupted run's own upload"


def test_a_name_held_by_another_public_key_is_refused_and_nothing_is_uploaded(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    other = emulator.upload_ssh_key("laptop", public_key(0))
    with pytest.raises(grpc.RpcError) as info:
        keys.create(checked_key(keys, name="laptop"), name="deploy")
    text = error_text(info.value).strip()
    assert text.startswith("prime_pulumi.SshKeyError: SshKey 'laptop': an SSH key of that name")
    assert f"({other['id']}) with public key SHA256:" in text and "\n" not in text
    assert [k for k, _, _ in account(emulator)] == [other["id"]]


def test_an_import_recovers_the_inputs_from_the_key(
    keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    made = emulator.upload_ssh_key("laptop", public_key(0))
    key_id, outs = keys.read(made["id"], {}, name="laptop")
    assert key_id == made["id"]
    assert (outs["name"], outs["public_key"], outs["primary"]) == ("laptop", public_key(0), True)
    inputs, failures = keys.check(
        {"name": "laptop", "public_key": public_key(0), "primary": True}, name="laptop"
    )
    assert failures == []
    same = keys.diff(key_id, outs, inputs, name="laptop")
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE, "the program as read: no change"


def test_a_pod_declared_with_the_key_is_created_with_it(
    provider: ProviderProcess, keys: ProviderProcess, emulator: EmulatorControl
) -> None:
    emulator.upload_ssh_key("laptop", public_key(0))  # the account's primary key
    key_id, _ = keys.create(checked_key(keys), name="deploy")
    pod_inputs = checked(provider, ssh_key_id=key_id)
    pod_id, pod = provider.create(pod_inputs)
    assert pod["ssh_key_id"] == key_id
    (made,) = [p for p in emulator.pods() if p["id"] == pod_id]
    assert made["sshKeyId"] == key_id, "the emulator made the pod with the declared key"
    provider.delete(pod_id, pod)
