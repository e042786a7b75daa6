"""The values a contract template is filled with: figures from the terms, delivery from the data.

Every commercial figure comes from the scenario's vendor terms (commitments scaled to the
world's channel budget); every figure about what was delivered in the year comes from the
media tables, through :mod:`sim.exporters.contracts.measure` and :mod:`sim.exporters.contracts.schedules`.
"""

from __future__ import annotations

import pandas as pd

from sim.exporters.contracts.facts import Facts
from sim.exporters.contracts.measure import owner_rows, total_media_spend
from sim.exporters.contracts.schedules import (
    billings_table,
    ooh_delivery_table,
    report_calendar,
    site_package_table,
    tv_delivery_table,
)
from sim.exporters.contracts.text import bullets, listing, long_date, md_table, money, pct, roman_list, times
from sim.world.vendors import (
    CEILING_MEASURES,
    AgencyTerms,
    AirtimeContract,
    BvodAddendum,
    DoohContract,
    OohContract,
    PartnershipContract,
)


# --------------------------------------------------------------------------- common to every contract
def common_fields(f: Facts) -> dict[str, str]:
    c, v, w = f.contract, f.vendors, f.world
    year = w.run.start.year
    out = {
        "reference": c.reference, "title": c.title, "vendor_legal": c.vendor.legal_name, "vendor": c.vendor.name,
        "client_legal": v.client.legal_name, "client": v.client.name, "trading_as": v.trading_as,
        "signed": long_date(c.signed), "start": long_date(c.start), "end": long_date(c.end),
        "term_months": str(c.term_months), "payment_days": str(c.payment_days),
        "audit_notice_days": str(c.audit_notice_days), "liability_cap": pct(c.liability_cap_share),
        "year": str(year), "next_year": str(year + 1), "year_end": long_date(w.run.end),
        "brand_safety": bullets(c.brand_safety_exclusions),
        "models": listing([k.replace("_", " ") for k in w.models]),
        "uk_launch": long_date(w.markets[v.market].launch_date), "tolerance": pct(v.commitment_tolerance),
    }
    out |= _commitment_fields(f)
    out |= {f"sla_{k}": _sla_value(m.measure, m.target) for k, m in c.sla.items()}
    return out


def _sla_value(measure: str, target: float) -> str:
    if measure == "report_timeliness":
        return f"{target:g} Business Days"
    if measure == "frequency_cap":
        return f"{target:g}"
    return pct(target)


def _commitment_fields(f: Facts) -> dict[str, str]:
    rows = f.commitments
    out: dict[str, str] = {}
    for r in rows.itertuples():
        line = f.contract.commitments[r.line]
        out |= {f"commit_{r.line}": money(r.commitment_gbp), f"notice_{r.line}": str(line.notice_weeks),
                f"share_{r.line}": pct(r.in_year_share), f"scheduled_{r.line}": money(r.scheduled_in_year_gbp),
                f"delivered_{r.line}": money(r.delivered_in_term_gbp), f"label_{r.line}": line.label}
    if rows.empty:
        return out
    out |= {
        "commitment_total": money(rows["commitment_gbp"].sum()),
        "scheduled_total": money(rows["scheduled_in_year_gbp"].sum()),
        "delivered_total": money(rows["delivered_in_term_gbp"].sum()),
        "pre_term_total": money(rows["delivered_pre_term_gbp"].sum()),
        "remaining_total": money(rows["remaining_after_year_gbp"].sum()),
        "commitment_table": md_table(
            ["Commitment line", "Media owner feed", "Term commitment", "Cancellation notice"],
            [[r.label, f"`{r.owners}`", money(r.commitment_gbp), f"{f.contract.commitments[r.line].notice_weeks} weeks"]
             for r in rows.itertuples()], right={2}),
        "phasing_table": md_table(
            ["Commitment line", "Term commitment", f"Scheduled in {f.world.run.start.year}",
             f"Delivered in term to {long_date(f.world.run.end)}", "Delivered / scheduled",
             "Balance of term", "Pre-term spend (not counted)"],
            [[r.label, money(r.commitment_gbp), f"{money(r.scheduled_in_year_gbp)} ({pct(r.in_year_share)})",
              money(r.delivered_in_term_gbp), _ratio(r.delivered_vs_scheduled), money(r.remaining_after_year_gbp),
              money(r.delivered_pre_term_gbp)] for r in rows.itertuples()], right={1, 2, 3, 4, 5, 6}),
    }
    return out


def _ratio(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{x:.1%}"


# --------------------------------------------------------------------------- airtime
def airtime_fields(f: Facts) -> dict[str, str]:
    c: AirtimeContract = f.contract  # type: ignore[assignment]
    out = {
        "rate_card": md_table(["Daypart", "Deal CPP (adults, per GRP)"],
                              [[d, money(x)] for d, x in c.cpp_gbp.items()], right={1}),
        "premium_programmes": listing([f"*{p}*" for p in c.premium_programmes]) if c.premium_programmes else "none",
        "premium_pct": pct(c.premium_share), "make_good_weeks": str(c.make_good_weeks),
        "late_cancel_pct": pct(c.late_cancellation_charge), "share_of_broadcast": pct(c.share_of_broadcast),
        "bvod_cpm": money(c.bvod_cpm_gbp, pence=True) if c.bvod_cpm_gbp else "",
        "tv_delivery": tv_delivery_table(f),
    }
    if isinstance(c, PartnershipContract):
        out |= {"partnership_fee": money(c.partnership_fee_gbp), "talent_usage_months": str(c.talent_usage_months),
                "approval_days": str(c.approval_days),
                "deliverables": md_table(["Deliverable", "Number"], [[k, n] for k, n in c.deliverables.items()], {1})}
    return out


def bvod_fields(f: Facts) -> dict[str, str]:
    c: BvodAddendum = f.contract  # type: ignore[assignment]
    parent = f.vendors.contracts()[c.parent]
    owners = [o for m in c.sla.values() for o in m.owners]
    spend = float(owner_rows(f.media, "tv", owners, f.window)["spend"].sum())
    rec = f.reconciliation
    covers = rec["owners"].str.split(", ").map(lambda o: bool(set(o) & set(owners)))
    line = rec[(rec["contract"] == c.parent) & covers]
    return {
        "parent_commitment": money(line["commitment_gbp"].sum()),
        "parent_scheduled": money(line["scheduled_in_year_gbp"].sum()),
        "parent_share": listing([pct(x) for x in line["in_year_share"]]) if len(line) else "n/a",
        "cpm_table": md_table(["Targeting tier", "CPM (per thousand impressions)"],
                              [[k, money(x, pence=True)] for k, x in c.cpm_gbp.items()], right={1}),
        "min_households": f"{c.min_households:,}", "data_retention_days": str(c.data_retention_days),
        "report_business_days": str(c.report_business_days), "parent_reference": parent.reference,
        "parent_title": parent.title, "parent_signed": long_date(parent.signed),
        "bvod_spend": money(spend), "bvod_feed": listing([f"`{o}`" for o in owners]),
    }


# --------------------------------------------------------------------------- outdoor
def ooh_fields(f: Facts) -> dict[str, str]:
    c: OohContract = f.contract  # type: ignore[assignment]
    out = {
        "site_rates": md_table(["Format", f"Price per site per {c.cycle_days}-day cycle"],
                               [[k, money(x)] for k, x in c.site_rate_gbp.items()], right={1}),
        "cycle_days": str(c.cycle_days), "spot_seconds": str(c.spot_seconds), "loop_seconds": str(c.loop_seconds),
        "share_of_time": pct(c.spot_seconds / c.loop_seconds), "rotation_minutes": str(c.creative_rotation_minutes),
        "artwork_days": str(c.artwork_days), "impression_guarantee": pct(c.impression_guarantee),
        "make_good_weeks": str(c.make_good_weeks), "force_majeure": roman_list(c.force_majeure),
        "site_package": site_package_table(f), "ooh_delivery": ooh_delivery_table(f),
    }
    if isinstance(c, DoohContract):
        out |= {"platforms": listing(c.programmatic_platforms), "programmatic_cap": pct(c.programmatic_cap_share),
                "floor_cpm": money(c.programmatic_floor_cpm_gbp, pence=True),
                "renewable": pct(c.renewable_energy_share), "dimming": pct(c.dimming_share),
                "recycled": pct(c.recycled_hardware_share)}
    return out


# --------------------------------------------------------------------------- agency
AGENCY_KPI_LABELS = {
    "viewability": "Programmatic viewability (DV360, MRC standard)",
    "approved_supply": "Impressions bought through approved exchanges",
    "report_timeliness": "Monthly report delivered after month end",
    "budget_pacing": "Annual spend per channel within budget",
    "cost_per_lead": "Blended cost per qualified lead",
}


def agency_fields(f: Facts) -> dict[str, str]:
    c: AgencyTerms = f.contract  # type: ignore[assignment]
    billings = total_media_spend(f.media)
    targets = {k: ("within " if m.measure in CEILING_MEASURES else "at least ") + _sla_value(m.measure, m.target)
               for k, m in c.sla.items()}
    targets |= {"budget_pacing": f"within +/- {pct(c.budget_pacing_tolerance)}",
                "cost_per_lead": f"at most {money(c.cost_per_lead_target_gbp)}"}
    kpis = [[AGENCY_KPI_LABELS[k], targets.get(k, ""), pct(w)] for k, w in c.kpi_weights.items()]
    return {
        "markets": listing([f.world.markets[m].name for m in c.markets]),
        "commission_media": pct(c.commission_media), "commission_production": pct(c.commission_production),
        "kpi_bonus_max": pct(c.kpi_bonus_max), "kpi_table": md_table(["KPI", "Target", "Weight"], kpis, right={2}),
        "termination_days": str(c.termination_notice_days), "handover_days": str(c.handover_days),
        "audits_per_year": times(c.audits_per_year), "audit_lookback": str(c.audit_lookback_years),
        "exchanges": bullets(c.approved_exchanges), "report_low": str(c.report_business_days[0]),
        "report_high": str(c.report_business_days[1]), "billings": money(billings),
        "commission_estimate": money(billings * c.commission_media),
        "bonus_cap_estimate": money(billings * c.commission_media * c.kpi_bonus_max),
        "billings_table": billings_table(f), "report_calendar": report_calendar(f),
        "vendor_names": listing(list(dict.fromkeys(
            other.vendor.name for other in f.vendors.contracts().values() if other is not c))),
    }




