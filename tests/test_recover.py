"""The baseline MMM, its scorecard and the PyMC-Marketing / Meridian exports.

Synthetic data are generated here with a seeded numpy Generator and known adstock,
saturation and coefficients, so "recovered" can be checked against a known answer.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from scipy.stats import spearmanr

from sim.exporters.formats import (
    CONTROLS,
    MEDIA_SOURCES,
    week_index,
    weekly_geo_panel,
    write_meridian,
    write_pymc_marketing,
)
from sim.recover import (
    RecoverConfig,
    ScenarioOutcome,
    fit_mmm,
    predict,
    predicted_effect,
    recover,
    scenario_check,
    scorecard,
    summarise,
    write_scorecard,
)
from sim.recover.scorecard import compare, rank_agreement
from sim.transforms import geometric_adstock, hill

# Five channels, each ROI twice the previous; decays and half-saturation on the search grids.
ROIS = (0.5, 1.0, 2.0, 4.0, 8.0)
DECAYS = (0.2, 0.6, 0.4, 0.7, 0.3)
BASELINE = 100_000.0


def synthetic_weeks(rng: np.random.Generator, n_weeks: int = 52, noise: float = 0.02, first_sale: int = 0):
    """Weekly table with known media effects: (df, params per channel)."""
    weeks = pd.date_range("2025-01-01", periods=n_weeks, freq="7D")
    df = pd.DataFrame({"week_start": weeks.strftime("%Y-%m-%d")})
    confidence = np.cumsum(rng.normal(0.0, 1.0, n_weeks))
    df["consumer_confidence"] = confidence
    y = BASELINE * (1 + 0.05 * (confidence - confidence.mean()) / confidence.std())
    live = np.arange(n_weeks) >= first_sale
    params = {}
    for i, (roi, decay) in enumerate(zip(ROIS, DECAYS, strict=True)):
        x = np.where(rng.random(n_weeks) < 0.6, rng.uniform(10_000, 50_000, n_weeks), 0.0)
        a = geometric_adstock(x, decay)
        k = a[x > 0].mean()
        beta = roi * x.sum() / hill(a, k)[live].sum()
        df[f"ch{i}_spend"] = x
        params[f"ch{i}"] = {"decay": decay, "k": k, "beta": beta, "roi": roi}
        y = y + beta * hill(a, k)
    y = y + rng.normal(0.0, noise * y.mean(), n_weeks)
    df["revenue"] = np.where(live, y, 0.0)
    return df, params


def true_media(df: pd.DataFrame, params: dict, first_sale: int = 0) -> float:
    """What media really caused in the synthetic world, over the selling weeks."""
    live = np.arange(len(df)) >= first_sale
    return sum(float((p["beta"] * hill(geometric_adstock(df[f"{ch}_spend"].to_numpy(float), p["decay"]),
                                       p["k"]))[live].sum()) for ch, p in params.items())


@pytest.fixture(scope="module")
def synthetic():
    df, params = synthetic_weeks(np.random.default_rng(2025))
    fit = fit_mmm(df, "revenue", list(params), ["consumer_confidence"], RecoverConfig())
    return df, params, fit


# --------------------------------------------------------------------------- configuration
def test_config_rejects_unknown_keys_and_bad_grids():
    with pytest.raises(ValidationError):
        RecoverConfig(ridge=1.0)
    with pytest.raises(ValidationError):
        RecoverConfig(decay_grid=[0.5, 1.0])
    assert RecoverConfig(decay_grid=[0.5, 0.1, 0.5]).decay_grid == [0.1, 0.5]
    section = {"adstock_decay": {"tv": 0.85}, "recover": {"ridge_penalty": 0.5}}
    assert RecoverConfig.from_mmm(section).ridge_penalty == 0.5
    assert RecoverConfig.from_mmm({}) == RecoverConfig()


# --------------------------------------------------------------------------- fitting
def test_fit_recovers_roi_ranking_and_total_media(synthetic):
    """Stated tolerance: Spearman >= 0.9 (at most one adjacent swap of five), total media within 15%.

    With this generator the tolerance held for 58 of seeds 0-59 (one two-swap ranking, one
    total 17% low); the seed here is fixed, so the test is deterministic.
    """
    df, params, fit = synthetic
    true_roi = pd.Series({ch: p["roi"] for ch, p in params.items()})
    assert round(spearmanr(true_roi, fit.roi[true_roi.index]).statistic, 9) >= 0.9
    assert fit.contribution.sum() == pytest.approx(true_media(df, params), rel=0.15)
    assert fit.r2 > 0.9 and fit.mape < 0.05
    assert all(v >= 0 for v in fit.media_coef.values())


def test_fit_contributions_add_up_and_predict_reproduces_the_fit(synthetic):
    df, params, fit = synthetic
    dec = fit.decomposition
    np.testing.assert_allclose(dec["baseline"] + dec[list(params)].sum(axis=1), dec["predicted"])
    np.testing.assert_allclose(predict(fit, df)["predicted"], dec["predicted"])
    table = fit.channel_table().set_index("channel")
    np.testing.assert_allclose(table["roi"], table["contribution"] / table["spend_gbp"])
    assert set(table["decay"]) <= set(RecoverConfig().decay_grid)


def test_predicted_effect_of_a_plan_change(synthetic):
    """+20% on every channel: the MMM's predicted extra revenue within 15% of the true extra."""
    df, params, fit = synthetic
    scenario = df.copy()
    for ch in params:
        scenario[f"{ch}_spend"] *= 1.2
    true_effect = true_media(scenario, params) - true_media(df, params)
    assert predicted_effect(fit, df, scenario) == pytest.approx(true_effect, rel=0.15)
    assert predicted_effect(fit, df, df) == 0.0


def test_fit_starts_at_first_sale_but_carries_prelaunch_spend():
    df, params = synthetic_weeks(np.random.default_rng(11), first_sale=20)
    fit = fit_mmm(df, "revenue", list(params), ["consumer_confidence"], RecoverConfig())
    assert fit.live_from == pd.Timestamp(df["week_start"][20])
    assert int(fit.fitted_weeks.sum()) == 32
    assert (fit.decomposition.loc[:19, ["predicted", *params]] == 0).all(axis=None)
    # spend before launch still reaches the fitted weeks through adstock
    moved = df.copy()
    moved.loc[:19, [f"{ch}_spend" for ch in params]] = 0.0
    assert predicted_effect(fit, moved, df) > 0


def test_fit_handles_a_channel_without_spend_and_a_constant_control():
    df, params = synthetic_weeks(np.random.default_rng(3))
    df["dark_spend"] = 0.0
    df["bank_rate"] = 4.5
    fit = fit_mmm(df, "revenue", [*params, "dark"], ["consumer_confidence", "bank_rate"], RecoverConfig())
    assert fit.contribution["dark"] == 0.0 and np.isnan(fit.roi["dark"])
    assert fit.controls == ["consumer_confidence"]
    with pytest.raises(KeyError, match="lacks columns"):
        fit_mmm(df, "revenue", ["nope"], [], RecoverConfig())


# --------------------------------------------------------------------------- scorecard
def test_compare_computes_errors_and_ranks():
    true = pd.Series({"tv": 2.0, "meta": 1.0, "print": 4.0, "radio": 0.0})
    recovered = pd.Series({"tv": 1.0, "meta": 1.0, "print": 5.0, "radio": 0.5})
    out = compare(true, recovered)
    assert out["abs_error"].tolist() == [1.0, 0.0, 1.0, 0.5]
    assert out["rel_error"].iloc[:3].tolist() == [-0.5, 0.0, 0.25] and np.isnan(out["rel_error"]["radio"])
    assert out["true_rank"].tolist() == [2, 3, 1, 4]
    assert rank_agreement(true, true * 3) == pytest.approx(1.0)
    assert rank_agreement(true, -true) == pytest.approx(-1.0)
    assert np.isnan(rank_agreement(true[:2], recovered[:2]))


def test_scorecard_against_a_truth_table(synthetic, tmp_path):
    df, params, fit = synthetic
    spend = {ch: float(df[f"{ch}_spend"].sum()) for ch in params}
    truth = pd.DataFrame({
        "channel": [*params, "interaction"],
        "spend_gbp": [*spend.values(), 0.0],
        "incr_revenue_gbp": [params[ch]["roi"] * spend[ch] for ch in params] + [1000.0],
    })
    truth["true_roi"] = truth["incr_revenue_gbp"] / truth["spend_gbp"].where(truth["spend_gbp"] > 0)
    card = scorecard({"revenue": fit}, truth, kpis={"revenue": _revenue_spec()})
    assert list(card["channel"]) == list(params)  # interaction is not a channel
    np.testing.assert_allclose(card["true"], list(ROIS))
    np.testing.assert_allclose(card["recovered"], fit.roi[list(params)])
    np.testing.assert_allclose(card["abs_error"], (fit.roi[list(params)] - list(ROIS)).abs())
    summary = summarise(card, {"revenue": fit}, truth, kpis={"revenue": _revenue_spec()})
    assert summary["true_media_total"][0] == pytest.approx(truth["incr_revenue_gbp"].sum())  # incl. interaction
    assert summary["spearman"][0] == pytest.approx(spearmanr(card["true"], card["recovered"]).statistic)

    check = scenario_check("double ch2", "revenue", predicted=120.0, true=100.0)
    assert check["abs_error"] == pytest.approx(20.0) and check["rel_error"] == pytest.approx(0.2)
    assert check["same_sign"]

    first = write_scorecard(tmp_path / "a", card, summary, pd.DataFrame([check]))
    second = write_scorecard(tmp_path / "b", card, summary, pd.DataFrame([check]))
    for kind in ("csv", "md", "png"):
        assert first[kind].read_bytes() == second[kind].read_bytes()
    text = first["md"].read_text()
    assert "| channel |" in text and "double ch2" in text
    assert first["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_recover_checks_scenarios_end_to_end(synthetic):
    df, params, _ = synthetic
    spend = {ch: float(df[f"{ch}_spend"].sum()) for ch in params}
    truth = pd.DataFrame({"channel": list(params), "spend_gbp": list(spend.values()),
                          "incr_revenue_gbp": [params[ch]["roi"] * spend[ch] for ch in params]})
    doubled = df.assign(ch4_spend=df["ch4_spend"] * 2)
    true_effect = true_media(doubled, params) - true_media(df, params)
    cfg = RecoverConfig(targets=["revenue"], controls=["consumer_confidence"])
    result = recover(df, truth, cfg, [ScenarioOutcome("double ch4", doubled, {"revenue": true_effect})],
                     channels=list(params), kpis={"revenue": _revenue_spec()})
    row = result.scenarios.iloc[0]
    assert row["scenario"] == "double ch4" and row["true_effect"] == pytest.approx(true_effect)
    assert row["predicted_effect"] == pytest.approx(predicted_effect(result.fits["revenue"], df, doubled))


def _revenue_spec():
    from sim.recover.scorecard import KpiSpec
    return KpiSpec("incr_revenue_gbp", "roi", "revenue ROI")


# --------------------------------------------------------------------------- exports
MARKETS = ["UK", "DE", "FR"]
WEEKS = pd.date_range("2025-01-01", periods=4, freq="7D")


def _raw_dir(tmp_path, rng: np.random.Generator):
    """Minimal raw exports: the columns the panel reads, in 2025-01-01 .. 2025-01-31."""
    raw = tmp_path / "raw"
    raw.mkdir()
    days = pd.date_range("2025-01-01", "2025-01-31").strftime("%Y-%m-%d")
    for ch, src in MEDIA_SOURCES.items():
        markets = ["UK"] if ch in ("tv", "ooh", "print", "radio") else MARKETS
        n = 6
        rows = pd.DataFrame({"market": rng.choice(markets, n), "spend": rng.uniform(100, 1000, n).round(2)})
        start = src.spec.period_column
        rows[start] = rng.choice(days[:20], n)
        if "end_date" in src.spec.schema.columns:
            rows["end_date"] = (pd.to_datetime(rows[start]) + pd.to_timedelta(rng.integers(0, 10, n), "D")
                                ).dt.strftime("%Y-%m-%d")
        for col in ("impressions", "reach_000", "avg_frequency", "frequency", "readership_000", "media_impressions"):
            rows[col] = rng.uniform(1, 100, n).round(1)
        rows.to_csv(raw / src.file, index=False)
    # tiktok did not run: it must drop out of the exports
    pd.read_csv(raw / "tiktok_ads.csv").assign(spend=0.0).to_csv(raw / "tiktok_ads.csv", index=False)
    pd.DataFrame({"sale_date": ["2025-01-02", "2025-01-03", "2025-01-20"], "market": ["UK", "UK", "DE"],
                  "transaction_price_gbp": [30000.0, 32000.0, 55000.0]}).to_csv(raw / "vehicle_sales.csv", index=False)
    pd.DataFrame({"date": ["2025-01-01", "2025-01-09", "2025-01-31"], "market": ["UK", "FR", "FR"],
                  "sessions": [10, 20, 30]}).to_csv(raw / "website_analytics.csv", index=False)
    pd.DataFrame({"created_date": ["2025-01-05", "2025-01-06 10:22:00"], "market": ["DE", "UK"]}).to_csv(
        raw / "leads.csv", index=False)
    econ = pd.DataFrame({"year_month": "2025-01", "country": MARKETS, "bev_market_share_pct": [22.0, 18.0, 17.0],
                         "consumer_confidence_index": [-15.0, -10.0, -12.0], "bank_rate_pct": [4.5, 3.0, 3.0]})
    econ.to_csv(raw / "economic_indicators.csv", index=False)
    pd.DataFrame({"year_month": ["2025-01"] * 2, "competitor": ["BYD", "MG"], "channel": ["total"] * 2,
                  "estimated_spend_gbp": [3_100_000.0, 1_550_000.0]}).to_csv(raw / "competitor_spend.csv", index=False)
    return raw


def test_week_index_clips_to_first_and_last_week():
    dates = pd.Series(["2024-12-31", "2025-01-01", "2025-01-07", "2025-01-08", "2025-12-31"])
    assert week_index(dates, WEEKS).tolist() == [0, 0, 0, 1, 3]


def test_geo_panel_keeps_every_pound_and_sale(tmp_path):
    raw = _raw_dir(tmp_path, np.random.default_rng(5))
    panel = weekly_geo_panel(raw, WEEKS, MARKETS)
    assert len(panel) == len(MARKETS) * len(WEEKS)
    for ch, src in MEDIA_SOURCES.items():
        rows = pd.read_csv(raw / src.file)
        by_market = rows.groupby("market")["spend"].sum().reindex(MARKETS, fill_value=0.0)
        np.testing.assert_allclose(panel.groupby("geo")[f"{ch}_spend"].sum().reindex(MARKETS), by_market)
    assert panel.groupby("geo")["units"].sum().to_dict() == {"DE": 1.0, "FR": 0.0, "UK": 2.0}
    assert panel["revenue_gbp"].sum() == pytest.approx(117_000.0)
    assert panel.loc[panel["geo"] == "FR", "web_sessions"].tolist() == [0.0, 20.0, 0.0, 30.0]  # Jan 31 -> last week
    assert panel.loc[panel["geo"] != "UK", "tv_spend"].sum() == 0.0
    # one month of competitor spend, spread by day: the first week (7 of 31 days) gets 7/31 of it
    assert panel["competitor_total_spend"].iloc[0] == pytest.approx(4_650_000.0 * 7 / 31)
    assert panel.loc[panel["geo"] == "DE", "bank_rate"].eq(3.0).all()


def test_pymc_marketing_and_meridian_layouts(tmp_path):
    raw = _raw_dir(tmp_path, np.random.default_rng(8))
    panel = weekly_geo_panel(raw, WEEKS, MARKETS)
    controls = {c: [1.0, 2.0, 3.0, 4.0] for c in CONTROLS}
    model_ready = pd.DataFrame({"week_start": WEEKS.strftime("%Y-%m-%d"), **controls})
    channels = [c for c in MEDIA_SOURCES if c != "tiktok"]

    write_pymc_marketing(tmp_path / "out", panel, model_ready)
    config = json.loads((tmp_path / "out" / "pymc_marketing_config.json").read_text())
    national = pd.read_csv(tmp_path / "out" / config["national"]["csv"])
    geo = pd.read_csv(tmp_path / "out" / config["geo"]["csv"])
    assert config["national"]["channel_columns"] == [f"{c}_spend" for c in channels]
    assert list(national.columns) == ["date_week", *config["national"]["channel_columns"], *CONTROLS,
                                      "revenue", "units", "web_sessions", "leads"]
    assert list(geo.columns[:2]) == ["date_week", "geo"] and config["geo"]["dims"] == ["geo"]
    assert len(national) == len(WEEKS) and len(geo) == len(WEEKS) * len(MARKETS)
    assert national["meta_spend"].sum() == pytest.approx(panel["meta_spend"].sum(), abs=1e-3)
    assert national["bank_rate"].tolist() == [1.0, 2.0, 3.0, 4.0]  # national controls come from model_ready

    population = {"UK": 53e6, "DE": 69e6, "FR": 52e6}
    write_meridian(tmp_path / "out", panel, population)
    spec = json.loads((tmp_path / "out" / "meridian_coord_to_columns.json").read_text())
    table = pd.read_csv(tmp_path / "out" / spec["csv"])
    c2c = spec["coord_to_columns"]
    used = [c2c[k] for k in ("time", "geo", "population", "kpi", "revenue_per_kpi")]
    used += c2c["controls"] + c2c["media"] + c2c["media_spend"]
    assert set(used) <= set(table.columns)
    assert table[used].notna().all(axis=None)
    assert list(dict.fromkeys(table["geo"])) == MARKETS
    assert table.groupby("geo").size().eq(len(WEEKS)).all()
    assert table.groupby("geo")["time"].apply(list).map(tuple).nunique() == 1  # same weeks in every geo
    assert pd.to_datetime(table["time"], format="%Y-%m-%d").notna().all()
    assert "tiktok_spend" not in c2c["media_spend"] and spec["media_spend_to_channel"]["tv_spend"] == "tv"
    np.testing.assert_allclose(table["units"] * table["revenue_per_unit"], table["revenue_gbp"], atol=1e-3)
    assert table.loc[table["geo"] == "UK", "population"].eq(53e6).all()
