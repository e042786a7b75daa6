"""``website_analytics.csv``: the GA-style daily view of the simulated sessions.

One row per day x market x traffic channel x device with analytics sessions. What the
simulation decided is read from the event log; what only the analytics tool adds is drawn
from the table's own stream inside the conventions of ``[reporting.web]``:

* ``sessions``: the log's first-party sessions of the cell whose visitor accepts analytics
  cookies, Binomial(sessions, ``consent_rate`` of the market) (decision 9); the configurator
  and the CRM see every visitor.
* ``new_users``: the consenting sessions of visitors new to the site (the log's, drawn without
  replacement among the cell's sessions), plus the returning sessions that analytics takes for
  a new user (cookies cleared, expired or declined before, another device or browser):
  Binomial(returning sessions, ``returning_counted_as_new``), never more than ``users``.
* ``users``: sessions x ``users_per_session`` (a user may come back the same day), at least 1.
* ``goal_completions``: the four goals of the extract, each counted at most once per session
  (so at most 4 x sessions): configurator starts (the log's configurator sessions of the cell,
  the rows of ``configurator_sessions.csv``, consenting share); test-drive bookings made on the
  website (the log's drives of source ``website``, by booking day and market, credited to that
  day's cells of the market in proportion to their sessions, consenting share); brochure
  downloads and dealer-locator uses, Binomial(sessions, a rate drawn in ``goals``).
* ``bounce_rate`` in the channel's range; ``avg_session_duration_seconds`` = (1 - bounce rate)
  x the length of a session that does not bounce, drawn in the channel's range (a bounced
  session lasts 0 s, as analytics counts it), so channels differ as they do on real sites.
* ``pages_per_session`` and ``events_count`` = sessions x pages x events per page view.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.log import EventLog
from sim.world.config import World

WEBSITE_DRIVE_SOURCE = "website"


def _bounds(ranges: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Low and high ends of one range per row."""
    both = np.array(ranges, dtype=float).reshape(-1, 2)
    return both[:, 0], both[:, 1]


def _configurator_starts(log: EventLog, cells: tuple[np.ndarray, ...]) -> np.ndarray:
    """Configurator sessions per cell (day, market, channel, device) of ``cells``."""
    starts = np.zeros_like(log.sessions)
    if log.configurator:
        market = {m: i for i, m in enumerate(log.markets)}
        channel = {c: i for i, c in enumerate(log.web_channels)}
        where = np.array([(s.day, market[s.market], channel[s.arrival], s.device) for s in log.configurator
                          if s.day < log.n_days])
        if len(where):
            np.add.at(starts, tuple(where.T), 1)
    return starts[cells]


def _website_bookings(log: EventLog, world: World, cells: tuple[np.ndarray, ...], sessions: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """Website test-drive bookings of each cell: a day-market's bookings shared among its cells
    by their sessions (multinomial, so none is lost where the day-market has sessions)."""
    out = np.zeros(len(sessions), np.int64)
    market_of = {d.id: d.market for d in world.dealers}
    booked: dict[tuple[int, int], int] = {}
    for td in log.drives:
        if td.source == WEBSITE_DRIVE_SOURCE and td.booking_day < log.n_days:
            key = (td.booking_day, log.market_index(market_of[td.dealer]))
            booked[key] = booked.get(key, 0) + 1
    if not booked:
        return out
    day, market = cells[0], cells[1]
    frame = pd.DataFrame({"day": day, "market": market, "row": np.arange(len(day))})
    for (d, m), rows in frame.groupby(["day", "market"], sort=True)["row"]:
        n = booked.get((int(d), int(m)), 0)
        if n:
            weights = sessions[rows.to_numpy()] / sessions[rows.to_numpy()].sum()
            out[rows.to_numpy()] = rng.multinomial(n, weights)
    return out


def website_analytics(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    web = world.reporting.web
    consent = np.array([web.consent_rate[mk] for mk in log.markets])
    cells = np.nonzero(log.sessions)
    first_party, first_new = log.sessions[cells].astype(np.int64), log.new_users[cells].astype(np.int64)
    # analytics sees the visitors who accept its cookies; first-party goals are thinned alike
    seen = rng.binomial(first_party, consent[cells[1]])
    new_seen = rng.hypergeometric(first_new, first_party - first_new, seen)
    starts = rng.binomial(_configurator_starts(log, cells), consent[cells[1]])
    bookings = rng.binomial(_website_bookings(log, world, cells, first_party, rng), consent[cells[1]])
    keep = seen > 0
    d, m, c, v = (axis[keep] for axis in cells)
    sessions, first, starts, bookings = seen[keep], new_seen[keep], starts[keep], bookings[keep]
    n = len(sessions)
    channel = np.array(log.web_channels)[c]
    users = np.clip(np.round(sessions * rng.uniform(*web.users_per_session, n)), 1, sessions).astype(np.int64)
    not_recognised = rng.binomial(sessions - first, rng.uniform(*web.returning_counted_as_new, n))
    new_users = np.minimum(first + not_recognised, users)
    goals = (np.minimum(starts, sessions) + np.minimum(bookings, sessions)
             + rng.binomial(sessions, rng.uniform(*web.goals.brochure_download, n))
             + rng.binomial(sessions, rng.uniform(*web.goals.dealer_locator, n)))
    bounce = np.round(rng.uniform(*_bounds([web.bounce_rate(ch) for ch in channel])), 4)
    engaged = rng.uniform(*_bounds([web.engaged_seconds(ch) for ch in channel]))
    pages = rng.uniform(*web.pages_per_session, n)
    return pd.DataFrame({
        "date": (log.start + pd.to_timedelta(d, unit="D")).strftime("%Y-%m-%d"), "channel": channel,
        "device": np.array(log.devices)[v], "market": np.array(log.markets)[m], "sessions": sessions,
        "users": users, "new_users": new_users, "bounce_rate": bounce, "pages_per_session": np.round(pages, 2),
        "avg_session_duration_seconds": np.round((1 - bounce) * engaged, 1),
        "goal_completions": goals,
        "events_count": np.round(sessions * pages * rng.uniform(*web.events_per_page_view, n)).astype(np.int64),
    })
