"""How a failed operation reaches the user: one line that names the pod, and what is left.

The SDK sends a failed method's ``traceback.format_exc()`` to the engine, and
the CLI prints it whole. In the provider process, ``sys.tracebacklimit = 0``
cuts that text to ``ClassName: message``, and an error raised ``from None``
brings no chained exceptions along. ``prime:fullTracebacks`` restores both, for
a bug report.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prime_pulumi._provider.engine_process import started_by_engine
from prime_pulumi.client import (
    AuthenticationError,
    ConfigurationError,
    CreateOutcomeUnknownError,
    PodError,
    PrimeError,
    UnexpectedError,
)

KEY_HINT = "set it with `pulumi config set --secret prime:apiKey <key>`, or PRIME_API_KEY"


def show_full_tracebacks(full: bool) -> None:
    """Full tracebacks, or ``ClassName: message`` alone; only in a provider process."""
    if not started_by_engine():
        return  # a test or a program: its tracebacks are not ours to cut
    if full:
        if hasattr(sys, "tracebacklimit"):
            del sys.tracebacklimit
    else:
        sys.tracebacklimit = 0


@contextmanager
def errors_shown(
    label: str,
    *,
    outcome: str = "",
    if_unexpected: str = "",
    pod_name: str | None = None,
    pod_id: str | None = None,
    full: Callable[[], bool] = lambda: False,
) -> Iterator[None]:
    """Raises what fails inside as one of our errors, in one line, led by ``label``.

    An error that already says what it concerns (a pod's, or a setting's) passes
    as it is. Another of ours becomes a :class:`PodError` that ends with
    ``outcome``, what is left of the pod. Anything else, a bug, becomes an
    :class:`UnexpectedError` that ends with ``if_unexpected``. Unless ``full()``,
    the error shown carries no chained exceptions.
    """
    try:
        yield
    except Exception as error:
        shown = _as_shown(error, label, (outcome, if_unexpected), pod_name, pod_id)
        if full():
            if shown is error:
                raise
            raise shown from error
        raise shown from None


def _as_shown(
    error: Exception,
    label: str,
    outcomes: tuple[str, str],
    pod_name: str | None,
    pod_id: str | None,
) -> Exception:
    if isinstance(error, (PodError, CreateOutcomeUnknownError, ConfigurationError)):
        return _flattened(error)
    outcome, if_unexpected = outcomes
    if isinstance(error, PrimeError):
        message = str(error)
        if isinstance(error, AuthenticationError):
            message = f"{_sentence(message)[:-1]} ({KEY_HINT})"
        return PodError(
            _sentences(f"{label}: {message}", outcome), pod_name=pod_name, pod_id=pod_id
        )
    return UnexpectedError(
        _sentences(
            f"{label}: {type(error).__name__}: {error}",
            "This is a failure inside prime-pulumi; please report it, with the traceback "
            "that `pulumi config set prime:fullTracebacks true` shows",
            if_unexpected,
        )
    )


def one_line(text: str) -> str:
    """``text`` with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def _sentence(text: str) -> str:
    text = one_line(text)
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _sentences(*parts: str) -> str:
    """The non-empty ``parts``, each one line ending in a full stop."""
    return " ".join(_sentence(part) for part in parts if part.strip())


def _flattened(error: Exception) -> Exception:
    """``error`` itself, its message made one line (a server's detail may hold line breaks)."""
    message = str(error)
    if "\n" in message:
        error.args = (one_line(message),)
    return error
