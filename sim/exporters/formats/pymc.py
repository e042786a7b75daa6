"""PyMC-Marketing: ``pymc_marketing_national.csv``, ``pymc_marketing_geo.csv``, ``pymc_marketing_config.json``.

For ``pymc_marketing.mmm.multidimensional.MMM`` (the class that replaces the deprecated
``pymc_marketing.mmm.MMM``). Columns, in this order:

    national: date_week, <channel>_spend ..., bev_share, consumer_confidence, bank_rate,
              competitor_spend_uk, revenue, units, web_sessions, leads, has_sales
    geo:      date_week, geo, <channel>_spend ..., bev_share, consumer_confidence, bank_rate,
              revenue, units, leads, has_sales

One row per week (national: the three markets summed) or per week and geo (geo: the geos of
``mmm/geo_weekly.csv``, the UK's regions, Germany and France; no web sessions, which analytics
reports per country site); ``date_week`` is ISO ``YYYY-MM-DD``,
spend and revenue GBP. The config holds, per file, ``mmm``: the keyword arguments of ``MMM``
(``adstock`` and ``saturation`` in PyMC-Marketing's own dictionary form, which
``adstock_from_dict`` / ``saturation_from_dict`` turn into the objects), so that
``MMM(**config)`` builds the model; ``kpis``: the columns any of which may be the
``target_column`` (``revenue`` by default; ``leads`` and, nationally, ``web_sessions`` exist in every week);
``sales_weeks``: the ``has_sales`` column and how many weeks have sales. The geo file has
``dims: ["geo"]`` and leaves out the national series and the sessions (``left_out``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sim.exporters.formats.common import (
    CONTROL_MEANING,
    KPI_MEANING,
    L_MAX_WEEKS,
    LEFT_OUT_OF_GEO_FILES,
    NATIONAL_CONTROLS_RULE,
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
    national_panel,
    spend_column,
)

DATE = "date_week"
DEFAULT_TARGET = "revenue"
NATIONAL_CSV = "pymc_marketing_national.csv"
GEO_CSV = "pymc_marketing_geo.csv"
CONFIG = "pymc_marketing_config.json"
ADSTOCK = {"lookup_name": "geometric", "l_max": L_MAX_WEEKS}
SATURATION = {"lookup_name": "logistic"}


def _file_spec(csv: str, channels: list[str], controls: list[str], frame, dims: list[str] | None,
               kpis: list[str]) -> dict:
    mmm = {"date_column": DATE, "channel_columns": channels, "control_columns": controls,
           "target_column": DEFAULT_TARGET, "adstock": dict(ADSTOCK), "saturation": dict(SATURATION)}
    if dims:
        mmm["dims"] = dims
    return {"csv": csv, "mmm": mmm, "kpis": {k: KPI_MEANING[k] for k in kpis},
            "controls": {c: CONTROL_MEANING[c] for c in controls}, "sales_weeks": sales_weeks(frame, DATE)}


def write_pymc_marketing(out_dir: str | Path, panel: Panel, population: Mapping[str, float],
                         geo_panel: Panel | None = None,
                         geo_population: Mapping[str, float] | None = None) -> list[Path]:
    """The national file from ``panel``, the geo file from ``geo_panel`` (default ``panel``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    geo_panel = panel if geo_panel is None else geo_panel
    channels = [spend_column(c) for c in panel.channels]
    geo_channels = [spend_column(c) for c in geo_panel.channels]
    national_controls = [*GEO_CONTROLS, *NATIONAL_SERIES]
    geo = geo_panel.geo.rename(columns={"week_start": DATE})[
        [DATE, "geo", *geo_channels, *GEO_CONTROLS, *geo_panel.kpis, SALES_FLAG]]
    national = national_panel(panel, population).rename(columns={"week_start": DATE})[
        [DATE, *channels, *national_controls, *panel.kpis, SALES_FLAG]]
    config = {
        "national": {**_file_spec(NATIONAL_CSV, channels, national_controls, national, None, panel.kpis),
                     "aggregation": NATIONAL_CONTROLS_RULE},
        "geo": {**_file_spec(GEO_CSV, geo_channels, list(GEO_CONTROLS), geo, ["geo"], geo_panel.kpis),
                "left_out": {s: LEFT_OUT_OF_GEO_FILES for s in NATIONAL_SERIES}
                | {k: NO_REGIONAL_SESSIONS for k in KPIS if k not in geo_panel.kpis}},
    }
    return [write_csv(national, out / NATIONAL_CSV), write_csv(geo, out / GEO_CSV),
            write_json(config, out / CONFIG)]
