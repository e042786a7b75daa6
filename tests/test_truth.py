"""The truth: counterfactual runs with common random numbers."""

from __future__ import annotations

from sim.engine.model import Interventions, LaunchModel
from sim.truth import RunSpec, _simulate_outcomes, outcomes


def test_rerunning_the_plan_is_identical(small_world, small_log):
    again = _simulate_outcomes(small_world, RunSpec("plan", {}))[1]
    assert outcomes(small_world, small_log).equals(again)


def test_coupling_removing_a_channel_only_removes_its_own_actions(small_world, small_log):
    """Common random numbers: every consumer keeps their day; only TV's slot empties."""
    without = LaunchModel(small_world, Interventions({"tv": 0.0})).run()
    daily_plan = small_log.sessions.sum(axis=(1, 2, 3))
    daily_without = without.sessions.sum(axis=(1, 2, 3))
    assert (daily_without <= daily_plan).all()
    assert daily_without.sum() < daily_plan.sum()
    # before TV's first spend (awareness and competitors' share of voice react the same day,
    # sessions from 1-3 days later), the two worlds are the same world
    first_tv = int(small_log.media.loc[small_log.media["channel"] == "tv", "day"].min())
    assert (daily_without[:first_tv] == daily_plan[:first_tv]).all()
    assert (daily_without[first_tv + 3:] < daily_plan[first_tv + 3:]).any()


def test_tv_has_diminishing_returns(small_world, small_log):
    base = outcomes(small_world, small_log)["sessions"].sum()
    without = _simulate_outcomes(small_world, RunSpec("without:tv", {"tv": 0.0}))[1]["sessions"].sum()
    more = _simulate_outcomes(small_world, RunSpec("plus:tv", {"tv": 1.1}))[1]["sessions"].sum()
    spend = small_log.media.loc[small_log.media["channel"] == "tv", "spend"].sum()
    average = (base - without) / spend
    marginal = (more - base) / (0.1 * spend)
    assert 0 < marginal < average
