"""The offer lane of the fault campaign: pods declared by constraints while the marketplace moves.

A pod that leaves ``cloud_id`` out is made from the cheapest in-stock offer that
matches what it declares; an offer refused with a 409 passes the create to the
next, up to :data:`~prime_pulumi.pod.offer_choice.MAX_OFFERS_TRIED`. Each
schedule here is one ``pulumi up`` of a fleet of such pods, in a provider
process of its own:

- The emulator's catalogue of 1x H100_80GB (five offers, one out of stock) gets
  up to three more offers, at seeded prices, regions, tiers and stock.
- 3 to 8 pods declare ``gpu_type`` H100_80GB, ``gpu_count`` 1 and, some of
  them, ``max_price``, ``regions`` and ``security``. About one in four asks for
  16 GPUs instead, which no single-node offer has: it is made from a multi-node
  offer (two nodes of eight; the catalogue's, and now and then one more), whose
  stock and price move too. Their creates are sent
  within a few tenths of a second of each other, all in one provider process.
- At seeded moments while they run: the cheapest offers in stock go out of
  stock (a create against one is then answered 409) and some come back; prices
  rise above some pods' ``max_price`` (or fall); ``create_pod`` answers bursts of
  409, loses an answer after the pod was made (``drop_after``), drops a post it
  never acted on (``drop``), or answers slowly, which widens the gap between a
  pod's choice and its post; the availability route answers 5xx and 429.

Every change of an offer is recorded with the moments its call began and
ended (:class:`Market`), so that a create can be judged against every state
the marketplace may have been in while the create ran. Then the invariants:

(offer) a create that answers a pod answers one made from an offer of the
    catalogue that fitted its declaration (region, security) and, at some
    moment while it ran, was in stock at or under its ``max_price``; the pod
    bills at or under ``max_price``; an offer a progress message says was chosen
    fitted too, at the price it names;
(fail) a create that fails shows an error of ours, in one line, naming its pod,
    that says nothing is left billing (and then no pod of its name bills) or
    names what may bill (a post whose offer rose over ``max_price`` after the
    choice is refused with a 400, which ends the create: it is counted apart);
(none) a :class:`~prime_pulumi.NoOfferError` comes only when, at some moment of
    the create, no offer matched, or when every matching offer it lists was
    refused (as many as matched, up to the bound);
(nodes) a pod answered lists its nodes as the API does, in node order, every one
    with its SSH (ready on every node), and its ``ip`` is the first node's; a pod
    of 16 GPUs came of a multi-node offer of 16, never of a single-node one;

and the other lanes': no lost pod (every billing pod is tracked by exactly one
resource), no resource with two pods (never two pods of one name), destroying
what is tracked leaves nothing, the API key is never shown or logged. A failure
names the seed; ``CAMPAIGN_SEED=<seed>`` replays it (see tests/campaign).
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import grpc

from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.emulator import EmulatorBackend, EmulatorServer
from prime_pulumi.emulator.control import EmulatorControl
from prime_pulumi.pod.offer_choice import MAX_OFFERS_TRIED
from tests.kit.campaign import (
    InvariantError,
    billing_pods,
    pods_left,
    shown_kind,
)
from tests.kit.fake_engine import FakeEngine
from tests.kit.fleet import delete_fleet
from tests.kit.fleet_campaign import (
    ConcurrentCampaign,
    Schedule,
    lanes_of,
    shown_breaks,
    summary,
)
from tests.kit.harness import URN, ProviderProcess, error_text

GPU: dict[str, Any] = {"gpu_type": "H100_80GB", "gpu_count": 1}
#: A multi-node pod's GPUs: two nodes of eight, which no single-node offer has.
MULTI_NODE_GPUS = 16
MULTI_NODE_MAX_PRICES = (36.0, 38.5, 40.0, 45.0)
PROVISION_SECONDS = 0.3
DELETE_SECONDS = 0.1
#: Ample for every pod: provisioning plus every fault a schedule injects.
READY_TIMEOUT = 15.0
#: The longest a schedule's creates may take before the lane calls them hung.
SCHEDULE_TIMEOUT = 60.0
#: Creates are sent, and the marketplace moves, within this many seconds of the first.
SPREAD = 0.6
#: Shorter than the client's request timeout: a slow post is answered, late.
SLOW_POST = 0.25
REGIONS = {
    "united_states": "US",
    "canada": "CA",
    "eu_west": "NL",
    "eu_north": "FI",
    "eu_east": "RO",
}
SECURITY = ("secure_cloud", "community_cloud")
MAX_PRICES = (1.8, 1.9, 1.95, 2.0, 2.2, 2.3, 2.5, 3.0)
#: Providers of the published document (`ProviderType`): the emulator refuses others.
PROVIDERS = ("lambdalabs", "datacrunch", "fluidstack", "oblivus")
OUT_OF_STOCK = "Unavailable"
NO_CAPACITY = "no capacity left for this offer (emulated 409)"
#: What an error says when nothing it leaves bills, and when something may.
NOTHING_BILLS = ("nothing is left billing", "Nothing was posted")
MAY_BILL = ("may exist and bill", "may still bill", "a pod of that name that appears later")
NO_MATCH = "matches; the filters left out all"
ALL_REFUSED = re.compile(r"no matching offer could be had; tried (\d+): ")
#: The emulator's refusal of a post whose offer now costs more than its ``maxPrice``.
PRICE_ROSE = "at or below maxPrice"
CHOSE = re.compile(r"chose offer (\S+) .*at \$([0-9.]+)/h$")


@dataclass(frozen=True)
class OfferState:
    """What the constraints of a pod see of one offer at one moment."""

    region: str
    security: str
    provider: str
    price: float
    in_stock: bool
    gpu_count: int = 1

    @classmethod
    def of(cls, item: dict[str, Any]) -> OfferState:
        """The state of an availability item, priced as the emulator bills its tier."""
        prices = item["prices"]
        own, other = prices["communityPrice"], prices["onDemand"]
        if item["security"] == "secure_cloud":
            own, other = other, own
        return cls(
            region=item["region"],
            security=item["security"],
            provider=item["provider"],
            price=own if own is not None else other,
            in_stock=item["stockStatus"] != OUT_OF_STOCK,
            gpu_count=item["gpuCount"],
        )

    def __repr__(self) -> str:
        stock = "in stock" if self.in_stock else "out of stock"
        gpus = f"{self.gpu_count}x, " if self.gpu_count != 1 else ""
        return (
            f"<{gpus}{self.provider}, {self.region}, {self.security}, ${self.price:g}/h, {stock}>"
        )


@dataclass
class Market:
    """The offers of the GPU as each change the schedule made left them, and when it ran.

    Changes are made one at a time, so the marketplace goes through ``versions`` in
    order; change ``i`` (which made version ``i + 1``) ran within ``moments[i]``.
    """

    versions: list[dict[str, OfferState]]
    moments: list[tuple[float, float]] = field(default_factory=list)

    @classmethod
    def listed(cls, control: EmulatorControl) -> Market:
        """The offers of the GPU as the API lists them now: one GPU on one node, and 16 over
        several."""
        single = control.offers(**GPU)
        multi = control.offers(multi_node=True, gpu_type=GPU["gpu_type"], gpu_count=MULTI_NODE_GPUS)
        return cls([{o["cloudId"]: OfferState.of(o) for o in (*single, *multi)}])

    @property
    def now(self) -> dict[str, OfferState]:
        return self.versions[-1]

    def change(
        self,
        control: EmulatorControl,
        cloud_id: str,
        *,
        in_stock: bool | None = None,
        price: float | None = None,
    ) -> None:
        """Changes an offer's stock, or its tier's price, on the emulator; records when."""
        state = self.now[cloud_id]
        tier = "communityPrice" if state.security == "community_cloud" else "onDemand"
        stock = None if in_stock is None else ("Available" if in_stock else OUT_OF_STOCK)
        began = time.monotonic()
        item = control.set_offer(
            cloud_id, stock_status=stock, prices=None if price is None else {tier: price}
        )
        self.moments.append((began, time.monotonic()))
        self.versions.append({**self.now, cloud_id: OfferState.of(item)})

    def during(self, start: float, end: float) -> list[dict[str, OfferState]]:
        """Every version that may have been current at some moment in ``[start, end]``."""
        first = sum(1 for _, ended in self.moments if ended <= start)
        last = sum(1 for began, _ in self.moments if began < end)
        return self.versions[first : last + 1]

    def cheapest_in_stock(self, gpu_count: int = 1) -> list[str]:
        """The offers of ``gpu_count`` GPUs in stock now, cheapest first."""
        listed = [
            (s.price, cloud_id)
            for cloud_id, s in self.now.items()
            if s.in_stock and s.gpu_count == gpu_count
        ]
        return [cloud_id for _, cloud_id in sorted(listed)]


@dataclass(frozen=True)
class Declared:
    """A pod's declared constraints (beyond the GPU), and whether an offer's state meets them."""

    max_price: float | None = None
    regions: tuple[str, ...] = ()
    security: str | None = None
    gpu_count: int = 1

    def fits(self, state: OfferState) -> bool:
        """Whether the offer has the GPUs declared, where and of the tier declared, whatever
        its stock and price."""
        return (
            state.gpu_count == self.gpu_count
            and (not self.regions or state.region in self.regions)
            and (self.security is None or state.security == self.security)
        )

    def matches(self, state: OfferState) -> bool:
        return self.fits(state) and state.in_stock and self.affords(state.price)

    def affords(self, price: float) -> bool:
        return self.max_price is None or price <= self.max_price + 1e-9

    def inputs(self) -> dict[str, Any]:
        declared: dict[str, Any] = {"max_price": self.max_price, "security": self.security}
        declared["regions"] = list(self.regions) or None
        if self.gpu_count != GPU["gpu_count"]:
            declared["gpu_count"] = self.gpu_count
        return {k: v for k, v in declared.items() if v is not None}

    def kind(self) -> str:
        kind = "+".join(k for k in self.inputs() if k != "gpu_count") or "no constraint"
        return f"{kind}, {self.gpu_count} GPUs over several nodes" if self.spans_nodes else kind

    @property
    def spans_nodes(self) -> bool:
        """Whether the pod asks for more GPUs than a single-node offer has."""
        return self.gpu_count == MULTI_NODE_GPUS

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.inputs().items()) or "no constraint"


@dataclass
class OfferCreate:
    """One create of a schedule: what it declared, when it ran, what it answered."""

    resource: str
    name: str
    declared: Declared
    start: float = 0.0
    end: float = 0.0
    pod_id: str | None = None
    outs: dict[str, Any] = field(default_factory=dict)
    #: The last line of the error the user saw, if it raised.
    error: str = ""
    #: The offers its progress said it chose, with the price it named.
    chosen: list[tuple[str, float]] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """How the create ended, for the lane's counts."""
        if self.pod_id is not None:
            return "ready over several nodes" if self.declared.spans_nodes else "ready"
        if NO_MATCH in self.error:
            return "failed: NoOfferError, no offer matched"
        if ALL_REFUSED.search(self.error):
            return "failed: NoOfferError, every matching offer refused"
        if PRICE_ROSE in self.error:
            return "failed: PodError, the price rose over max_price before the post (400)"
        return f"failed: {shown_kind(self.error).rsplit('.', 1)[-1]}"


def create_breaks(create: OfferCreate, market: Market, pods: Sequence[dict[str, Any]]) -> list[str]:
    """The invariants one create broke (offer, fail, none, dup), each tagged for :func:`summary`.

    ``pods`` are every pod the emulator holds, terminated ones too.
    """
    name, declared = create.name, create.declared
    versions = market.during(create.start, create.end)
    made = [p for p in pods if p["name"] == name]
    broken = []
    if len(made) > 1:
        broken.append(
            f"(dup) the create of {name} made {len(made)} pods: {[p['id'] for p in made]}"
        )
    for cloud_id, price in create.chosen:
        seen = [v[cloud_id] for v in versions if cloud_id in v]
        if not any(
            declared.fits(s) and s.in_stock and math.isclose(s.price, price, rel_tol=1e-5)
            for s in seen
        ):
            broken.append(
                f"(offer) {name} ({declared}) said it chose {cloud_id} at ${price:g}/h, which "
                f"it was not, in stock and fitting, while the create ran: {seen}"
            )
        elif not declared.affords(price):
            broken.append(f"(offer) {name} chose {cloud_id} at ${price:g}/h, over {declared}")
    if create.pod_id is not None:
        return broken + _answer_breaks(create, versions, made)
    if any(word in create.error for word in NOTHING_BILLS):
        billing = [p["id"] for p in made if p["status"] not in ("DELETING", "TERMINATED")]
        if billing:
            broken.append(f"(fail) {name} said nothing bills, yet {billing} do: {create.error}")
    elif not any(word in create.error for word in MAY_BILL):
        broken.append(f"(fail) the error of {name} says not what bills: {create.error}")
    return broken + _no_offer_breaks(create, versions)


def _answer_breaks(
    create: OfferCreate, versions: Sequence[dict[str, OfferState]], made: Sequence[dict[str, Any]]
) -> list[str]:
    """(offer): the pod answered came of an offer that matched while the create ran."""
    name, declared, outs = create.name, create.declared, create.outs
    pod = next((p for p in made if p["id"] == create.pod_id), None)
    if pod is None:
        return [f"(offer) the create of {name} answered pod {create.pod_id}, not one it made"]
    cloud_id = outs.get("cloud_id")
    seen = [v[cloud_id] for v in versions if cloud_id in v]
    broken = []
    if not seen:
        broken.append(f"(offer) {name} answered a pod of {cloud_id!r}, no offer of the GPU")
    elif not any(declared.matches(s) for s in seen):
        broken.append(
            f"(offer) {name} ({declared}) was made from {cloud_id}, which never matched while "
            f"its create ran: {seen}"
        )
    elif (
        pod["providerType"] != seen[0].provider or outs.get("provider_type") != pod["providerType"]
    ):
        broken.append(f"(offer) {name} answered {cloud_id} for a pod of {pod['providerType']}")
    if not declared.affords(pod["priceHr"]):
        broken.append(f"(offer) {name} bills ${pod['priceHr']}/h, over {declared}")
    return broken + _node_breaks(create, pod)


def _node_breaks(create: OfferCreate, pod: dict[str, Any]) -> list[str]:
    """(nodes): the nodes answered are the pod's, in node order, each with its SSH."""
    ips = pod["ip"] if isinstance(pod["ip"], list) else [pod["ip"]]
    ssh = pod["sshConnection"] if isinstance(pod["sshConnection"], list) else [pod["sshConnection"]]
    nodes = create.outs.get("nodes") or []
    answered = [(node.get("ip"), node.get("ssh_connection")) for node in nodes]
    broken = []
    if answered != list(zip(ips, ssh, strict=True)):
        broken.append(f"(nodes) {create.name} answered nodes {answered}, the API lists {ips}")
    if not answered or any(None in node for node in answered):
        broken.append(f"(nodes) {create.name} answered ready with a node not ready: {answered}")
    elif (create.outs.get("ip"), create.outs.get("ssh_connection")) != answered[0]:
        broken.append(f"(nodes) {create.name}'s ip and ssh_connection are not its first node's")
    if create.declared.spans_nodes != (len(answered) > 1):
        broken.append(f"(nodes) {create.name} ({create.declared}) has {len(answered)} nodes")
    return broken


def _no_offer_breaks(create: OfferCreate, versions: Sequence[dict[str, OfferState]]) -> list[str]:
    """(none): no offer matched at some moment, or every one that matched was refused."""
    declared, error = create.declared, create.error

    def matching(version: dict[str, OfferState]) -> set[str]:
        return {cloud_id for cloud_id, state in version.items() if declared.matches(state)}

    refused = ALL_REFUSED.search(error)
    if NO_MATCH in error and all(matching(v) for v in versions):
        return [f"(none) {create.name} found no offer, yet one matched throughout: {error}"]
    if refused is None:
        return []
    tried = int(refused.group(1))
    listed = {cloud_id for v in versions for cloud_id in v if f"{cloud_id} (" in error}
    if not any(
        listed <= matching(v) and min(len(matching(v)), MAX_OFFERS_TRIED) == tried for v in versions
    ):
        return [
            f"(none) {create.name} tried {tried} offers, not every one that matched "
            f"({[sorted(matching(v)) for v in versions]}): {error}"
        ]
    return []


class OfferCampaign(ConcurrentCampaign):
    """Runs offer schedules against one emulator, each in a provider process of its own.

    A concurrent lane (the same emulator, fake engine and records) with schedules of its own.
    """

    label = "offer lane"
    tally_name = "offer fault campaign"

    def schedule(self, seed: int) -> Schedule:
        return _Schedule(self, seed)


class _Schedule:
    """One seeded ``pulumi up`` of constraint pods while the marketplace moves."""

    def __init__(self, lane: OfferCampaign, seed: int) -> None:
        self.lane = lane
        self.seed = seed
        self.rng = random.Random(seed)
        self.control = lane.control
        self.tally = lane.tally
        self.creates: list[OfferCreate] = []
        self.tracked: dict[str, tuple[str, dict[str, Any]]] = {}  # resource -> (pod id, outs)
        self.broken: list[str] = []
        self.lock = threading.Lock()
        self.provider: ProviderProcess
        self.market: Market

    def run(self) -> None:
        self.control.reset()
        self.control.set_timing(provision_seconds=PROVISION_SECONDS, delete_seconds=DELETE_SECONDS)
        self._more_offers()
        self.market = Market.listed(self.control)
        with self.lane.provider_process() as self.provider:
            inputs = self._declare()
            self._up(inputs, self._moves(len(inputs)))
            self.control.clear_faults()
            self._judge()
            self._destroy()
        self.tally.schedules += 1

    # ------------------------------------------------------------ the marketplace and the pods

    def _more_offers(self) -> None:
        """Up to three more offers of the GPU, so that five refusals need not exhaust them."""
        template = self.control.offers(**GPU)[0]
        for index in range(self.rng.randint(0, 3)):
            region = self.rng.choice(sorted(REGIONS))
            provider = self.rng.choice(PROVIDERS)
            price = round(self.rng.uniform(1.7, 2.6), 2)
            self.control.add_offer(
                {
                    **template,
                    "cloudId": f"{provider}-h100-pcie-1x-extra{index}",
                    "provider": provider,
                    "dataCenter": f"{region.upper()}-X{index}",
                    "country": REGIONS[region],
                    "region": region,
                    "security": self.rng.choice(SECURITY),
                    "stockStatus": self.rng.choice(("Available", "Low", "High", OUT_OF_STOCK)),
                    "prices": {**template["prices"], "onDemand": price, "communityPrice": price},
                }
            )
            self.tally.faults["more offers in the catalogue"] += 1
        if self.rng.random() < 0.3:
            self._another_multi_node_offer()

    def _another_multi_node_offer(self) -> None:
        """One more offer of 16 GPUs over two nodes, beside the catalogue's, at a seeded price."""
        wanted = {"gpu_type": GPU["gpu_type"], "gpu_count": MULTI_NODE_GPUS}
        template = self.control.offers(multi_node=True, **wanted)[0]
        price = round(self.rng.uniform(35.0, 42.0), 2)
        self.control.add_offer(
            {
                **template,
                "cloudId": "fluidstack-h100-sxm5-16x-extra",
                "provider": "fluidstack",
                "prices": {**template["prices"], "onDemand": price},
            },
            multi_node=True,
        )
        self.tally.faults["another multi-node offer"] += 1

    def _declare(self) -> list[tuple[float, OfferCreate, dict[str, Any]]]:
        """The pods: when each create is sent, its record and its checked inputs."""
        rng = self.rng
        fleet = []
        for i in range(rng.randint(3, 8)):
            multi = rng.random() < 0.25
            declared = Declared(
                max_price=rng.choice(MULTI_NODE_MAX_PRICES if multi else MAX_PRICES)
                if rng.random() < 0.6
                else None,
                regions=tuple(rng.sample(sorted(REGIONS), rng.randint(1, 3)))
                if rng.random() < 0.4
                else (),
                security=rng.choice(SECURITY) if rng.random() < 0.3 else None,
                gpu_count=MULTI_NODE_GPUS if multi else GPU["gpu_count"],
            )
            news = {
                **GPU,
                **declared.inputs(),
                "auto_name_seed": f"offer/{self.seed}/n{i}",
                "ready_timeout": READY_TIMEOUT,
                URN_KEY: URN.format(name=f"n{i}"),  # as a program hands it over
            }
            inputs, failures = self.provider.check(news)
            if failures:
                raise InvariantError(f"valid inputs failed check: {failures}")
            self.tally.fates[f"declared {declared.kind()}"] += 1
            create = OfferCreate(f"n{i}", inputs["name"], declared)
            self.creates.append(create)
            fleet.append((rng.uniform(0.0, SPREAD / 2), create, inputs))
        return fleet

    def _moves(self, creates: int) -> list[tuple[float, Callable[[], None]]]:
        """The marketplace's moves and the API's faults, each at a seeded moment."""
        rng = self.rng
        moves: list[tuple[str, Callable[[], None]]] = []

        def fault(label: str, route: str, action: str, **fields: Any) -> None:
            moves.append((label, partial(self.control.fault, route, action, **fields)))

        for _ in range(rng.randint(0, 2)):
            sell_out = partial(self._sell_out, rng.randint(1, 2))
            moves.append(("the cheapest offers out of stock", sell_out))
        if rng.random() < 0.3:
            moves.append(("an offer back in stock", self._restock))
        for _ in range(rng.randint(0, 2)):
            moves.append(("a price change", partial(self._reprice, rng.random(), rng.random())))
        if any(create.declared.spans_nodes for create in self.creates):
            if rng.random() < 0.3:
                moves.append(("a multi-node offer out of stock", self._sell_out_multi_node))
            if rng.random() < 0.5:
                reprice = partial(self._reprice, rng.random(), rng.random(), MULTI_NODE_GPUS)
                moves.append(("a multi-node offer's price change", reprice))
        if rng.random() < 0.6:
            times = rng.randint(1, MAX_OFFERS_TRIED + 1)  # one more than a create tries
            fault(
                "409 burst on create_pod",
                "create_pod",
                "status",
                status=409,
                detail=NO_CAPACITY,
                times=times,
            )
        if rng.random() < 0.35:
            fault("lost create answer (drop_after)", "create_pod", "drop_after")
        if rng.random() < 0.15:
            fault("dropped post (drop)", "create_pod", "drop")
        if rng.random() < 0.5:
            # A slow post widens the gap between a create's choice and its post.
            times = rng.randint(1, creates)
            fault("slow post", "create_pod", "delay", delay=SLOW_POST, times=times)
        if rng.random() < 0.5:
            status = rng.choice((429, 500, 502, 503))
            retry = {"retry_after": 0.05} if status == 429 and rng.random() < 0.5 else {}
            # Six failures in a row use up a listing's attempts: that create fails.
            times = rng.randint(1, 8)
            fault(
                f"{status} on gpu_availability",
                "gpu_availability",
                "status",
                status=status,
                times=times,
                **retry,
            )
        timed = [(rng.uniform(0.0, SPREAD), self._counted(label, move)) for label, move in moves]
        return sorted(timed, key=lambda pair: pair[0])

    def _counted(self, label: str, move: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            move()
            self.tally.faults[label] += 1

        return run

    def _sell_out(self, count: int) -> None:
        for cloud_id in self.market.cheapest_in_stock()[:count]:
            self.market.change(self.control, cloud_id, in_stock=False)

    def _sell_out_multi_node(self) -> None:
        for cloud_id in self.market.cheapest_in_stock(MULTI_NODE_GPUS)[:1]:
            self.market.change(self.control, cloud_id, in_stock=False)

    def _restock(self) -> None:
        gone = sorted(c for c, s in self.market.now.items() if not s.in_stock)
        if gone:
            self.market.change(self.control, gone[0], in_stock=True)

    def _reprice(self, which: float, how: float, gpu_count: int = 1) -> None:
        """Raises a cheap offer of ``gpu_count`` GPUs just over a max_price some pod of as many
        declares; now and then cuts one."""
        offers = self.market.cheapest_in_stock(gpu_count) or sorted(
            c for c, state in self.market.now.items() if state.gpu_count == gpu_count
        )
        cloud_id = offers[int(which * min(len(offers), 3))]
        ceilings = [
            c.declared.max_price
            for c in self.creates
            if c.declared.max_price and c.declared.gpu_count == gpu_count
        ]
        if how < 0.2 or not ceilings:
            price = round(self.market.now[cloud_id].price * 0.9, 2)
        else:
            price = round(ceilings[int(how * len(ceilings))] + 0.05, 2)
        self.market.change(self.control, cloud_id, price=price)

    # ------------------------------------------------------------ the run

    def _up(
        self,
        fleet: list[tuple[float, OfferCreate, dict[str, Any]]],
        moves: list[tuple[float, Callable[[], None]]],
    ) -> None:
        """Sends each create and makes each move at its moment; waits for the creates."""
        timeline: list[tuple[float, Callable[[], None], bool]] = [
            *((at, partial(self._create, c, i), True) for at, c, i in fleet),
            *((at, move, False) for at, move in moves),
        ]
        timeline.sort(key=lambda event: event[0])
        with ThreadPoolExecutor(max_workers=len(fleet)) as pool:
            started = time.monotonic()
            futures = []
            for at, action, is_create in timeline:
                time.sleep(max(0.0, started + at - time.monotonic()))
                if is_create:
                    self.tally.operations["create"] += 1
                    futures.append(pool.submit(action))
                else:
                    action()
            _, hung = wait(futures, timeout=SCHEDULE_TIMEOUT)
            if hung:
                self.broken.append(f"(hang) creates still running after {SCHEDULE_TIMEOUT:g} s")
                self.provider.process.kill()  # ends the calls under way: they fail
                wait(hung, timeout=30)
            for done in futures:
                done.result()

    def _create(self, create: OfferCreate, inputs: dict[str, Any]) -> None:
        create.start = time.monotonic()
        try:
            pod_id, outs = self.provider.create(inputs, name=create.resource)
        except grpc.RpcError as error:
            create.end = time.monotonic()
            create.error = self._shown(error, create.name)
            return
        create.end = time.monotonic()
        create.pod_id, create.outs = pod_id, outs
        with self.lock:
            self.tracked[create.resource] = (pod_id, outs)

    def _shown(self, error: grpc.RpcError, *labels: str) -> str:
        """Checks an error as the user sees it; answers its last line."""
        text = error_text(error)
        lines = text.strip().splitlines()
        with self.lock:
            self.lane.shown.append(text)
            self.tally.errors[shown_kind(text).rsplit(".", 1)[-1]] += 1
            broken = shown_breaks(text, labels, self.lane.api_key)
            if broken is not None:
                self.broken.append(broken)
        return lines[-1] if lines else ""

    # ------------------------------------------------------------ checks

    def _judge(self) -> None:
        """Each create (offer, fail, none, dup), then the state: every billing pod tracked once."""
        pods = self.control.pods()
        self.tally.operations["posts (create_pod requests)"] += self.control.counts()["create_pod"]
        for create in self.creates:
            for message in self.lane.engine.messages(URN.format(name=create.resource)):
                chose = CHOSE.search(message)
                if chose:
                    create.chosen.append((chose.group(1), float(chose.group(2))))
                if self.lane.api_key in message:
                    self.broken.append("(key) progress shows the API key")
            self.tally.outcomes[create.verdict] += 1
            self.broken.extend(create_breaks(create, self.market, pods))
        ids = [pod_id for pod_id, _ in self.tracked.values()]
        if len(set(ids)) != len(ids):
            self.broken.append(f"(dup) two resources own one pod: {sorted(ids)}")
        untracked = {i: n for i, n in billing_pods(self.control).items() if i not in ids}
        if untracked:
            self.broken.append(f"(leak) pods billing that no resource tracks: {untracked}")
        self._raise_if_broken()

    def _destroy(self) -> None:
        """``pulumi destroy``: every tracked pod at once; nothing may be left."""
        pods = list(self.tracked.values())
        self.tally.operations["delete"] += len(pods)
        try:
            delete_fleet(self.provider, pods)
        except grpc.RpcError as error:
            self.broken.append(f"(destroy) a delete failed without faults: {error_text(error)}")
        left = pods_left(self.control, DELETE_SECONDS)
        if left:
            self.broken.append(f"(destroy) destroy left pods billing: {left}")
        self._raise_if_broken()

    def _raise_if_broken(self) -> None:
        if self.broken:
            raise InvariantError(summary(self.broken))


def start_offer_lane(stack: ExitStack, workdir: Path, api_key: str) -> OfferCampaign:
    """An offer lane on an emulator and a fake engine of its own, closed by ``stack``."""
    backend = EmulatorBackend(api_keys=[api_key], provision_seconds=PROVISION_SECONDS)
    server = stack.enter_context(EmulatorServer(backend))
    engine = stack.enter_context(FakeEngine())
    lane = OfferCampaign(server.base_url, api_key, workdir, engine)
    stack.callback(lane.close)
    return lane


def offer_lanes(stack: ExitStack, workdir: Path, api_key: str, count: int) -> list[OfferCampaign]:
    """``count`` offer lanes, each with a work folder of its own under ``workdir``."""
    return lanes_of(start_offer_lane, stack, workdir, api_key, count=count, folder="offers")
