"""GPU offers as a user asks for them: filtered, cheapest first, and why others were left out.

:class:`GpuOffer` is one offer of ``GET /api/v1/availability/gpus`` (or of
``/availability/multi-node``, for pods that span several nodes), flattened, with
the hourly price of its own security tier. :class:`OfferQuery` holds the
filters. The filters the API takes go to it as query parameters, and every
filter is applied here too, so that what comes back is what was asked for
whatever the API did with them. :class:`OfferSearch` keeps what matched and,
for the spend guard's error, why each other offer did not.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from prime_pulumi.client import GPUAvailability, PrimeClient
from prime_pulumi.client.models import OUT_OF_STOCK
from prime_pulumi.core.functions import DataFunction

#: Why an offer was left out, in the order the checks run: the last passed all before it.
Reason = Literal["gpus", "kind", "location", "stock", "price"]


class GpuOffer(BaseModel):
    """One GPU offer: what it is, where, at what price, and whether it can be had now."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    cloud_id: str
    """The offer's id: a pod's ``cloud_id``."""
    gpu_type: str
    """For example ``H100_80GB``."""
    gpu_count: int | None
    """GPUs per pod."""
    socket: str | None
    """For example ``PCIe`` or ``SXM5``."""
    provider_type: str | None
    """The cloud provider, for example ``runpod``."""
    data_center_id: str | None
    """The data center."""
    country: str | None
    """The country, as the API names it (for example ``US``)."""
    region: str | None
    """The region, for example ``united_states``."""
    security: str | None
    """``secure_cloud`` or ``community_cloud``."""
    price_hr: float | None
    """USD per hour, for the offer's security tier (``communityPrice`` for community cloud)."""
    stock_status: str | None
    """``Available``, ``Low``, ``Medium``, ``High`` or ``Unavailable``."""
    images: list[str] = Field(default_factory=list)
    """The images a pod of this offer may run."""
    is_spot: bool | None = None
    """Whether the offer is a spot (interruptible) one."""
    multi_node: bool = False
    """Whether a pod of this offer spans several nodes (a multi-node offer)."""

    @classmethod
    def of(cls, item: GPUAvailability, *, multi_node: bool = False) -> GpuOffer:
        """The offer an availability item describes (``multi_node``: listed as multi-node)."""
        prices = item.prices
        price = None
        if prices is not None:
            community = item.security == "community_cloud" and prices.community_price is not None
            price = prices.community_price if community else prices.on_demand
        if price is not None and not (math.isfinite(price) and price >= 0):
            price = None  # no price to trust: never under a max_price, never "cheapest"
        return cls(
            cloud_id=item.cloud_id,
            gpu_type=item.gpu_type,
            gpu_count=item.gpu_count,
            socket=item.socket,
            provider_type=item.provider,
            data_center_id=item.data_center,
            country=item.country,
            region=item.region,
            security=item.security,
            price_hr=price,
            stock_status=item.stock_status,
            images=list(item.images),
            is_spot=item.is_spot,
            multi_node=multi_node,
        )


class OfferQuery(BaseModel):
    """What a user asks of an offer; unset filters let every offer through."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    gpu_type: str | None = None
    """Only offers of this GPU type, for example ``H100_80GB``."""
    gpu_count: int | None = None
    """Only offers of this many GPUs."""
    socket: str | None = None
    """Only offers of this socket, for example ``SXM5``."""
    security: str | None = None
    """Only ``secure_cloud`` or only ``community_cloud`` offers."""
    regions: tuple[str, ...] = ()
    """Only offers in these regions."""
    data_center_id: str | None = None
    """Only offers in this data center."""
    country: str | None = None
    """Only offers in this country."""
    provider_types: tuple[str, ...] = ()
    """Only offers of these providers, for example ``runpod``."""
    max_price: float | None = None
    """Only offers at most this price, USD per hour."""
    in_stock: bool = True
    """Leave out offers whose stock is ``Unavailable`` (default true)."""
    multi_node: bool = False
    """List the multi-node offers, whose pods span several nodes, instead of the
    single-node ones (default false)."""
    cloud_id: str | None = None
    #: Only offers in the same place as these disks. An offer does not say which disks
    #: it can mount, so this filter is the API's alone.
    disks: tuple[str, ...] = ()

    def api_filters(self) -> dict[str, Any]:
        """The filters the API takes, as ``PrimeClient.list_gpu_availability`` arguments."""
        return {
            "gpu_type": self.gpu_type,
            "gpu_count": self.gpu_count,
            "socket": self.socket,
            "security": self.security,
            "regions": self.regions,
            "data_center_id": self.data_center_id,
            "cloud_id": self.cloud_id,
            "disks": self.disks,
            "multi_node": self.multi_node,
        }

    def why_not(self, offer: GpuOffer) -> Reason | None:
        """Why ``offer`` does not match (the first check it fails), or ``None``."""
        gpus = ((self.gpu_type, offer.gpu_type), (self.gpu_count, offer.gpu_count))
        if any(wanted is not None and wanted != got for wanted, got in gpus):
            return "gpus"
        kind = (
            (self.cloud_id, offer.cloud_id),
            (self.socket, offer.socket),
            (self.security, offer.security),
            (self.multi_node, offer.multi_node),
        )
        if any(wanted is not None and wanted != got for wanted, got in kind):
            return "kind"
        if self.provider_types and offer.provider_type not in self.provider_types:
            return "kind"
        if (
            (self.regions and offer.region not in self.regions)
            or (self.data_center_id and offer.data_center_id != self.data_center_id)
            or (self.country and offer.country != self.country)
        ):
            return "location"
        if self.in_stock and offer.stock_status == OUT_OF_STOCK:
            return "stock"
        price = offer.price_hr
        if self.max_price is not None and (price is None or price > self.max_price):
            return "price"
        return None


def describe_offer(offer: GpuOffer) -> str:
    """An offer in a few words: its id, provider, place and price."""
    where = ", ".join(x for x in (offer.provider_type, offer.region or offer.country) if x)
    price = f" at ${offer.price_hr:g}/h" if offer.price_hr is not None else ""
    return f"{offer.cloud_id} ({where}){price}" if where else f"{offer.cloud_id}{price}"


def cheapest_first(offer: GpuOffer) -> tuple[bool, float, str]:
    """The order of offers: by price (unknown last), then by id, so equal prices keep one order."""
    return (offer.price_hr is None, offer.price_hr or 0.0, offer.cloud_id)


@dataclass
class OfferSearch:
    """The offers that match a query, cheapest first, and why the others did not."""

    query: OfferQuery
    matches: list[GpuOffer] = field(default_factory=list)
    #: How many offers of the GPUs asked for each filter left out (offers of other GPUs are not
    #: counted: the API was asked for these GPUs only).
    excluded: Counter[Reason] = field(default_factory=Counter)
    #: The cheapest offer left out by ``max_price`` alone (it matched everything else).
    cheapest_over_price: GpuOffer | None = None

    def add(self, offer: GpuOffer) -> None:
        reason = self.query.why_not(offer)
        if reason is None:
            self.matches.append(offer)
            return
        if reason == "gpus":
            # Other GPUs, which the API was asked to leave out: they say nothing of whether
            # the listing has the GPUs asked for (a pod of 16 then looks among multi-node ones).
            return
        self.excluded[reason] += 1
        if reason == "price" and offer.price_hr is not None:
            best = self.cheapest_over_price
            if best is None or cheapest_first(offer) < cheapest_first(best):
                self.cheapest_over_price = offer


def search(client: PrimeClient, query: OfferQuery, *, ask: OfferQuery | None = None) -> OfferSearch:
    """The offers matching ``query``, cheapest first.

    The API is asked with ``ask``'s filters (default: ``query``'s); asking it for
    less lets the search count why the offers it would have dropped were left out.
    """
    found = OfferSearch(query)
    seen: set[str] = set()
    for item in client.list_gpu_availability(**(ask or query).api_filters()):
        offer = GpuOffer.of(item, multi_node=(ask or query).multi_node)
        if offer.cloud_id not in seen:  # the API may list an offer on two pages
            seen.add(offer.cloud_id)
            found.add(offer)
    found.matches.sort(key=cheapest_first)
    return found


def _matching(client: PrimeClient, query: OfferQuery) -> list[GpuOffer]:
    return search(client, query).matches


#: ``get_gpu_offers`` as every face serves it (``prime:index:getGpuOffers``).
GPU_OFFERS = DataFunction(
    name="getGpuOffers",
    description="The GPU offers that match every filter given, cheapest first.",
    query=OfferQuery,
    arguments=(
        "gpu_type",
        "gpu_count",
        "socket",
        "security",
        "regions",
        "data_center_id",
        "country",
        "provider_types",
        "max_price",
        "in_stock",
        "multi_node",
    ),
    record=GpuOffer,
    run=_matching,
    listed_under="offers",
)
