"""The offers one backend holds: which match an availability query, and how tests change them.

A :class:`Marketplace` starts as the default catalogue
(:func:`~prime_pulumi.emulator.availability.catalogue.default_offers` and
:func:`~prime_pulumi.emulator.availability.catalogue.default_disk_offers`); tests add
GPU offers and change their stock and prices through the control API, and a reset
gives the backend a fresh one. It holds no lock of its own: :class:`AvailabilityBackend`,
the backend's part that serves the offers, calls it under the backend's lock. Pods and
disks are made from its offers (:meth:`Marketplace.offer_for_pod`,
:meth:`Marketplace.disk_offer_for`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from prime_pulumi.emulator.availability.catalogue import Offer, default_disk_offers, default_offers
from prime_pulumi.emulator.availability.wire import (
    AvailabilityPage,
    DiskOfferPage,
    InstanceCountPricing,
    OfferUpdate,
    Summary,
    WireDiskAvailability,
    WireGPUAvailability,
    WirePricingInfo,
)
from prime_pulumi.emulator.core import BackendCore
from prime_pulumi.emulator.disks.wire import WireCreateDiskRequest
from prime_pulumi.emulator.errors import (
    ConflictError,
    RequestInvalidError,
    UnknownResourceError,
    ValidationIssue,
)
from prime_pulumi.emulator.wire import GpuType, Region, Security, Socket

if TYPE_CHECKING:  # another resource's store, only named: its module imports this one
    from prime_pulumi.emulator.disks.state import DiskStore


class _Placed(Protocol):
    """An offer of either kind, as far as where it is goes."""

    @property
    def cloud_id(self) -> str | None: ...
    @property
    def data_center(self) -> str | None: ...
    @property
    def region(self) -> Region | None: ...


@dataclass(frozen=True)
class PlaceFilter:
    """Where an offer must be; it matches when it meets every filter set.

    ``None`` (or no regions) matches anything. Values are compared exactly, so an
    unknown data center or ``cloudId`` matches nothing. Disk offers are filtered by
    this alone, GPU offers by this and more (:class:`OfferFilter`).
    """

    regions: Sequence[Region] = ()
    data_center_id: str | None = None
    cloud_id: str | None = None

    def matches(self, offer: _Placed) -> bool:
        """Whether ``offer`` is where every filter that is set wants it."""
        return (
            (not self.regions or offer.region in self.regions)
            and self.data_center_id in (None, offer.data_center)
            and self.cloud_id in (None, offer.cloud_id)
        )


@dataclass(frozen=True)
class OfferFilter:
    """What a GPU availability query asks for: where (``place``), and what.

    ``None`` matches anything; values are compared exactly, so an unknown GPU type
    matches nothing. ``disk_data_centers`` are the data centers of the disks of
    the ``disks`` filter (None for a disk that is unknown or gone): an offer must
    be in each of them, so disks in two places, or an unknown disk, rule every
    offer out.
    """

    place: PlaceFilter = PlaceFilter()
    gpu_type: GpuType | None = None
    gpu_count: int | None = None
    socket: Socket | None = None
    security: Security | None = None
    disk_data_centers: Sequence[str | None] = ()

    def matches(self, offer: WireGPUAvailability) -> bool:
        """Whether ``offer`` meets every filter that is set."""
        wanted: list[tuple[object, object]] = [
            (self.gpu_type, offer.gpu_type),
            (self.gpu_count, offer.gpu_count),
            (self.socket, offer.socket),
            (self.security, offer.security),
        ]
        return (
            self.place.matches(offer)
            and all(value is None or value == actual for value, actual in wanted)
            and all(place == offer.data_center for place in self.disk_data_centers)
        )


class Marketplace:
    """The offers of one backend, in the order they are served: the catalogue's, then added ones.

    ``cloudId`` is unique across single- and multi-node offers. Disk offers are fixed.
    """

    def __init__(
        self, offers: Iterable[Offer], disk_offers: Iterable[WireDiskAvailability] = ()
    ) -> None:
        self._offers = {offer.availability.cloud_id: offer for offer in offers}
        self._disk_offers = list(disk_offers)

    @classmethod
    def default(cls) -> Marketplace:
        """A fresh copy of the default catalogue."""
        return cls(default_offers(), default_disk_offers())

    def find(self, cloud_id: str) -> WireGPUAvailability | None:
        """The offer with this ``cloudId``, single- or multi-node, if there is one."""
        offer = self._offers.get(cloud_id)
        return offer.availability if offer else None

    def spans_nodes(self, cloud_id: str) -> bool:
        """Whether the offer with this ``cloudId`` is a multi-node one (pods of it span nodes)."""
        offer = self._offers.get(cloud_id)
        return offer is not None and offer.multi_node

    def offer_for_pod(self, cloud_id: str) -> WireGPUAvailability | None:
        """The offer a pod is made from; 409 when it is out of stock.

        None for a ``cloudId`` the marketplace does not hold: the emulator still makes
        such pods (at a default price), so tests need not pick a real offer.
        """
        offer = self.find(cloud_id)
        if offer is not None and offer.stock_status == "Unavailable":
            raise ConflictError(
                f"Offer {cloud_id} is out of stock (stockStatus Unavailable): "
                "no pod was created; choose another offer"
            )
        return offer

    def select(self, filters: OfferFilter, *, multi_node: bool) -> list[WireGPUAvailability]:
        """The single-node (or multi-node) offers that match ``filters``, in order."""
        return [
            offer.availability
            for offer in self._offers.values()
            if offer.multi_node == multi_node and filters.matches(offer.availability)
        ]

    def select_disk_offers(self, filters: PlaceFilter) -> list[WireDiskAvailability]:
        """The disk offers that match ``filters``, in order."""
        return [offer for offer in self._disk_offers if filters.matches(offer)]

    def disk_offer_for(self, request: WireCreateDiskRequest) -> WireDiskAvailability:
        """The disk offer a create asks for: its provider's first that matches what it names.

        ``cloudId``, ``dataCenterId`` and ``country`` each narrow the choice when
        given. 422 when no offer matches (naming ``provider.type``, or ``disk`` when it
        names a place) or the size is outside the offer's range (``disk.size``): the
        document knows no 400, and its 422 is "invalid request data"; 409 when the
        offer is out of stock.
        """
        spec, provider = request.disk, request.provider.type
        wanted = PlaceFilter(data_center_id=spec.data_center_id, cloud_id=spec.cloud_id)
        offer = next(
            (
                offer
                for offer in self._disk_offers
                if offer.provider == provider
                and wanted.matches(offer)
                and spec.country in (None, offer.country)
            ),
            None,
        )
        if offer is None:
            asked = ", ".join(
                f"{key} {value}"
                for key, value in (
                    ("dataCenterId", spec.data_center_id),
                    ("cloudId", spec.cloud_id),
                    ("country", spec.country),
                )
                if value is not None
            )
            raise _invalid(
                "disk" if asked else "provider.type",
                f"No disk offer of provider {provider}"
                + (f" with {asked}" if asked else "")
                + ": choose one from GET /api/v1/availability/disks",
            )
        where = f"{provider} in {offer.data_center}"
        if offer.stock_status == "Unavailable":
            raise ConflictError(
                f"Disk offer of {where} is out of stock (stockStatus Unavailable): "
                "no disk was created; choose another offer"
            )
        low, high = offer.spec.min_count, offer.spec.max_count
        if not low <= spec.size <= high:
            raise _invalid(
                "disk.size",
                f"Size {spec.size} GB is outside the disk offer of {where}: {low} to {high} GB",
            )
        return offer

    def add(self, offer: WireGPUAvailability, *, multi_node: bool = False) -> WireGPUAvailability:
        """Add an offer after the others; 409 when its ``cloudId`` is taken."""
        if offer.cloud_id in self._offers:
            raise ConflictError(
                f"Offer {offer.cloud_id} already exists: "
                f"change it with PATCH /_emulator/offers/{offer.cloud_id}"
            )
        self._offers[offer.cloud_id] = Offer(offer, multi_node=multi_node)
        return offer

    def update(self, cloud_id: str, change: OfferUpdate) -> WireGPUAvailability:
        """Change an offer's stock and prices as ``change`` says; 404 when unknown.

        The offer is replaced, never changed in place, so what was served before stays as it was.
        """
        current = self._offers.get(cloud_id)
        if current is None:
            raise UnknownResourceError(f"Offer {cloud_id} not found")
        offer = current.availability
        if change.stock_status is not None:
            offer = offer.model_copy(update={"stock_status": change.stock_status})
        if change.prices is not None:
            prices = change.prices.model_dump(by_alias=False, exclude_none=True)
            offer = offer.model_copy(update={"prices": offer.prices.model_copy(update=prices)})
        self._offers[cloud_id] = replace(current, availability=offer)
        return offer


def _invalid(param: str, message: str) -> RequestInvalidError:
    """A create body the offers refuse, at ``param`` (a dotted path in the body)."""
    return RequestInvalidError(
        [ValidationIssue(loc=["body", *param.split(".")], msg=message, type="no_disk_offer")]
    )


class AvailabilityBackend(BackendCore):
    """The backend's offers: what the availability routes serve, and how tests change them."""

    _offers: Marketplace
    _disks: DiskStore  # the ``disks`` filter keeps offers where the disks are

    def _forget(self) -> None:
        super()._forget()
        self._offers = Marketplace.default()

    def add_offer(
        self, offer: WireGPUAvailability, *, multi_node: bool = False
    ) -> WireGPUAvailability:
        """Add an offer, served after the others; 409 when its ``cloudId`` is taken.

        ``multi_node`` serves it from ``/availability/multi-node`` instead of ``/gpus``.
        """
        with self._lock:
            return self._offers.add(offer, multi_node=multi_node)

    def update_offer(self, cloud_id: str, change: OfferUpdate) -> WireGPUAvailability:
        """Change an offer's stock and prices (each key given and not null); 404 when unknown.

        Pods already made keep their price.
        """
        with self._lock:
            return self._offers.update(cloud_id, change)

    def availability(
        self,
        *,
        multi_node: bool = False,
        gpu_type: GpuType | None = None,
        gpu_count: int | None = None,
        socket: Socket | None = None,
        security: Security | None = None,
        regions: Sequence[Region] = (),
        data_center_id: str | None = None,
        cloud_id: str | None = None,
        disks: Sequence[str] = (),
        page: int = 1,
        page_size: int = 100,
    ) -> AvailabilityPage:
        """One page of the single-node (or multi-node) offers that match every filter given.

        ``disks``: only offers in the data center of every one of these disks (none,
        when one is unknown or gone).
        """
        place = PlaceFilter(
            regions=tuple(regions), data_center_id=data_center_id, cloud_id=cloud_id
        )
        with self._lock:
            now = self._clock()
            filters = OfferFilter(
                place=place,
                gpu_type=gpu_type,
                gpu_count=gpu_count,
                socket=socket,
                security=security,
                disk_data_centers=[self._disks.data_center(d, now) for d in disks],
            )
            offers = self._offers.select(filters, multi_node=multi_node)
        start = (page - 1) * page_size
        return AvailabilityPage(items=offers[start : start + page_size], total_count=len(offers))

    def legacy_availability(
        self, *, multi_node: bool = False, **filters: Any
    ) -> dict[str, list[WireGPUAvailability]]:
        """One page of offers, as :meth:`availability` takes them, keyed by GPU type.

        The older shape of ``/availability/`` (single-node) and ``/availability/clusters``
        (multi-node).
        """
        grouped: dict[str, list[WireGPUAvailability]] = {}
        for offer in self.availability(multi_node=multi_node, **filters).items:
            grouped.setdefault(offer.gpu_type, []).append(offer)
        return grouped

    def summary(self, *, multi_node: bool = False) -> Summary:
        """The cheapest prices of the offers in stock, by GPU type and GPU count (a guess).

        Each price is the lowest among the group's offers that have one: ``onDemand``,
        ``communityPrice``, and ``spotPrice`` the lowest price of a spot offer. Offers
        out of stock are left out, and a group with none in stock with them.
        """
        with self._lock:
            offers = self._offers.select(OfferFilter(), multi_node=multi_node)
        groups: dict[str, dict[str, list[WireGPUAvailability]]] = {}
        for offer in offers:
            if offer.stock_status != "Unavailable":
                by_count = groups.setdefault(offer.gpu_type, {})
                by_count.setdefault(str(offer.gpu_count), []).append(offer)
        return {
            gpu_type: {
                count: InstanceCountPricing(cheapest=_cheapest(group))
                for count, group in by_count.items()
            }
            for gpu_type, by_count in groups.items()
        }

    def disk_availability(
        self,
        *,
        regions: Sequence[Region] = (),
        data_center_id: str | None = None,
        cloud_id: str | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> DiskOfferPage:
        """One page of the disk offers that match every filter given."""
        filters = PlaceFilter(
            regions=tuple(regions), data_center_id=data_center_id, cloud_id=cloud_id
        )
        with self._lock:
            offers = self._offers.select_disk_offers(filters)
        start = (page - 1) * page_size
        return DiskOfferPage(items=offers[start : start + page_size], total_count=len(offers))


def _cheapest(offers: Sequence[WireGPUAvailability]) -> WirePricingInfo:
    """The lowest price of each kind among ``offers``; None where none has one."""

    def lowest(prices: Iterable[float | None]) -> float | None:
        return min((price for price in prices if price is not None), default=None)

    return WirePricingInfo(
        on_demand=lowest(offer.prices.on_demand for offer in offers),
        community_price=lowest(offer.prices.community_price for offer in offers),
        spot_price=lowest(offer.price_hr for offer in offers if offer.is_spot),
    )
