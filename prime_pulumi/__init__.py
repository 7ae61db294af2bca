"""prime-pulumi: Prime Intellect GPU pods in Pulumi programs.

The public names are importable from here: the Pulumi-facing ones (``Pod``,
``PodArgs``, ``get_cluster``, the errors of one pod or disk, ...) and everything
of the API client (:mod:`prime_pulumi.client`). They load on first use, so that importing
``prime_pulumi.emulator`` (the emulator and its pytest plugin) pulls in neither
pulumi and grpc nor the client. ``Pod`` is the Pulumi resource; the API's own
record of a pod is :class:`prime_pulumi.client.PodDetails`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prime_pulumi.client import *  # noqa: F403
    from prime_pulumi.cluster import *  # noqa: F403
    from prime_pulumi.core.errors import *  # noqa: F403
    from prime_pulumi.disk import *  # noqa: F403
    from prime_pulumi.pod import *  # noqa: F403
    from prime_pulumi.ssh_key import *  # noqa: F403

#: Where the public names are, besides the client's: each lists its own in ``__all__``.
#: A new kind is one line here (and one above, for type checkers).
#: ``cluster`` comes last: of these, only it imports pulumi as it loads.
_PUBLIC = (
    "prime_pulumi.core.errors",
    "prime_pulumi.pod",
    "prime_pulumi.disk",
    "prime_pulumi.ssh_key",
    "prime_pulumi.cluster",
)


def __getattr__(name: str) -> Any:
    # The client first: its names need neither pulumi nor grpc.
    homes = [importlib.import_module("prime_pulumi.client")]
    if name == "__all__":
        homes += [importlib.import_module(module) for module in _PUBLIC]
        value: Any = sorted(n for home in homes for n in home.__all__)
    else:
        for module in ("prime_pulumi.client", *_PUBLIC):
            home = importlib.import_module(module)
            if name in home.__all__:
                value = getattr(home, name)
                break
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value
