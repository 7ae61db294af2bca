"""The provider's settings: one pydantic model of every ``prime:*`` stack-config key.

Each field's alias is its stack-config key and its constraints are the rule, so
each key and each default is written once, here. The engine hands every value
over as a string (secrets unwrapped); :meth:`ProviderSettings.from_config`
validates them all at once, and a malformed value is one
:class:`~prime_pulumi.client.ConfigurationError` that names the key and what it
takes. The API client never sees the stack config: :meth:`ProviderSettings.build_client`
passes it plain arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, get_args

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo

from prime_pulumi.client import Backoff, ConfigurationError, PrimeClient
from prime_pulumi.client._constants import (
    BACKOFF_INITIAL_SECONDS,
    BACKOFF_MAX_SECONDS,
    DEFAULT_TIMEOUT,
    ENV_API_KEY,
)
from prime_pulumi.client._settings import env_api_key


class Takes:
    """What a setting takes, in words, for the error that refuses a malformed value."""

    def __init__(self, words: str) -> None:
        self.words = words


Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False), Takes("a positive number of seconds")]
Flag = Annotated[bool, Takes("true or false")]
Count = Annotated[int, Field(ge=0, strict=False), Takes("a whole number, 0 or more")]
Text = Annotated[str, Field(min_length=1), Takes("a non-empty string")]
Secret = Annotated[SecretStr, Takes("a non-empty string")]

MISSING_KEY_MESSAGE = (
    "No Prime Intellect API key is set. Set one in the stack config "
    "(`pulumi config set --secret prime:apiKey <key>`), as the `apiKey` of an explicit "
    f"provider, or in the environment variable {ENV_API_KEY}."
)


class ProviderSettings(BaseModel):
    """Every ``prime:*`` stack-config key the provider reads, with its default and its rule."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        str_strip_whitespace=True,
        validate_by_name=True,
        use_attribute_docstrings=True,
    )

    api_key: Secret | None = Field(default=None, alias="prime:apiKey")
    """The API key; else ``PRIME_API_KEY``."""
    base_url: Text | None = Field(default=None, alias="prime:baseUrl")
    """The API's base URL; else ``PRIME_API_BASE_URL`` / ``PRIME_BASE_URL``, else the public API."""
    team_id: Text | None = Field(default=None, alias="prime:teamId")
    """The team that owns and pays for pods; else ``PRIME_TEAM_ID``."""
    poll_max: Seconds = Field(default=10.0, alias="prime:pollMaxSeconds")
    """The longest wait between two polls of a pod's status."""
    install_failure_grace: Seconds = Field(default=120.0, alias="prime:installFailureGraceSeconds")
    """How long an installation failure may last before it is final (the service retries some)."""
    delete_timeout: Seconds = Field(default=300.0, alias="prime:deleteTimeoutSeconds")
    """How long a delete waits for the pod to be really gone."""
    worker_threads: Count = Field(default=128, alias="prime:workerThreads")
    """Operations the provider process serves at once; 0 leaves the SDK's 4."""
    shared_polling: Flag = Field(default=True, alias="prime:sharedPolling")
    """One status poller for all waiting pods, instead of one per pod."""
    batch_reads: Flag = Field(default=True, alias="prime:batchReads")
    """Reads answered from one listing of all pods, instead of a GET each."""
    request_timeout: Seconds | None = Field(default=None, alias="prime:requestTimeoutSeconds")
    """How long one request may wait for its answer; unset: the client's default."""
    retry_backoff: Seconds = Field(
        default=BACKOFF_INITIAL_SECONDS, alias="prime:retryBackoffSeconds"
    )
    """The first wait between retries; later ones double, up to 16 times this."""
    create_settle: Seconds = Field(default=60.0, alias="prime:createSettleSeconds")
    """After a create whose answer was lost, how long to keep looking for the pod by name."""
    full_tracebacks: Flag = Field(default=False, alias="prime:fullTracebacks")
    """Failures show their full Python traceback, for a bug report, instead of one line."""

    @classmethod
    def config_keys(cls) -> tuple[str, ...]:
        """Every stack-config key the provider reads."""
        return tuple(field.alias or name for name, field in cls.model_fields.items())

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ProviderSettings:
        """Validates the provider's keys among ``config``; a blank value counts as unset."""
        given = {key: config.get(key) for key in cls.config_keys()}
        values = {k: str(v).strip() for k, v in given.items() if v is not None and str(v).strip()}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigurationError(_refusal(exc, values)) from None

    @classmethod
    def from_lookup(cls, lookup: Callable[[str], Any]) -> ProviderSettings:
        """Reads each key through ``lookup`` (``pulumi.runtime.get_config`` in a program)."""
        return cls.from_config({key: lookup(key) for key in cls.config_keys()})

    def require_api_key(self) -> None:
        """Raises :class:`ConfigurationError` unless a key is set here or in the environment."""
        if self.api_key is None and env_api_key() is None:
            raise ConfigurationError(MISSING_KEY_MESSAGE)

    def build_client(
        self, *, api_key: str | None = None, base_url: str | None = None
    ) -> PrimeClient:
        """A client with these settings (the key, URL, team and timing) as plain arguments.

        ``api_key`` and ``base_url``, when given, come before the stack's.
        """
        key = api_key or self.api_key
        if key is None:
            self.require_api_key()
        scale = self.retry_backoff / BACKOFF_INITIAL_SECONDS
        timeout = (
            DEFAULT_TIMEOUT if self.request_timeout is None else httpx.Timeout(self.request_timeout)
        )
        return PrimeClient(
            key,
            base_url=base_url or self.base_url,
            team_id=self.team_id,
            timeout=timeout,
            backoff=Backoff(
                initial=self.retry_backoff,
                cap=BACKOFF_MAX_SECONDS * scale,
                jitter=self.retry_backoff,
            ),
        )


def _refusal(exc: ValidationError, values: Mapping[str, str]) -> str:
    """One sentence per malformed key: which key, what it takes, what it got."""
    fields = {field.alias: field for field in ProviderSettings.model_fields.values()}
    problems = []
    for error in exc.errors(include_url=False):
        key = str(error["loc"][0]) if error["loc"] else "stack config"
        field = fields.get(key)
        takes = _takes(field) or str(error["msg"])
        shown = "a secret" if key == _API_KEY else repr(values.get(key))
        problems.append(f"{key} must be {takes}, not {shown}")
    return "Invalid stack config: " + "; ".join(problems)


def _takes(field: FieldInfo | None) -> str | None:
    """The words of a field's :class:`Takes` mark, wherever pydantic put it."""
    if field is None:
        return None
    # An optional field's marks stay inside its annotation; a required one's are lifted out.
    marks = [*field.metadata, *getattr(field.annotation, "__metadata__", ())]
    for arg in get_args(field.annotation):
        marks.extend(getattr(arg, "__metadata__", ()))
    return next((m.words for m in marks if isinstance(m, Takes)), None)


_API_KEY = ProviderSettings.model_fields["api_key"].alias
