"""Weekly tables in the input layouts of PyMC-Marketing, Google Meridian and Robyn.

All three are cut from one weekly panel builder (:mod:`~sim.exporters.formats.panel`: the raw
exports per geo and week, any number of geos and weeks; its docstring defines every column, the
controls' one scale per variable and the national aggregation): the national files from the
panel of the three markets, the geo files from the regional panel (the UK's regions, Germany,
France: the geos of ``mmm/geo_weekly.csv``). Per tool:

* :mod:`~sim.exporters.formats.pymc` - ``pymc_marketing_{national,geo}.csv`` and
  ``pymc_marketing_config.json`` for ``pymc_marketing.mmm.multidimensional.MMM``;
* :mod:`~sim.exporters.formats.meridian` - ``meridian_geo_weekly.csv`` and
  ``meridian_coord_to_columns.json`` for ``CsvDataLoader`` and ``Meridian(data, ModelSpec())``;
* :mod:`~sim.exporters.formats.robyn` - ``robyn_dt_input.csv`` and ``robyn_inputs.json`` for
  Robyn's ``robyn_inputs()``.

Every file offers the KPIs revenue, units and leads, the national files web sessions too (a
launch year has no sales for months; analytics reports sessions per country site, not per
region, so the regional geo files have none), and marks the weeks with sales (``has_sales``).
The README's "Grading other MMMs" shows the exact calls that load them, and
``tests/test_real_tools.py`` runs those calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from sim.exporters.formats import meridian, pymc, robyn
from sim.exporters.formats.meridian import write_meridian
from sim.exporters.formats.panel import (
    GEO_CONTROLS,
    KPIS,
    MEDIA_SOURCES,
    NATIONAL_SERIES,
    Geography,
    Panel,
    build_panel,
    market_geography,
    national_panel,
    region_geography,
    week_index,
    week_starts_of,
    weekly_media,
)
from sim.exporters.formats.pymc import write_pymc_marketing
from sim.exporters.formats.robyn import layout_problems, write_robyn
from sim.world.config import World

FILES = (pymc.NATIONAL_CSV, pymc.GEO_CSV, pymc.CONFIG, meridian.CSV, meridian.SPEC, robyn.CSV, robyn.ROLES)


def write_formats(out_dir: str | Path, panel: Panel, population: Mapping[str, float],
                  geo_panel: Panel | None = None, geo_population: Mapping[str, float] | None = None) -> list[Path]:
    """Every tool's files: the national ones from ``panel``, the geo ones from ``geo_panel`` (default
    ``panel``); none when no channel spent (no tool models a world without media).

    The files of an earlier call are removed first, so the folder never mixes two runs.
    """
    out = Path(out_dir)
    for name in FILES:
        (out / name).unlink(missing_ok=True)
    if not panel.channels:
        return []
    if geo_panel is None:
        geo_panel, geo_population = panel, population
    return [*write_pymc_marketing(out, panel, population, geo_panel, geo_population),
            *write_meridian(out, geo_panel, geo_population), *write_robyn(out, panel, population)]


def adults(world: World) -> dict[str, float]:
    """Each market's adult population (Meridian's ``population``; the national files' weights)."""
    return market_geography(world).population


def write_all(run_dir: str | Path, out_dir: str | Path, world: World) -> list[Path]:
    """Every tool's files for a run folder (reads ``raw/`` and the weeks of ``mmm/model_ready.csv``)."""
    run = Path(run_dir)
    weeks = week_starts_of(pd.read_csv(run / "mmm" / "model_ready.csv", usecols=["week_start"]))
    markets, regions = market_geography(world), region_geography(world)
    return write_formats(out_dir, build_panel(run / "raw", weeks, markets), markets.population,
                         build_panel(run / "raw", weeks, regions), regions.population)


__all__ = [
    "adults", "FILES", "GEO_CONTROLS", "Geography", "KPIS", "MEDIA_SOURCES", "NATIONAL_SERIES", "Panel",
    "build_panel", "layout_problems", "market_geography", "national_panel", "region_geography", "week_index",
    "week_starts_of", "weekly_media", "write_all", "write_formats", "write_meridian", "write_pymc_marketing",
    "write_robyn",
]
