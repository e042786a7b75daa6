"""The documents could exist on their date: contracts state only what was known when signed, the
reports come after the period they report, terms are defined, references resolve, deadlines skip
public holidays, commercial terms sit near the data, and documents of a type differ."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.exporters.calendars import business_days_between, is_business_day
from sim.exporters.contracts import contract_documents
from sim.exporters.reports import report_documents

CANONICAL = Path(__file__).resolve().parent.parent / "outputs" / "canonical"
RAW_STEMS = ("tv_performance", "ooh_performance", "dv360", "meta_ads", "sla_tracking", "ITV_BVOD", "Sky_BVOD",
             "Channel4_BVOD")


@pytest.fixture(scope="module")
def documents(small_world, small_tables):
    tables, _ = small_tables
    raw = {k[4:-4]: v for k, v in tables.items() if k.startswith("raw/") and k.endswith(".csv")}
    return contract_documents(small_world, raw) + report_documents(small_world, raw)


def _reads_data(node) -> bool:
    if isinstance(node, dict):
        return any(k in node for k in ("csv", "csv_sum", "csv_count")) or any(map(_reads_data, node.values()))
    return isinstance(node, list) and any(map(_reads_data, node))


def test_contracts_state_only_what_was_known_when_signed(documents):
    contracts = [d for d in documents if d.doc_type == "contract"]
    assert len(contracts) == 7
    for doc in contracts:
        assert not any(_reads_data(s.meta.get("source")) for s in doc.spans), doc.path   # no figure from the data
        for stem in RAW_STEMS:
            assert stem not in doc.text, (doc.path, stem)                                   # no data-feed names
        assert not re.search(r"\b[Dd]elivered (in|to|GRPs were)\b.*GBP", doc.text), doc.path


def test_reports_are_dated_after_the_period_they_report(small_world, documents):
    start, end = small_world.run.start, small_world.run.end
    kinds = {d.doc_type for d in documents}
    assert {"agency_report", "post_campaign_report", "sla_notice", "plan_brief"} <= kinds
    for doc in documents:
        dated = pd.Timestamp(doc.date).date()
        if doc.doc_type == "contract":
            assert dated <= start or dated <= pd.Timestamp(doc.date).date()
        elif doc.doc_type == "plan_brief":
            assert dated < start, doc.path
        elif doc.doc_type == "post_campaign_report":
            assert dated > end, doc.path
        else:
            period = re.search(r"(\d{4})_(\d{2})", doc.path)
            month_end = pd.Period(f"{period[1]}-{period[2]}", freq="M").end_time.date()
            assert dated > month_end, doc.path


def test_business_day_is_defined_wherever_it_is_used(documents):
    for doc in (d for d in documents if d.doc_type == "contract"):
        if "Business Day" in doc.text:
            assert re.search(r'\*\*Business Day\*\*"?(:| means| \|)', doc.text), doc.path


def test_every_reference_cites_a_clause_or_schedule_of_its_document(documents):
    by_key = {d.doc_id: d for d in documents}
    parent = {"sky": "Sky_Airtime_Agreement"}
    for doc in documents:
        for ref in (s for s in doc.spans if s.key.startswith("ref:")):
            target = by_key[parent.get(ref.meta.get("cited"), doc.doc_id)]
            anchors = {s.meta.get("anchor"): s.meta.get("citation") for s in target.spans
                       if s.key.startswith(("heading:", "clause:"))}
            assert anchors.get(ref.meta["target"]) == ref.text, (doc.path, ref.text, ref.meta["target"])
    agency = by_key["MediaAgency_Terms_of_Business"].text
    disputes = re.search(r"whether a KPI was met is resolved under (Condition \d+)", agency)
    assert disputes and re.search(rf"^## {disputes[1].split()[1]} DISPUTES$", agency, re.M)


def test_report_deadlines_are_business_days_of_the_market(small_world, documents):
    agency = next(d for d in documents if d.doc_id == "MediaAgency_Terms_of_Business")
    region = small_world.reporting.documents.holiday_calendars[small_world.vendors.market]
    target = int(small_world.vendors.agency.sla["report_timeliness"].target)
    dues = [s for s in agency.spans if s.meta.get("table") == "report_calendar" and s.meta.get("column") ==
            "Report due by"]
    assert len(dues) == 12
    for s in dues:
        due = pd.Timestamp(s.value).date()
        month_end = pd.Period(pd.Timestamp(s.meta["row"]), freq="M").end_time.date()
        assert is_business_day(due, region) and business_days_between(month_end, due, region) == target, s.text
    assert "8 May 2025" in agency.text        # April's deadline moves past the early May bank holiday


def test_lead_cost_kpi_is_near_what_the_data_achieves(world):
    meta = pd.read_csv(CANONICAL / "raw" / "meta_ads.csv")
    lead_gen = meta[meta["objective"] == "lead_gen"]
    achieved = lead_gen["spend"].sum() / lead_gen["leads"].sum()
    assert 0.5 <= world.vendors.agency.cost_per_lead_target_gbp / achieved <= 2.0, achieved


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def test_documents_of_a_type_have_two_templates_and_share_few_lines(documents):
    by_type: dict[str, list] = {}
    for d in documents:
        by_type.setdefault(d.doc_type, []).append(d)
    for kind, docs in by_type.items():
        if len(docs) < 2:
            continue
        shapes = {tuple(re.sub(r"[\d,.]+", "#", line.split(":")[0]) for line in d.text.splitlines()
                        if line.startswith("#")) for d in docs}
        assert len(shapes) >= 2, kind
        for a, b in itertools.combinations(docs, 2):
            shared = len(_lines(a.text) & _lines(b.text)) / min(len(_lines(a.text)), len(_lines(b.text)))
            assert shared < 0.5, (a.path, b.path, round(shared, 2))
