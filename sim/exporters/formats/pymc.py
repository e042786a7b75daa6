"""PyMC-Marketing: ``pymc_marketing_national.csv``, ``pymc_marketing_geo.csv``, ``pymc_marketing_config.json``.

For ``pymc_marketing.mmm.multidimensional.MMM`` (the class that replaces the deprecated
``pymc_marketing.mmm.MMM``). Columns, in this order:

    national: date_week, <channel>_spend ..., bev_share, consumer_confidence, bank_rate,
              competitor_spend_uk, revenue, units, web_sessions, leads, has_sales
    geo:      date_week, geo, <channel>_spend ..., bev_share, consumer_confidence, bank_rate,
              revenue, units, web_sessions, leads, has_sales

One row per week (national) or per week and geo (geo); ``date_week`` is ISO ``YYYY-MM-DD``,
spend and revenue GBP. The config holds, per file, ``mmm``: the keyword arguments of ``MMM``
(``adstock`` and ``saturation`` in PyMC-Marketing's own dictionary form, which
``adstock_from_dict`` / ``saturation_from_dict`` turn into the objects), so that
``MMM(**config)`` builds the model; ``kpis``: the columns any of which may be the
``target_column`` (``revenue`` by default; ``web_sessions`` and ``leads`` exist in every week);
``sales_weeks``: the ``has_sales`` column and how many weeks have sales. The geo file has
``dims: ["geo"]`` and leaves out the national series (``left_out``).
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


def _file_spec(csv: str, channels: list[str], controls: list[str], frame, dims: list[str] | None) -> dict:
    mmm = {"date_column": DATE, "channel_columns": channels, "control_columns": controls,
           "target_column": DEFAULT_TARGET, "adstock": dict(ADSTOCK), "saturation": dict(SATURATION)}
    if dims:
        mmm["dims"] = dims
    return {"csv": csv, "mmm": mmm, "kpis": {k: KPI_MEANING[k] for k in KPIS},
            "controls": {c: CONTROL_MEANING[c] for c in controls}, "sales_weeks": sales_weeks(frame, DATE)}


def write_pymc_marketing(out_dir: str | Path, panel: Panel, population: Mapping[str, float]) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    channels = [spend_column(c) for c in panel.channels]
    national_controls = [*GEO_CONTROLS, *NATIONAL_SERIES]
    geo = panel.geo.rename(columns={"week_start": DATE})[[DATE, "geo", *channels, *GEO_CONTROLS, *KPIS, SALES_FLAG]]
    national = national_panel(panel, population).rename(columns={"week_start": DATE})[
        [DATE, *channels, *national_controls, *KPIS, SALES_FLAG]]
    config = {
        "national": {**_file_spec(NATIONAL_CSV, channels, national_controls, national, None),
                     "aggregation": NATIONAL_CONTROLS_RULE},
        "geo": {**_file_spec(GEO_CSV, channels, list(GEO_CONTROLS), geo, ["geo"]),
                "left_out": {s: LEFT_OUT_OF_GEO_FILES for s in NATIONAL_SERIES}},
    }
    return [write_csv(national, out / NATIONAL_CSV), write_csv(geo, out / GEO_CSV),
            write_json(config, out / CONFIG)]
