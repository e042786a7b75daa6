"""Weekly MMM tables: weekly_channel_spend, weekly_sales, model_ready.

Spend comes from the raw media exports by the phasing rule of :mod:`sim.schemas.phasing`
(the rule ``recover/formats/`` uses too), so the table rebuilds from ``raw/`` alone.
Weeks: blocks of 7 days from ``run.start`` (:mod:`sim.world.calendar`); the days after the last
whole block fold into the last week, so no day is dropped (calendar 2025: 52 rows, 2025-12-31 in
the last). The adstock
decays are the analyst's assumptions (``[mmm.adstock_decay]`` in the scenario), deliberately
separate from the simulation's true response parameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.schemas import CHANNEL_TABLES, TABLES
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
