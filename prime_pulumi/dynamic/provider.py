"""The dynamic face: a ``pulumi.dynamic`` provider over one kind's operations.

Each kind's provider class (``prime_pulumi.provider.PodProvider``, ...) names its
operations and adds nothing else: this class translates the engine's calls into
them, and their plain answers into the SDK's result types. It takes the stack's
settings in :meth:`DynamicProvider.configure`, into the one runtime of the
provider process.
"""

from __future__ import annotations

from typing import Any, ClassVar

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

from prime_pulumi.core.checks import UNKNOWN
from prime_pulumi.core.engine_process import show_full_tracebacks
from prime_pulumi.core.error_display import errors_shown
from prime_pulumi.core.errors import ResourceError
from prime_pulumi.core.kind import AnyKind
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.core.settings import ProviderSettings


class DynamicProvider(ResourceProvider):
    """A provider whose instance holds nothing: its state is the process's ``RUNTIME``.

    The instance is pickled into every resource's state, by reference to its
    class: a subclass's import path must never move.
    """

    # The pickled provider holds no secret, so it need not be stored as one.
    serialize_as_secret_always = False

    #: The kind's operations this provider serves.
    operations: ClassVar[AnyKind]

    def configure(self, req: ConfigureRequest) -> None:
        """Takes ``prime:apiKey``, ``prime:baseUrl`` and the tunables from the stack config."""
        try:
            with errors_shown(
                "The stack config",
                _not_a_resource,
                full=lambda: RUNTIME.settings.full_tracebacks,
            ):
                RUNTIME.configure(ProviderSettings.from_lookup(req.config.get))
        finally:
            # As the settings say; one line until they say otherwise (a malformed one too).
            show_full_tracebacks(RUNTIME.settings.full_tracebacks)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validates the inputs; one failure per bad property."""
        checked = self.operations.check(_known(_olds), _known(news))
        failures = [CheckFailure(f.property, f.reason) for f in checked.failures]
        return CheckResult(checked.inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Which declared inputs changed, and whether that replaces the resource."""
        changes = self.operations.diff(_id, _known(olds), _known(news))
        return DiffResult(
            changes=changes.changes,
            replaces=changes.replaces,
            stables=changes.stables,
            delete_before_replace=changes.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Creates (or adopts) the resource and returns once it is ready; all or nothing."""
        live = self.operations.create(props)
        return CreateResult(live.id, live.outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live resource; one that is gone or going has an empty id.

        Refresh then drops it from the stack, and the next ``up`` makes a new one.
        """
        live = self.operations.read(id_, props)
        return ReadResult("", {}) if live is None else ReadResult(live.id, live.outputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Changes in place what can be; every output is kept."""
        return UpdateResult(self.operations.update(_id, olds, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deletes the resource and waits until it is gone; one already gone is done."""
        self.operations.delete(id_, props)


def _not_a_resource(message: str) -> ResourceError:
    # A malformed setting is a ConfigurationError, shown as it is; nothing else of ours
    # is expected here, and no one resource is concerned.
    return ResourceError(message, name=None, id=None)


def _known(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with the SDK's ``Unknown`` objects in the wire form the operations read."""
    return {key: _known_value(value) for key, value in props.items()}


def _known_value(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _known_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_known_value(v) for v in value]
    return value
