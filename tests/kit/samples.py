"""Pod inputs, SSH public keys and stack config shared by the tests, the campaign and benchmarks."""

from __future__ import annotations

import base64
import hashlib
import struct
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


def public_key(number: int = 0, comment: str = "pipeline@ci") -> str:
    """A valid OpenSSH ed25519 public key line, one of its own for each ``number``.

    No private key goes with it: the emulator checks only the line's form.
    """
    key_type = b"ssh-ed25519"
    material = hashlib.sha256(f"sample key {number}".encode()).digest()
    blob = struct.pack(">I", len(key_type)) + key_type + struct.pack(">I", 32) + material
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}".strip()
