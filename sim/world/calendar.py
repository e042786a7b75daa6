"""The calendar of a run: its days and the weeks of the MMM tables.

Days are numbered from ``run.start`` (day 0). The MMM's weeks are blocks of 7 days from
``run.start`` (2025-01-01 is a Wednesday); the days after the last whole block (2025-12-31)
are folded into the last week, so a year has exactly 52 rows and no day is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.world.config import World

DAYS_PER_WEEK = 7
N_WEEKS = 52


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


def horizon_months(world: World) -> pd.PeriodIndex:
    """The calendar months the run covers, in order."""
    return pd.period_range(world.run.start, world.run.end, freq="M")


def week_of_day(days) -> np.ndarray:
    """MMM week of each day number (the trailing days fold into the last week)."""
    return np.minimum(np.asarray(days, dtype=int) // DAYS_PER_WEEK, N_WEEKS - 1)


def week_of(world: World, dates: pd.Series) -> np.ndarray:
    """MMM week of each date."""
    days = (pd.to_datetime(dates) - pd.Timestamp(world.run.start)).dt.days.to_numpy()
    return week_of_day(days)


def week_starts(world: World) -> list[str]:
    """ISO date of the first day of each MMM week."""
    return [(pd.Timestamp(world.run.start) + pd.Timedelta(days=DAYS_PER_WEEK * k)).strftime("%Y-%m-%d")
            for k in range(N_WEEKS)]
