"""The emulator against Prime Intellect's published documents (schemathesis, in process).

Every operation of ``compute.yml`` the emulator serves (and the admin cluster route of
``platform.yml``) is run through schemathesis's phases, in process against the ASGI app:
the document's examples, coverage (boundary and invalid values of each parameter and
key) and fuzzing; then the stateful phase. The document declares no links, but
schemathesis infers them from its schemas (a pod's or disk's ``id`` from the create and
the lists feeds the ``{pod_id}``/``{disk_id}`` of get, patch and delete). Its workflows
start from the lists (it makes no create a root step), so each begins with pods and disks
made through the backend, which it then reads, renames and deletes by their ids.

Each answer must satisfy every check (status codes, content types, bodies against the
document's schemas, valid requests accepted, invalid ones refused) except where the
emulator deliberately differs: :data:`DEVIATIONS` lists each (operation, check, status)
with why, docs/emulator.md says each in "Where the emulator differs from the document",
and any other failure fails the test. Each listed deviation has a witness, a request
that shows it, so a deviation that no longer happens fails too.

The documents are read from ``../shared/openapi/`` beside the repository; the module
skips, with the reason, where they are absent. Budget: about a minute on two cores
(``max_examples`` below).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, assume, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.schemas import BaseSchema

from prime_pulumi.emulator import DEFAULT_ADMIN_KEY, EmulatorBackend, create_app
from prime_pulumi.emulator.disks.wire import WireCreateDiskRequest
from prime_pulumi.emulator.http import API_TAG
from prime_pulumi.emulator.pods.wire import WireCreatePodRequest
from tests.emulator.support import OFFER_BODY
from tests.kit.published_api import COMPUTE, PLATFORM, document, document_path
from tests.kit.samples import public_key

COMPUTE_PATH = document_path(COMPUTE)  # skips the module where the document is absent
PLATFORM_PATH = document_path(PLATFORM)

# The admin key passes every route, so valid requests reach the endpoints' logic.
AUTH = {"Authorization": f"Bearer {DEFAULT_ADMIN_KEY}"}

#: Examples per operation and phase: enough to reach each branch, within the budget.
MAX_EXAMPLES = 30
STATEFUL_STEPS = 10

STATUS = "status_code_conformance"
POSITIVE = "positive_data_acceptance"
NEGATIVE = "negative_data_rejection"

Witness = Callable[[httpx.Client], httpx.Response]


@dataclass(frozen=True)
class Deviation:
    """An answer the document does not describe, given on purpose.

    ``operation`` as schemathesis names it (``GET /api/v1/pods/{pod_id}``), the
    ``checks`` that fail on it, the ``status`` answered, why, a ``witness``: a
    request that shows it today, the document whose operation it is, and what the
    failure's message must say (``about``), so that a listed deviation hides no other.
    """

    operation: str
    checks: tuple[str, ...]
    status: int
    why: str
    witness: Witness
    document: str = COMPUTE
    #: A pattern the failure's message must match too, where the check alone says too little.
    about: str = ""


def _pod(api: httpx.Client, **pod: Any) -> httpx.Response:
    return api.post("/api/v1/pods/", json={**OFFER_BODY, "pod": {**OFFER_BODY["pod"], **pod}})


DISK_BODY: dict[str, Any] = {
    "disk": {"size": 10, "dataCenterId": "US-KS-2"},
    "provider": {"type": "runpod"},
}


def _disk(api: httpx.Client, **disk: Any) -> httpx.Response:
    body = {**DISK_BODY, "disk": {**DISK_BODY["disk"], **disk}}
    return api.post("/api/v1/disks/", json=body)


def _key(api: httpx.Client) -> httpx.Response:
    return api.post("/api/v1/ssh_keys/", json={"name": "k", "publicKey": public_key()})


def _held_disk(api: httpx.Client) -> httpx.Response:
    """Delete a disk a live pod mounts (disks of the ``api`` fixture are ACTIVE at once)."""
    disk = _disk(api).json()["id"]
    assert api.post("/api/v1/pods/", json={**OFFER_BODY, "disks": [disk]}).status_code == 200
    return api.delete(f"/api/v1/disks/{disk}")


_WHY_404 = (
    "an unknown id, or a pod or disk gone: the document declares only 200, 401 and 422, "
    "and a client must tell 'gone' from 'refused'"
)

#: Every way the emulator knowingly differs from compute.yml (docs/emulator.md says each).
DEVIATIONS: tuple[Deviation, ...] = (
    *(
        Deviation(f"{method} /api/v1/pods/{{pod_id}}", (STATUS,), 404, _WHY_404, witness)
        for method, witness in (
            ("GET", lambda api: api.get("/api/v1/pods/no-such-pod")),
            ("DELETE", lambda api: api.delete("/api/v1/pods/no-such-pod")),
        )
    ),
    *(
        Deviation(f"{method} /api/v1/disks/{{disk_id}}", (STATUS,), 404, _WHY_404, witness)
        for method, witness in (
            ("GET", lambda api: api.get("/api/v1/disks/no-such-disk")),
            ("PATCH", lambda api: api.patch("/api/v1/disks/no-such-disk", json={"name": "n"})),
            ("DELETE", lambda api: api.delete("/api/v1/disks/no-such-disk")),
        )
    ),
    *(
        Deviation(operation, (STATUS,), 404, _WHY_404, witness)
        for operation, witness in (
            ("GET /api/v1/pods/{pod_id}/log", lambda api: api.get("/api/v1/pods/no-such-pod/log")),
            (
                "DELETE /api/v1/ssh_keys/{key_id}",
                lambda api: api.delete("/api/v1/ssh_keys/no-such-key"),
            ),
            (
                "PATCH /api/v1/ssh_keys/{key_id}",
                lambda api: api.patch("/api/v1/ssh_keys/no-such-key", json={"isPrimary": True}),
            ),
        )
    ),
    Deviation(
        "POST /api/v1/ssh_keys/",
        (POSITIVE,),
        422,
        "a `publicKey` that is not an OpenSSH public key (its type, then base64 whose "
        "embedded type matches) is refused: the document types it only as a string (a guess)",
        lambda api: api.post("/api/v1/ssh_keys/", json={"name": "k", "publicKey": "not a key"}),
    ),
    Deviation(
        "PATCH /api/v1/ssh_keys/{key_id}",
        (POSITIVE,),
        422,
        "`isPrimary: false` is refused: the document says it must be true when given, "
        "though its schema allows false",
        lambda api: api.patch(
            f"/api/v1/ssh_keys/{_key(api).json()['id']}", json={"isPrimary": False}
        ),
    ),
    Deviation(
        "POST /api/v1/pods/",
        (STATUS,),
        404,
        "the `sshKeyId` is not a key of the account (a guess; the document documents no answer)",
        lambda api: _pod(api, sshKeyId="no-such-key"),
    ),
    Deviation(
        "GET /api/admin/clusters/{cluster_id}",
        (STATUS,),
        404,
        "an unknown cluster: platform.yml declares 200, 401, 403 and 422 only",
        lambda api: api.get("/api/admin/clusters/no-such-cluster", headers=AUTH),
        PLATFORM,
    ),
    Deviation(
        "POST /api/v1/pods/",
        (STATUS,),
        404,
        "a disk named in `disks` is unknown or gone (a guess; the API documents no answer)",
        lambda api: api.post("/api/v1/pods/", json={**OFFER_BODY, "disks": ["no-such-disk"]}),
    ),
    Deviation(
        "POST /api/v1/pods/",
        (STATUS, POSITIVE),
        400,
        "the offer costs more than `maxPrice`, or a disk is in another data center (a guess)",
        lambda api: _pod(api, maxPrice=0.01),
    ),
    Deviation(
        "POST /api/v1/pods/",
        (STATUS,),
        409,
        "the offer is out of stock, or a disk is not ACTIVE (a guess)",
        lambda api: _pod(api, cloudId="massedcompute-h100-pcie-1x-us-central-1"),
    ),
    *(
        Deviation(
            operation,
            (NEGATIVE,),
            200,
            "a body value of another JSON type that converts plainly (0 or 1 for a boolean, "
            "5.0 for an integer) is taken, as FastAPI's default (lax) validation, the real "
            "API's, takes it",
            witness,
            # A value of another type (`true` for a number) shows as either message.
            about=r"Incorrect type|violates `anyOf`",
        )
        for operation, witness in (
            ("POST /api/v1/pods/", lambda api: _pod(api, autoRestart=0)),
            ("POST /api/v1/disks/", lambda api: _disk(api, size=10.0)),
        )
    ),
    Deviation(
        "POST /api/v1/disks/",
        (STATUS,),
        409,
        "the disk offer is out of stock (a guess, as for pods)",
        lambda api: api.post(
            "/api/v1/disks/",
            json={
                "disk": {"size": 10, "dataCenterId": "us-central-1"},
                "provider": {"type": "massedcompute"},
            },
        ),
    ),
    Deviation(
        "POST /api/v1/disks/",
        (POSITIVE,),
        422,
        "a body the document allows that no disk offer fits (provider, place or size): "
        "the document's 422, though the body matches its schema",
        lambda api: _disk(api, size=999_999),
    ),
    Deviation(
        "DELETE /api/v1/disks/{disk_id}",
        (STATUS,),
        409,
        "a pod not yet terminated mounts the disk: delete the pod first (a guess)",
        _held_disk,
    ),
    Deviation(
        "PATCH /api/v1/disks/{disk_id}",
        (POSITIVE,),
        422,
        "an empty name is refused: a disk keeps a name (the document sets no minimum)",
        lambda api: api.patch(f"/api/v1/disks/{_disk(api).json()['id']}", json={"name": ""}),
    ),
    *(
        Deviation(
            f"GET {path}",
            (NEGATIVE,),
            200,
            "a query the document calls invalid is answered: unknown parameters are ignored, "
            "as FastAPI (the real API's framework) ignores them, and a query string carries "
            "no types (one value is a valid array of one)",
            lambda api, path=path: api.get(path, params={"no_such_parameter": "1"}),  # type: ignore[misc]
            about=r"in query\b|- query: ",
        )
        for path in (
            "/api/v1/availability/",
            "/api/v1/availability/clusters",
            "/api/v1/availability/disks",
            "/api/v1/availability/gpus",
            "/api/v1/availability/multi-node",
            "/api/v1/disks/",
            "/api/v1/pods/",
            "/api/v1/pods/history",
            "/api/v1/pods/status",
        )
    ),
    *(
        Deviation(
            f"GET {path}",
            (POSITIVE,),
            422,
            "a page is 1 to 100 items from offset 0 on: the document bounds neither `limit` "
            "nor `offset`; the emulator refuses what a real page could not be",
            lambda api, path=path: api.get(path, params={"limit": 101}),  # type: ignore[misc]
        )
        for path in (
            "/api/v1/pods/",
            "/api/v1/pods/history",
            "/api/v1/disks/",
            "/api/v1/ssh_keys/",
        )
    ),
)

#: Operations of compute.yml the emulator does not serve yet, and why.
NOT_SERVED: dict[str, str] = {}

CONFIG = SchemathesisConfig.from_dict({"checks": {NEGATIVE: {"enabled": True}}})


def _served(app: Any) -> set[tuple[str, str]]:
    """The (method, path) of every API route the app serves, with and without the slash."""
    return {
        (method, route.path)
        for route in app.router.routes
        if isinstance(route, APIRoute) and API_TAG in route.tags
        for method in route.methods or ()
    }


def _loaded(path: Path, app: Any, *, only: str | None = None) -> BaseSchema:
    """The document at ``path``, limited to what ``app`` serves, called in process."""
    served = _served(app)

    def wanted(ctx: Any) -> bool:
        operation = ctx.operation
        return (operation.method.upper(), operation.path) in served and (
            only is None or re.match(only, operation.path) is not None
        )

    schema = schemathesis.openapi.from_path(path, config=CONFIG).include(func=wanted)
    schema.app = app
    return schema


BACKEND = EmulatorBackend(provision_seconds=0, disk_provision_seconds=0)
APP = create_app(BACKEND)
compute = _loaded(COMPUTE_PATH, APP)
platform = _loaded(PLATFORM_PATH, APP, only="^/api/admin/clusters")


def _listed(failure: Failure) -> bool:
    """Whether a deviation lists ``failure``: its operation, check, status and message."""
    status = getattr(failure, "status_code", None)
    return any(
        (d.operation, d.status) == (failure.operation, status)
        and _check(failure) in d.checks
        and re.search(d.about, failure.message) is not None
        for d in DEVIATIONS
    )


def _unlisted(error: Failure | FailureGroup) -> list[Failure]:
    """The failures of ``error`` that no deviation lists."""
    failures = list(error.exceptions) if isinstance(error, FailureGroup) else [error]
    return [failure for failure in failures if not _listed(failure)]


def _check(failure: Failure) -> str:
    checks: tuple[str, ...] = getattr(failure, "checks", ())
    return checks[0] if checks else type(failure).__name__


def _conform(case: Any, call: Callable[[], Any]) -> None:
    """Run ``call`` for ``case``; re-raise what it finds that no deviation lists."""
    try:
        call()
    except (Failure, FailureGroup) as error:
        unlisted = _unlisted(error)
        if unlisted:
            sent = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}"
            raise FailureGroup(unlisted, f"not as the document says: {sent}") from None


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@compute.parametrize()
@SETTINGS
def test_the_emulator_answers_as_compute_yml_says(case: Any) -> None:  # a schemathesis Case
    # No pod is named after a fixed route: DELETE /pods/status is that route's 405.
    assume((case.path_parameters or {}).get("pod_id") not in ("status", "history"))
    _conform(case, lambda: case.call_and_validate(headers=AUTH))


@platform.parametrize()
@SETTINGS
def test_the_admin_cluster_route_answers_as_platform_yml_says(case: Any) -> None:
    _conform(case, lambda: case.call_and_validate(headers=AUTH))


#: Pods and disks each stateful workflow starts with.
SEEDED = 2


class _Workflow(compute.as_state_machine()):  # type: ignore[misc]
    """Pods and disks listed, then read, renamed and deleted by the ids the lists gave."""

    def setup(self) -> None:
        now = BACKEND.list_pods(0, 100).total_count, BACKEND.list_disks(0, 100).total_count
        for _ in range(SEEDED - now[0]):
            BACKEND.create_pod(WireCreatePodRequest.model_validate(OFFER_BODY))
        for _ in range(SEEDED - now[1]):
            BACKEND.create_disk(WireCreateDiskRequest.model_validate(DISK_BODY))

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": AUTH}

    def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
        _conform(
            case, lambda: super(_Workflow, self).validate_response(response, case, *args, **kwargs)
        )


def test_stateful_workflows_answer_as_compute_yml_says() -> None:
    assert _Workflow.bundles, "schemathesis inferred no link between the operations"
    before = _ended()
    run = settings(
        max_examples=MAX_EXAMPLES,
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    _Workflow.run(settings=run)
    # The workflows followed the ids the lists gave: some seeded pods and disks were deleted.
    assert all(after > then for after, then in zip(_ended(), before, strict=True))


def _ended() -> tuple[int, int]:
    """How many pods and disks the emulator holds as deleted."""
    pods = sum(pod.status == "TERMINATED" for pod in BACKEND.all_pods())
    disks = sum(disk.status in ("DELETING", "TERMINATED") for disk in BACKEND.all_disks())
    return pods, disks


# --- the list itself -----------------------------------------------------------------


@pytest.mark.parametrize(
    "deviation",
    DEVIATIONS,
    ids=[f"{d.operation} {d.status} {'+'.join(d.checks)}" for d in DEVIATIONS],
)
def test_each_listed_deviation_still_happens(api: httpx.Client, deviation: Deviation) -> None:
    assert deviation.witness(api).status_code == deviation.status
    method, path = deviation.operation.split(" ", 1)
    documented = document(deviation.document)["paths"][path][method.lower()]["responses"]
    if STATUS in deviation.checks:
        assert str(deviation.status) not in documented  # else it is no deviation


def test_the_docs_say_each_deviation() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "emulator.md").read_text(encoding="utf-8")
    section = docs.split("## Where the emulator differs from the document", 1)[1].split("\n## ")[0]
    # Each deviation is said in one bullet that names its operation and its status.
    bullets = re.split(r"\n\s*- ", section)
    unsaid = [
        f"{d.operation} {d.status}"
        for d in DEVIATIONS
        if not any(f"`{d.operation}`" in b and re.search(rf"\b{d.status}\b", b) for b in bullets)
    ]
    assert unsaid == []


def test_the_operations_not_served_are_the_listed_ones() -> None:
    served = _served(APP)
    missing = {
        f"{method.upper()} {path}"
        for path, operations in document(COMPUTE)["paths"].items()
        for method in operations
        if (method.upper(), path) not in served
    }
    assert missing == set(NOT_SERVED)
