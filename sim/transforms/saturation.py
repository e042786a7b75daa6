"""Hill saturation: each extra pound buys less response than the one before.

    hill(a) = a**s / (a**s + K**s)

``a`` is the adstocked spend of a week (GBP, see :mod:`sim.transforms.adstock`), ``K`` the
half-saturation point (the adstocked weekly spend at which the channel delivers half its
maximum effect, GBP) and ``s`` the shape: ``s = 1`` is the Michaelis-Menten curve,
concave from the first pound; ``s > 1`` is S-shaped (a threshold before media bites).
The output lies in [0, 1); a channel's coefficient is its maximum weekly effect.
"""

from __future__ import annotations

import numpy as np


def hill(a: np.ndarray, half_saturation: float, shape: float = 1.0) -> np.ndarray:
    """Hill transform of non-negative adstocked spend."""
    if half_saturation <= 0.0 or shape <= 0.0:
        raise ValueError(f"half_saturation and shape must be positive, got {half_saturation}, {shape}")
    a = np.clip(np.asarray(a, dtype=float), 0.0, None)
    ratio = (a / half_saturation) ** shape
    return ratio / (1.0 + ratio)
