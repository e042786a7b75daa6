"""Robyn (Meta, R): ``robyn_dt_input.csv`` and ``robyn_inputs.json``.

Robyn models one national series, so ``dt_input`` is the national panel: one row per week,

    date, revenue, units, web_sessions, leads, has_sales, <channel>_spend ...,
    <channel>_impressions ..., bev_share, consumer_confidence, bank_rate, competitor_spend_uk

``date`` is ``YYYY-MM-DD`` (weekly, the interval Robyn infers from the first two dates); paid
media spends are GBP, their exposure variables the impressions of the same channels in the
same order. ``robyn_inputs.json`` holds ``robyn_inputs``: the arguments of Robyn's
``robyn_inputs()`` for this file (``date_var``, ``dep_var``, ``dep_var_type``,
``paid_media_spends``, ``paid_media_vars``, ``context_vars``, ``context_signs``,
``prophet_vars``, ``prophet_country``, ``window_start``, ``window_end``, ``adstock``; the
hyperparameters are the analyst's); ``kpi_choices`` (``dep_var`` / ``dep_var_type`` for
revenue, units, leads or web sessions); ``roles`` (every column's role) and ``left_out``.

Robyn refuses missing or infinite values, duplicated dates, names with spaces, negative media,
a channel with no spend in the window and a model variable without variance (``check_novar``;
columns no argument names are ignored), so a context variable that does not vary is left out
(and listed), a channel whose impressions do not vary uses its spend as exposure variable
(Robyn's own advice), and a KPI that does not vary is no ``kpi_choices`` entry.
:func:`layout_problems` checks a written pair against those rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sim.exporters.formats.common import (
    CONTROL_MEANING,
    KPI_MEANING,
    NATIONAL_CONTROLS_RULE,
    sales_weeks,
    write_csv,
    write_json,
)
from sim.exporters.formats.panel import (
    GEO_CONTROLS,
    NATIONAL_SERIES,
    SALES_FLAG,
    Panel,
    exposure_column,
    national_panel,
    spend_column,
)

CSV = "robyn_dt_input.csv"
ROLES = "robyn_inputs.json"
DATE = "date"
DEP_VAR_TYPE = {"revenue": "revenue", "units": "conversion", "web_sessions": "conversion", "leads": "conversion"}
PROPHET_VARS = ["trend", "season", "holiday"]
ROBYN_ADSTOCK = "geometric"
NO_VARIANCE = "no variance over the weeks (Robyn's check_novar refuses such a column)"


def _no_variance(frame: pd.DataFrame, column: str) -> bool:
    return frame[column].nunique() < 2


def main_geo(panel: Panel) -> str:
    """The geo with the most spend: Robyn takes one holiday calendar (``prophet_country``)."""
    spend = panel.geo[[spend_column(c) for c in panel.channels]].sum(axis=1).groupby(panel.geo["geo"]).sum()
    return str(spend.idxmax()) if len(spend) else panel.geos[0]


def write_robyn(out_dir: str | Path, panel: Panel, population: Mapping[str, float]) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = national_panel(panel, population).rename(columns={"week_start": DATE})
    flat = [c for c in panel.channels if _no_variance(table, spend_column(c))]
    left_out = {spend_column(c): NO_VARIANCE for c in flat}
    channels = [c for c in panel.channels if c not in flat]
    spends = [spend_column(c) for c in channels]
    exposures = [exposure_column(c) for c in channels]
    contexts = [*GEO_CONTROLS, *NATIONAL_SERIES]
    columns = [DATE, *panel.kpis, SALES_FLAG, *spends, *exposures, *contexts]
    left_out |= {c: NO_VARIANCE for c in [*exposures, *contexts] if _no_variance(table, c)}
    kept = [c for c in columns if c not in left_out]
    media_vars = [e if e in kept else s for s, e in zip(spends, exposures, strict=True)]
    kpis = [k for k in panel.kpis if not _no_variance(table, k)]  # a dependent variable must vary too
    context_vars = [c for c in contexts if c in kept]
    dep_var = kpis[0] if kpis else panel.kpis[0]
    inputs = {"date_var": DATE, "dep_var": dep_var, "dep_var_type": DEP_VAR_TYPE[dep_var],
              "paid_media_spends": spends, "paid_media_vars": media_vars}
    if context_vars:
        inputs |= {"context_vars": context_vars, "context_signs": ["default"] * len(context_vars)}
    inputs |= {"prophet_vars": PROPHET_VARS, "prophet_country": panel.country_of[main_geo(panel)],
               "window_start": str(table[DATE].iloc[0]), "window_end": str(table[DATE].iloc[-1]),
               "adstock": ROBYN_ADSTOCK}
    roles = {DATE: "date_var", **{k: "dependent variable choice (see kpi_choices)" for k in kpis},
             **{s: "paid_media_spends" for s in spends},
             **{v: "paid_media_vars" for v in media_vars if v not in spends},
             **{c: "context_vars" for c in context_vars}}
    roles |= {k: "not a model variable (no variance)" for k in panel.kpis if k not in kpis}
    roles[SALES_FLAG] = "marker (1 = a week with sales); not a model variable"
    payload = {
        "csv": CSV,
        "robyn_inputs": inputs,
        "kpi_choices": {k: {"dep_var": k, "dep_var_type": DEP_VAR_TYPE[k], "meaning": KPI_MEANING[k]} for k in kpis},
        "roles": roles,
        "controls": {c: CONTROL_MEANING[c] for c in context_vars},
        "aggregation": NATIONAL_CONTROLS_RULE,
        "left_out": left_out,
        "sales_weeks": sales_weeks(table, DATE),
    }
    problems = layout_problems(table[kept], inputs)
    if problems:
        raise ValueError(f"{CSV} would not pass robyn_inputs(): {'; '.join(problems)}")
    return [write_csv(table[kept], out / CSV), write_json(payload, out / ROLES)]


def layout_problems(dt_input: pd.DataFrame, inputs: Mapping) -> list[str]:
    """What ``robyn_inputs()`` would refuse in this ``dt_input`` with these arguments (Robyn's documented checks)."""
    problems = []
    date, dep = inputs.get("date_var"), inputs.get("dep_var")
    spends, media = list(inputs.get("paid_media_spends", [])), list(inputs.get("paid_media_vars", []))
    contexts = list(inputs.get("context_vars", []))
    named = [dep, date, *contexts, *spends, *inputs.get("organic_vars", [])]
    if len(named) != len(set(named)):
        problems.append(f"duplicated variable names: {sorted({n for n in named if named.count(n) > 1})}")
    problems += [f"name with a space: {n!r}" for n in named if " " in str(n)]
    absent = [n for n in [*named, *media] if n not in dt_input.columns]
    if absent:
        return [*problems, f"columns not in dt_input: {absent}"]
    numeric = dt_input.drop(columns=[date])
    if dt_input.isna().any(axis=None):
        problems.append(f"missing values in {sorted(dt_input.columns[dt_input.isna().any()])}")
    if not all(pd.api.types.is_numeric_dtype(t) for t in numeric.dtypes):
        problems.append("non-numeric columns besides the date")
    elif not np.isfinite(numeric.to_numpy(dtype=float)).all():
        problems.append("infinite values")
    dates = pd.to_datetime(dt_input[date], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        problems.append(f"{date} is not YYYY-MM-DD everywhere")
    elif dates.duplicated().any():
        problems.append(f"{date} has duplicated dates")
    elif len(dates) > 1 and (dates.iloc[1] - dates.iloc[0]).days not in (1, 7, *range(28, 32)):
        problems.append(f"{date} is not daily, weekly or monthly")
    if inputs.get("dep_var_type") not in ("revenue", "conversion"):
        problems.append("dep_var_type is neither 'revenue' nor 'conversion'")
    if len(spends) != len(media):
        problems.append("paid_media_spends and paid_media_vars differ in length")
    if (dt_input[list(dict.fromkeys(spends + media))] < 0).any(axis=None):
        problems.append("negative media values")
    if len(inputs.get("context_signs", contexts)) != len(contexts):
        problems.append("context_signs and context_vars differ in length")
    if not set(inputs.get("prophet_vars", [])) <= {"trend", "season", "weekday", "holiday"}:
        problems.append("prophet_vars outside trend, season, weekday, holiday")
    if inputs.get("prophet_vars") and not inputs.get("prophet_country"):
        problems.append("prophet_vars without a prophet_country")
    window = dt_input[(dates >= pd.Timestamp(inputs["window_start"])) & (dates <= pd.Timestamp(inputs["window_end"]))]
    problems += [f"{s} is 0 in every week of the window" for s in spends if window[s].sum() == 0]
    used = list(dict.fromkeys([dep, *contexts, *spends, *media, *inputs.get("organic_vars", [])]))
    problems += [f"{c} has no variance" for c in used if dt_input[c].nunique() < 2]  # unused columns are ignored
    if inputs.get("adstock") not in ("geometric", "weibull_cdf", "weibull_pdf"):
        problems.append("adstock is not geometric, weibull_cdf or weibull_pdf")
    return problems
