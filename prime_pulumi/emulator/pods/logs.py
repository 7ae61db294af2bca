"""A pod's log: what ``GET /api/v1/pods/{pod_id}/log`` serves, told from its lifecycle.

The log is never stored. Like the pod's phase, it is told afresh on each read
from the pod's record and the clock (:mod:`prime_pulumi.emulator.pods.state`), so
a fake clock steers it too: a line for the create and the provisioning, one when
the machine is up and installation starts, installation at 25, 50 and 75%, and
its end with the SSH command once ready. Fates bend it as they bend the course:
``stuck`` stays waiting, ``error`` ends on the provider's error,
``install_failure`` on the installer's, ``transient_install_failure`` warns and
retries. An out-of-band failure (``fail_pod``) and a delete end the course where
they happen, with a line of their own. Each line has the wall time of its event.

The shape of the answer is our guess: the published document gives it no schema
(``{"podId", "logs": [{"timestamp", "message"}]}``, oldest first). ``tail`` (the
document's only parameter) keeps the last lines: 100 when absent, none when 0 or
less. An unknown or terminated pod is a 404, as for the pod itself.
"""

from __future__ import annotations

from functools import partial

from prime_pulumi.emulator.core import BackendCore
from prime_pulumi.emulator.defaults import DEFAULT_LOG_TAIL
from prime_pulumi.emulator.pods.state import PodRecord, PodStore, _scheduled_phase
from prime_pulumi.emulator.pods.wire import WirePodLogLine, WirePodLogs

#: The installation progress at which a line says how far it is.
_PROGRESS_LINES = (25, 50, 75)

#: A line of the log: the clock reading of its event, and its text.
Line = tuple[float, str]


class PodLogBackend(BackendCore):
    """The backend's pod logs, told from the pods' records."""

    _pods: PodStore

    def pod_logs(self, pod_id: str, tail: int | None = None) -> WirePodLogs:
        """The last ``tail`` lines of an active pod's log (DELETING included); 404 otherwise."""
        with self._lock:
            now = self._clock()
            record = self._pods.active(pod_id, now)
            told = told_until(record, now)
            count = DEFAULT_LOG_TAIL if tail is None else max(tail, 0)
            shown = told[len(told) - count :] if count else []
            lines = [WirePodLogLine(timestamp=self._wall(t), message=m) for t, m in shown]
            return WirePodLogs(pod_id=record.id, logs=lines)


def told_until(record: PodRecord, now: float) -> list[Line]:
    """Every line of the pod's log up to ``now``, oldest first."""
    lines = sorted(_course(record), key=lambda line: line[0])  # stable: same-time lines keep order
    if record.failure is not None:
        since, message = record.failure.since, record.failure.failure
        source = "provider" if record.failure.status == "ERROR" else "installer"
        lines = [*_before(lines, since), (since, f"{source}: ERROR: {message}")]
    if record.deleting is not None:
        since = record.deleting.since
        lines = [*_before(lines, since), (since, "deletion requested: stopping the machine")]
    return _before(lines, now)


def _before(lines: list[Line], moment: float) -> list[Line]:
    return [line for line in lines if line[0] <= moment]


def _course(record: PodRecord) -> list[Line]:
    """The lines of the pod's course as its fate sets it, past and future alike."""
    created, provision = record.created, record.provision_seconds
    half, three_quarters, ready_at = (created + provision * f for f in (0.5, 0.75, 1.0))
    course = partial(_scheduled_phase, record.fate, created, provision)
    lines: list[Line] = [
        (
            created,
            f"pod {record.name} created: {record.gpu_count}x {record.gpu_name} {record.socket} "
            f"from {record.provider_type}, image {record.environment_type}",
        ),
        (created, "provisioning: waiting for the provider to start the machine"),
        *(
            (created, f"mounting disk {disk.id} at {disk.mount_path}")
            for disk in record.attached_resources
        ),
    ]
    up = course(half)
    if up.status == "PROVISIONING":  # a stuck pod: the provider never starts it
        return [*lines, (half, "provisioning: still waiting for the provider")]
    if up.status == "ERROR":
        return [*lines, (half, f"provider: ERROR: {up.failure}")]
    lines.append((half, f"machine is up; installing {record.environment_type}"))
    if up.installation_status == "ERROR":  # failed for good: progress stops here
        return [*lines, (half, f"installer: ERROR: {up.failure}")]
    if up.failure is not None:  # a transient failure, which the service retries by itself
        lines += [
            (half, f"installer: WARNING: {up.failure}"),
            (three_quarters, "installer: retrying the installation"),
        ]
    # The time at which the progress _scheduled_phase shows reaches each percentage.
    lines += [
        (half + (p - 1) / 99 * (ready_at - half), f"installer: {p}% done") for p in _PROGRESS_LINES
    ]
    return [
        *lines,
        (ready_at, "installer: installation finished"),
        (ready_at, f"pod ready: ssh {record.ssh()}"),
    ]
