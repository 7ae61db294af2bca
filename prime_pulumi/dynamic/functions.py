"""What every data function shares, in the two shapes of Pulumi's data sources.

A data function is a plain call that reads the API with the stack's settings
(:func:`with_client`), and an ``_output`` variant that takes Inputs and answers
an ``Output`` (:func:`output_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pulumi import Output
from pulumi.runtime import get_config

from prime_pulumi.client import PrimeClient
from prime_pulumi.core.settings import ProviderSettings

T = TypeVar("T")


def with_client(api_key: str | None, base_url: str | None, call: Callable[[PrimeClient], T]) -> T:
    """``call`` with a client of the stack's settings; ``api_key`` and ``base_url`` come first."""
    # get_config, not pulumi.Config: it works (returning nothing) outside a program too.
    settings = ProviderSettings.from_lookup(get_config)
    with settings.build_client(api_key=api_key, base_url=base_url) as client:
        return call(client)


def output_of(call: Callable[..., T], **arguments: Any) -> Output[T]:
    """``call(**arguments)`` once every argument is known."""
    return Output.all(**arguments).apply(lambda given: call(**given))
