"""A pod's whole life through the API client: what `make demo` shows without `pulumi`.

With a :class:`PrimeClient`: finds an offer, creates a pod, watches it provision
until it is ready, lists and reads it, deletes it and finds it in the history.
"""

from __future__ import annotations

import time

from prime_pulumi.client import CreatePodRequest, NotFoundError, PodSpec, PrimeClient, ProviderSpec

EMULATOR_KEY = "prime-emulator-key"  # the emulator's documented default key


def run_session(client: PrimeClient) -> None:
    offers = [
        o
        for o in client.list_gpu_availability(gpu_type="H100_80GB")
        if o.stock_status != "Unavailable"
    ]
    offer = offers[0]
    price = offer.prices.on_demand if offer.prices else None
    print(
        f"offer {offer.cloud_id}: {offer.gpu_count}x {offer.gpu_type} {offer.socket} "
        f"at {offer.provider}, ${price}/h"
    )

    request = CreatePodRequest(
        pod=PodSpec(
            name="demo-trainer",
            cloud_id=offer.cloud_id,
            gpu_type=offer.gpu_type,
            socket=offer.socket or "PCIe",
            gpu_count=offer.gpu_count or 1,
        ),
        provider=ProviderSpec(type=offer.provider or "runpod"),
    )
    pod = client.create_pod(request)
    print(f"created pod {pod.id} ({pod.name}): {pod.status}")

    started = time.monotonic()
    while True:
        (status,) = client.get_pod_statuses([pod.id])
        print(
            f"  {time.monotonic() - started:4.1f}s  status={status.status:<12} "
            f"installation={status.installation_progress or 0:>3.0f}%"
        )
        if status.is_ready or status.failure:
            break
        time.sleep(0.5)
    if status.failure:
        raise SystemExit(f"pod {pod.id} failed: {status.failure}")
    print(f"ready: ssh {status.ssh_connection}  (${status.price_hr}/h)")

    listed = [p.id for p in client.list_pods()]
    print(f"pods listed: {listed}")
    print(f"pod {pod.id} reads back as {client.get_pod(pod.id).status}")

    client.delete_pod(pod.id)
    print(f"deleted pod {pod.id}")
    try:
        client.get_pod(pod.id)
    except NotFoundError as exc:
        print(f"reading it again: {exc}")
    history = [h for h in client.list_pod_history() if h.id == pod.id]
    print(
        f"in history: terminated at {history[0].terminated_at}, "
        f"billed ${history[0].total_billed_price:.4f}"
    )
