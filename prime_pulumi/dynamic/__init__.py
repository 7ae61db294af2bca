"""The dynamic face: each kind's operations served as a ``pulumi.dynamic`` provider and resource."""
