"""Quickstart: one GPU pod, ready for SSH when `pulumi up` ends.

Config (all optional): `prime:baseUrl` and `prime:apiKey` say which API to use
(the real one by default); `cloudId`, `gpuType`, `gpuCount`, `socket`, `providerType`
choose the offer (defaults: a 1x H100 PCIe offer that the emulator lists).

Declaring a fleet? The engine runs at most `--parallel` operations at once (by
default 4 per CPU of the machine running `pulumi`), so a fleet larger than that
comes up in waves: run `pulumi up --parallel N` (or set `PULUMI_PARALLEL=N`) with
N at least the number of pods, and they all provision at once.
"""

import pulumi

from prime_pulumi import Pod, PodArgs

config = pulumi.Config()

pod = Pod(
    "trainer",
    PodArgs(
        cloud_id=config.get("cloudId") or "runpod-h100-pcie-1x-us-ks-2",
        gpu_type=config.get("gpuType") or "H100_80GB",
        gpu_count=config.get_int("gpuCount") or 1,
        socket=config.get("socket") or "PCIe",
        provider_type=config.get("providerType") or "runpod",
        image="ubuntu_22_cuda_12",
        ready_timeout=config.get_float("readyTimeout") or 1800,
    ),
)

pulumi.export("pod_id", pod.pod_id)
pulumi.export("ssh_connection", pod.ssh_connection)
pulumi.export("price_hr", pod.price_hr)
