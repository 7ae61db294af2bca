"""What every resource of the backend shares: keys, timing, the lock, the clock, ids and wall time.

:class:`BackendCore` is the base of each resource's part of the backend (the
``state`` module of each resource, and :mod:`prime_pulumi.emulator.faults`);
:class:`~prime_pulumi.emulator.backend.EmulatorBackend` combines the parts.
Each part keeps its state in attributes it creates in :meth:`BackendCore._forget`,
and declares the other parts' stores it uses as class annotations.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from prime_pulumi.emulator.defaults import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_API_KEY,
    DEFAULT_DELETE_SECONDS,
    DEFAULT_DISK_DELETE_SECONDS,
    DEFAULT_DISK_PROVISION_SECONDS,
    DEFAULT_PROVISION_SECONDS,
)
from prime_pulumi.emulator.errors import ForbiddenError, InvalidApiKeyError, NotAuthenticatedError
from prime_pulumi.emulator.wire import iso_utc


class BackendCore:
    """Keys, timing, the lock, the clock, ids and wall time (``EmulatorBackend`` lists the args)."""

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        admin_keys: Iterable[str] = (DEFAULT_ADMIN_KEY,),
        provision_seconds: float = DEFAULT_PROVISION_SECONDS,
        delete_seconds: float = DEFAULT_DELETE_SECONDS,
        disk_provision_seconds: float = DEFAULT_DISK_PROVISION_SECONDS,
        disk_delete_seconds: float = DEFAULT_DISK_DELETE_SECONDS,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._admin_keys = frozenset(admin_keys)
        self._api_keys = frozenset(api_keys) | self._admin_keys
        self._provision_seconds = _non_negative("provision_seconds", provision_seconds)
        self._delete_seconds = _non_negative("delete_seconds", delete_seconds)
        self._disk_provision_seconds = _non_negative(
            "disk_provision_seconds", disk_provision_seconds
        )
        self._disk_delete_seconds = _non_negative("disk_delete_seconds", disk_delete_seconds)
        self._seed = seed
        self._clock = clock
        # Timestamps are the wall time at start-up plus elapsed clock time, so a
        # fake clock moves createdAt/updatedAt/terminatedAt consistently too.
        self._epoch = (clock(), datetime.now(UTC))
        self._user_id = self._derive_id("user", 0)
        self._wallet_id = self._derive_id("wallet", 0)
        self._serials: Counter[str] = Counter()  # per kind, so ids stay independent
        self._forget()

    # --- configuration -----------------------------------------------------------

    @property
    def provision_seconds(self) -> float:
        """How long pods created from now on take to become ready (settable)."""
        with self._lock:
            return self._provision_seconds

    @provision_seconds.setter
    def provision_seconds(self, seconds: float) -> None:
        with self._lock:
            self._provision_seconds = _non_negative("provision_seconds", seconds)

    @property
    def delete_seconds(self) -> float:
        """How long pods deleted from now on stay DELETING before termination (settable)."""
        with self._lock:
            return self._delete_seconds

    @delete_seconds.setter
    def delete_seconds(self, seconds: float) -> None:
        with self._lock:
            self._delete_seconds = _non_negative("delete_seconds", seconds)

    @property
    def disk_provision_seconds(self) -> float:
        """How long disks created from now on stay PROVISIONING before ACTIVE (settable)."""
        with self._lock:
            return self._disk_provision_seconds

    @disk_provision_seconds.setter
    def disk_provision_seconds(self, seconds: float) -> None:
        with self._lock:
            self._disk_provision_seconds = _non_negative("disk_provision_seconds", seconds)

    @property
    def disk_delete_seconds(self) -> float:
        """How long disks deleted from now on stay DELETING before they are gone (settable)."""
        with self._lock:
            return self._disk_delete_seconds

    @disk_delete_seconds.setter
    def disk_delete_seconds(self, seconds: float) -> None:
        with self._lock:
            self._disk_delete_seconds = _non_negative("disk_delete_seconds", seconds)

    @property
    def user_id(self) -> str:
        """The id of the one user every key belongs to."""
        return self._user_id

    def reset(self) -> None:
        """Forget pods, history, disks, clusters, fates, faults and counts; restore the offers.

        Keys and timing (of pods and of disks) are kept. Ids restart from the seed,
        so a test sees the same ids whatever ran before it.
        """
        with self._lock:
            self._serials.clear()
            self._forget()

    def authenticate(self, api_key: str | None, *, admin: bool = False) -> None:
        """Check a bearer key, raising the API's 401 or 403 when it does not pass."""
        if not api_key:
            raise NotAuthenticatedError()
        if api_key not in self._api_keys:
            raise InvalidApiKeyError()
        if admin and api_key not in self._admin_keys:
            raise ForbiddenError("Admin permission required")

    # --- for the resources (callers hold the lock) ---------------------------------

    def _forget(self) -> None:
        """Start each resource afresh: each part overrides this, calls it, then makes its state."""

    def _derive_id(self, kind: str, number: int) -> str:
        return hashlib.sha256(f"{self._seed}:{kind}:{number}".encode()).hexdigest()[:32]

    def _next_serial(self, kind: str) -> int:
        """The next number of ``kind``: 1, 2, ... from the last reset."""
        self._serials[kind] += 1
        return self._serials[kind]

    def _next_id(self, kind: str) -> str:
        return self._derive_id(kind, self._next_serial(kind))

    def _wall(self, reading: float) -> str:
        """The wall time, as the API writes it, of a clock reading."""
        start_reading, start_wall = self._epoch
        return iso_utc(start_wall + timedelta(seconds=reading - start_reading))


def _non_negative(name: str, seconds: float) -> float:
    if seconds < 0:
        raise ValueError(f"{name} must be >= 0, got {seconds}")
    return float(seconds)
