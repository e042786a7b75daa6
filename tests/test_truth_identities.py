"""Truth identities checked against worlds simulated here, independently of ``compute_truth``."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pytest

from sim.engine.model import Interventions, LaunchModel
from sim.truth import KPIS, compute_truth, outcomes
from sim.world.config import load_world

SMALL = ["run.population=10000"]
SPENDING = ("tv", "meta", "google")  # the only channels with spend in the world of the interaction test
INERT_PRINT = ["media.channels.print.response.effect=0", "media.channels.print.response.awareness=0"]
NO_SOV = ["consumers.competitor_sov_dampening=0"]  # our spend no longer mutes competitors' share of voice
CAUSAL = ["sessions", "leads", "test_drives", "units", "revenue_gbp"]


def column(kpi: str) -> str:
    """The truth table's column of a KPI."""
    return f"uk_incr_{kpi[3:]}" if kpi.startswith("uk_") else f"incr_{kpi}"


def assert_row_is(row, expected, label: str) -> None:
    """A truth-table row equals, KPI by KPI, the differences of independently simulated worlds."""
    for kpi in KPIS:
        assert row[column(kpi)] == pytest.approx(expected[kpi], rel=1e-9, abs=1e-6), (label, kpi)


def simulate(world, runs: dict[str, dict[str, float]]):
    """The EventLog of each labelled spend scaling, two worlds at a time."""
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {label: pool.submit(lambda s: LaunchModel(world, Interventions(s)).run(), scale)
                   for label, scale in runs.items()}
        return {label: f.result() for label, f in futures.items()}


def plan_and_without(world, channel: str):
    logs = simulate(world, {"plan": {}, "without": {channel: 0.0}})
    return logs["plan"], logs["without"], outcomes(world, logs["plan"]), outcomes(world, logs["without"])


@pytest.fixture(scope="module")
def three_channel_world(small_world):
    silent = [f"media.channels.{c}.budget_gbp=0" for c in small_world.media.channels if c not in SPENDING]
    return load_world("baseline", SMALL + silent)


@pytest.fixture(scope="module")
def truth(three_channel_world):
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        return compute_truth(three_channel_world, pool, channels=list(SPENDING))


@pytest.fixture(scope="module")
def own_runs(three_channel_world):
    """Plan, all media off and each without:c, simulated here rather than taken from truth.runs."""
    w = three_channel_world
    logs = simulate(w, {"plan": {}, "all_off": {c: 0.0 for c in w.media.channels},
                        **{f"without:{c}": {c: 0.0} for c in SPENDING}})
    return {label: outcomes(w, log).sum() for label, log in logs.items()}, logs["plan"].spend_by_channel()


@pytest.mark.slow
def test_interaction_is_total_media_effect_less_single_channel_effects(truth, own_runs):
    # Every term of `expected` comes from runs simulated here. The test this replaces summed the
    # truth table (channels + interaction) and compared it with plan - all_off from truth.runs; as
    # the truth defines the interaction as exactly that difference less the channels, it held for
    # any numbers: a wrong all-off world, wrong counterfactuals, an interaction that is just the
    # residual that makes the table add up. Here a wrong all-off run or a wrong without:c run
    # moves the truth's interaction away from `expected`, and an interaction forced to 0 (or to any
    # residual of the table itself) fails because `expected` is not 0.
    totals, spend = own_runs
    assert set(spend) == set(SPENDING)
    plan = totals["plan"]
    expected = plan - totals["all_off"] - sum(plan - totals[f"without:{c}"] for c in SPENDING)
    assert_row_is(truth.channel.set_index("channel").loc["interaction"], expected, "interaction")
    assert expected["sessions"] != 0


@pytest.mark.slow
def test_each_channels_increment_is_plan_less_the_world_without_it(truth, own_runs):
    totals, spend = own_runs
    table = truth.channel.set_index("channel")
    for c in SPENDING:
        incr = totals["plan"] - totals[f"without:{c}"]
        assert incr["sessions"] > 0 and incr["units"] > 0, c
        assert_row_is(table.loc[c], incr, c)
        assert table.loc[c, "spend_gbp"] == pytest.approx(spend[c])
        assert table.loc[c, "true_roi"] == pytest.approx(incr["revenue_gbp"] / spend[c])
        assert np.isfinite(table.loc[c, "marginal_roi"])
        weekly = truth.weekly[truth.weekly["channel"] == c]
        assert len(weekly) == 52
        assert weekly["incr_units"].sum() == pytest.approx(incr["units"])


@pytest.mark.slow
def test_removing_a_channel_without_an_effect_path_changes_nothing():
    world = load_world("baseline", SMALL + INERT_PRINT + NO_SOV)
    plan, _, weekly_plan, weekly_without = plan_and_without(world, "print")
    assert plan.spend_by_channel()["print"] > 0
    assert weekly_plan[CAUSAL].equals(weekly_without[CAUSAL])  # every week, every KPI


@pytest.mark.slow
@pytest.mark.parametrize("overrides", [NO_SOV, INERT_PRINT], ids=["its_own_response", "competitors_share_of_voice"])
def test_removing_a_channel_with_an_effect_path_changes_something(overrides):
    """Print's own response, or -- with no response at all -- its spend muting competitors' voice."""
    world = load_world("baseline", SMALL + overrides)
    plan, without, weekly_plan, weekly_without = plan_and_without(world, "print")
    assert (weekly_plan["sessions"] != weekly_without["sessions"]).any()
    assert (without.sessions <= plan.sessions).all()


@pytest.mark.slow
def test_removing_tv_removes_only_tvs_own_actions(small_world, small_log):
    plan, without = small_log, LaunchModel(small_world, Interventions({"tv": 0.0})).run()
    # every day, market, website channel and device: no session appears when TV goes
    assert (without.sessions <= plan.sessions).all() and without.sessions.sum() < plan.sessions.sum()
    first_tv = int(plan.media.loc[plan.media["channel"] == "tv", "day"].min())

    def fate(lead):
        return lead.consumer, lead.created, lead.source, lead.score, lead.status

    before = [fate(lead) for lead in plan.leads if lead.created < first_tv]
    assert before and before == [fate(lead) for lead in without.leads if lead.created < first_tv]
    # nor does any lead appear: every lead of the world without TV is a lead of the plan, same score
    keyed = {(lead.consumer, lead.created, lead.source): lead.score for lead in plan.leads}
    assert all(keyed.get((lead.consumer, lead.created, lead.source)) == lead.score for lead in without.leads)
    assert len(without.leads) < len(plan.leads)
