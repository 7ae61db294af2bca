"""Which offer a pod is made from: the declared one, or the cheapest that matches its constraints.

A pod that declares ``cloud_id`` is made from that offer; if it declares
``max_price`` too, the offer's current price is checked first. A pod that
leaves ``cloud_id`` out is made from the cheapest in-stock offer that matches
everything it declares, and if that offer is refused as unavailable, from the
next (``creation.py`` posts them). Either way no offer above ``max_price`` is
chosen, and when nothing matches the error says, before anything is posted,
what the filters left out and what ``max_price`` would have to be, and names
the closest GPU type the API lists when the declared one is not among them.

Offers that span several nodes are listed apart (``/availability/multi-node``).
A pod chooses among one listing only, never both: the multi-node one when it
declares ``multi_node=True``, or when it leaves ``multi_node`` out and the API
lists no single-node offer of its GPU type and count (16 H100s, say). A
single-node pod is never swapped for a multi-node one because the single-node
offers are too dear or out of stock, nor the other way round.
"""

from __future__ import annotations

from prime_pulumi.client import GpuType, PrimeClient, UnprocessableEntityError
from prime_pulumi.client.enums import closest, is_known
from prime_pulumi.pod.errors import NoOfferError
from prime_pulumi.pod.inputs import PodInputs
from prime_pulumi.pod.offers import GpuOffer, OfferQuery, OfferSearch, search

#: How many matching offers a create posts to, at most, when each is refused as unavailable.
MAX_OFFERS_TRIED = 5

_WHY = {
    "price": "above max_price",
    "stock": "out of stock",
    "location": "outside the declared regions, data center or country",
    "kind": "of another socket, security or provider",
}


def query_of(spec: PodInputs, *, multi_node: bool = False) -> OfferQuery:
    """The offers a pod's declared constraints allow, in one listing."""
    return OfferQuery(
        gpu_type=spec.gpu_type,
        gpu_count=spec.gpu_count,
        socket=spec.socket,
        security=spec.security,
        regions=tuple(spec.regions or ()),
        data_center_id=spec.data_center_id,
        country=spec.country,
        provider_types=(spec.provider_type,) if spec.provider_type else (),
        max_price=spec.max_price,
        cloud_id=spec.cloud_id,
        disks=tuple(spec.disks or ()),
        multi_node=multi_node,
    )


def _listings(spec: PodInputs) -> tuple[bool, ...]:
    """Which listings a pod may be made from, in the order they are searched: single-node
    (``False``), multi-node (``True``)."""
    return (False, True) if spec.multi_node is None else (spec.multi_node,)


def offers_to_try(client: PrimeClient, spec: PodInputs, name: str) -> list[GpuOffer | None]:
    """The offers to post to, in order; ``[None]``: the declared offer, posted as declared.

    Raises :class:`NoOfferError` when nothing may be posted.
    """
    if spec.cloud_id is not None:
        return [_declared_offer(client, spec, name)]
    # Ask the API for every offer of the GPU, so that the error can count the rest; only
    # the API knows where the disks are, so their filter is always its.
    disks = tuple(spec.disks or ())
    for multi_node in _listings(spec):
        ask = OfferQuery(
            gpu_type=spec.gpu_type,
            gpu_count=spec.gpu_count,
            in_stock=False,
            disks=disks,
            multi_node=multi_node,
        )
        try:
            found = search(client, query_of(spec, multi_node=multi_node), ask=ask)
        except UnprocessableEntityError as error:
            # The document's filter takes only the GPU types it lists: a 422 for another one.
            unknown = _unknown_gpu_type(spec)
            if not unknown:
                raise
            message = f"Pod {name!r}: the API refuses to list offers of {spec.gpu_type}.{unknown}"
            raise NoOfferError(
                message + " Nothing was posted.", pod_name=name, pod_id=None
            ) from error
        if found.matches or found.excluded or _has_the_gpus(client, spec, ask):
            break  # this listing has the GPUs: the choice is made among its offers alone
    if not found.matches:
        raise NoOfferError(_nothing_matches(found, spec, name), pod_name=name, pod_id=None)
    return list(found.matches[:MAX_OFFERS_TRIED])


def _has_the_gpus(client: PrimeClient, spec: PodInputs, asked: OfferQuery) -> bool:
    """Whether a listing that had nothing where the disks are has the GPUs elsewhere: then a
    pod that leaves ``multi_node`` out stays in it (it never changes listing for its disks)."""
    if spec.multi_node is not None or not asked.disks:
        return False
    return bool(search(client, asked.model_copy(update={"disks": ()})).matches)


def _declared_offer(client: PrimeClient, spec: PodInputs, name: str) -> GpuOffer | None:
    """The declared offer, looked up when the create needs it: to check its price, or to
    fill in its socket and provider; ``None`` when it is posted as declared."""
    complete = spec.socket is not None and spec.provider_type is not None
    if complete and spec.max_price is None:
        return None
    listed: list[GpuOffer] = []
    for multi_node in _listings(spec):
        query = OfferQuery(cloud_id=spec.cloud_id, in_stock=False, multi_node=multi_node)
        listed = listed or search(client, query).matches
    if not listed:
        if complete:
            return None  # not listed now: the API decides, and max_price goes in the body
        raise NoOfferError(
            f"Pod {name!r}: offer {spec.cloud_id!r} is not listed, so its socket and provider "
            "are unknown: declare socket and provider_type, or another cloud_id. "
            "Nothing was posted.",
            pod_name=name,
            pod_id=None,
        )
    offer = listed[0]
    price = offer.price_hr
    if spec.max_price is not None and price is not None and price > spec.max_price:
        raise NoOfferError(
            f"Pod {name!r}: offer {offer.cloud_id!r} costs ${price:g}/h now, above max_price "
            f"${spec.max_price:g}/h: raise max_price to at least {price:g}, or leave cloud_id "
            "out to choose among offers. Nothing was posted.",
            pod_name=name,
            pod_id=None,
        )
    return offer


def _nothing_matches(found: OfferSearch, spec: PodInputs, name: str) -> str:
    wanted = f"{spec.gpu_count}x {spec.gpu_type}"
    if found.query.multi_node:
        both = spec.multi_node is None and not found.excluded  # neither listing has the GPUs
        wanted += " on one node or several" if both else " over several nodes"
    elif spec.multi_node is False:
        wanted += " on a single node"
    if spec.disks:
        wanted += f" in the data center of disks {', '.join(spec.disks)}"
    total = sum(found.excluded.values())
    if not total:
        unknown = _unknown_gpu_type(spec)
        return f"Pod {name!r}: the API lists no offer of {wanted}.{unknown} Nothing was posted."
    reasons = ", ".join(
        f"{count} {_WHY[reason]}" for reason, count in found.excluded.most_common() if count
    )
    message = (
        f"Pod {name!r}: no offer of {wanted} matches; the filters left out all {total}: {reasons}."
    )
    over = found.cheapest_over_price
    if over is not None and over.price_hr is not None:
        message += (
            f" The cheapest that matches all but max_price (${spec.max_price:g}/h) costs "
            f"${over.price_hr:g}/h ({over.cloud_id}): raise max_price to at least "
            f"{over.price_hr:g} to take it."
        )
    return message + " Nothing was posted."


def _unknown_gpu_type(spec: PodInputs) -> str:
    """A sentence naming the closest GPU type the API lists, when ``gpu_type`` is not one."""
    if is_known(spec.gpu_type, GpuType):
        return ""
    return (
        f" {spec.gpu_type!r} is not a GPU type the API lists; the closest is "
        f"{closest(spec.gpu_type, GpuType)!r}."
    )
