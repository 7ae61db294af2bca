"""A failure as the user sees it: one line, ours, naming the pod and what is left billing."""

from __future__ import annotations

import sys
import traceback

import pytest

from prime_pulumi.client import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    InternalServerError,
)
from prime_pulumi.core.engine_process import show_full_tracebacks
from prime_pulumi.core.error_display import errors_shown
from prime_pulumi.core.errors import UnexpectedError
from prime_pulumi.disk.errors import DiskError, disk_error
from prime_pulumi.pod.errors import PodCleanupError, PodError, pod_error

LABEL = "Pod 'trainer-1a2b3c4' (pod-1)"


def _api_error(kind: type[APIStatusError], status: int, detail: str) -> APIStatusError:
    return kind(
        f"GET /api/v1/pods/pod-1 failed with HTTP {status}: {detail}",
        status_code=status,
        method="GET",
        path="/api/v1/pods/pod-1",
        detail=detail,
    )


def _shown(error: Exception, *, full: bool = False, kind: str = "pod") -> BaseException:
    named = disk_error if kind == "disk" else pod_error
    with pytest.raises(Exception) as info:  # noqa: PT011 (any error: what it became is the test)
        with errors_shown(
            LABEL,
            lambda message: named(message, None, f"{kind}-1"),
            outcome=lambda: f"The {kind} was left as it is.",
            full=lambda: full,
        ):
            raise error
    return info.value


def _as_printed(error: BaseException) -> str:
    """What ``traceback.format_exc`` gives in a provider process (tracebacklimit 0)."""
    return "".join(traceback.format_exception(error, limit=0))


def test_an_api_error_becomes_a_pod_error_that_says_what_is_left() -> None:
    shown = _shown(_api_error(InternalServerError, 503, "maintenance"))
    assert isinstance(shown, PodError) and shown.pod_id == "pod-1"
    assert _as_printed(shown) == (
        f"prime_pulumi.PodError: {LABEL}: GET /api/v1/pods/pod-1 failed with HTTP 503: "
        "maintenance. The pod was left as it is.\n"
    )
    assert shown.__cause__ is None and shown.__suppress_context__


def test_an_api_error_of_a_disk_becomes_a_disk_error_that_names_it() -> None:
    shown = _shown(_api_error(InternalServerError, 503, "maintenance"), kind="disk")
    assert isinstance(shown, DiskError) and shown.disk_id == "disk-1"
    assert _as_printed(shown).startswith(f"prime_pulumi.DiskError: {LABEL}: ")
    assert _as_printed(shown).endswith("maintenance. The disk was left as it is.\n")


def test_a_refused_key_says_where_to_set_one() -> None:
    shown = _shown(_api_error(AuthenticationError, 401, "invalid api key."))
    assert str(shown) == (
        f"{LABEL}: GET /api/v1/pods/pod-1 failed with HTTP 401: invalid api key (set it with "
        "`pulumi config set --secret prime:apiKey <key>`, or PRIME_API_KEY). "
        "The pod was left as it is."
    )


def test_a_foreign_error_is_a_bug_to_report_with_the_full_traceback() -> None:
    shown = _shown(KeyError("ssh"))
    assert isinstance(shown, UnexpectedError)
    assert str(shown) == (
        f"{LABEL}: KeyError: 'ssh'. This is a failure inside prime-pulumi; please report it, "
        "with the traceback that `pulumi config set prime:fullTracebacks true` shows. "
        "The pod was left as it is."
    )


def test_errors_that_say_what_they_concern_pass_as_they_are_in_one_line() -> None:
    cleanup = PodCleanupError("Pod 'x' (pod-1): still there;\n  delete it by hand.", pod_id="p")
    assert _shown(cleanup) is cleanup
    assert str(cleanup) == "Pod 'x' (pod-1): still there; delete it by hand."
    missing = ConfigurationError("No Prime Intellect API key is set.")
    assert _shown(missing) is missing
    assert _as_printed(missing) == "prime_pulumi.ConfigurationError: " + str(missing) + "\n"


def test_chained_errors_print_as_one_line_unless_full_tracebacks_are_asked_for() -> None:
    cause = _api_error(InternalServerError, 500, "boom")
    quiet = _shown(cause)
    assert len(_as_printed(quiet).splitlines()) == 1
    full = _shown(_api_error(InternalServerError, 500, "boom"), full=True)
    printed = "".join(traceback.format_exception(full))
    assert "The above exception was the direct cause of the following exception" in printed
    assert "prime_pulumi.InternalServerError: GET /api/v1/pods/pod-1" in printed


def test_tracebacks_are_cut_only_in_a_provider_process() -> None:
    show_full_tracebacks(False)  # pytest is no provider process: nothing changes
    assert not hasattr(sys, "tracebacklimit")


def test_a_validation_error_shows_where_and_why_but_never_the_values() -> None:
    from pydantic import BaseModel

    class Inputs(BaseModel):
        jupyter_password: int

    try:
        Inputs.model_validate({"jupyter_password": "hunter2-secret"})
    except Exception as invalid:
        shown = _shown(invalid)
    assert isinstance(shown, UnexpectedError)
    assert "jupyter_password: Input should be a valid integer" in str(shown)
    assert "hunter2" not in str(shown)
