"""Spend -> traffic lags (decision 9): paid sessions are their clicks, on the day; what the
spend causes beyond its own clicks lags as the extract states: digital 7-14 days, TV 1-3 days."""

from __future__ import annotations

import pytest

from sim.diagnostics import daily_sessions, daily_spend, daily_visitors, lag_profile, peak_lag
from sim.engine.model import LaunchModel


@pytest.fixture(scope="module")
def model(small_world_with):
    # a clear lag peak needs more consumers than the shared small world has
    return LaunchModel(small_world_with(population=60_000)).run()


def test_paid_sessions_follow_their_clicks_on_the_day(model):
    """Decision 9: a paid session is a click that landed, so it moves with spend on the same day."""
    for platforms, channel in ((["meta", "tiktok", "linkedin"], "social_paid"), (["dv360"], "display"),
                               (["youtube"], "video")):
        spend, sessions = daily_spend(model, platforms), daily_sessions(model, [channel])
        assert peak_lag(spend, sessions) == 0, channel
        assert lag_profile(spend, sessions)[0] > 0.5, channel


def test_digital_spend_moves_the_visitors_it_causes_7_to_14_days_later(model):
    """What the spend causes beyond its own clicks (the consumers who come to act) follows the
    response lag of the extract: digital 7-14 days."""
    spend = daily_spend(model, ["meta", "tiktok"])
    assert 7 <= peak_lag(spend, daily_visitors(model, ["social_paid"])) <= 14


def test_display_video_lag(model):
    assert 7 <= peak_lag(daily_spend(model, ["dv360"]), daily_visitors(model, ["display"])) <= 14
    assert 7 <= peak_lag(daily_spend(model, ["youtube"]), daily_visitors(model, ["video"])) <= 14


def test_tv_moves_search_and_direct_1_to_3_days_later(model):
    spend = daily_spend(model, ["tv"], "UK")
    sessions = daily_visitors(model, ["paid_search", "organic_search", "direct"], "UK")
    lag = peak_lag(spend, sessions)
    assert 1 <= lag <= 3
    profile = lag_profile(spend, sessions)
    assert profile[lag] > 0.2  # a clear peak, not noise
