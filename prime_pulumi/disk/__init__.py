"""Everything about disks: the ``Disk`` resource, its inputs and outputs, its operations, offers.

The names users import (from ``prime_pulumi``) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prime_pulumi.core.exports import lazy_names

if TYPE_CHECKING:
    from prime_pulumi.disk.data import DiskOffer as DiskOffer
    from prime_pulumi.disk.data import get_disk_offers as get_disk_offers
    from prime_pulumi.disk.data import get_disk_offers_output as get_disk_offers_output
    from prime_pulumi.disk.errors import DiskCleanupError as DiskCleanupError
    from prime_pulumi.disk.errors import DiskError as DiskError
    from prime_pulumi.disk.errors import DiskProvisioningError as DiskProvisioningError
    from prime_pulumi.disk.resource import Disk as Disk
    from prime_pulumi.disk.resource import DiskArgs as DiskArgs

# The module of each public name; ``__all__`` lists them again, for type checkers.
_HOMES = {
    "Disk": "resource",
    "DiskArgs": "resource",
    "DiskOffer": "data",
    "get_disk_offers": "data",
    "get_disk_offers_output": "data",
    "DiskError": "errors",
    "DiskProvisioningError": "errors",
    "DiskCleanupError": "errors",
}
__all__ = [
    "Disk",
    "DiskArgs",
    "DiskCleanupError",
    "DiskError",
    "DiskOffer",
    "DiskProvisioningError",
    "get_disk_offers",
    "get_disk_offers_output",
]
__getattr__ = lazy_names(__name__, _HOMES)
