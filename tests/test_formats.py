"""The weekly panel and the files for PyMC-Marketing, Meridian and Robyn (layouts; the real tools load
them in tests/test_real_tools.py). Synthetic raw exports are written here, for any geos and weeks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.exporters.formats import (
    GEO_CONTROLS,
    MEDIA_SOURCES,
    NATIONAL_SERIES,
    Panel,
    build_panel,
    layout_problems,
    national_panel,
    week_index,
    write_all,
    write_formats,
    write_meridian,
    write_pymc_marketing,
    write_robyn,
)

CANONICAL = Path(__file__).resolve().parent.parent / "outputs" / "canonical"
MARKETS = ["UK", "DE", "FR"]
POPULATION = {"UK": 53e6, "DE": 69e6, "FR": 52e6}
WEEKS = pd.date_range("2025-01-01", periods=8, freq="7D")  # January and February
UK_ONLY = ("tv", "ooh", "print", "radio")


def _raw_dir(tmp_path, rng: np.random.Generator, geos=tuple(MARKETS), country_of=None, start="2025-01-01",
             days=59):
    """Minimal raw exports, the columns the panel reads, over ``days`` days from ``start``."""
    raw = tmp_path / "raw"
    raw.mkdir()
    country_of = country_of or {g: g for g in geos}
    dates = pd.date_range(start, periods=days).strftime("%Y-%m-%d")
    for ch, src in MEDIA_SOURCES.items():
        markets = [g for g in geos if country_of[g] == "UK"] if ch in UK_ONLY else list(geos)
        n = 6
        rows = pd.DataFrame({"market": rng.choice(markets, n), "spend": rng.uniform(100, 1000, n).round(2)})
        start = src.spec.period_column
        rows[start] = rng.choice(dates[: max(days - 11, 1)], n)
        if "end_date" in src.spec.schema.columns:
            rows["end_date"] = (pd.to_datetime(rows[start]) + pd.to_timedelta(rng.integers(0, 10, n), "D")
                                ).dt.strftime("%Y-%m-%d")
        for col in ("impressions", "reach_000", "avg_frequency", "frequency", "readership_000", "media_impressions"):
            rows[col] = rng.uniform(1, 100, n).round(1)
        rows.to_csv(raw / src.file, index=False)
    # tiktok did not run: it must drop out of the exports
    pd.read_csv(raw / "tiktok_ads.csv").assign(spend=0.0).to_csv(raw / "tiktok_ads.csv", index=False)
    g = list(geos)
    pd.DataFrame({"sale_date": [dates[1], dates[2], dates[19]], "market": [g[0], g[0], g[1]],
                  "transaction_price_gbp": [30000.0, 32000.0, 55000.0]}).to_csv(raw / "vehicle_sales.csv", index=False)
    pd.DataFrame({"date": [dates[0], dates[8], dates[-1]], "market": [g[0], g[-1], g[-1]],
                  "sessions": [10, 20, 30]}).to_csv(raw / "website_analytics.csv", index=False)
    pd.DataFrame({"created_date": [dates[4], f"{dates[5]} 10:22:00"], "market": [g[1], g[0]]}).to_csv(
        raw / "leads.csv", index=False)
    pd.DataFrame({"test_drive_date": [dates[3], dates[9], dates[10]], "market": [g[0], g[1], g[1]],
                  "status": ["COMPLETED", "COMPLETED", "NO_SHOW"]}).to_csv(raw / "test_drives.csv", index=False)
    months = pd.period_range(dates[0], dates[-1], freq="M").strftime("%Y-%m")
    # BEV share, confidence (a balance in the UK and DE, an index in FR) and its monthly step, policy rate
    countries = {"UK": (22.0, -15.0, 1.0, 4.5), "DE": (18.0, -20.0, -1.0, 3.0), "FR": (17.0, 90.0, 2.0, 3.0)}
    econ = pd.DataFrame([{"year_month": m, "country": c, "bev_market_share_pct": bev + i,
                          "consumer_confidence_index": conf + step * (i % 2), "bank_rate_pct": rate}
                         for i, m in enumerate(months) for c, (bev, conf, step, rate) in countries.items()])
    econ.to_csv(raw / "economic_indicators.csv", index=False)
    pd.DataFrame({"year_month": np.repeat(months, 2), "competitor": ["BYD", "MG"] * len(months),
                  "channel": "total", "estimated_spend_gbp": [3_100_000.0, 1_550_000.0] * len(months)}).to_csv(
        raw / "competitor_spend.csv", index=False)
    return raw


def _panel(tmp_path, seed=5, **kw) -> Panel:
    return build_panel(_raw_dir(tmp_path, np.random.default_rng(seed)), WEEKS, MARKETS, **kw)


def test_week_index_clips_to_first_and_last_week():
    dates = pd.Series(["2024-12-31", "2025-01-01", "2025-01-07", "2025-01-08", "2025-12-31"])
    assert week_index(dates, WEEKS[:4]).tolist() == [0, 0, 0, 1, 3]


def test_geo_panel_keeps_every_pound_and_sale(tmp_path):
    raw = _raw_dir(tmp_path, np.random.default_rng(5))
    panel = build_panel(raw, WEEKS, MARKETS)
    geo = panel.geo
    assert len(geo) == len(MARKETS) * len(WEEKS) and len(panel.national) == len(WEEKS)
    assert "tiktok" not in panel.channels and "tiktok_spend" not in geo
    for ch in panel.channels:
        rows = pd.read_csv(raw / MEDIA_SOURCES[ch].file)
        by_market = rows.groupby("market")["spend"].sum().reindex(MARKETS, fill_value=0.0)
        np.testing.assert_allclose(geo.groupby("geo")[f"{ch}_spend"].sum().reindex(MARKETS), by_market)
    assert geo.groupby("geo")["units"].sum().to_dict() == {"DE": 1, "FR": 0, "UK": 2}
    assert geo["revenue"].sum() == pytest.approx(117_000.0)
    assert geo["has_sales"].tolist() == (geo["units"] > 0).astype(int).tolist() and geo["has_sales"].sum() == 2
    assert geo.loc[geo["geo"] == "FR", "web_sessions"].tolist() == [0, 20, 0, 0, 0, 0, 0, 30]  # Feb 28: last week
    assert geo.loc[geo["geo"] != "UK", "tv_spend"].sum() == 0.0
    # one month of competitor spend, spread by day: a week (7 of 31 days) gets 7/31 of it; national only
    assert panel.national["competitor_spend_uk"].iloc[0] == pytest.approx(4_650_000.0 * 7 / 31)
    assert not set(NATIONAL_SERIES) & set(geo.columns)
    assert geo.loc[geo["geo"] == "DE", "bank_rate"].eq(3.0).all()


def test_controls_are_on_one_scale_and_the_national_file_covers_every_market(tmp_path):
    panel = _panel(tmp_path)  # two months: confidence moves by +1, -1 and +2 points in UK, DE and FR
    weeks = WEEKS
    geo = panel.geo
    # a GfK balance (-15, -20) and an INSEE index (90): each centred on its own mean, only the movement is left
    by_geo = geo.groupby("geo")["consumer_confidence"]
    np.testing.assert_allclose(by_geo.mean(), 0.0, atol=1e-12)
    assert geo.loc[geo["geo"] == "FR", "consumer_confidence"].tolist() == [-1.0] * 4 + [1.0] * 4
    assert geo.loc[geo["geo"] == "DE", "consumer_confidence"].tolist() == [0.5] * 4 + [-0.5] * 4
    national = national_panel(panel, POPULATION)
    assert len(national) == len(weeks)
    weight = pd.Series(POPULATION) / sum(POPULATION.values())
    first = geo[geo["week_start"] == geo["week_start"].iloc[0]].set_index("geo")
    for control in GEO_CONTROLS:
        assert national[control].iloc[0] == pytest.approx((first[control] * weight).sum())
    for flow in ["meta_spend", "meta_impressions", "revenue", "units", "leads", "web_sessions"]:
        assert national[flow].sum() == pytest.approx(geo[flow].sum())
    assert national["has_sales"].tolist() == (national["units"] > 0).astype(int).tolist()
    with pytest.raises(KeyError, match="no population for geos"):
        national_panel(panel, {"UK": 1.0})


def test_pymc_marketing_layout(tmp_path):
    panel = _panel(tmp_path, seed=8)
    write_pymc_marketing(tmp_path / "out", panel, POPULATION)
    config = json.loads((tmp_path / "out" / "pymc_marketing_config.json").read_text())
    national = pd.read_csv(tmp_path / "out" / config["national"]["csv"])
    geo = pd.read_csv(tmp_path / "out" / config["geo"]["csv"])
    channels = [f"{c}_spend" for c in MEDIA_SOURCES if c != "tiktok"]
    for level, frame in (("national", national), ("geo", geo)):
        mmm = config[level]["mmm"]
        # nothing but MMM's keyword arguments, so MMM(**config) takes it (tests/test_real_tools.py builds it)
        assert set(mmm) <= {"date_column", "channel_columns", "control_columns", "target_column", "adstock",
                            "saturation", "dims"}
        assert mmm["channel_columns"] == channels and mmm["target_column"] == "revenue"
        assert mmm["adstock"]["lookup_name"] == "geometric" and mmm["saturation"]["lookup_name"] == "logistic"
        assert list(config[level]["kpis"]) == ["revenue", "units", "web_sessions", "leads"]
        assert set(config[level]["kpis"]) | {"has_sales", *mmm["control_columns"], *channels} <= set(frame.columns)
        assert config[level]["sales_weeks"] == {"column": "has_sales", "weeks": 8, "weeks_with_sales": 2,
                                                "first_week_with_sales": "2025-01-01"}
    assert config["national"]["mmm"]["control_columns"] == [*GEO_CONTROLS, *NATIONAL_SERIES]
    assert config["geo"]["mmm"]["control_columns"] == GEO_CONTROLS and config["geo"]["mmm"]["dims"] == ["geo"]
    assert set(config["geo"]["left_out"]) == set(NATIONAL_SERIES) and not set(NATIONAL_SERIES) & set(geo.columns)
    assert list(geo.columns[:2]) == ["date_week", "geo"]
    assert len(national) == len(WEEKS) and len(geo) == len(WEEKS) * len(MARKETS)
    assert national["meta_spend"].sum() == pytest.approx(panel.geo["meta_spend"].sum(), abs=1e-3)


def test_meridian_layout(tmp_path):
    panel = _panel(tmp_path, seed=8)
    write_meridian(tmp_path / "out", panel, POPULATION)
    spec = json.loads((tmp_path / "out" / "meridian_coord_to_columns.json").read_text())
    table = pd.read_csv(tmp_path / "out" / spec["csv"])
    c2c = spec["coord_to_columns"]
    assert spec["kpi_type"] == "non_revenue" and c2c["kpi"] == "units" and c2c["revenue_per_kpi"] == "revenue_per_unit"
    assert {k: v["kpi_type"] for k, v in spec["kpi_choices"].items()} == {
        "revenue": "revenue", "units": "non_revenue", "web_sessions": "non_revenue", "leads": "non_revenue"}
    used = [c2c[k] for k in ("time", "geo", "population", "kpi", "revenue_per_kpi")]
    used += c2c["controls"] + c2c["media"] + c2c["media_spend"] + [v["kpi"] for v in spec["kpi_choices"].values()]
    assert set(used) <= set(table.columns)
    assert table.notna().all(axis=None)  # Meridian reads an empty cell as the lagged-media period
    assert list(dict.fromkeys(table["geo"])) == MARKETS
    assert table.groupby("geo").size().eq(len(WEEKS)).all()
    assert table.groupby("geo")["time"].apply(list).map(tuple).nunique() == 1  # same weeks in every geo
    assert pd.to_datetime(table["time"], format="%Y-%m-%d").notna().all()
    assert "tiktok_spend" not in c2c["media_spend"] and spec["media_spend_to_channel"]["tv_spend"] == "tv"
    np.testing.assert_allclose(table["units"] * table["revenue_per_unit"], table["revenue"], atol=1e-3)
    assert table.loc[table["geo"] == "UK", "population"].eq(53e6).all()
    # bank_rate is 3.0 in DE and FR and 4.5 in the UK but flat over the weeks: collinear with the geo effects
    assert c2c["controls"] == ["bev_share", "consumer_confidence"]
    assert "constant over time" in spec["left_out"]["bank_rate"]
    assert set(spec["left_out"]) == {"bank_rate", *NATIONAL_SERIES} and not set(NATIONAL_SERIES) & set(table.columns)


def test_meridian_leaves_out_a_control_that_is_the_same_in_every_geo(tmp_path):
    # two UK regions: every economic indicator is the UK's, in both geos
    regions = {"UKI": "UK", "UKJ": "UK"}
    raw = _raw_dir(tmp_path, np.random.default_rng(3), geos=tuple(regions), country_of=regions)
    panel = build_panel(raw, WEEKS, list(regions), country_of=regions)
    write_meridian(tmp_path / "out", panel, {"UKI": 7e6, "UKJ": 7.5e6})
    spec = json.loads((tmp_path / "out" / "meridian_coord_to_columns.json").read_text())
    assert "controls" not in spec["coord_to_columns"]
    assert all("the same in every geo" in spec["left_out"][c] for c in GEO_CONTROLS)
    assert "tv_spend" in spec["coord_to_columns"]["media_spend"]  # the UK-only channels run in UK regions


def test_robyn_layout_passes_robyns_checks(tmp_path):
    panel = _panel(tmp_path, seed=8)
    write_robyn(tmp_path / "out", panel, POPULATION)
    payload = json.loads((tmp_path / "out" / "robyn_inputs.json").read_text())
    dt_input = pd.read_csv(tmp_path / "out" / payload["csv"])
    inputs = payload["robyn_inputs"]
    assert layout_problems(dt_input, inputs) == []
    assert dt_input.columns[0] == inputs["date_var"] == "date" and len(dt_input) == len(WEEKS)
    assert (inputs["dep_var"], inputs["dep_var_type"]) == ("revenue", "revenue")
    assert inputs["paid_media_spends"] == [f"{c}_spend" for c in MEDIA_SOURCES if c != "tiktok"]
    assert inputs["paid_media_vars"] == [s.replace("_spend", "_impressions") for s in inputs["paid_media_spends"]]
    # bank_rate never changes: no variance, left out
    assert inputs["context_vars"] == ["bev_share", "consumer_confidence", "competitor_spend_uk"]
    assert list(payload["left_out"]) == ["bank_rate"] and "check_novar" in payload["left_out"]["bank_rate"]
    assert inputs["prophet_country"] == "UK" and (inputs["window_start"], inputs["window_end"]) == (
        "2025-01-01", "2025-02-19")
    assert {k: v["dep_var_type"] for k, v in payload["kpi_choices"].items()} == {
        "revenue": "revenue", "units": "conversion", "web_sessions": "conversion", "leads": "conversion"}
    assert set(payload["roles"]) <= set(dt_input.columns) and payload["roles"]["has_sales"].startswith("marker")


@pytest.mark.parametrize("break_it, complaint", [
    (lambda d, i: d.assign(date=d["date"].iloc[0]), "duplicated dates"),
    (lambda d, i: d.assign(date="01/02/2025"), "YYYY-MM-DD"),
    (lambda d, i: d.assign(meta_spend=-d["meta_spend"]), "negative media"),
    (lambda d, i: d.assign(leads=np.nan), "missing values"),
    (lambda d, i: d.assign(bev_share=1.0), "bev_share has no variance"),
    (lambda d, i: d.assign(meta_spend=0.0), "meta_spend is 0 in every week"),
    (lambda d, i: d.rename(columns={"revenue": "re venue"}).assign(**{"re venue": 1.0}), "not in dt_input"),
])
def test_robyn_layout_check_names_what_robyn_would_refuse(tmp_path, break_it, complaint):
    panel = _panel(tmp_path, seed=8)
    write_robyn(tmp_path / "out", panel, POPULATION)
    payload = json.loads((tmp_path / "out" / "robyn_inputs.json").read_text())
    dt_input = pd.read_csv(tmp_path / "out" / payload["csv"])
    problems = layout_problems(break_it(dt_input, payload["robyn_inputs"]), payload["robyn_inputs"])
    assert any(complaint in p for p in problems), problems
    spaced = dict(payload["robyn_inputs"], context_vars=["bev share"], context_signs=["default"])
    assert any("space" in p for p in layout_problems(dt_input, spaced))


def test_writers_follow_the_geos_and_weeks_of_the_data(tmp_path):
    """Five geos (three UK regions with the UK's indicators) and ten weeks: no count is built in."""
    country_of = {"UKI": "UK", "UKJ": "UK", "UKM": "UK", "DE": "DE", "FR": "FR"}
    raw = _raw_dir(tmp_path, np.random.default_rng(11), geos=tuple(country_of), country_of=country_of,
                   start="2026-03-04", days=70)
    weeks = pd.date_range("2026-03-04", periods=10, freq="7D")
    population = {"UKI": 7e6, "UKJ": 7.5e6, "UKM": 4.4e6, "DE": 69e6, "FR": 52e6}
    panel = build_panel(raw, weeks, list(country_of), country_of=country_of)
    write_formats(tmp_path / "out", panel, population)
    out = tmp_path / "out"
    assert len(pd.read_csv(out / "pymc_marketing_geo.csv")) == 50
    assert len(pd.read_csv(out / "pymc_marketing_national.csv")) == 10
    meridian = pd.read_csv(out / "meridian_geo_weekly.csv")
    assert list(dict.fromkeys(meridian["geo"])) == list(country_of) and meridian["time"].nunique() == 10
    robyn = pd.read_csv(out / "robyn_dt_input.csv")
    assert robyn["date"].tolist() == weeks.strftime("%Y-%m-%d").tolist()
    assert json.loads((out / "robyn_inputs.json").read_text())["robyn_inputs"]["prophet_country"] == "UK"


def test_a_world_without_media_writes_no_files_for_other_mmms(tmp_path):
    raw = _raw_dir(tmp_path, np.random.default_rng(2))
    for src in MEDIA_SOURCES.values():
        pd.read_csv(raw / src.file).assign(spend=0.0).to_csv(raw / src.file, index=False)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "robyn_inputs.json").write_text("{}")  # left by an earlier run with media
    assert write_formats(tmp_path / "out", build_panel(raw, WEEKS, MARKETS), POPULATION) == []
    assert list((tmp_path / "out").iterdir()) == []


def test_committed_formats_are_what_the_writers_write(tmp_path, world):
    written = write_all(CANONICAL, tmp_path, world)
    committed = sorted(p.name for p in (CANONICAL / "recover" / "formats").iterdir())
    assert sorted(p.name for p in written) == committed
    for path in written:
        assert path.read_bytes() == (CANONICAL / "recover" / "formats" / path.name).read_bytes(), path.name
