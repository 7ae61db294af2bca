"""Every request the client sends is one the published document describes.

One entry per public :class:`PrimeClient` call: the call is made against the emulator
through an injected ``httpx.MockTransport`` that records each request and passes it on,
and each request is held to its operation in ``compute.yml`` (``platform.yml`` for the
admin cluster call): the method and path exist, each query parameter is one the
operation declares and its value validates against the parameter's schema, required
ones are there, and the JSON body validates against the operation's ``requestBody``
schema (``$ref``s resolved in the document). A public method the table does not cover
fails the test, so each new call needs its entry. Skipped, with the
reason, where the documents are absent.
"""

from __future__ import annotations

import inspect
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from prime_pulumi.client import (
    CreateDiskRequest,
    CreatePodRequest,
    DiskSpec,
    EnvVar,
    PodSpec,
    PrimeClient,
    ProviderSpec,
    UploadSshKeyRequest,
)
from prime_pulumi.emulator import DEFAULT_ADMIN_KEY, WireCluster
from tests.kit.published_api import COMPUTE, PLATFORM, document, problems, validator
from tests.kit.samples import public_key

OFFER = "runpod-h100-pcie-1x-us-ks-2"


@dataclass(frozen=True)
class Made:
    """What exists before a call: a pod, a disk, a cluster and an SSH key, by id."""

    pod_id: str
    disk_id: str
    cluster_id: str
    key_id: str


def _pod_request(disk_id: str, key_id: str) -> CreatePodRequest:
    """A create with every field the client can send."""
    spec = PodSpec(
        name="documented",
        cloud_id=OFFER,
        gpu_type="H100_80GB",
        socket="PCIe",
        gpu_count=1,
        disk_size=100,
        vcpus=8,
        memory=64,
        max_price=5.0,
        image="ubuntu_22_cuda_12",
        custom_template_id="tmpl-1",
        data_center_id="US-KS-2",
        country="US",
        security="community_cloud",
        env_vars=[EnvVar(key="MODE", value="train")],
        jupyter_password="secret",
        ssh_key_id=key_id,
        auto_restart=True,
    )
    return CreatePodRequest(
        pod=spec,
        provider=ProviderSpec(type="runpod"),
        disks=[disk_id],
        shared_with_team=True,
        team_member_ids=["user-1"],
    )


def _disk_request() -> CreateDiskRequest:
    """A create with every field the client can send."""
    spec = DiskSpec(size=50, name="documented", country="US", data_center_id="US-KS-2")
    return CreateDiskRequest(disk=spec, provider=ProviderSpec(type="runpod"))


Call = Callable[[PrimeClient, Made], object]

#: Each public call, made with every option that reaches the request.
CALLS: dict[str, Call] = {
    "list_pods_page": lambda c, m: c.list_pods_page(offset=1, limit=5),
    "iter_pods": lambda c, m: list(c.iter_pods(page_size=5)),
    "list_pods": lambda c, m: c.list_pods(page_size=5),
    "find_pods_by_name": lambda c, m: c.find_pods_by_name("trainer"),
    "get_pod": lambda c, m: c.get_pod(m.pod_id),
    "get_pod_statuses": lambda c, m: c.get_pod_statuses([m.pod_id, "other"]),
    "create_pod": lambda c, m: c.create_pod(_pod_request(m.disk_id, m.key_id)),
    "pod_logs": lambda c, m: c.pod_logs(m.pod_id, tail=5),
    "delete_pod": lambda c, m: c.delete_pod(m.pod_id),
    "iter_pod_history": lambda c, m: list(c.iter_pod_history(page_size=5)),
    "list_pod_history": lambda c, m: c.list_pod_history(page_size=5),
    "list_disks_page": lambda c, m: c.list_disks_page(offset=1, limit=5),
    "iter_disks": lambda c, m: list(c.iter_disks(page_size=5)),
    "list_disks": lambda c, m: c.list_disks(page_size=5),
    "find_disks_by_name": lambda c, m: c.find_disks_by_name("data"),
    "get_disk": lambda c, m: c.get_disk(m.disk_id),
    "create_disk": lambda c, m: c.create_disk(_disk_request()),
    "rename_disk": lambda c, m: c.rename_disk(m.disk_id, "renamed"),
    # The pod mounting the disk goes first, as it must.
    "delete_disk": lambda c, m: (c.delete_pod(m.pod_id), c.delete_disk(m.disk_id)),
    "list_gpu_availability": lambda c, m: c.list_gpu_availability(
        gpu_type="H100_80GB",
        gpu_count=1,
        regions=["united_states", "canada"],
        socket="PCIe",
        security="community_cloud",
        data_center_id="US-KS-2",
        cloud_id=OFFER,
        disks=[m.disk_id],
        page_size=5,
    ),
    "list_gpu_availability(multi_node)": lambda c, m: c.list_gpu_availability(
        gpu_type="H100_80GB", multi_node=True
    ),
    "list_disk_availability": lambda c, m: c.list_disk_availability(
        regions=["united_states"], data_center_id="US-KS-2", cloud_id="x", page_size=5
    ),
    "get_cluster": lambda c, m: c.get_cluster(m.cluster_id),
    "get_gpu_summary": lambda c, m: c.get_gpu_summary(),
    "get_gpu_summary(multi_node)": lambda c, m: c.get_gpu_summary(multi_node=True),
    "list_ssh_keys_page": lambda c, m: c.list_ssh_keys_page(offset=1, limit=5),
    "iter_ssh_keys": lambda c, m: list(c.iter_ssh_keys(page_size=5)),
    "list_ssh_keys": lambda c, m: c.list_ssh_keys(page_size=5),
    "find_ssh_keys_by_name": lambda c, m: c.find_ssh_keys_by_name("deploy"),
    "upload_ssh_key": lambda c, m: c.upload_ssh_key(
        UploadSshKeyRequest(name="deploy", public_key=public_key(1))
    ),
    "set_primary_ssh_key": lambda c, m: c.set_primary_ssh_key(m.key_id),
    "delete_ssh_key": lambda c, m: c.delete_ssh_key(m.key_id),
}

#: Public names that send no request.
SENDS_NOTHING = {"close", "is_closed"}


def _public_calls() -> set[str]:
    return {
        name
        for name, value in inspect.getmembers(PrimeClient)
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }


def test_the_table_covers_every_public_call() -> None:
    covered = {name.split("(")[0] for name in CALLS} | SENDS_NOTHING
    assert _public_calls() - covered == set(), "add an entry to CALLS for each new call"
    assert covered - _public_calls() == set(), "CALLS names a call the client lacks"


@pytest.fixture
def made(prime_emulator: Any) -> Made:
    """A pod mounting an ACTIVE disk, made with an SSH key, and a cluster (the fixture's
    disks take 0.2 s)."""
    url = prime_emulator.base_url
    with PrimeClient(DEFAULT_ADMIN_KEY, base_url=url) as client:
        disk = client.create_disk(_disk_request())
        deadline = time.monotonic() + 30
        while client.get_disk(disk.id).status != "ACTIVE" and time.monotonic() < deadline:
            time.sleep(0.05)
        key = client.upload_ssh_key(UploadSshKeyRequest(name="deploy", public_key=public_key()))
        pod = client.create_pod(_pod_request(disk.id, key.id))
    cluster = prime_emulator.backend.add_cluster(
        WireCluster.model_validate({"name": "c", "nodes": [{"id": "n1", "connections": [{}]}]})
    )
    return Made(pod_id=pod.id, disk_id=disk.id, cluster_id=cluster.id, key_id=key.id)


@pytest.mark.parametrize("name", list(CALLS))
def test_each_request_is_one_the_document_describes(
    prime_emulator: Any, made: Made, name: str
) -> None:
    sent: list[httpx.Request] = []
    passing = httpx.Client()

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answer = passing.send(request)
        content_type = answer.headers.get("content-type", "application/json")
        return httpx.Response(
            answer.status_code, content=answer.content, headers={"content-type": content_type}
        )

    with (
        passing,
        PrimeClient(
            DEFAULT_ADMIN_KEY,
            base_url=prime_emulator.base_url,
            team_id="team-1",
            transport=httpx.MockTransport(record),
        ) as client,
    ):
        CALLS[name](client, made)
    assert sent, f"{name} sent no request"
    found = [problem for request in sent for problem in _undocumented(request)]
    assert found == []


def _undocumented(request: httpx.Request) -> list[str]:
    """What the documents do not allow in ``request``; empty when it is all described."""
    said = f"{request.method} {request.url.path}"
    located = _operation(request.method, request.url.path)
    if located is None:
        return [f"{said}: no such operation in {COMPUTE} or {PLATFORM}"]
    doc, operation, path_values = located
    wrong = [f"{said}: {p}" for p in _query_problems(doc, operation, request, path_values)]
    body = request.content
    if body:
        schema = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if schema is None:
            return [*wrong, f"{said}: sends a body the operation does not take"]
        check = validator(doc, schema["schema"])
        wrong += [f"{said} body {p}" for p in problems(check, json.loads(body))]
    elif operation.get("requestBody", {}).get("required"):
        wrong.append(f"{said}: sends no body where one is required")
    return wrong


def _operation(
    method: str, path: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]] | None:
    """The document, operation and path values of ``method path``; literal paths first."""
    for name in (COMPUTE, PLATFORM):
        doc = document(name)
        # /pods/history before /pods/{pod_id}: the fewer templated segments, the better.
        for template in sorted(doc["paths"], key=lambda t: t.count("{")):
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            matched = re.fullmatch(pattern, path)
            operation = doc["paths"][template].get(method.lower())
            if matched and operation is not None:
                return doc, operation, matched.groupdict()
    return None


def _query_problems(
    doc: dict[str, Any],
    operation: dict[str, Any],
    request: httpx.Request,
    path_values: dict[str, str],
) -> list[str]:
    declared = {p["name"]: p for p in operation.get("parameters", [])}
    given: dict[str, list[str]] = {}
    for key, value in request.url.params.multi_items():
        given.setdefault(key, []).append(value)
    wrong = [f"query {key}: not a parameter of the operation" for key in given.keys() - declared]
    for key, parameter in declared.items():
        values = given.get(key) if parameter["in"] == "query" else None
        if parameter["in"] == "path":
            values = [path_values[key]]
        if values is None:
            if parameter.get("required"):
                wrong.append(f"{parameter['in']} {key}: required, not sent")
            continue
        value = _typed(doc, parameter["schema"], values)
        wrong += [f"query {key} {p}" for p in problems(validator(doc, parameter["schema"]), value)]
    return wrong


def _typed(doc: dict[str, Any], schema: dict[str, Any], values: list[str]) -> Any:
    """A query's strings as the JSON values the schema speaks of: one, or a list."""
    kinds = _kinds(doc, schema)
    if "array" in kinds:
        return [_scalar(kinds, value) for value in values]
    if len(values) != 1:
        return values  # sent several times where one value is declared: a list fails
    return _scalar(kinds, values[0])


def _kinds(doc: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """Every JSON type ``schema`` (and its ``anyOf``, ``$ref`` and ``items``) names."""
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kinds = {schema["type"]} if isinstance(schema.get("type"), str) else set()
    for part in schema.get("anyOf", []):
        kinds |= _kinds(doc, part)
    if "items" in schema:
        kinds |= _kinds(doc, schema["items"])
    return kinds


def _scalar(kinds: set[str], value: str) -> Any:
    if "integer" in kinds and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in kinds and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    if "boolean" in kinds and value in ("true", "false"):
        return value == "true"
    return value
