"""Training with a disk: the data outlives the pod.

A `Disk` holds the datasets and checkpoints; a `Pod` mounts it at `/workspace`.
The pod takes `data.disk_id`, so Pulumi makes the disk first and, on `destroy`,
deletes the pod before the disk. The pod declares no offer: it is made from the
cheapest matching offer in the disk's data center.

Change `image` (or `gpuCount`) and run `pulumi up`: the pod is replaced, and the
new pod is attached to the same disk, with its data. Change `diskSize` and the
disk is replaced too: the API cannot resize a disk, so the new one is empty.

Config (all optional): `diskSize` (GB, default 200), `regions` (a list, default
["united_states"]), `gpuType` (H100_80GB), `gpuCount` (1), `maxPrice` (3.0),
`image` (ubuntu_22_cuda_12); `prime:baseUrl` and `prime:apiKey` say which API
to use (the real one by default).
"""

import pulumi

from prime_pulumi import Disk, DiskArgs, Pod, PodArgs

config = pulumi.Config()

data = Disk(
    "data",
    DiskArgs(
        size=config.get_int("diskSize") or 200,
        regions=config.get_object("regions") or ["united_states"],
    ),
)

trainer = Pod(
    "trainer",
    PodArgs(
        gpu_type=config.get("gpuType") or "H100_80GB",
        gpu_count=config.get_int("gpuCount") or 1,
        max_price=config.get_float("maxPrice") or 3.0,
        image=config.get("image") or "ubuntu_22_cuda_12",
        disks=[data.disk_id],
    ),
)

pulumi.export("disk_id", data.disk_id)
pulumi.export("disk_data_center", data.data_center_id)
pulumi.export("pod_id", trainer.pod_id)
pulumi.export("ssh_connection", trainer.ssh_connection)
pulumi.export("mounts", trainer.attached_resources)
pulumi.export("price_hr", trainer.price_hr)
