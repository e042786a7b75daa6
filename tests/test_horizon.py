"""Horizons beyond the launch year: the calendar, budgets and seasonality per calendar year,
recurring flights and events, campaign names with their year, an established brand's start."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.engine.plan import build_plan, market_year_budgets, year_budgets
from sim.transforms.awareness import awareness
from sim.world.calendar import horizon_years, n_weeks, plate_change_days, week_of_day, week_starts
from sim.world.config import load_world
from sim.world.streams import Streams


@pytest.fixture(scope="module")
def three_years():
    return load_world("three_years")


@pytest.fixture(scope="module")
def plan(three_years):
    return build_plan(three_years, Streams(three_years.run.seed))


def _year_spend(plan: pd.DataFrame) -> pd.Series:
    return plan.groupby([plan["channel"], plan["date"].dt.year])["spend"].sum()


def test_weeks_cover_the_horizon_and_the_trailing_days_fold_into_the_last_week(three_years):
    baseline = load_world("baseline")
    assert n_weeks(baseline) == 52 and n_weeks(three_years) == 156
    assert week_starts(three_years)[0] == "2025-01-01" and week_starts(three_years)[-1] == "2027-12-22"
    days = np.arange(three_years.run.days)
    weeks = week_of_day(days, n_weeks(three_years))
    assert weeks.min() == 0 and weeks.max() == 155
    assert (np.bincount(weeks) == 7).sum() == 155 and np.bincount(weeks)[-1] == 10  # 1,095 days
    assert horizon_years(three_years) == [2025, 2026, 2027]


def test_each_calendar_year_spends_its_own_budget_exactly(three_years, plan):
    spend = _year_spend(plan)
    for name, ch in three_years.media.channels.items():
        for year in (2025, 2026, 2027):
            expected = ch.budget_gbp_by_year.get(year, ch.budget_gbp)
            assert spend.get((name, year), 0.0) == pytest.approx(expected, rel=1e-9), (name, year)
    assert spend.groupby(level=1).sum().round().to_dict() == {2025: 19_400_000, 2026: 16_500_000,
                                                              2027: 17_150_000}


def test_a_part_year_gets_its_budget_pro_rata_to_its_days(three_years):
    half = three_years.model_copy(update={"run": three_years.run.model_copy(update={"end": dt.date(2026, 6, 30)})})
    tv = year_budgets(half, "tv")
    assert tv[2025] == 6_000_000 and tv[2026] == pytest.approx(4_500_000 * 181 / 365)
    by_market = market_year_budgets(half, "meta")
    assert sum(b[2026] for b in by_market.values()) == pytest.approx(2_200_000 * 181 / 365)


def test_mature_years_follow_the_mature_seasonality_and_the_launch_year_the_launch_curve(three_years, plan):
    google = plan[(plan["channel"] == "google") & (plan["market"] == "UK")]
    monthly = google.groupby([google["date"].dt.year, google["date"].dt.month])["spend"].sum()
    mature, launch = three_years.media.mature_seasonality, three_years.media.monthly_seasonality
    for year in (2026, 2027):  # March (plate month) against February, as the multipliers say
        assert monthly[(year, 3)] / monthly[(year, 2)] == pytest.approx(mature[2] / mature[1] * 28 / 31, rel=0.25)
    assert monthly[(2025, 9)] / monthly[(2025, 3)] > 4  # the launch peak, not the plate month
    assert launch[8] / launch[2] > 4


def test_campaign_names_carry_their_year_and_no_name_spans_two_years(plan):
    named = plan[plan["campaign_name"] != ""]
    years = named.groupby("campaign_name")["date"].agg(lambda d: d.dt.year.nunique())
    assert (years == 1).all()
    assert named["campaign_name"].str.contains("2026Q1").any()
    one_year = build_plan(load_world("baseline"), Streams(42))
    assert not one_year["campaign_name"].str.contains("2025Q").any()  # a one-year horizon keeps "Q3"


def test_radio_flights_recur_ahead_of_the_plate_months_after_the_launch_year(plan):
    radio = plan[plan["channel"] == "radio"]
    seasonal = radio[radio["kind"] == "Seasonal"]
    assert set(seasonal["date"].dt.year) == {2026, 2027}
    assert set(seasonal["date"].dt.month) <= {2, 3, 8, 9}
    assert not (radio[radio["date"].dt.year == 2025]["kind"] == "Seasonal").any()


def test_an_established_brand_has_no_launch_lines_and_opens_every_dealer_before_the_horizon():
    world = load_world("mature_brand")
    plan = build_plan(world, Streams(world.run.seed))
    assert not (plan["kind"] == "Launch").any()  # no launch flight, burst or insertion
    assert not any(e.type in ("dealer_launch", "press_event") for e in world.events)
    assert all(world.dealer_opening(d) < world.run.start for d in world.dealers)
    assert world.consumers.initial_awareness > 0


def test_initial_awareness_decays_like_any_stock_and_zero_changes_nothing():
    inflow = np.zeros((2, 50))
    inflow[1, 10] = 3.0
    assert np.array_equal(awareness(inflow, 0.99, 8.0), awareness(inflow, 0.99, 8.0, initial=0.0))
    a = awareness(np.zeros((1, 30)), 0.99, 8.0, initial=0.45)[0]
    assert a[0] == pytest.approx(1 - 0.55 ** 0.99)  # the day-0 stock, retained one day
    assert np.all(np.diff(a) < 0)  # no inflow: it fades
    with pytest.raises(ValueError, match="initial awareness"):
        awareness(inflow, 0.99, 8.0, initial=1.0)


def test_plate_change_days_are_the_first_days_of_march_and_september(three_years):
    days = plate_change_days(three_years, "UK", three_years.run.days)
    dates = [three_years.run.start + dt.timedelta(days=d) for d in days]
    assert dates == [dt.date(y, m, 1) for y in (2025, 2026, 2027) for m in (3, 9)]
    assert plate_change_days(three_years, "DE", three_years.run.days) == []
