"""The availability routes: GPU and disk offers, and the control routes that change offers.

API routes (the names key request counts and faults):

- ``gpu_availability``: ``GET /api/v1/availability/gpus?page=&page_size=&regions=&gpu_type=``
  ``&gpu_count=&socket=&security=&data_center_id=&cloud_id=&disks=`` (``regions`` and
  ``disks`` repeat; a ``regions`` value may also list several, comma-separated). Every
  filter given must match; a value outside the document's set (``gpu_type``, ``regions``,
  ``socket``, ``security``) is a 422, an unknown free-form value (``data_center_id``,
  ``cloud_id``) matches nothing, and ``disks`` keeps offers in the data center of every
  disk named (none, when one is unknown or gone).
- ``multi_node_availability``: ``GET /api/v1/availability/multi-node`` (same parameters)
- ``legacy_availability``: ``GET /api/v1/availability/`` (same parameters, ``page_size`` up
  to 500): one page of single-node offers, keyed by GPU type
- ``legacy_cluster_availability``: ``GET /api/v1/availability/clusters``: the same, of
  multi-node offers
- ``gpu_summary``: ``GET /api/v1/availability/gpu-summary``: ``{gpuType: {gpuCount:
  {"cheapest": {onDemand, communityPrice, spotPrice}}}}``, the lowest prices of the
  single-node offers in stock (out-of-stock ones left out: a guess)
- ``multi_node_summary``: ``GET /api/v1/availability/multi-node-summary``: the same, of
  multi-node offers
- ``disk_availability``: ``GET /api/v1/availability/disks?page=&page_size=&regions=``
  ``&data_center_id=&cloud_id=`` (filters as for GPU offers)

Control routes (what they all refuse is in :mod:`prime_pulumi.emulator.app`):

``POST /_emulator/offers?multi_node=false``
    Add an offer, in the shape ``/api/v1/availability/gpus`` serves one: the document's
    nine required keys (``cloudId, gpuCount, gpuMemory, gpuType, images, prices,
    provider, security, socket``; ``prices`` with its ``currency``), the others
    defaulted (see :class:`WireGPUAvailability`); it is served after the others, by
    ``/availability/multi-node`` if ``multi_node``. A ``cloudId`` already offered
    (single- or multi-node) is a 409. Answers the offer.
``PATCH /_emulator/offers/{cloud_id}`` ``{"stockStatus": str, "prices": {"onDemand": float,
"communityPrice": float}}``
    Change an offer's stock and prices: a key given and not null is set, the others
    stay, so ``{}`` changes nothing. Pods already made keep their price. An unknown
    ``cloud_id`` is a 404. Answers the offer.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BeforeValidator

from prime_pulumi.emulator.availability.wire import (
    AvailabilityPage,
    AvailabilityRoute,
    DiskOfferPage,
    OfferUpdate,
    Summary,
    WireGPUAvailability,
)
from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.defaults import MAX_PAGE_SIZE
from prime_pulumi.emulator.http import Routes
from prime_pulumi.emulator.wire import GpuType, Region, Security, Socket


def _split_commas(values: Any) -> Any:
    """``regions=a,b`` as ``regions=a&regions=b``.

    The official SDK splits such values itself before it sends them; the emulator
    takes them too, so a query written by hand works either way.
    """
    if isinstance(values, list):
        return [part.strip() for value in values for part in str(value).split(",") if part.strip()]
    return values


GpuTypeFilter = Annotated[GpuType | None, Query()]
# Any integer, as the document says; one no offer has (0, say) matches nothing.
GpuCount = Annotated[int | None, Query()]
# The document's sets, so an unknown GPU type, region, socket or tier is a 422 naming
# it, as the API's own (FastAPI) validation of an enum parameter answers.
Regions = Annotated[list[Region] | None, BeforeValidator(_split_commas), Query()]
SocketFilter = Annotated[Socket | None, Query()]
SecurityFilter = Annotated[Security | None, Query()]
DataCenterId = Annotated[str | None, Query()]
CloudId = Annotated[str | None, Query()]
Disks = Annotated[list[str] | None, Query()]
Page = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
#: The older shapes' pages are larger, as the document says.
LEGACY_PAGE_SIZE = 500
LegacyPageSize = Annotated[int, Query(ge=1, le=LEGACY_PAGE_SIZE)]


@dataclass(frozen=True)
class OfferQuery:
    """The filters every GPU offer route takes, as the document lists them."""

    regions: Sequence[Region]
    gpu_type: GpuType | None
    gpu_count: int | None
    socket: Socket | None
    security: Security | None
    data_center_id: str | None
    cloud_id: str | None
    disks: Sequence[str]


async def _offer_query(
    *,
    regions: Regions = None,
    gpu_type: GpuTypeFilter = None,
    gpu_count: GpuCount = None,
    socket: SocketFilter = None,
    security: SecurityFilter = None,
    data_center_id: DataCenterId = None,
    cloud_id: CloudId = None,
    disks: Disks = None,
) -> OfferQuery:
    return OfferQuery(
        regions=regions or (),
        gpu_type=gpu_type,
        gpu_count=gpu_count,
        socket=socket,
        security=security,
        data_center_id=data_center_id,
        cloud_id=cloud_id,
        disks=disks or (),
    )


Offers = Annotated[OfferQuery, Depends(_offer_query)]


def add_routes(routes: Routes, backend: EmulatorBackend) -> None:
    """Serve the availability API routes and the offers' control routes."""

    def availability(multi_node: bool, doc: str) -> Callable[..., Any]:
        async def offers(
            query: Offers, page: Page = 1, page_size: PageSize = MAX_PAGE_SIZE
        ) -> AvailabilityPage:
            return backend.availability(
                multi_node=multi_node, page=page, page_size=page_size, **asdict(query)
            )

        offers.__doc__ = doc
        return offers

    def by_gpu_type(multi_node: bool, doc: str) -> Callable[..., Any]:
        async def offers(
            query: Offers, page: Page = 1, page_size: LegacyPageSize = LEGACY_PAGE_SIZE
        ) -> dict[str, list[WireGPUAvailability]]:
            return backend.legacy_availability(
                multi_node=multi_node, page=page, page_size=page_size, **asdict(query)
            )

        offers.__doc__ = doc
        return offers

    def summary(multi_node: bool, doc: str) -> Callable[..., Any]:
        async def cheapest() -> Summary:
            return backend.summary(multi_node=multi_node)

        cheapest.__doc__ = doc
        return cheapest

    routes.api(AvailabilityRoute.gpu_availability)(availability(False, "Single-node offers."))
    routes.api(AvailabilityRoute.multi_node_availability)(
        availability(True, "Offers that span several nodes.")
    )
    routes.api(AvailabilityRoute.legacy_availability)(
        by_gpu_type(False, "Single-node offers keyed by GPU type (the older shape).")
    )
    routes.api(AvailabilityRoute.legacy_cluster_availability)(
        by_gpu_type(True, "Multi-node offers keyed by GPU type (the older shape).")
    )
    routes.api(AvailabilityRoute.gpu_summary)(
        summary(False, "The cheapest single-node prices in stock, by GPU type and count.")
    )
    routes.api(AvailabilityRoute.multi_node_summary)(
        summary(True, "The cheapest multi-node prices in stock, by GPU type and count.")
    )

    @routes.api(AvailabilityRoute.disk_availability)
    async def disk_availability(
        page: Page = 1,
        page_size: PageSize = MAX_PAGE_SIZE,
        regions: Regions = None,
        data_center_id: DataCenterId = None,
        cloud_id: CloudId = None,
    ) -> DiskOfferPage:
        """Disk offers; ``pricePerUnit`` is USD per GB-hour."""
        return backend.disk_availability(
            regions=regions or (),
            data_center_id=data_center_id,
            cloud_id=cloud_id,
            page=page,
            page_size=page_size,
        )

    @routes.control("POST", "offers", "add_offer", 409, 422)
    async def add_offer(
        offer: WireGPUAvailability, multi_node: Annotated[bool, Query()] = False
    ) -> WireGPUAvailability:
        """Add an offer (multi-node ones with ``?multi_node=true``)."""
        return backend.add_offer(offer, multi_node=multi_node)

    @routes.control("PATCH", "offers/{cloud_id}", "update_offer", 404, 422)
    async def update_offer(cloud_id: str, change: OfferUpdate) -> WireGPUAvailability:
        """Change an offer's stock and prices."""
        return backend.update_offer(cloud_id, change)
