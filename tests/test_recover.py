"""The baseline MMM and its scorecard (the files for other MMMs: tests/test_formats.py).

Synthetic data are generated here with a seeded numpy Generator and known adstock,
saturation and coefficients, so "recovered" can be checked against a known answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from scipy.stats import spearmanr

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
