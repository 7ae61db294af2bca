"""SSH keys over HTTP on loopback: the document's shapes, the emulator's guesses (which key
is primary, what a refused key answers, unknown ids), and which key a pod is made with."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.emulator.support import OFFER_BODY
from tests.kit.samples import public_key

KEYS = "/api/v1/ssh_keys/"
#: ``APISSHKeyConfig``'s properties in compute.yml, every one of them sent.
KEY_FIELDS = {
    "id", "userId", "name", "publicKey", "isPrimary", "isUserKey", "createdAt", "updatedAt",
}  # fmt: skip


def upload(api: httpx.Client, name: str, number: int = 0) -> dict[str, Any]:
    response = api.post(KEYS, json={"name": name, "publicKey": public_key(number)})
    assert response.status_code == 200, response.text
    key: dict[str, Any] = response.json()
    return key


def listed(api: httpx.Client) -> list[dict[str, Any]]:
    response = api.get(KEYS)
    assert response.status_code == 200
    keys: list[dict[str, Any]] = response.json()["data"]
    return keys


def primary_names(api: httpx.Client) -> list[str]:
    return [key["name"] for key in listed(api) if key["isPrimary"]]


def test_an_upload_answers_the_documented_key_and_the_list_pages_it(api: httpx.Client) -> None:
    key = upload(api, "laptop")
    assert set(key) == KEY_FIELDS
    assert (key["name"], key["publicKey"]) == ("laptop", public_key(0))
    assert key["isUserKey"] is True and key["createdAt"].endswith("Z")
    upload(api, "ci", 1)
    page = api.get(KEYS, params={"offset": 1, "limit": 1}).json()
    assert set(page) == {"total_count", "offset", "limit", "data", "status"}
    assert (page["total_count"], page["offset"], page["limit"]) == (2, 1, 1)
    assert [k["name"] for k in page["data"]] == ["ci"]


def _blob_of(key_type: bytes, body: bytes = b"x" * 32) -> str:
    return base64.b64encode(len(key_type).to_bytes(4, "big") + key_type + body).decode()


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("not a key", "unknown key type 'not'"),
        ("ssh-ed25519", "its type, then its base64 blob"),
        ("ssh-ed25519 !!notbase64!!", "not base64"),
        (f"ssh-rsa {_blob_of(b'ssh-ed25519')}", "not a ssh-rsa key"),
        ("ssh-ed25519 AAAA", "too short"),
    ],
)
def test_a_public_key_that_is_no_openssh_key_is_a_422_naming_the_field(
    api: httpx.Client, line: str, said: str
) -> None:
    response = api.post(KEYS, json={"name": "bad", "publicKey": line})
    assert response.status_code == 422
    assert "publicKey" in response.text and said in response.text
    assert listed(api) == [], "nothing was kept"


def test_every_openssh_key_type_is_taken(api: httpx.Client) -> None:
    for number, key_type in enumerate([b"ssh-rsa", b"ecdsa-sha2-nistp256", b"ssh-ed25519"]):
        line = f"{key_type.decode()} {_blob_of(key_type)}"  # no comment: still a key
        response = api.post(KEYS, json={"name": f"k{number}", "publicKey": line})
        assert response.status_code == 200, response.text


def test_the_first_key_is_primary_and_making_another_primary_unmakes_it(
    api: httpx.Client,
) -> None:
    upload(api, "first")
    second = upload(api, "second", 1)
    assert primary_names(api) == ["first"], "only the account's first key starts primary"

    response = api.patch(f"{KEYS}{second['id']}", json={"isPrimary": True})
    assert response.status_code == 200
    assert response.json() == {
        "message": "SSH key set as primary",
        "updated_fields": {"isPrimary": True},
    }
    assert primary_names(api) == ["second"]

    refused = api.patch(f"{KEYS}{second['id']}", json={"isPrimary": False})
    assert refused.status_code == 422 and "isPrimary" in refused.text
    assert api.patch(f"{KEYS}{second['id']}", json={}).json()["updated_fields"] == {}
    assert primary_names(api) == ["second"]


def test_deleting_the_primary_key_makes_the_oldest_remaining_one_primary(
    api: httpx.Client,
) -> None:
    first = upload(api, "first")
    upload(api, "second", 1)
    upload(api, "third", 2)
    assert api.delete(f"{KEYS}{first['id']}").status_code == 200
    assert primary_names(api) == ["second"]
    assert [k["name"] for k in listed(api)] == ["second", "third"]


def test_an_unknown_key_id_is_a_404(api: httpx.Client) -> None:
    assert api.delete(f"{KEYS}nope").status_code == 404
    assert api.patch(f"{KEYS}nope", json={"isPrimary": True}).status_code == 404
    key = upload(api, "once")
    assert api.delete(f"{KEYS}{key['id']}").status_code == 200
    assert api.delete(f"{KEYS}{key['id']}").status_code == 404, "a key deleted is gone"


def _pod(api: httpx.Client, **pod: Any) -> httpx.Response:
    return api.post("/api/v1/pods/", json={**OFFER_BODY, "pod": {**OFFER_BODY["pod"], **pod}})


def test_a_pod_is_made_with_the_key_it_names_or_the_primary_one(
    api: httpx.Client, control: httpx.Client
) -> None:
    assert _pod(api, name="keyless").status_code == 200
    primary = upload(api, "primary")
    other = upload(api, "other", 1)
    assert _pod(api, name="by-default").status_code == 200
    assert _pod(api, name="named", sshKeyId=other["id"]).status_code == 200

    unknown = _pod(api, name="unknown", sshKeyId="nope")
    assert unknown.status_code == 404 and "SSH key nope" in unknown.text

    pods = control.get("/_emulator/pods").json()["data"]
    assert {p["name"]: p["sshKeyId"] for p in pods} == {
        "keyless": None,
        "by-default": primary["id"],
        "named": other["id"],
    }, "the control view shows each pod's key; the unknown key made no pod"
    assert "sshKeyId" not in api.get("/api/v1/pods/").json()["data"][0], "the API's pod does not"
