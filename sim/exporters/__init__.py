"""Exporters: views of what the simulation recorded, in the shape of real platform and CRM files."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.world.config import World
from sim.exporters import digital, traditional

MEDIA_TABLES = {**digital.TABLES, **traditional.TABLES}


def export_media(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                 rng_for: Callable[[str], np.random.Generator]) -> dict[str, pd.DataFrame]:
    """The ten media tables keyed by file stem; each draws its noise from its own generator."""
    return {name: table(world, delivered, outcomes, rng_for(name)) for name, table in MEDIA_TABLES.items()}
