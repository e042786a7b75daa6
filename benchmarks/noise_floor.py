"""The noise floor of a replicated truth: how precisely the replicate ensemble pins each channel's true ROI.

Reads ``DIR/truth/ledger.csv`` (default: the committed canonical truth, computed with
``sim truth baseline --curves --replicates N``) and prints, per channel with spend:

* spend, the canonical world's true revenue ROI, the replicates' mean and its 90% interval
  (``ci90_mean``), the half-width of that interval as a share of the mean, and the spread of
  the worlds (``pi90_world``, 5th-95th percentile);
* how many replicates the goal of a half-width within +-5% of the mean would need, from the
  replicates' own standard deviation (the smallest n with t(0.95, n-1) * sd / sqrt(n) <= 5% of
  the mean);
* the same for the response curve's marginal ROI at the operating point (``curve_marginal_roi``),
  and whether TV's marginal ROI lies below its average ROI with 90% intervals that do not overlap.

    python benchmarks/noise_floor.py [--truth outputs/canonical/truth] [--kpi revenue_gbp] [--goal 5]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

CI = 0.90


def replicate_values(ledger: pd.DataFrame, kpi: str, estimand: str) -> pd.DataFrame:
    """channel x replicate world: the value of ``estimand`` for ``kpi``, whole horizon, geo all."""
    rows = ledger[ledger["world"].str.fullmatch(r"r\d+") & (ledger["period"] == "all") & (ledger["week"] == "all")
                  & (ledger["geo"] == "all") & (ledger["kpi"] == kpi) & (ledger["estimand"] == estimand)]
    return rows.pivot(index="channel", columns="world", values="value")


def needed(sd: float, mean: float, goal: float, cap: int = 10_000) -> int | None:
    """Smallest n >= 2 whose Student-t 90% half-width of the mean is within ``goal`` of |mean|."""
    if not np.isfinite(sd) or mean == 0:
        return None
    return next((n for n in range(2, cap + 1)
                 if stats.t.ppf(0.5 + CI / 2, n - 1) * sd / math.sqrt(n) <= goal * abs(mean)), None)


def floor_table(ledger: pd.DataFrame, kpi: str, estimand: str, goal: float) -> pd.DataFrame:
    values = replicate_values(ledger, kpi, estimand)
    if values.empty:
        raise SystemExit(f"the ledger has no replicate rows of {estimand} for {kpi}: "
                         "compute it with `sim truth SCENARIO --replicates N` (and --curves for curve_marginal_roi)")
    n = values.shape[1]
    mean, sd = values.mean(axis=1), values.std(axis=1, ddof=1)
    half = stats.t.ppf(0.5 + CI / 2, n - 1) * sd / math.sqrt(n)
    canon = ledger[(ledger["world"] == "canonical") & (ledger["period"] == "all") & (ledger["week"] == "all")
                   & (ledger["geo"] == "all") & (ledger["kpi"] == kpi) & (ledger["estimand"] == estimand)]
    spend = ledger[(ledger["world"] == "canonical") & (ledger["period"] == "all") & (ledger["week"] == "all")
                   & (ledger["geo"] == "all") & (ledger["estimand"] == "spend")].set_index("channel")["value"]
    table = pd.DataFrame({
        "spend_gbp": spend.reindex(values.index),
        "canonical": canon.set_index("channel")["value"].reindex(values.index),
        "mean": mean, "ci90_low": mean - half, "ci90_high": mean + half,
        "half_width_pct": half / mean.abs() * 100,
        "pi90_low": values.quantile(0.05, axis=1), "pi90_high": values.quantile(0.95, axis=1),
        "world_cv_pct": sd / mean.abs() * 100,
        "replicates": n,
        "needed_for_goal": [needed(s, m, goal) for s, m in zip(sd, mean, strict=True)],
    })
    return table.sort_values("spend_gbp", ascending=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", type=Path, default=Path("outputs") / "canonical" / "truth",
                    help="a truth folder with a replicated ledger.csv (default: outputs/canonical/truth)")
    ap.add_argument("--kpi", default="revenue_gbp", help="the KPI whose ROI is reported (default: revenue_gbp)")
    ap.add_argument("--goal", type=float, default=5.0,
                    help="target half-width of ci90_mean, %% of the mean (default 5)")
    ap.add_argument("--min-spend", type=float, default=1e6, help="channels the goal applies to (default GBP 1M)")
    args = ap.parse_args(argv)
    path = args.truth / "ledger.csv"
    if not path.is_file():
        print(f"no ledger at {path}: run `sim truth SCENARIO --replicates N` first", file=sys.stderr)
        return 2
    ledger = pd.read_csv(path, dtype={"week": str})
    goal = args.goal / 100
    fmt = {"float_format": lambda v: f"{v:,.3f}"}
    tables = {}
    for estimand in ("roi", "curve_marginal_roi"):
        if not replicate_values(ledger, args.kpi, estimand).empty:
            tables[estimand] = table = floor_table(ledger, args.kpi, estimand, goal)
            print(f"\n{estimand} of {args.kpi}, {int(table['replicates'].iloc[0])} replicate worlds "
                  f"(goal: ci90_mean within +-{args.goal:g}% of the mean)")
            print(table.to_string(**fmt))
    roi = tables.get("roi")
    if roi is not None:
        big = roi[roi["spend_gbp"] >= args.min_spend]
        met = big[big["half_width_pct"] <= args.goal]
        print(f"\nchannels with spend >= GBP {args.min_spend:,.0f}: {len(big)}; within the goal: {len(met)}; "
              f"median half-width {big['half_width_pct'].median():.1f}%, largest {big['half_width_pct'].max():.1f}% "
              f"({big['half_width_pct'].idxmax()}); replicates the goal needs for all of them: "
              f"{max((n for n in big['needed_for_goal'] if n), default=0)}")
    if roi is not None and "curve_marginal_roi" in tables and "tv" in roi.index:
        avg, marg = roi.loc["tv"], tables["curve_marginal_roi"].loc["tv"]
        overlap = marg["ci90_high"] >= avg["ci90_low"]
        print(f"tv: marginal ROI {marg['mean']:.3f} [{marg['ci90_low']:.3f}, {marg['ci90_high']:.3f}] vs average ROI "
              f"{avg['mean']:.3f} [{avg['ci90_low']:.3f}, {avg['ci90_high']:.3f}]: marginal "
              f"{'below' if marg['mean'] < avg['mean'] else 'NOT below'} average; the 90% intervals "
              f"{'overlap' if overlap else 'do not overlap'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
