"""website_analytics.csv as a view of the event log: goal_completions counts its four goals,
new users are the first visits plus returning visits analytics takes for new ones, and
session duration differs by channel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.exporters.web import website_analytics
from sim.run import export_tables, write_output
from sim.validate import validate_dir
from sim.validate.exports import NEW_USER_SHARE
from sim.world.streams import Stream, Streams


@pytest.fixture(scope="module")
def web(small_tables) -> pd.DataFrame:
    return small_tables[0]["raw/website_analytics.csv"]


def _consenting(world, log, markets) -> float:
    """Expected analytics count of first-party events in these markets (one per entry)."""
    return sum(world.reporting.web.consent_rate[m] for m in markets)


def test_goal_completions_count_more_than_configurator_starts(web, small_world, small_log):
    starts = _consenting(small_world, small_log, [s.market for s in small_log.configurator])
    assert web["goal_completions"].sum() > 1.5 * starts  # configurator starts and three more goal types
    assert (web["goal_completions"] <= 4 * web["sessions"]).all()


def test_configurator_starts_and_website_bookings_are_goals(small_world, small_log):
    rng = Streams(small_world.run.seed).generator(Stream.EXPORT, "website_analytics")
    base = website_analytics(small_world, small_log, rng)
    no_goals = small_world.model_copy(update={"reporting": small_world.reporting.model_copy(update={
        "web": small_world.reporting.web.model_copy(update={"goals": small_world.reporting.web.goals.model_copy(
            update={"brochure_download": (0.0, 0.0), "dealer_locator": (0.0, 0.0)})})})})
    only = website_analytics(no_goals, small_log, Streams(small_world.run.seed).generator(Stream.EXPORT, "x"))
    market_of = {d.id: d.market for d in small_world.dealers}
    booked = [market_of[td.dealer] for td in small_log.drives
              if td.source == "website" and td.booking_day < small_log.n_days]
    starts = [s.market for s in small_log.configurator if s.day < small_log.n_days]
    expected = _consenting(small_world, small_log, starts + booked)  # analytics sees the consenting share
    assert only["goal_completions"].sum() == pytest.approx(expected, rel=0.05)
    assert base["goal_completions"].sum() > only["goal_completions"].sum()


def test_new_users_are_most_users_after_launch_and_never_above_users(web, small_world, small_log):
    assert (web["new_users"] <= web["users"]).all() and (web["users"] <= web["sessions"]).all()
    consent = np.array([small_world.reporting.web.consent_rate[m] for m in small_log.markets])
    first_visits = (small_log.new_users.sum(axis=(0, 2, 3)) * consent).sum()
    assert web["new_users"].sum() >= 0.97 * first_visits  # every consenting new visitor is a new user
    late = web[pd.to_datetime(web["date"]).dt.month >= 9]
    share = late["new_users"].sum() / late["users"].sum()
    assert NEW_USER_SHARE[0] <= share <= NEW_USER_SHARE[1], share


def test_session_duration_differs_by_channel(web, small_world):
    seconds = (web["avg_session_duration_seconds"] * web["sessions"]).groupby(web["channel"]).sum()
    mean = seconds / web.groupby("channel")["sessions"].sum()
    assert mean["social_paid"] < 0.5 * mean["direct"]
    assert mean.max() / mean.min() > 2
    # a bounced session lasts 0 s: duration is at most the channel's engaged length x (1 - bounce)
    hi = np.array([small_world.reporting.web.engaged_seconds(c)[1] for c in web["channel"]])
    assert (web["avg_session_duration_seconds"] <= (1 - web["bounce_rate"]) * hi + 0.05).all()
    overall = seconds.sum() / web["sessions"].sum()
    assert 120 <= overall <= 300  # the extract: 2-5 minutes


def test_analytics_conventions_change_no_other_file(small_world, small_log, small_tables):
    other = small_world.model_copy(update={"reporting": small_world.reporting.model_copy(update={
        "web": small_world.reporting.web.model_copy(update={"returning_counted_as_new": (0.1, 0.2)})})})
    tables, _ = export_tables(other, small_log)
    for rel, df in small_tables[0].items():
        if rel not in ("raw/website_analytics.csv", "mmm/weekly_sales.csv", "mmm/model_ready.csv"):
            pd.testing.assert_frame_equal(df, tables[rel], obj=rel)
    assert not tables["raw/website_analytics.csv"]["new_users"].equals(small_tables[0]["raw/website_analytics.csv"]
                                                                        ["new_users"])


def test_validation_fails_more_goals_than_four_per_session(tmp_path, small_world, small_tables):
    tables, documents = small_tables
    out = tmp_path / "run"
    write_output(out, small_world, tables, documents)
    name = "goal_completions: at most one of each of the 4 goals per session"
    assert {c.name: c for c in validate_dir(out, small_world).checks}[name].passed
    web = pd.read_csv(out / "raw" / "website_analytics.csv")
    web.loc[0, "goal_completions"] = 4 * web.loc[0, "sessions"] + 1
    web.to_csv(out / "raw" / "website_analytics.csv", index=False)
    check = {c.name: c for c in validate_dir(out, small_world).checks}[name]
    assert not check.passed and "line 2" in check.messages[0]
