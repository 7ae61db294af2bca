"""The offers one backend holds: which match an availability query, and how tests change them.

A :class:`Marketplace` starts as the default catalogue
(:func:`~prime_pulumi.emulator.catalogue.default_offers`); tests add offers and
change their stock and prices through the control API, and a reset gives the
backend a fresh one. It holds no lock of its own: the backend calls it under its lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from prime_pulumi.emulator.catalogue import Offer, default_offers
from prime_pulumi.emulator.errors import ConflictError, UnknownResourceError
from prime_pulumi.emulator.schemas import (
    OfferUpdate,
    Region,
    Security,
    Socket,
    WireGPUAvailability,
)


@dataclass(frozen=True)
class OfferFilter:
    """What an availability query asks for: an offer matches when it meets every filter set.

    ``None`` (or no regions) matches anything. Values are compared exactly, so an
    unknown GPU type or data center matches nothing. The API's ``disks`` filter is
    not here: the emulator has no disks, so no offer is ever ruled out by them.
    """

    gpu_type: str | None = None
    gpu_count: int | None = None
    socket: Socket | None = None
    security: Security | None = None
    regions: Sequence[Region] = ()
    data_center_id: str | None = None
    cloud_id: str | None = None

    def matches(self, offer: WireGPUAvailability) -> bool:
        """Whether ``offer`` meets every filter that is set."""
        wanted: list[tuple[object, object]] = [
            (self.gpu_type, offer.gpu_type),
            (self.gpu_count, offer.gpu_count),
            (self.socket, offer.socket),
            (self.security, offer.security),
            (self.data_center_id, offer.data_center),
            (self.cloud_id, offer.cloud_id),
        ]
        return all(value is None or value == actual for value, actual in wanted) and (
            not self.regions or offer.region in self.regions
        )


class Marketplace:
    """The offers of one backend, in the order they are served: the catalogue's, then added ones.

    ``cloudId`` is unique across single- and multi-node offers.
    """

    def __init__(self, offers: Iterable[Offer]) -> None:
        self._offers = {offer.availability.cloud_id: offer for offer in offers}

    @classmethod
    def default(cls) -> Marketplace:
        """A fresh copy of the default catalogue."""
        return cls(default_offers())

    def find(self, cloud_id: str) -> WireGPUAvailability | None:
        """The offer with this ``cloudId``, single- or multi-node, if there is one."""
        offer = self._offers.get(cloud_id)
        return offer.availability if offer else None

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
