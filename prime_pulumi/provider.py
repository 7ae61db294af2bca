"""The dynamic provider behind ``Pod``.

The import path ``prime_pulumi.provider.PodProvider`` is stored in every stack's
state (the provider is pickled by reference): it must never move. The pod's
operations are in :mod:`prime_pulumi.pod.operations`; this class only serves
them to the engine.
"""

from __future__ import annotations

from prime_pulumi.dynamic.provider import DynamicProvider
from prime_pulumi.pod.operations import POD


class PodProvider(DynamicProvider):
    """Creates Prime Intellect pods, waits until they are ready, and deletes them.

    Each failure reaches the user as one line naming the pod; each long wait
    shows progress in the pod's row.
    """

    operations = POD
