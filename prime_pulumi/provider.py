"""The dynamic provider behind ``Pod``: check, diff, create, read, update, delete.

The import path ``prime_pulumi.provider.PodProvider`` is stored in every stack's
state (the provider is pickled by reference): it must never move.

The instance holds nothing: the settings and the client live in
``prime_pulumi.core.runtime.RUNTIME``, one per provider process.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from prime_pulumi.client import NotFoundError, PodDetails, PodState
from prime_pulumi.core.properties import (
    CHOSEN_KEY,
    PROVIDER_KEY,
    URN_KEY,
    hidden_of,
    urn_of,
)
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.dynamic.provider import ProviderBase, check_inputs, diff_inputs, shown
from prime_pulumi.pod.creation import NOTHING_CREATED, PodCreation, delete_and_wait
from prime_pulumi.pod.inputs import OFFER_FILLS, POD_RULES, UPDATE_INPUTS, PodInputs
from prime_pulumi.pod.offers import GpuOffer
from prime_pulumi.pod.outputs import pod_properties


class PodProvider(ProviderBase):
    """Creates Prime Intellect pods, waits until they are ready, and deletes them.

    Each method's failure reaches the user as one line naming the pod
    (``_provider/error_display.py``); each long wait shows progress in the pod's
    row (``_provider/progress.py``).
    """

    # ------------------------------------------------------------ check / diff

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validates the inputs with :class:`PodInputs`; one failure per bad property.

        With no API key anywhere, it fails: ``pulumi preview`` then stops before
        anything is created, with one line that says where to set the key.
        """
        with _shown("Pod", outcome="Nothing was created."):
            RUNTIME.settings.require_api_key()
            return check_inputs(POD_RULES, news)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Every input that reaches the API replaces the pod; ``ready_timeout`` updates in place.

        A pod that mounts disks is deleted before its replacement is made.

        The hidden properties, and what a create took from the offer it chose, are
        not compared (:func:`~prime_pulumi.dynamic.provider.diff_inputs`).
        """
        with _shown(_pod_label(_id, olds), outcome="Nothing was changed."):
            result = diff_inputs(POD_RULES, olds, news)
        if result.replaces and (olds.get("disks") or news.get("disks")):
            # A disk that is not multi-node serves one pod at a time, and two pods must
            # never write to one disk at once: the old pod goes before the new one comes.
            result.delete_before_replace = True
        return result

    # ------------------------------------------------------------ create

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Creates (or adopts) the pod and returns once it is ready; all or nothing."""
        inputs = POD_RULES.inputs_of(props)
        name = inputs.get("name") or "pod"
        creation: PodCreation | None = None

        def left_behind() -> str:
            return creation.left_behind() if creation is not None else NOTHING_CREATED

        with _shown(f"Pod {name!r}", outcome=left_behind, pod_name=name):
            spec = PodInputs.model_validate(inputs)
            name = spec.name or POD_RULES.name_for(inputs)
            progress = RUNTIME.progress(urn_of(props))
            try:
                with RUNTIME.lease() as client:
                    creation = PodCreation(RUNTIME, client, spec, name, progress)
                    ready = creation.run()
                chosen = _chosen(inputs, creation.chosen, ready)
                outputs = pod_properties(ready, {**inputs, **chosen, "name": name})
            finally:
                progress.settle()
        hidden = {**hidden_of(props), CHOSEN_KEY: sorted(chosen)} if chosen else hidden_of(props)
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
        outputs = pod_properties(pod, POD_RULES.inputs_of(props))
        return ReadResult(pod.id, {**outputs, **hidden_of(props)})

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
            progress = RUNTIME.progress(urn_of(props))
            try:
                delete_and_wait(RUNTIME, client, id_, progress)
            finally:
                progress.settle()


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
    return shown(label, outcome=outcome, kind="pod", name=pod_name, id_=pod_id)
