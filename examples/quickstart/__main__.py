"""Quickstart: one GPU pod, chosen by what it is, ready for SSH when `pulumi up` ends.

The pod declares what it wants, not an offer id: create chooses the cheapest
in-stock offer of `gpuCount` x `gpuType` at no more than `maxPrice` USD an hour,
and exports what it chose. Config (all optional): `gpuType` (default H100_80GB),
`gpuCount` (1), `maxPrice` (3.0); `prime:baseUrl` and `prime:apiKey` say which
API to use (the real one by default). A later change of prices or stock never
replaces the pod; a change of these constraints does.
"""

import pulumi

from prime_pulumi import Pod, PodArgs

config = pulumi.Config()

pod = Pod(
    "trainer",
    PodArgs(
        gpu_type=config.get("gpuType") or "H100_80GB",
        gpu_count=config.get_int("gpuCount") or 1,
        max_price=config.get_float("maxPrice") or 3.0,
        image="ubuntu_22_cuda_12",
        ready_timeout=config.get_float("readyTimeout") or 1800,
    ),
)

pulumi.export("pod_id", pod.pod_id)
pulumi.export("ssh_connection", pod.ssh_connection)
pulumi.export("price_hr", pod.price_hr)
pulumi.export("offer", pod.cloud_id)
