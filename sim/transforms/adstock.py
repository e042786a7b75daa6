"""Geometric adstock: advertising that keeps working after the week it ran.

A period's spend (or exposure) is remembered and forgotten at a constant rate. With
retention ``decay`` per period (0 <= decay < 1), the geometric adstock is

    a_t = decay * a_{t-1} + x_t                      (normalize=False: the simulation's
                                                     true response, the extract's model_ready)
    a_t = decay * a_{t-1} + (1 - decay) * x_t        (normalize=True: the baseline MMM)

``decay`` is the share of last week's adstock still active this week; the half-life is
``log(0.5) / log(decay)`` weeks. The ``(1 - decay)`` factor makes the weights sum to one,
so a steady weekly spend ``x`` has adstock ``x``: half-saturation points stay in spend
units whatever the decay, which is what lets the saturation grid be stated as multiples
of a channel's spend (PyMC-Marketing calls this ``normalize=True``).

The recursion runs along the time axis with the other axes vectorised (a few hundred
periods at most here, so a loop over periods is cheap).
"""

from __future__ import annotations

import numpy as np


def geometric_adstock(x: np.ndarray, decay: float, *, normalize: bool = True, axis: int = 0) -> np.ndarray:
    """Geometric adstock of a series (or of every series of an array along ``axis``).

    Parameters
    ----------
    x : spend (or exposure) per period, oldest first.
    decay : retention per period in [0, 1); 0 means no carry-over.
    normalize : scale the input by ``1 - decay`` so the weights sum to one.
    axis : the time axis.
    """
    if not 0.0 <= decay < 1.0:
        raise ValueError(f"adstock decay must be in [0, 1), got {decay}")
    x = np.moveaxis(np.asarray(x, dtype=float), axis, 0)
    gain = 1.0 - decay if normalize else 1.0
    out = np.empty_like(x)
    acc = np.zeros(x.shape[1:])
    for t in range(x.shape[0]):
        acc = decay * acc + gain * x[t]
        out[t] = acc
    return np.moveaxis(out, 0, axis)


def half_life(decay: float) -> float:
    """Periods until an impulse's adstock has halved (0 for no carry-over)."""
    if decay <= 0.0:
        return 0.0
    return float(np.log(0.5) / np.log(decay))
