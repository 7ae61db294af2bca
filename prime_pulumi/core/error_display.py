"""How a failed operation reaches the user: one line that names the resource, and what is left.

The SDK sends a failed method's ``traceback.format_exc()`` to the engine, and
the CLI prints it whole. In the provider process the traceback is cut to
``prime_pulumi.ClassName: message`` (``engine_process.show_full_tracebacks``);
here, each error is made one line, and raised ``from None`` so that no chained
exception comes along, unless ``prime:fullTracebacks`` asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from prime_pulumi.client import (
    AuthenticationError,
    ConfigurationError,
    CreateOutcomeUnknownError,
    PrimeError,
)
from prime_pulumi.core.errors import ResourceError, UnexpectedError

KEY_HINT = "set it with `pulumi config set --secret prime:apiKey <key>`, or PRIME_API_KEY"
#: What a failure inside prime-pulumi asks of the user.
REPORT_IT = (
    "This is a failure inside prime-pulumi; please report it, with the traceback that "
    "`pulumi config set prime:fullTracebacks true` shows"
)


@contextmanager
def errors_shown(
    label: str,
    named: Callable[[str], ResourceError],
    *,
    outcome: str | Callable[[], str] = "",
    full: Callable[[], bool] = lambda: False,
) -> Iterator[None]:
    """Raises what fails inside as one of our errors, in one line, led by ``label``.

    An error that already says what it concerns (a resource's, or a setting's)
    passes as it is. Another of ours becomes the resource's own error,
    ``named(message)`` (a ``PodError`` for a pod), anything else (a bug) an
    :class:`UnexpectedError`; both end with ``outcome``, what is left of the
    resource, worked out when the error comes. Unless ``full()``, the error shown
    carries no chained exceptions.
    """
    try:
        yield
    except Exception as error:
        left = outcome() if callable(outcome) else outcome
        shown = _as_shown(error, label, left, named)
        if full():
            if shown is error:
                raise
            raise shown from error
        raise shown from None


def _as_shown(
    error: Exception, label: str, outcome: str, named: Callable[[str], ResourceError]
) -> Exception:
    if isinstance(error, (ResourceError, CreateOutcomeUnknownError, ConfigurationError)):
        return _flattened(error)
    if isinstance(error, PrimeError):
        message = str(error)
        if isinstance(error, AuthenticationError):
            message = f"{_sentence(message)[:-1]} ({KEY_HINT})"
        return named(_sentences(f"{label}: {message}", outcome))
    return UnexpectedError(
        _sentences(f"{label}: {type(error).__name__}: {_describe(error)}", REPORT_IT, outcome)
    )


def _describe(error: Exception) -> str:
    """An unexpected error's text; a validation error's without the values (secrets)."""
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in error.errors(include_url=False, include_input=False)
        )
    return str(error)


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
