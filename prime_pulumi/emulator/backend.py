"""All state and behaviour of the emulated Prime Intellect API, with no HTTP in it.

An :class:`EmulatorBackend` is composed of one part per API resource, each in its
resource's ``state`` module, with its lifecycle described there: pods and their
fates (:mod:`prime_pulumi.emulator.pods.state`) and their logs
(:mod:`prime_pulumi.emulator.pods.logs`), disks and their fates
(:mod:`prime_pulumi.emulator.disks.state`), the GPU and disk offers
(:mod:`prime_pulumi.emulator.availability.state`), admin clusters
(:mod:`prime_pulumi.emulator.clusters.state`), the account's SSH keys
(:mod:`prime_pulumi.emulator.ssh_keys.state`), and the faults queued for the next
requests with the request counts (:mod:`prime_pulumi.emulator.faults`). The parts
share keys, timing, ids and one lock (:mod:`prime_pulumi.emulator.core`): the
backend is thread-safe, as the server answers requests on its own thread while
tests read state from theirs.

Time comes from an injectable monotonic ``clock``. Nothing is advanced by a
background task: pods and disks are computed from the time elapsed since their
creation on every read, so a fake clock steers them exactly.
"""

from __future__ import annotations

from prime_pulumi.emulator.availability.state import AvailabilityBackend
from prime_pulumi.emulator.clusters.state import ClusterBackend
from prime_pulumi.emulator.disks.state import DiskBackend
from prime_pulumi.emulator.faults import FaultBackend
from prime_pulumi.emulator.pods.logs import PodLogBackend
from prime_pulumi.emulator.pods.state import PodBackend
from prime_pulumi.emulator.ssh_keys.state import SshKeyBackend


class EmulatorBackend(
    PodBackend,
    PodLogBackend,
    AvailabilityBackend,
    ClusterBackend,
    DiskBackend,
    SshKeyBackend,
    FaultBackend,
):
    """The emulated API's state and logic; the HTTP layer is a thin shell around it.

    Args:
        api_keys: keys accepted on the API (``Authorization: Bearer <key>``).
        admin_keys: keys also accepted on admin endpoints; they work as normal keys too.
        provision_seconds: how long pods created from now on take to become ready.
        delete_seconds: how long pods deleted from now on stay DELETING before they
            are terminated; 0 terminates them at once.
        disk_provision_seconds: how long disks created from now on stay PROVISIONING.
        disk_delete_seconds: how long disks deleted from now on stay DELETING before
            they are gone; 0 removes them at once.
        seed: makes ids, IPs and names deterministic: equal seeds give equal ids.
        clock: a monotonic clock in seconds; inject a fake one to steer time.
    """
