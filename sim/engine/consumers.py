"""The consumer population: numpy arrays, one vectorised update per day.

A consumer belongs to a segment (market x region x age band x fleet decision-maker) that
decides what media reaches them, and has an individual interest (gamma heterogeneity), a
device preference and an in-market state. Each day every in-market consumer acts with
probability ``1 - exp(-lambda)``, where

    lambda = interest x sum_j component_j(segment, day)

and the components are baseline demand (moved by BEV share and confidence), awareness-driven
organic demand, fleet demand and each channel's media response (damped by competitors' share
of voice). An acting consumer arrives one way (a website channel, a lead form, a dealer
walk-in, a phone or fleet enquiry), drawn in proportion to component x arrival share, so the
arrival remembers which component (origin) caused it.

Every uniform is keyed by (day, purpose) and indexed by consumer (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.transforms import awareness
from sim.world.config import World
from sim.world.streams import Stream, Streams
from sim.world.vocabulary import ARRIVALS, DEALER_ARRIVALS


@dataclass
class Population:
    market: np.ndarray      # int index into markets
    segment: np.ndarray     # int index into segments
    interest: np.ndarray
    device: np.ndarray      # int index into devices
    in_market: np.ndarray   # bool
    visited: np.ndarray     # bool: has had a website session
    segments: pd.DataFrame  # market, region, age, fleet, pop_share, region_share
    markets: tuple[str, ...]
    devices: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.market)

    def region_of(self, idx: np.ndarray) -> np.ndarray:
        return self.segments["region"].to_numpy()[self.segment[idx]]


def _segments(world: World) -> pd.DataFrame:
    cons = world.consumers
    rows = []
    fleet_share = cons.fleet_decision_maker_share
    for market, mc in world.markets.items():
        reg_total = sum(mc.regions.values())
        for region, rw in mc.regions.items():
            for age, aw in cons.age_bands.items():
                for fleet, fw in (("yes", fleet_share), ("no", 1 - fleet_share)):
                    rows.append({"market": market, "region": region, "age": age, "fleet": fleet,
                                 "pop_share": mc.population_share * rw / reg_total * aw * fw,
                                 "region_share": rw / reg_total})
    seg = pd.DataFrame(rows)
    return seg


def build_population(world: World, streams: Streams) -> Population:
    """Draw the consumers once; the population is identical in every scenario with the same seed."""
    rng = streams.generator(Stream.POPULATION)
    seg = _segments(world)
    n = world.run.population
    p = seg["pop_share"].to_numpy()
    segment = rng.choice(len(seg), size=n, p=p / p.sum())
    segment.sort()  # group consumers by segment; keeps arrays cache-friendly
    markets = tuple(world.markets)
    market = seg["market"].map({m: i for i, m in enumerate(markets)}).to_numpy()[segment]
    k = world.consumers.interest_shape
    interest = rng.gamma(k, 1.0 / k, size=n)
    devices = tuple(world.consumers.device)
    dp = np.array(list(world.consumers.device.values()))
    device = rng.choice(len(devices), size=n, p=dp / dp.sum())
    in_market = rng.random(n) < world.consumers.in_market_share
    return Population(market, segment, interest, device, in_market, np.zeros(n, bool), seg, markets, devices)


@dataclass
class Components:
    """Daily action intensity per (segment, origin, day), a fixed envelope per (segment, origin)
    and each origin's arrival shares."""

    origins: tuple[str, ...]            # "baseline", "awareness", "fleet", then channels
    intensity: np.ndarray               # segments x origins x days
    bound: np.ndarray                   # segments x origins: intensity never exceeds it, whatever the spend
    arrival: np.ndarray                 # origins x ARRIVALS


def _arrival_row(shares: dict[str, float]) -> np.ndarray:
    row = np.zeros(len(ARRIVALS))
    for key, share in shares.items():
        if key not in ARRIVALS:
            raise ValueError(f"unknown arrival {key!r}; expected one of {', '.join(ARRIVALS)}")
        row[ARRIVALS.index(key)] = share
    return row


def build_components(world: World, seg: pd.DataFrame, response: np.ndarray, awareness_in: np.ndarray,
                     demand: np.ndarray, sov: np.ndarray, channels: list[str]) -> Components:
    """Assemble the intensities. demand and sov are (days, markets) arrays."""
    cons = world.consumers
    markets = list(world.markets)
    mi = seg["market"].map({m: i for i, m in enumerate(markets)}).to_numpy()
    n_days = response.shape[-1]
    fleet = (seg["fleet"] == "yes").to_numpy()[:, None]
    base = cons.baseline_intensity["general"] * demand.T[mi]                      # segments x days
    aware = cons.awareness_effect * awareness(awareness_in, cons.awareness_decay, cons.awareness_scale,
                                              cons.initial_awareness)
    fleet_base = cons.baseline_intensity["fleet"] * fleet * demand.T[mi]
    damp = 1 - cons.competitor_sov_dampening * sov.T[mi]                          # segments x days
    media = response * damp[None]
    intensity = np.concatenate([base[:, None], aware[:, None], np.broadcast_to(fleet_base, (len(seg), n_days))[:, None],
                                np.moveaxis(media, 0, 1)], axis=1)
    arrival = np.stack([_arrival_row(cons.baseline_arrival), _arrival_row(cons.baseline_arrival),
                        _arrival_row({"fleet_enquiry": 1.0})] +
                       [_arrival_row(world.media.channels[c].response.arrival) for c in channels])
    # The envelope depends on the world but not on its spend (Hill <= 1, damping <= 1,
    # awareness <= 1), so a plan and its counterfactuals share it exactly.
    peak_demand = demand.max(axis=0)[mi]
    effects = np.array([[world.media.channels[c].response.effect if m in world.media.channels[c].markets else 0.0
                         for c in channels] for m in seg["market"]])
    bound = np.column_stack([cons.baseline_intensity["general"] * peak_demand,
                             np.full(len(seg), cons.awareness_effect),
                             cons.baseline_intensity["fleet"] * fleet[:, 0] * peak_demand, effects])
    return Components(("baseline", "awareness", "fleet", *channels), intensity, bound, arrival)


@dataclass
class Actions:
    """Who acted today, how they arrived and which component caused it."""

    consumer: np.ndarray
    arrival: np.ndarray   # index into ARRIVALS
    origin: np.ndarray    # index into Components.origins


@dataclass
class DayUniforms:
    """A day's consumer-indexed uniforms, each array from its own stream keyed by (purpose, day)."""

    in_market: np.ndarray   # ("in_market", day): entering and leaving the market
    act: np.ndarray         # ("act", day), 4 x consumers: candidate, slot point, arrival, day of the week
    session: np.ndarray     # ("session", day), 7 x consumers, float32: device, website session, paid click taken


def day_uniforms(streams: Streams, n: int, day: int) -> DayUniforms:
    """Draw one day's uniforms. They depend on nothing the simulation did, so they can be drawn
    ahead of the day (on another thread) without changing a single value."""
    return DayUniforms(streams.uniform(n, Stream.IN_MARKET, day),
                       streams.generator(Stream.ACT, day).random((4, n)),
                       streams.generator(Stream.SESSION, day).random((7, n), dtype=np.float32))


def update_in_market(pop: Population, world: World, u: np.ndarray) -> None:
    """Consumers drift in and out of the market (``u``: the day's in_market uniforms)."""
    cons = world.consumers
    enter = ~pop.in_market & (u < cons.in_market_entry)
    leave = pop.in_market & (u < cons.in_market_exit)
    pop.in_market = (pop.in_market | enter) & ~leave


class ActionDrawer:
    """Who acts today, how, and because of what: thinning with reserved slots.

    Each segment's envelope M = sum_j bound_j is cut into one fixed slot per origin j. A
    consumer is a candidate with probability 1 - exp(-interest x M); the candidate's second
    uniform lands at a point of the envelope, inside origin j's slot, and the consumer acts
    (because of j) if the point lies within j's intensity today. P(act because of j) is
    (1 - exp(-interest M)) lambda_j / M. Because the slots do not move with spend, removing
    a channel removes exactly the actions in its slot and leaves every other consumer's day as
    it was: the coupling behind the truth's common random numbers.

    The envelope, the slots and each consumer's candidate probability do not change during
    the year, so they are computed once here rather than every day.
    """

    def __init__(self, pop: Population, comp: Components, weekday_activity: dict[str, list[float]]):
        self.pop, self.comp = pop, comp
        self.env = comp.bound.sum(axis=1)                                  # S
        self.cum = np.cumsum(comp.bound, axis=1)                           # S x J
        self.p_candidate = -np.expm1(-pop.interest * self.env[pop.segment])  # while in market
        self.arr_cum = np.cumsum(comp.arrival, axis=1)
        self.dealer_arrivals = [ARRIVALS.index(x) for x in DEALER_ARRIVALS]
        # P(an action of this arrival is kept on this day of the week): the weekday shapes, peak 1
        at_dealer = np.isin(np.arange(len(ARRIVALS)), self.dealer_arrivals)
        shape = {k: np.asarray(w, dtype=float) / max(w) for k, w in weekday_activity.items()}
        self.weekday_keep = np.where(at_dealer[:, None], shape["showroom"][None], shape["web"][None])  # A x 7

    def draw(self, u: np.ndarray, day: int, dealer_open: np.ndarray, weekday: int) -> Actions:
        """Today's actions from the day's ``act`` uniforms ``u`` (4 x consumers)."""
        pop, comp = self.pop, self.comp
        cand = np.flatnonzero((u[0] < self.p_candidate) & pop.in_market)
        seg = pop.segment[cand]
        point = u[1, cand] * self.env[seg]
        j = np.minimum((self.cum[seg] <= point[:, None]).sum(axis=1), comp.bound.shape[1] - 1)
        offset = point - (self.cum[seg, j] - comp.bound[seg, j])
        acts = offset < comp.intensity[seg, j, day]
        cand, j = cand[acts], j[acts]
        a = np.minimum((self.arr_cum[j] <= u[2, cand][:, None]).sum(axis=1), len(ARRIVALS) - 1)
        at_dealer = np.isin(a, self.dealer_arrivals)
        open_ = dealer_open[pop.market[cand]]
        keep = ~at_dealer | open_                                        # nobody walks into a closed showroom
        keep &= u[3, cand] < self.weekday_keep[a, weekday]               # the day of the week's shape
        return Actions(cand[keep], a[keep], j[keep])
