"""The broadcasters' post-campaign reports: the airtime each transmitted in its term during the year.

One report per airtime contract and calendar year of the horizon, dated
``reporting.documents.post_campaign_business_days`` after that year ends, under the terms (the
first and any renewal) in force in the year. Weeks count by their first day (``date_week_start``),
from the first week that starts inside a term. Two templates: a month-by-month report (narrative and one table) and a
delivery statement (a summary table and the linear weeks one by one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from sim.exporters.calendars import business_days_after
from sim.exporters.contracts.text import listing, long_date, md_table, money, number
from sim.exporters.reports.common import REPORTS, csv_node, month_label, total
from sim.exporters.spans import Document, Figure, mark
from sim.world.calendar import horizon_years
from sim.world.vendors import AirtimeContract, all_terms, coverage

TV = "tv_performance"


def post_campaign_reports(world: Any, raw: dict[str, pd.DataFrame]) -> list[Document]:
    """Per airtime contract and calendar year of the horizon, the airtime its terms covered that year."""
    tv = raw.get(TV)
    if tv is None or tv.empty:
        return []
    docs = world.reporting.documents
    region = docs.holiday_calendars[world.vendors.market]
    out = []
    airtime = [(k, c) for k, c in world.vendors.contracts().items() if isinstance(c, AirtimeContract)]
    terms = all_terms(world.vendors, world.run.end)
    for year in horizon_years(world):
        year_end = min(dt.date(year, 12, 31), world.run.end)
        dated = business_days_after(year_end, docs.post_campaign_business_days, region)
        for n, (key, contract) in enumerate(airtime):
            window = coverage(terms[key], max(dt.date(year, 1, 1), world.run.start), year_end)
            if window is None:
                continue
            references = [t.reference for t in terms[key] if t.window(*window)]
            report = Airtime(world, raw, contract, window, year, references)
            if report.linear_total("spend").value <= 0:
                continue
            text = (_monthly if n % 2 == 0 else _statement)(world, report, dated)
            name = contract.vendor.name.replace(" ", "")
            out.append(Document.from_marked(f"{REPORTS}/{name}_Post_Campaign_Report_{year}.md",
                                            "post_campaign_report",
                                            f"the {contract.vendor.name} post-campaign report for {year}",
                                            dated.isoformat(), text))
    return out


class Airtime:
    """One broadcaster's weeks in its term: linear and BVOD owners, months, weeks, sums."""

    def __init__(self, world: Any, raw: dict[str, pd.DataFrame], contract: AirtimeContract, window, year: int,
                 references: list[str]):
        self.world, self.raw, self.contract = world, raw, contract
        self.year, self.references = year, references
        owners = [o for line in contract.commitments.values() for o in line.owners]
        self.linear = [o for m in contract.sla.values() if m.measure == "grp_delivery" for o in m.owners]
        self.bvod = [o for o in owners if o not in self.linear]
        tv = raw[TV]
        weeks = pd.to_datetime(tv["date_week_start"]).dt.date
        mine = tv[tv["broadcaster"].isin(owners) & (weeks >= window[0]) & (weeks <= window[1])]
        self.months = sorted({str(w)[:7] for w in mine["date_week_start"]})
        self.weeks = sorted({str(w)[:10] for w in mine.loc[mine["broadcaster"].isin(self.linear), "date_week_start"]})
        self.start = window[0]

    def _sum(self, owners: list[str], column: str, prefix: str) -> tuple[float, list[dict]]:
        nodes = [csv_node("csv_sum", TV, column, {"broadcaster": o}, {"date_week_start": prefix}) for o in owners]
        return sum(total(self.raw, n) for n in nodes), nodes

    def figure(self, owners: list[str], column: str, prefix: str, ask: str) -> Figure:
        value, nodes = self._sum(owners, column, prefix)
        source = nodes[0] if len(nodes) == 1 else {"op": "add", "args": nodes}
        if column == "spend":
            return money(value, ask=ask, source=source)
        return number(value, UNITS[column], DECIMALS[column], ask=ask, source=source)

    def linear_total(self, column: str) -> Figure:
        value, nodes = 0.0, []
        for m in self.months:
            x, n = self._sum(self.linear, column, m)
            value, nodes = value + x, nodes + n
        ask = f"the {WHAT[column]} of linear airtime in the term during {self.year}"
        source = {"op": "add", "args": nodes}
        if column == "spend":
            return money(value, ask=ask, source=source)
        return number(value, UNITS[column], DECIMALS[column], ask=ask, source=source)

    def bvod_total(self) -> Figure:
        value, nodes = 0.0, []
        for m in self.months:
            x, n = self._sum(self.bvod, "spend", m)
            value, nodes = value + x, nodes + n
        return money(value, ask=f"the BVOD spend in the term during {self.year}",
                     source={"op": "add", "args": nodes})


UNITS = {"spots_aired": "spots", "grps": "GRPs"}
DECIMALS = {"spots_aired": 0, "grps": 1}
WHAT = {"spend": "spend", "spots_aired": "spots aired", "grps": "GRPs delivered"}


def _monthly(world: Any, r: Airtime, dated) -> str:
    c = r.contract
    rows = []
    for m in r.months:
        label = month_label(pd.Period(m, freq="M"))
        row = [label, r.figure(r.linear, "spend", m, f"the linear airtime spend in {label}"),
               r.figure(r.linear, "spots_aired", m, f"the number of linear spots aired in {label}"),
               r.figure(r.linear, "grps", m, f"the linear GRPs delivered in {label}")]
        if r.bvod:
            row.append(r.figure(r.bvod, "spend", m, f"the BVOD spend in {label}"))
        rows.append(row)
    headers = ["Month", "Linear spend", "Spots", "Delivered GRPs"] + (["BVOD spend"] if r.bvod else [])
    return "\n".join([
        f"# {c.vendor.name} Post-Campaign Report: {world.vendors.trading_as} {r.year}",
        "",
        f"Issued by {c.vendor.legal_name} to {world.vendors.client.legal_name} on {mark(long_date(dated), 'issued')}, "
        f"under the {c.title} {listing(r.references)}. It covers the weeks starting from {long_date(r.start)} to the "
        f"end of {r.year}; delivered GRPs are BARB consolidated adult GRPs.",
        "",
        "## Campaign summary",
        "",
        f"Linear airtime: {mark(r.linear_total('spend'), 'linear_spend')} for "
        f"{mark(r.linear_total('spots_aired'), 'linear_spots')} spots and "
        f"{mark(r.linear_total('grps'), 'linear_grps')} GRPs."
        + (f" Streaming (BVOD): {mark(r.bvod_total(), 'bvod_spend')}." if r.bvod else ""),
        "",
        "## Delivery by month",
        "",
        "Each week is counted in the month it starts in (the monthly service-level measurement shares a week "
        "between the months it spans, so its monthly GRPs differ for weeks that cross a month end).",
        "",
        md_table(headers, rows, right=set(range(1, len(headers))), key="months"),
        "",
        "The balance of the Commitment falls due in the rest of the Term; make-good airtime owed for any month "
        "is shown in the make-good correspondence for that month.",
        "",
    ])


def _statement(world: Any, r: Airtime, dated) -> str:
    c = r.contract
    year = r.year
    summary = [["Advertiser", world.vendors.client.legal_name], ["Agreement", f"{c.title} {listing(r.references)}"],
               ["Statement date", mark(long_date(dated), "issued")],
               ["Linear investment", mark(r.linear_total("spend"), "linear_spend")],
               ["Linear spots", mark(r.linear_total("spots_aired"), "linear_spots")],
               ["Linear GRPs (BARB)", mark(r.linear_total("grps"), "linear_grps")]]
    if r.bvod:
        summary.append(["AdSmart and Sky Go investment", mark(r.bvod_total(), "bvod_spend")])
    weeks = [[w, r.figure(r.linear, "spots_aired", w, f"the number of linear spots aired in the week of {w}"),
              r.figure(r.linear, "grps", w, f"the linear GRPs delivered in the week of {w}"),
              r.figure(r.linear, "spend", w, f"the linear spend in the week of {w}")] for w in r.weeks]
    return "\n".join([
        f"# {c.vendor.name} | Campaign Delivery Statement {year}",
        "",
        md_table(["Item", "Detail"], summary),
        "",
        f"### Linear weeks on air ({len(r.weeks)})",
        "",
        md_table(["Week commencing", "Spots", "GRPs", "Net spend"], weeks, right={1, 2, 3}, key="weeks"),
        "",
        "### Notes",
        "",
        f"1. Weeks are listed from the first week commencing on or after {long_date(r.start)}.",
        "2. GRPs are consolidated adult GRPs as reported by BARB; net spend is after agreed discounts.",
        "3. This statement is the Year One statement of investment referred to in the Agreement."
        if year == c.start.year else f"3. This statement is the statement of investment for {year}, under each "
        "Agreement in force in it.",
        "",
    ])
