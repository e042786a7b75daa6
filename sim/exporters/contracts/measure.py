"""Measurements of delivery from the raw media tables, priced at the contracted rates.

Everything the contracts and ``sla_tracking.csv`` say about delivery is computed here from
the media DataFrames (keyed by raw file stem, with the extract's columns), never from the
declared incidents: booked GRPs = spend / deal CPP, contracted sites = spend / site rate,
and rows that span a month boundary (TV weeks, OOH cycles) are shared between months by
their days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from sim.world.prices import commitment_scale, deal_cpp, site_rate
from sim.world.vendors import CHANNEL_OWNER_COLUMN, Contract, VendorsConfig

TV_WEEK_DAYS = 7
CHANNEL_TABLE = {"tv": "tv_performance", "ooh": "ooh_performance", "dv360": "dv360"}


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.normalize()


def span_rows(frame: pd.DataFrame, start: pd.Series, end: pd.Series,
              window: tuple[dt.date, dt.date] | None = None) -> pd.DataFrame:
    """One row per (input row, calendar month) it overlaps, with ``days`` and ``share`` of its span.

    ``start`` and ``end`` are inclusive. With a ``window`` only the days inside it count, so a
    TV week that straddles a contract's first day is split into pre-term and in-term parts.
    """
    start, end = _dates(start), _dates(end)
    span_days = (end - start).dt.days + 1
    lo, hi = start, end
    if window is not None:
        lo = start.clip(lower=pd.Timestamp(window[0]))
        hi = end.clip(upper=pd.Timestamp(window[1]))
    pieces = []
    for idx, a, b, n in zip(frame.index, lo, hi, span_days, strict=True):
        for month in pd.period_range(a, b, freq="M") if a <= b else []:
            first = max(a, month.start_time)
            last = min(b, month.end_time.normalize())
            pieces.append((idx, str(month), (last - first).days + 1, n))
    parts = pd.DataFrame(pieces, columns=["row", "year_month", "days", "span_days"])
    out = frame.loc[parts["row"]].reset_index(drop=True)
    out["year_month"] = parts["year_month"].to_numpy()
    out["days"] = parts["days"].to_numpy()
    out["share"] = (parts["days"] / parts["span_days"]).to_numpy(dtype=float)
    return out


def tv_weeks(tv: pd.DataFrame, vendors: VendorsConfig, owners: list[str],
             window: tuple[dt.date, dt.date]) -> pd.DataFrame:
    """Linear TV rows of ``owners`` by month, with booked GRPs at the deal CPP and delivered GRPs."""
    rows = tv[tv["broadcaster"].isin(owners)].copy()
    rows["booked_grps"] = [s / deal_cpp(vendors, b, d, p) for s, b, d, p in
                           zip(rows["spend"], rows["broadcaster"], rows["daypart"], rows["programme_name"],
                               strict=True)]
    start = _dates(rows["date_week_start"])
    out = span_rows(rows, start, start + pd.Timedelta(days=TV_WEEK_DAYS - 1), window)
    for col in ("booked_grps", "grps", "spend"):
        out[col] = out[col].astype(float) * out["share"]
    return out


def ooh_site_days(ooh: pd.DataFrame, vendors: VendorsConfig, owners: list[str],
                  window: tuple[dt.date, dt.date]) -> pd.DataFrame:
    """OOH rows of ``owners`` by month: contracted sites (spend / site rate) and live sites, in site-days."""
    rows = ooh[ooh["vendor"].isin(owners)].copy()
    # a booking contracts whole sites: its spend at the site rate, rounded
    rows["contracted_sites"] = np.round([s / site_rate(vendors, v, f) for s, v, f in
                                         zip(rows["spend"], rows["vendor"], rows["format"], strict=True)])
    out = span_rows(rows, rows["start_date"], rows["end_date"], window)
    out["contracted_site_days"] = out["contracted_sites"] * out["days"]
    out["live_site_days"] = out["sites_booked"].astype(float) * out["days"]
    return out


def dv360_days(dv: pd.DataFrame, markets: list[str], window: tuple[dt.date, dt.date]) -> pd.DataFrame:
    """DV360 rows of the agency's markets inside the window, with their month."""
    day = _dates(dv["date"])
    keep = dv["market"].isin(markets) & (day >= pd.Timestamp(window[0])) & (day <= pd.Timestamp(window[1]))
    out = dv[keep].copy()
    out["year_month"] = day[keep].dt.strftime("%Y-%m")
    return out


def term_window(contract: Contract, run_start: dt.date, run_end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The part of the contract term inside the simulated year (None if they do not meet)."""
    a, b = max(contract.start, run_start), min(contract.end, run_end)
    return (a, b) if a <= b else None


def owner_rows(media: dict[str, pd.DataFrame], channel: str, owners: list[str],
               window: tuple[dt.date, dt.date] | None) -> pd.DataFrame:
    """The owners' rows of a channel's table, split by month inside the window, spend shared by days."""
    table = media.get(CHANNEL_TABLE[channel])
    if table is None or window is None or window[0] > window[1]:
        return pd.DataFrame(columns=["year_month", "spend"])
    rows = table[table[CHANNEL_OWNER_COLUMN[channel]].isin(owners)]
    if channel == "tv":
        start = _dates(rows["date_week_start"])
        end = start + pd.Timedelta(days=TV_WEEK_DAYS - 1)
    else:
        start, end = rows["start_date"], rows["end_date"]
    parts = span_rows(rows, start, end, window)
    parts["spend"] = parts["spend"].astype(float) * parts["share"]
    return parts


def channel_budget(world: Any, channel: str) -> float:
    """The world's budget for a channel (0 if the world has no such channel)."""
    ch = world.media.channels.get(channel)
    return float(ch.budget_gbp) if ch is not None else 0.0


def commitment_reconciliation(world: Any, media: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each commitment line: term, scaled commitment, share scheduled in the year and what was delivered.

    ``delivered_in_term_gbp`` is the owners' spend inside the term and the simulated year;
    ``within_tolerance`` says whether it agrees with the scheduled share within
    ``vendors.commitment_tolerance`` (decision 8: the year delivers its part of each term).
    """
    vendors: VendorsConfig = world.vendors
    run_start, run_end = world.run.start, world.run.end
    records = []
    for key, contract in vendors.contracts().items():
        for name, line in contract.commitments.items():
            scale = commitment_scale(vendors, line.channel, channel_budget(world, line.channel))
            committed = line.amount_gbp * scale
            scheduled = committed * line.in_year_share
            window = term_window(contract, run_start, run_end)
            in_term = float(owner_rows(media, line.channel, line.owners, window)["spend"].sum())
            pre_term = float(owner_rows(media, line.channel, line.owners,
                                        (run_start, contract.start - dt.timedelta(days=1)))["spend"].sum())
            ratio = in_term / scheduled if scheduled > 0 else np.nan
            records.append({
                "contract": key, "line": name, "label": line.label, "channel": line.channel,
                "owners": ", ".join(line.owners), "term_start": contract.start, "term_end": contract.end,
                "commitment_gbp": committed, "in_year_share": line.in_year_share,
                "scheduled_in_year_gbp": scheduled, "delivered_in_term_gbp": in_term,
                "delivered_pre_term_gbp": pre_term, "remaining_after_year_gbp": max(committed - in_term, 0.0),
                "delivered_vs_scheduled": ratio,
                "within_tolerance": _agrees(scheduled, in_term, vendors.commitment_tolerance),
            })
    return pd.DataFrame.from_records(records)


def _agrees(scheduled: float, delivered: float, tolerance: float) -> bool:
    if scheduled <= 0:
        return delivered <= 0
    return abs(delivered / scheduled - 1) <= tolerance


def total_media_spend(media: dict[str, pd.DataFrame]) -> float:
    """Sum of every ``spend`` column: the media billings the agency's commission applies to."""
    return float(sum(df["spend"].astype(float).sum() for df in media.values() if "spend" in df.columns))
