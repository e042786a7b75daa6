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

from sim.engine.plan import year_budgets
from sim.world.prices import commitment_scale, deal_cpp, site_rate
from sim.world.vendors import CHANNEL_OWNER_COLUMN, ContractTerm, VendorsConfig, all_terms

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


def first_year(term: ContractTerm) -> tuple[dt.date, dt.date]:
    """The term's Year-One Period: from its first day to the end of that calendar year (or the term)."""
    return term.start, min(term.end, dt.date(term.start.year, 12, 31))


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


def planned_budget(world: Any, channel: str, start: dt.date, end: dt.date) -> tuple[float, dict]:
    """The channel's planned money over ``start .. end`` and how to recompute it from the scenario.

    Each calendar year's budget (:func:`sim.engine.plan.year_budgets`: ``budget_gbp_by_year`` of
    the year, else ``budget_gbp``; a year past the horizon by the same rule) counts pro rata to
    the year's days in the window.
    """
    ch = world.media.channels.get(channel)
    if ch is None:
        return 0.0, {"const": 0.0}
    run = world.run.model_copy(update={"start": dt.date(start.year, 1, 1), "end": dt.date(end.year, 12, 31)})
    annual = year_budgets(world.model_copy(update={"run": run}), channel)
    value, parts = 0.0, []
    for year, budget in annual.items():
        days = (min(end, dt.date(year, 12, 31)) - max(start, dt.date(year, 1, 1))).days + 1
        year_days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
        key = f"budget_gbp_by_year.{year}" if year in ch.budget_gbp_by_year else "budget_gbp"
        source = {"config": f"media.channels.{channel}.{key}"}
        value += budget * days / year_days
        parts.append(source if days == year_days else {"op": "mul", "args": [source, {"const": days / year_days}]})
    return value, parts[0] if len(parts) == 1 else {"op": "add", "args": parts}


def line_weight(vendors: VendorsConfig, key: str, line: str) -> tuple[float, dict]:
    """A line's share of its channel's commitments scheduled in the first year (amount x
    in_year_share over the channel's total: the owner shares the media plan follows), and its source."""
    channel = vendors.contracts()[key].commitments[line].channel
    parts = {(k, name): c for k, contract in vendors.contracts().items()
             for name, c in contract.commitments.items() if c.channel == channel}

    def scheduled(k: str, name: str) -> dict:
        base = f"vendors.{k}.commitments.{name}"
        return {"op": "mul", "args": [{"config": f"{base}.amount_gbp"}, {"config": f"{base}.in_year_share"}]}

    total = sum(c.amount_gbp * c.in_year_share for c in parts.values())
    mine = parts[(key, line)]
    return (mine.amount_gbp * mine.in_year_share / total,
            {"op": "div", "args": [scheduled(key, line), {"op": "add", "args": [scheduled(*k) for k in parts]}]})


def term_commitment(world: Any, term: ContractTerm, line: str) -> tuple[float, dict, float, dict]:
    """A commitment line in one term: (commitment, its source, share scheduled in the Year-One
    Period, its source).

    The first term commits what the scenario declares, scaled to the channel budget
    (``amount x budget / reference``), with its declared ``in_year_share``. A renewal commits to
    each line its share of the channel's first-year commitments (:func:`line_weight`) of the
    channel's planned budget over the renewal term (:func:`planned_budget`), so the renewal's
    commitments add up to the channel's plan for the term, and schedules in its Year-One Period
    that period's part of the plan.
    """
    vendors: VendorsConfig = world.vendors
    c = term.contract.commitments[line]
    base = f"vendors.{term.key}.commitments.{line}"
    if not term.renewal:
        scale = commitment_scale(vendors, c.channel, channel_budget(world, c.channel))
        budget = {"op": "div", "args": [{"config": f"media.channels.{c.channel}.budget_gbp"},
                                        {"config": f"vendors.reference_budget_gbp.{c.channel}"}]}
        source = {"op": "mul", "args": [{"config": f"{base}.amount_gbp"}, budget]}
        return c.amount_gbp * scale, source, c.in_year_share, {"config": f"{base}.in_year_share"}
    weight, weight_source = line_weight(vendors, term.key, line)
    plan, plan_source = planned_budget(world, c.channel, term.start, term.end)
    year_plan, year_source = planned_budget(world, c.channel, *first_year(term))
    share = year_plan / plan if plan > 0 else 0.0
    return (weight * plan, {"op": "mul", "args": [weight_source, plan_source]}, share,
            {"op": "div", "args": [year_source, plan_source]} if plan > 0 else {"const": 0.0})


def commitment_reconciliation(world: Any, media: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each commitment line of each term: dates, commitment, share scheduled in the term's Year-One
    Period and what was delivered.

    ``delivered_in_term_gbp`` is the owners' spend inside the term's Year-One Period and the
    horizon (in a one-year run: inside the term and the simulated year); ``within_tolerance``
    says whether it agrees with the scheduled share within ``vendors.commitment_tolerance``
    (decision 8: the year delivers its part of each term), which is the review the contracts'
    phasing clauses describe. ``delivered_whole_term_gbp`` is the spend in the whole term inside
    the horizon.
    """
    vendors: VendorsConfig = world.vendors
    run_start, run_end = world.run.start, world.run.end
    records = []
    for key, terms in all_terms(vendors, run_end).items():
        for term in terms:
            for name, line in term.contract.commitments.items():
                committed, _, share, _ = term_commitment(world, term, name)
                scheduled = committed * share
                year_one = first_year(term)
                window = (max(year_one[0], run_start), min(year_one[1], run_end))
                in_term = float(owner_rows(media, line.channel, line.owners, window)["spend"].sum())
                whole = float(owner_rows(media, line.channel, line.owners, term.window(run_start, run_end))
                              ["spend"].sum())
                pre_term = 0.0 if term.renewal else float(owner_rows(
                    media, line.channel, line.owners, (run_start, term.start - dt.timedelta(days=1)))["spend"].sum())
                ratio = in_term / scheduled if scheduled > 0 else np.nan
                records.append({
                    "contract": key, "term": term.number, "reference": term.reference, "line": name,
                    "label": line.label, "channel": line.channel, "owners": ", ".join(line.owners),
                    "term_start": term.start, "term_end": term.end,
                    "commitment_gbp": committed, "in_year_share": share,
                    "scheduled_in_year_gbp": scheduled, "delivered_in_term_gbp": in_term,
                    "delivered_whole_term_gbp": whole,
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
