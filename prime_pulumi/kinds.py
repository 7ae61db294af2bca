"""Every resource kind and data function, for the faces that serve them all (the native plugin).

A new kind is one line here.
"""

from __future__ import annotations

from prime_pulumi.cluster import CLUSTER
from prime_pulumi.core.functions import DataFunction
from prime_pulumi.core.kind import AnyKind
from prime_pulumi.disk.offers import DISK_OFFERS
from prime_pulumi.disk.operations import DISK
from prime_pulumi.pod.offers import GPU_OFFERS
from prime_pulumi.pod.operations import POD
from prime_pulumi.ssh_key.operations import SSH_KEY

#: Each kind's operations, in the order the schema lists them.
KINDS: tuple[AnyKind, ...] = (POD, DISK, SSH_KEY)

#: Each data function, as the native face serves them (``prime:index:<name>``).
FUNCTIONS: tuple[DataFunction, ...] = (CLUSTER, GPU_OFFERS, DISK_OFFERS)
