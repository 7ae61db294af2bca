"""Public names that load on first use: a package lists each name and the module it is in.

Importing ``prime_pulumi`` or a kind's folder then costs nothing until a name is
used: ``prime_pulumi.Pod`` imports pulumi, ``prime_pulumi.PrimeClient`` does not.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``homes`` from its submodule."""

    def load(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{homes[name]}"), name)
        setattr(sys.modules[package], name, value)  # later look-ups skip this function
        return value

    return load
