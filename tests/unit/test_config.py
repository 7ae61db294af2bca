"""Settings come from one place each, in the documented order, and the key never prints.

The client resolves arguments, then the environment, then the default. The
provider reads its stack config through one model (``ProviderSettings``) and
hands the client plain arguments, so the stack config comes before the environment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prime_pulumi import ConfigurationError, PrimeClient, resolve_settings
from prime_pulumi.client._constants import DEFAULT_BASE_URL
from prime_pulumi.core.settings import ProviderSettings

ENV = {"PRIME_API_KEY": "env-key", "PRIME_API_BASE_URL": "http://env:1", "PRIME_TEAM_ID": "env-t"}
STACK = {"prime:apiKey": "stack-key", "prime:baseUrl": "http://stack:2", "prime:teamId": "stack-t"}


def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


def test_explicit_arguments_win() -> None:
    s = resolve_settings("arg-key", "http://arg:3/", "arg-t", environ=ENV)
    assert (s.api_key.get_secret_value(), s.base_url, s.team_id) == (
        "arg-key",
        "http://arg:3",
        "arg-t",
    )


def test_arguments_of_get_cluster_win_over_the_stack_config() -> None:
    settings = ProviderSettings.from_config(STACK)
    with settings.build_client(api_key="arg-key", base_url="http://arg:3/") as client:
        assert (client.settings.api_key.get_secret_value(), client.settings.base_url) == (
            "arg-key",
            "http://arg:3",
        )


def test_stack_config_comes_before_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(monkeypatch)
    with ProviderSettings.from_config(STACK).build_client() as client:
        s = client.settings
        assert (s.api_key.get_secret_value(), s.base_url, s.team_id) == (
            "stack-key",
            "http://stack:2",
            "stack-t",
        )


def test_provider_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(monkeypatch)
    with ProviderSettings.from_config({}).build_client() as client:
        assert client.settings.api_key.get_secret_value() == "env-key"
        assert client.settings.base_url == "http://env:1"


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
    settings = ProviderSettings.from_config({"prime:apiKey": "  "})
    with pytest.raises(ConfigurationError) as info:
        settings.build_client()
    message = str(info.value)
    assert "pulumi config set --secret prime:apiKey" in message
    assert "PRIME_API_KEY" in message


def test_client_without_a_key_says_where_to_set_one() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_settings(environ={})
    assert "PRIME_API_KEY" in str(info.value)
    assert "api_key=" in str(info.value)
    assert "pulumi" not in str(info.value), "the client knows nothing of Pulumi"


def test_malformed_base_url_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="not an http"):
        resolve_settings("k", "api.primeintellect.ai", environ={})


@pytest.mark.parametrize(
    ("key", "value", "takes"),
    [
        ("prime:workerThreads", "1.9", "a whole number, 0 or more"),
        ("prime:workerThreads", "-1", "a whole number, 0 or more"),
        ("prime:pollMaxSeconds", "0", "a positive number of seconds"),
        ("prime:deleteTimeoutSeconds", "soon", "a positive number of seconds"),
        ("prime:requestTimeoutSeconds", "inf", "a positive number of seconds"),
        ("prime:sharedPolling", "maybe", "true or false"),
    ],
)
def test_malformed_tunable_is_refused_with_its_key(key: str, value: str, takes: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        ProviderSettings.from_config({**STACK, key: value})
    assert str(info.value) == f"Invalid stack config: {key} must be {takes}, not {value!r}"


def test_every_malformed_key_is_named_at_once() -> None:
    bad = {"prime:workerThreads": "many", "prime:batchReads": "2"}
    with pytest.raises(ConfigurationError) as info:
        ProviderSettings.from_config(bad)
    assert "prime:workerThreads must be" in str(info.value)
    assert "prime:batchReads must be true or false" in str(info.value)


def test_tunables_take_their_documented_spellings() -> None:
    settings = ProviderSettings.from_config(
        {"prime:workerThreads": "8", "prime:sharedPolling": "FALSE", "prime:pollMaxSeconds": "2.5"}
    )
    assert (settings.worker_threads, settings.shared_polling, settings.poll_max) == (8, False, 2.5)
    assert ProviderSettings.from_config({}) == ProviderSettings()


def test_each_stack_config_key_is_read() -> None:
    assert set(ProviderSettings.config_keys()) == {
        "prime:apiKey",
        "prime:baseUrl",
        "prime:teamId",
        "prime:pollMaxSeconds",
        "prime:installFailureGraceSeconds",
        "prime:deleteTimeoutSeconds",
        "prime:workerThreads",
        "prime:sharedPolling",
        "prime:batchReads",
        "prime:requestTimeoutSeconds",
        "prime:retryBackoffSeconds",
        "prime:createSettleSeconds",
        "prime:fullTracebacks",
    }


def test_key_is_in_no_repr() -> None:
    settings = resolve_settings("very-secret-key", environ={})
    client = PrimeClient("very-secret-key")
    provider_settings = ProviderSettings.from_config({"prime:apiKey": "very-secret-key"})
    texts = (repr(settings), str(settings), repr(client), repr(client.settings))
    for text in (*texts, repr(provider_settings), str(provider_settings)):
        assert "very-secret-key" not in text
    client.close()


def test_readme_documents_every_stack_config_key() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "installation-configuration.md"
    section = page.read_text().split("## Configuration", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `(prime:\w+)`", section, flags=re.MULTILINE))
    assert documented == set(ProviderSettings.config_keys())


def test_get_cluster_without_a_key_says_where_to_set_one() -> None:
    from prime_pulumi import get_cluster

    with pytest.raises(
        ConfigurationError,
        match=r"prime:apiKey <key>`\), as the `apiKey` of an explicit provider, or in .* "
        r"PRIME_API_KEY",
    ):
        get_cluster("cl-1")


def test_get_cluster_refuses_a_malformed_setting_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from prime_pulumi import get_cluster
    from prime_pulumi.dynamic import functions

    stack = {**STACK, "prime:requestTimeoutSeconds": "-1"}
    monkeypatch.setattr(functions, "get_config", stack.get)
    with pytest.raises(ConfigurationError) as info:
        get_cluster("cl-1")
    assert str(info.value) == (
        "Invalid stack config: prime:requestTimeoutSeconds must be a positive number of "
        "seconds, not '-1'"
    )
