"""The test kit: what the test suite and the benchmarks share; never shipped in the wheel.

- :mod:`tests.kit.harness` drives the provider exactly as the Pulumi engine
  does: a ``python -u -m pulumi.dynamic`` process spoken to over gRPC;
  :mod:`tests.kit.plugin_process` drives ``pulumi-resource-prime`` the same way.
- :mod:`tests.kit.fake_engine` is an ``Engine`` server that records what the
  provider logs to each resource's row.
- :mod:`tests.kit.fleet` sends many operations at once, as the engine does for
  independent resources.
- :mod:`tests.kit.campaign` is the fault campaign: seeded schedules of
  operations and faults, and the invariants they must keep; its lanes are
  :mod:`tests.kit.fleet_campaign` (a fleet's creates at once in one provider
  process, the dynamic one or the plugin), :mod:`tests.kit.offer_campaign`,
  :mod:`tests.kit.disk_campaign` and :mod:`tests.kit.ssh_key_campaign`.
- :mod:`tests.kit.samples` holds inputs and stack config shared by the tests,
  the campaign and the benchmarks.

The benchmarks import it as ``tests.kit`` when run from the repository root
(``python -m bench.run``). What users need to test their own programs ships in
the package: :mod:`prime_pulumi.emulator` (the emulator, its control client
:mod:`prime_pulumi.emulator.control`, and the ``prime_emulator`` pytest fixture).
"""
