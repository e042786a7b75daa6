"""Uniform delay: the effect of a day's exposure arrives over the days that follow.

Exposure on day t does not act on day t but spreads evenly over days t+lo .. t+hi
(``lo <= hi``, whole days; the extract states 7-14 days for digital, 1-3 for TV):

    l_t = (x_{t-lo} + x_{t-lo-1} + ... + x_{t-hi}) / (hi - lo + 1)

with x_t = 0 before the first day. ``lo == hi`` is a pure shift by ``lo`` days. Each impulse
keeps its total mass as long as its window ends inside the horizon; what would arrive after
the last day is dropped. The delay runs along the last axis (time), the other axes (segments,
channels) are vectorised.
"""

from __future__ import annotations

import numpy as np


def lag_kernel(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Uniform delay: the effect of day t's exposure arrives spread over t+lo .. t+hi."""
    out = np.zeros_like(x, dtype=float)
    n = x.shape[-1]
    for k in range(lo, hi + 1):
        if k < n:
            out[..., k:] += x[..., : n - k]
    return out / (hi - lo + 1)
