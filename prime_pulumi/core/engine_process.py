"""The provider process as the engine started it: the engine's address, the traceback limit.

The engine starts a dynamic provider as ``python -u -m pulumi.dynamic <address>``:
the first argument is the address of the engine's own gRPC server
(``pulumirpc.Engine``), where progress messages go. The SDK sends a failed
method's ``traceback.format_exc()``, which honours the process's
``sys.tracebacklimit``. Anywhere else (a test calling the provider in-process, a
program), there is no engine, and the process is not ours to change.
"""

from __future__ import annotations

import sys

#: The module the engine runs as the provider process's ``__main__``.
DYNAMIC_PROVIDER_MAIN = "pulumi.dynamic.__main__"


def started_by_engine() -> bool:
    """Whether this process is a dynamic provider the engine started."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == DYNAMIC_PROVIDER_MAIN


def engine_address() -> str | None:
    """The engine's gRPC address (``host:port``), when the engine started this process."""
    if not started_by_engine() or len(sys.argv) < 2:
        return None
    address = sys.argv[1].strip()
    host, _, port = address.rpartition(":")
    return address if host and port.isdigit() else None


def show_full_tracebacks(full: bool) -> None:
    """Full tracebacks, or ``prime_pulumi.ClassName: message`` alone; only in a provider process."""
    if not started_by_engine():
        return
    if full:
        if hasattr(sys, "tracebacklimit"):
            del sys.tracebacklimit
    else:
        sys.tracebacklimit = 0
