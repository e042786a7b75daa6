"""Vendor contracts and sla_tracking on small hand-built media tables (the extract's columns).

Every contracted value must trace to the scenario's vendor terms and every actual value to a
measurement of the tables; a change to one term must show in the documents and the SLA table;
commitments must agree with the spend delivered in their term within the configured tolerance.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from sim.exporters.contracts import agency_report_log, commitment_reconciliation, render_contracts, sla_tracking
from sim.exporters.contracts.numbering import number_document
from sim.world.config import ConfigError, load_world
from sim.world.prices import deal_cpp, incident_factor, site_rate
from sim.world.vendors import scheduled_owner_shares

TV_COLUMNS = ["date_week_start", "broadcaster", "daypart", "market", "spot_length_seconds", "spots_aired", "grps",
              "reach_000", "reach_pct", "avg_frequency", "cpp", "spend", "programme_name"]
OOH_COLUMNS = ["campaign_name", "campaign_id", "start_date", "end_date", "market", "format", "vendor", "sites_booked",
               "impressions", "reach_000", "frequency", "spend", "region", "city"]
DV_COLUMNS = ["date", "insertion_order", "line_item_name", "line_item_id", "market", "model", "creative_size",
              "exchange", "impressions", "clicks", "ctr", "cpm", "spend", "viewable_impressions", "viewability_rate",
              "video_completions", "video_completion_rate"]
CONTRACT_FILES = {"ITV_Airtime_Agreement.md", "Sky_Airtime_Agreement.md", "Sky_BVOD_Addendum.md",
                  "JCDecaux_OOH_Contract.md", "ClearChannel_DOOH_Agreement.md", "Channel4_Media_Partnership.md",
                  "MediaAgency_Terms_of_Business.md"}


def tv_row(week: str, broadcaster: str, daypart: str, spend: float, grps: float, programme: str = "Emmerdale",
           reach_pct: float = 20.0) -> dict:
    return {"date_week_start": week, "broadcaster": broadcaster, "daypart": daypart, "market": "UK",
            "spot_length_seconds": 30, "spots_aired": 12, "grps": grps, "reach_000": reach_pct / 100 * 53_000,
            "reach_pct": reach_pct, "avg_frequency": grps / reach_pct, "cpp": spend / grps, "spend": spend,
            "programme_name": programme}


def ooh_row(start: str, end: str, vendor: str, fmt: str, city: str, spend: float, sites: int) -> dict:
    name = f"UK_S07_OOH_{vendor}_{fmt}_{start}"
    return {"campaign_name": name, "campaign_id": name, "start_date": start, "end_date": end, "market": "UK",
            "format": fmt, "vendor": vendor, "sites_booked": sites, "impressions": sites * 10_000,
            "reach_000": sites * 5.0, "frequency": 2.0, "spend": spend, "region": "North West", "city": city}


def dv_row(date: str, exchange: str, impressions: int, viewable: int, market: str = "UK") -> dict:
    return {"date": date, "insertion_order": "IO", "line_item_name": f"LI_{exchange}", "line_item_id": "1",
            "market": market, "model": "DEEPAL_S07", "creative_size": "300x250", "exchange": exchange,
            "impressions": impressions, "clicks": impressions // 1000, "ctr": 0.001, "cpm": 3.0,
            "spend": impressions * 3.0 / 1000, "viewable_impressions": viewable,
            "viewability_rate": viewable / impressions, "video_completions": 0, "video_completion_rate": 0.0}


@pytest.fixture()
def media():
    """A few rows per owner: ITV, Sky and Channel 4 in July (in term) and June (pre-term), OOH, DV360."""
    tv = pd.DataFrame([
        tv_row("2025-06-16", "ITV", "peak", 37_000.0, 10.0),                       # before the ITV term
        tv_row("2025-07-07", "ITV", "peak", 74_000.0, 20.0),                       # 74,000 / 3,700 = 20 booked
        tv_row("2025-07-07", "ITV", "peak", 41_440.0, 9.0, "I'm a Celebrity"),     # 41,440 / (3,700 x 1.12) = 10
        tv_row("2025-07-14", "ITV", "daytime", 19_000.0, 10.0),
        tv_row("2025-07-07", "ITV_BVOD", "peak", 28_000.0, 2.0),
        tv_row("2025-07-07", "Sky", "peak", 31_000.0, 10.0),
        tv_row("2025-07-07", "Sky_BVOD", "peak", 12_000.0, 3.0, "Sky Go AdSmart Sport", reach_pct=0.5),
        tv_row("2025-07-07", "Channel4", "off-peak", 20_000.0, 10.0, "Countdown"),
    ], columns=TV_COLUMNS)
    ooh = pd.DataFrame([
        ooh_row("2025-03-03", "2025-03-16", "JCDecaux", "digital_d6", "Manchester", 16_500.0, 8),  # 10 contracted
        ooh_row("2025-03-17", "2025-03-30", "JCDecaux", "digital_d6", "London", 16_500.0, 10),
        ooh_row("2025-03-03", "2025-03-16", "ClearChannel", "digital_large", "Birmingham", 10_000.0, 2),
    ], columns=OOH_COLUMNS)
    dv = pd.DataFrame([
        dv_row("2025-11-05", "Google AdX", 60_000, 39_000),
        dv_row("2025-11-06", "Xandr", 38_600, 23_700, market="DE"),
        dv_row("2025-11-07", "ShadyExchange", 1_400, 400),
        dv_row("2025-12-01", "Magnite", 50_000, 40_000),
    ], columns=DV_COLUMNS)
    return {"tv_performance": tv, "ooh_performance": ooh, "dv360": dv}


def one(table: pd.DataFrame, vendor: str, metric: str, period: str) -> pd.Series:
    rows = table[(table["vendor"] == vendor) & (table["metric_name"] == metric) & (table["year_month"] == period)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# --------------------------------------------------------------------------- SLA values trace to terms and data
def test_sla_table_has_the_extract_columns(world, media):
    table = sla_tracking(world, media)
    assert list(table.columns) == ["year_month", "vendor", "contract_type", "metric_name", "contracted_value",
                                   "actual_value", "variance_pct", "in_compliance", "notes"]
    assert table["in_compliance"].dtype == bool
    assert table["notes"].str.len().min() > 0
    assert not table.duplicated(["year_month", "vendor", "contract_type", "metric_name"]).any()
    assert table.equals(sla_tracking(world, media))                    # deterministic


def test_grp_delivery_is_spend_at_the_deal_cpp_against_delivered_grps(world, media):
    itv = world.vendors.itv
    row = one(sla_tracking(world, media), "ITV", "grp_delivery", "2025-07")
    peak, daytime = itv.cpp_gbp["peak"], itv.cpp_gbp["daytime"]
    booked = 74_000 / peak + 41_440 / (peak * (1 + itv.premium_share)) + 19_000 / daytime
    assert row["contracted_value"] == pytest.approx(booked, abs=0.01)
    assert row["actual_value"] == pytest.approx(20 + 9 + 10)            # June's pre-term week is not counted
    assert row["in_compliance"] == (39 >= itv.sla["grp_delivery"].target * booked)
    assert row["variance_pct"] == pytest.approx((39 / booked - 1) * 100, abs=0.01)


def test_site_availability_measures_live_against_contracted_sites(world, media):
    jcd = world.vendors.jcdecaux
    row = one(sla_tracking(world, media), "JCDecaux", "site_availability", "2025-03")
    contracted = 16_500 / jcd.site_rate_gbp["digital_d6"]
    assert row["contracted_value"] == pytest.approx((contracted * 14 + contracted * 14) / 31, abs=0.01)
    assert row["actual_value"] == pytest.approx((8 * 14 + 10 * 14) / 31, abs=0.01)
    assert not row["in_compliance"]                                     # 90% live < 95% contracted
    assert "digital_d6 in Manchester ran 8 of 10 contracted sites" in row["notes"]
    assert "London" not in row["notes"]                                 # only cycles below the threshold are named


def test_digital_metrics_are_measured_from_dv360(world, media):
    table = sla_tracking(world, media)
    agency = world.vendors.agency
    nov = one(table, "Northlight Media", "viewability_pct", "2025-11")
    assert nov["contracted_value"] == pytest.approx(agency.sla["viewability"].target * 100)
    assert nov["actual_value"] == pytest.approx(63_100 / 100_000 * 100)
    assert not nov["in_compliance"] and "Xandr" in nov["notes"]
    assert one(table, "Northlight Media", "viewability_pct", "2025-12")["in_compliance"]
    supply = one(table, "Northlight Media", "brand_safe_supply_pct", "2025-12")
    assert supply["contracted_value"] == pytest.approx(agency.sla["approved_supply"].target * 100)
    assert supply["actual_value"] == pytest.approx(148_600 / 150_000 * 100, abs=0.01)
    assert not supply["in_compliance"] and "ShadyExchange" in supply["notes"]


def test_frequency_cap_and_report_timeliness(world, media):
    table = sla_tracking(world, media)
    cap = one(table, "Sky Media", "bvod_weekly_frequency", "2025-09")
    assert cap["contracted_value"] == world.vendors.sky_bvod.sla["frequency_cap"].target
    assert cap["actual_value"] == pytest.approx(3.0 / 0.5)
    log = agency_report_log(world).set_index("year_month")
    q3 = one(table, "Northlight Media", "report_delivery_business_days", "2025-09")
    assert q3["contracted_value"] == world.vendors.agency.sla["report_timeliness"].target
    assert q3["actual_value"] == log.loc[["2025-07", "2025-08", "2025-09"], "business_days"].max()
    late = world.vendors.incidents[[i.kind for i in world.vendors.incidents].index("late_report")]
    allowed = world.vendors.agency.report_business_days[0]
    assert log.loc["2025-09", "business_days"] >= allowed + late.delay_business_days
    assert not q3["in_compliance"] and late.cause in q3["notes"]


def test_sla_rows_only_cover_each_contract_term(world, media):
    table = sla_tracking(world, media)
    tv = table[table["vendor"].isin(["ITV", "Sky Media", "Channel 4"])]
    assert (tv["year_month"] >= "2025-07").all()


# --------------------------------------------------------------------------- one term changes documents and SLA table
def test_an_override_changes_contract_text_and_sla_table(world, media):
    changed = load_world("baseline", overrides=["vendors.itv.cpp_gbp.peak=4625"])
    before, after = render_contracts(world, media), render_contracts(changed, media)
    assert "| peak | GBP 4,625 |" in after["ITV_Airtime_Agreement.md"]
    assert "GBP 4,625" not in before["ITV_Airtime_Agreement.md"]
    assert before["Sky_Airtime_Agreement.md"] == after["Sky_Airtime_Agreement.md"]
    old = one(sla_tracking(world, media), "ITV", "grp_delivery", "2025-07")["contracted_value"]
    new = one(sla_tracking(changed, media), "ITV", "grp_delivery", "2025-07")["contracted_value"]
    assert new < old
    assert new == pytest.approx(74_000 / 4625 + 41_440 / (4625 * 1.12) + 19_000 / 1900, abs=0.01)


def test_a_stricter_sla_threshold_turns_a_month_into_a_miss(world, media):
    lenient = load_world("baseline", overrides=["vendors.agency.sla.viewability.target=0.6"])
    assert one(sla_tracking(lenient, media), "Northlight Media", "viewability_pct", "2025-11")["in_compliance"]
    assert "at least 60%" in render_contracts(lenient, media)["MediaAgency_Terms_of_Business.md"]


def test_commitments_scale_with_the_channel_budget(world, media):
    doubled = load_world("baseline", overrides=["media.channels.tv.budget_gbp=12000000"])
    rec = commitment_reconciliation(doubled, media).set_index(["contract", "line"])
    linear = world.vendors.itv.commitments["linear"].amount_gbp
    assert rec.loc[("itv", "linear"), "commitment_gbp"] == pytest.approx(2 * linear)
    assert rec.loc[("jcdecaux", "media"), "commitment_gbp"] == world.vendors.jcdecaux.commitments["media"].amount_gbp
    assert "not less than GBP 6,600,000" in render_contracts(doubled, media)["ITV_Airtime_Agreement.md"]


# --------------------------------------------------------------------------- commitments against delivered spend
def plan_on_schedule(world, factor: float = 1.0) -> dict[str, pd.DataFrame]:
    """One row per TV owner and week in the term, and per OOH owner and cycle, spending its scheduled share."""
    v = world.vendors
    tv_rows, ooh_rows = [], []
    for contract in v.contracts().values():
        for line in contract.commitments.values():
            money = line.amount_gbp * line.in_year_share * factor
            if line.channel == "tv":
                weeks = pd.date_range("2025-07-07", "2025-12-22", freq="W-MON")
                tv_rows += [tv_row(f"{d:%Y-%m-%d}", line.owners[0], "peak", money / len(weeks), 10.0) for d in weeks]
            else:
                starts = pd.date_range("2025-01-06", "2025-12-15", freq="14D")
                ooh_rows += [ooh_row(f"{d:%Y-%m-%d}", f"{d + pd.Timedelta(days=13):%Y-%m-%d}", line.owners[0],
                                     "digital_d6", "London", money / len(starts), 5) for d in starts]
    return {"tv_performance": pd.DataFrame(tv_rows, columns=TV_COLUMNS),
            "ooh_performance": pd.DataFrame(ooh_rows, columns=OOH_COLUMNS)}


def test_commitments_agree_with_spend_delivered_on_schedule(world):
    rec = commitment_reconciliation(world, plan_on_schedule(world))
    assert len(rec) == sum(len(c.commitments) for c in world.vendors.contracts().values())
    assert rec["within_tolerance"].all()
    assert rec["delivered_vs_scheduled"].to_numpy() == pytest.approx(1.0, abs=world.vendors.commitment_tolerance)
    over = commitment_reconciliation(world, plan_on_schedule(world, 1 + 2 * world.vendors.commitment_tolerance))
    assert not over["within_tolerance"].any()


def test_pre_term_spend_is_reported_not_counted(world, media):
    rec = commitment_reconciliation(world, media).set_index(["contract", "line"])
    assert rec.loc[("itv", "linear"), "delivered_pre_term_gbp"] == pytest.approx(37_000)
    assert rec.loc[("itv", "linear"), "delivered_in_term_gbp"] == pytest.approx(74_000 + 41_440 + 19_000)
    doc = render_contracts(world, media)["ITV_Airtime_Agreement.md"]
    assert "37,000" not in doc                      # signed before any airtime ran: delivery is reported elsewhere


def test_scheduled_commitments_fit_the_reference_budgets(world):
    assert sum(scheduled_owner_shares(world.vendors, "tv").values()) == pytest.approx(1.0)
    ooh = scheduled_owner_shares(world.vendors, "ooh")
    assert ooh == pytest.approx({"JCDecaux": 1.8 / 3.0, "ClearChannel": 1.2 / 3.0})
    with pytest.raises(ConfigError, match="more than the budget"):
        load_world("baseline", overrides=["vendors.reference_budget_gbp.ooh=1000000"])


# --------------------------------------------------------------------------- documents
def test_seven_documents_of_contract_length_with_resolved_references(world, media):
    docs = render_contracts(world, media)
    assert set(docs) == CONTRACT_FILES
    for name, text in docs.items():
        lines = text.count("\n")
        assert 130 <= lines <= 300, (name, lines)
        assert "§" not in text and "${" not in text and not re.search(r"^@", text, re.M), name
        assert "Meridian Marques UK Ltd" in text
    assert "Section 3(a)" in docs["Sky_BVOD_Addendum.md"]            # the addendum cites its agreement
    assert docs == render_contracts(world, media)                      # deterministic


def test_documents_state_the_configured_terms(world, media):
    docs = render_contracts(world, media)
    itv, agency = docs["ITV_Airtime_Agreement.md"], docs["MediaAgency_Terms_of_Business.md"]
    assert "not less than 8 weeks' written notice" in itv and "not less than 2 weeks' written notice" in itv
    assert "commission of 3% of Media Cost" in agency and "fee of 15% of Production Cost" in agency
    assert "at least 90 days' written notice" in agency and "within 30 days of their date" in agency
    assert "Hivestack and Vistar Media" in docs["ClearChannel_DOOH_Agreement.md"]
    assert "GBP 1,800,000" in docs["JCDecaux_OOH_Contract.md"]


def test_unknown_reference_is_an_error():
    with pytest.raises(KeyError, match="nowhere"):
        number_document("## @a Title\n@a.b Text citing §nowhere.", "clause")


# --------------------------------------------------------------------------- terms shared with the media simulation
def test_helpers_for_the_media_simulation(world):
    v = world.vendors
    premium = v.sky.cpp_gbp["peak"] * (1 + v.sky.premium_share)
    assert deal_cpp(v, "Sky", "peak", "Sky Sports F1") == pytest.approx(premium)
    assert deal_cpp(v, "Sky", "peak", "Sky News") == v.sky.cpp_gbp["peak"]
    assert site_rate(v, "ClearChannel", "digital_large") == v.clear_channel.site_rate_gbp["digital_large"]
    outage = next(i for i in v.incidents if i.kind == "site_outage")
    inside = dict(fmt=outage.formats[0], city=outage.cities[0])
    assert incident_factor(v, "ooh", outage.start, outage.owners[0], **inside) == pytest.approx(1 - outage.severity)
    assert incident_factor(v, "ooh", outage.start, outage.owners[0], fmt=outage.formats[0], city="Leeds") == 1.0


def test_invalid_incident_names_the_key():
    with pytest.raises(ConfigError, match="incident INC-2025-01: end"):
        load_world("baseline", overrides=["vendors.incidents.0.end=2025-01-01"])


def test_terms_module_does_not_import_the_world_model():
    code = "import sys, sim.world.vendors; sys.exit('sim.world.config' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
