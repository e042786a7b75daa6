"""Schemas declared once, the validator that reads them, and the documents generated from them.

Tiny hand-made tables in a temporary output folder: valid ones pass their checks, and each
kind of defect (missing column, orphan key, negative spend, broken row rule) fails with a
message that names the table, the column and the CSV lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.exporters.docs import datapackage, write_docs
from sim.schemas import CHANNELS, RAW_TABLES, TABLES, columns, schema_for
from sim.validate import FAIL, LOST, Goal, RunData, Target, about, above, evaluate, validate_dir, write_report

META_COLUMNS = ["date", "campaign_name", "campaign_id", "platform", "objective", "market", "model", "impressions",
                "clicks", "ctr", "cpm", "cpc", "spend", "reach", "frequency", "video_views", "video_view_rate", "leads",
                "link_clicks", "landing_page_views", "cost_per_lead"]


def meta_ads() -> pd.DataFrame:
    return pd.DataFrame({
        "date": ["2025-09-01", "2025-09-01"], "campaign_name": ["UK_S07_Meta_Awareness_Q3"] * 2,
        "campaign_id": ["4100000001"] * 2, "platform": ["Facebook", "Instagram"], "objective": ["awareness"] * 2,
        "market": ["UK"] * 2, "model": ["DEEPAL_S07"] * 2, "impressions": [10_000, 0], "clicks": [100, 0],
        "ctr": [0.01, 0.0], "cpm": [5.0, 0.0], "cpc": [0.5, np.nan], "spend": [50.0, 0.0], "reach": [8_000, 0],
        "frequency": [1.25, 0.0], "video_views": [2_000, 0], "video_view_rate": [0.2, 0.0], "leads": [0, 0],
        "link_clicks": [80, 0], "landing_page_views": [60, 0], "cost_per_lead": [np.nan, np.nan],
    })


def dealers(world) -> pd.DataFrame:
    return pd.DataFrame([{
        "dealer_id": d.id, "dealer_name": d.name, "dealer_group": d.group, "market": d.market, "region": d.region,
        "city": d.city, "is_launch_dealer": d.launch, "opening_date": world.dealer_opening(d).isoformat(),
        "daily_test_drive_capacity": d.daily_test_drive_capacity} for d in world.dealers])


def leads(world) -> pd.DataFrame:
    first = world.dealers[0]
    return pd.DataFrame({
        "lead_id": ["L000001", "L000002"], "created_date": ["2025-09-02", "2025-09-05"], "market": ["UK", "UK"],
        "source": ["website_configurator", "phone_enquiry"], "model_interest": ["DEEPAL_S07", None],
        "dealer_id": [first.id, None], "lead_status": ["TD_COMPLETED", "LOST"],
        "status_date": ["2025-09-10", "2025-09-09"], "days_in_pipeline": [8, 4],
        "assigned_dealer": [first.name, None], "lead_score": [72, 35],
        "contact_attempts": [2, 1], "first_response_hours": [1.5, 3.0],
    })


def drive_bookings(world, lead_ids=("L000001", "L000001")) -> pd.DataFrame:
    first = world.dealers[0]
    return pd.DataFrame({
        "booking_id": ["TD000001", "TD000002"], "booking_date": ["2025-09-03", "2025-09-04"],
        "test_drive_date": ["2025-09-06", "2025-09-07"], "market": ["UK", "UK"], "dealer_id": [first.id] * 2,
        "dealer_name": [first.name] * 2, "model": ["DEEPAL_S07", "AVATR_12"], "source": ["website", "website"],
        "status": ["COMPLETED", "NO_SHOW"], "lead_id": list(lead_ids), "feedback_score": [5, None],
        "feedback_text": ["Quiet and quick", None], "duration_minutes": [45, None],
        "sale_within_90_days": [False, False], "days_to_sale": [None, None],
    }).astype({"feedback_score": "Int64", "duration_minutes": "Int64", "days_to_sale": "Int64"})


def write_tables(out: Path, frames: dict[str, pd.DataFrame]) -> Path:
    for name, df in frames.items():
        path = out / TABLES[name].path
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False)
    return out


def valid_frames(world) -> dict[str, pd.DataFrame]:
    return {"meta_ads": meta_ads(), "dealers": dealers(world), "leads": leads(world),
            "test_drives": drive_bookings(world)}


def checks_by_name(report) -> dict:
    return {c.name: c for c in report.checks}


def messages(report) -> str:
    return "\n".join(m for c in report.checks for m in c.messages)


# --------------------------------------------------------------------------- schemas
def test_every_output_table_is_declared_with_the_extract_columns():
    assert len(RAW_TABLES) == 19 and {"dealers", "weekly_channel_spend", "weekly_sales", "model_ready"} <= set(TABLES)
    assert columns("meta_ads") == META_COLUMNS
    spend = [f"{c}_spend" for c in CHANNELS]
    sales = columns("weekly_sales")[1:]
    assert columns("weekly_channel_spend") == ["week_start", *spend, "total_spend"]
    assert columns("model_ready") == ["week_start", *spend, "total_spend", *[f"{c}_adstock" for c in CHANNELS], *sales,
                                      "bev_share", "consumer_confidence", "bank_rate", "competitor_total_spend"]
    # decision 4: extras only after the specified columns
    assert columns("vehicle_sales", extras=False)[-1] == "customer_postcode_area"
    assert columns("vehicle_sales")[len(columns("vehicle_sales", extras=False)):] == [
        "currency", "transaction_price_local", "lead_id", "booking_id"]
    sales_schema = schema_for("vehicle_sales").columns
    assert all(not sales_schema[c].required for c in ("currency", "transaction_price_local", "lead_id", "booking_id"))
    assert sales_schema["lead_id"].nullable and sales_schema["booking_id"].nullable  # a sale without a lead or drive
    fks = {(n, fk.column, fk.ref_table) for n, s in TABLES.items() for fk in s.foreign_keys}
    assert {("test_drives", "lead_id", "leads"), ("vehicle_sales", "dealer_id", "dealers"),
            ("test_drives", "dealer_id", "dealers"), ("leads", "dealer_id", "dealers"),
            ("vehicle_sales", "lead_id", "leads"), ("vehicle_sales", "booking_id", "test_drives")} <= fks


def test_schema_coerces_in_memory_frames_for_exporters():
    frame = meta_ads()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    checked = schema_for("meta_ads").validate(frame[columns("meta_ads")], lazy=True)
    assert str(checked["impressions"].dtype) == "Int64"


# --------------------------------------------------------------------------- validation
def test_tiny_valid_tables_pass_their_checks(tmp_path, world):
    report = validate_dir(write_tables(tmp_path, valid_frames(world)), world)
    checks = checks_by_name(report)
    for name in ("schema: meta_ads", "schema: dealers", "schema: leads", "schema: test_drives",
                 "foreign key test_drives.lead_id -> leads.lead_id", "foreign key leads.dealer_id -> dealers.dealer_id",
                 "dealers.csv matches the scenario's dealer list", "test drives in causal order",
                 "models and trims are the scenario's", "no negative spend, impressions or clicks"):
        assert checks[name].passed, (name, checks[name].messages)
    achieved = {t.target.key: t.achieved for t in report.targets}
    assert achieved["ctr.meta_ads"] == 0.0
    # a LOST lead counts up to the furthest stage its rows show (here: contacted)
    assert (achieved["leads.stage.CONTACTED"], achieved["leads.stage.TD_BOOKED"]) == (1.0, 0.5)
    assert (achieved["test_drives.no_show"], achieved["test_drives.weekend"]) == (0.5, 1.0)
    # the other files are absent, so the run as a whole fails, naming them
    assert not report.ok
    assert "missing raw/google_ads.csv" in checks["files: 19 raw CSVs and 7 contracts"].messages


def test_missing_column_names_table_and_column(tmp_path, world):
    frames = valid_frames(world)
    frames["meta_ads"] = frames["meta_ads"].drop(columns=["spend"])
    report = validate_dir(write_tables(tmp_path, frames), world)
    schema = checks_by_name(report)["schema: meta_ads"]
    assert not schema.passed
    assert "meta_ads: missing column 'spend'" in schema.messages
    assert any("meta_ads" in f and "spend" in f for f in report.failures)


def test_orphan_lead_id_names_table_column_and_line(tmp_path, world):
    frames = valid_frames(world)
    frames["test_drives"] = drive_bookings(world, lead_ids=("L000001", "L999999"))
    report = validate_dir(write_tables(tmp_path, frames), world)
    fk = checks_by_name(report)["foreign key test_drives.lead_id -> leads.lead_id"]
    assert not fk.passed
    assert fk.messages == ("test_drives.lead_id: not in leads.lead_id in 1 rows; first: line 3 = 'L999999'",)
    assert not report.ok


def test_negative_spend_names_table_column_and_line(tmp_path, world):
    frames = valid_frames(world)
    frames["meta_ads"].loc[1, "spend"] = -5.0
    report = validate_dir(write_tables(tmp_path, frames), world)
    text = messages(report)
    assert "meta_ads.spend: greater_than_or_equal_to(0) fails in 1 rows; first: line 3 = -5" in text
    assert "meta_ads.spend: negative value in 1 rows; first: line 3 = -5" in text
    assert not checks_by_name(report)["no negative spend, impressions or clicks"].passed


def test_row_rule_and_ctr_tolerance_name_the_rows(tmp_path, world):
    frames = valid_frames(world)
    frames["meta_ads"].loc[0, ["clicks", "link_clicks", "landing_page_views"]] = [20_000, 80, 60]
    report = validate_dir(write_tables(tmp_path, frames), world)
    assert "meta_ads.clicks: clicks must not exceed impressions in 1 rows; first: line 2 (clicks=20000, " \
           "impressions=10000)" in messages(report)
    ctr = next(t for t in report.targets if t.target.key == "ctr.meta_ads")
    assert ctr.verdict == FAIL and ctr.enforced
    assert ctr.details[0].startswith("meta_ads.ctr line 2: ctr=0.01, clicks/impressions=2")


def test_unparseable_value_and_duplicate_key_are_reported(tmp_path, world):
    frames = valid_frames(world)
    frames["leads"].loc[1, "created_date"] = "2025-13-01"
    frames["leads"].loc[1, "lead_id"] = "L000001"
    report = validate_dir(write_tables(tmp_path, frames), world)
    schema = checks_by_name(report)["schema: leads"].messages
    assert "leads.created_date: value is not a valid date in 1 rows; first: line 3 = '2025-13-01'" in schema
    assert any(m.startswith("leads: duplicate primary key (lead_id) in 2 rows; first: line 2") for m in schema)


def vehicle_sale(world, **changes) -> pd.DataFrame:
    """One sale row (a walk-in without a lead or a drive: lead_id and booking_id empty), with ``changes``."""
    first = world.dealers[0]
    sale = {c: None for c in columns("vehicle_sales")}
    sale.update(sale_id="S000001", sale_date="2025-10-15", market="UK", dealer_id=first.id, dealer_name=first.name,
                dealer_region=first.region, model="DEEPAL_S07", trim="Pure", colour="Pearl White", sale_type="retail",
                list_price_gbp=25_990.0, transaction_price_gbp=25_000.0, discount_pct=3.81, finance_type="cash",
                lead_source="walk_in", customer_postcode_area="SW", currency="GBP", transaction_price_local=25_000.0,
                lead_id=None, booking_id=None)
    sale.update(changes)
    return pd.DataFrame([sale])


def test_sale_before_model_availability_is_a_hard_failure(tmp_path, world):
    frames = {**valid_frames(world), "vehicle_sales": vehicle_sale(world, sale_date="2025-11-15", model="DEEPAL_S05")}
    report = validate_dir(write_tables(tmp_path, frames), world)
    checks = checks_by_name(report)
    assert checks["schema: vehicle_sales"].passed, checks["schema: vehicle_sales"].messages
    timing = checks["no sale before its model, market launch or dealer opening"]
    assert timing.messages == ("vehicle_sales.sale_date: before the model is available in 1 rows; first: line 2 "
                               "(sale_date=2025-11-15, model='DEEPAL_S05')",)


def test_a_sale_links_to_its_lead_and_booking(tmp_path, world):
    # a sale without a lead or a drive: nothing to link, and the tiny lifecycle holds
    frames = {**valid_frames(world), "vehicle_sales": vehicle_sale(world)}
    checks = checks_by_name(validate_dir(write_tables(tmp_path / "alone", frames), world))
    for name in ("schema: vehicle_sales", "foreign key vehicle_sales.lead_id -> leads.lead_id",
                 "foreign key vehicle_sales.booking_id -> test_drives.booking_id",
                 "one lifecycle: lead statuses agree with drives and sales"):
        assert checks[name].passed, (name, checks[name].messages)
    # a sale of a lead that is not WON, after its missed drive; and one of an unknown lead and booking
    frames["vehicle_sales"] = pd.concat([
        vehicle_sale(world, lead_source="test_drive", lead_id="L000001", booking_id="TD000002"),
        vehicle_sale(world, sale_id="S000002", lead_source="test_drive", lead_id="L999999", booking_id="TD999999"),
    ], ignore_index=True)
    checks = checks_by_name(validate_dir(write_tables(tmp_path / "linked", frames), world))
    assert checks["foreign key vehicle_sales.lead_id -> leads.lead_id"].messages == (
        "vehicle_sales.lead_id: not in leads.lead_id in 1 rows; first: line 3 = 'L999999'",)
    assert checks["foreign key vehicle_sales.booking_id -> test_drives.booking_id"].messages == (
        "vehicle_sales.booking_id: not in test_drives.booking_id in 1 rows; first: line 3 = 'TD999999'",)
    lifecycle = "\n".join(checks["one lifecycle: lead statuses agree with drives and sales"].messages)
    assert "leads.lead_status: not WON although a sale links to the lead" in lifecycle
    assert "vehicle_sales.booking_id: not a completed drive of the sale's lead" in lifecycle


# --------------------------------------------------------------------------- targets and priorities
def _target(key: str, priority: int, achieved: float, goal: Goal, yields_to: tuple[str, ...] = ()) -> Target:
    return Target(key, "words", priority, goal, "a constant", lambda d: achieved, "count", yields_to=yields_to)


def test_a_missed_lower_priority_target_is_labelled_lost_not_hidden(world, tmp_path):
    data = RunData(tmp_path, world, {})
    rows = _target("rows.test_drives", 3, 8_000, about(8_000, rel=0.2))
    rate = _target("leads.stage.TD_BOOKED", 4, 0.80, about(0.45, tol=0.05), yields_to=("rows.test_drives",))
    alone = _target("tv.weekly_grps", 4, 10, above(50))
    totals = _target("sales.UK", 2, 1_000, about(2_800, rel=0.1))
    results = {r.target.key: r for r in evaluate([rows, rate, alone, totals], data, baseline=True)}
    assert results["leads.stage.TD_BOOKED"].verdict == LOST
    assert results["leads.stage.TD_BOOKED"].lost_to == "rows.test_drives"
    assert results["leads.stage.TD_BOOKED"].achieved == 0.80
    assert results["tv.weekly_grps"].verdict == FAIL and not results["tv.weekly_grps"].enforced
    assert results["sales.UK"].enforced
    # another scenario: totals are reported, not enforced
    other = {r.target.key: r for r in evaluate([totals], data, baseline=False)}
    assert other["sales.UK"].verdict == FAIL and not other["sales.UK"].enforced


# --------------------------------------------------------------------------- report and documents
def test_report_and_docs_are_written_deterministically(tmp_path, world):
    frames = valid_frames(world)
    frames["test_drives"] = drive_bookings(world, lead_ids=("L000001", "L999999"))
    out = write_tables(tmp_path, frames)
    path = write_report(validate_dir(out, world), out)
    text = path.read_text(encoding="utf-8")
    assert "**Result: FAIL**" in text and "line 3 = 'L999999'" in text and "lost-to-higher-priority" in text
    assert write_report(validate_dir(out, world), out).read_text(encoding="utf-8") == text

    written = write_docs(out, world)
    first = {p: p.read_bytes() for p in written}
    assert {p: p.read_bytes() for p in write_docs(out, world)} == first
    dictionary = (out / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    for spec in TABLES.values():
        for column in spec.schema.columns:
            assert f"| `{column}` |" in dictionary, (spec.name, column)
    card = (out / "docs" / "data_card.md").read_text(encoding="utf-8")
    assert "£19,400,000" in card and "Out of scope" in card


def test_datapackage_carries_keys_and_constraints(world):
    package = datapackage(world)
    resources = {r["name"]: r for r in package["resources"]}
    drives = resources["test_drives"]["schema"]
    assert drives["primaryKey"] == ["booking_id"]
    assert {"fields": ["lead_id"], "reference": {"resource": "leads", "fields": ["lead_id"]}} in drives["foreignKeys"]
    fields = {f["name"]: f for f in resources["meta_ads"]["schema"]["fields"]}
    assert fields["ctr"]["constraints"] == {"minimum": 0, "maximum": 1}  # empty without impressions
    assert fields["spend"]["constraints"] == {"required": True, "minimum": 0}
    assert fields["platform"]["constraints"]["enum"] == ["Facebook", "Instagram"]
    assert [f["name"] for f in resources["model_ready"]["schema"]["fields"]] == columns("model_ready")
    assert sum(r["path"].startswith("raw/contracts/") for r in package["resources"]) == 7
    json.dumps(package)  # serialisable as written
