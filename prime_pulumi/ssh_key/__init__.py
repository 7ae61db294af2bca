"""Everything about SSH keys: the ``SshKey`` resource, its inputs and outputs, its operations.

The names users import (from ``prime_pulumi``) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prime_pulumi.core.exports import lazy_names

if TYPE_CHECKING:
    from prime_pulumi.ssh_key.errors import SshKeyError as SshKeyError
    from prime_pulumi.ssh_key.resource import SshKey as SshKey
    from prime_pulumi.ssh_key.resource import SshKeyArgs as SshKeyArgs

# The module of each public name; ``__all__`` lists them again, for type checkers.
_HOMES = {
    "SshKey": "resource",
    "SshKeyArgs": "resource",
    "SshKeyError": "errors",
}
__all__ = ["SshKey", "SshKeyArgs", "SshKeyError"]
__getattr__ = lazy_names(__name__, _HOMES)
