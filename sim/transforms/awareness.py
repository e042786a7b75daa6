"""Awareness: what media leaves behind in people's heads, carried over and saturating.

Each day's awareness inflow ``i_t`` (exposure weighted by each channel's awareness power) is
remembered with retention ``decay`` per day, an un-normalised geometric adstock (see
:mod:`sim.transforms.adstock`), and the stock saturates exponentially with ``scale`` (the
stock at which 1 - 1/e, about 63%, of the possible awareness is reached):

    A_t = decay * A_{t-1} + i_t
    awareness_t = 1 - exp(-A_t / scale)          in [0, 1)

An established brand starts with awareness ``initial`` on day 0 (a stock of
``-scale * ln(1 - initial)`` from the years before the horizon), which decays like any other.
Without inflow the stock, and with it awareness, decays geometrically towards 0; however
much media runs, awareness stays below 1, which is what lets the consumers' action envelope
bound it by the awareness effect whatever the spend. Time is the last axis.
"""

from __future__ import annotations

import numpy as np

from sim.transforms.adstock import geometric_adstock


def awareness(inflow: np.ndarray, decay: float, scale: float, initial: float = 0.0) -> np.ndarray:
    """Share of the possible awareness reached each day, from the daily awareness inflow and
    the awareness ``initial`` (0 <= initial < 1) the brand had before day 0."""
    if not 0.0 <= initial < 1.0:
        raise ValueError(f"initial awareness must be in [0, 1), got {initial}")
    stock = geometric_adstock(inflow, decay, normalize=False, axis=-1)
    if initial:
        carried = -scale * np.log1p(-initial) * decay ** np.arange(1, inflow.shape[-1] + 1)
        stock = stock + carried
    return 1 - np.exp(-stock / scale)
