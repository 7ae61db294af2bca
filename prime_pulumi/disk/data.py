"""``get_disk_offers``: the disk offers disks may be made from, as a Pulumi data source."""

from __future__ import annotations

from collections.abc import Sequence

from pulumi import Input, Output

from prime_pulumi.disk.offers import DiskOffer, DiskOfferQuery, search_disk_offers
from prime_pulumi.dynamic.functions import output_of, with_client

__all__ = ["DiskOffer", "get_disk_offers", "get_disk_offers_output"]


def get_disk_offers(
    *,
    regions: Sequence[str] | None = None,
    data_center_id: str | None = None,
    cloud_id: str | None = None,
    country: str | None = None,
    provider_types: Sequence[str] | None = None,
    min_size: int | None = None,
    in_stock: bool = True,
    api_key: str | None = None,
    base_url: str | None = None,
) -> list[DiskOffer]:
    """The disk offers that match every filter given, cheapest per GB-hour first.

    Equal prices are ordered by ``data_center_id``, then ``cloud_id``; an offer
    without a usable price comes last. ``price_per_gb_hr`` is USD per GB per hour
    (``offer.price_hr(size)`` is the hourly price of a disk of ``size`` GB), and
    ``min_size`` / ``max_size`` bound the sizes the offer takes, in GB.

    ``min_size`` keeps only offers that can hold a disk of at least that many GB;
    ``in_stock`` leaves out offers whose stock is ``Unavailable``. ``regions``,
    ``data_center_id`` and ``cloud_id`` are sent to the API; every filter is also
    applied here. The key comes from ``api_key``, else ``prime:apiKey``, else
    ``PRIME_API_KEY``.
    """
    query = DiskOfferQuery(
        regions=tuple(regions or ()),
        data_center_id=data_center_id,
        cloud_id=cloud_id,
        country=country,
        provider_types=tuple(provider_types or ()),
        min_size=min_size,
        in_stock=in_stock,
    )
    return with_client(api_key, base_url, lambda client: search_disk_offers(client, query))


def get_disk_offers_output(
    *,
    regions: Input[Sequence[Input[str]]] | None = None,
    data_center_id: Input[str] | None = None,
    cloud_id: Input[str] | None = None,
    country: Input[str] | None = None,
    provider_types: Input[Sequence[Input[str]]] | None = None,
    min_size: Input[int] | None = None,
    in_stock: Input[bool] = True,
    api_key: Input[str] | None = None,
    base_url: Input[str] | None = None,
) -> Output[list[DiskOffer]]:
    """:func:`get_disk_offers` for Inputs: known once every argument is.

    ``get_disk_offers_output(min_size=500)[0].data_center_id`` is where a 500 GB
    disk is cheapest today.
    """
    return output_of(
        get_disk_offers,
        regions=regions,
        data_center_id=data_center_id,
        cloud_id=cloud_id,
        country=country,
        provider_types=provider_types,
        min_size=min_size,
        in_stock=in_stock,
        api_key=api_key,
        base_url=base_url,
    )
