"""``get_gpu_offers`` and ``get_disk_offers``: the offers pods and disks may be made from.

Each is a Pulumi data source in its two usual shapes: a plain call, and an
``_output`` variant that takes Inputs and answers an ``Output``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pulumi import Input, Output
from pulumi.runtime import get_config

from prime_pulumi._provider.disk_offers import DiskOffer, DiskOfferQuery, search_disk_offers
from prime_pulumi._provider.offers import GpuOffer, OfferQuery, search
from prime_pulumi._provider.settings import ProviderSettings
from prime_pulumi.client import PrimeClient

__all__ = [
    "DiskOffer",
    "GpuOffer",
    "get_disk_offers",
    "get_disk_offers_output",
    "get_gpu_offers",
    "get_gpu_offers_output",
]

T = TypeVar("T")


def get_gpu_offers(
    *,
    gpu_type: str | None = None,
    gpu_count: int | None = None,
    socket: str | None = None,
    security: str | None = None,
    regions: Sequence[str] | None = None,
    data_center_id: str | None = None,
    country: str | None = None,
    provider_types: Sequence[str] | None = None,
    max_price: float | None = None,
    in_stock: bool = True,
    api_key: str | None = None,
    base_url: str | None = None,
) -> list[GpuOffer]:
    """The GPU offers that match every filter given, cheapest first (ties by ``cloud_id``).

    ``price_hr`` is the price of the offer's own security tier. ``in_stock`` leaves
    out offers whose stock is ``Unavailable``. ``gpu_type``, ``gpu_count``,
    ``socket``, ``security``, ``regions`` and ``data_center_id`` are sent to the
    API; the rest are applied here. The key comes from ``api_key``, else
    ``prime:apiKey``, else ``PRIME_API_KEY``.
    """
    query = OfferQuery(
        gpu_type=gpu_type,
        gpu_count=gpu_count,
        socket=socket,
        security=security,
        regions=tuple(regions or ()),
        data_center_id=data_center_id,
        country=country,
        provider_types=tuple(provider_types or ()),
        max_price=max_price,
        in_stock=in_stock,
    )
    return _with_client(api_key, base_url, lambda client: search(client, query).matches)


def get_gpu_offers_output(
    *,
    gpu_type: Input[str] | None = None,
    gpu_count: Input[int] | None = None,
    socket: Input[str] | None = None,
    security: Input[str] | None = None,
    regions: Input[Sequence[Input[str]]] | None = None,
    data_center_id: Input[str] | None = None,
    country: Input[str] | None = None,
    provider_types: Input[Sequence[Input[str]]] | None = None,
    max_price: Input[float] | None = None,
    in_stock: Input[bool] = True,
    api_key: Input[str] | None = None,
    base_url: Input[str] | None = None,
) -> Output[list[GpuOffer]]:
    """:func:`get_gpu_offers` for Inputs: known once every argument is.

    ``get_gpu_offers_output(...)[0].cloud_id`` is today's cheapest offer's id.
    """
    return _output_of(
        get_gpu_offers,
        gpu_type=gpu_type,
        gpu_count=gpu_count,
        socket=socket,
        security=security,
        regions=regions,
        data_center_id=data_center_id,
        country=country,
        provider_types=provider_types,
        max_price=max_price,
        in_stock=in_stock,
        api_key=api_key,
        base_url=base_url,
    )


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
    return _with_client(api_key, base_url, lambda client: search_disk_offers(client, query))


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
    return _output_of(
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


def _with_client(api_key: str | None, base_url: str | None, call: Callable[[PrimeClient], T]) -> T:
    """``call`` with a client of the stack's settings; ``api_key`` and ``base_url`` come first."""
    # get_config, not pulumi.Config: it works (returning nothing) outside a program too.
    settings = ProviderSettings.from_lookup(get_config)
    with settings.build_client(api_key=api_key, base_url=base_url) as client:
        return call(client)


def _output_of(call: Callable[..., T], **arguments: Any) -> Output[T]:
    """``call(**arguments)`` once every argument is known."""
    return Output.all(**arguments).apply(lambda given: call(**given))
