"""A local emulator of the Prime Intellect REST API, for tests and pipelines.

:class:`EmulatorBackend` holds the state and logic; :func:`create_app` wraps it
in a FastAPI application; :class:`EmulatorServer` runs that on a loopback port
in a thread; ``prime-emulator`` runs it from the command line; the pytest
fixture ``prime_emulator`` hands a reset, running server to each test.

``EmulatorServer`` and ``create_app`` need the ``emulator`` extra (FastAPI and
uvicorn) and are imported on first use, so importing this package does not.
"""

from typing import TYPE_CHECKING, Any

from prime_pulumi.emulator._constants import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_API_KEY,
    FIXTURE_PROVISION_SECONDS,
    ROUTE_NAMES,
)
from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.schemas import Cluster, Fate, Fault, PodFailure

if TYPE_CHECKING:
    from prime_pulumi.emulator.app import create_app
    from prime_pulumi.emulator.server import EmulatorServer

__all__ = [
    "DEFAULT_ADMIN_KEY",
    "DEFAULT_API_KEY",
    "FIXTURE_PROVISION_SECONDS",
    "ROUTE_NAMES",
    "Cluster",
    "EmulatorBackend",
    "EmulatorServer",
    "Fate",
    "Fault",
    "PodFailure",
    "create_app",
]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the package needs neither FastAPI nor uvicorn.
    if name == "EmulatorServer":
        from prime_pulumi.emulator.server import EmulatorServer  # noqa: PLC0415

        return EmulatorServer
    if name == "create_app":
        from prime_pulumi.emulator.app import create_app  # noqa: PLC0415

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
