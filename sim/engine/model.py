"""LaunchModel: one day of 2025 per step.

The story of a day (``step``): consumers drift in and out of the market; bookings that fall
due are placed at open dealers; consumers act on what media, awareness and baseline demand
make them do (website visits, configurator sessions, lead forms, walk-ins, enquiries); event
visitors sign up; each dealer serves the test drives booked for today; sales fall due.

Everything the media does is known before the first day (plan -> delivery -> response), so
the loop is over days, with numpy over consumers inside it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from sim.engine.consumers import (
    ActionDrawer,
    Components,
    DayUniforms,
    build_components,
    build_population,
    day_uniforms,
    update_in_market,
)
from sim.engine.dealers import CALENDAR_SLACK_DAYS, DealerAgent
from sim.engine.delivery import deliver, exposures
from sim.engine.log import Campaign, ConfiguratorSession, EventLog
from sim.engine.pipeline import Pipeline
from sim.engine.plan import build_plan
from sim.engine.response import media_response
from sim.engine.visits import PaidSessions
from sim.world.calendar import day_index, trading_days
from sim.world.config import World
from sim.world.context import build_daily_context
from sim.world.streams import Stream, Streams
from sim.world.vocabulary import ARRIVALS, PAID_WEB, WEB_CHANNELS

LEAD_SOURCE_OF_ARRIVAL = {"meta_lead_form": "meta_lead_form", "google_lead": "google_lead",
                          "linkedin_lead": "linkedin_lead", "dealer_walk_in": "dealer_walk_in",
                          "phone_enquiry": "phone_enquiry", "fleet_enquiry": "fleet_enquiry"}
LEAD_FORM_PLATFORM = {"meta_lead_form": "meta", "google_lead": "google", "linkedin_lead": "linkedin"}
# platform metric a lead form counts as, and the objective of the campaigns that carry lead forms
LEAD_FORM_METRIC = {"meta": ("leads", "lead_gen"), "linkedin": ("leads", "lead_gen"), "google": ("conversions", None)}


def release_agent_ids(model: mesa.Model) -> None:
    """Drop the model from Mesa's class-level counter of agent ids (``mesa.Agent._ids``, keyed by
    model), which in Mesa 3.3 keeps every model ever built, and with it its plan, crowd and log,
    alive for the life of the process (mesa/mesa#3179, fixed upstream in #3180 after the 3.3
    series that Python 3.11 gets). A process that simulates many worlds (a ``sim truth`` worker)
    would otherwise grow by one world per run. The model's agents keep their ids; no agent is
    added after a run."""
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)


@dataclass
class Interventions:
    """Changes applied to the plan before delivery: the handle of counterfactual (truth) runs.

    ``spend_scale`` multiplies a channel's planned spend; with ``window`` (first and last date,
    inclusive) only on the days inside it. A scaled row keeps its place in delivery even when
    its spend becomes 0 (:meth:`scaled_plan`), so every draw of every other row, the channel's
    own days outside the window included, is the plan's (common random numbers)."""

    spend_scale: dict[str, float]
    window: tuple[dt.date, dt.date] | None = None

    @classmethod
    def none(cls) -> Interventions:
        return cls({})

    def scaled_plan(self, plan: pd.DataFrame) -> pd.DataFrame:
        """The plan's rows with spend, their spend scaled (rows scaled to 0 are kept, to be delivered)."""
        plan = plan[plan["spend"] > 0].reset_index(drop=True)
        scale = plan["channel"].map(self.spend_scale).fillna(1.0)
        if self.window is not None:
            first, last = (pd.Timestamp(d) for d in self.window)
            scale = scale.where(plan["date"].between(first, last), 1.0)
        return plan.assign(spend=plan["spend"] * scale)


class CampaignPicker:
    """Which campaign an arrival came through: a campaign row of the key (e.g. platform and
    market) on the day (or, unless ``today``, the most recent day with rows), chosen in
    proportion to its ``weight`` column (spend, or the sessions its clicks landed)."""

    def __init__(self, delivered: pd.DataFrame, key: tuple[str, ...] = ("channel", "market"), weight: str = "spend"):
        self.index: dict[tuple, tuple[list[int], list]] = {}  # days with rows, and their rows
        delivered = delivered[delivered[weight] > 0]
        # numpy columns once: slicing arrays per day is cheap, a DataFrame groupby per day is not
        cols = [delivered[c].to_numpy() for c in ("campaign_id", "campaign_name", "breakdown", weight, "objective")]
        day = delivered["day"].to_numpy()
        for group, rows in sorted(delivered.groupby(list(key)).indices.items()):
            rows = rows[np.argsort(day[rows], kind="stable")]
            keys, starts = np.unique(day[rows], return_index=True)
            bounds = np.append(starts, len(rows))
            mine = [c[rows] for c in cols]
            per_day = [tuple(c[a:b] for c in mine) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            self.index[group] = (keys.tolist(), per_day)
        self._cumulative: dict[tuple, tuple] = {}

    def pick(self, key: tuple, day: int, u: float, prefer: str | None = None, today: bool = False) -> Campaign | None:
        """A campaign by weight share; restricted to objective ``prefer`` when one such ran (and
        then only to it, with ``today``: None if no such campaign ran today)."""
        entry = self.index.get(key)
        if entry is None:
            return None
        keys, rows = entry
        pos = bisect.bisect_right(keys, day) - 1
        if pos < 0 or (today and keys[pos] != day):
            return None
        cache = (key, pos, prefer)
        if cache not in self._cumulative:  # arrivals of one day and key share the campaigns' weights
            ids, names, breakdown, weight, objective = rows[pos]
            if prefer is not None and (objective == prefer).any():
                weight = np.where(objective == prefer, weight, 0.0)
            elif prefer is not None and today:
                weight = np.zeros(len(weight))
            self._cumulative[cache] = ids, names, breakdown, np.cumsum(weight).tolist()
        ids, names, breakdown, cum = self._cumulative[cache]
        if not cum[-1] > 0:
            return None
        j = min(bisect.bisect_left(cum, u * cum[-1]), len(ids) - 1)
        return Campaign(ids[j], names[j], breakdown[j])


class UniformPrefetch:
    """Draws the coming days' consumer uniforms (:func:`day_uniforms`) on a worker thread while
    today is simulated.

    Drawing a day's uniforms (about a million numbers) is a third of a day's work, and numpy
    fills the arrays without holding the GIL, so where a second core is free it overlaps the
    day's Python work. The worker holds the GIL only to create each generator. Every array
    comes from its own keyed stream, so its values do not depend on which thread drew it or
    when: output and common random numbers are unchanged.
    """

    LOOKAHEAD_DAYS = 2  # days drawn ahead: absorbs the worker waiting for the GIL

    def __init__(self, streams: Streams, n_consumers: int, n_days: int):
        self.streams, self.n, self.n_days = streams, n_consumers, n_days
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="uniforms")
        self.pending: dict[int, Future] = {}

    def _submit(self, day: int) -> None:
        if day < self.n_days and day not in self.pending:
            self.pending[day] = self.pool.submit(day_uniforms, self.streams, self.n, day)

    def get(self, day: int) -> DayUniforms:
        """The uniforms of ``day``; starts drawing the days after it."""
        for ahead in range(day, day + self.LOOKAHEAD_DAYS + 1):
            self._submit(ahead)
        return self.pending.pop(day).result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class LaunchModel(mesa.Model):
    """The world of one scenario, one day per step; :meth:`run` returns its :class:`EventLog`.

    Mesa's own random generator is left unseeded and unused: every draw comes from a keyed
    :class:`~sim.world.streams.Streams` generator, so that two worlds share their draws.
    """

    def __init__(self, world: World, interventions: Interventions | None = None):
        super().__init__()
        self.world = world
        self.interventions = interventions or Interventions.none()
        self.streams = Streams(world.run.seed)
        self.dates = day_index(world)
        self.n_days = len(self.dates)
        self.day = 0
        self.markets = tuple(world.markets)
        self.channels = list(world.media.channels)

        plan = self.interventions.scaled_plan(build_plan(world, self.streams))
        delivered = deliver(world, plan, self.streams)
        self.delivered = delivered[delivered["spend"] > 0].reset_index(drop=True)  # a row scaled to 0 did not run
        self.delivered["day"] = (self.delivered["date"] - self.dates[0]).dt.days
        self.context = build_daily_context(world, self.streams.generator(Stream.CONTEXT))
        self.population = build_population(world, self.streams)
        self.components = self._components()
        self.actions = ActionDrawer(self.population, self.components, world.consumers.weekday_activity)
        self.campaigns = CampaignPicker(self.delivered)
        self.click_campaigns = CampaignPicker(self.delivered, ("channel", "market", "web_channel"), "landed")
        ev = self.delivered[self.delivered["channel"] == "events"]
        self.event_days = {(a["event_index"], int(d)) for a, d in zip(ev["attributes"], ev["day"], strict=True)}

        trading = {m: trading_days(world, m, self.n_days + CALENDAR_SLACK_DAYS) for m in self.markets}
        for cfg in world.dealers:
            DealerAgent(self, cfg, (world.dealer_opening(cfg) - world.run.start).days, self.n_days, world.funnel,
                        trading[cfg.market])
        self.dealers = list(self.agents_by_type[DealerAgent])
        seg_region = self.population.segments["region"].to_numpy()
        self.pipeline = Pipeline(world, self.streams, self.dealers,
                                 lambda c: seg_region[self.population.segment[c]])
        self.paid = PaidSessions(world, self.delivered, self.markets, self.population.devices, self.n_days,
                                 self.streams)
        self.sessions, self.new_users = self.paid.sessions, self.paid.new_users  # the landed clicks, then agents
        self.visitors = np.zeros(self.sessions.shape[:3], dtype=np.int64)
        fallback = world.media.paid_fallback
        self.arrives_as = np.array([WEB_CHANNELS.index(fallback.get(ch, "direct")) if ch in PAID_WEB else k
                                    for k, ch in enumerate(WEB_CHANNELS)])
        self.paid_web = np.isin(np.arange(len(WEB_CHANNELS)), [WEB_CHANNELS.index(c) for c in PAID_WEB])
        self.configurator: list[ConfiguratorSession] = []
        self.platform_outcomes: list[tuple] = []
        self.event_leads: dict[int, list[int]] = {i: [] for i in range(len(world.events))}
        self.day_dates = [d.date() for d in self.dates]
        self._event_pools: dict[int, np.ndarray] = {}
        self._prefetch: UniformPrefetch | None = None

    # ------------------------------------------------------------------ set-up
    def _our_daily_spend(self) -> np.ndarray:
        out = np.zeros((self.n_days, len(self.markets)))
        g = self.delivered.groupby(["day", "market"])["spend"].sum()
        for (d, m), v in g.items():
            out[int(d), self.markets.index(m)] = v
        return out

    def _components(self) -> Components:
        w = self.world
        expo = exposures(w, self.delivered)
        expo["day"] = (expo["date"] - self.dates[0]).dt.days
        seg = self.population.segments
        resp, aware_in = media_response(w, expo, seg, self.n_days, self.channels)
        demand = self.context.demand_factor(w.consumers.bev_share_elasticity, w.consumers.confidence_elasticity,
                                            w.consumers.seasonal_demand_elasticity)
        sov = self.context.competitor_sov(self._our_daily_spend())
        comp = build_components(w, seg, resp, aware_in, demand, sov, self.channels)
        scale = seg["market"].map(w.calibration.action_scale).to_numpy()
        comp.intensity *= scale[:, None, None]
        return comp

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        d = self.day
        u = self._prefetch.get(d) if self._prefetch else day_uniforms(self.streams, self.population.size, d)
        update_in_market(self.population, self.world, u.in_market)
        self.pipeline.start_of_day(d)
        dealer_open = np.array([any(x.is_open(d) for x in self.dealers if x.cfg.market == m) for m in self.markets])
        actions = self.actions.draw(u.act, d, dealer_open, self.dates[d].weekday())
        self._visits(d, actions, u.session)
        self._direct_leads(d, actions)
        self._event_visitors(d)
        self.agents_by_type[DealerAgent].do("step")
        self.pipeline.end_of_day(d)
        self.day += 1

    def run(self, progress=None) -> EventLog:
        """Simulate every day of the horizon and return what happened."""
        self._prefetch = UniformPrefetch(self.streams, self.population.size, self.n_days)
        try:
            for _ in range(self.n_days):
                self.step()
                if progress is not None:
                    progress.update(1)
        finally:
            self._prefetch.close()
            self._prefetch = None
            release_agent_ids(self)
        return self.record()

    def record(self) -> EventLog:
        """The event log of the days simulated so far."""
        outcomes = pd.DataFrame(self.platform_outcomes,
                                columns=["day", "channel", "market", "campaign_id", "metric", "value"])
        return EventLog(
            start=pd.Timestamp(self.world.run.start), n_days=self.n_days, markets=self.markets,
            web_channels=WEB_CHANNELS, devices=self.population.devices, media=self.delivered,
            sessions=self.sessions, new_users=self.new_users, visitors=self.visitors,
            configurator=tuple(self.configurator),
            platform_outcomes=outcomes, leads=self.pipeline.lead_records(), drives=self.pipeline.drive_records(),
            sales=tuple(self.pipeline.sales),
            dealer_opening_days={d.dealer_id: d.opening_day for d in self.dealers},
            event_leads={i: tuple(leads) for i, leads in self.event_leads.items()})

    # ------------------------------------------------------------------ consumers' actions
    def _visits(self, d: int, actions, session_u: np.ndarray) -> None:
        """Website sessions of today's web arrivals (``session_u``: the day's session uniforms).

        A visit through a paid channel is one of today's landed clicks (:mod:`sim.engine.visits`)
        and adds no session of its own; when no ad of the channel landed a visitor today, the
        visitor comes through the channel's fallback instead. What the visitor then does is
        decided by the channel they meant to come through, so an ad that is switched off moves
        its visitors to another channel without changing what they do."""
        pop, f = self.population, self.world.funnel
        web = actions.arrival < len(WEB_CHANNELS)
        who, meant, origin = actions.consumer[web], actions.arrival[web], actions.origin[web]
        if not len(who):
            return
        u = session_u[:, who]
        n_dev = len(pop.devices)
        any_device = (u[1] * n_dev).astype(int) % n_dev
        device = np.where(u[0] < self.world.consumers.device_loyalty, pop.device[who], any_device)
        market = pop.market[who]
        arr = meant.copy()
        platform: list[str | None] = [None] * len(who)
        for i in np.flatnonzero(self.paid_web[meant]):
            origin_name = self.components.origins[origin[i]]
            platform[i] = self.paid.take(d, int(market[i]), int(meant[i]), origin_name, float(u[6, i]))
            if platform[i] is None:
                arr[i] = self.arrives_as[meant[i]]
        own = ~self.paid_web[arr]  # visits that are not one of today's landed clicks are sessions of their own
        new = ~pop.visited[who]
        pop.visited[who] = True
        np.add.at(self.visitors[d], (market, arr), 1)
        np.add.at(self.sessions[d], (market[own], arr[own], device[own]), 1)
        np.add.at(self.new_users[d], (market[own], arr[own], device[own]), new[own].astype(np.int64))
        date = self.day_dates[d]
        cfg_rate = np.array([f.configurator_start_rate.get(ch, 0.0) for ch in WEB_CHANNELS])
        live = date >= f.configurator_live
        starts = live & (u[2] < cfg_rate[meant])
        form = live & ~starts & (u[2] < cfg_rate[meant] + f.test_drive_form_rate)
        for i in np.flatnonzero(starts | form):
            self._session(d, int(who[i]), int(arr[i]), int(origin[i]), int(device[i]), bool(starts[i]), platform[i],
                          u[3:, i])

    def _session(self, d: int, consumer: int, arr: int, origin: int, device: int, configurator: bool,
                 platform: str | None, u: np.ndarray) -> None:
        f = self.world.funnel
        market = self.markets[self.population.market[consumer]]
        arrival, origin_name = WEB_CHANNELS[arr], self.components.origins[origin]
        camp = (self.click_campaigns.pick((platform, market, arrival), d, float(u[0]), today=True)
                if platform is not None else None)
        lead = None
        if configurator:
            completed = u[1] < f.configurator_completion
            submitted = completed and u[2] < f.lead_from_completion
            if submitted:
                lead = self.pipeline.new_lead(consumer, d, market, "website_configurator")
            self.configurator.append(ConfiguratorSession(
                day=d, consumer=consumer, market=market, device=device, arrival=arrival, origin=origin_name,
                completed=bool(completed), lead=lead.idx if lead else None, platform=platform, campaign=camp,
                model=lead.model if lead else None))
        else:
            lead = self.pipeline.new_lead(consumer, d, market, "website_test_drive")
        if platform == "google" and camp is not None:
            self.platform_outcomes.append((d, "google", market, camp.campaign_id, "conversions", 1))

    def _direct_leads(self, d: int, actions) -> None:
        pop = self.population
        direct = actions.arrival >= len(WEB_CHANNELS)
        for c, a in zip(actions.consumer[direct], actions.arrival[direct], strict=True):
            arrival = ARRIVALS[a]
            market = self.markets[pop.market[c]]
            platform = LEAD_FORM_PLATFORM.get(arrival)
            camp = None
            if platform:  # an on-platform form needs a campaign carrying one today; else the form is the website's
                metric, objective = LEAD_FORM_METRIC[platform]
                u = self.streams.generator(Stream.LEAD_FORM, int(c), d).random()
                camp = self.campaigns.pick((platform, market), d, u, prefer=objective, today=True)
            source = LEAD_SOURCE_OF_ARRIVAL[arrival] if platform is None or camp is not None else "website_test_drive"
            self.pipeline.new_lead(int(c), d, market, source)
            if camp is not None:
                self.platform_outcomes.append((d, platform, market, camp.campaign_id, metric, 1))

    def _event_pool(self, i: int) -> np.ndarray:
        """Consumers who may visit event ``i``: its region's, else its market's (fixed for the year)."""
        if i not in self._event_pools:
            ev = self.world.events[i]
            pool = np.flatnonzero(self.population.market == self.markets.index(ev.market))
            region = self.population.region_of(pool)
            local = pool[region == ev.region] if ev.region else pool
            self._event_pools[i] = local if len(local) else pool
        return self._event_pools[i]

    def _event_visitors(self, d: int) -> None:
        """Visitors of today's events sign up (leads); their number follows what the event spent."""
        date = self.day_dates[d]
        for i, ev in enumerate(self.world.events):
            if not (ev.start <= date <= ev.end) or ev.signup_rate <= 0:
                continue
            if (i, d) not in self.event_days:
                continue  # the event did not happen (no spend) in this world
            n_days = (ev.end - ev.start).days + 1
            rng = self.streams.generator(Stream.EVENT, i, d)
            expected = ev.attendance / n_days * ev.signup_rate
            n = int(rng.poisson(expected))
            pool = self._event_pool(i)
            for c in rng.choice(pool, size=min(n, len(pool)), replace=False):
                lead = self.pipeline.new_lead(int(c), d, ev.market, "event_signup")
                self.event_leads[i].append(lead.idx)
                if ev.drive_rate > 0 and rng.random() < ev.drive_rate:
                    self.pipeline.book_at_event(lead, d)
