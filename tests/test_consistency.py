"""Cross-file consistency of one simulated world: events vs the funnel, SLA vs contracts and
delivery, commitments vs spend, and vendor terms that change documents but not the world."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.exporters.contracts import commitment_reconciliation
from sim.run import csv_bytes, export_tables, simulate


def _raw(tables):
    return {k[4:-4]: v for k, v in tables.items() if k.startswith("raw/") and k.endswith(".csv")}


def test_event_leads_and_drives_match_the_funnel(small_tables):
    tables, _ = small_tables
    events = tables["raw/events.csv"]
    leads = tables["raw/leads.csv"]
    assert events["leads_generated"].sum() == (leads["source"] == "event_signup").sum()
    drives = tables["raw/test_drives.csv"]
    event_done = ((drives["source"] == "event") & (drives["status"] == "COMPLETED")).sum()
    assert events["test_drives_completed"].sum() == event_done
    assert events["spend"].sum() == pytest.approx(600_000, rel=1e-6)


def test_every_sla_miss_is_a_declared_incident(small_world, small_tables):
    tables, _ = small_tables
    sla = tables["raw/sla_tracking.csv"]
    assert len(sla) > 0 and sla["in_compliance"].mean() >= 0.85
    months = set()
    for inc in small_world.vendors.incidents:
        months |= {p.strftime("%Y-%m") for p in pd.period_range(inc.start, inc.end, freq="M")}
        months |= {f"{inc.start.year}-Q{(inc.start.month - 1) // 3 + 1}"}
    misses = sla.loc[~sla["in_compliance"], "year_month"]
    assert set(misses) <= months, f"SLA misses without a declared incident: {set(misses) - months}"


def test_sla_values_are_contract_figures_and_measurements(small_world, small_tables):
    tables, _ = small_tables
    sla = tables["raw/sla_tracking.csv"]
    tv = tables["raw/tv_performance.csv"]
    itv = sla[(sla["vendor"] == "ITV") & (sla["metric_name"] == "grp_delivery")]
    assert len(itv) > 0
    target = small_world.vendors.itv.sla["grp_delivery"].target
    ratio = itv["actual_value"] / itv["contracted_value"]
    assert ((ratio >= target) == itv["in_compliance"]).all()
    # the delivered GRPs are the ones tv_performance reports for ITV in those months
    weeks = tv[tv["broadcaster"] == "ITV"]
    assert itv["actual_value"].sum() <= weeks["grps"].sum() + 1e-6


def test_commitments_agree_with_spend(small_world, small_tables):
    tables, _ = small_tables
    rec = commitment_reconciliation(small_world, _raw(tables))
    assert rec["within_tolerance"].all(), rec.to_string()


def test_a_vendor_term_changes_documents_and_sla_only(small_world_with, small_tables):
    tables, documents = small_tables
    stricter = small_world_with("vendors.itv.sla.grp_delivery.target=0.99", "vendors.itv.payment_days=60")
    t2, d2 = export_tables(stricter, simulate(stricter))
    changed = {k for k in tables if csv_bytes(tables[k]) != csv_bytes(t2[k])}
    assert changed == {"raw/sla_tracking.csv"}
    changed_docs = {k for k in documents.keys() | d2.keys() if documents.get(k) != d2.get(k)}
    assert "raw/contracts/ITV_Airtime_Agreement.md" in changed_docs
    # what follows from the term: the ITV contract, the SLA results the agency reports and ITV's make-good
    # letters (a stricter threshold misses more months), and the gold set built on them
    follows = {k for k in changed_docs if k.startswith("rag/") or "_Monthly_Report_" in k
               or k.startswith("raw/reports/Make_Good_Letter_ITV_")}
    assert changed_docs - follows <= {"raw/contracts/ITV_Airtime_Agreement.md", "raw/contracts/Sky_BVOD_Addendum.md"}
