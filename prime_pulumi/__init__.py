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
    from prime_pulumi.cluster import GetClusterResult as GetClusterResult
    from prime_pulumi.cluster import get_cluster as get_cluster
    from prime_pulumi.cluster import get_cluster_output as get_cluster_output
    from prime_pulumi.core.errors import ResourceError as ResourceError
    from prime_pulumi.core.errors import UnexpectedError as UnexpectedError
    from prime_pulumi.disk.data import DiskOffer as DiskOffer
    from prime_pulumi.disk.data import get_disk_offers as get_disk_offers
    from prime_pulumi.disk.data import get_disk_offers_output as get_disk_offers_output
    from prime_pulumi.disk.errors import DiskCleanupError as DiskCleanupError
    from prime_pulumi.disk.errors import DiskError as DiskError
    from prime_pulumi.disk.errors import DiskProvisioningError as DiskProvisioningError
    from prime_pulumi.disk.resource import Disk as Disk
    from prime_pulumi.disk.resource import DiskArgs as DiskArgs
    from prime_pulumi.pod.data import GpuOffer as GpuOffer
    from prime_pulumi.pod.data import get_gpu_offers as get_gpu_offers
    from prime_pulumi.pod.data import get_gpu_offers_output as get_gpu_offers_output
    from prime_pulumi.pod.errors import NoOfferError as NoOfferError
    from prime_pulumi.pod.errors import PodCleanupError as PodCleanupError
    from prime_pulumi.pod.errors import PodError as PodError
    from prime_pulumi.pod.errors import PodNameTakenError as PodNameTakenError
    from prime_pulumi.pod.errors import PodProvisioningError as PodProvisioningError
    from prime_pulumi.pod.resource import Pod as Pod
    from prime_pulumi.pod.resource import PodArgs as PodArgs

#: The names of the Pulumi-facing layer and their modules; every other public name is the
#: client's.
_PULUMI_FACING = {
    "Pod": "prime_pulumi.pod.resource",
    "PodArgs": "prime_pulumi.pod.resource",
    "Disk": "prime_pulumi.disk.resource",
    "DiskArgs": "prime_pulumi.disk.resource",
    "GetClusterResult": "prime_pulumi.cluster",
    "get_cluster": "prime_pulumi.cluster",
    "get_cluster_output": "prime_pulumi.cluster",
    "GpuOffer": "prime_pulumi.pod.data",
    "get_gpu_offers": "prime_pulumi.pod.data",
    "get_gpu_offers_output": "prime_pulumi.pod.data",
    "DiskOffer": "prime_pulumi.disk.data",
    "get_disk_offers": "prime_pulumi.disk.data",
    "get_disk_offers_output": "prime_pulumi.disk.data",
    "ResourceError": "prime_pulumi.core.errors",
    "UnexpectedError": "prime_pulumi.core.errors",
    "PodError": "prime_pulumi.pod.errors",
    "PodProvisioningError": "prime_pulumi.pod.errors",
    "PodCleanupError": "prime_pulumi.pod.errors",
    "PodNameTakenError": "prime_pulumi.pod.errors",
    "NoOfferError": "prime_pulumi.pod.errors",
    "DiskError": "prime_pulumi.disk.errors",
    "DiskProvisioningError": "prime_pulumi.disk.errors",
    "DiskCleanupError": "prime_pulumi.disk.errors",
}


def __getattr__(name: str) -> Any:
    client = importlib.import_module("prime_pulumi.client")
    if name == "__all__":
        value: Any = sorted([*_PULUMI_FACING, *client.__all__])
    elif name in _PULUMI_FACING:
        value = getattr(importlib.import_module(_PULUMI_FACING[name]), name)
    elif name in client.__all__:
        value = getattr(client, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value
