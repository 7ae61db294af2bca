"""Offers on the wire: the availability routes, GPU and disk offers, and their control bodies."""

from __future__ import annotations

from collections.abc import Callable
from enum import unique
from typing import Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from prime_pulumi.emulator.wire import (
    ApiRoute,
    Currency,
    EnvironmentType,
    GpuType,
    Posted,
    ProviderType,
    Region,
    Security,
    Socket,
    StockStatus,
    Wire,
)


@unique
class AvailabilityRoute(ApiRoute):
    """The availability API routes: GPU offers (pages, by GPU type, summaries) and disk offers."""

    gpu_availability = ("GET", "/api/v1/availability/gpus")
    multi_node_availability = ("GET", "/api/v1/availability/multi-node")
    legacy_availability = ("GET", "/api/v1/availability/")
    legacy_cluster_availability = ("GET", "/api/v1/availability/clusters")
    gpu_summary = ("GET", "/api/v1/availability/gpu-summary")
    multi_node_summary = ("GET", "/api/v1/availability/multi-node-summary")
    disk_availability = ("GET", "/api/v1/availability/disks")


class ResourceSpec(Posted):
    """The range one resource of an offer can take, and what each unit costs (``CustomSpecValue``).

    Every key is optional, as in the document; an offer is always served with every key.
    """

    min_count: int | None = None
    default_count: int | None = None
    max_count: int | None = None
    price_per_unit: float | None = None
    step: int | None = None
    default_included_in_price: bool | None = None
    additional_info: str | None = None


def _scaled(
    low: int, per_gpu: int, most_per_gpu: int, *, price: float | None, step: int
) -> Callable[[dict[str, Any]], ResourceSpec]:
    """The default of one resource of an offer: it grows with the GPU count, as machines do."""

    def spec(offer: dict[str, Any]) -> ResourceSpec:
        gpus = offer.get("gpu_count", 1)  # absent when the count itself was refused
        return ResourceSpec(
            min_count=low,
            default_count=per_gpu * gpus,
            max_count=most_per_gpu * gpus,
            price_per_unit=price,
            step=step,
            default_included_in_price=True,
            additional_info=None,
        )

    return spec


class WirePrices(Posted):
    """What an offer costs per hour, for all its GPUs; it has one price at least.

    ``currency`` is required, as in the document; ``isVariable`` defaults to false.
    """

    on_demand: float | None = Field(default=None, gt=0)
    community_price: float | None = Field(default=None, gt=0)
    is_variable: bool | None = False
    currency: Currency

    @model_validator(mode="after")
    def _priced(self) -> WirePrices:
        if self.on_demand is None and self.community_price is None:
            raise PydanticCustomError(
                "no_price", "An offer needs a price: onDemand, communityPrice or both"
            )
        return self


class WireGPUAvailability(Posted):
    """One offer: a GPU configuration a provider can start (the document's ``GpuAvailability``).

    Required, as in the document: ``cloudId, gpuType, socket, provider, gpuCount,
    gpuMemory, security, prices, images``. The rest default when a test posts an
    offer without them: no place (``dataCenter``, ``country`` and ``region`` null: no
    ``regions`` or disk filter matches it, and any disk fits its pods), no
    interconnect, ``disk``/``vcpu``/``memory`` ranges that grow with the GPU count as
    the catalogue's do, ``stockStatus`` Available, not spot. Every key is served.
    """

    cloud_id: str = Field(min_length=1)
    gpu_type: GpuType
    socket: Socket
    provider: ProviderType
    data_center: str | None = None
    country: str | None = None
    region: Region | None = None
    gpu_count: int = Field(ge=1)
    gpu_memory: int = Field(ge=1)
    interconnect: int | None = None
    interconnect_type: str | None = None
    # After gpu_count: each default is scaled by it.
    disk: ResourceSpec = Field(default_factory=_scaled(50, 100, 2000, price=0.00014, step=10))
    vcpu: ResourceSpec = Field(default_factory=_scaled(4, 8, 16, price=None, step=2))
    memory: ResourceSpec = Field(default_factory=_scaled(16, 64, 128, price=None, step=8))
    stock_status: StockStatus = "Available"
    security: Security
    prices: WirePrices
    images: list[EnvironmentType]
    is_spot: bool = False

    @property
    def price_hr(self) -> float:
        """What a pod of all the offer's GPUs costs an hour: the price of its security tier.

        ``communityPrice`` on community cloud, ``onDemand`` on secure cloud; the
        other one when the tier's own is absent.
        """
        own, other = (self.prices.community_price, self.prices.on_demand)
        if self.security == "secure_cloud":
            own, other = other, own
        if own is not None:
            return own
        assert other is not None  # WirePrices holds one price at least
        return other


class AvailabilityPage(Wire):
    """One page of offers."""

    items: list[WireGPUAvailability]
    total_count: int


class WirePricingInfo(Wire):
    """The lowest prices of a group of offers (the document's ``PricingInfo``), per hour."""

    on_demand: float | None
    community_price: float | None
    spot_price: float | None


class InstanceCountPricing(Wire):
    """What the summaries say of one GPU type and count: its cheapest prices."""

    cheapest: WirePricingInfo | None


#: A summary: GPU type, then GPU count (a string, as JSON keys are), then its prices.
Summary = dict[str, dict[str, InstanceCountPricing]]


class WireDiskOfferSpec(Wire):
    """The sizes a disk offer takes (GB) and its price in USD per GB-hour."""

    min_count: int
    max_count: int
    step: int
    price_per_unit: float


class WireDiskAvailability(Wire):
    """One disk offer: where a provider can make disks, how large, and at what price.

    ``isMultinode``: the disk can serve several nodes at once.
    """

    cloud_id: str | None
    provider: ProviderType
    data_center: str
    country: str
    region: Region
    spec: WireDiskOfferSpec
    stock_status: StockStatus
    security: Security
    is_multinode: bool


class DiskOfferPage(Wire):
    """One page of disk offers."""

    items: list[WireDiskAvailability]
    total_count: int


# --- control (/_emulator) ---------------------------------------------------


class PriceUpdate(Posted):
    """New prices of an offer, camelCase as its ``prices``: a key given and not null is set."""

    on_demand: float | None = Field(default=None, gt=0)
    community_price: float | None = Field(default=None, gt=0)


class OfferUpdate(Posted):
    """A change of an offer's stock and prices, camelCase as the offer.

    A key given and not null is set; the others stay as they are, so ``{}`` changes nothing.
    """

    stock_status: StockStatus | None = None
    prices: PriceUpdate | None = None
