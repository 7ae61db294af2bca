"""The GPU offers the emulator advertises on its availability endpoints.

A small, fixed and realistic set: several GPU types, sockets, providers,
data centers and stock levels, both security tiers, one spot offer, and two
offers that span several nodes (served by ``/availability/multi-node``).
Prices are per hour for all the GPUs of the offer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prime_pulumi.emulator.schemas import (
    ResourceSpec,
    Security,
    StockStatus,
    WireGPUAvailability,
    WirePrices,
)

_INTERCONNECT = {"SXM5": (900, "NVLink"), "SXM4": (600, "NVLink"), "PCIe": (64, "PCIe")}
_IMAGES = ("ubuntu_22_cuda_12", "cuda_12_4_pytorch_2_5", "vllm_llama_3_1_8b", "custom_template")


@dataclass(frozen=True)
class Offer:
    """An offer, the region it belongs to and whether it spans several nodes."""

    availability: WireGPUAvailability
    region: str
    multi_node: bool = False


@dataclass(frozen=True)
class _Row:
    """One line of the catalogue; prices are per hour for all the offer's GPUs."""

    cloud_id: str
    gpu_type: str
    socket: str
    provider: str
    data_center: str
    country: str
    region: str
    gpu_count: int
    gpu_memory: int
    on_demand: float
    community_price: float | None = None
    stock: StockStatus = "Available"
    security: Security = "secure_cloud"
    is_spot: bool = False
    multi_node: bool = False

    def offer(self) -> Offer:
        # Resources scale with the GPU count, as providers size their machines.
        gpus = self.gpu_count
        interconnect, link = self._interconnect()
        availability = WireGPUAvailability(
            cloud_id=self.cloud_id,
            gpu_type=self.gpu_type,
            socket=self.socket,
            provider=self.provider,
            data_center=self.data_center,
            country=self.country,
            gpu_count=gpus,
            gpu_memory=self.gpu_memory,
            interconnect=interconnect,
            interconnect_type=link,
            disk=_resource(50, 100 * gpus, 2000 * gpus, price=0.00014, step=10),
            vcpu=_resource(4, 8 * gpus, 16 * gpus, price=None, step=2),
            memory=_resource(16, 64 * gpus, 128 * gpus, price=None, step=8),
            stock_status=self.stock,
            security=self.security,
            prices=WirePrices(
                on_demand=self.on_demand,
                community_price=self.community_price,
                is_variable=self.is_spot,
                currency="USD",
            ),
            images=list(_IMAGES),
            is_spot=self.is_spot,
        )
        return Offer(availability=availability, region=self.region, multi_node=self.multi_node)

    def _interconnect(self) -> tuple[int | None, str | None]:
        """GB/s between the GPUs and how: NVLink on SXM, InfiniBand between nodes."""
        if self.gpu_count == 1:
            return None, None
        if self.multi_node:
            return 400, "InfiniBand"
        return _INTERCONNECT[self.socket]


def _resource(low: int, default: int, high: int, *, price: float | None, step: int) -> ResourceSpec:
    return ResourceSpec(
        min_count=low,
        default_count=default,
        max_count=high,
        price_per_unit=price,
        step=step,
        default_included_in_price=True,
        additional_info=None,
    )


# fmt: off
_ROWS = (
    _Row("hyperstack-h100-sxm5-8x-canada-1", "H100_80GB", "SXM5", "hyperstack",
         "CANADA-1", "CA", "canada", 8, 80, 19.12),
    _Row("runpod-h100-pcie-1x-us-ks-2", "H100_80GB", "PCIe", "runpod",
         "US-KS-2", "US", "united_states", 1, 80, 2.49,
         community_price=1.99, stock="Low", security="community_cloud"),
    _Row("lambdalabs-a100-sxm4-8x-us-east-1", "A100_80GB", "SXM4", "lambdalabs",
         "us-east-1", "US", "united_states", 8, 80, 14.32, stock="High"),
    _Row("datacrunch-a100-pcie-1x-fin-01", "A100_80GB", "PCIe", "datacrunch",
         "FIN-01", "FI", "eu_north", 1, 80, 1.29),
    _Row("runpod-rtx4090-pcie-1x-eu-ro-1", "RTX4090_24GB", "PCIe", "runpod",
         "EU-RO-1", "RO", "eu_east", 1, 24, 0.69,
         community_price=0.44, stock="High", security="community_cloud"),
    _Row("runpod-rtx4090-pcie-2x-eu-ro-1-spot", "RTX4090_24GB", "PCIe", "runpod",
         "EU-RO-1", "RO", "eu_east", 2, 24, 0.98,
         community_price=0.58, security="community_cloud", is_spot=True),
    _Row("hyperstack-l40s-pcie-4x-norway-1", "L40S_48GB", "PCIe", "hyperstack",
         "NORWAY-1", "NO", "eu_north", 4, 48, 4.40, stock="Low"),
    _Row("datacrunch-h200-sxm5-8x-fin-03", "H200_141GB", "SXM5", "datacrunch",
         "FIN-03", "FI", "eu_north", 8, 141, 28.72, stock="Unavailable"),
    _Row("lambdalabs-h100-sxm5-16x-us-west-2", "H100_80GB", "SXM5", "lambdalabs",
         "us-west-2", "US", "united_states", 16, 80, 38.24, multi_node=True),
    _Row("hyperstack-h200-sxm5-32x-canada-1", "H200_141GB", "SXM5", "hyperstack",
         "CANADA-1", "CA", "canada", 32, 141, 89.60, stock="Low", multi_node=True),
)
# fmt: on

#: Every offer, single-node ones first.
OFFERS: tuple[Offer, ...] = tuple(row.offer() for row in _ROWS)


def find_offer(cloud_id: str) -> WireGPUAvailability | None:
    """The offer with this ``cloudId``, single- or multi-node, if there is one."""
    for offer in OFFERS:
        if offer.availability.cloud_id == cloud_id:
            return offer.availability
    return None


def select_offers(
    *,
    multi_node: bool,
    gpu_type: str | None = None,
    gpu_count: int | None = None,
    regions: Sequence[str] = (),
) -> list[WireGPUAvailability]:
    """The offers that match every filter given, in catalogue order.

    Regions may also arrive comma-separated in one value, as the official SDK allows.
    """
    wanted_regions = set(_split(regions))
    return [
        offer.availability
        for offer in OFFERS
        if offer.multi_node == multi_node
        and (gpu_type is None or offer.availability.gpu_type == gpu_type)
        and (gpu_count is None or offer.availability.gpu_count == gpu_count)
        and (not wanted_regions or offer.region in wanted_regions)
    ]


def _split(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
