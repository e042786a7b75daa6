"""Google Meridian: ``meridian_geo_weekly.csv`` and ``meridian_coord_to_columns.json``.

One row per geo and week, columns in this order:

    geo, time, population, units, revenue_per_unit, revenue, [web_sessions,] leads, has_sales,
    bev_share, consumer_confidence, bank_rate, <channel>_impressions ..., <channel>_spend ...

The geos are those of ``mmm/geo_weekly.csv`` (the UK's regions, Germany, France); ``web_sessions``
only in a panel of market geos (analytics reports sessions per country site, not per region: the
regional file lists it in ``left_out``).

``time`` is ``YYYY-MM-DD`` (Meridian's date format); ``population`` the geo's adults (constant
per geo); ``units`` is the default KPI (``kpi_type`` ``non_revenue``) with ``revenue_per_unit``,
the geo's average transaction price that week (GBP); weeks without sales carry the geo's average
over the file (else the overall average), so ``units * revenue_per_unit == revenue`` in every row
and no cell is empty (Meridian reads empty cells as the lagged-media period). The JSON holds
``CsvDataLoader``'s arguments (``kpi_type``, ``coord_to_columns``, ``media_to_channel``,
``media_spend_to_channel``) for ``Meridian(data, ModelSpec())`` with the default spec, and
``kpi_choices``: the ``kpi_type`` / ``kpi`` / ``revenue_per_kpi`` for revenue, units, leads or
web sessions.

Controls are the geo controls that vary across geos in some week and over time in some geo:
Meridian's default geo model has a parameter per week (``knots = n_times``), which a control
that is the same in every geo duplicates, and a parameter per geo, which a control constant
over time duplicates; such a control, and every national series, is listed in ``left_out``
with the reason instead of being copied into every geo.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from sim.exporters.formats.common import (
    CONTROL_MEANING,
    KPI_MEANING,
    LEFT_OUT_OF_GEO_FILES,
    NO_REGIONAL_SESSIONS,
    sales_weeks,
    write_csv,
    write_json,
)
from sim.exporters.formats.panel import (
    GEO_CONTROLS,
    KPIS,
    NATIONAL_SERIES,
    SALES_FLAG,
    Panel,
    exposure_column,
    spend_column,
    varies,
)

CSV = "meridian_geo_weekly.csv"
SPEC = "meridian_coord_to_columns.json"
NON_REVENUE, REVENUE = "non_revenue", "revenue"  # Meridian's kpi_type constants
KPI_CHOICES = {
    "units": {"kpi_type": NON_REVENUE, "kpi": "units", "revenue_per_kpi": "revenue_per_unit"},
    "revenue": {"kpi_type": REVENUE, "kpi": "revenue", "revenue_per_kpi": None},
    "leads": {"kpi_type": NON_REVENUE, "kpi": "leads", "revenue_per_kpi": None},
    "web_sessions": {"kpi_type": NON_REVENUE, "kpi": "web_sessions", "revenue_per_kpi": None},
}
DEFAULT_KPI = "units"
SAME_IN_EVERY_GEO = "the same in every geo in each week: collinear with the default spec's weekly knots"
CONSTANT_OVER_TIME = "constant over time in every geo: collinear with the geo effects"


def meridian_controls(geo: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """The geo controls Meridian's default spec can identify, and the reason each other one is left out."""
    keep, left_out = [], {}
    for control in GEO_CONTROLS:
        if not varies(geo, control, within="week_start"):
            left_out[control] = SAME_IN_EVERY_GEO
        elif not varies(geo, control, within="geo"):
            left_out[control] = CONSTANT_OVER_TIME
        else:
            keep.append(control)
    return keep, left_out


def revenue_per_unit(table: pd.DataFrame) -> pd.Series:
    """Average price per unit; weeks without sales get the geo's (else the overall) average over the file."""
    by_geo = table.groupby("geo")[["revenue", "units"]].transform("sum")
    overall = table["revenue"].sum() / table["units"].sum() if table["units"].sum() > 0 else 0.0
    average = (by_geo["revenue"] / by_geo["units"].where(by_geo["units"] > 0)).fillna(overall)
    weekly = table["revenue"] / table["units"].where(table["units"] > 0)
    return weekly.fillna(average)


def write_meridian(out_dir: str | Path, panel: Panel, population: Mapping[str, float]) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    missing = [g for g in panel.geos if g not in population]
    if missing:
        raise KeyError(f"no population for geos {missing}")
    table = panel.geo.rename(columns={"week_start": "time"})
    table.insert(2, "population", table["geo"].map(population).round().astype("int64"))
    table["revenue_per_unit"] = revenue_per_unit(table)
    media = [exposure_column(c) for c in panel.channels]
    spend = [spend_column(c) for c in panel.channels]
    controls, left_out = meridian_controls(table.rename(columns={"time": "week_start"}))
    left_out.update({s: LEFT_OUT_OF_GEO_FILES for s in NATIONAL_SERIES})
    order = ["geo", "time", "population", "units", "revenue_per_unit",
             *[k for k in panel.kpis if k != "units"], SALES_FLAG, *GEO_CONTROLS, *media, *spend]
    default = KPI_CHOICES[DEFAULT_KPI]
    spec = {
        "csv": CSV,
        "kpi_type": default["kpi_type"],
        "coord_to_columns": {"time": "time", "geo": "geo", "population": "population", "kpi": default["kpi"],
                             "revenue_per_kpi": default["revenue_per_kpi"],
                             **({"controls": controls} if controls else {}), "media": media, "media_spend": spend},
        "media_to_channel": dict(zip(media, panel.channels, strict=True)),
        "media_spend_to_channel": dict(zip(spend, panel.channels, strict=True)),
        "model_spec": "ModelSpec() with its defaults",
        "kpi_choices": {k: {**KPI_CHOICES[k], "meaning": KPI_MEANING[k]} for k in panel.kpis},
        "controls": {c: CONTROL_MEANING[c] for c in controls},
        "left_out": left_out | {k: NO_REGIONAL_SESSIONS for k in KPIS if k not in panel.kpis},
        "population": "adults in the geo",
        "sales_weeks": sales_weeks(table, "time"),
    }
    return [write_csv(table[order], out / CSV), write_json(spec, out / SPEC)]
