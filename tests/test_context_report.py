"""The world's context series (economy, competitors, daily drivers) and the visual report."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from sim.exporters.report import FUNNEL_CHART, SEASONALITY_CHART, WEEKLY_CHART, ReportDependencyError, write_report
from sim.world.config import load_world
from sim.world.context import (
    COMPETITOR_CHANNELS,
    COMPETITOR_COLUMNS,
    ECONOMIC_COLUMNS,
    Trajectory,
    build_daily_context,
    channel_group,
    competitor_spend,
    economic_indicators,
)

SEEDS = (0, 1, 2, 3, 4)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def uk(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["country"] == "UK"].reset_index(drop=True)


# --------------------------------------------------------------------------- economic indicators
def test_economic_indicators_has_36_rows_in_the_extract_columns(world):
    econ = economic_indicators(world, rng())
    assert list(econ.columns) == list(ECONOMIC_COLUMNS)
    assert len(econ) == 36
    assert econ.groupby("country").size().to_dict() == {"DE": 12, "FR": 12, "UK": 12}
    assert econ["year_month"].iloc[0] == "2025-01" and econ["year_month"].iloc[-1] == "2025-12"
    assert list(econ["country"].iloc[:3]) == ["UK", "DE", "FR"]


@pytest.mark.parametrize("seed", SEEDS)
def test_uk_trajectories_hit_their_stated_ranges(world, seed):
    econ = uk(economic_indicators(world, rng(seed)))
    rate = econ["bank_rate_pct"]
    assert rate.iloc[0] == 4.50 and rate.iloc[-1] == 3.75 and rate.is_monotonic_decreasing
    bev = econ["bev_market_share_pct"]
    assert abs(bev.iloc[0] - 22) <= 1.5 and abs(bev.iloc[-1] - 28) <= 1.5
    conf = econ["consumer_confidence_index"]
    assert conf.between(-15, -8).all() and conf.iloc[-1] > conf.iloc[0]
    assert econ["avg_petrol_price_ppl"].between(140, 155).all()
    assert econ["avg_electricity_price_pkwh"].between(24, 28).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_registrations_follow_the_market_size_with_plate_change_peaks(world, seed):
    econ = economic_indicators(world, rng(seed))
    for market, cfg in world.markets.items():
        annual = econ.loc[econ["country"] == market, "smmt_total_registrations"].sum()
        assert annual == pytest.approx(cfg.national_registrations_k * 1000, rel=0.05)
    top_two = uk(econ).nlargest(2, "smmt_total_registrations")["year_month"]
    assert set(top_two) == {"2025-03", "2025-09"}
    share = 100 * econ["smmt_bev_registrations"] / econ["smmt_total_registrations"]
    np.testing.assert_allclose(econ["bev_market_share_pct"], share, atol=0.006)


def test_euro_prices_are_converted_to_pence_and_pounds(world):
    econ = economic_indicators(world, rng())
    de = econ[econ["country"] == "DE"].reset_index(drop=True)
    de_cfg, eur = world.context.countries["DE"], world.run.eur_per_gbp
    path = de_cfg.petrol_price_per_litre.path(12, "DE") / eur
    np.testing.assert_allclose(de["avg_petrol_price_ppl"], path, atol=5 * de_cfg.petrol_price_per_litre.noise / eur)
    price = de_cfg.new_car_price.path(12, "DE") / eur
    np.testing.assert_allclose(de["new_car_avg_transaction_price_gbp"], price,
                               atol=5 * de_cfg.new_car_price.noise / eur)
    ecb = econ.loc[econ["country"] != "UK"].groupby("year_month")["bank_rate_pct"].nunique()
    assert (ecb == 1).all(), "DE and FR share the ECB rate"


def test_context_functions_do_not_advance_the_callers_stream(world):
    stream = rng(9)
    first = economic_indicators(world, stream)
    pd.testing.assert_frame_equal(first, economic_indicators(world, stream))
    assert stream.random() == rng(9).random()
    assert not first.equals(economic_indicators(world, rng(10)))


def test_trajectory_shapes_are_validated():
    with pytest.raises(ValidationError, match="not both"):
        Trajectory(monthly=[1.0] * 12, start=1.0, end=2.0)
    with pytest.raises(ValidationError, match="both 'start' and 'end'"):
        Trajectory(start=1.0)
    with pytest.raises(ValueError, match="horizon has 12 months"):
        Trajectory(monthly=[1.0] * 11).path(12, "context.countries.UK.cpi_index")
    clipped = Trajectory(start=0.0, end=0.0, noise=5.0, clip=(-1.0, 1.0)).draw(100, rng(), "x")
    assert clipped.min() >= -1 and clipped.max() <= 1


# --------------------------------------------------------------------------- competitor spend
@pytest.mark.parametrize("seed", SEEDS)
def test_competitor_annual_totals_are_within_10_percent_of_config(world, seed):
    comp = competitor_spend(world, rng(seed))
    assert list(comp.columns) == list(COMPETITOR_COLUMNS)
    assert len(comp) == 12 * len(world.context.competitors) * (len(COMPETITOR_CHANNELS) + 1)
    totals = comp[comp["channel"] == "total"].groupby("competitor")["estimated_spend_gbp"].sum()
    for name, cfg in world.context.competitors.items():
        assert totals[name] == pytest.approx(cfg.annual_spend_gbp, rel=0.10)
    assert totals.idxmax() == "BYD"
    assert (comp["source"] == "Nielsen Ad Intel Estimate").all()


def test_competitor_total_rows_add_up_and_mixes_show(world):
    comp = competitor_spend(world, rng())
    wide = comp.pivot_table(index=["year_month", "competitor"], columns="channel", values="estimated_spend_gbp")
    np.testing.assert_array_equal(wide[list(COMPETITOR_CHANNELS)].sum(axis=1), wide["total"])
    annual = comp.groupby(["competitor", "channel"])["estimated_spend_gbp"].sum().unstack()
    assert annual.loc["BYD", "tv"] / annual.loc["BYD", "total"] > 0.4
    assert annual.loc["Tesla", "digital"] / annual.loc["Tesla", "total"] > 0.75
    assert annual.loc["Tesla", "tv"] / annual.loc["Tesla", "total"] < 0.05
    assert (comp["estimated_spend_gbp"] % world.context.spend_rounding_gbp == 0).all()


def test_share_of_voice_counts_our_spend_when_given(world):
    alone = competitor_spend(world, rng())
    per_cell = alone.groupby(["year_month", "channel"])["share_of_voice_pct"].sum()
    np.testing.assert_allclose(per_cell, 100, atol=0.05)
    ours = pd.DataFrame({"year_month": ["2025-09", "2025-09"], "channel": ["tv", "tv"],
                         "spend_gbp": [1_000_000.0, 500_000.0]})
    shared = competitor_spend(world, rng(), our_monthly_spend=ours)
    tv = shared[(shared["year_month"] == "2025-09") & (shared["channel"] == "tv")]
    competitors_tv = tv["estimated_spend_gbp"].sum()
    expected_ours = 100 * 1_500_000 / (competitors_tv + 1_500_000)
    assert 100 - tv["share_of_voice_pct"].sum() == pytest.approx(expected_ours, abs=0.05)
    untouched = shared[shared["year_month"] == "2025-01"]["share_of_voice_pct"].to_numpy()
    np.testing.assert_array_equal(untouched, alone[alone["year_month"] == "2025-01"]["share_of_voice_pct"])
    with pytest.raises(ValueError, match="channel"):
        competitor_spend(world, rng(), our_monthly_spend=ours.assign(channel="meta"))


def test_channel_groups_for_our_channels(world):
    groups = {key: channel_group(ch.kind, key) for key, ch in world.media.channels.items()}
    assert groups["meta"] == groups["tiktok"] == "digital"
    assert groups["tv"] == "tv" and groups["radio"] == "radio"
    assert groups["events"] is None


# --------------------------------------------------------------------------- daily context
def test_daily_context_shapes_and_determinism(world):
    daily = build_daily_context(world, rng(3))
    shape = (world.run.days, len(world.markets))
    for name in ("bev_share", "consumer_confidence", "confidence_shift", "competitor_spend_gbp", "competitor_pressure"):
        assert getattr(daily, name).shape == shape, name
        np.testing.assert_array_equal(getattr(daily, name), getattr(build_daily_context(world, rng(3)), name))
    assert not np.array_equal(daily.bev_share, build_daily_context(world, rng(4)).bev_share)
    assert daily.markets == ("UK", "DE", "FR") and len(daily.dates) == world.run.days
    with pytest.raises(ValueError):
        daily.bev_share[0, 0] = 0.5


def test_daily_series_pass_through_the_monthly_csv_values(world):
    econ = economic_indicators(world, rng(5))
    daily = build_daily_context(world, rng(5))
    mid_september = (pd.Timestamp("2025-09-15") - pd.Timestamp(world.run.start)).days
    for j, market in enumerate(daily.markets):
        row = econ[(econ["country"] == market) & (econ["year_month"] == "2025-09")].iloc[0]
        assert daily.bev_share[mid_september, j] == pytest.approx(row["bev_market_share_pct"] / 100)
        assert daily.consumer_confidence[mid_september, j] == pytest.approx(row["consumer_confidence_index"])
        monthly = econ.loc[econ["country"] == market, "bev_market_share_pct"] / 100
        bev = daily.bev_share[:, j]
        assert monthly.min() - 1e-12 <= bev.min() <= bev.max() <= monthly.max() + 1e-12
    steps = np.abs(np.diff(daily.bev_share, axis=0)).max()
    assert steps < 0.005, "daily values move smoothly, without monthly jumps"


def test_competitor_pressure_follows_flighting_around_the_reference(world):
    daily = build_daily_context(world, rng())
    uk_pressure = daily.competitor_pressure[:, daily.market_index("UK")]
    assert uk_pressure.mean() == pytest.approx(1.0, abs=0.1)
    september, january = uk_pressure[daily.dates.month == 9].mean(), uk_pressure[daily.dates.month == 1].mean()
    assert september > 1.5 * january
    sov = daily.competitor_sov(np.zeros_like(daily.competitor_spend_gbp))
    np.testing.assert_array_equal(sov, 1.0)
    half = daily.competitor_sov(np.asarray(daily.competitor_spend_gbp))
    np.testing.assert_allclose(half, 0.5)


def test_demand_factor_starts_at_one_and_moves_with_bev_share(world):
    daily = build_daily_context(world, rng())
    factor = daily.demand_factor(bev_share_elasticity=1.0, confidence_elasticity=0.0)
    np.testing.assert_allclose(factor[0], 1.0)
    np.testing.assert_allclose(factor, daily.bev_share / daily.bev_share[0])
    assert (factor[-1] > 1).all()
    confident = daily.demand_factor(bev_share_elasticity=0.0, confidence_elasticity=0.5)
    uk_col = daily.market_index("UK")
    assert confident[-1, uk_col] > 1, "UK confidence improves through the year"


# --------------------------------------------------------------------------- report
CHANNEL_KEYS = ("tv", "ooh", "print", "radio", "meta", "google", "dv360", "tiktok", "youtube", "linkedin", "events")
MULTIPLIERS = [0.30, 0.30, 0.40, 0.35, 0.40, 0.50, 0.70, 0.90, 2.50, 1.80, 1.20, 0.80]


def _fabricate_run(out_dir):
    """A small, self-consistent run folder: spend that follows MULTIPLIERS, and a funnel."""
    gen = rng(11)
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    rate = np.asarray(MULTIPLIERS)[days.month - 1] / days.days_in_month.to_numpy()
    week_starts = pd.date_range("2024-12-30", periods=53, freq="7D")[:53]
    week_of = np.searchsorted(week_starts.to_numpy(), days.to_numpy(), side="right") - 1
    weekly_total = np.bincount(week_of, weights=rate * 1e6, minlength=len(week_starts))
    shares = gen.dirichlet(np.ones(len(CHANNEL_KEYS)))
    spend = pd.DataFrame({"week_start": week_starts.strftime("%Y-%m-%d")})
    for key, share in zip(CHANNEL_KEYS, shares, strict=True):
        spend[f"{key}_spend"] = weekly_total * share
    spend["total_spend"] = weekly_total
    units = gen.poisson(20, len(week_starts))
    sales = pd.DataFrame({"week_start": spend["week_start"], "uk_units": units, "de_units": 0, "fr_units": 0,
                          "total_units": units, "uk_revenue": units * 30_000.0, "de_revenue": 0.0, "fr_revenue": 0.0,
                          "total_revenue": units * 30_000.0, "uk_test_drives": 5, "uk_leads": 10,
                          "uk_web_sessions": 900})
    files = {
        "mmm/weekly_channel_spend.csv": spend,
        "mmm/weekly_sales.csv": sales,
        "raw/website_analytics.csv": {"date": days.strftime("%Y-%m-%d"), "channel": "direct", "device": "mobile",
                                      "market": "UK", "sessions": 100},
        "raw/configurator_sessions.csv": {"session_id": [f"CS{i:05d}" for i in range(40)],
                                          "completed": [i < 14 for i in range(40)],
                                          "lead_submitted": [i < 4 for i in range(40)]},
        "raw/leads.csv": {"lead_id": [f"L{i:05d}" for i in range(20)],
                          "created_date": days[::18][:20].strftime("%Y-%m-%d")},
        "raw/test_drives.csv": {"booking_id": [f"TD{i:05d}" for i in range(10)],
                                "status": ["COMPLETED"] * 7 + ["NO_SHOW"] * 2 + ["CANCELLED"]},
        "raw/vehicle_sales.csv": {"sale_id": ["S1", "S2"]},
    }
    for rel, columns in files.items():
        (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(columns).to_csv(out_dir / rel, index=False)
    return out_dir


def test_write_report_draws_the_charts_and_links_them(tmp_path):
    run = _fabricate_run(tmp_path / "run")
    report = write_report(run, seasonality=MULTIPLIERS)
    assert report == run / "report" / "report.md"
    text = report.read_text()
    for chart in (WEEKLY_CHART, FUNNEL_CHART, SEASONALITY_CHART):
        png = run / "report" / chart
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({chart})" in text
    assert b"Software" not in (run / "report" / FUNNEL_CHART).read_bytes()
    assert "| website sessions | 36,500 | - |" in text
    assert "| configurator completes | 14 | 35.0 |" in text
    assert "| test drives completed | 7 | 70.0 |" in text


def test_write_report_is_byte_identical_on_a_second_call(tmp_path):
    run = _fabricate_run(tmp_path / "run")
    write_report(run, seasonality=MULTIPLIERS)
    first = {p.name: p.read_bytes() for p in sorted((run / "report").iterdir())}
    write_report(run, seasonality=MULTIPLIERS)
    second = {p.name: p.read_bytes() for p in sorted((run / "report").iterdir())}
    assert first.keys() == {WEEKLY_CHART, FUNNEL_CHART, SEASONALITY_CHART, "report.md"}
    assert first == second


def test_seasonality_table_recovers_the_configured_shape(tmp_path):
    from sim.exporters.report import seasonality_table
    run = _fabricate_run(tmp_path / "run")
    spend = pd.read_csv(run / "mmm" / "weekly_channel_spend.csv")
    table = seasonality_table(spend, MULTIPLIERS)
    assert table["spend_gbp"].sum() == pytest.approx(spend["total_spend"].sum())
    np.testing.assert_allclose(table["spend_index"], table["configured_index"], atol=0.15)
    assert table["configured_index"].mean() == pytest.approx(1.0)


def test_missing_matplotlib_gives_a_clear_error(tmp_path, monkeypatch):
    run = _fabricate_run(tmp_path / "run")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ReportDependencyError, match=r"launch-sim\[report\]"):
        write_report(run, seasonality=MULTIPLIERS)


def test_report_takes_the_multipliers_from_the_manifest_scenario(tmp_path, world):
    run = _fabricate_run(tmp_path / "run")
    (run / "manifest.json").write_text('{"scenario": "baseline", "seed": 42}')
    text = write_report(run).read_text()
    assert "Run: scenario: baseline, seed: 42." in text
    configured = np.asarray(world.media.monthly_seasonality)
    september = f"{12 * configured[8] / configured.sum():.2f}"
    september_row = next(line for line in text.splitlines() if line.startswith("| Sep |"))
    assert september_row.endswith(f"| {september} |"), september_row
    (run / "manifest.json").unlink()
    assert "multipliers were not available" in write_report(run).read_text()


def test_a_bad_context_value_is_reported_with_its_key():
    from sim.world.config import ConfigError
    with pytest.raises(ConfigError, match=r"context\.competitors\.BYD\.channel_mix.*sum to 1"):
        load_world("baseline", overrides=["context.competitors.BYD.channel_mix.tv=0.9"])
