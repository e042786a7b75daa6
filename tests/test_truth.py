"""The truth: counterfactual runs with common random numbers."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pytest

from sim.engine.model import Interventions, LaunchModel
from sim.truth import RunSpec, _simulate_outcomes, compute_truth, outcomes


def test_rerunning_the_plan_is_identical(small_world, small_model):
    again = _simulate_outcomes(small_world, RunSpec("plan", {}))[1]
    assert outcomes(small_world, small_model).equals(again)


def test_removing_a_channel_without_spend_changes_nothing(small_world_with):
    w = small_world_with("media.channels.radio.budget_gbp=0")
    base = _simulate_outcomes(w, RunSpec("plan", {}))[1]
    without = _simulate_outcomes(w, RunSpec("without:radio", {"radio": 0.0}))[1]
    assert base.equals(without)


def test_coupling_removing_a_channel_only_removes_its_own_actions(small_world, small_model):
    """Common random numbers: every consumer keeps their day; only TV's slot empties."""
    without = LaunchModel(small_world, Interventions({"tv": 0.0})).run()
    daily_plan = small_model.sessions.sum(axis=(1, 2, 3))
    daily_without = without.sessions.sum(axis=(1, 2, 3))
    assert (daily_without <= daily_plan).all()
    assert daily_without.sum() < daily_plan.sum()
    # before TV's first spend (awareness and competitors' share of voice react the same day,
    # sessions from 1-3 days later), the two worlds are the same world
    first_tv = int(small_model.media.loc[small_model.media["channel"] == "tv", "day"].min())
    assert (daily_without[:first_tv] == daily_plan[:first_tv]).all()
    assert (daily_without[first_tv + 3:] < daily_plan[first_tv + 3:]).any()


def test_tv_has_diminishing_returns(small_world, small_model):
    base = outcomes(small_world, small_model)["sessions"].sum()
    without = _simulate_outcomes(small_world, RunSpec("without:tv", {"tv": 0.0}))[1]["sessions"].sum()
    more = _simulate_outcomes(small_world, RunSpec("plus:tv", {"tv": 1.1}))[1]["sessions"].sum()
    spend = small_model.media.loc[small_model.media["channel"] == "tv", "spend"].sum()
    average = (base - without) / spend
    marginal = (more - base) / (0.1 * spend)
    assert 0 < marginal < average


@pytest.mark.slow
def test_truth_table_adds_up_exactly(small_world):
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        truth = compute_truth(small_world, pool, channels=["tv", "linkedin"])
    plan, off = truth.runs["plan"].sum(), truth.runs["all_off"].sum()
    table = truth.channel.set_index("channel")
    for kpi, col in (("units", "incr_units"), ("sessions", "incr_sessions"), ("revenue_gbp", "incr_revenue_gbp")):
        assert table[col].sum() == pytest.approx(plan[kpi] - off[kpi], abs=1e-6)
    assert table.loc["tv", "incr_sessions"] > 0
    tv = table.loc["tv"]
    assert tv["true_roi"] == pytest.approx(tv["incr_revenue_gbp"] / tv["spend_gbp"])
    weekly = truth.weekly[truth.weekly["channel"] == "tv"]
    assert len(weekly) == 52
    assert weekly["incr_units"].sum() == pytest.approx(table.loc["tv", "incr_units"])
    assert np.isfinite(table.loc["tv", "marginal_roi"])
