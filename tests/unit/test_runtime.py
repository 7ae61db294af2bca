"""The provider process's shared state: configure() never closes a client under its users."""

from __future__ import annotations

import pytest

from prime_pulumi.core.runtime import ProviderRuntime
from prime_pulumi.core.settings import ProviderSettings

STACK = {"prime:apiKey": "k", "prime:baseUrl": "http://prime.test", "prime:workerThreads": "0"}


def settings(**extra: str) -> ProviderSettings:
    return ProviderSettings.from_config({**STACK, **extra})


def test_configure_with_the_same_settings_changes_nothing() -> None:
    runtime = ProviderRuntime()
    runtime.configure(settings())
    with runtime.lease() as first:
        # Another provider pickle of the same stack arrives while the client is in use.
        runtime.configure(settings())
        with runtime.lease() as second:
            assert second is first
    assert not first.is_closed


def test_a_client_in_use_is_closed_only_when_its_last_lease_ends() -> None:
    runtime = ProviderRuntime()
    runtime.configure(settings())
    with runtime.lease() as old:
        with runtime.lease() as same:
            runtime.configure(settings(**{"prime:pollMaxSeconds": "3"}))
            with runtime.lease() as new:
                assert new is not old and not new.is_closed
            assert same is old and not old.is_closed
        assert not old.is_closed, "a lease of the old client is still running"
    assert old.is_closed, "the old client retires with its last user"
    with runtime.lease() as current:
        assert current is new and not current.is_closed
        assert runtime.settings.poll_max == 3


def test_an_idle_client_is_closed_at_once_when_the_settings_change() -> None:
    runtime = ProviderRuntime()
    runtime.configure(settings())
    with runtime.lease() as old:
        pass
    runtime.configure(settings(**{"prime:pollMaxSeconds": "3"}))
    assert old.is_closed


def test_a_failure_at_configure_keeps_its_cause_when_full_tracebacks_are_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one-line error asks for ``prime:fullTracebacks``: at configure, too, it must work."""
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    from prime_pulumi import UnexpectedError
    from prime_pulumi.core import runtime as runtime_module
    from prime_pulumi.provider import PodProvider

    def broken_pool(_threads: int) -> int:
        raise RuntimeError("the pool is not there")

    fresh = ProviderRuntime()
    monkeypatch.setattr(runtime_module, "raise_worker_bound", broken_pool)
    for module in ("prime_pulumi.dynamic.provider", "prime_pulumi.core.kind"):
        monkeypatch.setattr(f"{module}.RUNTIME", fresh)
    monkeypatch.setattr("prime_pulumi.dynamic.provider.show_full_tracebacks", lambda _full: None)
    causes = []
    for full in ("true", "false"):
        config = {**STACK, "prime:workerThreads": "8", "prime:fullTracebacks": full}
        with pytest.raises(UnexpectedError, match="The stack config: RuntimeError") as info:
            PodProvider().configure(ConfigureRequest(Config(config, "prime")))
        causes.append(info.value.__cause__)
    assert isinstance(causes[0], RuntimeError), "full tracebacks: the cause comes along"
    assert causes[1] is None, "one line: no chained exception"
