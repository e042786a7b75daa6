"""Delivery: what a day's spend buys (impressions, clicks, views, ...), and the website
sessions its clicks land (:func:`sim.engine.visits.land_clicks`).

Each campaign line x breakdown draws its own base rates inside the channel's ranges for its
objective (a campaign has its own CPM and CTR), and each day jitters them a little; every rate
is clipped to its range, so the extract's per-objective ranges hold by construction.
Impressions follow from the price model of the objective:

* ``cpm``: impressions = spend / cpm x 1000
* ``cpc`` (+ ``ctr``): clicks = spend / cpc, impressions = clicks / ctr
* ``cpv`` (+ ``view_rate``): views = spend / cpv, impressions = views / view_rate

Random draws are keyed by the line (base rates) and by channel and market (daily jitter), so a
change to one channel leaves the delivery of every other channel unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.visits import land_clicks
from sim.world.config import DeliveryRanges, World
from sim.world.streams import Stream, Streams

RATE_FIELDS = ("cpm", "ctr", "cpc", "cpv", "view_rate", "completion_rate", "viewability",
               "watch_time_s", "impression_share", "engagement_rate")
DAILY_JITTER = 0.25  # share of a range's width by which a day may move off the campaign's base


def _ranges(world: World, channel: str, row_objective: str, attrs: dict) -> DeliveryRanges:
    key = attrs.get("delivery", row_objective)
    return world.media.channels[channel].delivery.get(key, DeliveryRanges())


def _draw_rates(world: World, group: pd.DataFrame, streams: Streams, channel: str, market: str) -> pd.DataFrame:
    n = len(group)
    jitter_rng = streams.generator(Stream.DELIVERY, channel, market, "daily")
    out = {f: np.full(n, np.nan) for f in RATE_FIELDS}
    out["quality_score"] = np.full(n, np.nan)
    jit = jitter_rng.uniform(-1, 1, (n, len(RATE_FIELDS)))
    for (line_id, breakdown), idx in group.groupby(["line_id", "breakdown"], sort=False).indices.items():
        attrs = group["attributes"].iloc[idx[0]]
        ranges = _ranges(world, channel, group["objective"].iloc[idx[0]], attrs)
        base_rng = streams.generator(Stream.DELIVERY, line_id, breakdown)
        for k, f in enumerate(RATE_FIELDS):
            r = getattr(ranges, f)
            if r is None:
                continue
            lo, hi = r
            width = hi - lo
            base = base_rng.uniform(lo + 0.15 * width, hi - 0.15 * width)
            out[f][idx] = np.clip(base + DAILY_JITTER * width * jit[idx, k], lo, hi)
        if ranges.quality_score is not None:
            q_lo, q_hi = ranges.quality_score
            out["quality_score"][idx] = base_rng.integers(q_lo, q_hi + 1)
    return pd.DataFrame(out, index=group.index)


def deliver(world: World, plan: pd.DataFrame, streams: Streams) -> pd.DataFrame:
    """Add delivery columns to the plan: rates, impressions, clicks, views."""
    parts = [pd.DataFrame(columns=[*RATE_FIELDS, "quality_score"], dtype=float)]
    for (channel, market), group in plan.groupby(["channel", "market"], sort=True):
        parts.append(_draw_rates(world, group, streams, channel, market))
    rates = pd.concat(parts).loc[plan.index]
    df = pd.concat([plan, rates], axis=1)
    spend = df["spend"].to_numpy()
    impressions = np.zeros(len(df))
    by_cpm = df["cpm"].notna().to_numpy()
    impressions[by_cpm] = spend[by_cpm] / df["cpm"].to_numpy()[by_cpm] * 1000
    by_cpc = (~by_cpm) & df["cpc"].notna().to_numpy()
    impressions[by_cpc] = spend[by_cpc] / df["cpc"].to_numpy()[by_cpc] / df["ctr"].to_numpy()[by_cpc]
    by_cpv = (~by_cpm) & (~by_cpc) & df["cpv"].notna().to_numpy()
    impressions[by_cpv] = spend[by_cpv] / df["cpv"].to_numpy()[by_cpv] / df["view_rate"].to_numpy()[by_cpv]
    is_event = (df["channel"] == "events").to_numpy()
    if is_event.any():
        # an event's media impressions scale with what is spent on it (none if cancelled)
        per_gbp = np.array([a.get("impressions_per_gbp", 0.0) for a in df.loc[is_event, "attributes"]])
        impressions[is_event] = spend[is_event] * per_gbp * _event_spend_ratio(world, df.loc[is_event])
    impressions = _contracted_tv(world, df, impressions, streams)
    df["delivered_share"] = _incidents(world, df, "impressions")  # what survived declared incidents
    impressions = impressions * df["delivered_share"].to_numpy()
    df["impressions"] = np.round(impressions).astype(np.int64)
    df["viewability"] = df["viewability"] * _incidents(world, df, "viewability")
    ctr = df["ctr"].fillna(0).to_numpy()
    df["clicks"] = np.round(df["impressions"].to_numpy() * ctr).astype(np.int64)
    vr = df["view_rate"].fillna(0).to_numpy()
    df["views"] = np.round(df["impressions"].to_numpy() * vr).astype(np.int64)
    return land_clicks(world, df, streams)


INCIDENT_MEASURE = {"grp_shortfall": "impressions", "site_outage": "impressions", "viewability_dip": "viewability"}
TV_GRP_NOISE = 0.03  # linear delivery around the booked GRPs, inside every contract's make-good threshold


def programme_of(line_id: str, attrs: dict, day: pd.Timestamp, streams: Streams) -> str:
    """The programme a TV line's spots sit in during the week of ``day`` (one per line and week)."""
    programmes = attrs.get("programmes") or [""]
    monday = day - pd.Timedelta(days=day.weekday())
    return programmes[int(streams.generator(Stream.PROGRAMME, line_id, f"{monday:%Y-%m-%d}").integers(len(programmes)))]


def _programmes(rows: pd.DataFrame, streams: Streams) -> list[str]:
    """programme_of for every TV row; it is one draw per line and week, so draw each once."""
    weekly: dict[tuple[str, pd.Timestamp], str] = {}
    mondays = rows["date"] - pd.to_timedelta(rows["date"].dt.day_of_week, unit="D")
    out = []
    for line_id, attrs, day, monday in zip(rows["line_id"], rows["attributes"], rows["date"], mondays, strict=True):
        key = (line_id, monday)
        if key not in weekly:
            weekly[key] = programme_of(line_id, attrs, day, streams)
        out.append(weekly[key])
    return out


def _contracted_tv(world: World, df: pd.DataFrame, impressions: np.ndarray, streams: Streams) -> np.ndarray:
    """Linear TV is bought in GRPs at the contracts' deal CPP (by daypart and programme)."""
    from sim.world.prices import deal_cpp

    tv = (df["channel"] == "tv").to_numpy()
    df["programme"] = ""
    if not tv.any():
        return impressions
    rows = df.loc[tv]
    df.loc[tv, "programme"] = _programmes(rows, streams)
    linear = tv & df["objective"].str.startswith("linear").to_numpy()
    if not linear.any():
        return impressions
    rows = df.loc[linear]
    cpp = np.array([deal_cpp(world.vendors, a["broadcaster"], a["daypart"], p)
                    for a, p in zip(rows["attributes"], rows["programme"], strict=True)])
    noise = 1 + streams.generator(Stream.DELIVERY, "tv", "grps").uniform(-TV_GRP_NOISE, TV_GRP_NOISE, linear.sum())
    adults = np.array([world.markets[m].adult_population_m * 1e6 for m in rows["market"]])
    out = impressions.copy()
    out[linear] = rows["spend"].to_numpy() / cpp * noise * adults / 100
    bought = out[linear]  # 0 on a day an intervention scaled to nothing: no CPM (the row is dropped after delivery)
    df.loc[linear, "cpm"] = np.divide(rows["spend"].to_numpy(), bought, out=np.full(len(bought), np.nan),
                                      where=bought > 0) * 1000
    return out


def _incidents(world: World, df: pd.DataFrame, measure: str) -> np.ndarray:
    """Share of delivery that survives the scenario's declared incidents (outages, shortfalls)."""
    from sim.world.prices import incident_factor

    factor = np.ones(len(df))
    channels = {inc.channel for inc in world.vendors.incidents if INCIDENT_MEASURE.get(inc.kind) == measure}
    for ch in channels:
        idx = np.flatnonzero((df["channel"] == ch).to_numpy())
        rows = df.iloc[idx]
        factor[idx] = [incident_factor(world.vendors, ch, d.date(), a.get("broadcaster") or a.get("vendor", ""),
                                       daypart=a.get("daypart", ""), fmt=b, city=a.get("city", ""))
                       for d, a, b in zip(rows["date"], rows["attributes"], rows["breakdown"], strict=True)]
    return factor


def _event_spend_ratio(world: World, rows: pd.DataFrame) -> np.ndarray:
    """Configured spend weight / planned spend, so planned spend buys the configured impressions."""
    from sim.engine.plan import event_budgets

    ratio = [configured / budget if budget else 0.0 for budget, configured in event_budgets(world)]
    return np.array([ratio[a["event_index"]] for a in rows["attributes"]], dtype=float)


def exposures(world: World, delivered: pd.DataFrame) -> pd.DataFrame:
    """Impressions per day x channel x market x region (region '' = whole market)."""
    keys = delivered[["date", "channel", "market"]].copy()
    keys["region"] = delivered["region"].fillna("")
    keys["impressions"] = delivered["impressions"].astype(float)
    return keys.groupby(["date", "channel", "market", "region"], as_index=False)["impressions"].sum()
