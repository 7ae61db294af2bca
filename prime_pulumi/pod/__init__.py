"""Everything about pods: the ``Pod`` resource, its inputs and outputs, its operations, offers.

The names users import (from ``prime_pulumi``) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prime_pulumi.core.exports import lazy_names

if TYPE_CHECKING:
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

# The module of each public name; ``__all__`` lists them again, for type checkers.
_HOMES = {
    "Pod": "resource",
    "PodArgs": "resource",
    "GpuOffer": "data",
    "get_gpu_offers": "data",
    "get_gpu_offers_output": "data",
    "PodError": "errors",
    "PodProvisioningError": "errors",
    "PodCleanupError": "errors",
    "PodNameTakenError": "errors",
    "NoOfferError": "errors",
}
__all__ = [
    "GpuOffer",
    "NoOfferError",
    "Pod",
    "PodArgs",
    "PodCleanupError",
    "PodError",
    "PodNameTakenError",
    "PodProvisioningError",
    "get_gpu_offers",
    "get_gpu_offers_output",
]
__getattr__ = lazy_names(__name__, _HOMES)
