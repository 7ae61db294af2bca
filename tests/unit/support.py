"""What the client's unit tests share: a client over a mock transport and a fake clock."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from prime_pulumi import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    PrimeClient,
    UnprocessableEntityError,
)
from prime_pulumi.client import APIStatusError

KEY = "pk-unit-test-secret"
Handler = Callable[[httpx.Request], httpx.Response]

#: Each HTTP error status and the error the client raises for it.
STATUS_ERRORS: list[tuple[int, type[APIStatusError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (402, PaymentRequiredError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (405, APIStatusError),
]


#: Answers to a create whose outcome is unknown: the request may have made what it asked for.
LOST_CREATES: list[Handler] = [
    lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)),
    lambda r: (_ for _ in ()).throw(httpx.RemoteProtocolError("dropped", request=r)),
    lambda r: httpx.Response(502, json={"detail": "bad gateway"}),
    # Accepted, but not said what was made: it exists, and only its name can find it.
    lambda r: httpx.Response(200, json={"unexpected": "shape"}),
    lambda r: httpx.Response(200, text="<html>ok</html>"),
]
LOST_CREATE_IDS = ["timeout", "dropped", "502", "unreadable-answer", "not-json"]


class FakeTime:
    """A clock that only moves when the client sleeps, and a record of every wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def make_client(handler: Handler, fake: FakeTime | None = None, **kwargs: object) -> PrimeClient:
    fake = fake or FakeTime()
    return PrimeClient(
        KEY,
        base_url="http://prime.test",
        transport=httpx.MockTransport(handler),
        sleep=fake.sleep,
        clock=fake.clock,
        **kwargs,  # type: ignore[arg-type]
    )
