"""The schedules of the contracts that report delivery: tables measured from the year's media data.

Rate cards and commitments come from the terms; these tables come from the media tables
(through :mod:`sim.exporters.contracts.measure`) so that what a contract says was delivered is what
the raw CSVs show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.exporters.contracts.facts import Facts
from sim.exporters.contracts.measure import CHANNEL_TABLE, ooh_site_days, owner_rows, tv_weeks
from sim.exporters.contracts.text import long_date, md_table, money
from sim.world.vendors import AgencyTerms, Contract


def tv_delivery_table(f: Facts) -> str:
    """Month by month inside the term: spend per commitment line, booked and delivered linear GRPs."""
    tv = f.media.get(CHANNEL_TABLE["tv"])
    if tv is None or f.window is None:
        return "_No airtime was transmitted in the term during the year._"
    lines = list(f.contract.commitments.values())
    monthly = {}
    for line in lines:
        parts = owner_rows(f.media, "tv", line.owners, f.window)
        monthly[line.label] = parts.groupby("year_month")["spend"].sum()
    grps = tv_weeks(tv, f.vendors, _linear_owners(f.contract), f.window).groupby("year_month")[
        ["booked_grps", "grps"]].sum()
    months = sorted(set().union(*[s.index for s in monthly.values()]))
    rows = [[pd.Period(m, freq="M").strftime("%b %Y")] + [money(monthly[k].get(m, 0.0)) for k in monthly]
            + [f"{grps['booked_grps'].get(m, 0.0):.1f}", f"{grps['grps'].get(m, 0.0):.1f}"] for m in months]
    headers = ["Month"] + [f"{k} spend" for k in monthly] + ["Booked GRPs", "Delivered GRPs"]
    return md_table(headers, rows, right=set(range(1, len(headers))))


def _linear_owners(c: Contract) -> list[str]:
    return [o for m in c.sla.values() if m.measure == "grp_delivery" for o in m.owners]


def site_package_table(f: Facts) -> str:
    """Sites by format and city as booked in the year: cycles, peak contracted sites, spend."""
    ooh = f.media.get(CHANNEL_TABLE["ooh"])
    owners = [o for line in f.contract.commitments.values() for o in line.owners]
    if ooh is None or f.window is None:
        return "_No sites were booked in the term during the year._"
    parts = ooh_site_days(ooh, f.vendors, owners, f.window)
    if parts.empty:
        return "_No sites were booked in the term during the year._"
    parts["spend_in_window"] = parts["spend"].astype(float) * parts["share"]
    by = parts.groupby(["format", "city"], sort=True).agg(
        cycles=("start_date", "nunique"), peak=("contracted_sites", "max"), spend=("spend_in_window", "sum"))
    rows = [[fmt, city, int(r.cycles), f"{r.peak:.0f}", money(r.spend)] for (fmt, city), r in by.iterrows()]
    return md_table(["Format", "City", "Campaign cycles", "Peak contracted sites", "Spend"], rows, right={2, 3, 4})


def ooh_delivery_table(f: Facts) -> str:
    """Month by month in the term: spend, contracted and live sites (daily averages of site-days)."""
    ooh = f.media.get(CHANNEL_TABLE["ooh"])
    owners = [o for line in f.contract.commitments.values() for o in line.owners]
    parts = None if ooh is None or f.window is None else ooh_site_days(ooh, f.vendors, owners, f.window)
    if parts is None or parts.empty:
        return "_No sites were booked in the term during the year._"
    parts["spend_in_month"] = parts["spend"].astype(float) * parts["share"]
    by = parts.groupby("year_month", sort=True)[["spend_in_month", "contracted_site_days", "live_site_days"]].sum()
    rows = []
    for month, r in by.iterrows():
        days = pd.Period(month, freq="M").days_in_month
        rows.append([pd.Period(month, freq="M").strftime("%b %Y"), money(r.spend_in_month),
                     f"{r.contracted_site_days / days:.1f}", f"{r.live_site_days / days:.1f}",
                     f"{r.live_site_days / r.contracted_site_days:.1%}"])
    return md_table(["Month", "Spend", "Contracted sites", "Live sites", "Availability"], rows, right={1, 2, 3, 4})


def billings_table(f: Facts) -> str:
    """Media spend per raw table in the year, the base of the media commission."""
    channels = f.world.media.channels
    rows = []
    for stem, df in sorted(f.media.items()):
        if "spend" not in df.columns:
            continue
        key = stem.removesuffix("_ads").removesuffix("_performance")
        label = channels[key].label if key in channels else stem
        spend = float(df["spend"].astype(float).sum())
        rows.append([label, f"`{stem}`", money(spend), money(spend * f.contract.commission_media)])  # type: ignore[attr-defined]
    return md_table(["Channel", "Report", "Media spend", "Commission"], rows, right={2, 3})


def report_calendar(f: Facts) -> str:
    """Each month of the term in the year and the last day its Monthly Report may arrive."""
    c: AgencyTerms = f.contract  # type: ignore[assignment]
    if f.window is None:
        return "_The appointment does not cover the year._"
    due_days = int(next(m.target for m in c.sla.values() if m.measure == "report_timeliness"))
    rows = []
    for month in pd.period_range(f.window[0], f.window[1], freq="M"):
        month_end = np.datetime64(month.end_time.date())
        due = pd.Timestamp(np.busday_offset(month_end, due_days, roll="backward")).date()
        rows.append([month.strftime("%B %Y"), long_date(month.end_time.date()), long_date(due)])
    return md_table(["Month reported", "Month end", "Report due by"], rows)
