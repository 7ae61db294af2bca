"""Settings come from one place, in the documented order, and the key never prints."""

from __future__ import annotations

import pytest

from prime_pulumi import ConfigurationError, PrimeClient, resolve_settings
from prime_pulumi._constants import DEFAULT_BASE_URL

ENV = {"PRIME_API_KEY": "env-key", "PRIME_API_BASE_URL": "http://env:1", "PRIME_TEAM_ID": "env-t"}
STACK = {"prime:apiKey": "stack-key", "prime:baseUrl": "http://stack:2", "prime:teamId": "stack-t"}


def test_explicit_arguments_win() -> None:
    s = resolve_settings("arg-key", "http://arg:3/", "arg-t", stack_config=STACK, environ=ENV)
    assert (s.api_key.get_secret_value(), s.base_url, s.team_id) == (
        "arg-key",
        "http://arg:3",
        "arg-t",
    )


def test_stack_config_comes_before_the_environment() -> None:
    s = resolve_settings(stack_config=STACK, environ=ENV)
    assert (s.api_key.get_secret_value(), s.base_url, s.team_id) == (
        "stack-key",
        "http://stack:2",
        "stack-t",
    )


def test_environment_then_default_base_url() -> None:
    s = resolve_settings(environ=ENV)
    assert (s.api_key.get_secret_value(), s.base_url, s.team_id) == (
        "env-key",
        "http://env:1",
        "env-t",
    )
    s = resolve_settings(environ={"PRIME_API_KEY": "k", "PRIME_BASE_URL": "http://other:9"})
    assert s.base_url == "http://other:9"
    s = resolve_settings(environ={"PRIME_API_KEY": "k"})
    assert s.base_url == DEFAULT_BASE_URL
    assert s.team_id is None


def test_base_url_with_api_v1_suffix_is_accepted() -> None:
    s = resolve_settings("k", "https://api.primeintellect.ai/api/v1/", environ={})
    assert s.base_url == "https://api.primeintellect.ai"


def test_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIME_API_KEY", "from-process")
    assert resolve_settings().api_key.get_secret_value() == "from-process"


def test_missing_key_says_where_to_set_one() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_settings(stack_config={"prime:apiKey": "  "}, environ={})
    message = str(info.value)
    assert "pulumi config set --secret prime:apiKey" in message
    assert "PRIME_API_KEY" in message


def test_malformed_base_url_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="not an http"):
        resolve_settings("k", "api.primeintellect.ai", environ={})


def test_key_is_in_no_repr() -> None:
    settings = resolve_settings("very-secret-key", environ={})
    client = PrimeClient("very-secret-key")
    for text in (repr(settings), str(settings), repr(client), repr(client.settings)):
        assert "very-secret-key" not in text
    client.close()
