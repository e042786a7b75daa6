"""Business days of the documents: weekends and each country's public holidays (``holidays``).

A region is a ``holidays`` country code with an optional subdivision (``GB-ENG``, ``DE``,
``FR``); the scenario maps each market to one in ``[reporting.documents]``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def public_holidays(region: str, year: int) -> frozenset[dt.date]:
    country, _, subdiv = region.partition("-")
    return frozenset(holidays.country_holidays(country, subdiv=subdiv or None, years=year))


def is_business_day(day: dt.date, region: str) -> bool:
    return day.weekday() < 5 and day not in public_holidays(region, day.year)


def business_days_after(day: dt.date, n: int, region: str) -> dt.date:
    """The n-th business day after ``day`` (``day`` itself never counts)."""
    out = day
    while n > 0:
        out += dt.timedelta(days=1)
        n -= is_business_day(out, region)
    return out


def business_days_between(first: dt.date, last: dt.date, region: str) -> int:
    """Business days after ``first`` up to and including ``last`` (0 if ``last`` <= ``first``)."""
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        count += is_business_day(day, region)
    return count
