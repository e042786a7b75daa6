"""SLA breach notices and make-good letters: one per period ``sla_tracking.csv`` marks as missed.

Dated ``reporting.documents.notice_business_days`` after the period ends, under the contract term
(the first or a renewal) in force at the period's end. Two templates: a
media owner's make-good letter (delivery, availability, frequency: what it will run to make
good, and by when), and the client's breach notice to its agency (what is required next).
The figures are the cells of ``sla_tracking.csv``; the make-good deadline is the period end
plus the contract's make-good weeks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from sim.exporters.calendars import business_days_after
from sim.exporters.contracts.text import long_date, number
from sim.exporters.reports.common import REPORTS
from sim.exporters.spans import Document, mark
from sim.world.vendors import all_terms, term_on

SLA = "raw/sla_tracking.csv"
OWNER_MEASURES = ("grp_delivery", "site_availability", "frequency_cap")


def sla_notices(world: Any, raw: dict[str, pd.DataFrame]) -> list[Document]:
    sla = raw.get("sla_tracking")
    if sla is None or sla.empty:
        return []
    from sim.exporters.contracts.sla import METRIC_NAMES

    docs = world.reporting.documents
    region = docs.holiday_calendars[world.vendors.market]
    by_metric = {(c.vendor.name, METRIC_NAMES[m.measure]): (k, c, name, m)
                 for k, c in world.vendors.contracts().items() for name, m in c.sla.items()}
    terms = all_terms(world.vendors, world.run.end)
    out = []
    for i in sla.index[~sla["in_compliance"].astype(bool)]:
        row = sla.loc[i]
        key, contract, name, metric = by_metric[(row["vendor"], row["metric_name"])]
        period_end = pd.Period(row["year_month"], freq="M").end_time.date()
        reference = term_on(terms[key], min(period_end, world.run.end)).reference
        dated = business_days_after(period_end, docs.notice_business_days, region)
        cells = {c: {"csv": {"path": SLA, "row": int(i), "column": c}} for c in
                 ("contracted_value", "actual_value", "variance_pct")}
        f = {c: number(float(row[c]), UNIT.get(metric.measure, "units") if c != "variance_pct" else "%", 2,
                       ask=f"the {ASK[c]} {WHAT[metric.measure]} for {row['year_month']}", source=cells[c])
             for c in cells}
        owner = metric.measure in OWNER_MEASURES
        text = (_make_good if owner else _breach)(world, contract, reference, key, metric, row, f, dated, period_end)
        kind = "Make_Good_Letter" if owner else "SLA_Breach_Notice"
        vendor = contract.vendor.name.replace(" ", "")
        out.append(Document.from_marked(
            f"{REPORTS}/{kind}_{vendor}_{row['year_month'].replace('-', '_')}_{metric.measure}.md", "sla_notice",
            f"the {contract.vendor.name} {'make-good letter' if owner else 'SLA breach notice'} on "
            f"{WHAT[metric.measure]} for {row['year_month']}", dated.isoformat(), text))
    return out


ASK = {"contracted_value": "contracted", "actual_value": "actual", "variance_pct": "variance (%) of the"}
WHAT = {"grp_delivery": "linear GRPs", "site_availability": "average live sites", "frequency_cap":
        "weekly BVOD frequency", "viewability": "DV360 viewability (%)", "approved_supply":
        "share of impressions from Approved Exchanges (%)", "report_timeliness": "Monthly Report delivery time"}
UNIT = {"grp_delivery": "GRPs", "site_availability": "sites", "frequency_cap": "impressions per household",
        "viewability": "%", "approved_supply": "%", "report_timeliness": "Business Days"}


def _make_good(world, contract, reference, key, metric, row, f, dated, period_end) -> str:
    weeks = getattr(contract, "make_good_weeks", None)
    lines = [
        f"**{contract.vendor.legal_name}**",
        "",
        f"{mark(long_date(dated), 'issued')}",
        "",
        f"To: {world.vendors.client.legal_name} (trading as {world.vendors.trading_as}), and its media agency "
        f"{world.vendors.agency.vendor.legal_name}",
        "",
        f"**Re: {contract.title} {reference}: make-good for {row['year_month']}**",
        "",
        "Dear Sirs,",
        "",
        f"Our delivery report for {row['year_month']} shows {mark(f['actual_value'], 'actual')} "
        f"{WHAT[metric.measure]} against {mark(f['contracted_value'], 'contracted')} contracted, a variance of "
        f"{mark(f['variance_pct'], 'variance')}%. This is below the level the Agreement guarantees.",
        "",
        f"Our records note: {row['notes']}",
        "",
    ]
    if weeks:
        due = period_end + dt.timedelta(weeks=weeks)
        source = {"op": "add_days", "args": [{"const": period_end.isoformat()},
                                             {"op": "mul", "args": [{"config": f"vendors.{key}.make_good_weeks"},
                                                                    {"const": 7}]}]}
        ask = f"the date by which make-good for {row['year_month']} is due"
        lines += [f"We will provide make-good delivery of equivalent value, in positions you approve, by "
                  f"{mark(long_date(due, ask=ask, source=source), 'due')}, within the {weeks} weeks the Agreement "
                  f"allows after the period ends.", ""]
    lines += ["Yours faithfully,", "", f"Client Services, {contract.vendor.name}", ""]
    return "\n".join(lines)


REMEDY = {
    "viewability": "a written optimisation plan for programmatic buying (supply paths, placements, verification "
                   "settings) within the month following this notice",
    "approved_supply": "the list of the non-approved supply paths used, their removal from every line item, and a "
                       "credit of the Agency's commission on the impressions bought through them",
    "report_timeliness": "a revised reporting timetable showing how each Monthly Report will reach us within the "
                         "deadline, including cover for month-end reconciliation",
}


def _breach(world, contract, reference, key, metric, row, f, dated, period_end) -> str:
    client = world.vendors.client
    period = "quarter" if metric.cadence == "quarterly" else "month"
    return "\n".join([
        f"# Notice of service-level breach: {row['metric_name']}, {period} to {long_date(period_end)}",
        "",
        f"From {client.legal_name} to {contract.vendor.legal_name}, {mark(long_date(dated), 'issued')}, under the "
        f"{contract.title} {reference}.",
        "",
        f"## What the tracker shows for the {period} ending {row['year_month']}",
        "",
        f"The measured {WHAT[metric.measure]} was {mark(f['actual_value'], 'actual')} against a contracted level of "
        f"{mark(f['contracted_value'], 'contracted')} ({mark(f['variance_pct'], 'variance')}% variance). "
        f"{row['notes']}",
        "",
        f"## What we require for {WHAT[metric.measure]}",
        "",
        f"Please send {REMEDY.get(metric.measure, 'a written remedial plan')}. The {period}'s result counts in the "
        f"KPI assessment for {period_end.year}.",
        "",
        f"{client.name}, Head of Media: ____________________ [name]",
        "",
    ])
