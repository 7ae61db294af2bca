"""A failed pod's last log lines: read once, secrets masked, the last one quoted for its error."""

from __future__ import annotations

import httpx

from prime_pulumi.pod.logs import FAILURE_LOG_LINES, QUOTED_CHARACTERS, FailureLog, masker
from tests.unit.support import make_client


def read(body: object, secrets: list[str]) -> FailureLog:
    with make_client(lambda r: httpx.Response(200, json=body)) as client:
        return FailureLog.read(client, "pod-1", secrets)


def test_the_last_lines_are_kept_with_their_time_and_the_last_is_quoted() -> None:
    lines = [{"timestamp": "2026-12-02T14:00:00Z", "message": f"step {i}"} for i in range(15)]
    log = read({"logs": [*lines, {"message": "  \n "}]}, [])
    assert len(log.lines) == FAILURE_LOG_LINES - 1  # the blank line was read, and dropped
    assert log.lines[-1] == "2026-12-02T14:00:00Z step 14"
    assert log.ending() == "Its log ends: 'step 14'."


def test_secrets_are_masked_the_longest_first_and_short_values_are_left() -> None:
    log = read(["token=abcdef-long, short=abc, part=abcdef"], ["abcdef", "abcdef-long", "abc"])
    assert log.ending() == "Its log ends: 'token=[secret], short=abc, part=[secret]'."
    assert masker(["s3cret"])("a\nmulti-line  s3cret\tmessage") == "a multi-line [secret] message"


def test_a_long_last_line_is_cut_for_the_one_line_error() -> None:
    log = read(["x" * 500], [])
    assert len(log.ending()) < QUOTED_CHARACTERS + 20 and log.ending().endswith("...'.")
    assert log.lines == ["x" * 500]  # the Diagnostics keep it whole


def test_a_log_that_cannot_be_read_is_no_lines_and_is_read_once() -> None:
    seen: list[httpx.Request] = []

    def refused(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(502, json={"detail": "bad gateway"})

    with make_client(refused) as client:
        log = FailureLog.read(client, "pod-1", [])
    assert (log.lines, log.ending()) == ([], "")
    assert len(seen) == 1 and seen[0].url.params["tail"] == str(FAILURE_LOG_LINES)
