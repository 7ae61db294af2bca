"""Property tests: arbitrary inputs and odd server answers never end in a traceback.

``check`` answers any input with the inputs or clear per-property failures; the
client answers any body with a model or a typed :class:`PrimeError`.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import CheckFailure

from prime_pulumi import PrimeClient, PrimeError
from prime_pulumi.pod.inputs import PodInputs
from prime_pulumi.pod.offers import OfferQuery, search
from prime_pulumi.provider import PodProvider


@pytest.fixture(autouse=True)
def _an_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """check() refuses to run with no key anywhere; these tests are about the inputs."""
    monkeypatch.setenv("PRIME_API_KEY", "pk-unit-test")


INPUT_NAMES = list(PodInputs.model_fields)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

odd_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "-1", "1.5", "secure_cloud", "nan", "\x00", "💥"]),
)
json_values = st.recursive(
    odd_scalars.filter(lambda v: not (isinstance(v, float) and v != v)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
any_values = st.recursive(
    odd_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
GOOD = {
    "cloud_id": "c1",
    "gpu_type": "H100_80GB",
    "gpu_count": 1,
    "socket": "PCIe",
    "provider_type": "runpod",
}


@SETTINGS
@given(
    news=st.dictionaries(
        st.one_of(st.sampled_from(INPUT_NAMES), st.text(max_size=15)), any_values, max_size=12
    ),
    base=st.booleans(),
)
def test_check_never_raises_and_fails_per_property(news: dict[str, Any], base: bool) -> None:
    inputs = {**GOOD, **news} if base else news
    result = PodProvider().check({}, inputs)
    for failure in result.failures:
        assert isinstance(failure, CheckFailure)
        # Each failure is about an input that was given, or a required one.
        assert failure.property in inputs or failure.property in INPUT_NAMES
        assert isinstance(failure.reason, str)
        assert failure.property in failure.reason
    if not result.failures:
        # What check accepted, create can trust: it validates again without error.
        accepted = {k: v for k, v in result.inputs.items() if v is not None}
        PodInputs.model_validate(accepted)
        assert isinstance(result.inputs["name"], str)


@SETTINGS
# The marker keeps a secret from being a word the message may hold anyway (such as
# "env_vars", which Hypothesis can draw from the code under test).
@given(secret=st.text(min_size=8, max_size=20).filter(str.strip).map("secret:".__add__))
def test_check_never_echoes_a_secret_input(secret: str) -> None:
    result = PodProvider().check(
        {}, {**GOOD, "gpu_count": 0, "jupyter_password": [secret], "env_vars": {"1x": secret}}
    )
    props = {f.property for f in result.failures}
    assert {"jupyter_password", "env_vars", "gpu_count"} <= props
    for failure in result.failures:
        if failure.property in ("jupyter_password", "env_vars"):
            assert secret not in failure.reason


def _client(body: bytes, status: int = 200) -> PrimeClient:
    return PrimeClient(
        "k",
        base_url="http://prime.test",
        transport=httpx.MockTransport(lambda request: httpx.Response(status, content=body)),
        max_attempts=1,
    )


CALLS = [
    lambda c: c.get_pod("p"),
    lambda c: c.get_pod_statuses(["p"]),
    lambda c: c.list_pods(),
    lambda c: c.list_gpu_availability(),
    lambda c: c.get_cluster("c"),
    lambda c: c.list_pod_history(),
    lambda c: c.delete_pod("p"),
]


@SETTINGS
@given(body=json_values, call=st.sampled_from(range(len(CALLS))))
def test_odd_answers_give_a_model_or_a_typed_error(body: Any, call: int) -> None:
    with _client(json.dumps(body).encode()) as client:
        with contextlib.suppress(PrimeError):
            CALLS[call](client)


@SETTINGS
@given(
    raw=st.binary(max_size=60),
    status=st.sampled_from([200, 400, 401, 402, 403, 404, 409, 422, 429, 500, 503, 418]),
)
def test_any_bytes_under_any_status_give_a_model_or_a_typed_error(raw: bytes, status: int) -> None:
    with _client(raw, status) as client:
        try:
            client.get_pod("p")
        except PrimeError as error:
            message = str(error)
        else:
            message = "parsed"
    assert message


@pytest.mark.parametrize("field", ["sshConnection", "ip"])
@SETTINGS
@given(value=json_values)
def test_connection_fields_take_any_shape(field: str, value: Any) -> None:
    body = {"podId": "p", "status": "ACTIVE", field: value}
    with _client(json.dumps({"data": [body]}).encode()) as client:
        try:
            (status,) = client.get_pod_statuses(["p"])
        except PrimeError:
            return
    assert status.ssh_connection is None or isinstance(status.ssh_connection, str)


ITEM_KEYS = ("cloudId", "gpuType", "gpuCount", "socket", "provider", "dataCenter", "country")
odd_items = st.fixed_dictionaries(
    dict.fromkeys(ITEM_KEYS, odd_scalars),
    optional={
        "region": odd_scalars,
        "security": st.one_of(odd_scalars, st.sampled_from(["secure_cloud", "community_cloud"])),
        "prices": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {}, optional={"onDemand": odd_scalars, "communityPrice": odd_scalars}
            ),
        ),
        "stockStatus": st.one_of(odd_scalars, st.sampled_from(["Available", "Unavailable"])),
        "images": json_values,
        "isSpot": odd_scalars,
    },
)


NAN_PRICE = {"cloudId": "a", "gpuType": "H100_80GB", "prices": {"onDemand": float("nan")}}


@SETTINGS
@given(items=st.lists(odd_items, max_size=5), total=odd_scalars)
@example(items=[NAN_PRICE], total=1)
@example(items=[{**NAN_PRICE, "prices": {"onDemand": -1.0}}], total=1)
def test_odd_offers_give_sorted_offers_or_a_typed_error(items: list[Any], total: Any) -> None:
    body = json.dumps({"items": items, "totalCount": total}, default=str).encode()
    with _client(body) as client:
        try:
            found = search(client, OfferQuery(gpu_type="H100_80GB", max_price=2.0))
        except PrimeError:
            return
    shown = [offer.price_hr for offer in found.matches]
    assert all(price is not None and price <= 2.0 for price in shown)
    assert shown == sorted(shown)  # type: ignore[type-var]
    assert all(offer.stock_status != "Unavailable" for offer in found.matches)
