"""``PrimeClient.pod_logs`` over an injected transport: the request, and answers of any shape.

The document gives the log answer no schema, so the client reads every plausible
one; these tests hold it to that, and to a bounded read when asked for one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from prime_pulumi.client import InternalServerError, NotFoundError, PodLogLine
from tests.unit.support import FakeTime, make_client

STAMP = "2026-12-02T14:00:05Z"
WHEN = datetime(2026, 12, 2, 14, 0, 5, tzinfo=UTC)


def answered(body: Any = None, *, text: str | None = None) -> list[PodLogLine]:
    def handler(request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(200, text=text)
        return httpx.Response(200, json=body)

    with make_client(handler) as client:
        return client.pod_logs("pod-1")


def test_it_asks_for_the_tail_of_the_pod_s_log_and_leaves_the_default_to_the_api() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"logs": []})

    with make_client(handler) as client:
        client.pod_logs("a/b", tail=10)
        client.pod_logs("p")
    assert seen[0].url.raw_path.decode() == "/api/v1/pods/a%2Fb/log?tail=10"
    assert seen[0].url.params["tail"] == "10"
    assert "tail" not in seen[1].url.params


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            {"podId": "p", "logs": [{"timestamp": STAMP, "message": "one"}, {"message": "two"}]},
            id="the emulator's shape",
        ),
        pytest.param([{"time": STAMP, "msg": "one"}, "two"], id="a bare list, mixed"),
        pytest.param({"data": [{"ts": STAMP, "line": "one"}, {"text": "two"}]}, id="data"),
        pytest.param({"lines": [{"createdAt": STAMP, "log": "one"}, "two"]}, id="lines"),
    ],
)
def test_lines_are_read_whatever_the_shape(body: Any) -> None:
    lines = answered(body)
    assert [line.message for line in lines] == ["one", "two"]
    assert lines[0].timestamp == WHEN
    assert lines[1].timestamp is None
    assert str(lines[0]) == "2026-12-02T14:00:05Z one"
    assert str(lines[1]) == "two"


def test_plain_text_is_a_line_each_and_blank_lines_are_dropped() -> None:
    assert [line.message for line in answered(text="booting\n\ninstalling\n")] == [
        "booting",
        "installing",
    ]
    assert [line.message for line in answered({"log": "a\nb"})] == ["a", "b"]


def test_an_odd_timestamp_or_an_unknown_object_never_loses_its_line() -> None:
    lines = answered([{"timestamp": "yesterday", "message": "kept"}, {"level": "E", "code": 7}])
    assert lines[0].message == "kept" and lines[0].timestamp is None
    assert lines[1].message == "level=E, code=7"


@pytest.mark.parametrize("body", [None, {}, [], {"podId": "p"}, ""])
def test_no_log_is_no_lines(body: Any) -> None:
    assert answered(body) == []


def test_a_gone_pod_is_not_found() -> None:
    with make_client(lambda r: httpx.Response(404, json={"detail": "Pod not found"})) as client:
        with pytest.raises(NotFoundError):
            client.pod_logs("gone")


def test_a_read_without_retries_is_one_attempt_with_its_own_timeout() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"detail": "busy"})

    fake = FakeTime()
    with make_client(handler, fake) as client:
        with pytest.raises(InternalServerError):
            client.pod_logs("p", timeout=2.5, retry=False)
        assert len(seen) == 1 and fake.waits == []
        assert seen[0].extensions["timeout"]["read"] == 2.5
        with pytest.raises(InternalServerError):
            client.pod_logs("p")
        assert len(seen) > 2  # retried as any read is


def test_a_line_s_time_is_shown_in_utc_whatever_offset_the_api_gave_it() -> None:
    (line,) = answered({"logs": [{"timestamp": "2026-12-02T15:00:05+01:00", "message": "one"}]})
    assert str(line) == "2026-12-02T14:00:05Z one"
