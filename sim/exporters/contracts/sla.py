"""``sla_tracking.csv``: each contract's service levels, period by period, measured from the data.

A row compares a contracted value (from the scenario's vendor terms, or delivery priced at the
contracted rates) with an actual value measured from the media tables: GRPs from
``tv_performance``, live sites from ``ooh_performance``, viewability and supply paths from
``dv360``. The agency's report deliveries are the one process no media table records; they
are simulated here (a business-day draw plus any declared ``late_report`` delay) and then
measured like the rest. ``notes`` explain each result from the rows that caused it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from sim.exporters.contracts.measure import dv360_days, ooh_site_days, tv_weeks
from sim.exporters.contracts.text import plural
from sim.world.streams import Stream, Streams
from sim.world.vendors import (
    CEILING_MEASURES,
    AgencyTerms,
    AirtimeContract,
    Contract,
    OohContract,
    SlaMetric,
    VendorsConfig,
    all_terms,
    contract_terms,
    coverage,
)

COLUMNS = ["year_month", "vendor", "contract_type", "metric_name", "contracted_value", "actual_value",
           "variance_pct", "in_compliance", "notes"]
METRIC_NAMES = {
    "grp_delivery": "grp_delivery",
    "site_availability": "site_availability",
    "frequency_cap": "bvod_weekly_frequency",
    "viewability": "viewability_pct",
    "approved_supply": "brand_safe_supply_pct",
    "report_timeliness": "report_delivery_business_days",
}
WORST_ROWS = 2  # rows named in a note that explains a miss


def period_of(year_month: str, cadence: str) -> str:
    """The reporting period of a month: itself, or the last month of its quarter."""
    if cadence == "monthly":
        return year_month
    month = pd.Period(year_month, freq="M")
    return str(month.asfreq("Q").asfreq("M", how="end"))


def _row(contract: Contract, metric: SlaMetric, period: str, contracted: float, actual: float,
         notes: str) -> dict[str, Any]:
    ceiling = metric.measure in CEILING_MEASURES
    if metric.measure in ("grp_delivery", "site_availability"):
        ok = actual >= metric.target * contracted
    else:
        ok = actual <= contracted if ceiling else actual >= contracted
    return {
        "year_month": period, "vendor": contract.vendor.name, "contract_type": contract.contract_type,
        "metric_name": METRIC_NAMES[metric.measure], "contracted_value": round(contracted, 2),
        "actual_value": round(actual, 2), "variance_pct": round((actual - contracted) / contracted * 100, 2),
        "in_compliance": bool(ok), "notes": notes,
    }


# --------------------------------------------------------------------------- TV
def _grp_rows(ctx: _Context, contract: AirtimeContract, metric: SlaMetric) -> list[dict[str, Any]]:
    """Delivered GRPs against GRPs booked at the deal CPP: the station's delivery guarantee."""
    tv = ctx.media.get("tv_performance")
    if tv is None or ctx.window(contract) is None:
        return []
    weeks = tv_weeks(tv, ctx.vendors, metric.owners, ctx.window(contract))
    weeks["period"] = [period_of(m, metric.cadence) for m in weeks["year_month"]]
    rows = []
    for period, grp in weeks.groupby("period", sort=True):
        booked, delivered = grp["booked_grps"].sum(), grp["grps"].astype(float).sum()
        if booked <= 0:
            continue
        ratio = delivered / booked
        note = (f"Delivered {delivered:.1f} of {booked:.1f} GRPs booked at deal CPPs ({ratio:.1%}) across "
                f"{plural(grp['date_week_start'].nunique(), 'week')} on air.")
        if ratio < metric.target:
            note += (f" Below the {metric.target:.0%} delivery threshold; shortfall in "
                     f"{_worst_tv(grp, metric.target)}. Make-good airtime due within {contract.make_good_weeks} weeks.")
        rows.append(_row(contract, metric, period, booked, delivered, note))
    return rows


def _worst_tv(grp: pd.DataFrame, target: float) -> str:
    """The weeks and dayparts that delivered least against their booking (below the threshold)."""
    by = grp.groupby(["date_week_start", "daypart"], sort=True)[["grps", "booked_grps"]].sum()
    by["ratio"] = by["grps"] / by["booked_grps"]
    worst = by[by["ratio"] < target].sort_values("ratio", kind="stable").head(WORST_ROWS)
    return "; ".join(f"w/c {pd.Timestamp(wk):%Y-%m-%d} {dp} ({r.grps:.1f} of {r.booked_grps:.1f} GRPs)"
                     for (wk, dp), r in worst.iterrows())


def _frequency_rows(ctx: _Context, contract: Contract, metric: SlaMetric) -> list[dict[str, Any]]:
    """The highest weekly average frequency in the period against the cap (reach-weighted per week)."""
    tv = ctx.media.get("tv_performance")
    if tv is None or ctx.window(contract) is None:
        return []
    rows = tv[tv["broadcaster"].isin(metric.owners)].copy()
    start = pd.to_datetime(rows["date_week_start"])
    a, b = ctx.window(contract)
    rows = rows[(start >= pd.Timestamp(a)) & (start <= pd.Timestamp(b))]
    if rows.empty:
        return []
    rows["year_month"] = pd.to_datetime(rows["date_week_start"]).dt.strftime("%Y-%m")
    rows["period"] = [period_of(m, metric.cadence) for m in rows["year_month"]]
    rows["impacts"] = rows["reach_000"].astype(float) * rows["avg_frequency"].astype(float)
    out = []
    for period, grp in rows.groupby("period", sort=True):
        weekly = grp.groupby("date_week_start", sort=True)[["impacts", "reach_000"]].sum()
        freq = weekly["impacts"] / weekly["reach_000"]
        peak_week, peak = freq.idxmax(), float(freq.max())
        note = (f"Highest weekly average frequency {peak:.2f} in w/c {pd.Timestamp(peak_week):%Y-%m-%d} "
                f"over {plural(len(weekly), 'week')} (cap {metric.target:g}).")
        if peak > metric.target:
            over = int((freq > metric.target).sum())
            note += f" Cap exceeded in {plural(over, 'week')}; impressions above the cap are credited."
        out.append(_row(contract, metric, period, metric.target, peak, note))
    return out


# --------------------------------------------------------------------------- OOH
def _site_rows(ctx: _Context, contract: OohContract, metric: SlaMetric) -> list[dict[str, Any]]:
    """Live sites against contracted sites, as daily averages of site-days in the period."""
    ooh = ctx.media.get("ooh_performance")
    if ooh is None or ctx.window(contract) is None:
        return []
    parts = ooh_site_days(ooh, ctx.vendors, metric.owners, ctx.window(contract))
    parts["period"] = [period_of(m, metric.cadence) for m in parts["year_month"]]
    rows = []
    for period, grp in parts.groupby("period", sort=True):
        days = _period_days(period, metric.cadence, ctx.window(contract))
        contracted = grp["contracted_site_days"].sum() / days
        live = grp["live_site_days"].sum() / days
        if contracted <= 0:
            continue
        cycles = len(grp.groupby(["campaign_id", "start_date"]))
        note = (f"On average {live:.1f} sites live per day against {contracted:.1f} contracted "
                f"({live / contracted:.1%}) over {plural(cycles, 'campaign cycle')}.")
        if live < metric.target * contracted:
            note += (f" Below the {metric.target:.0%} availability threshold: {_worst_ooh(grp, metric.target)}. "
                     f"Make-good sites due within {contract.make_good_weeks} weeks.")
        rows.append(_row(contract, metric, period, contracted, live, note))
    return rows


def _period_days(period: str, cadence: str, window: tuple[dt.date, dt.date]) -> int:
    end = pd.Period(period, freq="M").end_time.normalize()
    start = pd.Period(period, freq="M").start_time if cadence == "monthly" else (
        pd.Period(period, freq="M") - 2).start_time
    start, end = max(start, pd.Timestamp(window[0])), min(end, pd.Timestamp(window[1]))
    return (end - start).days + 1


def _worst_ooh(grp: pd.DataFrame, target: float) -> str:
    """The cycles whose live sites fell furthest short of their contracted sites (below the threshold)."""
    cols = ["format", "city", "start_date", "end_date"]
    by = grp.groupby(cols, sort=True)[["live_site_days", "contracted_site_days", "sites_booked",
                                       "contracted_sites"]].agg(
        {"live_site_days": "sum", "contracted_site_days": "sum", "sites_booked": "first", "contracted_sites": "first"})
    by["ratio"] = by["live_site_days"] / by["contracted_site_days"]
    worst = by[by["ratio"] < target].sort_values("ratio", kind="stable").head(WORST_ROWS)
    return "; ".join(f"{fmt} in {city} ran {r.sites_booked:.0f} of {r.contracted_sites:.0f} contracted sites "
                     f"in the cycle {pd.Timestamp(a):%Y-%m-%d} to {pd.Timestamp(b):%Y-%m-%d}"
                     for (fmt, city, a, b), r in worst.iterrows())


# --------------------------------------------------------------------------- digital (agency)
def _dv360_periods(ctx: _Context, contract: AgencyTerms, metric: SlaMetric):
    """(period, that period's DV360 rows, impressions) inside the contract's term, per SLA cadence."""
    dv = ctx.media.get("dv360")
    if dv is None or ctx.window(contract) is None:
        return
    rows = dv360_days(dv, contract.markets, ctx.window(contract))
    rows["period"] = [period_of(m, metric.cadence) for m in rows["year_month"]]
    for period, grp in rows.groupby("period", sort=True):
        imps = grp["impressions"].astype(float).sum()
        if imps > 0:
            yield period, grp, imps


def _viewability_rows(ctx: _Context, contract: AgencyTerms, metric: SlaMetric) -> list[dict[str, Any]]:
    """Viewable share of DV360 impressions in the agency's markets against the target."""
    out = []
    for period, grp, imps in _dv360_periods(ctx, contract, metric):
        actual = grp["viewable_impressions"].astype(float).sum() / imps * 100
        target = metric.target * 100
        by_exchange = grp.groupby("exchange")[["viewable_impressions", "impressions"]].sum()
        rate = (by_exchange["viewable_impressions"] / by_exchange["impressions"]).sort_values(kind="stable")
        note = f"{actual:.1f}% of {imps:,.0f} DV360 impressions viewable (MRC standard)."
        if actual < target:
            low = ", ".join(f"{ex} {r:.1%}" for ex, r in rate.head(WORST_ROWS).items())
            note += f" Below the {target:g}% target; lowest exchanges: {low}. Remedial optimisation plan required."
        out.append(_row(contract, metric, period, target, actual, note))
    return out


def _supply_rows(ctx: _Context, contract: AgencyTerms, metric: SlaMetric) -> list[dict[str, Any]]:
    """Share of DV360 impressions bought through approved exchanges: the brand-safe supply path."""
    out = []
    for period, grp, imps in _dv360_periods(ctx, contract, metric):
        approved = grp["exchange"].isin(contract.approved_exchanges)
        actual = grp.loc[approved, "impressions"].astype(float).sum() / imps * 100
        note = f"{actual:.2f}% of impressions bought through approved exchanges."
        if (~approved).any():
            other = grp.loc[~approved].groupby("exchange")["impressions"].sum().sort_values(ascending=False)
            note += " Non-approved supply: " + ", ".join(f"{ex} ({n / imps:.2%})" for ex, n in other.items()) + "."
        out.append(_row(contract, metric, period, metric.target * 100, actual, note))
    return out


def agency_report_log(world: Any, rng: np.random.Generator | None = None) -> pd.DataFrame:
    """When each monthly report reached the client: business days after month end, for every month
    of the agency's terms (the first and its renewals) inside the horizon.

    No media table records this, so it is simulated: a draw within the agency's usual range
    plus the delay of any declared ``late_report`` incident covering the month.
    """
    agency: AgencyTerms = world.vendors.agency
    window = coverage(contract_terms(world.vendors, "agency", world.run.end), world.run.start, world.run.end)
    if window is None:
        return pd.DataFrame(columns=["year_month", "business_days", "cause"])
    rng = rng or Streams(world.run.seed).generator(Stream.CONTRACTS, "agency_reports")
    months = pd.period_range(window[0], window[1], freq="M")
    lo, hi = agency.report_business_days
    drawn = rng.integers(lo, hi + 1, len(months))
    records = []
    for month, days in zip(months, drawn, strict=True):
        late = [i for i in world.vendors.incidents if i.kind == "late_report"
                and i.start <= month.end_time.date() and i.end >= month.start_time.date()]
        records.append({"year_month": str(month), "business_days": int(days) + sum(i.delay_business_days for i in late),
                        "cause": "; ".join(i.cause for i in late)})
    return pd.DataFrame.from_records(records)


def _report_rows(ctx: _Context, contract: AgencyTerms, metric: SlaMetric) -> list[dict[str, Any]]:
    """The slowest monthly report of the period, in business days after month end, against the deadline."""
    log = ctx.report_log.copy()
    if log.empty:
        return []
    log["period"] = [period_of(m, metric.cadence) for m in log["year_month"]]
    out = []
    for period, grp in log.groupby("period", sort=True):
        worst = grp.loc[grp["business_days"].idxmax()]
        listing = ", ".join(f"{pd.Period(m, freq='M').strftime('%b')} {d}" for m,
                            d in zip(grp["year_month"], grp["business_days"], strict=True))
        note = f"Monthly reports delivered after month end (business days): {listing}."
        if worst["business_days"] > metric.target:
            cause = worst["cause"] or "no cause recorded"
            note += f" The {pd.Period(worst['year_month'], freq='M').strftime('%B')} report was late: {cause}."
        out.append(_row(contract, metric, period, float(metric.target), float(worst["business_days"]), note))
    return out


# --------------------------------------------------------------------------- assembly
class _Context:
    """What every measure needs: the terms, the media tables, the year, the report log."""

    def __init__(self, world: Any, media: dict[str, pd.DataFrame], rng: np.random.Generator | None):
        self.world = world
        self.vendors: VendorsConfig = world.vendors
        self.media = media
        self.report_log = agency_report_log(world, rng)
        terms = all_terms(self.vendors, world.run.end)
        self.windows = {id(c): coverage(terms[k], world.run.start, world.run.end)
                        for k, c in self.vendors.contracts().items()}

    def window(self, contract: Contract) -> tuple[dt.date, dt.date] | None:
        """The days of the horizon the contract's terms (first and renewals) cover."""
        return self.windows[id(contract)]


MEASURES: dict[str, Callable[[_Context, Any, SlaMetric], list[dict[str, Any]]]] = {
    "grp_delivery": _grp_rows,
    "site_availability": _site_rows,
    "frequency_cap": _frequency_rows,
    "viewability": _viewability_rows,
    "approved_supply": _supply_rows,
    "report_timeliness": _report_rows,
}


def sla_tracking(world: Any, media: dict[str, pd.DataFrame], rng: np.random.Generator | None = None) -> pd.DataFrame:
    """The SLA table: one row per contract x service level x period with delivery in one of its terms
    (the first or a renewal, which keeps the service levels)."""
    ctx = _Context(world, media, rng)
    rows: list[dict[str, Any]] = []
    for contract in ctx.vendors.contracts().values():
        for metric in contract.sla.values():
            rows += MEASURES[metric.measure](ctx, contract, metric)
    table = pd.DataFrame.from_records(rows, columns=COLUMNS)
    return table.sort_values(["year_month", "vendor", "metric_name"], kind="stable").reset_index(drop=True)
