"""The TV programme calendar: a programme airs only in its broadcast season.

A TV campaign line lists the programmes its spots may sit in (``attributes.programmes``);
delivery picks one of them per line and broadcast week, and the pick is causal: a linear
spot in a premium programme (``[vendors.*].premium_programmes``) costs more per GRP, so it
buys fewer ratings. The channel's ``programme_seasons`` say when each seasonal programme is on
air, in broadcast weeks (Monday to Sunday, the unit TV is bought and reported in); a
programme without an entry airs all year.

:func:`seasonal_pieces` cuts a line's window at the season boundaries of its programmes into
pieces on which the set of programmes on air does not change; the scenario's line is replaced
by one line per piece (same weight, so the line's share of each day's TV money is unchanged),
each listing only the programmes on air in it. Cutting a line that was already cut changes
nothing, so a resolved scenario (``scenario.json``) loads to the same world.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

Window = tuple[dt.date, dt.date]
MONDAY, SUNDAY = 0, 6
DAY = dt.timedelta(days=1)


def season_problems(seasons: Mapping[str, Sequence[Window]]) -> list[str]:
    """What is wrong with a calendar: windows not in broadcast weeks, reversed or overlapping."""
    out = []
    for programme, windows in seasons.items():
        if not windows:
            out.append(f"{programme!r}: no window (a programme without a season airs all year: leave it out)")
        for a, b in windows:
            if a > b:
                out.append(f"{programme!r}: season {a}..{b} ends before it starts")
            if a.weekday() != MONDAY or b.weekday() != SUNDAY:
                out.append(f"{programme!r}: season {a}..{b} must run from a Monday to a Sunday (broadcast weeks)")
        ordered = sorted(windows)
        for (_, b1), (a2, _) in zip(ordered, ordered[1:], strict=False):
            if a2 <= b1:
                out.append(f"{programme!r}: seasons overlap around {a2}")
    return out


def on_air(programme: str, day: dt.date, seasons: Mapping[str, Sequence[Window]]) -> bool:
    """Whether the programme airs on ``day`` (all year without a season)."""
    windows = seasons.get(programme)
    return windows is None or any(a <= day <= b for a, b in windows)


def week_on_air(programme: str, monday: dt.date, seasons: Mapping[str, Sequence[Window]]) -> bool:
    """Whether the programme airs for the whole broadcast week starting ``monday``."""
    windows = seasons.get(programme)
    end = monday + 6 * DAY
    return windows is None or any(a <= monday and end <= b for a, b in windows)


def seasonal_pieces(programmes: Sequence[str], start: dt.date | None, end: dt.date | None,
                    seasons: Mapping[str, Sequence[Window]],
                    horizon: Window) -> list[tuple[dt.date | None, dt.date | None, list[str]]]:
    """The line's window (``None`` = open) cut where its programmes go on or off air inside
    the ``horizon``: ``(start, end, programmes on air)`` per piece, in date order, adjacent
    pieces with the same programmes merged. A piece with no programme on air is returned with
    an empty list (the caller refuses it)."""
    lo = max(start, horizon[0]) if start else horizon[0]
    hi = min(end, horizon[1]) if end else horizon[1]
    cuts = sorted({d for p in programmes for a, b in seasons.get(p, ()) for d in (a, b + DAY) if lo < d <= hi})
    bounds = [start, *cuts, None if end is None else end + DAY]
    pieces: list[tuple[dt.date | None, dt.date | None, list[str]]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        probe = a if a is not None else (b - DAY if b is not None else lo)
        airing = [p for p in programmes if on_air(p, probe, seasons)]
        last = None if b is None else b - DAY
        if pieces and pieces[-1][2] == airing:
            pieces[-1] = (pieces[-1][0], last, airing)
        else:
            pieces.append((a, last, airing))
    return pieces
