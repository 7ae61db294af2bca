"""A pod's operations: check, diff, create, read, update, delete, as plain values.

Every face serves pods through :data:`POD`; the dynamic provider
(``prime_pulumi.provider.PodProvider``) only translates. Each failure is one line
naming the pod (``core/error_display.py``); each long wait shows progress in the
pod's row (``core/progress.py``). The settings and the client live in the
process's ``RUNTIME``.
"""

from __future__ import annotations

from typing import Any

from prime_pulumi.client import NotFoundError, PodDetails, PodState, PrimeClient, PrimeError
from prime_pulumi.core.checks import Changes, is_unknown
from prime_pulumi.core.kind import Kind, KindOperations, Live
from prime_pulumi.core.progress import RowProgress
from prime_pulumi.core.properties import CHOSEN_KEY, hidden_of, urn_of
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.pod.creation import PodCreation, delete_and_wait
from prime_pulumi.pod.errors import NoOfferError, pod_error
from prime_pulumi.pod.inputs import OFFER_FILLS, POD_RULES, PodInputs
from prime_pulumi.pod.listings import listings
from prime_pulumi.pod.offer_choice import offers_to_try
from prime_pulumi.pod.offers import describe_offer
from prime_pulumi.pod.outputs import PodOutputs, pod_properties


class PodOperations(KindOperations[PodInputs, PodDetails]):
    """Creates Prime Intellect pods, waits until they are ready, and deletes them."""

    kind = Kind(POD_RULES, PodOutputs, pod_error, ready="ready", offer_fills=OFFER_FILLS)

    def changes(self, olds: dict[str, Any], news: dict[str, Any]) -> Changes:
        """Every input that reaches the API replaces the pod; ``ready_timeout`` updates in place.

        A pod that mounts disks is deleted before its replacement is made. The hidden
        properties, and what a create took from the offer it chose, are not compared.
        """
        changes = super().changes(olds, news)
        if changes.replaces and (olds.get("disks") or news.get("disks")):
            # A disk that is not multi-node serves one pod at a time, and two pods must
            # never write to one disk at once: the old pod goes before the new one comes.
            return Changes(changes.changes, changes.replaces, changes.stables, True)
        return changes

    def plan(self, inputs: dict[str, Any]) -> str | None:
        """The offer a create would choose today, and its price (a preview shows it).

        A marketplace that cannot be read, or inputs not known yet, only say so.
        """
        if inputs.get("cloud_id") or inputs.get("adopt_pod_id"):
            return None  # nothing to choose
        if is_unknown({k: v for k, v in inputs.items() if k != "name"}):
            return "the offer is chosen at create, once every input is known"
        spec = PodInputs.model_validate(inputs)
        name = spec.name or POD_RULES.name_for(inputs)
        try:
            with RUNTIME.lease() as client:
                offer = offers_to_try(client, spec, name)[0]
        except NoOfferError as nothing:
            return f"no offer matches today: {nothing}"
        except PrimeError as unreadable:
            return f"the offers cannot be read just now ({unreadable}); one is chosen at create"
        return f"would choose offer {describe_offer(offer)}" if offer else None

    def creation(
        self, client: PrimeClient, spec: PodInputs, name: str, progress: RowProgress
    ) -> PodCreation:
        return PodCreation(self.kind, RUNTIME, client, spec, name=name, progress=progress)

    def properties(self, made: PodDetails, inputs: dict[str, Any]) -> dict[str, Any]:
        return pod_properties(made, inputs)

    def read(self, id_: str, props: dict[str, Any]) -> Live | None:
        """The live pod; a pod that is gone or going is ``None``.

        Refresh then drops it from the stack, and the next ``up`` makes a new one.
        """
        with (
            self.shown_for(id_, props, "The pod was left as it is."),
            RUNTIME.lease() as client,
        ):
            batched = RUNTIME.settings.batch_reads
            listed = listings(RUNTIME).lookup(client, id_) if batched else None
            try:
                # Not in the listing: read it alone, so that "gone" is the API's own 404.
                pod = listed or client.get_pod(id_)
            except NotFoundError:
                return None
        if pod.status in (PodState.DELETING, PodState.TERMINATED):
            return None
        declared = POD_RULES.inputs_of(props)
        if not declared:
            return _imported(pod)
        outputs = pod_properties(pod, declared)
        return Live(pod.id, {**outputs, **hidden_of(props)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the pod and waits until it is gone; a pod already gone is done."""
        outcome = (
            f"Pod {id_} may still be running and billing: run the operation again, or "
            "delete it by hand."
        )
        with self.shown_for(id_, props, outcome), RUNTIME.lease() as client:
            progress = RUNTIME.progress(urn_of(props))
            try:
                delete_and_wait(RUNTIME, client, id_, progress)
            finally:
                progress.settle()


#: The pod kind's operations, served by every face.
POD = PodOperations()


def _imported(pod: PodDetails) -> Live:
    """A pod read with nothing known of it (``pulumi import``): the inputs it reports.

    What the API says of a pod's make-up (name, GPU type and count, template,
    restart, disks) are its inputs; what it says of its offer (socket, provider) is
    recorded as chosen, so a program that leaves them open shows no change. What
    the API never reports (env vars, the Jupyter password, ``cloud_id``, ``max_price``)
    is missing, and a program that declares it replaces the pod.
    """
    disks = [a.id for a in pod.attached_resources if a.id and a.resource_type == "DISK"]
    declared = {
        "name": pod.name,
        "gpu_type": pod.gpu_name,
        "gpu_count": pod.gpu_count,
        "custom_template_id": pod.custom_template_id,
        "auto_restart": bool(pod.auto_restart),  # the API's default when it does not say
        "disks": disks or None,
        # Never reported, never sent: the default a program that leaves it out gets.
        "ready_timeout": PodInputs.model_fields["ready_timeout"].default,
    }
    chosen = {key: getattr(pod, key, None) for key in OFFER_FILLS}
    inputs = {k: v for k, v in {**declared, **chosen}.items() if v is not None}
    hidden = {CHOSEN_KEY: sorted(k for k in chosen if k in inputs)}
    return Live(pod.id, {**pod_properties(pod, inputs), **hidden})
