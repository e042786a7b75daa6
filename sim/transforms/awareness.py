"""Awareness: what media leaves behind in people's heads, carried over and saturating.

Each day's awareness inflow ``i_t`` (exposure weighted by each channel's awareness power) is
remembered with retention ``decay`` per day, an un-normalised geometric adstock (see
:mod:`sim.transforms.adstock`), and the stock saturates exponentially with ``scale`` (the
stock at which 1 - 1/e, about 63%, of the possible awareness is reached):

    A_t = decay * A_{t-1} + i_t
    awareness_t = 1 - exp(-A_t / scale)          in [0, 1)

Without inflow the stock, and with it awareness, decays geometrically towards 0; however
much media runs, awareness stays below 1, which is what lets the consumers' action envelope
bound it by the awareness effect whatever the spend. Time is the last axis.
"""

from __future__ import annotations

import numpy as np

from sim.transforms.adstock import geometric_adstock


def awareness(inflow: np.ndarray, decay: float, scale: float) -> np.ndarray:
    """Share of the possible awareness reached each day, from the daily awareness inflow."""
    stock = geometric_adstock(inflow, decay, normalize=False, axis=-1)
    return 1 - np.exp(-stock / scale)
