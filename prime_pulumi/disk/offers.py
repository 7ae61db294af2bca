"""Disk offers as a user asks for them: filtered, cheapest per GB-hour first.

:class:`DiskOffer` is one offer of ``GET /api/v1/availability/disks``,
flattened: where a disk can be made, which sizes it takes (whole GB) and its
price per GB-hour. :class:`DiskOfferQuery` holds the filters. The filters the
API takes go to it as query parameters, and every filter is applied here too
(as for GPU offers, :mod:`prime_pulumi.pod.offers`), so that what comes
back is what was asked for whatever the API did with them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from prime_pulumi.client import DiskAvailability, PrimeClient, ResourceOffer
from prime_pulumi.client.models import OUT_OF_STOCK
from prime_pulumi.core.functions import DataFunction


class DiskOffer(BaseModel):
    """One disk offer: where, which sizes, at what price per GB-hour, and whether it can be had."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    cloud_id: str | None
    """The offer's id; ``None`` for providers whose disks are placed by data center and country."""
    provider_type: str | None
    """The cloud provider, for example ``runpod``."""
    data_center_id: str | None
    """The data center the disk would live in; pods there can mount it."""
    country: str | None
    """The country, as the API names it (for example ``US``)."""
    region: str | None
    """The region, for example ``united_states``."""
    security: str | None
    """``secure_cloud`` or ``community_cloud``."""
    price_per_gb_hr: float | None
    """USD per GB per hour; ``None`` when the API gave no usable price."""
    min_size: int | None
    """The smallest disk, in GB; ``None``: not said."""
    max_size: int | None
    """The largest disk, in GB; ``None``: not said."""
    step: int | None
    """Sizes go up by this many GB; ``None``: not said."""
    stock_status: str | None
    """``Available``, ``Low``, ``Medium``, ``High`` or ``Unavailable``."""
    is_multinode: bool | None
    """Whether one disk of this offer can serve several pods at once."""

    @classmethod
    def of(cls, item: DiskAvailability) -> DiskOffer:
        """The offer an availability item describes."""
        spec = item.spec or ResourceOffer()
        return cls(
            cloud_id=item.cloud_id,
            provider_type=item.provider,
            data_center_id=item.data_center,
            country=item.country,
            region=item.region,
            security=item.security,
            # No price to trust: never "cheapest", never a cost shown as if known.
            price_per_gb_hr=_trusted(spec.price_per_unit),
            # Sizes are whole GB: a fractional bound is rounded inwards, so it still holds.
            min_size=_whole_gb(spec.min_count, math.ceil),
            max_size=_whole_gb(spec.max_count, math.floor),
            step=_whole_gb(spec.step, math.ceil) or None,  # a step of 0 says nothing
            stock_status=item.stock_status,
            is_multinode=item.is_multinode,
        )

    def holds(self, size: int) -> bool:
        """Whether a disk of ``size`` GB is within this offer's sizes (unknown bound: no limit)."""
        return (self.min_size is None or self.min_size <= size) and (
            self.max_size is None or size <= self.max_size
        )

    def price_hr(self, size: int) -> float | None:
        """USD per hour for a disk of ``size`` GB, or ``None`` when the price is unknown."""
        return None if self.price_per_gb_hr is None else size * self.price_per_gb_hr


class DiskOfferQuery(BaseModel):
    """What a user asks of a disk offer; unset filters let every offer through."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    regions: tuple[str, ...] = ()
    """Only offers in these regions."""
    data_center_id: str | None = None
    """Only offers in this data center."""
    cloud_id: str | None = None
    """Only the offer of this ``cloud_id``."""
    country: str | None = None
    """Only offers in this country."""
    provider_types: tuple[str, ...] = ()
    """Only offers of these providers, for example ``runpod``."""
    min_size: int | None = None
    """Only offers that can hold at least this many GB (``max_size >= min_size``)."""
    in_stock: bool = True
    """Leave out offers whose stock is ``Unavailable`` (default true)."""

    def api_filters(self) -> dict[str, Any]:
        """The filters the API takes, as ``PrimeClient.list_disk_availability`` arguments."""
        return {
            "regions": self.regions,
            "data_center_id": self.data_center_id,
            "cloud_id": self.cloud_id,
        }

    def matches(self, offer: DiskOffer) -> bool:
        """Whether ``offer`` passes every filter, the API's own included."""
        exact = (
            (self.cloud_id, offer.cloud_id),
            (self.data_center_id, offer.data_center_id),
            (self.country, offer.country),
        )
        if any(wanted is not None and wanted != got for wanted, got in exact):
            return False
        if self.regions and offer.region not in self.regions:
            return False
        if self.provider_types and offer.provider_type not in self.provider_types:
            return False
        if self.in_stock and offer.stock_status == OUT_OF_STOCK:
            return False
        return self.min_size is None or offer.max_size is None or offer.max_size >= self.min_size


def search_disk_offers(client: PrimeClient, query: DiskOfferQuery) -> list[DiskOffer]:
    """The offers matching ``query``, cheapest per GB-hour first (unknown price last).

    Equal prices are ordered by data center, then ``cloud_id``, so the order is the
    same whatever order the API listed them in. An offer listed twice (same
    ``cloud_id``, provider and data center: the API may repeat one across pages)
    is counted once.
    """
    seen: set[tuple[str | None, str | None, str | None]] = set()
    found: list[DiskOffer] = []
    for item in client.list_disk_availability(**query.api_filters()):
        offer = DiskOffer.of(item)
        key = (offer.cloud_id, offer.provider_type, offer.data_center_id)
        if key not in seen:
            seen.add(key)
            if query.matches(offer):
                found.append(offer)
    found.sort(key=_cheapest_per_gb_first)
    return found


def describe_disk_offer(offer: DiskOffer, size: int | None = None) -> str:
    """An offer in a few words, for progress messages and errors.

    For example ``runpod-disk-us-ks-2 (runpod, US-KS-2) at $0.014/h for 100 GB``;
    without ``size``, the price per GB-hour. An offer without a ``cloud_id`` is
    named by its provider and place: ``runpod in US-KS-2 at ...``.
    """
    place = offer.data_center_id or offer.region or offer.country
    if offer.cloud_id is None:
        where = " in ".join(x for x in (offer.provider_type, place) if x)
        words = where or "a disk offer of unknown provider and place"
    else:
        where = ", ".join(x for x in (offer.provider_type, place) if x)
        words = f"{offer.cloud_id} ({where})" if where else offer.cloud_id
    if size is None:
        if offer.price_per_gb_hr is not None:
            words += f" at ${_plain(offer.price_per_gb_hr)}/GB-h"
        return words
    price = offer.price_hr(size)
    if price is not None:
        words += f" at ${_plain(price)}/h"
    return f"{words} for {size} GB"


def _trusted(value: float | None) -> float | None:
    """A number to rely on: finite and not negative; else ``None``."""
    return value if value is not None and math.isfinite(value) and value >= 0 else None


def _whole_gb(value: float | None, rounding: Callable[[float], int]) -> int | None:
    """A size in whole GB, or ``None`` when the API gave none to trust."""
    trusted = _trusted(value)
    return None if trusted is None else rounding(trusted)


def _cheapest_per_gb_first(
    offer: DiskOffer,
) -> tuple[bool, float, tuple[bool, str], tuple[bool, str], tuple[bool, str]]:
    """The order of offers: by price per GB-hour (unknown last), then by place and id."""

    def text(value: str | None) -> tuple[bool, str]:
        return (value is None, value or "")

    price = offer.price_per_gb_hr
    return (
        price is None,
        price or 0.0,
        text(offer.data_center_id),
        text(offer.cloud_id),
        text(offer.provider_type),
    )


def _plain(amount: float) -> str:
    """A price in plain digits (``0.00007``, not ``7e-05``), to six significant figures."""
    return format(Decimal(f"{amount:.6g}"), "f")


#: ``get_disk_offers`` as every face serves it (``prime:index:getDiskOffers``).
DISK_OFFERS = DataFunction(
    name="getDiskOffers",
    description="The disk offers that match every filter given, cheapest per GB-hour first.",
    query=DiskOfferQuery,
    arguments=(
        "regions",
        "data_center_id",
        "cloud_id",
        "country",
        "provider_types",
        "min_size",
        "in_stock",
    ),
    record=DiskOffer,
    run=search_disk_offers,
    listed_under="offers",
)
