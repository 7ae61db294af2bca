"""A fleet: `count` pods of `gpuCount` x `gpuType`, each at most `maxPrice` USD an hour.

Each pod is chosen by constraints: each takes the cheapest offer in stock when it
is made, and `regions` (a list) keeps the fleet in some regions.
Config (all optional): `count` (4), `gpuType` (H100_80GB), `gpuCount` (1),
`maxPrice` (3.0), `regions`.

Bring it up in one wave: the engine runs at most `--parallel` operations at once
(by default 4 per CPU of the machine running `pulumi`, so 8 on a 2-core CI
runner), and a fleet larger than that comes up in waves whatever the provider
does. Run `pulumi up --parallel N` (or set `PULUMI_PARALLEL=N`) with N at least
`count`.
"""

import pulumi

from prime_pulumi import Pod, PodArgs

config = pulumi.Config()
regions = config.get_object("regions")

pods = [
    Pod(
        f"worker-{index}",
        PodArgs(
            gpu_type=config.get("gpuType") or "H100_80GB",
            gpu_count=config.get_int("gpuCount") or 1,
            max_price=config.get_float("maxPrice") or 3.0,
            regions=regions,
            image="ubuntu_22_cuda_12",
        ),
    )
    for index in range(config.get_int("count") or 4)
]

pulumi.export("ssh", [pod.ssh_connection for pod in pods])
pulumi.export("offers", [pod.cloud_id for pod in pods])
pulumi.export("fleet_price_hr", pulumi.Output.all(*[pod.price_hr for pod in pods]).apply(sum))
