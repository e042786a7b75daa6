"""The calendar of a run: its days, its calendar years and the weeks of the MMM tables.

The horizon is ``run.start`` .. ``run.end``: whole calendar months, one or several years.
Days are numbered from ``run.start`` (day 0). The MMM's weeks are blocks of 7 days from
``run.start`` (2025-01-01 is a Wednesday); the days after the last whole block are folded
into the last week, so no day is dropped: calendar 2025 has 52 weeks (2025-12-31 falls in the
last), 2025-2027 has 156 (its last week has 10 days).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.world.config import World

DAYS_PER_WEEK = 7


def day_index(world: World) -> pd.DatetimeIndex:
    """Every date of the horizon, in order (day ``i`` is ``day_index(world)[i]``)."""
    return pd.date_range(world.run.start, world.run.end, freq="D")


def trading_days(world: World, market: str, n_days: int) -> np.ndarray:
    """Whether a showroom of ``market`` trades on each day ``0 .. n_days - 1`` (days past the
    horizon included): closed on the market's closed weekdays and on its closed dates every year."""
    cfg = world.markets[market]
    dates = pd.date_range(world.run.start, periods=n_days, freq="D")
    closed = np.isin(dates.day_of_week, cfg.showroom_closed_weekdays)
    closed |= np.isin(dates.strftime("%m-%d"), cfg.showroom_closed_dates)
    return ~closed


def plate_change_days(world: World, market: str, n_days: int) -> list[int]:
    """Day numbers (from day 0, past the horizon too, up to ``n_days``) of the first day of each
    of the market's plate-change months (``markets.*.plate_months``: the UK's March and September)."""
    months = world.markets[market].plate_months
    dates = pd.date_range(world.run.start, periods=n_days, freq="D")
    return np.flatnonzero((dates.day == 1) & np.isin(dates.month, months)).tolist()


def horizon_months(world: World) -> pd.PeriodIndex:
    """The calendar months the run covers, in order."""
    return pd.period_range(world.run.start, world.run.end, freq="M")


def horizon_years(world: World) -> list[int]:
    """The calendar years the run covers, in order."""
    return list(range(world.run.start.year, world.run.end.year + 1))


def year_of_day(world: World) -> np.ndarray:
    """Calendar year of each day of the horizon."""
    return day_index(world).year.to_numpy()


def n_weeks(world: World) -> int:
    """Rows of the MMM's weekly tables: the whole 7-day blocks of the horizon."""
    return max(1, world.run.days // DAYS_PER_WEEK)


def week_of_day(days, weeks: int) -> np.ndarray:
    """MMM week of each day number, for a horizon of ``weeks`` weeks (the trailing days fold
    into the last week)."""
    return np.minimum(np.asarray(days, dtype=int) // DAYS_PER_WEEK, weeks - 1)


def week_of(world: World, dates: pd.Series) -> np.ndarray:
    """MMM week of each date."""
    days = (pd.to_datetime(dates) - pd.Timestamp(world.run.start)).dt.days.to_numpy()
    return week_of_day(days, n_weeks(world))


def week_starts(world: World) -> list[str]:
    """ISO date of the first day of each MMM week."""
    return [(pd.Timestamp(world.run.start) + pd.Timedelta(days=DAYS_PER_WEEK * k)).strftime("%Y-%m-%d")
            for k in range(n_weeks(world))]
