"""What one simulated world produced, per geo and MMM week: the outcome cube the truth differences.

Geos, as the 13-geo panel (``mmm/geo_weekly.csv``) places outcomes: ``all`` (every market),
each market, and each region of a regional market (:data:`~sim.world.vocabulary.REGIONAL_MARKETS`,
the UK's dealer regions; the other markets are geos of their own, their market rows). A region
is placed like the panel places raw rows:

* ``units``, ``revenue_gbp`` (the sale's transaction price) and completed ``test_drives``: the
  region of the dealer;
* ``leads``: the region of the lead's dealer, else (no dealer assigned yet) the customer's region;
* ``sessions``: per market only (a website session belongs to a country site, not to a region),
  so a region's sessions are NaN.

Counts are whole numbers; a geo's values are sums over its own records, so the regions of a
market add up to the market and the markets to ``all`` (revenue to the penny, up to float
addition order). ``all`` is summed over every record in the log's order, as the truth always was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.log import EventLog
from sim.world.calendar import n_weeks, week_of_day
from sim.world.config import World
from sim.world.vocabulary import REGIONAL_MARKETS

ALL = "all"
CAUSAL_KPIS = ("sessions", "leads", "test_drives", "units", "revenue_gbp")
MARKET_ONLY = ("sessions",)  # KPIs a region cannot be given


def geo_levels(world: World) -> dict[str, str]:
    """Every geo of the truth -> its level (``all``, ``market``, ``region``), in ledger order."""
    levels = {ALL: "all", **{m: "market" for m in world.markets}}
    for m in world.markets:
        if m in REGIONAL_MARKETS:
            levels.update({r: "region" for r in world.markets[m].regions})
    return levels


def geo_market(world: World) -> dict[str, str]:
    """Geo -> the market it lies in (``all`` -> ``all``)."""
    out = {ALL: ALL, **{m: m for m in world.markets}}
    for m in world.markets:
        if m in REGIONAL_MARKETS:
            out.update({r: m for r in world.markets[m].regions})
    return out


def _region_geo(world: World, market: str, region: str, what: str) -> str | None:
    """The regional geo of a record of ``market`` in ``region`` (None: its market is not regional)."""
    if market not in REGIONAL_MARKETS:
        return None
    if region not in world.markets[market].regions:
        known = list(world.markets[market].regions)
        raise ValueError(f"{what}: region {region!r} is not a region of {market} ({known})")
    return region


def geo_outcomes(world: World, log: EventLog) -> pd.DataFrame:
    """Weekly KPIs per geo: a row per (geo, week) of :func:`geo_levels` x MMM weeks, a column per KPI."""
    weeks = n_weeks(world)
    week = week_of_day(np.arange(log.n_days), weeks)
    dealer = {d.id: d for d in world.dealers}
    levels = geo_levels(world)
    geos = list(levels)
    regions = [g for g in geos if levels[g] == "region"]
    out = {g: {k: np.zeros(weeks) for k in CAUSAL_KPIS} for g in geos}

    def add(kpi: str, days, values, markets, where) -> None:
        days = np.asarray(days, int)
        values = np.asarray(values, float)
        markets, where = np.asarray(markets, object), np.asarray(where, object)
        for g, keep in ((ALL, slice(None)), *((m, markets == m) for m in world.markets),
                        *((r, where == r) for r in regions)):
            np.add.at(out[g][kpi], week[days[keep]], values[keep])

    sales = log.sales
    sale_markets = [s.market for s in sales]
    sale_regions = [_region_geo(world, s.market, dealer[s.dealer].region, f"sale {s.idx}") for s in sales]
    add("units", [s.day for s in sales], np.ones(len(sales)), sale_markets, sale_regions)
    add("revenue_gbp", [s.day for s in sales], [s.terms.transaction_price_gbp for s in sales], sale_markets,
        sale_regions)
    leads = log.leads
    add("leads", [lead.created for lead in leads], np.ones(len(leads)), [lead.market for lead in leads],
        [_region_geo(world, lead.market, dealer[lead.dealer_id].region if lead.dealer_id else lead.region,
                     f"lead {lead.idx}") for lead in leads])
    done = log.completed_drives()
    drive_markets = [dealer[td.dealer].market for td in done]
    add("test_drives", [td.drive_day for td in done], np.ones(len(done)), drive_markets,
        [_region_geo(world, m, dealer[td.dealer].region, f"drive {td.idx}") for m, td in zip(drive_markets, done,
                                                                                            strict=True)])
    days = np.arange(log.n_days)
    np.add.at(out[ALL]["sessions"], week[days], log.sessions.sum(axis=(1, 2, 3)).astype(float))
    for m in world.markets:
        np.add.at(out[m]["sessions"], week[days], log.sessions[:, log.market_index(m)].sum(axis=(1, 2)).astype(float))
    for g in regions:
        out[g]["sessions"][:] = np.nan
    frames = [pd.DataFrame(out[g]).assign(geo=g, week=range(weeks)) for g in geos]
    return pd.concat(frames, ignore_index=True).set_index(["geo", "week"])[list(CAUSAL_KPIS)]
