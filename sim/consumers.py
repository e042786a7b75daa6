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

from sim.config import World
from sim.rng import Streams

WEB_CHANNELS = ("organic_search", "paid_search", "social_paid", "social_organic", "direct",
                "display", "email", "referral", "video")
LEAD_ARRIVALS = ("meta_lead_form", "google_lead", "linkedin_lead", "dealer_walk_in", "phone_enquiry",
                 "fleet_enquiry")
ARRIVALS = WEB_CHANNELS + LEAD_ARRIVALS
DEALER_ARRIVALS = ("dealer_walk_in", "phone_enquiry")


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
    rng = streams.generator("population")
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
    """Daily action intensity per (segment, origin, day) and each origin's arrival shares."""

    origins: tuple[str, ...]            # "baseline", "awareness", "fleet", then channels
    intensity: np.ndarray               # segments x origins x days
    arrival: np.ndarray                 # origins x ARRIVALS

    def segment_day(self, day: int) -> np.ndarray:
        """segments x origins x arrivals intensity on one day."""
        return self.intensity[:, :, day][:, :, None] * self.arrival[None, :, :]


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
    aware = cons.awareness_effect * (1 - np.exp(-_awareness(awareness_in, cons.awareness_decay) / cons.awareness_scale))
    fleet_base = cons.baseline_intensity["fleet"] * fleet * demand.T[mi]
    damp = 1 - cons.competitor_sov_dampening * sov.T[mi]                          # segments x days
    media = response * damp[None]
    intensity = np.concatenate([base[:, None], aware[:, None], np.broadcast_to(fleet_base, (len(seg), n_days))[:, None],
                                np.moveaxis(media, 0, 1)], axis=1)
    arrival = np.stack([_arrival_row(cons.baseline_arrival), _arrival_row(cons.baseline_arrival),
                        _arrival_row({"fleet_enquiry": 1.0})] +
                       [_arrival_row(world.media.channels[c].response.arrival) for c in channels])
    return Components(("baseline", "awareness", "fleet", *channels), intensity, arrival)


def _awareness(inflow: np.ndarray, decay: float) -> np.ndarray:
    from sim.response import geometric_adstock

    return geometric_adstock(inflow, decay)


@dataclass
class Actions:
    """Who acted today, how they arrived and which component caused it."""

    consumer: np.ndarray
    arrival: np.ndarray   # index into ARRIVALS
    origin: np.ndarray    # index into Components.origins


def update_in_market(pop: Population, world: World, streams: Streams, day: int) -> None:
    u = streams.uniform(pop.size, "in_market", day)
    cons = world.consumers
    enter = ~pop.in_market & (u < cons.in_market_entry)
    leave = pop.in_market & (u < cons.in_market_exit)
    pop.in_market = (pop.in_market | enter) & ~leave


def draw_actions(pop: Population, comp: Components, streams: Streams, day: int,
                 dealer_open: np.ndarray) -> Actions:
    """One vectorised draw: who acts today, and how. dealer_open: bool per market."""
    w = comp.segment_day(day)                                  # S x J x A
    dealer_cols = [ARRIVALS.index(a) for a in DEALER_ARRIVALS]
    seg_market = pop.segments["market"].map({m: i for i, m in enumerate(pop.markets)}).to_numpy()
    closed = ~dealer_open[seg_market]
    w[np.ix_(closed, np.arange(w.shape[1]), dealer_cols)] = 0.0  # nobody walks into a closed showroom
    flat = w.reshape(len(w), -1)
    total = flat.sum(axis=1)
    lam = pop.interest * total[pop.segment] * pop.in_market
    u = streams.generator("act", day).random((2, pop.size))
    acting = np.flatnonzero(u[0] < -np.expm1(-lam))
    if not len(acting):
        return Actions(acting, acting, acting)
    cum = np.cumsum(flat[pop.segment[acting]], axis=1)
    pick = (cum < (u[1, acting] * cum[:, -1])[:, None]).sum(axis=1)
    pick = np.minimum(pick, flat.shape[1] - 1)
    n_arr = len(ARRIVALS)
    return Actions(acting, pick % n_arr, pick // n_arr)
