"""A CI pipeline's cluster: its own SSH key, and a pod over two nodes that accepts it.

An `SshKey` registers the pipeline's public key on the account; the `Pod` takes
`key.ssh_key_id`, so Pulumi registers the key first and the pod is made with it,
all in one `pulumi up`. The pod asks for 16 H100s, which no single machine has:
it is made from the cheapest offer over several nodes under `maxPrice`, and
`nodes` lists each node's address and SSH command, in node order. `destroy`
deletes the pod, then the key.

Config: `publicKey` (required: one line of a `.pub` file, e.g. `pulumi config set
publicKey "$(cat ~/.ssh/id_ed25519.pub)"`), `gpuCount` (16), `maxPrice` (40.0, in
$/h for the whole pod), `image` (ubuntu_22_cuda_12), `teamMemberIds` (a list of
user ids who may use the pod; none by default); `prime:baseUrl` and `prime:apiKey`
say which API to use (the real one by default).
"""

import pulumi

from prime_pulumi import Pod, PodArgs, SshKey, SshKeyArgs

config = pulumi.Config()

key = SshKey("pipeline", SshKeyArgs(public_key=config.require("publicKey")))

members = config.get_object("teamMemberIds")
cluster = Pod(
    "cluster",
    PodArgs(
        gpu_type="H100_80GB",
        gpu_count=config.get_int("gpuCount") or 16,
        max_price=config.get_float("maxPrice") or 40.0,
        image=config.get("image") or "ubuntu_22_cuda_12",
        ssh_key_id=key.ssh_key_id,
        team_member_ids=members if isinstance(members, list) else None,
    ),
)

pulumi.export("ssh_key_id", key.ssh_key_id)
pulumi.export("pod_id", cluster.pod_id)
pulumi.export("price_hr", cluster.price_hr)
pulumi.export("nodes", cluster.nodes)
