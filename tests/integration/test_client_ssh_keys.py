"""Every SSH key call of the client against the emulator on loopback: upload, pages, primary,
delete, a refused key, and an upload whose answer is lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from prime_pulumi.client import (
    CreateOutcomeUnknownError,
    NotFoundError,
    PrimeClient,
    UnprocessableEntityError,
    UploadSshKeyRequest,
)
from prime_pulumi.emulator import DEFAULT_API_KEY
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.emulator.server import EmulatorServer
from tests.kit.samples import public_key


@pytest.fixture
def control(prime_emulator: EmulatorServer) -> Iterator[EmulatorControl]:
    control = EmulatorControl(prime_emulator.base_url, DEFAULT_API_KEY)
    yield control
    control.close()


def upload(client: PrimeClient, name: str, number: int = 0) -> str:
    return client.upload_ssh_key(UploadSshKeyRequest(name=name, public_key=public_key(number))).id


def test_upload_list_pages_and_find_by_name(client: PrimeClient) -> None:
    ids = [upload(client, f"key-{n}", n) for n in range(5)]
    key = client.list_ssh_keys()[0]
    assert (key.id, key.name, key.public_key) == (ids[0], "key-0", public_key(0))
    assert key.is_primary and key.is_user_key and key.created_at is not None
    assert [k.id for k in client.list_ssh_keys(page_size=2)] == ids, "every page, in order"
    assert client.list_ssh_keys_page(offset=4, limit=2).total_count == 5
    assert [k.id for k in client.find_ssh_keys_by_name("key-3")] == [ids[3]]


def test_set_primary_and_delete(client: PrimeClient) -> None:
    first, second = upload(client, "first"), upload(client, "second", 1)
    answer = client.set_primary_ssh_key(second)
    assert answer.updated_fields == {"isPrimary": True}
    assert [k.id for k in client.list_ssh_keys() if k.is_primary] == [second]
    assert client.delete_ssh_key(second) is True
    assert [k.id for k in client.list_ssh_keys() if k.is_primary] == [first]
    assert client.delete_ssh_key(second, missing_ok=True) is False
    with pytest.raises(NotFoundError):
        client.set_primary_ssh_key(second)


def test_a_key_that_is_no_openssh_key_is_refused_naming_the_field(client: PrimeClient) -> None:
    with pytest.raises(UnprocessableEntityError) as info:
        client.upload_ssh_key(UploadSshKeyRequest(name="bad", public_key="ssh-rsa AAAA"))
    assert info.value.status_code == 422 and "publicKey" in str(info.value)
    assert client.list_ssh_keys() == []


def test_an_upload_whose_answer_is_lost_is_never_posted_again(
    client: PrimeClient, control: EmulatorControl
) -> None:
    control.fault("upload_ssh_key", "drop_after")
    with pytest.raises(CreateOutcomeUnknownError) as info:
        upload(client, "lost")
    assert (info.value.name, info.value.resource) == ("lost", "SSH key")
    assert control.counts()["upload_ssh_key"] == 1
    assert [k.name for k in client.list_ssh_keys()] == ["lost"], "it was made, once"
