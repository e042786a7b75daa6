"""The response curves chart (``truth/response_curves.png``): a channel's true incremental revenue
against its spend multiplier.

Drawn like the run's report (:mod:`sim.exporters.report`): matplotlib's Agg renderer, the default
style, a fixed size and dpi and no ``Software`` stamp, so the same numbers give the same PNG.
matplotlib is the optional extra ``report``; without it the chart is skipped (the CSV holds
every number).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

DPI = 100
PANEL_IN = (3.2, 2.6)
COLUMNS = 4
KPI = "revenue_gbp"


def plot_response_curves(curves: pd.DataFrame, path: Path) -> bool:
    """One panel per channel: the canonical world's curve and, with replicates, their mean and its
    90% interval (the band); the dotted line marks the plan (x 1). False if matplotlib is missing."""
    try:
        from matplotlib import style
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return False
    rows = curves[curves["kpi"] == KPI]
    channels = list(dict.fromkeys(rows["channel"]))
    ncols = min(COLUMNS, max(len(channels), 1))
    nrows = max(math.ceil(len(channels) / ncols), 1)
    with style.context("default"):
        fig = Figure(figsize=(PANEL_IN[0] * ncols, PANEL_IN[1] * nrows), dpi=DPI)
        FigureCanvasAgg(fig)
        for i, channel in enumerate(channels, start=1):
            part = rows[rows["channel"] == channel].sort_values("multiplier")
            ax = fig.add_subplot(nrows, ncols, i)
            x = part["multiplier"].to_numpy(float)
            ax.plot(x, part["value"].to_numpy(float) / 1e6, marker="o", markersize=3, color="#1f5f8b",
                    label="this world")
            if "mean" in part and part["mean"].notna().any():
                ax.plot(x, part["mean"].to_numpy(float) / 1e6, color="#c0504d", linewidth=1,
                        label="mean of replicates, 90% CI")
                ax.fill_between(x, part["ci90_low"].to_numpy(float) / 1e6, part["ci90_high"].to_numpy(float) / 1e6,
                                color="#c0504d", alpha=0.2, linewidth=0)
            ax.axvline(1.0, color="#999999", linewidth=0.8, linestyle=":")
            ax.set_title(channel, fontsize=9)
            ax.tick_params(labelsize=7)
            if (i - 1) % ncols == 0:
                ax.set_ylabel("incr. revenue (GBP M)", fontsize=8)
            if i > len(channels) - ncols:
                ax.set_xlabel("spend multiplier", fontsize=8)
            if i == 1:
                ax.legend(fontsize=6, loc="upper left")
            ax.set_xticks(np.unique(np.r_[0.0, 1.0, 2.0]))
        fig.suptitle("True incremental revenue at spend multipliers 0-2 (x 1 = the plan)", fontsize=10)
        fig.tight_layout()
        fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
    return True
