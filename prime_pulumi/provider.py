"""The dynamic provider behind ``Pod``: check, diff, create, read, update, delete.

The import path ``prime_pulumi.provider.PodProvider`` is stored in every stack's
state (the provider is pickled by reference): it must never move.

The instance holds nothing: the settings and the client live in
``prime_pulumi._provider.runtime.RUNTIME``, one per provider process.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
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

from prime_pulumi._provider.creation import NOTHING_CREATED, PodCreation, delete_and_wait
from prime_pulumi._provider.engine_process import show_full_tracebacks
from prime_pulumi._provider.error_display import errors_shown
from prime_pulumi._provider.offers import GpuOffer
from prime_pulumi._provider.pod_inputs import (
    CHOSEN_KEY,
    OFFER_FILLS,
    REPLACE_INPUTS,
    SECRET_INPUTS,
    UPDATE_INPUTS,
    URN_KEY,
    USER_INPUTS,
    PodInputs,
    auto_name,
)
from prime_pulumi._provider.pod_outputs import pod_properties
from prime_pulumi._provider.runtime import RUNTIME
from prime_pulumi._provider.settings import ProviderSettings
from prime_pulumi.client import NotFoundError, PodDetails, PodState

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
    """Creates Prime Intellect pods, waits until they are ready, and deletes them.

    Each method's failure reaches the user as one line naming the pod
    (``_provider/error_display.py``); each long wait shows progress in the pod's
    row (``_provider/progress.py``).
    """

    # The pickled provider holds no secret, so it need not be stored as one.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        """Takes ``prime:apiKey``, ``prime:baseUrl`` and the tunables from the stack config."""
        try:
            with _shown("The stack config"):
                RUNTIME.configure(ProviderSettings.from_lookup(req.config.get))
        finally:
            # As the settings say; one line until they say otherwise (a malformed one too).
            show_full_tracebacks(RUNTIME.settings.full_tracebacks)

    # ------------------------------------------------------------ check / diff

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validates the inputs with :class:`PodInputs`; one failure per bad property.

        With no API key anywhere, it fails: ``pulumi preview`` then stops before
        anything is created, with one line that says where to set the key.
        """
        with _shown("Pod", outcome="Nothing was created."):
            RUNTIME.settings.require_api_key()
            return self._check(news)

    def _check(self, news: dict[str, Any]) -> CheckResult:
        raw = {k: v for k, v in news.items() if k not in _HIDDEN and v is not None}
        unknown = {k for k, v in raw.items() if _is_unknown(v)}
        hidden = {URN_KEY: news[URN_KEY]} if URN_KEY in news else {}
        try:
            model = PodInputs.model_validate({k: v for k, v in raw.items() if k not in unknown})
        except ValidationError as exc:
            failures: list[CheckFailure] = []
            for error in exc.errors(include_url=False):
                prop = str(error["loc"][0]) if error["loc"] else "inputs"
                if prop not in unknown:
                    failures.append(CheckFailure(prop, _failure_reason(dict(error), prop)))
            if failures:
                return CheckResult({**raw, **hidden}, failures)
            # Only values not known yet were missing: a preview; validated again at `up`.
            return CheckResult({"name": UNKNOWN, **raw, **hidden}, [])
        inputs = {**model.model_dump(exclude_none=True), **{k: raw[k] for k in unknown}}
        if "name" not in inputs:
            if any(k in unknown for k in REPLACE_INPUTS):
                inputs["name"] = UNKNOWN
            else:
                inputs["name"] = auto_name(model.auto_name_seed or "pod", inputs)
        return CheckResult({**inputs, **hidden}, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Every input that reaches the API replaces the pod; ``ready_timeout`` updates in place.

        ``__provider`` and the hidden ``__urn`` are not compared: a change in them
        alone, or their absence from an older stack's state, is no change. What a
        create took from the offer it chose was never declared: the marketplace
        moving is no change either.
        """
        chosen = olds.get(CHOSEN_KEY) or []

        def changed(key: str) -> bool:
            declared = None if key in chosen else olds.get(key)
            return _is_unknown(news.get(key)) or declared != news.get(key)

        with _shown(_pod_label(_id, olds), outcome="Nothing was changed."):
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
        name = inputs.get("name") or "pod"
        creation: PodCreation | None = None

        def left_behind() -> str:
            return creation.left_behind() if creation is not None else NOTHING_CREATED

        with _shown(f"Pod {name!r}", outcome=left_behind, pod_name=name):
            spec = PodInputs.model_validate(inputs)
            name = spec.name or auto_name(spec.auto_name_seed or "pod", inputs)
            progress = RUNTIME.progress(_urn_of(props))
            try:
                with RUNTIME.lease() as client:
                    creation = PodCreation(RUNTIME, client, spec, name, progress)
                    ready = creation.run()
                chosen = _chosen(inputs, creation.chosen, ready)
                outputs = pod_properties(ready, {**inputs, **chosen, "name": name})
            finally:
                progress.settle()
        hidden = {**_hidden_of(props), CHOSEN_KEY: sorted(chosen)} if chosen else _hidden_of(props)
        return CreateResult(ready.id, {**outputs, **hidden})

    # ------------------------------------------------------------ read / update / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live pod; a pod that is gone or going is reported with an empty id.

        Refresh then drops it from the stack, and the next ``up`` makes a new one.
        """
        with (
            _shown(_pod_label(id_, props), outcome="The pod was left as it is.", pod_id=id_),
            RUNTIME.lease() as client,
        ):
            listed = RUNTIME.pods.lookup(client, id_) if RUNTIME.settings.batch_reads else None
            try:
                # Not in the listing: read it alone, so that "gone" is the API's own 404.
                pod = listed or client.get_pod(id_)
            except NotFoundError:
                return ReadResult("", {})
        if pod.status in (PodState.DELETING, PodState.TERMINATED):
            return ReadResult("", {})
        outputs = pod_properties(pod, _inputs_of(props))
        return ReadResult(pod.id, {**outputs, **_hidden_of(props)})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only inputs that never reach the API change in place; every output is kept."""
        with _shown(_pod_label(_id, olds), outcome="Nothing was changed."):
            outs = {k: v for k, v in olds.items() if k != PROVIDER_KEY}
            outs.update({k: news[k] for k in (*UPDATE_INPUTS, URN_KEY) if k in news})
            return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the pod and waits until it is gone; a pod already gone is done."""
        with (
            _shown(
                _pod_label(id_, props),
                outcome=f"Pod {id_} may still be running and billing: run the operation "
                "again, or delete it by hand.",
                pod_id=id_,
            ),
            RUNTIME.lease() as client,
        ):
            progress = RUNTIME.progress(_urn_of(props))
            try:
                delete_and_wait(RUNTIME, client, id_, progress)
            finally:
                progress.settle()


#: Properties the engine carries that are not inputs of a pod.
_HIDDEN = (PROVIDER_KEY, URN_KEY, CHOSEN_KEY)


def _urn_of(props: dict[str, Any]) -> str | None:
    """The resource's URN, from the hidden input (absent on stacks made before it)."""
    urn = props.get(URN_KEY)
    return urn if isinstance(urn, str) and urn.startswith("urn:pulumi:") else None


def _hidden_of(props: dict[str, Any]) -> dict[str, Any]:
    """The hidden properties kept in the outputs: the URN, for a later delete's progress,
    and what the create chose, for diff."""
    urn = _urn_of(props)
    hidden: dict[str, Any] = {URN_KEY: urn} if urn else {}
    if isinstance(props.get(CHOSEN_KEY), list):
        hidden[CHOSEN_KEY] = props[CHOSEN_KEY]
    return hidden


def _chosen(inputs: dict[str, Any], offer: GpuOffer | None, pod: PodDetails) -> dict[str, Any]:
    """What the create took from the offer it chose, where the inputs left it open.

    A pod adopted by name (an interrupted run made it) came from an offer this
    create never saw: only what the pod itself reports is known.
    """
    source: Any = offer if offer is not None else pod
    taken = {key: getattr(source, key, None) for key in OFFER_FILLS if inputs.get(key) is None}
    return {k: v for k, v in taken.items() if v is not None}


def _pod_label(id_: str, props: dict[str, Any]) -> str:
    name = props.get("name")
    return f"Pod {name!r} ({id_})" if isinstance(name, str) else f"Pod {id_}"


def _shown(
    label: str,
    *,
    outcome: str | Callable[[], str] = "",
    pod_name: str | None = None,
    pod_id: str | None = None,
) -> AbstractContextManager[None]:
    """:func:`errors_shown` as the settings say: one line, or the full traceback."""
    return errors_shown(
        label,
        outcome=outcome,
        pod_name=pod_name,
        pod_id=pod_id,
        full=lambda: RUNTIME.settings.full_tracebacks,
    )
