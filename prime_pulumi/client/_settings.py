"""Where the client's key, base URL and team come from, resolved in one place.

Each setting is taken from the first source that has it:

1. an explicit argument;
2. the environment: ``PRIME_API_KEY``, ``PRIME_API_BASE_URL`` (or
   ``PRIME_BASE_URL``), ``PRIME_TEAM_ID`` (the names the official CLI reads);
3. the default: the public API at ``https://api.primeintellect.ai``.

The API key is a :class:`pydantic.SecretStr`: it prints as ``**********``.
The Pulumi provider reads its stack config itself and passes what it found
as arguments (``prime_pulumi.core.settings``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

from prime_pulumi.client._constants import (
    API_V1,
    DEFAULT_BASE_URL,
    ENV_API_KEY,
    ENV_BASE_URLS,
    ENV_TEAM_ID,
)
from prime_pulumi.client._exceptions import ConfigurationError


@dataclass(frozen=True)
class ClientSettings:
    """The resolved connection settings of a client."""

    api_key: SecretStr
    base_url: str
    team_id: str | None = None


def _first(*values: str | None) -> str | None:
    for value in values:
        if value is not None and value.strip():
            return value.strip()
    return None


def normalize_base_url(url: str) -> str:
    """Strips a trailing ``/`` and ``/api/v1``, so both spellings of the base URL work."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"The Prime Intellect base URL {url!r} is not an http(s) URL; "
            "expected something like https://api.primeintellect.ai or http://127.0.0.1:8000"
        )
    return url.rstrip("/").removesuffix(API_V1).rstrip("/")


def env_api_key(environ: Mapping[str, str] | None = None) -> str | None:
    """The API key the environment holds (``PRIME_API_KEY``), if any."""
    env = os.environ if environ is None else environ
    return _first(env.get(ENV_API_KEY))


def resolve_settings(
    api_key: str | SecretStr | None = None,
    base_url: str | None = None,
    team_id: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    missing_key_hint: str = "pass api_key= to the client",
) -> ClientSettings:
    """Resolves the API key, base URL and team id (see the module docstring for the order).

    Raises :class:`ConfigurationError` when no source has an API key; its message
    ends with ``missing_key_hint``, so a caller can say where else a key may be set.
    """
    env = os.environ if environ is None else environ
    explicit_key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    key = _first(explicit_key) or env_api_key(env)
    if key is None:
        raise ConfigurationError(
            f"No Prime Intellect API key is set. Set the environment variable {ENV_API_KEY}, "
            f"or {missing_key_hint}."
        )
    url = _first(base_url, *(env.get(name) for name in ENV_BASE_URLS))
    return ClientSettings(
        api_key=SecretStr(key),
        base_url=normalize_base_url(url or DEFAULT_BASE_URL),
        team_id=_first(team_id, env.get(ENV_TEAM_ID)),
    )
