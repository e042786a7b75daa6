"""Row-level consistency measures with a tolerance: ctr against clicks / impressions, MMM
totals against their parts, model_ready against the weekly tables, weekly tables against the
raw files, and the adstock decay model_ready implies.

Each returns the worst deviation (with the worst rows as details), which a target bounds by
a rounding tolerance.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.schemas import CHANNELS
from sim.validate.formatting import SHOWN_ROWS, line, quote
from sim.validate.measures import channel_spend
from sim.validate.tables import Measured, NotMeasurable, RunData


def ctr_deviation(name: str) -> Callable[[RunData], Measured]:
    """Largest |ctr - clicks / impressions| (ctr must be 0 without impressions)."""
    def measure(d: RunData) -> Measured:
        df = d.table(name)
        imps = df["impressions"].astype(float)
        expected = (df["clicks"].astype(float) / imps.where(imps > 0)).fillna(0.0)
        ctr = df["ctr"].astype(float)
        # an empty ctr is right only without impressions
        dev = (ctr - expected).abs().where(ctr.notna(), np.where(imps > 0, np.inf, 0.0))
        if dev.dropna().empty:
            raise NotMeasurable("no rows")
        worst = dev.sort_values(ascending=False, kind="stable").head(SHOWN_ROWS)
        details = tuple(f"{name}.ctr line {line(i)}: ctr={quote(df.at[i, 'ctr'])}, clicks/impressions={expected[i]:.6g}"
                        for i in worst.index if worst[i] > 0)
        return Measured(float(dev.max()), details)
    return measure


def column_sum_deviation(name: str, total: str, parts: tuple[str, ...]) -> Callable[[RunData], Measured]:
    """Largest |total - sum(parts)| / |total| over the rows of an MMM table (values are written
    to a number of significant digits, so rounding is relative)."""
    def measure(d: RunData) -> Measured:
        df = d.table(name)
        totals = df[total].astype(float)
        gap = (totals - df[list(parts)].astype(float).sum(axis=1)).abs()
        dev = (gap / totals.abs().clip(lower=1.0)).fillna(np.inf)
        if dev.empty:
            raise NotMeasurable("no rows")
        worst = dev.idxmax()
        detail = ((f"{name}.{total} line {line(worst)}: differs from the sum of {len(parts)} columns by "
                   f"{gap[worst]:.6g}",) if dev[worst] > 0 else ())
        return Measured(float(dev[worst]), detail)
    return measure


def model_ready_deviation(d: RunData) -> Measured:
    """Largest relative difference between model_ready and the weekly tables it repeats (joined by week)."""
    ready = d.table("model_ready").set_index("week_start")
    worst, details = 0.0, []
    for source in ("weekly_channel_spend", "weekly_sales"):
        other = d.table(source).set_index("week_start")
        if set(ready.index) != set(other.index):
            details.append(f"model_ready and {source} have different weeks")
            worst = np.inf
        shared = [c for c in other.columns if c in ready.columns]
        theirs = other[shared].astype(float)
        joined = ready[shared].astype(float).sub(theirs).abs() / theirs.abs().clip(lower=1.0)
        col_max = joined.max()
        for c in shared:
            if col_max[c] > 0 or joined[c].isna().any():
                details.append(f"model_ready.{c} vs {source}.{c}: max difference {col_max[c]:.4g}")
        worst = max(worst, float(np.nan_to_num(col_max.max(), nan=np.inf)))
    return Measured(worst, tuple(details))


def mmm_spend_vs_raw(d: RunData) -> Measured:
    """Largest relative gap between a channel's weekly spend total and its raw spend."""
    weeklyspend = d.table("weekly_channel_spend")
    gaps = {}
    for channel in CHANNELS:
        raw_total = channel_spend(channel)(d)
        gaps[channel] = abs(float(weeklyspend[f"{channel}_spend"].sum()) - raw_total) / raw_total if raw_total else 0.0
    worst = max(gaps, key=gaps.get)
    return Measured(gaps[worst], tuple(f"{c}: {100 * g:.3f}%" for c, g in gaps.items() if g > 0))


def mmm_units_vs_raw(d: RunData) -> float:
    sales = len(d.table("vehicle_sales"))
    return abs(float(d.table("weekly_sales")["total_units"].sum()) - sales) / sales if sales else 0.0


def adstock_decay(channel: str) -> Callable[[RunData], float]:
    """The weekly decay implied by model_ready: least squares of a_t on (spend_t, a_(t-1))."""
    def measure(d: RunData) -> float:
        df = d.table("model_ready").sort_values("week_start")
        a = df[f"{channel}_adstock"].astype(float).to_numpy()
        x = df[f"{channel}_spend"].astype(float).to_numpy()
        design = np.column_stack([x[1:], a[:-1]])
        if len(a) < 3 or not np.any(a[:-1]):
            raise NotMeasurable("no adstock to fit")
        coef, *_ = np.linalg.lstsq(design, a[1:], rcond=None)
        return float(coef[1])
    return measure
