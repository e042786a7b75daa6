"""Paid website sessions: a platform's clicks that land (decision 9).

Per delivered row (platform x market x day x campaign line), the website clicks are a share of
the row's clicks and the first-party sessions a share of those, on the same day, in the
analytics channel of the campaign's objective (``[media.click_sessions]``). The shares are drawn
per row from the platform and market's own stream, and each count is the binomial quantile of
a keyed uniform: more clicks never give fewer sessions, and removing or scaling one channel
leaves every other channel's sessions as they were, so the truth's counterfactuals stay exact.

The agents are the visitors who go on to act: a consumer whose visit arrives through a paid
channel takes one of that day's landed sessions (of the platform that caused the visit, when it
has one left), and comes through the channel's fallback (``media.paid_fallback``, e.g. organic
search for brand search) when no ad of that channel landed a visitor that day in the market.
"""

from __future__ import annotations

import bisect

import numpy as np
import pandas as pd
from scipy.stats import binom

from sim.world.config import World
from sim.world.streams import Stream, Streams
from sim.world.vocabulary import WEB_CHANNELS

ANY_OBJECTIVE = "*"


def _nested(counts: np.ndarray, share: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Binomial(counts, share) by inverting the CDF at ``u``: monotone in ``counts``."""
    out = binom.ppf(u, counts, share)
    return np.nan_to_num(out, nan=0.0).astype(np.int64)


def land_clicks(world: World, delivered: pd.DataFrame, streams: Streams) -> pd.DataFrame:
    """Add ``web_channel``, ``web_clicks``, ``landed`` and ``landed_new`` to the delivered rows."""
    out = delivered.assign(web_channel="", web_clicks=np.int64(0), landed=np.int64(0), landed_new=np.int64(0))
    for (channel, market), idx in out.groupby(["channel", "market"], sort=True).indices.items():
        cfg = world.media.click_sessions.get(channel)
        if cfg is None:
            continue
        rows = out.iloc[idx]
        rng = streams.generator(Stream.LANDING, channel, market)
        n = len(idx)
        shares = [rng.uniform(*span, n) for span in (cfg.website_click_share, cfg.landing_rate, cfg.new_visitor_share)]
        u = rng.random((3, n))
        clicks = rows["clicks"].to_numpy(np.int64)
        web = _nested(clicks, shares[0], u[0])
        landed = _nested(web, shares[1], u[1])
        new = _nested(landed, shares[2], u[2])
        objective = rows["objective"].to_numpy()
        web_channel = [cfg.analytics_channel.get(o, cfg.analytics_channel.get(ANY_OBJECTIVE, "")) for o in objective]
        col = out.columns.get_loc
        out.iloc[idx, col("web_channel")] = web_channel
        out.iloc[idx, col("web_clicks")] = web
        out.iloc[idx, col("landed")] = landed
        out.iloc[idx, col("landed_new")] = new
    unmapped = (out["landed"] > 0) & (out["web_channel"] == "")
    if unmapped.any():
        first = out[unmapped].iloc[0]
        raise ValueError(f"media.click_sessions.{first['channel']}.analytics_channel: no channel for objective "
                         f"{first['objective']!r} (add it or '*')")
    return out


class PaidSessions:
    """The landed sessions of every day, market, paid channel and platform, and the agents who
    take them."""

    def __init__(self, world: World, delivered: pd.DataFrame, markets: tuple[str, ...], devices: tuple[str, ...],
                 n_days: int, streams: Streams):
        self.platforms = tuple(sorted(world.media.click_sessions))
        self.markets = markets
        shape = (n_days, len(markets), len(WEB_CHANNELS), len(self.platforms))
        self.left = np.zeros(shape, dtype=np.int64)
        self.sessions = np.zeros((n_days, len(markets), len(WEB_CHANNELS), len(devices)), dtype=np.int64)
        self.new_users = np.zeros_like(self.sessions)
        rows = delivered[delivered["landed"] > 0]
        if rows.empty:
            return
        d = rows["day"].to_numpy()
        m = rows["market"].map({k: i for i, k in enumerate(markets)}).to_numpy()
        c = rows["web_channel"].map({k: i for i, k in enumerate(WEB_CHANNELS)}).to_numpy()
        p = rows["channel"].map({k: i for i, k in enumerate(self.platforms)}).to_numpy()
        landed, new = rows["landed"].to_numpy(np.int64), rows["landed_new"].to_numpy(np.int64)
        np.add.at(self.left, (d, m, c, p), landed)
        # the devices of the landed sessions: the population's device mix (returning and new alike)
        shares = np.array(list(world.consumers.device.values()), dtype=float)
        rng = streams.generator(Stream.LANDING, "devices")
        by_device = rng.multinomial(landed, shares / shares.sum())
        # new visitors split across devices in proportion to the sessions of each device
        new_split = np.zeros_like(by_device)
        remaining_new, remaining = new.copy(), landed.copy()
        for k in range(by_device.shape[1] - 1):
            take = rng.hypergeometric(remaining_new, remaining - remaining_new, by_device[:, k])
            new_split[:, k] = take
            remaining_new -= take
            remaining -= by_device[:, k]
        new_split[:, -1] = remaining_new
        for k in range(by_device.shape[1]):
            np.add.at(self.sessions, (d, m, c, k), by_device[:, k])
            np.add.at(self.new_users, (d, m, c, k), new_split[:, k])

    def take(self, day: int, market: int, channel: int, prefer: str | None, u: float) -> str | None:
        """A landed session of ``channel`` for an agent: the platform ``prefer``'s if it has one
        left, else a platform's in proportion to what each has left; None if none has."""
        left = self.left[day, market, channel]
        if prefer in self.platforms and left[self.platforms.index(prefer)] > 0:
            k = self.platforms.index(prefer)
        else:
            total = int(left.sum())
            if total == 0:
                return None
            cum = np.cumsum(left).tolist()
            k = bisect.bisect_right(cum, u * total)
            k = min(k, len(cum) - 1)
        left[k] -= 1
        return self.platforms[k]
