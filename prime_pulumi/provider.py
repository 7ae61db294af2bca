"""The dynamic provider behind ``Pod``: check, diff, create, read, update, delete.

The import path ``prime_pulumi.provider.PodProvider`` is stored in every stack's
state (the provider is pickled by reference): it must never move.

The instance holds nothing: the settings and the client live in
``prime_pulumi._provider.runtime.RUNTIME``, one per provider process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN
from pydantic import ValidationError

from prime_pulumi._provider.creation import PodCreation, delete_and_wait
from prime_pulumi._provider.pod_inputs import (
    REPLACE_INPUTS,
    SECRET_INPUTS,
    UPDATE_INPUTS,
    USER_INPUTS,
    PodInputs,
    auto_name,
)
from prime_pulumi._provider.pod_outputs import pod_properties
from prime_pulumi._provider.runtime import RUNTIME
from prime_pulumi._provider.settings import ProviderSettings
from prime_pulumi.client import (
    AuthenticationError,
    CreateOutcomeUnknownError,
    NotFoundError,
    PodError,
    PodState,
    PrimeError,
    UnexpectedError,
)

PROVIDER_KEY = "__provider"
_INPUT_NAMES = tuple(PodInputs.model_fields)


def _is_unknown(value: Any) -> bool:
    """Whether a value (or anything inside it) is not known yet, as in a preview."""
    # The servicer hands unknowns over as Unknown objects; the wire form is the UNKNOWN string.
    if isinstance(value, Unknown) or value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_is_unknown(v) for v in value)
    return False


def _inputs_of(props: dict[str, Any]) -> dict[str, Any]:
    """The declared inputs among a resource's properties (outputs and ``__provider`` dropped)."""
    return {k: v for k, v in props.items() if k in _INPUT_NAMES and v is not None}


def _failure_reason(error: dict[str, Any], prop: str) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"{prop} is required"
    if kind == "extra_forbidden":
        return f"{prop} is not an input of Pod; the inputs are: {', '.join(USER_INPUTS)}"
    message = str(error["msg"])
    if prop in SECRET_INPUTS:
        return f"{prop}: {message}"
    return f"{prop}: {message} (got {error['input']!r})"


class PodProvider(ResourceProvider):
    """Creates Prime Intellect pods, waits until they are ready, and deletes them."""

    # The pickled provider holds no secret, so it need not be stored as one.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        """Takes ``prime:apiKey``, ``prime:baseUrl`` and the tunables from the stack config."""
        RUNTIME.configure(ProviderSettings.from_lookup(req.config.get))

    # ------------------------------------------------------------ check / diff

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validates the inputs with :class:`PodInputs`; one failure per bad property."""
        raw = {k: v for k, v in news.items() if k != PROVIDER_KEY and v is not None}
        unknown = {k for k, v in raw.items() if _is_unknown(v)}
        try:
            model = PodInputs.model_validate({k: v for k, v in raw.items() if k not in unknown})
        except ValidationError as exc:
            failures: list[CheckFailure] = []
            for error in exc.errors(include_url=False):
                prop = str(error["loc"][0]) if error["loc"] else "inputs"
                if prop not in unknown:
                    failures.append(CheckFailure(prop, _failure_reason(dict(error), prop)))
            if failures:
                return CheckResult(raw, failures)
            # Only values not known yet were missing: a preview; validated again at `up`.
            return CheckResult({"name": UNKNOWN, **raw}, [])
        inputs = {**model.model_dump(exclude_none=True), **{k: raw[k] for k in unknown}}
        if "name" not in inputs:
            if any(k in unknown for k in REPLACE_INPUTS):
                inputs["name"] = UNKNOWN
            else:
                inputs["name"] = auto_name(model.auto_name_seed or "pod", inputs)
        return CheckResult(inputs, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Every input that reaches the API replaces the pod; ``ready_timeout`` updates in place.

        ``__provider`` is not compared: new pickled bytes alone are no change.
        """

        def changed(key: str) -> bool:
            return _is_unknown(news.get(key)) or olds.get(key) != news.get(key)

        replaces = [k for k in REPLACE_INPUTS if changed(k)]
        updates = [k for k in UPDATE_INPUTS if changed(k)]
        # A replacement under the same name would find the old pod by name; delete it first.
        same_name = not _is_unknown(news.get("name")) and olds.get("name") == news.get("name")
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            stables=[k for k in _INPUT_NAMES if k not in replaces and k not in updates],
            delete_before_replace=bool(replaces) and same_name,
        )

    # ------------------------------------------------------------ create

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Creates (or adopts) the pod and returns once it is ready; all or nothing."""
        inputs = _inputs_of(props)
        spec = PodInputs.model_validate(inputs)
        name = spec.name or auto_name(spec.auto_name_seed or "pod", inputs)
        with _naming_the_pod(f"Pod {name!r}", pod_name=name), RUNTIME.lease() as client:
            ready = PodCreation(RUNTIME, client, spec, name).run()
        return CreateResult(ready.id, pod_properties(ready, {**inputs, "name": name}))

    # ------------------------------------------------------------ read / update / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live pod; a pod that is gone or going is reported with an empty id.

        Refresh then drops it from the stack, and the next ``up`` makes a new one.
        """
        with _naming_the_pod(_pod_label(id_, props), pod_id=id_), RUNTIME.lease() as client:
            listed = RUNTIME.pods.lookup(client, id_) if RUNTIME.settings.batch_reads else None
            try:
                # Not in the listing: read it alone, so that "gone" is the API's own 404.
                pod = listed or client.get_pod(id_)
            except NotFoundError:
                return ReadResult("", {})
        if pod.status in (PodState.DELETING, PodState.TERMINATED):
            return ReadResult("", {})
        return ReadResult(pod.id, pod_properties(pod, _inputs_of(props)))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only inputs that never reach the API change in place; every output is kept."""
        outs = {k: v for k, v in olds.items() if k != PROVIDER_KEY}
        outs.update({k: news[k] for k in UPDATE_INPUTS if k in news})
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the pod and waits until it is gone; a pod already gone is done."""
        with _naming_the_pod(_pod_label(id_, props), pod_id=id_), RUNTIME.lease() as client:
            delete_and_wait(RUNTIME, client, id_)


def _pod_label(id_: str, props: dict[str, Any]) -> str:
    name = props.get("name")
    return f"Pod {name!r} ({id_})" if isinstance(name, str) else f"Pod {id_}"


@contextmanager
def _naming_the_pod(
    label: str, *, pod_name: str | None = None, pod_id: str | None = None
) -> Iterator[None]:
    """Raises what fails inside as one of our errors, led by the pod it concerns.

    An error that already names its pod passes as it is; any other of ours is
    wrapped in a :class:`PodError` raised from it; anything else, a bug, in an
    :class:`UnexpectedError`.
    """
    try:
        yield
    except (PodError, CreateOutcomeUnknownError):
        raise
    except PrimeError as error:
        message = str(error)
        if isinstance(error, AuthenticationError):
            message += ": `pulumi config set --secret prime:apiKey <key>`, or PRIME_API_KEY"
        raise PodError(f"{label}: {message}", pod_name=pod_name, pod_id=pod_id) from error
    except Exception as error:
        raise UnexpectedError(
            f"{label}: {type(error).__name__}: {error} (a failure inside prime-pulumi; "
            "please report it)"
        ) from error
