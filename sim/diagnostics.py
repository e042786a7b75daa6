"""Diagnostics of the simulated causal chain that users can re-run on any model.

``peak_lag`` answers "how many days after spend do sessions respond?" the way an analyst
would: the cross-correlation of the day-to-day changes of spend and of sessions (differencing
removes the seasonal trend that would otherwise dominate; each day of the week's mean change is
taken out, so the weekly shape does not echo), and the lag where it peaks.
"""

from __future__ import annotations

import numpy as np

from sim.engine.log import EventLog


def _weekday_adjusted_changes(series: np.ndarray) -> np.ndarray:
    """Day-to-day changes less the mean change of their day of the week (the weekly shape of
    visits and showroom days would otherwise echo at every multiple of 7 days)."""
    d = np.diff(np.asarray(series, float))
    weekday = np.arange(len(d)) % 7
    means = np.array([d[weekday == k].mean() if (weekday == k).any() else 0.0 for k in range(7)])
    return d - means[weekday]


def lag_profile(spend: np.ndarray, sessions: np.ndarray, max_lag: int = 21) -> np.ndarray:
    """corr(d spend_t, d sessions_{t+k}) for k = 0 .. max_lag, of day-of-week-adjusted changes."""
    dx, dy = _weekday_adjusted_changes(spend), _weekday_adjusted_changes(sessions)
    out = np.zeros(max_lag + 1)
    for k in range(max_lag + 1):
        a, b = dx[: len(dx) - k], dy[k:]
        if a.std() > 0 and b.std() > 0:
            out[k] = np.corrcoef(a, b)[0, 1]
    return out


def peak_lag(spend: np.ndarray, sessions: np.ndarray, max_lag: int = 21) -> int:
    return int(np.argmax(lag_profile(spend, sessions, max_lag)))


def daily_spend(log: EventLog, channels: list[str], market: str | None = None) -> np.ndarray:
    d = log.media[log.media["channel"].isin(channels)]
    if market is not None:
        d = d[d["market"] == market]
    out = np.zeros(log.n_days)
    np.add.at(out, d["day"].to_numpy(), d["spend"].to_numpy())
    return out


def daily_sessions(log: EventLog, web_channels: list[str], market: str | None = None) -> np.ndarray:
    cols = [log.web_channels.index(c) for c in web_channels]
    s = log.sessions[:, :, cols, :]
    if market is not None:
        return s[:, log.market_index(market)].sum(axis=(1, 2))
    return s.sum(axis=(1, 2, 3))


def daily_visitors(log: EventLog, web_channels: list[str], market: str | None = None) -> np.ndarray:
    """The simulated consumers' visits per day through ``web_channels``: what the media caused
    beyond its own clicks (a paid channel's sessions are its landed clicks, decision 9)."""
    cols = [log.web_channels.index(c) for c in web_channels]
    v = log.visitors[:, :, cols]
    if market is not None:
        return v[:, log.market_index(market)].sum(axis=1)
    return v.sum(axis=(1, 2))
