"""Cluster info: read one cluster (admin API key needed) and export how to reach its nodes.

Config: `clusterId` (required); `prime:apiKey` (an admin key) and `prime:baseUrl`.
"""

import pulumi

from prime_pulumi import get_cluster_output

config = pulumi.Config()
cluster = get_cluster_output(config.require("clusterId"))

pulumi.export("name", cluster.apply(lambda c: c.name))
pulumi.export("status", cluster.apply(lambda c: c.status))
pulumi.export(
    "nodes",
    cluster.apply(
        lambda c: [
            {
                "name": node.name,
                "gpus": f"{node.gpu_count}x {node.gpu_name}",
                "ssh": [f"{conn.user}@{conn.host} -p {conn.port}" for conn in node.connections],
            }
            for node in c.nodes
        ]
    ),
)
