"""Weekly MMM tables: weekly_channel_spend, weekly_sales, model_ready, and the geo panel geo_weekly.

Spend comes from the raw media exports by the phasing rule of :mod:`sim.schemas.phasing`
(the rule ``recover/formats/`` uses too), so the table rebuilds from ``raw/`` alone.
Weeks: blocks of 7 days from ``run.start`` (:mod:`sim.world.calendar`); the days after the last
whole block fold into the last week, so no day is dropped (calendar 2025: 52 rows, 2025-12-31 in
the last). The adstock
decays are the analyst's assumptions (``[mmm.adstock_decay]`` in the scenario), deliberately
separate from the simulation's true response parameters.

``geo_weekly`` is one row per week x geo, the geos of
:func:`sim.exporters.formats.panel.region_geography` (the UK's regions, then Germany and France),
cut from the same panel the tools' files are (:mod:`sim.exporters.formats.panel`: which raw rows a
geo holds, how national flows are split, the controls' scales). Its flows add up exactly over the
geos to the national tables: each channel's weekly spend is allotted in pennies to the geos in
proportion to their unrounded shares (largest remainder), so the 13 geos sum to
``weekly_channel_spend.csv`` to the penny; impressions are allotted in whole impressions the same
way; units, revenue, leads and completed test drives are counts and sums of whole rows, never split.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.exporters.formats.panel import (
    CSV_DECIMALS,
    GEO_CONTROLS,
    SALES_FLAG,
    exposure_column,
    panel_frame,
    region_geography,
    spend_column,
)
from sim.exporters.media_common import largest_remainder
from sim.schemas import CHANNEL_TABLES, CHANNELS, TABLES, columns
from sim.schemas.phasing import daily_spend
from sim.transforms import geometric_adstock
from sim.world.calendar import n_weeks, week_of, week_starts
from sim.world.config import World


def _weekly(world: World, dates: pd.Series, values) -> np.ndarray:
    out = np.zeros(n_weeks(world))
    # a period that starts before the horizon (a broadcast week from a Monday in December) counts in week 1
    np.add.at(out, np.maximum(week_of(world, dates), 0), np.asarray(values, dtype=float))
    return out


def weekly_channel_spend(world: World, raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each channel's spend per week, rebuilt from its raw export by the phasing rule
    (:mod:`sim.schemas.phasing`): a row covering several days is spread evenly over them."""
    df = pd.DataFrame({"week_start": week_starts(world)})
    for ch in world.media.channels:
        table = CHANNEL_TABLES[ch]
        daily = daily_spend(raw[table], TABLES[table])
        df[f"{ch}_spend"] = np.round(_weekly(world, daily.index.to_series(), daily.to_numpy()), 2)
    df["total_spend"] = df[[f"{c}_spend" for c in world.media.channels]].sum(axis=1).round(2)
    return df


def weekly_sales(world: World, raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sales, leads, drives, web = raw["vehicle_sales"], raw["leads"], raw["test_drives"], raw["website_analytics"]
    df = pd.DataFrame({"week_start": week_starts(world)})
    markets = [m.lower() for m in world.markets]
    for mk in world.markets:
        s = sales[sales["market"] == mk]
        df[f"{mk.lower()}_units"] = _weekly(world, s["sale_date"], np.ones(len(s))).astype(int)
    df["total_units"] = df[[f"{m}_units" for m in markets]].sum(axis=1)
    for mk in world.markets:
        s = sales[sales["market"] == mk]
        df[f"{mk.lower()}_revenue"] = np.round(_weekly(world, s["sale_date"], s["transaction_price_gbp"]), 2)
    df["total_revenue"] = df[[f"{m}_revenue" for m in markets]].sum(axis=1).round(2)
    home = world.mmm.kpi_market
    td = drives[(drives["market"] == home) & (drives["status"] == "COMPLETED")]
    df[f"{home.lower()}_test_drives"] = _weekly(world, td["test_drive_date"], np.ones(len(td))).astype(int)
    ld = leads[leads["market"] == home]
    df[f"{home.lower()}_leads"] = _weekly(world, ld["created_date"], np.ones(len(ld))).astype(int)
    w = web[web["market"] == home]
    df[f"{home.lower()}_web_sessions"] = _weekly(world, w["date"], w["sessions"]).astype(int)
    return df


def _externals(world: World, raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    econ = raw["economic_indicators"]
    uk = econ[econ["country"] == world.mmm.kpi_market].set_index("year_month")
    comp = raw["competitor_spend"]
    comp_total = comp[comp["channel"] == "total"].groupby("year_month")["estimated_spend_gbp"].sum()
    starts = pd.to_datetime(pd.Series(week_starts(world)))
    mid = (starts + pd.Timedelta(days=3)).dt.strftime("%Y-%m")
    days_in = (starts + pd.Timedelta(days=3)).dt.days_in_month
    return pd.DataFrame({
        "bev_share": mid.map(uk["bev_market_share_pct"]).to_numpy(),
        "consumer_confidence": mid.map(uk["consumer_confidence_index"]).to_numpy(),
        "bank_rate": mid.map(uk["bank_rate_pct"]).to_numpy(),
        "competitor_total_spend": np.round(mid.map(comp_total).to_numpy() / days_in.to_numpy() * 7, 2),
    })


def model_ready(world: World, spend: pd.DataFrame, sales: pd.DataFrame, raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    decays = world.mmm.adstock_decay
    df = spend.copy()
    for ch in world.media.channels:
        df[f"{ch}_adstock"] = np.round(geometric_adstock(df[f"{ch}_spend"].to_numpy(), decays[ch], normalize=False), 2)
    df = pd.concat([df, sales.drop(columns="week_start"), _externals(world, raw)], axis=1)
    return df


def allot(values: pd.Series, totals, decimals: int, what: str) -> np.ndarray:
    """Round ``values`` (indexed by geo and week) to ``decimals`` so that each week's geos add up
    to that week's ``totals`` (rounded to ``decimals``): the unrounded parts scaled to the total,
    then the units the floors lost to the largest remainders (ties to the earlier geo)."""
    week = values.index.get_level_values("week").to_numpy()
    per_unit = 10.0 ** decimals
    unit = 1 / per_unit
    parts = values.to_numpy(dtype=float) * per_unit
    target = np.round(np.asarray(totals, dtype=float) * per_unit)
    sums = np.bincount(week, parts, len(target))
    off = np.abs(sums - target) > 0.5 + 1e-9 * np.abs(target)
    if off.any():
        k = int(np.flatnonzero(off)[0])
        raise ValueError(f"{what}: the geos add up to {sums[k] * unit:.2f} in week {k + 1}, "
                         f"the national table says {target[k] * unit:.2f}")
    scale = np.divide(target, sums, out=np.zeros_like(target), where=sums > 0)
    return largest_remainder(parts * scale[week], week) / per_unit


def geo_weekly(world: World, raw: dict[str, pd.DataFrame], spend: pd.DataFrame) -> pd.DataFrame:
    """One row per week x geo: spend and impressions per channel, outcomes, adults and controls."""
    geography = region_geography(world)
    weeks = pd.DatetimeIndex(pd.to_datetime(week_starts(world)))
    frame = panel_frame(raw, weeks, geography, list(CHANNELS))
    out = pd.DataFrame(index=frame.index)
    for ch in CHANNELS:
        out[spend_column(ch)] = allot(frame[spend_column(ch)], spend[spend_column(ch)], 2, f"{ch}_spend")
    for ch in CHANNELS:
        exposure = frame[exposure_column(ch)]
        totals = exposure.groupby(level="week").sum().reindex(range(len(weeks)), fill_value=0.0)
        out[exposure_column(ch)] = allot(exposure, totals, 0, exposure_column(ch)).astype(np.int64)
    out["units"] = frame["units"]
    out["revenue"] = frame["revenue"].round(2)
    out["leads"] = frame["leads"]
    out["test_drives"] = frame["test_drives"]
    out[SALES_FLAG] = frame[SALES_FLAG]
    out[GEO_CONTROLS] = frame[GEO_CONTROLS].round(CSV_DECIMALS)
    out = out.reset_index()
    out.insert(0, "week_start", np.asarray(week_starts(world))[out.pop("week").to_numpy()])
    out.insert(2, "market", out["geo"].map(geography.country_of))
    out.insert(3, "population", out["geo"].map(geography.population).astype(np.int64))
    position = {g: i for i, g in enumerate(geography.geos)}
    out = out.sort_values(["week_start", "geo"], key=lambda c: c.map(position) if c.name == "geo" else c,
                          kind="stable").reset_index(drop=True)
    return out[columns("geo_weekly")]
