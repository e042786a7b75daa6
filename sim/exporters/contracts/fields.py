"""The values a contract template is filled with: figures from the terms, delivery from the data.

Every commercial figure comes from the scenario's vendor terms (commitments scaled to the
world's channel budget); every figure about what was delivered in the year comes from the
media tables, through :mod:`sim.exporters.contracts.measure` and :mod:`sim.exporters.contracts.schedules`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sim.exporters.contracts.facts import Facts
from sim.exporters.contracts.measure import term_commitment
from sim.exporters.contracts.schedules import billings_table, calendar_years, report_calendar, year_plan
from sim.exporters.contracts.text import bullets, listing, long_date, md_table, money, number, pct, roman_list, times
from sim.exporters.spans import Figure
from sim.world.vendors import (
    CEILING_MEASURES,
    AgencyTerms,
    AirtimeContract,
    BvodAddendum,
    DoohContract,
    OohContract,
    PartnershipContract,
    contract_terms,
    term_on,
)


# --------------------------------------------------------------------------- sources: how to recompute a figure
def cfg(*path: str) -> dict:
    """A value of the resolved scenario (``scenario.json``), by its dotted path."""
    return {"config": ".".join(path)}


def as_percent(source: dict) -> dict:
    return {"op": "mul", "args": [source, {"const": 100}]}


def scaled_commitment(f: Facts, line: str) -> dict:
    """A commitment line in the document's term (:func:`term_commitment`), as a derivation."""
    return term_commitment(f.world, f.term, line)[1]


def term_end(f: Facts) -> dict:
    return {"op": "term_end", "args": [cfg("vendors", f.key, "start"), _months(f, f.term.number + 1)]}


def term_start(f: Facts) -> dict:
    if not f.term.renewal:
        return cfg("vendors", f.key, "start")
    return {"op": "add_days", "args": [{"op": "term_end", "args": [cfg("vendors", f.key, "start"),
                                                                   _months(f, f.term.number)]}, {"const": 1}]}


def term_signed(f: Facts) -> dict:
    if not f.term.renewal:
        return cfg("vendors", f.key, "signed")
    lead = {"op": "days_between", "args": [cfg("vendors", f.key, "start"), cfg("vendors", f.key, "signed")]}
    return {"op": "add_days", "args": [term_start(f), lead]}


def _months(f: Facts, terms: int) -> dict:
    months = cfg("vendors", f.key, "term_months")
    return months if terms == 1 else {"op": "mul", "args": [months, {"const": terms}]}


def as_percent_of(amount: dict, share: dict) -> dict:
    return {"op": "mul", "args": [amount, share]}


def term(f: Facts, attr: str, unit: str, ask: str) -> Figure:
    """A whole-number term of the contract (weeks, days, months ...), asked for as ``ask``."""
    return number(getattr(f.contract, attr), unit, ask=ask, source=cfg("vendors", f.key, attr))


def share(f: Facts, attr: str, ask: str) -> Figure:
    """A share term of the contract, written as a percentage."""
    return pct(getattr(f.contract, attr), ask=ask, source=as_percent(cfg("vendors", f.key, attr)))


PHASING = {
    "itv": ("a launch-weighted phasing", "a phasing on the approved media plan"),
    "sky": ("reflecting the launch campaign", "following the approved media plan"),
    "channel4": ("around the launch", "on the approved media plan"),
}
"""How a contract's phasing clause explains the share scheduled in its Year-One Period: the first
term around the launch, a renewal on the plan (its phasing is the plan's, :func:`term_commitment`)."""


SLA_ASK = {
    "grp_delivery": "the minimum share of Booked GRPs that must be delivered in a month",
    "site_availability": "the minimum share of contracted sites that must be live",
    "frequency_cap": "the maximum average weekly frequency per reached household",
    "viewability": "the minimum viewable share of DV360 impressions in a month",
    "approved_supply": "the minimum share of programmatic impressions bought through Approved Exchanges",
    "report_timeliness": "the deadline for each Monthly Report, in Business Days after month end",
}


# --------------------------------------------------------------------------- common to every contract
def common_fields(f: Facts) -> dict[str, str]:
    c, v, w, t = f.contract, f.vendors, f.world, f.term
    year = t.start.year
    out = {
        "reference": t.reference, "title": c.title, "vendor_legal": c.vendor.legal_name, "vendor": c.vendor.name,
        "client_legal": v.client.legal_name, "client": v.client.name, "trading_as": v.trading_as,
        "signed": long_date(t.signed, ask="the date it was signed", source=term_signed(f)),
        "start": long_date(t.start, ask="the first day of its term", source=term_start(f)),
        "end": long_date(t.end, ask="the last day of its term", source=term_end(f)),
        "term_months": term(f, "term_months", "months", "the length of its term in months"),
        "payment_days": term(f, "payment_days", "days", "the number of days within which an invoice must be paid"),
        "audit_notice_days": term(f, "audit_notice_days", "days", "the written notice required before an audit"),
        "liability_cap": share(f, "liability_cap_share", "the cap on liability, as a share of the charges"),
        "year": str(year), "next_year": str(year + 1), "year_end": long_date(dt.date(year, 12, 31)),
        "brand_safety": bullets(c.brand_safety_exclusions),
        "phasing": PHASING.get(f.key, ("", ""))[t.renewal],
        "models": listing([m.replace("_", " ") for m in w.models]),
        "uk_launch": long_date(w.markets[v.market].launch_date),
        "tolerance": pct(v.commitment_tolerance, ask="the tolerance between spend delivered and spend scheduled",
                         source=as_percent(cfg("vendors", "commitment_tolerance"))),
    }
    out |= _commitment_fields(f)
    out |= {f"sla_{name}": _sla_value(m.measure, m.target).but(
        ask=SLA_ASK[m.measure], source=_sla_source(f, name, m.measure)) for name, m in c.sla.items()}
    return out


def _sla_source(f: Facts, name: str, measure: str) -> dict:
    src = cfg("vendors", f.key, "sla", name, "target")
    return src if measure in CEILING_MEASURES else as_percent(src)


def _sla_value(measure: str, target: float) -> Figure:
    if measure == "report_timeliness":
        return Figure(f"{target:g} Business Days", float(target), "Business Days")
    if measure == "frequency_cap":
        return Figure(f"{target:g}", float(target), "impressions per household per week")
    return pct(target)


def _commitment_fields(f: Facts) -> dict[str, str]:
    rows = f.commitments
    out: dict[str, str] = {}
    year = f.term.start.year
    for r in rows.itertuples():
        line = f.contract.commitments[r.line]
        _, commit, _, share = term_commitment(f.world, f.term, r.line)
        out |= {
            f"commit_{r.line}": money(r.commitment_gbp, ask=f"the term commitment for {line.label}", source=commit),
            f"notice_{r.line}": number(line.notice_weeks, "weeks",
                                       ask=f"the cancellation notice for {line.label} bookings",
                                       source=cfg("vendors", f.key, "commitments", r.line, "notice_weeks")),
            f"share_{r.line}": pct(r.in_year_share, ask=f"the share of the {line.label} commitment scheduled in {year}",
                                   source=as_percent(share)),
            f"scheduled_{r.line}": money(r.scheduled_in_year_gbp,
                                         ask=f"the part of the {line.label} commitment scheduled in {year}",
                                         source={"op": "mul", "args": [commit, share]}),
            f"label_{r.line}": line.label}
    if rows.empty:
        return out
    out |= {
        "commitment_total": money(rows["commitment_gbp"].sum(), ask="the total commitment over the term",
                                  source={"op": "add", "args": [scaled_commitment(f, r) for r in rows["line"]]}),
        "scheduled_total": money(rows["scheduled_in_year_gbp"].sum()),
        "commitment_table": md_table(
            ["Commitment line", "Term commitment", "Cancellation notice"],
            [[r.label, money(r.commitment_gbp), f"{f.contract.commitments[r.line].notice_weeks} weeks"]
             for r in rows.itertuples()], right={1}),
    }
    return out


def _ratio(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{x:.1%}"


# --------------------------------------------------------------------------- airtime
def airtime_fields(f: Facts) -> dict[str, str]:
    c: AirtimeContract = f.contract  # type: ignore[assignment]
    k = f.key
    out = {
        "rate_card": md_table(["Daypart", "Deal CPP (adults, per GRP)"],
                              [[d, money(x, ask=f"the Deal CPP for {d} airtime",
                                         source=cfg("vendors", k, "cpp_gbp", d))] for d, x in c.cpp_gbp.items()],
                              right={1}, key="rate_card"),
        "premium_programmes": listing([f"*{p}*" for p in c.premium_programmes]) if c.premium_programmes else "none",
        "premium_pct": share(f, "premium_share", "the surcharge on the Deal CPP for premium programmes"),
        "make_good_weeks": term(f, "make_good_weeks", "weeks", "the period within which under-delivery is made good"),
        "late_cancel_pct": pct(c.late_cancellation_charge,
                               ask="the charge for a cancellation on short notice, as a share of the cost cancelled",
                               source=as_percent(cfg("vendors", k, "late_cancellation_charge"))),
        "share_of_broadcast": pct(c.share_of_broadcast,
                                  ask="the minimum share of the Advertiser's UK linear TV spend to place with it",
                                  source=as_percent(cfg("vendors", k, "share_of_broadcast"))),
        "bvod_cpm": money(c.bvod_cpm_gbp, pence=True, ask="the CPM of its BVOD (streaming) airtime",
                          source=cfg("vendors", k, "bvod_cpm_gbp")) if c.bvod_cpm_gbp else "",
    }
    if isinstance(c, PartnershipContract):
        out |= {"partnership_fee": money(c.partnership_fee_gbp, ask="the content partnership fee",
                                         source=cfg("vendors", k, "partnership_fee_gbp")),
                "talent_usage_months": term(f, "talent_usage_months", "months", "the talent usage period"),
                "approval_days": number(c.approval_days, "Business Days",
                                        ask="the time the Advertiser has to approve branded content",
                                        source=cfg("vendors", k, "approval_days")),
                "deliverables": md_table(["Deliverable", "Number"], [
                    [d, number(n, "items", ask=f"the number of {d} to be delivered",
                               source=cfg("vendors", k, "deliverables", d))] for d, n in c.deliverables.items()],
                    {1}, key="deliverables")}
    return out


def bvod_fields(f: Facts) -> dict[str, str]:
    c: BvodAddendum = f.contract  # type: ignore[assignment]
    parent = term_on(contract_terms(f.vendors, c.parent, f.world.run.end), f.term.start)
    owners = [o for m in c.sla.values() for o in m.owners]
    rec = f.reconciliation
    covers = rec["owners"].str.split(", ").map(lambda o: bool(set(o) & set(owners)))
    line = rec[(rec["contract"] == c.parent) & (rec["term"] == parent.number) & covers]
    return {
        "parent_commitment": money(line["commitment_gbp"].sum()),
        "parent_scheduled": money(line["scheduled_in_year_gbp"].sum()),
        "parent_share": listing([pct(x) for x in line["in_year_share"]]) if len(line) else "n/a",
        "cpm_table": md_table(["Targeting tier", "CPM (per thousand impressions)"],
                              [[t, money(x, pence=True, ask=f"the CPM for the {t} targeting tier",
                                         source=cfg("vendors", f.key, "cpm_gbp", t))] for t, x in c.cpm_gbp.items()],
                              right={1}, key="cpm_table"),
        "min_households": number(c.min_households, "households", ask="the smallest AdSmart Segment allowed",
                                 source=cfg("vendors", f.key, "min_households")),
        "data_retention_days": number(c.data_retention_days, "days", ask="the data retention period",
                                      source=cfg("vendors", f.key, "data_retention_days")),
        "report_business_days": number(c.report_business_days, "Business Days",
                                       ask="the time after a flight within which the Campaign Report is due",
                                       source=cfg("vendors", f.key, "report_business_days")),
        "parent_reference": parent.reference,
        "parent_title": parent.contract.title, "parent_signed": long_date(parent.signed),
    }


# --------------------------------------------------------------------------- outdoor
def ooh_fields(f: Facts) -> dict[str, str]:
    c: OohContract = f.contract  # type: ignore[assignment]
    k = f.key
    out = {
        "site_rates": md_table(["Format", f"Price per site per {c.cycle_days}-day cycle"],
                               [[fmt, money(x, ask=f"the price per site per cycle for the {fmt} format",
                                            source=cfg("vendors", k, "site_rate_gbp", fmt))]
                                for fmt, x in c.site_rate_gbp.items()], right={1}, key="site_rates"),
        "cycle_days": term(f, "cycle_days", "days", "the length of a campaign cycle"),
        "spot_seconds": term(f, "spot_seconds", "seconds", "the length of a digital spot"),
        "loop_seconds": term(f, "loop_seconds", "seconds", "the length of a digital loop"),
        "share_of_time": pct(c.spot_seconds / c.loop_seconds, ask="the Client's share of time on a digital screen",
                             source=as_percent({"op": "div", "args": [cfg("vendors", k, "spot_seconds"),
                                                                       cfg("vendors", k, "loop_seconds")]})),
        "rotation_minutes": term(f, "creative_rotation_minutes", "minutes", "how often digital copy rotates"),
        "artwork_days": term(f, "artwork_days", "Business Days", "how long before posting copy is due"),
        "impression_guarantee": share(f, "impression_guarantee", "the share of the estimated impressions guaranteed"),
        "make_good_weeks": term(f, "make_good_weeks", "weeks", "the period within which make-good sites are due"),
        "force_majeure": roman_list(c.force_majeure),
    }
    if isinstance(c, DoohContract):
        out |= {"platforms": listing(c.programmatic_platforms),
                "programmatic_cap": pct(c.programmatic_cap_share,
                                        ask="the largest share of inventory that may be bought programmatically",
                                        source=as_percent(cfg("vendors", k, "programmatic_cap_share"))),
                "floor_cpm": money(c.programmatic_floor_cpm_gbp, pence=True, ask="the programmatic floor CPM",
                                   source=cfg("vendors", k, "programmatic_floor_cpm_gbp")),
                "renewable": share(f, "renewable_energy_share", "the share of screen energy from renewable sources"),
                "dimming": share(f, "dimming_share", "the night-time reduction in screen brightness"),
                "recycled": share(f, "recycled_hardware_share", "the share of screen hardware recycled or refurbished")}
    return out


# --------------------------------------------------------------------------- agency
AGENCY_KPI_LABELS = {
    "viewability": "Programmatic viewability (DV360, MRC standard)",
    "approved_supply": "Impressions bought through approved exchanges",
    "report_timeliness": "Monthly report delivered after month end",
    "budget_pacing": "Annual spend per channel within budget",
    "cost_per_lead": "Cost per lead of Meta lead-generation campaigns (platform-reported)",
}


def agency_fields(f: Facts) -> dict[str, str]:
    c: AgencyTerms = f.contract  # type: ignore[assignment]
    plans = [year_plan(f, name) for name in f.world.media.channels]
    billings = sum(value for value, _ in plans)
    planned = {"op": "add", "args": [source for _, source in plans]}
    commission = as_percent_of(planned, cfg("vendors", f.key, "commission_media"))
    targets = {k: ("within " if m.measure in CEILING_MEASURES else "at least ") + _sla_value(m.measure, m.target)
               for k, m in c.sla.items()}
    targets |= {"budget_pacing": f"within +/- {pct(c.budget_pacing_tolerance)}",
                "cost_per_lead": f"at most {money(c.cost_per_lead_target_gbp)}"}
    k = f.key
    kpis = [[AGENCY_KPI_LABELS[name], targets.get(name, ""),
             pct(w, ask=f"the weight of the KPI \"{AGENCY_KPI_LABELS[name]}\" in the performance bonus",
                 source=as_percent(cfg("vendors", k, "kpi_weights", name)))] for name, w in c.kpi_weights.items()]
    return {
        "markets": listing([f.world.markets[m].name for m in c.markets]),
        "commission_media": share(f, "commission_media", "the Agency's commission as a share of Media Cost"),
        "commission_production": share(f, "commission_production", "the Agency's fee as a share of Production Cost"),
        "kpi_bonus_max": share(f, "kpi_bonus_max", "the largest performance bonus, as a share of the media commission"),
        "kpi_table": md_table(["KPI", "Target", "Weight"], kpis, right={2}, key="kpi_table"),
        "termination_days": term(f, "termination_notice_days", "days", "the notice needed to terminate"),
        "handover_days": term(f, "handover_days", "days", "the handover period after termination"),
        "audits_per_year": times(c.audits_per_year),
        "audit_lookback": term(f, "audit_lookback_years", "years", "how many past years an audit may cover"),
        "exchanges": bullets(c.approved_exchanges), "report_low": str(c.report_business_days[0]),
        "report_high": str(c.report_business_days[1]),
        "billings": money(billings, ask=f"the planned Media Cost for {f.term.start.year}", source=planned),
        "commission_estimate": money(billings * c.commission_media, ask="the estimated media commission on the plan",
                                     source=commission),
        "bonus_cap_estimate": money(billings * c.commission_media * c.kpi_bonus_max,
                                    ask="the largest performance bonus on the plan",
                                    source=as_percent_of(commission, cfg("vendors", f.key, "kpi_bonus_max"))),
        "billings_table": billings_table(f), "report_calendar": report_calendar(f),
        "calendar_years": calendar_years(f),
        "vendor_names": listing(list(dict.fromkeys(
            other.vendor.name for other in f.vendors.contracts().values() if other is not c))),
    }




