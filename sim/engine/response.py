"""Media response: exposure per capita -> lag -> adstock -> Hill saturation, per consumer segment.

Formulas (per channel c, segment s, day t):

* exposure   x[s,t] = impressions reaching the segment / adults in the segment
* lag        l[s,t] = mean of x[s,t-k] for k in [lag_lo, lag_hi]      (uniform delay kernel)
* adstock    A[s,t] = decay * A[s,t-1] + l[s,t]                        (geometric carry-over)
* response   r[s,t] = effect * A^h / (A^h + K^h)                       (Hill, K = half_saturation)

The response is extra daily action intensity of an in-market consumer of that segment. Because
none of this depends on what consumers did, it is computed for the whole year up front, as
arrays, before the day loop (DESIGN principle 3: vectorise the crowd, not the calendar).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.transforms import geometric_adstock, hill, lag_kernel
from sim.world.config import ChannelConfig, World


def targeting_weights(ch: ChannelConfig, seg: pd.DataFrame) -> np.ndarray:
    """Reach multiplier per segment, normalised to a population-weighted mean of 1 per market."""
    w = np.ones(len(seg))
    for key, mult in ch.targeting.items():
        attr, value = key.split(":", 1)
        w = np.where(seg[attr].to_numpy() == value, w * mult, w)
    out = np.empty(len(seg))
    for idx in seg.groupby("market").indices.values():
        pop = seg["pop_share"].to_numpy()[idx]
        out[idx] = w[idx] / np.sum(w[idx] * pop) * pop.sum()
    return out


def channel_exposure(world: World, name: str, expo: pd.DataFrame, seg: pd.DataFrame, n_days: int) -> np.ndarray:
    """Per-capita exposure (segments x days) of one channel."""
    ch = world.media.channels[name]
    tw = targeting_weights(ch, seg)
    x = np.zeros((len(seg), n_days))
    rows = expo[expo["channel"] == name]
    if rows.empty:
        return x
    seg_market = seg["market"].to_numpy()
    seg_region = seg["region"].to_numpy()
    region_share = seg["region_share"].to_numpy()
    for (market, region), grp in rows.groupby(["market", "region"]):
        daily = np.zeros(n_days)
        np.add.at(daily, grp["day"].to_numpy(), grp["impressions"].to_numpy())
        adults = world.markets[market].adult_population_m * 1e6
        if region:
            mask = (seg_market == market) & (seg_region == region)
            denom = adults * region_share
        else:
            mask = seg_market == market
            denom = np.full(len(seg), adults)
        x[mask] += np.outer(tw[mask] / denom[mask], daily)
    return x


def media_response(world: World, expo: pd.DataFrame, seg: pd.DataFrame, n_days: int,
                   channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(response[channel, segment, day], awareness_input[segment, day])."""
    resp = np.zeros((len(channels), len(seg), n_days))
    aware_in = np.zeros((len(seg), n_days))
    for ci, name in enumerate(channels):
        r = world.media.channels[name].response
        x = channel_exposure(world, name, expo, seg, n_days)
        adstock = geometric_adstock(lag_kernel(x, *r.lag_days), r.decay, normalize=False, axis=-1)
        resp[ci] = r.effect * hill(adstock, r.half_saturation, r.hill_shape)
        aware_in += r.awareness * x
    return resp, aware_in
