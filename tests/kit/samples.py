"""Pod inputs and stack config shared by the tests, the fault campaign and the benchmarks."""

from __future__ import annotations

from typing import Any, Final

#: The inputs of one 1x H100 PCIe pod, the smallest pod the emulator's catalogue offers.
POD: Final[dict[str, Any]] = {
    "cloud_id": "runpod-h100-pcie-1x-us-ks-2",
    "gpu_type": "H100_80GB",
    "gpu_count": 1,
    "socket": "PCIe",
    "provider_type": "runpod",
}

#: The stack config that switches the speed-ups off: what a plain dynamic provider does.
SPEEDUPS_OFF: Final[dict[str, str]] = {
    "prime:workerThreads": "0",
    "prime:sharedPolling": "false",
    "prime:batchReads": "false",
}
