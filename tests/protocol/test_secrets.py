"""The API key never lands in state: not in the pickled provider, not in any output."""

from __future__ import annotations

import base64

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.core.settings import ProviderSettings
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.provider import PodProvider
from tests.kit.harness import ProviderProcess
from tests.protocol.support import API_KEY, checked


def test_a_configured_provider_pickles_without_the_key() -> None:
    provider = PodProvider()
    provider.configure(
        ConfigureRequest(Config({"prime:apiKey": API_KEY, "prime:baseUrl": "http://x"}, "p"))
    )
    try:
        pickled = base64.b64decode(serialize_provider(provider))
        assert API_KEY.encode() not in pickled
        assert vars(provider) == {}
    finally:
        RUNTIME.configure(ProviderSettings())


def test_state_of_a_created_pod_holds_no_key(
    provider: ProviderProcess, emulator: EmulatorControl
) -> None:
    inputs = checked(provider)
    pod_id, outs = provider.create(inputs)
    _, read_outs = provider.read(pod_id, outs)
    for state in (inputs, outs, read_outs):
        assert API_KEY not in repr(state)
    assert API_KEY.encode() not in base64.b64decode(provider.serialized_provider)
    provider.delete(pod_id, outs)
