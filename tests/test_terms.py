"""Contract terms over a multi-year horizon: renewals until the horizon is covered, each a document of
its own; SLA tracking, commitments and the reports per term and per year; the gold set's answers hold."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from sim.exporters.contracts.measure import first_year
from sim.exporters.gold.derive import Derivation
from sim.world.config import load_world
from sim.world.prices import airtime_contract_of, ooh_contract_of
from sim.world.vendors import CONTRACT_KEYS, all_terms, contract_terms, term_on

THREE_YEARS = ("three_years", "--set", "run.population=8000")


# --------------------------------------------------------------------------- the rule (no simulation)
def test_one_year_keeps_one_term_per_contract(world):
    terms = all_terms(world.vendors, world.run.end)
    assert all(len(t) == 1 and not t[0].renewal for t in terms.values())
    assert [t[0].file for t in terms.values()] == [c.file for c in world.vendors.contracts().values()]


def test_terms_renew_until_the_horizon_is_covered():
    world = load_world("three_years")
    for key in CONTRACT_KEYS:
        contract = world.vendors.contracts()[key]
        terms = contract_terms(world.vendors, key, world.run.end)
        assert terms[0].start == contract.start and terms[0].end == contract.end
        assert terms[0].reference == contract.reference and terms[0].signed == contract.signed
        assert terms[-1].end >= world.run.end and terms[-1].start <= world.run.end
        for a, b in zip(terms, terms[1:], strict=False):
            assert b.start == a.end + dt.timedelta(days=1)                            # contiguous
            assert b.reference == f"{contract.reference}-R{b.number}"
            assert b.start - b.signed == contract.start - contract.signed             # signed as the first was
            assert (b.end - b.start).days in range(27 * contract.term_months, 32 * contract.term_months)
        assert len({t.reference for t in terms}) == len({t.file for t in terms}) == len(terms)
    assert [t.number for t in contract_terms(world.vendors, "itv", world.run.end)] == [0, 1, 2]    # to mid-2028
    assert len(contract_terms(world.vendors, "agency", world.run.end)) == 2                        # 24 months
    itv = contract_terms(world.vendors, "itv", world.run.end)
    assert term_on(itv, dt.date(2026, 6, 30)).number == 0 and term_on(itv, dt.date(2026, 7, 1)).number == 1


# --------------------------------------------------------------------------- a small three-year run
@pytest.fixture(scope="module")
def run(sim_cli, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("three_years") / "run"
    done = sim_cli("run", *THREE_YEARS, "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def world3():
    return load_world(THREE_YEARS[0], [THREE_YEARS[2]])


def _csv(run: Path, stem: str) -> pd.DataFrame:
    return pd.read_csv(run / "raw" / f"{stem}.csv", keep_default_na=False)


@pytest.mark.slow
def test_renewals_are_documents_with_unique_references_and_dates_in_their_term(run, world3):
    terms = all_terms(world3.vendors, world3.run.end)
    files = sorted(p.name for p in (run / "raw" / "contracts").glob("*.md"))
    assert files == sorted(t.file for ts in terms.values() for t in ts)
    assert any(t.renewal for ts in terms.values() for t in ts)
    for ts in terms.values():
        for t in ts:
            text = (run / "raw" / "contracts" / t.file).read_text()
            assert t.reference in text and f"{t.start.day} {t.start:%B %Y}" in text
            assert f"{t.end.day} {t.end:%B %Y}" in text and f"{t.signed.day} {t.signed:%B %Y}" in text
            others = [o.reference for o in ts if o is not t and o.reference.startswith(t.reference + "-")]
            assert not any(re.search(re.escape(o) + r"\b", text) for o in others), t.file
            if t.renewal:
                assert f"Renewal {t.number} of the" in text and t.signed < t.start
    bvod = (run / "raw" / "contracts" / "Sky_BVOD_Addendum_Renewal_1.md").read_text()
    assert f"{terms['sky'][1].reference} dated" in bvod                                # cites its parent's renewal


@pytest.mark.slow
def test_tv_and_ooh_spend_in_every_year_falls_inside_a_contract_term(run, world3):
    terms = all_terms(world3.vendors, world3.run.end)
    key_of = {id(c): k for k, c in world3.vendors.contracts().items()}
    tv, ooh = _csv(run, "tv_performance"), _csv(run, "ooh_performance")
    launch_year_pre_term = 0
    for frame, owner, date, contract_of in ((tv, "broadcaster", "date_week_start", airtime_contract_of),
                                            (ooh, "vendor", "start_date", ooh_contract_of)):
        for o, day, spend in zip(frame[owner], pd.to_datetime(frame[date]).dt.date, frame["spend"], strict=True):
            ts = terms[key_of[id(contract_of(world3.vendors, o))]]
            inside = any(t.covers(day) or t.covers(day + dt.timedelta(days=6)) for t in ts)
            if day.year > world3.run.start.year:
                assert inside, (o, day)
            launch_year_pre_term += (not inside) * float(spend)
    assert launch_year_pre_term > 0                      # airtime bought before the first terms (2025 H1) stays


@pytest.mark.slow
def test_sla_tracking_and_commitments_cover_every_term(run, world3):
    sla = _csv(run, "sla_tracking")
    terms = all_terms(world3.vendors, world3.run.end)
    for key, ts in terms.items():
        contract = world3.vendors.contracts()[key]
        if not contract.sla:
            continue
        months = set(sla.loc[sla["vendor"] == contract.vendor.name, "year_month"])
        for t in ts:
            window = t.window(world3.run.start, world3.run.end)
            assert any(window[0].strftime("%Y-%m") <= m <= window[1].strftime("%Y-%m") for m in months), t.reference
    assert not sla.duplicated(["year_month", "vendor", "metric_name"]).any()

    from sim.exporters.contracts import commitment_reconciliation
    media = {s: _csv(run, s) for s in ("tv_performance", "ooh_performance", "dv360")}
    rec = commitment_reconciliation(world3, media)
    expected = {(k, t.number, line) for k, ts in terms.items() for t in ts for line in t.contract.commitments}
    assert set(zip(rec["contract"], rec["term"], rec["line"], strict=True)) == expected
    assert rec["within_tolerance"].all(), rec.to_string()
    renewal_tv = rec[(rec["term"] > 0) & (rec["channel"] == "tv") & (rec["term_end"] <= world3.run.end)]
    whole = renewal_tv.groupby("term_start")[["commitment_gbp", "delivered_whole_term_gbp"]].sum()
    assert (whole["delivered_whole_term_gbp"] / whole["commitment_gbp"]).between(0.9, 1.1).all()   # the plan


@pytest.mark.slow
def test_reports_cover_every_month_and_year_under_the_term_in_force(run, world3):
    reports = {p.name: p.read_text() for p in (run / "raw" / "reports").glob("*.md")}
    years = range(world3.run.start.year, world3.run.end.year + 1)
    for month in pd.period_range(world3.run.start, world3.run.end, freq="M"):
        assert f"NorthlightMedia_Monthly_Report_{month.strftime('%Y_%m')}.md" in reports, month
    for year in years:
        for market in world3.markets:
            brief = reports[f"Media_Plan_Brief_{market}_{year}.md"]
            assert str(year) in brief.splitlines()[0]
        for name in ("ITV", "SkyMedia", "Channel4"):
            report = reports[f"{name}_Post_Campaign_Report_{year}.md"]
            assert str(year) in report.splitlines()[0]
    itv = contract_terms(world3.vendors, "itv", world3.run.end)
    assert f"{itv[0].reference} and {itv[1].reference}" in reports["ITV_Post_Campaign_Report_2026.md"]
    terms = all_terms(world3.vendors, world3.run.end)
    vendor_key = {c.vendor.name.replace(" ", ""): k for k, c in world3.vendors.contracts().items()}
    for name, text in reports.items():
        hit = re.search(r"(Monthly_Report|Notice|Letter)_(?:(\w+?)_)?(\d{4})_(\d{2})", name)
        if hit is None:
            continue
        day = pd.Period(f"{hit[3]}-{hit[4]}", freq="M").end_time.date()
        key = "agency" if hit[1] == "Monthly_Report" else vendor_key[hit[2]]
        in_force = term_on(terms[key], day)
        assert in_force.covers(day), name                                 # every report month lies in a term
        if "Terms of Business" in text or hit[1] != "Monthly_Report":
            assert re.search(re.escape(in_force.reference) + r"\b(?!-R)", text), name


@pytest.mark.slow
def test_year_budgets_in_briefs_and_agency_plans(run, world3):
    from sim.engine.plan import market_year_budgets
    brief = (run / "raw" / "reports" / "Media_Plan_Brief_UK_2027.md").read_text()
    tv = market_year_budgets(world3, "tv")["UK"][2027]
    assert f"GBP {tv:,.0f}" in brief
    agency = contract_terms(world3.vendors, "agency", world3.run.end)[1]
    terms = (run / "raw" / "contracts" / agency.file).read_text()
    plan = sum(world3.media.channels[c].budget_gbp_by_year.get(first_year(agency)[0].year,
                                                                 world3.media.channels[c].budget_gbp)
               for c in world3.media.channels)
    assert f"Planned Media Cost for {agency.start.year}: GBP {plan:,.0f}" in terms


@cache
def _reader(run: Path):
    return cache(lambda path: pd.read_csv(run / path, keep_default_na=False))


@pytest.mark.slow
def test_gold_answers_of_the_three_year_run_recompute_and_name_the_right_year(run, world3):
    derive = Derivation(json.loads((run / "scenario.json").read_text()), _reader(run))
    records = [json.loads(line) for line in (run / "rag" / "gold.jsonl").read_text().splitlines()]
    texts: dict[str, str] = {}
    assert len({q["question"] for q in records}) == len(records)
    renewal_docs = set()
    start_year = {t.reference: t.start.year for ts in all_terms(world3.vendors, world3.run.end).values() for t in ts}
    for q in records:
        for e in q["evidence"]:
            if "doc_id" in e:
                text = texts.setdefault(e["path"], (run / e["path"]).read_text())
                assert text[e["start"]:e["end"]] == e["text"], q["id"]
                renewal_docs |= {e["path"]} if "_Renewal_" in e["path"] else set()
        if q["answer_type"] not in ("none", "text"):
            got = derive(q["derivation"])
            if q["answer_type"] == "date":
                assert got == q["answer"]["value"], (q["id"], got)
            else:
                assert abs(float(got) - q["answer"]["value"]) <= q["tolerance"] + 1e-9, (q["id"], q["question"], got)
        if q["family"] == "commitment balance":
            reference = re.search(r"\(([^()]+)\), how much", q["question"])[1]
            assert q["question"].endswith(f"scheduled in {start_year[reference]}?"), q["question"]
    assert len(renewal_docs) >= 10
    families = {q["family"] for q in records if any("_Renewal_" in e.get("path", "") for e in q["evidence"])}
    assert {"booked GRPs", "SLA margin", "commitment balance", "stated date"} <= families
