"""The truth: counterfactual runs with common random numbers."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pytest

from sim.world.config import load_world
from sim.engine.model import Interventions, LaunchModel
from sim.truth import RunSpec, _simulate_outcomes, compute_truth, outcomes

SMALL = ["run.population=20000"]


@pytest.fixture(scope="module")
def world(small_world):
    return small_world


@pytest.fixture(scope="module")
def plan(small_model):
    return small_model


def test_rerunning_the_plan_is_identical(world, plan):
    again = _simulate_outcomes(world, RunSpec("plan", {}))[1]
    assert outcomes(world, plan).equals(again)


def test_removing_a_channel_without_spend_changes_nothing():
    w = load_world("baseline", SMALL + ["media.channels.radio.budget_gbp=0"])
    base = _simulate_outcomes(w, RunSpec("plan", {}))[1]
    without = _simulate_outcomes(w, RunSpec("without:radio", {"radio": 0.0}))[1]
    assert base.equals(without)


def test_coupling_removing_a_channel_only_removes_its_own_actions(world, plan):
    """Common random numbers: every consumer keeps their day; only TV's slot empties."""
    without = LaunchModel(world, Interventions({"tv": 0.0})).run()
    daily_plan = plan.sessions.sum(axis=(1, 2, 3))
    daily_without = without.sessions.sum(axis=(1, 2, 3))
    assert (daily_without <= daily_plan).all()
    assert daily_without.sum() < daily_plan.sum()
    # before TV's first spend (awareness and competitors' share of voice react the same day,
    # sessions from 1-3 days later), the two worlds are the same world
    first_tv = int(plan.media.loc[plan.media["channel"] == "tv", "day"].min())
    assert (daily_without[:first_tv] == daily_plan[:first_tv]).all()
    assert (daily_without[first_tv + 3:] < daily_plan[first_tv + 3:]).any()


def test_tv_has_diminishing_returns(world, plan):
    base = outcomes(world, plan)["sessions"].sum()
    without = _simulate_outcomes(world, RunSpec("without:tv", {"tv": 0.0}))[1]["sessions"].sum()
    more = _simulate_outcomes(world, RunSpec("plus:tv", {"tv": 1.1}))[1]["sessions"].sum()
    spend = plan.media.loc[plan.media["channel"] == "tv", "spend"].sum()
    average = (base - without) / spend
    marginal = (more - base) / (0.1 * spend)
    assert 0 < marginal < average


def test_truth_table_adds_up_exactly(world):
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        truth = compute_truth(world, pool, channels=["tv", "linkedin"])
    plan, off = truth.runs["plan"].sum(), truth.runs["all_off"].sum()
    table = truth.channel.set_index("channel")
    for kpi, col in (("units", "incr_units"), ("sessions", "incr_sessions"), ("revenue_gbp", "incr_revenue_gbp")):
        assert table[col].sum() == pytest.approx(plan[kpi] - off[kpi], abs=1e-6)
    assert table.loc["tv", "incr_sessions"] > 0
    assert table.loc["tv", "true_roi"] == pytest.approx(table.loc["tv", "incr_revenue_gbp"] / table.loc["tv", "spend_gbp"])
    weekly = truth.weekly[truth.weekly["channel"] == "tv"]
    assert len(weekly) == 52
    assert weekly["incr_units"].sum() == pytest.approx(table.loc["tv", "incr_units"])
    assert np.isfinite(table.loc["tv", "marginal_roi"])
