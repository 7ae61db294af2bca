"""Test support shared by the test suite and the benchmarks; not part of the provider's API.

- :mod:`prime_pulumi.testing.harness` drives the provider exactly as the Pulumi
  engine does: a ``python -u -m pulumi.dynamic`` process spoken to over gRPC.
- :mod:`prime_pulumi.testing.emulator_control` steers the emulator through its
  ``/_emulator`` control endpoints (and its API, behind the provider's back).
- :mod:`prime_pulumi.testing.fleet` sends many operations at once, as the engine
  does for independent resources.
- :mod:`prime_pulumi.testing.campaign` is the fault campaign: seeded schedules of
  operations and faults, and the invariants they must keep.
- :mod:`prime_pulumi.testing.fleet_campaign` is its concurrent lane: a fleet's creates
  at once in one provider process, with faults landing while they wait.
- :mod:`prime_pulumi.testing.samples` holds pod inputs and stack config shared by
  the tests, the campaign and the benchmarks.

It needs the ``emulator`` extra (``pip install 'prime-pulumi[emulator]'``): the
campaign runs emulators of its own. Import the submodules; this package imports
nothing, so that importing it is cheap.
"""
