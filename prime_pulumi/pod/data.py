"""``get_gpu_offers``: the GPU offers pods may be made from, as a Pulumi data source."""

from __future__ import annotations

from collections.abc import Sequence

from pulumi import Input, Output

from prime_pulumi.dynamic.functions import output_of, with_client
from prime_pulumi.pod.offers import GpuOffer, OfferQuery, search

__all__ = ["GpuOffer", "get_gpu_offers", "get_gpu_offers_output"]


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
    multi_node: bool = False,
    api_key: str | None = None,
    base_url: str | None = None,
) -> list[GpuOffer]:
    """The GPU offers that match every filter given, cheapest first (ties by ``cloud_id``).

    ``price_hr`` is the price of the offer's own security tier. ``in_stock`` leaves
    out offers whose stock is ``Unavailable``. ``multi_node`` lists the offers whose
    pods span several nodes (``/availability/multi-node``) instead of the single-node
    ones. ``gpu_type``, ``gpu_count``, ``socket``, ``security``, ``regions`` and
    ``data_center_id`` are sent to the API; the rest are applied here. The key comes
    from ``api_key``, else ``prime:apiKey``, else ``PRIME_API_KEY``.
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
        multi_node=multi_node,
    )
    return with_client(api_key, base_url, lambda client: search(client, query).matches)


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
    multi_node: Input[bool] = False,
    api_key: Input[str] | None = None,
    base_url: Input[str] | None = None,
) -> Output[list[GpuOffer]]:
    """:func:`get_gpu_offers` for Inputs: known once every argument is.

    ``get_gpu_offers_output(...)[0].cloud_id`` is today's cheapest offer's id.
    """
    return output_of(
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
        multi_node=multi_node,
        api_key=api_key,
        base_url=base_url,
    )
