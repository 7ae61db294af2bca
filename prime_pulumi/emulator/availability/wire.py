"""Offers on the wire: the availability routes, GPU and disk offers, and their control bodies."""

from __future__ import annotations

from enum import unique

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from prime_pulumi.emulator.wire import (
    ApiRoute,
    Posted,
    Region,
    Security,
    Socket,
    StockStatus,
    Wire,
)


@unique
class AvailabilityRoute(ApiRoute):
    """The availability API routes: GPU offers (three shapes) and disk offers."""

    gpu_availability = ("GET", "/api/v1/availability/gpus")
    multi_node_availability = ("GET", "/api/v1/availability/multi-node")
    legacy_availability = ("GET", "/api/v1/availability/")
    disk_availability = ("GET", "/api/v1/availability/disks")


class ResourceSpec(Posted):
    """The range one resource of an offer can take, and what each unit costs."""

    min_count: int | None
    default_count: int | None
    max_count: int | None
    price_per_unit: float | None
    step: int | None
    default_included_in_price: bool | None
    additional_info: str | None


class WirePrices(Posted):
    """What an offer costs per hour, for all its GPUs; it has one price at least."""

    on_demand: float | None = Field(gt=0)
    community_price: float | None = Field(gt=0)
    is_variable: bool
    currency: str

    @model_validator(mode="after")
    def _priced(self) -> WirePrices:
        if self.on_demand is None and self.community_price is None:
            raise PydanticCustomError(
                "no_price", "An offer needs a price: onDemand, communityPrice or both"
            )
        return self


class WireGPUAvailability(Posted):
    """One offer: a GPU configuration a provider can start.

    ``interconnect`` (GB/s between the GPUs) is not in the guide, but the official
    SDK requires the key. ``region`` is one of the guide's optional keys; the
    emulator always serves it, since the ``regions`` filter matches on it.
    """

    cloud_id: str = Field(min_length=1)
    gpu_type: str = Field(min_length=1)
    socket: Socket
    provider: str
    data_center: str
    country: str
    region: Region
    gpu_count: int = Field(ge=1)
    gpu_memory: int = Field(ge=1)
    interconnect: int | None
    interconnect_type: str | None
    disk: ResourceSpec
    vcpu: ResourceSpec
    memory: ResourceSpec
    stock_status: StockStatus
    security: Security
    prices: WirePrices
    images: list[str]
    is_spot: bool

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
    provider: str
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
