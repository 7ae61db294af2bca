"""The dynamic provider behind ``Pod``: check, diff, create, read, update, delete.

The import path ``prime_pulumi.provider.PodProvider`` is stored in every stack's
state (the provider is pickled by reference): it must never move.

The instance holds nothing: the settings and the client live in
``prime_pulumi._provider.runtime.RUNTIME``, one per provider process.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

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

from prime_pulumi._provider.pod_inputs import (
    REPLACE_INPUTS,
    SECRET_INPUTS,
    UPDATE_INPUTS,
    USER_INPUTS,
    PodInputs,
    auto_name,
)
from prime_pulumi._provider.pod_outputs import pod_properties
from prime_pulumi._provider.poller import Poller
from prime_pulumi._provider.provisioning import (
    DirectFeed,
    HubFeed,
    NotReadyError,
    wait_until_gone,
    wait_until_ready,
)
from prime_pulumi._provider.runtime import RUNTIME
from prime_pulumi._provider.settings import ProviderSettings
from prime_pulumi.client import (
    AuthenticationError,
    ConflictError,
    CreateOutcomeUnknownError,
    NotFoundError,
    PodCleanupError,
    PodDetails,
    PodProvisioningError,
    PodState,
    PrimeClient,
    PrimeError,
)

logger = logging.getLogger("prime_pulumi.provider")

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
        client = RUNTIME.client()
        try:
            if spec.adopt_pod_id:
                pod = self._adopt_by_id(client, spec.adopt_pod_id)
            else:
                pod = self._find_or_post(client, spec, name)
        except PrimeError as error:
            raise _naming(error, f"Pod {name!r}") from error.__cause__
        RUNTIME.pods.drop()
        created_here = not spec.adopt_pod_id
        feed = HubFeed(RUNTIME.hub, pod.id) if RUNTIME.settings.shared_polling else None
        try:
            wait_until_ready(
                client,
                pod.id,
                timeout=spec.ready_timeout,
                install_failure_grace=RUNTIME.settings.install_failure_grace,
                feed=feed or DirectFeed(client, self._poller()),
            )
            ready = client.get_pod(pod.id)
        except NotReadyError as failure:
            self._give_up(client, pod, name, failure, created_here=created_here)
        except Exception as error:  # anything at all: the pod must not be left behind
            unexpected = NotReadyError("unknown", f"{type(error).__name__}: {error}")
            self._give_up(client, pod, name, unexpected, created_here=created_here)
        finally:
            if feed is not None:
                feed.close()
        return CreateResult(ready.id, pod_properties(ready, {**inputs, "name": name}))

    def _find_or_post(self, client: PrimeClient, spec: PodInputs, name: str) -> PodDetails:
        """The pod called ``name`` if an earlier interrupted run made it, else a new one."""
        if RUNTIME.settings.batch_reads:
            existing = RUNTIME.pods.earlier_pods_named(client, name)
        else:
            existing = client.find_pods_by_name(name)
        if existing:
            pod = existing[0]
            _check_adoptable(pod, spec, name)
            logger.info("adopting pod %s (%s), left by an earlier run", pod.id, name)
            return pod
        # At most one post: a lost answer is looked up by name, never posted again.
        try:
            return client.create_pod(spec.to_create_request(name))
        except CreateOutcomeUnknownError as lost:
            RUNTIME.pods.forget_earlier()
            return self._await_lost_create(client, spec, name, lost)

    def _await_lost_create(
        self, client: PrimeClient, spec: PodInputs, name: str, lost: CreateOutcomeUnknownError
    ) -> PodDetails:
        """Looks for a pod whose create answer was lost, for a while: the server may be slow."""
        settle = RUNTIME.settings.create_settle
        poller = self._poller()
        deadline = poller.clock() + settle
        while poller.wait(deadline):
            try:
                found = client.find_pods_by_name(name)
            except PrimeError:
                continue
            if found:
                _check_adoptable(found[0], spec, name)
                logger.info("found pod %s (%s), whose create answer was lost", found[0].id, name)
                return found[0]
        raise CreateOutcomeUnknownError(
            f"{lost} (looked for it by name for {settle:g} seconds)", pod_name=name
        ) from lost.__cause__

    def _adopt_by_id(self, client: PrimeClient, pod_id: str) -> PodDetails:
        try:
            return client.get_pod(pod_id)
        except NotFoundError as exc:
            raise exc.restated(
                f"adopt_pod_id {pod_id!r}: no such pod (it may be terminated)"
            ) from None

    def _give_up(
        self,
        client: PrimeClient,
        pod: PodDetails,
        name: str,
        failure: NotReadyError,
        *,
        created_here: bool,
    ) -> NoReturn:
        """Deletes a pod that will not become ready (unless it was adopted), then raises."""
        state = failure.state
        where = (
            f"Pod {name!r} ({pod.id}) did not become ready: {failure.reason}; it reached {state}."
        )
        if not created_here:
            raise PodProvisioningError(
                f"{where} It was adopted by adopt_pod_id, so it was left as it is.",
                pod_id=pod.id,
                pod_name=name,
                state=state,
            )
        try:
            self._delete_and_wait(client, pod.id)
        except PrimeError as cleanup:
            raise PodCleanupError(
                f"{where} Deleting it failed too ({cleanup}): it may still bill; delete pod "
                f"{pod.id} by hand.",
                pod_id=pod.id,
            ) from None
        raise PodProvisioningError(
            f"{where} It was deleted, so nothing is left billing.",
            pod_id=pod.id,
            pod_name=name,
            state=state,
        )

    # ------------------------------------------------------------ read / update / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live pod; a pod that is gone is reported with an empty id (refresh drops it)."""
        try:
            return self._read(id_, props)
        except PrimeError as error:
            raise _naming(error, _pod_label(id_, props)) from error.__cause__

    def _read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = RUNTIME.client()
        listed = RUNTIME.pods.lookup(client, id_) if RUNTIME.settings.batch_reads else None
        try:
            # Not in the listing: read it alone, so that "gone" is the API's own 404.
            pod = listed or client.get_pod(id_)
        except NotFoundError:
            return ReadResult("", {})
        if pod.status == PodState.TERMINATED:
            return ReadResult("", {})
        return ReadResult(pod.id, pod_properties(pod, _inputs_of(props)))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only inputs that never reach the API change in place; every output is kept."""
        outs = {k: v for k, v in olds.items() if k != PROVIDER_KEY}
        outs.update({k: news[k] for k in UPDATE_INPUTS if k in news})
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the pod and waits until it is gone; a pod already gone is done."""
        try:
            self._delete_and_wait(RUNTIME.client(), id_)
        except PrimeError as error:
            raise _naming(error, _pod_label(id_, props)) from error.__cause__

    def _delete_and_wait(self, client: PrimeClient, pod_id: str) -> None:
        RUNTIME.pods.drop()
        client.delete_pod(pod_id, missing_ok=True)
        wait_until_gone(
            client, pod_id, timeout=RUNTIME.settings.delete_timeout, poller=self._poller()
        )

    def _poller(self) -> Poller:
        return Poller(cap=RUNTIME.settings.poll_max)


def _pod_label(id_: str, props: dict[str, Any]) -> str:
    name = props.get("name")
    return f"Pod {name!r} ({id_})" if isinstance(name, str) else f"Pod {id_}"


def _naming(error: PrimeError, label: str) -> PrimeError:
    """The same error, its message led by the pod it concerns (unless it names it already)."""
    message = str(error)
    if isinstance(error, AuthenticationError):
        message = f"{message}: `pulumi config set --secret prime:apiKey <key>`, or PRIME_API_KEY"
    if label not in message:
        error.args = (f"{label}: {message}", *error.args[1:])
    return error


def _check_adoptable(pod: PodDetails, spec: PodInputs, name: str) -> None:
    """Refuses to adopt a pod of the same name that is plainly not the declared one."""
    mismatches = []
    if pod.gpu_name is not None and pod.gpu_name != spec.gpu_type:
        mismatches.append(f"gpu {pod.gpu_name}, not {spec.gpu_type}")
    if pod.gpu_count is not None and pod.gpu_count != spec.gpu_count:
        mismatches.append(f"{pod.gpu_count} GPUs, not {spec.gpu_count}")
    if mismatches:
        raise ConflictError(
            f"Pod {name!r}: a pod of that name already exists ({pod.id}) with "
            f"{' and '.join(mismatches)}; give this Pod another name",
            status_code=409,
            method="GET",
            path="/api/v1/pods/",
            detail="name taken",
        )
