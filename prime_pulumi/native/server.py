"""The native provider plugin: Pulumi's ``ResourceProvider`` service over the kinds' operations.

Each call finds its kind by the resource's type token (``prime:index:Pod``),
turns the request's properties into the operations' plain values
(:mod:`.values`), calls the same operation the dynamic face calls, and turns
the answer back. It adds no logic of its own: a failure is the operations'
one-line error, sent as the call's error (``prime_pulumi.PodError: ...``).

Calls run on a thread pool of our own (the SDK's experimental provider server
runs them one by one, and wraps each error with its stack).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import version
from typing import Any, NoReturn

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc
from pydantic import BaseModel

from prime_pulumi.core.errors import UnexpectedError
from prime_pulumi.core.functions import DataFunction
from prime_pulumi.core.kind import AnyKind
from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.core.settings import ProviderSettings
from prime_pulumi.kinds import FUNCTIONS, KINDS
from prime_pulumi.native.names import camel, camel_in_text
from prime_pulumi.native.schema import PACKAGE, SCHEMA_FILE, models_within, token
from prime_pulumi.native.values import from_struct, name_out, to_struct

#: Each kind's operations, by its type token.
_BY_TOKEN = {token(kind): kind for kind in KINDS}
#: Each data function, by its token.
_FUNCTIONS = {f"{PACKAGE}:index:{function.name}": function for function in FUNCTIONS}


def plugin_version() -> str:
    """The version the plugin reports: the package's."""
    return version("prime-pulumi")


def _shown(error: BaseException) -> str:
    """An error as the CLI shows it: ``prime_pulumi.PodError: ...``, one line."""
    return " ".join(f"{type(error).__module__}.{type(error).__name__}: {error}".split())


@contextmanager
def _answered(context: grpc.ServicerContext) -> Iterator[None]:
    """Ends the call with the error in one line if anything fails inside."""
    try:
        yield
    except Exception as error:
        shown = error if type(error).__module__ == "prime_pulumi" else UnexpectedError(str(error))
        context.abort(grpc.StatusCode.UNKNOWN, _shown(shown))


def _kind(type_: str, urn: str, context: grpc.ServicerContext) -> AnyKind:
    """The operations of the resource's kind, by its type token (or its URN's)."""
    # A URN ends in ``::<parent types $-joined>$<type>::<name>``.
    token_ = type_ or (
        urn.split("::")[2].rsplit("$", maxsplit=1)[-1] if urn.count("::") >= 3 else ""
    )
    kind = _BY_TOKEN.get(token_)
    if kind is None:
        _refuse(context, f"{token_!r} is not a resource of the {PACKAGE} provider")
    return kind


def _refuse(context: grpc.ServicerContext, message: str) -> NoReturn:
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)
    raise AssertionError("abort returns only in tests")  # pragma: no cover


def name_seed(urn: str) -> str:
    """The seed of a generated name, from the URN: ``organization/project/stack/resource``.

    The engine does not tell a plugin the organization; the dynamic face's programs
    know it. A generated name is stable across runs of one stack either way.
    """
    head, project, _type, name = urn.split("::", 3)
    return "/".join(("organization", project, head.rsplit(":", 1)[-1], name))


def _in(kind: AnyKind, struct: struct_pb2.Struct) -> dict[str, Any]:
    """A request's properties for ``kind``'s operations."""
    return from_struct(struct, kind.kind.rules.internal)


def _in_row(kind: AnyKind, struct: struct_pb2.Struct, urn: str) -> dict[str, Any]:
    """:func:`_in` with the resource's URN, which shows the operation's progress in its row."""
    return {**_in(kind, struct), URN_KEY: urn}


def _out(kind: AnyKind, props: dict[str, Any]) -> struct_pb2.Struct:
    """``kind``'s properties for a response: its secrets marked, its internal inputs hidden,
    its outputs of an object type (a pod's ``nodes``) spelled as the schema spells them."""
    rules, outputs = kind.kind.rules, kind.kind.outputs.model_fields
    typed = [name for name, field in outputs.items() if models_within(field.annotation)]
    return to_struct(props, rules.secret, rules.internal, typed)


class PrimeProvider(provider_pb2_grpc.ResourceProviderServicer):
    """``pulumi-resource-prime``: every kind, served from one process with one runtime."""

    def GetPluginInfo(self, request: empty_pb2.Empty, context: Any) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=plugin_version())

    def GetSchema(
        self, request: provider_pb2.GetSchemaRequest, context: Any
    ) -> provider_pb2.GetSchemaResponse:
        return provider_pb2.GetSchemaResponse(schema=SCHEMA_FILE.read_text())

    def CheckConfig(
        self, request: provider_pb2.CheckRequest, context: grpc.ServicerContext
    ) -> provider_pb2.CheckResponse:
        with _answered(context):
            _settings(from_struct(request.news))
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(
        self, request: provider_pb2.DiffRequest, context: Any
    ) -> provider_pb2.DiffResponse:
        # A new key, URL or tunable changes how the API is reached, never a resource.
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(
        self, request: provider_pb2.ConfigureRequest, context: grpc.ServicerContext
    ) -> provider_pb2.ConfigureResponse:
        with _answered(context):
            RUNTIME.configure(_settings(from_struct(request.args)))
        return provider_pb2.ConfigureResponse(acceptSecrets=True, supportsPreview=True)

    def Check(
        self, request: provider_pb2.CheckRequest, context: grpc.ServicerContext
    ) -> provider_pb2.CheckResponse:
        kind = _kind(request.type, request.urn, context)
        news = {**_in(kind, request.news), "auto_name_seed": name_seed(request.urn)}
        names = kind.kind.rules.model.model_fields
        with _answered(context):
            # The URN goes apart, not among the inputs: they are what the engine stores.
            checked = kind.check(
                _in(kind, request.olds),
                news,
                urn=request.urn,
                named=lambda text: camel_in_text(text, names),
            )
        failures = [
            provider_pb2.CheckFailure(
                property=camel(f.property), reason=camel_in_text(f.reason, names)
            )
            for f in checked.failures
        ]
        inputs = _out(kind, checked.inputs)
        return provider_pb2.CheckResponse(inputs=inputs, failures=failures)

    def Diff(
        self, request: provider_pb2.DiffRequest, context: grpc.ServicerContext
    ) -> provider_pb2.DiffResponse:
        kind = _kind(request.type, request.urn, context)
        with _answered(context):
            changes = kind.diff(request.id, _in(kind, request.olds), _in(kind, request.news))
        internal = kind.kind.rules.internal
        some = provider_pb2.DiffResponse.DIFF_SOME
        return provider_pb2.DiffResponse(
            changes=some if changes.changes else provider_pb2.DiffResponse.DIFF_NONE,
            replaces=[name_out(k, internal) for k in changes.replaces],
            stables=[name_out(k, internal) for k in changes.stables],
            deleteBeforeReplace=changes.delete_before_replace,
        )

    def Create(
        self, request: provider_pb2.CreateRequest, context: grpc.ServicerContext
    ) -> provider_pb2.CreateResponse:
        kind = _kind(request.type, request.urn, context)
        props = _in_row(kind, request.properties, request.urn)
        if request.preview:
            kind.preview(props)  # the row shows what the create would do today
            return provider_pb2.CreateResponse(properties=request.properties)
        if request.timeout > 0:
            # customTimeouts: the shorter of it and ready_timeout wins (0: none was set).
            ready = float(props.get("ready_timeout") or request.timeout)
            props["ready_timeout"] = min(ready, request.timeout)
        with _answered(context):
            live = kind.create(props)
        outputs = _out(kind, live.outputs)
        return provider_pb2.CreateResponse(id=live.id, properties=outputs)

    def Read(
        self, request: provider_pb2.ReadRequest, context: grpc.ServicerContext
    ) -> provider_pb2.ReadResponse:
        kind = _kind(request.type, request.urn, context)
        props = _in_row(kind, request.properties, request.urn)
        with _answered(context):
            live = kind.read(request.id, props)
        if live is None:
            return provider_pb2.ReadResponse(id="")
        inputs = kind.kind.rules.inputs_of(live.outputs)
        return provider_pb2.ReadResponse(
            id=live.id, properties=_out(kind, live.outputs), inputs=_out(kind, inputs)
        )

    def Update(
        self, request: provider_pb2.UpdateRequest, context: grpc.ServicerContext
    ) -> provider_pb2.UpdateResponse:
        kind = _kind(request.type, request.urn, context)
        news = _in_row(kind, request.news, request.urn)
        with _answered(context):
            outs = kind.update(request.id, _in(kind, request.olds), news)
        return provider_pb2.UpdateResponse(properties=_out(kind, outs))

    def Delete(
        self, request: provider_pb2.DeleteRequest, context: grpc.ServicerContext
    ) -> empty_pb2.Empty:
        kind = _kind(request.type, request.urn, context)
        props = _in_row(kind, request.properties, request.urn)
        with _answered(context):
            kind.delete(request.id, props)
        return empty_pb2.Empty()

    def Invoke(
        self, request: provider_pb2.InvokeRequest, context: grpc.ServicerContext
    ) -> provider_pb2.InvokeResponse:
        function = _FUNCTIONS.get(request.tok)
        if function is None:
            _refuse(context, f"{request.tok!r} is not a function of the {PACKAGE} provider")
        with _answered(context):
            query = function.query.model_validate(from_struct(request.args))
            with RUNTIME.lease() as client:
                found = function.run(client, query)
        response = provider_pb2.InvokeResponse()
        # `return` is a Python keyword: the field is reached by name.
        getattr(response, "return").CopyFrom(to_struct(_answer(function, found)))
        return response

    def Cancel(self, request: empty_pb2.Empty, context: Any) -> empty_pb2.Empty:
        # Ctrl-C: the waits end now; each operation ends all or nothing, as on a failure.
        RUNTIME.cancellation.request()
        return empty_pb2.Empty()

    def GetMapping(
        self, request: provider_pb2.GetMappingRequest, context: Any
    ) -> provider_pb2.GetMappingResponse:
        return provider_pb2.GetMappingResponse()

    def GetMappings(
        self, request: provider_pb2.GetMappingsRequest, context: Any
    ) -> provider_pb2.GetMappingsResponse:
        return provider_pb2.GetMappingsResponse()


def _answer(function: DataFunction, found: Sequence[BaseModel] | BaseModel) -> dict[str, Any]:
    """What a function answered, as its schema says: a list under its name, or one record."""
    if isinstance(found, BaseModel):
        return _camel_keys(found)
    return {function.listed_under or "records": [_camel_keys(record) for record in found]}


def _camel_keys(record: BaseModel) -> dict[str, Any]:
    return {camel(key): value for key, value in record.model_dump(mode="json").items()}


def _settings(config: dict[str, Any]) -> ProviderSettings:
    """The provider's configuration (``apiKey``, ...) as the ``prime:*`` settings."""
    return ProviderSettings.from_config(
        {f"{PACKAGE}:{camel(key)}": value for key, value in config.items()}
    )
