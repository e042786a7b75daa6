"""Spend -> sessions lags as the extract states: digital 7-14 days, TV 1-3 days."""

from __future__ import annotations

import pytest

from sim.diagnostics import daily_sessions, daily_spend, lag_profile, peak_lag
from sim.engine.model import LaunchModel


@pytest.fixture(scope="module")
def model(small_world_with):
    # a clear lag peak needs more consumers than the shared small world has
    return LaunchModel(small_world_with(population=60_000)).run()


def test_digital_spend_moves_sessions_7_to_14_days_later(model):
    spend = daily_spend(model, ["meta", "tiktok"])
    sessions = daily_sessions(model, ["social_paid"])
    assert 7 <= peak_lag(spend, sessions) <= 14


def test_display_video_lag(model):
    assert 7 <= peak_lag(daily_spend(model, ["dv360"]), daily_sessions(model, ["display"])) <= 14
    assert 7 <= peak_lag(daily_spend(model, ["youtube"]), daily_sessions(model, ["video"])) <= 14


def test_tv_moves_search_and_direct_1_to_3_days_later(model):
    spend = daily_spend(model, ["tv"], "UK")
    sessions = daily_sessions(model, ["paid_search", "organic_search", "direct"], "UK")
    lag = peak_lag(spend, sessions)
    assert 1 <= lag <= 3
    profile = lag_profile(spend, sessions)
    assert profile[lag] > 0.2  # a clear peak, not noise
