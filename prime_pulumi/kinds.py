"""Every resource kind, for the faces that serve them all (the native plugin's schema).

A new kind is one line here.
"""

from __future__ import annotations

from prime_pulumi.core.kind import KindOperations
from prime_pulumi.disk.operations import DISK
from prime_pulumi.pod.operations import POD

#: Each kind's operations, in the order the schema lists them.
KINDS: tuple[KindOperations, ...] = (POD, DISK)
