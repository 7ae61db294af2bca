"""The offers a fresh emulator advertises: its default catalogue of GPU and disk offers.

Several GPU types, sockets, providers, data centers and stock levels, both
security tiers, one spot offer, and four offers that span several nodes of eight
GPUs (two and four nodes of H100 and of H200, served by
``/availability/multi-node``). The same GPU type and count is offered
several times, as a marketplace does: one H100 on PCIe five times and eight
H100s on SXM5 four times, at different providers, prices, regions, tiers and
stock levels (the cheapest single H100 is out of stock). Prices are per hour
for all the GPUs of the offer.

Disk offers cover every data center of the GPU offers, one each, by the same
provider, so a pod of any offer can mount a disk made beside it. Their prices
are per GB-hour; the cheapest is out of stock, some have no ``cloudId`` (as the
API allows), and sizes top out at different ``maxCount``.

Each backend holds its own copy (see :mod:`prime_pulumi.emulator.availability.state`),
which tests change through the control API and a reset restores.
"""

from __future__ import annotations

from dataclasses import dataclass

from prime_pulumi.emulator.availability.wire import (
    WireDiskAvailability,
    WireDiskOfferSpec,
    WireGPUAvailability,
    WirePrices,
)
from prime_pulumi.emulator.wire import (
    EnvironmentType,
    GpuType,
    ProviderType,
    Region,
    Security,
    Socket,
    StockStatus,
)

_INTERCONNECT = {"SXM5": (900, "NVLink"), "SXM4": (600, "NVLink"), "PCIe": (64, "PCIe")}
_IMAGES: tuple[EnvironmentType, ...] = (
    "ubuntu_22_cuda_12",
    "cuda_12_4_pytorch_2_5",
    "vllm_llama_8b",
    "custom_template",
)


@dataclass(frozen=True)
class Offer:
    """An offer and whether it spans several nodes (which its wire shape does not say)."""

    availability: WireGPUAvailability
    multi_node: bool = False


@dataclass(frozen=True)
class _Row:
    """One line of the catalogue; prices are per hour for all the offer's GPUs."""

    cloud_id: str
    gpu_type: GpuType
    socket: Socket
    provider: ProviderType
    data_center: str
    country: str
    region: Region
    gpu_count: int
    gpu_memory: int
    on_demand: float
    community_price: float | None = None
    stock: StockStatus = "Available"
    security: Security = "secure_cloud"
    is_spot: bool = False
    multi_node: bool = False

    def offer(self) -> Offer:
        # disk, vcpu and memory are the model's defaults, which grow with the GPU count.
        interconnect, link = self._interconnect()
        availability = WireGPUAvailability(
            cloud_id=self.cloud_id,
            gpu_type=self.gpu_type,
            socket=self.socket,
            provider=self.provider,
            data_center=self.data_center,
            country=self.country,
            region=self.region,
            gpu_count=self.gpu_count,
            gpu_memory=self.gpu_memory,
            interconnect=interconnect,
            interconnect_type=link,
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
        return Offer(availability=availability, multi_node=self.multi_node)

    def _interconnect(self) -> tuple[int | None, str | None]:
        """GB/s between the GPUs and how: NVLink on SXM, InfiniBand between nodes."""
        if self.gpu_count == 1:
            return None, None
        if self.multi_node:
            return 400, "InfiniBand"
        return _INTERCONNECT[self.socket]


# fmt: off
_ROWS = (
    # Eight H100s on SXM5, four times.
    _Row("hyperstack-h100-sxm5-8x-canada-1", "H100_80GB", "SXM5", "hyperstack",
         "CANADA-1", "CA", "canada", 8, 80, 19.12),
    _Row("lambdalabs-h100-sxm5-8x-us-east-1", "H100_80GB", "SXM5", "lambdalabs",
         "us-east-1", "US", "united_states", 8, 80, 23.92, stock="High"),
    _Row("datacrunch-h100-sxm5-8x-fin-01", "H100_80GB", "SXM5", "datacrunch",
         "FIN-01", "FI", "eu_north", 8, 80, 17.52, stock="Low"),
    _Row("runpod-h100-sxm5-8x-eu-ro-1", "H100_80GB", "SXM5", "runpod",
         "EU-RO-1", "RO", "eu_east", 8, 80, 21.52,
         community_price=18.32, stock="Unavailable", security="community_cloud"),
    # One H100 on PCIe, five times; two tie at 2.29, for a stable order among equals.
    _Row("runpod-h100-pcie-1x-us-ks-2", "H100_80GB", "PCIe", "runpod",
         "US-KS-2", "US", "united_states", 1, 80, 2.49,
         community_price=1.99, stock="Low", security="community_cloud"),
    _Row("massedcompute-h100-pcie-1x-us-central-1", "H100_80GB", "PCIe", "massedcompute",
         "us-central-1", "US", "united_states", 1, 80, 1.69, stock="Unavailable"),
    _Row("hyperstack-h100-pcie-1x-canada-1", "H100_80GB", "PCIe", "hyperstack",
         "CANADA-1", "CA", "canada", 1, 80, 2.29, stock="Medium"),
    _Row("tensordock-h100-pcie-1x-nl-ams-1", "H100_80GB", "PCIe", "tensordock",
         "NL-AMS-1", "NL", "eu_west", 1, 80, 2.19,
         community_price=1.89, stock="High", security="community_cloud"),
    _Row("datacrunch-h100-pcie-1x-fin-02", "H100_80GB", "PCIe", "datacrunch",
         "FIN-02", "FI", "eu_north", 1, 80, 2.29),
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
    # Several nodes of eight GPUs: two and four nodes of H100 and of H200.
    _Row("lambdalabs-h100-sxm5-16x-us-west-2", "H100_80GB", "SXM5", "lambdalabs",
         "us-west-2", "US", "united_states", 16, 80, 38.24, multi_node=True),
    _Row("hyperstack-h200-sxm5-32x-canada-1", "H200_141GB", "SXM5", "hyperstack",
         "CANADA-1", "CA", "canada", 32, 141, 89.60, stock="Low", multi_node=True),
    _Row("lambdalabs-h100-sxm5-32x-us-west-2", "H100_80GB", "SXM5", "lambdalabs",
         "us-west-2", "US", "united_states", 32, 80, 74.88, stock="Medium", multi_node=True),
    _Row("hyperstack-h200-sxm5-16x-canada-1", "H200_141GB", "SXM5", "hyperstack",
         "CANADA-1", "CA", "canada", 16, 141, 46.40, multi_node=True),
)
# fmt: on


def default_offers() -> list[Offer]:
    """A fresh copy of the default catalogue, single-node offers first.

    Fresh models each time, so no backend sees another's changes.
    """
    return [row.offer() for row in _ROWS]


@dataclass(frozen=True)
class _DiskRow:
    """One disk offer of the catalogue; the price is USD per GB-hour."""

    cloud_id: str | None
    provider: ProviderType
    data_center: str
    country: str
    region: Region
    price_per_gb_hour: float
    max_size: int
    stock: StockStatus = "Available"
    security: Security = "secure_cloud"
    is_multinode: bool = False

    def offer(self) -> WireDiskAvailability:
        return WireDiskAvailability(
            cloud_id=self.cloud_id,
            provider=self.provider,
            data_center=self.data_center,
            country=self.country,
            region=self.region,
            spec=WireDiskOfferSpec(
                min_count=1, max_count=self.max_size, step=1, price_per_unit=self.price_per_gb_hour
            ),
            stock_status=self.stock,
            security=self.security,
            is_multinode=self.is_multinode,
        )


# fmt: off
_DISK_ROWS = (
    _DiskRow("hyperstack-disk-canada-1", "hyperstack", "CANADA-1", "CA", "canada",
             0.0001, 20000, is_multinode=True),
    _DiskRow("lambdalabs-disk-us-east-1", "lambdalabs", "us-east-1", "US", "united_states",
             0.00012, 10000, stock="High"),
    _DiskRow("datacrunch-disk-fin-01", "datacrunch", "FIN-01", "FI", "eu_north",
             0.00008, 10000),
    _DiskRow("datacrunch-disk-fin-02", "datacrunch", "FIN-02", "FI", "eu_north",
             0.00008, 10000, stock="Low"),
    _DiskRow("datacrunch-disk-fin-03", "datacrunch", "FIN-03", "FI", "eu_north",
             0.00009, 40000),
    # Runpod's and tensordock's network volumes name no cloudId: a create gives the place.
    _DiskRow(None, "runpod", "EU-RO-1", "RO", "eu_east",
             0.00007, 4000, stock="High", security="community_cloud"),
    _DiskRow(None, "runpod", "US-KS-2", "US", "united_states",
             0.00007, 4000, security="community_cloud"),
    _DiskRow("massedcompute-disk-us-central-1", "massedcompute", "us-central-1", "US",
             "united_states", 0.00005, 2000, stock="Unavailable"),
    _DiskRow(None, "tensordock", "NL-AMS-1", "NL", "eu_west",
             0.00006, 1000, stock="Medium", security="community_cloud"),
    _DiskRow("hyperstack-disk-norway-1", "hyperstack", "NORWAY-1", "NO", "eu_north",
             0.0001, 20000),
    _DiskRow("lambdalabs-disk-us-west-2", "lambdalabs", "us-west-2", "US", "united_states",
             0.00012, 10000, is_multinode=True),
)
# fmt: on


def default_disk_offers() -> list[WireDiskAvailability]:
    """A fresh copy of the default disk offers, one per data center of the GPU offers."""
    return [row.offer() for row in _DISK_ROWS]
