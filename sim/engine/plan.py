"""The media plan: budgets -> daily spend per channel x market x campaign line x breakdown.

How a day's money is set:

1. each channel's budget is split over markets (UK-only channels all to UK, the others by
   ``media.market_split``);
2. within a channel-market and calendar year, each active day gets a weight = its month's
   seasonality multiplier x (1 + daily noise); weights are normalised so the year's total is
   that year's budget exactly (pacing to plan), which also normalises the extract's
   multipliers (decision 2). A year's budget is ``budget_gbp_by_year`` of the year (else
   ``budget_gbp``), pro rata to the days of the year inside the horizon; the multipliers are
   ``media.monthly_seasonality`` up to the market's launch year and
   ``media.mature_seasonality`` in the years after it (:func:`day_seasonality`);
3. a day's money goes to the campaign lines active that day in proportion to their weights,
   then to the line's breakdown values (platforms, keyword groups, formats, ...).

Radio flights are derived from the dealer openings (the extract: flights coincide with
openings) and, in the years after the launch year, from ``extras.recurring_flights`` (a
regional flight in every dealer region from each date); events spend comes from the events
list, each event taking the share of its market's budget of its year that its configured spend
is of that market-year's events. Noise is keyed per channel and market,
so changing one channel's budget leaves every other channel's spend untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.world.calendar import day_index, horizon_years
from sim.world.config import CampaignLine, ChannelConfig, World
from sim.world.streams import Stream, Streams, stable_id


@dataclass
class Line:
    """One campaign line of one market: the unit that receives a share of a day's budget."""

    channel: str
    market: str
    model: str
    kind: str
    objective: str
    weight: float
    active: np.ndarray  # bool per day
    breakdown: list[str]
    attributes: dict[str, Any] = field(default_factory=dict)
    region: str | None = None  # exposure restricted to this region (regional radio / OOH)
    fixed_spend: float | None = None  # events: exact spend, spread over active days


def year_budgets(world: World, channel: str) -> dict[int, float]:
    """The channel's budget of each calendar year of the horizon: ``budget_gbp_by_year`` of the
    year (else ``budget_gbp``), pro rata to the year's days inside the horizon."""
    ch = world.media.channels[channel]
    out = {}
    for year in horizon_years(world):
        first = max(dt.date(year, 1, 1), world.run.start)
        last = min(dt.date(year, 12, 31), world.run.end)
        year_days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
        out[year] = ch.budget_gbp_by_year.get(year, ch.budget_gbp) * (((last - first).days + 1) / year_days)
    return out


def market_year_budgets(world: World, channel: str) -> dict[str, dict[int, float]]:
    """market -> year -> budget: UK-only channels all to UK, the others by ``media.market_split``."""
    ch = world.media.channels[channel]
    split = {m: world.media.market_split[m] for m in ch.markets}
    total = sum(split.values())
    years = year_budgets(world, channel)
    return {m: {y: b * s / total for y, b in years.items()} for m, s in split.items()}


def market_budgets(world: World, channel: str) -> dict[str, float]:
    """market -> the channel's budget over the whole horizon."""
    return {m: sum(years.values()) for m, years in market_year_budgets(world, channel).items()}


def event_budgets(world: World) -> list[tuple[float, float]]:
    """Per event: (events budget of its market and year, configured spend of that market-year's
    events). An event's planned spend is the first times its configured spend's share of the second."""
    budgets = market_year_budgets(world, "events")
    configured: dict[tuple[str, int], float] = {}
    for ev in world.events:
        key = (ev.market, ev.start.year)
        configured[key] = configured.get(key, 0.0) + ev.spend_gbp
    return [(budgets.get(ev.market, {}).get(ev.start.year, 0.0), configured[(ev.market, ev.start.year)])
            for ev in world.events]


def day_seasonality(world: World, market: str, days: pd.DatetimeIndex) -> np.ndarray:
    """The seasonality multiplier of each day in ``market``: ``media.monthly_seasonality`` (the
    launch pattern) up to the launch year, ``media.mature_seasonality`` after it."""
    launch = np.asarray(world.media.monthly_seasonality, dtype=float)[days.month - 1]
    mature_pattern = world.media.mature_seasonality
    if mature_pattern is None:
        return launch
    mature = np.asarray(mature_pattern, dtype=float)[days.month - 1]
    return np.where(days.year > world.markets[market].launch_date.year, mature, launch)


def _window_mask(days: pd.DatetimeIndex, start: dt.date | None, end: dt.date | None) -> np.ndarray:
    mask = np.ones(len(days), bool)
    if start is not None:
        mask &= days >= pd.Timestamp(start)
    if end is not None:
        mask &= days <= pd.Timestamp(end)
    return mask


def channel_mask(world: World, ch: ChannelConfig, days: pd.DatetimeIndex) -> np.ndarray:
    """Days on which the channel may spend: its windows, and its flights (weeks on / off)."""
    if ch.active:
        mask = np.zeros(len(days), bool)
        for a, b in ch.active:
            mask |= _window_mask(days, a, b)
    else:
        mask = np.ones(len(days), bool)
    if ch.flight_weeks:
        on, off = ch.flight_weeks
        anchor = pd.Timestamp(ch.flight_anchor or world.run.start)
        week = ((days - anchor).days // 7) % (on + off)
        mask &= week < on
    return mask


def _phase_mask(world: World, line: CampaignLine, market: str, days: pd.DatetimeIndex) -> np.ndarray:
    launch = pd.Timestamp(world.markets[market].launch_date)
    if line.phase == "prelaunch":
        return days < launch
    if line.phase == "postlaunch":
        return days >= launch
    return np.ones(len(days), bool)


def _config_lines(world: World, name: str, ch: ChannelConfig, days: pd.DatetimeIndex) -> list[Line]:
    base = channel_mask(world, ch, days)
    lines: list[Line] = []
    for i, cl in enumerate(ch.campaigns):
        for market in cl.markets or ch.markets:
            if market not in ch.markets:
                continue
            active = base & _phase_mask(world, cl, market, days) & _window_mask(days, cl.start, cl.end)
            if cl.until_days_after_launch is not None:
                launch = world.markets[market].launch_date
                active &= _window_mask(days, None, launch + dt.timedelta(days=cl.until_days_after_launch))
            if cl.every_days > 1:
                idx = np.flatnonzero(active)
                keep = np.zeros(len(days), bool)
                if len(idx):
                    offset = i % cl.every_days
                    keep[idx[offset:: cl.every_days]] = True
                active = keep
            cities = cl.attributes.get("cities")
            if cities:
                for region, city in cities:
                    attrs = {**cl.attributes, "city": city, "region": region}
                    lines.append(Line(name, market, cl.model, cl.kind, cl.objective, cl.weight / len(cities),
                                      active, list(cl.breakdown), attrs, region=region))
            else:
                lines.append(Line(name, market, cl.model, cl.kind, cl.objective, cl.weight, active,
                                  list(cl.breakdown), dict(cl.attributes)))
    return lines


def _radio_lines(world: World, ch: ChannelConfig, days: pd.DatetimeIndex, streams: Streams) -> list[Line]:
    """Regional flights starting a week before the dealer openings of each region and month."""
    ex = ch.extras
    before = int(ex["flight_days_before_opening"])
    lo, hi = ex["flight_length_days"]
    stations = ex["regional_stations"]
    rng = streams.generator(Stream.PLAN, "radio", "flights")
    gap = int(ex["new_flight_after_days"])
    by_region: dict[tuple[str, str], list[dt.date]] = {}
    for d in world.dealers:
        if d.market in ch.markets:
            by_region.setdefault((d.region, d.market), []).append(world.dealer_opening(d))
    flights: list[tuple[dt.date, str, str]] = []
    for (region, market), dates in sorted(by_region.items()):
        last = None
        for when in sorted(dates):  # one flight per wave of openings in the region
            if last is None or (when - last).days > gap:
                flights.append((when, region, market))
                last = when
    lines: list[Line] = []
    model = next(iter(world.models))
    for when, region, market in sorted(flights):
        start = when - dt.timedelta(days=before)
        length = int(rng.integers(lo, hi + 1))
        active = _window_mask(days, start, start + dt.timedelta(days=length - 1))
        station, group = stations[region][0]
        lines.append(Line("radio", market, model, "DealerOpening", "spot", 1.0, active, [""],
                          {"station": station, "station_group": group, "region": region}, region=region))
    # a national launch flight on the national stations of each market
    for market in ch.markets:
        launch = world.markets[market].launch_date
        for station, group in ex["national_stations"][:2]:
            active = _window_mask(days, launch - dt.timedelta(days=before), launch + dt.timedelta(days=13))
            lines.append(Line("radio", market, model, "Launch", "spot", 1.5, active, [""],
                              {"station": station, "station_group": group, "region": "National"}))
    # after the launch year, a regional flight in every dealer region from each recurring date
    for month_day in ex.get("recurring_flights", []):
        for (region, market) in sorted(by_region):
            for year in horizon_years(world):
                if year <= world.markets[market].launch_date.year:
                    continue
                start = dt.date.fromisoformat(f"{year}-{month_day}")
                length = int(rng.integers(lo, hi + 1))
                active = _window_mask(days, start, start + dt.timedelta(days=length - 1))
                station, group = stations[region][0]
                lines.append(Line("radio", market, model, "Seasonal", "spot", 1.0, active, [""],
                                  {"station": station, "station_group": group, "region": region}, region=region))
    return lines


def _event_lines(world: World, days: pd.DatetimeIndex) -> list[Line]:
    lines = []
    model = next(iter(world.models))
    for i, (ev, (budget, configured)) in enumerate(zip(world.events, event_budgets(world), strict=True)):
        spend = budget * (ev.spend_gbp / configured) if configured else 0.0
        active = _window_mask(days, ev.start, ev.end)
        lines.append(Line("events", ev.market, model, ev.type, ev.type, 1.0, active, [""],
                          {"event_index": i, "event_name": ev.name,
                           "impressions_per_gbp": ev.media_impressions / ev.spend_gbp if ev.spend_gbp else 0.0},
                          region=ev.region, fixed_spend=spend))
    return lines


def campaign_lines(world: World, streams: Streams) -> list[Line]:
    days = day_index(world)
    lines: list[Line] = []
    for name, ch in world.media.channels.items():
        if ch.kind == "events":
            lines += _event_lines(world, days)
        elif name == "radio":
            lines += _radio_lines(world, ch, days, streams)
        else:
            lines += _config_lines(world, name, ch, days)
    return lines


def _quarter(world: World, day: pd.Timestamp) -> str:
    """The ``{quarter}`` of a campaign name: ``Q3`` in a one-year horizon, ``2026Q3`` in a
    longer one (so a campaign name carries its year)."""
    quarter = f"Q{(day.month - 1) // 3 + 1}"
    return quarter if world.run.start.year == world.run.end.year else f"{day.year}{quarter}"


def _campaign_name(world: World, line: Line, day: pd.Timestamp) -> str:
    template = world.media.campaign_templates.get(line.channel)
    if template is None or line.channel == "tv":
        return ""
    month = f"{day:%b}" if world.run.start.year == world.run.end.year else f"{day:%b%Y}"
    return template.format(market=line.market, model=world.models[line.model].code, kind=line.kind,
                           quarter=_quarter(world, day), region=(line.region or "National").replace(" ", ""),
                           month=month)


def _campaign_names(world: World, line: Line, dates: pd.DatetimeIndex) -> np.ndarray:
    """The line's campaign name on each date: a name changes at most monthly, so format once per month."""
    months = (dates.year * 12 + dates.month).to_numpy()
    _, first, where = np.unique(months, return_index=True, return_inverse=True)
    by_month = np.array([_campaign_name(world, line, dates[i]) for i in first], dtype=object)
    return by_month[where]


def _daily_budget(world: World, ch: ChannelConfig, name: str, market: str, budgets: dict[int, float],
                  any_active: np.ndarray, days: pd.DatetimeIndex, streams: Streams) -> np.ndarray:
    """Each day's money: a year's budget over its active days by seasonality x noise (a year
    without an active day spends nothing)."""
    season = day_seasonality(world, market, days)
    noise = streams.generator(Stream.PLAN, name, market).uniform(-ch.daily_noise, ch.daily_noise, len(days))
    w = season * (1 + noise) * any_active
    out = np.zeros(len(days))
    for year, budget in budgets.items():
        in_year = days.year == year
        total = w[in_year].sum()
        if total > 0:
            out[in_year] = budget * w[in_year] / total
    return out


PLAN_COLUMNS = {"date": "datetime64[ns]", "channel": object, "market": object, "line_id": object,
                "breakdown": object, "spend": float, "model": object, "kind": object, "objective": object,
                "region": object, "attributes": object, "campaign_name": object, "campaign_id": object}


def build_plan(world: World, streams: Streams) -> pd.DataFrame:
    """Every (day, line, breakdown) with spend > 0, as one long table."""
    days = day_index(world)
    lines = campaign_lines(world, streams)
    frames = []
    for name, ch in world.media.channels.items():
        for market, budgets in market_year_budgets(world, name).items():
            mine = [ln for ln in lines if ln.channel == name and ln.market == market]
            if not mine or sum(budgets.values()) <= 0:
                continue
            frames.append(_allocate(world, ch, name, market, budgets, mine, days, streams))
    frames = [f for f in frames if len(f)]
    if not frames:  # a world without media spend: an empty plan of the same columns
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in PLAN_COLUMNS.items()})
    plan = pd.concat(frames, ignore_index=True)
    return plan.sort_values(["date", "channel", "market", "line_id", "breakdown"], kind="stable").reset_index(drop=True)


def _allocate(world: World, ch: ChannelConfig, name: str, market: str, budgets: dict[int, float],
              lines: list[Line], days: pd.DatetimeIndex, streams: Streams) -> pd.DataFrame:
    active = np.array([ln.active for ln in lines])  # lines x days
    if lines[0].fixed_spend is not None:
        n_days = np.maximum(active.sum(axis=1, keepdims=True), 1)
        spend = active * np.array([[ln.fixed_spend] for ln in lines]) / n_days
    else:
        daily = _daily_budget(world, ch, name, market, budgets, active.any(axis=0), days, streams)
        w = active * np.array([[ln.weight] for ln in lines])
        denom = w.sum(axis=0)
        spend = np.divide(w * daily, denom, out=np.zeros_like(w), where=denom > 0)
    rng = streams.generator(Stream.PLAN, name, market, "breakdown")
    line_ids = [f"{name}-{market}-{li:03d}" for li in range(len(lines))]
    day_pos, line_col, breakdown_col, spend_col, name_col = [], [], [], [], []
    for li, ln in enumerate(lines):
        idx = np.flatnonzero(spend[li] > 0)
        if not len(idx):
            continue
        k = len(ln.breakdown)
        jitter = 1 + rng.uniform(-0.1, 0.1, (len(idx), k)) if k > 1 else np.ones((len(idx), 1))
        shares = jitter / jitter.sum(axis=1, keepdims=True)
        names = _campaign_names(world, ln, days[idx])
        for bi, b in enumerate(ln.breakdown):
            day_pos.append(idx)
            line_col.append(np.full(len(idx), line_ids[li], dtype=object))
            breakdown_col.append(np.full(len(idx), b, dtype=object))
            spend_col.append(spend[li, idx] * shares[:, bi])
            name_col.append(names)
    df = pd.DataFrame({
        "date": days[np.concatenate(day_pos)], "channel": name, "market": market,
        "line_id": np.concatenate(line_col), "breakdown": np.concatenate(breakdown_col),
        "spend": np.concatenate(spend_col),
    })
    meta = pd.DataFrame([{
        "line_id": line_ids[li], "model": ln.model, "kind": ln.kind, "objective": ln.objective,
        "region": ln.region, "attributes": ln.attributes,
    } for li, ln in enumerate(lines)])
    df = df.merge(meta, on="line_id", how="left")
    names = np.concatenate(name_col)
    ids = {n: stable_id(n) if n else "" for n in dict.fromkeys(names)}
    df["campaign_name"] = names
    df["campaign_id"] = [ids[n] for n in names]
    return df
