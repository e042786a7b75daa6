"""The schedules of the agency's terms that are more than a rate card: the plan and the report calendar.

Both are known when the terms are signed: the budgets of the approved media plan and the
business days of the reporting year (weekends and the market's public holidays).
"""

from __future__ import annotations

import pandas as pd

from sim.exporters.calendars import business_days_after
from sim.exporters.contracts.facts import Facts
from sim.exporters.contracts.measure import first_year, planned_budget
from sim.exporters.contracts.text import long_date, md_table, money
from sim.world.vendors import AgencyTerms


def year_plan(f: Facts, channel: str) -> tuple[float, dict]:
    """A channel's approved plan for the term's Year-One Period (the calendar year its term starts in)."""
    return planned_budget(f.world, channel, *first_year(f.term))


def billings_table(f: Facts) -> str:
    """The approved media plan per channel (the budgets of the scenario) and the commission on it."""
    c: AgencyTerms = f.contract  # type: ignore[assignment]
    rows = []
    for name, ch in f.world.media.channels.items():
        plan, budget = year_plan(f, name)
        rows.append([ch.label, money(plan, ask=f"the planned Media Cost for {ch.label}", source=budget),
                     money(plan * c.commission_media,
                           ask=f"the commission on the planned {ch.label} Media Cost",
                           source={"op": "mul", "args": [budget, {"config": f"vendors.{f.key}.commission_media"}]})])
    return md_table(["Channel", "Planned Media Cost", "Commission"], rows, right={1, 2}, key="plan")


def calendar_years(f: Facts) -> str:
    """The calendar years the report calendar of the term covers ("2025", "2025-2026")."""
    if f.window is None:
        return str(f.term.start.year)
    a, b = f.window[0].year, f.window[1].year
    return str(a) if a == b else f"{a}-{b}"


def report_calendar(f: Facts) -> str:
    """Each month of the term in the year and the last day its Monthly Report may arrive."""
    c: AgencyTerms = f.contract  # type: ignore[assignment]
    if f.window is None:
        return "_The appointment does not cover the year._"
    name, metric = next((k, m) for k, m in c.sla.items() if m.measure == "report_timeliness")
    region = f.world.reporting.documents.holiday_calendars[f.vendors.market]
    rows = []
    for month in pd.period_range(f.window[0], f.window[1], freq="M"):
        month_end = month.end_time.date()
        due = business_days_after(month_end, int(metric.target), region)
        source = {"op": "business_days_after", "calendar": region,
                  "args": [{"const": month_end.isoformat()}, {"config": f"vendors.{f.key}.sla.{name}.target"}]}
        rows.append([month.strftime("%B %Y"), long_date(month_end),
                     long_date(due, ask=f"the date by which the Monthly Report for {month.strftime('%B %Y')} is due",
                               source=source)])
    return md_table(["Month reported", "Month end", "Report due by"], rows, key="report_calendar")
