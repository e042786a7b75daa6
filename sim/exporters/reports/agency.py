"""The agency's Monthly Reports: spend by channel, leads, the lead-generation cost and service levels.

One report per month of the appointment (its first term and renewals) inside the horizon, issued on the business day the
agency's report log records (``agency_report_log``, the log ``sla_tracking.csv`` measures
timeliness with). Two templates: before the client's launch, a narrative report with one spend
table; from the launch month, a dashboard with spend by channel and market and an SLA table.
A row of a media table counts in the month of its date (``date``, ``date_week_start`` or
``start_date``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.exporters.calendars import business_days_after
from sim.exporters.contracts import agency_report_log
from sim.exporters.contracts.text import long_date, md_table, money, number, pct
from sim.exporters.reports.common import REPORTS, csv_node, month_label, place, spend_table, total
from sim.exporters.spans import Document, Figure, mark
from sim.world.vendors import contract_terms, coverage, term_on


def agency_reports(world: Any, raw: dict[str, pd.DataFrame]) -> list[Document]:
    agency = world.vendors.agency
    terms = contract_terms(world.vendors, "agency", world.run.end)
    window = coverage(terms, world.run.start, world.run.end)
    if window is None:
        return []
    region = world.reporting.documents.holiday_calendars[world.vendors.market]
    log = agency_report_log(world).set_index("year_month")
    launch = world.markets[world.vendors.market].launch_date
    out = []
    for month in pd.period_range(window[0], window[1], freq="M"):
        issued = business_days_after(month.end_time.date(), int(log.loc[str(month), "business_days"]), region)
        facts = MonthFacts(world, raw, month)
        dashboard = month.start_time.date() >= pd.Timestamp(launch).replace(day=1).date()
        text = (_dashboard if dashboard else _narrative)(world, facts, issued,
                                                         term_on(terms, month.start_time.date()).reference)
        title = f"the {agency.vendor.name} Monthly Report for {month_label(month)}"
        stem = f"{REPORTS}/{agency.vendor.name.replace(' ', '')}_Monthly_Report_{month.strftime('%Y_%m')}.md"
        out.append(Document.from_marked(stem, "agency_report", title, issued.isoformat(), text))
    return out


class MonthFacts:
    """The month's figures, each a marked-ready Figure with its question phrase and derivation."""

    def __init__(self, world: Any, raw: dict[str, pd.DataFrame], month: pd.Period):
        self.world, self.raw, self.month = world, raw, month
        self.ym = month.strftime("%Y-%m")
        self.label = month_label(month)

    def spend(self, channel: str, market: str | None = None) -> Figure | None:
        found = spend_table(self.raw, channel)
        if found is None:
            return None
        stem, date = found
        node = csv_node("csv_sum", stem, "spend", {"market": market} if market else None, {date: self.ym})
        label = self.world.media.channels[channel].label
        where = f" in {place(self.world, market)}" if market else ""
        return money(total(self.raw, node), ask=f"the {label} Media Cost{where} in {self.label}", source=node)

    def leads(self, market: str | None = None) -> Figure:
        node = csv_node("csv_count", "leads", where={"market": market} if market else None,
                        prefix={"created_date": self.ym})
        where = f" in {place(self.world, market)}" if market else ""
        return number(total(self.raw, node), "leads", ask=f"the number of CRM leads created{where} in {self.label}",
                      source=node)

    def lead_cost(self) -> Figure | None:
        """Cost per platform-reported lead of Meta lead-generation campaigns (the KPI of the terms)."""
        where = {"objective": "lead_gen"}
        spend = csv_node("csv_sum", "meta_ads", "spend", where, {"date": self.ym})
        leads = csv_node("csv_sum", "meta_ads", "leads", where, {"date": self.ym})
        n = total(self.raw, leads) if "meta_ads" in self.raw else 0
        if n <= 0:
            return None
        return money(total(self.raw, spend) / n, pence=True, source={"op": "div", "args": [spend, leads]},
                     ask=f"the cost per lead of Meta lead-generation campaigns in {self.label}")

    def media_total(self) -> tuple[Figure, list[str]]:
        nodes, value, active = [], 0.0, []
        for channel in self.world.media.channels:
            found = spend_table(self.raw, channel)
            if found is None:
                continue
            node = csv_node("csv_sum", found[0], "spend", prefix={found[1]: self.ym})
            x = total(self.raw, node)
            if x > 0:
                nodes.append(node)
                value += x
                active.append(channel)
        return money(value, ask=f"the total Media Cost in {self.label}", source={"op": "add", "args": nodes}), active

    def sla_rows(self) -> pd.DataFrame:
        sla = self.raw.get("sla_tracking")
        return sla.iloc[0:0] if sla is None else sla[sla["year_month"] == self.ym]


def _sla_lines(facts: MonthFacts) -> list[str]:
    rows = facts.sla_rows()
    if rows.empty:
        return ["No service level was measured for this month."]
    out = []
    for _, r in rows.iterrows():
        met = "met" if r["in_compliance"] else "missed"
        out.append(f"- {r['vendor']}, {r['metric_name']}: {r['actual_value']:g} against {r['contracted_value']:g} "
                   f"contracted ({met}).")
    return out


def _narrative(world: Any, f: MonthFacts, issued, reference: str) -> str:
    total_cost, active = f.media_total()
    client = world.vendors.client.legal_name
    rows = [[world.media.channels[c].label, f.spend(c)] for c in active]
    table = md_table(["Channel", "Media Cost"], rows, right={1}, key="spend") if rows else "_No media ran._"
    leads = f.leads()
    return "\n".join([
        f"# Monthly Media Report: {f.label}",
        "",
        f"Prepared by {world.vendors.agency.vendor.legal_name} for {client} under the Terms of Business "
        f"{reference}. Issued {mark(long_date(issued), 'issued')}.",
        "",
        "## Overview",
        "",
        f"Media Cost booked in {f.label} came to {mark(total_cost, 'media_total')} across "
        f"{mark(number(len(active), 'channels'), 'active_channels')} channels. The CRM recorded "
        f"{mark(leads, 'leads_total')} new leads in the month, before the vehicles are on sale.",
        "",
        "## Media Cost by channel",
        "",
        table,
        "",
        "## Service levels",
        "",
        *_sla_lines(f),
        "",
        "## Next month",
        "",
        "Planning continues against the approved media plan; any change to a Vendor Contract booking will be "
        "confirmed in writing before its notice period starts.",
        "",
    ])


def _dashboard(world: Any, f: MonthFacts, issued, reference: str) -> str:
    total_cost, active = f.media_total()
    markets = list(world.markets)
    rows = []
    for c in active:
        ch = world.media.channels[c]
        cells = [f.spend(c, m) if m in ch.markets else "-" for m in markets]
        rows.append([ch.label, *cells, f.spend(c)])
    table = md_table(["Channel", *markets, "All markets"], rows, right=set(range(1, len(markets) + 2)), key="spend")
    lead_rows = [[world.markets[m].name, f.leads(m)] for m in markets]
    cpl = f.lead_cost()
    target = world.vendors.agency.cost_per_lead_target_gbp
    kpi = (f"- Cost per lead, Meta lead-generation campaigns: {mark(cpl, 'meta_cpl')} (KPI: at most "
           f"{money(target)})" if cpl is not None else "- Cost per lead, Meta lead-generation campaigns: no leads")
    share_uk = None
    uk = world.vendors.market
    if uk in markets and total_cost.value:
        uk_cost = sum(x.value for x in (f.spend(c, uk) for c in active if uk in world.media.channels[c].markets) if x)
        share_uk = pct(uk_cost / total_cost.value)
    return "\n".join([
        f"# {f.label} | Launch Performance Dashboard",
        "",
        f"**{world.vendors.trading_as}** | {world.vendors.agency.vendor.name} | issued "
        f"{mark(long_date(issued), 'issued')}",
        "",
        "## Key figures",
        "",
        f"- Total Media Cost: {mark(total_cost, 'media_total')}"
        + (f" ({share_uk} in {place(world, uk)})" if share_uk else ""),
        f"- New CRM leads: {mark(f.leads(), 'leads_total')}",
        kpi,
        "",
        "## Spend by channel and market (GBP)",
        "",
        table,
        "",
        "## Leads by market",
        "",
        md_table(["Market", "New leads"], lead_rows, right={1}, key="leads"),
        "",
        "## Service-level tracker",
        "",
        *_sla_lines(f),
        "",
    ])
