"""Where the client's settings come from, resolved in one place.

Each setting is taken from the first source that has it:

1. an explicit argument;
2. the Pulumi stack config, where a caller passes it
   (``prime:apiKey``, ``prime:baseUrl``, ``prime:teamId``);
3. the environment: ``PRIME_API_KEY``, ``PRIME_API_BASE_URL`` (or
   ``PRIME_BASE_URL``), ``PRIME_TEAM_ID`` (the names the official CLI reads);
4. the default: the public API at ``https://api.primeintellect.ai``.

The API key is a :class:`pydantic.SecretStr`: it prints as ``**********``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

from prime_pulumi._constants import (
    API_V1,
    CONFIG_API_KEY,
    CONFIG_BASE_URL,
    CONFIG_TEAM_ID,
    DEFAULT_BASE_URL,
    ENV_API_KEY,
    ENV_BASE_URLS,
    ENV_TEAM_ID,
)
from prime_pulumi.errors import ConfigurationError

MISSING_KEY_MESSAGE = (
    "No Prime Intellect API key is set. Set one in the stack config "
    "(`pulumi config set --secret prime:apiKey <key>`), in the environment variable "
    f"{ENV_API_KEY}, or pass api_key= to the client."
)


@dataclass(frozen=True)
class Settings:
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


def resolve_settings(
    api_key: str | SecretStr | None = None,
    base_url: str | None = None,
    team_id: str | None = None,
    *,
    stack_config: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolves the API key, base URL and team id (see the module docstring for the order).

    Raises :class:`ConfigurationError` when no source has an API key.
    """
    config = stack_config or {}
    env = os.environ if environ is None else environ
    explicit_key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    key = _first(explicit_key, config.get(CONFIG_API_KEY), env.get(ENV_API_KEY))
    if key is None:
        raise ConfigurationError(MISSING_KEY_MESSAGE)
    url = _first(base_url, config.get(CONFIG_BASE_URL), *(env.get(name) for name in ENV_BASE_URLS))
    return Settings(
        api_key=SecretStr(key),
        base_url=normalize_base_url(url or DEFAULT_BASE_URL),
        team_id=_first(team_id, config.get(CONFIG_TEAM_ID), env.get(ENV_TEAM_ID)),
    )
