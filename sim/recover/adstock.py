"""Geometric adstock: advertising that keeps working after the week it ran.

A week's spend is remembered by the market and forgotten at a constant rate. With
weekly retention ``decay`` (0 <= decay < 1), the normalised geometric adstock is

    a_t = (1 - decay) * sum_{k >= 0} decay**k * x_{t-k}
        = decay * a_{t-1} + (1 - decay) * x_t

``decay`` is the share of last week's adstock still active this week; the half-life is
``log(0.5) / log(decay)`` weeks. The ``(1 - decay)`` factor makes the weights sum to one,
so a steady weekly spend ``x`` has adstock ``x``: half-saturation points stay in spend
units whatever the decay, which is what lets the saturation grid be stated as multiples
of a channel's spend (PyMC-Marketing calls this ``normalize=True``).

The recursion is a first-order IIR filter, so it runs through ``scipy.signal.lfilter``.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter


def geometric_adstock(x: np.ndarray, decay: float) -> np.ndarray:
    """Normalised geometric adstock of a weekly series (or of each column of a 2-D array).

    Parameters
    ----------
    x : spend (or exposure) per period, oldest first; adstock runs along axis 0.
    decay : retention per period in [0, 1); 0 means no carry-over.
    """
    if not 0.0 <= decay < 1.0:
        raise ValueError(f"adstock decay must be in [0, 1), got {decay}")
    x = np.asarray(x, dtype=float)
    return lfilter([1.0 - decay], [1.0, -decay], x, axis=0)


def half_life(decay: float) -> float:
    """Periods until an impulse's adstock has halved (0 for no carry-over)."""
    if decay <= 0.0:
        return 0.0
    return float(np.log(0.5) / np.log(decay))
