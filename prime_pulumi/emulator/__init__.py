"""A local emulator of the Prime Intellect REST API, for tests and pipelines.

Each API resource has a subpackage holding its routes and JSON shapes (``wire``),
its state and logic (``state``) and its endpoints (``routes``): ``pods``, ``disks``,
``availability`` (GPU and disk offers) and ``clusters``.
:class:`EmulatorBackend` composes their state and logic; :func:`create_app` wraps it
in a FastAPI application; :class:`EmulatorServer` runs that on a loopback port
in a thread; :class:`EmulatorControl` steers a running one (time, faults, offers,
what it holds); ``prime-emulator`` runs it from the command line; the pytest
fixture ``prime_emulator`` hands a reset, running server to each test.

Every name loads on first use: the pytest plugin, which every pytest session
of anyone who installs prime-pulumi loads, imports only
:mod:`prime_pulumi.emulator.defaults`. ``EmulatorServer`` and ``create_app``
need the ``emulator`` extra (FastAPI and uvicorn).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prime_pulumi.emulator.app import create_app as create_app
    from prime_pulumi.emulator.backend import EmulatorBackend as EmulatorBackend
    from prime_pulumi.emulator.clusters.wire import WireCluster as WireCluster
    from prime_pulumi.emulator.control import EmulatorControl as EmulatorControl
    from prime_pulumi.emulator.defaults import DEFAULT_ADMIN_KEY as DEFAULT_ADMIN_KEY
    from prime_pulumi.emulator.defaults import DEFAULT_API_KEY as DEFAULT_API_KEY
    from prime_pulumi.emulator.defaults import (
        FIXTURE_PROVISION_SECONDS as FIXTURE_PROVISION_SECONDS,
    )
    from prime_pulumi.emulator.disks.wire import DiskFate as DiskFate
    from prime_pulumi.emulator.faults import ROUTE_NAMES as ROUTE_NAMES
    from prime_pulumi.emulator.faults import Fault as Fault
    from prime_pulumi.emulator.pods.wire import Fate as Fate
    from prime_pulumi.emulator.pods.wire import PodFailure as PodFailure
    from prime_pulumi.emulator.server import EmulatorServer as EmulatorServer

#: Each public name and the module that defines it.
_HOMES = {
    "DEFAULT_ADMIN_KEY": "defaults",
    "DEFAULT_API_KEY": "defaults",
    "FIXTURE_PROVISION_SECONDS": "defaults",
    "ROUTE_NAMES": "faults",
    "EmulatorBackend": "backend",
    "EmulatorServer": "server",
    "EmulatorControl": "control",
    "DiskFate": "disks.wire",
    "Fate": "pods.wire",
    "Fault": "faults",
    "PodFailure": "pods.wire",
    "WireCluster": "clusters.wire",
    "create_app": "app",
}


def __getattr__(name: str) -> Any:
    if name == "__all__":
        return list(_HOMES)
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value
