"""The one rule that splits a media row's spend into days (the *phasing rule*).

Platform exports have a row per day, but agency and vendor reports cover a period: TV a
broadcast week, OOH a campaign cycle, radio a flight, an event its dates. Whoever turns the
raw files into a daily or weekly series (``mmm/weekly_channel_spend.csv``, the PyMC-Marketing
and Meridian layouts under ``recover/formats/``, the validator's monthly spend) uses this rule,
so every weekly number rebuilds from ``raw/`` alone:

* a row's period is read from its table's declaration (:class:`sim.schemas.TableSpec`): from
  ``period_column`` to ``end_date`` inclusive when the table has an ``end_date`` column (OOH,
  radio, events); the 7 days from ``period_column`` for a weekly table (TV:
  ``date_week_start`` and the 6 days after it); the day of ``period_column`` otherwise (the
  six platforms and print);
* every flow of the row (spend, impressions) is divided evenly over the calendar days of its
  period: a row of n days puts 1/n of its spend on each of them;
* a day is then binned into a week as :mod:`sim.world.calendar` says (52 weeks from 1 January;
  31 December belongs to the last week).

The rule reads only ``raw/``; the simulation's own day-to-day pacing inside a period is not in
any file, so no table built from the files can (or does) use it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.schemas import TableSpec

END_COLUMN = "end_date"
WEEK_DAYS = 7


def _dates(values: pd.Series) -> pd.Series:
    """ISO dates or timestamps (``2025-03-04`` or ``2025-03-04 10:22:00``) as midnight datetimes."""
    return pd.to_datetime(pd.Series(values), format="ISO8601").dt.normalize()


def period_days(frame: pd.DataFrame, spec: TableSpec) -> np.ndarray:
    """Number of calendar days each row of ``frame`` (a table of ``spec``) covers."""
    if END_COLUMN in frame.columns:
        days = (_dates(frame[END_COLUMN]) - _dates(frame[spec.period_column])).dt.days.to_numpy() + 1
    else:
        days = np.full(len(frame), WEEK_DAYS if spec.period == "week" else 1)
    if (days < 1).any():
        raise ValueError(f"{spec.name}: rows ending before they start ({spec.period_column}..{END_COLUMN})")
    return days.astype(np.int64)


def spread_over_days(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """One row per day of each row's period: the row's columns, ``day`` and ``share`` (1/n).

    Multiply a flow column by ``share`` to get its part on that day; the parts of a row add up
    to the row's value.
    """
    n = period_days(frame, spec)
    out = frame.iloc[np.repeat(np.arange(len(frame)), n)].reset_index(drop=True)
    first = _dates(frame[spec.period_column]).to_numpy()
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)  # 0, 1, ... within each row's period
    out["day"] = np.repeat(first, n) + pd.to_timedelta(offset, unit="D")
    out["share"] = 1.0 / np.repeat(n, n)
    return out


def daily_spend(frame: pd.DataFrame, spec: TableSpec, by: tuple[str, ...] = ()) -> pd.Series:
    """Spend per day (and per the ``by`` columns, e.g. ``("market",)``) of a media table."""
    daily = spread_over_days(frame[frame["spend"].notna()], spec) if len(frame) else None
    if daily is None or daily.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], name="day") if not by else None)
    spend = daily["spend"].astype(float) * daily["share"]
    return spend.groupby([daily["day"], *(daily[c] for c in by)] if by else daily["day"]).sum()
