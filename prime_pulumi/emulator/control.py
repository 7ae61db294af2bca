"""Steers a running emulator over HTTP, as a test, the fault campaign or a benchmark does.

The ``/_emulator`` control endpoints (documented in :mod:`prime_pulumi.emulator.app`
and in each resource's ``routes`` module)
reset it, change its timing, queue pod and disk fates and faults, add and change GPU
offers, and show its pods, disks and request counts. The API itself, with the key,
lists offers and SSH keys, and makes and deletes pods, disks and SSH keys behind the
provider's back: by hand, or by an earlier run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from prime_pulumi.emulator.defaults import MAX_PAGE_SIZE


class EmulatorControl:
    """The emulator's control endpoints, and its API under ``api_key``."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url
        #: The control endpoints (no authentication).
        self.http = httpx.Client(base_url=base_url, timeout=10)
        #: The API, as a user with ``api_key``.
        self.api = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=10
        )

    def close(self) -> None:
        """Closes both clients (``contextlib.closing`` makes a ``with`` of this)."""
        self.http.close()
        self.api.close()

    # ------------------------------------------------------------ control endpoints

    def reset(self) -> None:
        """Forgets pods, fates, faults and counts; restores the default offers; keeps timing."""
        self.http.post("/_emulator/reset").raise_for_status()

    def set_timing(
        self,
        *,
        provision_seconds: float | None = None,
        delete_seconds: float | None = None,
        disk_provision_seconds: float | None = None,
        disk_delete_seconds: float | None = None,
    ) -> None:
        """Changes how long pods and disks made (deleted) from now on take; ``None`` leaves it."""
        body = {
            "provision_seconds": provision_seconds,
            "delete_seconds": delete_seconds,
            "disk_provision_seconds": disk_provision_seconds,
            "disk_delete_seconds": disk_delete_seconds,
        }
        self.http.post("/_emulator/config", json=body).raise_for_status()

    def fates(self, *kinds: str) -> None:
        """Queues one fate each for the next pods created, in order."""
        fates = [{"kind": kind, "message": f"emulated {kind}"} for kind in kinds]
        self.http.post("/_emulator/fates", json={"fates": fates}).raise_for_status()

    def disk_fates(self, *kinds: str) -> None:
        """Queues one fate each (``ok``, ``error``, ``stuck``) for the next disks created."""
        fates = [{"kind": kind} for kind in kinds]
        self.http.post("/_emulator/disk-fates", json={"fates": fates}).raise_for_status()

    def fault(self, route: str, action: str, **fields: Any) -> None:
        """Queues a fault for the next requests to ``route`` (``"*"``: any API route)."""
        body = {"route": route, "action": action, **fields}
        self.http.post("/_emulator/faults", json=body).raise_for_status()

    def clear_faults(self) -> None:
        """Drops every fault still queued."""
        self.http.delete("/_emulator/faults").raise_for_status()

    def add_offer(self, item: dict[str, Any], *, multi_node: bool = False) -> dict[str, Any]:
        """Adds a GPU offer (``multi_node``: a multi-node one); answers the offer.

        ``item`` is in the shape the availability endpoint serves (camelCase, every key,
        ``region`` included). A taken ``cloudId`` (409) or a malformed item (422) raises
        ``httpx.HTTPStatusError``.
        """
        response = self.http.post("/_emulator/offers", params={"multi_node": multi_node}, json=item)
        response.raise_for_status()
        offer: dict[str, Any] = response.json()
        return offer

    def set_offer(
        self,
        cloud_id: str,
        *,
        stock_status: str | None = None,
        prices: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """Changes an offer's ``stockStatus`` and prices; answers the offer.

        ``prices`` is a partial ``{"onDemand": ..., "communityPrice": ...}``; ``None``
        (or an absent price) leaves it as it is. An unknown ``cloud_id`` (404) raises
        ``httpx.HTTPStatusError``.
        """
        body: dict[str, Any] = {"stockStatus": stock_status, "prices": prices}
        response = self.http.patch(f"/_emulator/offers/{cloud_id}", json=body)
        response.raise_for_status()
        offer: dict[str, Any] = response.json()
        return offer

    def offers(self, *, multi_node: bool = False, **filters: Any) -> list[dict[str, Any]]:
        """The single-node offers ``GET /api/v1/availability/gpus`` serves, every page
        (``multi_node``: the multi-node ones of ``/availability/multi-node``).

        ``filters`` are its query parameters (``gpu_type="H100_80GB"``,
        ``regions=["canada"]``, ``page_size=2``, ...); a refused one (422) raises.
        """
        path = "/api/v1/availability/multi-node" if multi_node else "/api/v1/availability/gpus"
        return self._every_page(path, filters)

    def disk_offers(self, **filters: Any) -> list[dict[str, Any]]:
        """The disk offers ``GET /api/v1/availability/disks`` serves, every page.

        ``filters`` are its query parameters (``regions``, ``data_center_id``,
        ``cloud_id``, ``page_size``); a refused one (422) raises.
        """
        return self._every_page("/api/v1/availability/disks", filters)

    def _every_page(self, path: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
        params = {"page_size": MAX_PAGE_SIZE, **filters}
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            response = self.api.get(path, params={**params, "page": page})
            response.raise_for_status()
            answer = response.json()
            items.extend(answer["items"])
            if not answer["items"] or len(items) >= answer["totalCount"]:
                return items
            page += 1

    def counts(self) -> dict[str, int]:
        """API requests received per route, faulted and rejected ones included."""
        counts: dict[str, int] = self.http.get("/_emulator/requests").json()["counts"]
        return counts

    def pods(self) -> list[dict[str, Any]]:
        """Every pod the emulator holds, terminated ones too, each with its ``fate``."""
        pods: list[dict[str, Any]] = self.http.get("/_emulator/pods").json()["data"]
        return pods

    def fail_pod(self, pod_id: str, kind: str) -> httpx.Response:
        """Makes a pod fail from now on (``error``, ``install_failure``); answers the pod then.

        The answer is the caller's to check: 404 for a pod gone, 400 for one being deleted.
        """
        body = {"kind": kind, "message": f"emulated {kind}"}
        return self.http.post(f"/_emulator/pods/{pod_id}/fail", json=body)

    def live_pods(self) -> list[dict[str, Any]]:
        """Every pod that is not terminated: what would still bill."""
        return [p for p in self.pods() if p["status"] != "TERMINATED"]

    def disks(self) -> list[dict[str, Any]]:
        """Every disk the emulator holds, DELETING and gone (TERMINATED) ones too, with ``fate``."""
        disks: list[dict[str, Any]] = self.http.get("/_emulator/disks").json()["data"]
        return disks

    def live_disks(self) -> list[dict[str, Any]]:
        """Every disk that is not gone (DELETING ones included): what would still bill."""
        return [d for d in self.disks() if d["status"] != "TERMINATED"]

    # ------------------------------------------------------------ the API, behind the provider

    def create_pod(
        self,
        name: str,
        *,
        cloud_id: str = "c",
        gpu_type: str = "H100_80GB",
        socket: str = "PCIe",
        gpu_count: int = 1,
        disks: Sequence[str] = (),
        ssh_key_id: str | None = None,
    ) -> dict[str, Any]:
        """Creates a runpod pod through the API, as by hand, with ``disks``; answers the pod.

        The default ``cloud_id`` is no offer, so the pod has no data center and may
        mount a disk from anywhere; ``ssh_key_id`` picks its key (else the primary one).
        A refused create raises ``httpx.HTTPStatusError``.
        """
        body: dict[str, Any] = {
            "pod": {
                "name": name,
                "cloudId": cloud_id,
                "gpuType": gpu_type,
                "socket": socket,
                "gpuCount": gpu_count,
                "sshKeyId": ssh_key_id,
            },
            "provider": {"type": "runpod"},
            "disks": list(disks) or None,
        }
        response = self.api.post("/api/v1/pods/", json=body)
        response.raise_for_status()
        pod: dict[str, Any] = response.json()
        return pod

    def delete_pod(self, pod_id: str) -> httpx.Response:
        """Deletes a pod through the API, out of band; the answer is the caller's to check."""
        return self.api.delete(f"/api/v1/pods/{pod_id}")

    def create_disk(
        self,
        name: str,
        size: int,
        *,
        provider_type: str = "runpod",
        data_center_id: str | None = "US-KS-2",
        cloud_id: str | None = None,
        country: str | None = None,
        team_id: str | None = None,
    ) -> dict[str, Any]:
        """Creates a disk of ``size`` GB through the API, as by hand; answers the disk.

        By default a runpod disk in US-KS-2, where the catalogue's
        ``runpod-h100-pcie-1x-us-ks-2`` pods run. A refused create raises
        ``httpx.HTTPStatusError``.
        """
        disk = {
            "name": name,
            "size": size,
            "dataCenterId": data_center_id,
            "cloudId": cloud_id,
            "country": country,
        }
        body = {
            "disk": disk,
            "provider": {"type": provider_type},
            "team": {"teamId": team_id} if team_id else None,
        }
        response = self.api.post("/api/v1/disks/", json=body)
        response.raise_for_status()
        created: dict[str, Any] = response.json()
        return created

    def delete_disk(self, disk_id: str) -> httpx.Response:
        """Deletes a disk through the API, out of band; the answer is the caller's to check.

        200 with ``{"status": "DELETING"}`` (or ``"TERMINATED"``), 404 when gone, 409
        while a pod that is not terminated uses it.
        """
        return self.api.delete(f"/api/v1/disks/{disk_id}")

    def ssh_keys(self) -> list[dict[str, Any]]:
        """The account's SSH keys, oldest first, as the API lists them."""
        response = self.api.get("/api/v1/ssh_keys/", params={"limit": MAX_PAGE_SIZE})
        response.raise_for_status()
        keys: list[dict[str, Any]] = response.json()["data"]
        return keys

    def upload_ssh_key(self, name: str, public_key: str) -> dict[str, Any]:
        """Uploads a public key through the API, as by hand; answers the key.

        A refused upload raises ``httpx.HTTPStatusError``.
        """
        response = self.api.post("/api/v1/ssh_keys/", json={"name": name, "publicKey": public_key})
        response.raise_for_status()
        key: dict[str, Any] = response.json()
        return key

    def delete_ssh_key(self, key_id: str) -> httpx.Response:
        """Deletes an SSH key through the API, out of band; the answer is the caller's to check."""
        return self.api.delete(f"/api/v1/ssh_keys/{key_id}")
