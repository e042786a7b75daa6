"""Recovered versus true: how well does the baseline MMM find what each channel caused?

The truth (``truth/channel_truth.csv``) comes from counterfactual runs that share every
random draw: ``incr_*`` of a channel = outcome(plan) - outcome(plan without that channel).
The MMM's answer for a channel is its additive contribution (see :mod:`sim.recover.fit`).

Per target the scorecard compares one metric per channel:

* ``roi`` for revenue targets: GBP of incremental revenue per GBP of spend;
* ``incremental`` for sessions and leads: incremental sessions or leads over the year.

For each channel: ``abs_error = |recovered - true|``, ``rel_error = (recovered - true) / true``
(NaN when the truth is 0), and both ranks (1 = largest). Per target: Spearman's rank
correlation across channels with spend, mean absolute and median absolute relative error,
and the total media effect, true (channels plus the ``interaction`` row, i.e. everything
media caused together) against the sum of the MMM's channel contributions.

A scenario check compares the MMM's predicted effect of a plan change
(:func:`sim.recover.fit.predicted_effect`) with the true effect, the difference between
two simulated runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from sim.recover.fit import FittedMMM

INTERACTION = "interaction"
FLOAT_FORMAT = "%.6f"
PNG_DPI = 100


@dataclass(frozen=True)
class KpiSpec:
    """Which truth column scores a target, and whether per GBP (``roi``) or in total."""

    truth_column: str
    metric: str  # "roi" or "incremental"
    label: str


KPI_TRUTH: dict[str, KpiSpec] = {
    "total_revenue": KpiSpec("incr_revenue_gbp", "roi", "revenue ROI (GBP per GBP)"),
    "total_units": KpiSpec("incr_units", "incremental", "incremental units"),
    "uk_web_sessions": KpiSpec("uk_incr_sessions", "incremental", "incremental UK web sessions"),
    "uk_leads": KpiSpec("uk_incr_leads", "incremental", "incremental UK leads"),
    "uk_test_drives": KpiSpec("uk_incr_test_drives", "incremental", "incremental UK test drives"),
}

CARD_COLUMNS = ["target", "metric", "channel", "spend_gbp", "true", "recovered", "abs_error", "rel_error",
                "true_rank", "recovered_rank"]


# --------------------------------------------------------------------------- comparing
def compare(true: pd.Series, recovered: pd.Series) -> pd.DataFrame:
    """Channel-indexed errors of ``recovered`` against ``true`` (aligned on the index)."""
    true, recovered = true.astype(float).align(recovered.astype(float), join="left")
    out = pd.DataFrame({"true": true, "recovered": recovered})
    out["abs_error"] = (out["recovered"] - out["true"]).abs()
    out["rel_error"] = (out["recovered"] - out["true"]) / out["true"].where(out["true"] != 0)
    out["true_rank"] = out["true"].rank(ascending=False, method="min").astype("Int64")
    out["recovered_rank"] = out["recovered"].rank(ascending=False, method="min").astype("Int64")
    return out


def rank_agreement(true: pd.Series, recovered: pd.Series) -> float:
    """Spearman's rho across channels; NaN if fewer than 3 channels or a constant side."""
    pair = pd.DataFrame({"t": true, "r": recovered}).dropna()
    if len(pair) < 3 or pair["t"].nunique() < 2 or pair["r"].nunique() < 2:
        return float("nan")
    return float(spearmanr(pair["t"], pair["r"]).statistic)


def _truth_by_channel(truth: pd.DataFrame) -> pd.DataFrame:
    return truth[truth["channel"] != INTERACTION].set_index("channel")


def _true_metric(truth: pd.DataFrame, spec: KpiSpec) -> pd.Series:
    channels = _truth_by_channel(truth)
    if spec.metric == "roi":
        return channels[spec.truth_column] / channels["spend_gbp"].where(channels["spend_gbp"] > 0)
    return channels[spec.truth_column]


def _recovered_metric(fit: FittedMMM, spec: KpiSpec) -> pd.Series:
    return fit.roi if spec.metric == "roi" else fit.contribution


def scorecard(fits: Mapping[str, FittedMMM], truth: pd.DataFrame,
              kpis: Mapping[str, KpiSpec] = KPI_TRUTH) -> pd.DataFrame:
    """One row per (target, channel with spend): true and recovered metric and their errors.

    ``fits`` maps a target column (``total_revenue``, ``uk_web_sessions``, ...) to its
    fitted MMM; ``kpis`` says which ``channel_truth.csv`` column scores each target.
    """
    spend = _truth_by_channel(truth)["spend_gbp"]
    parts = []
    for target, fit in fits.items():
        spec = _spec(kpis, target)
        table = compare(_true_metric(truth, spec), _recovered_metric(fit, spec))
        table = table[spend.reindex(table.index).fillna(0) > 0]
        table.insert(0, "spend_gbp", spend.reindex(table.index))
        table.insert(0, "metric", spec.metric)
        table.insert(0, "target", target)
        parts.append(table.rename_axis("channel").reset_index())
    if not parts:
        return pd.DataFrame(columns=CARD_COLUMNS)
    return pd.concat(parts, ignore_index=True)[CARD_COLUMNS]


def summarise(card: pd.DataFrame, fits: Mapping[str, FittedMMM], truth: pd.DataFrame,
              kpis: Mapping[str, KpiSpec] = KPI_TRUTH) -> pd.DataFrame:
    """One row per target: rank agreement, typical errors, total media effect, fit quality."""
    rows = []
    for target, fit in fits.items():
        spec = _spec(kpis, target)
        part = card[card["target"] == target]
        true_total = float(truth[spec.truth_column].sum())  # channels + interaction
        recovered_total = float(fit.contribution.sum())
        rows.append({
            "target": target,
            "metric": spec.metric,
            "channels": len(part),
            "spearman": rank_agreement(part["true"], part["recovered"]),
            "mean_abs_error": float(part["abs_error"].mean()),
            "median_abs_rel_error": float(part["rel_error"].abs().median()),
            "true_media_total": true_total,
            "recovered_media_total": recovered_total,
            "media_total_rel_error": (recovered_total - true_total) / true_total if true_total else float("nan"),
            "fit_weeks": int(fit.fitted_weeks.sum()),
            "r2": fit.r2,
            "mape": fit.mape,
        })
    return pd.DataFrame(rows)


def _spec(kpis: Mapping[str, KpiSpec], target: str) -> KpiSpec:
    if target not in kpis:
        raise KeyError(f"no truth column known for target {target!r}; known: {sorted(kpis)}")
    return kpis[target]


# --------------------------------------------------------------------------- scenarios
def scenario_check(name: str, target: str, predicted: float, true: float) -> dict[str, object]:
    """The MMM's predicted effect of a plan change against the simulated true effect."""
    return {
        "scenario": name,
        "target": target,
        "predicted_effect": float(predicted),
        "true_effect": float(true),
        "abs_error": abs(float(predicted) - float(true)),
        "rel_error": (float(predicted) - float(true)) / float(true) if true else float("nan"),
        "same_sign": bool(np.sign(predicted) == np.sign(true)),
    }


def scenario_table(checks: list[dict[str, object]]) -> pd.DataFrame:
    columns = ["scenario", "target", "predicted_effect", "true_effect", "abs_error", "rel_error", "same_sign"]
    return pd.DataFrame(checks, columns=columns)


# --------------------------------------------------------------------------- writing
def write_scorecard(out_dir: str | Path, card: pd.DataFrame, summary: pd.DataFrame,
                    scenarios: pd.DataFrame | None = None, claims: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write scorecard.csv (per channel), scorecard.md (everything), scorecard.png and, with
    ``claims``, platform_claims.csv."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / "scorecard.csv", "md": out / "scorecard.md", "png": out / "scorecard.png"}
    card.to_csv(paths["csv"], index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    if claims is not None:
        paths["claims"] = out / "platform_claims.csv"
        claims.to_csv(paths["claims"], index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    paths["md"].write_text(scorecard_markdown(card, summary, scenarios, claims), encoding="utf-8")
    plot_scorecard(card, paths["png"])
    return paths


def scorecard_markdown(card: pd.DataFrame, summary: pd.DataFrame, scenarios: pd.DataFrame | None = None,
                       claims: pd.DataFrame | None = None) -> str:
    lines = ["# MMM scorecard: recovered versus true", "",
             "True effects come from counterfactual simulation runs (common random numbers); recovered "
             "effects from the baseline MMM (geometric adstock, Hill saturation, non-negative ridge) "
             "fitted to `mmm/model_ready.csv`. Ranks: 1 = largest.", "", "## Summary", "",
             markdown_table(summary), ""]
    for target, part in card.groupby("target", sort=False):
        metric = part["metric"].iloc[0]
        lines += [f"## {target} ({metric})", "", markdown_table(part.drop(columns=["target", "metric"])), ""]
    if scenarios is not None and len(scenarios):
        lines += ["## Scenario effects: MMM prediction versus simulation", "", markdown_table(scenarios), ""]
    if claims is not None and len(claims):
        lines += ["## Platform claims versus the truth", "",
                  "What each platform reports inside its own attribution windows (its export's column), "
                  "against the leads it really caused (`truth/channel_truth.csv`). Google's conversions "
                  "count configurator starts as well as leads.", "", markdown_table(claims), ""]
    return "\n".join(lines)


def markdown_table(df: pd.DataFrame) -> str:
    """A GitHub-flavoured markdown table (4 significant digits; whole numbers from 10,000 up)."""
    def cell(v: object) -> str:
        if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and np.isnan(v)):
            return ""
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}"
        return str(v)
    header = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def plot_scorecard(card: pd.DataFrame, path: str | Path) -> None:
    """True against recovered, one panel per target, channels labelled; y = x is perfect recovery."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    targets = list(dict.fromkeys(card["target"]))
    fig = Figure(figsize=(5 * max(len(targets), 1), 4.6))
    FigureCanvasAgg(fig)
    for i, target in enumerate(targets, start=1):
        part = card[card["target"] == target]
        ax = fig.add_subplot(1, len(targets), i)
        ax.scatter(part["true"], part["recovered"], s=28, color="#1f5f8b")
        for row in part.itertuples(index=False):
            ax.annotate(row.channel, (row.true, row.recovered), fontsize=7, xytext=(3, 3), textcoords="offset points")
        values = np.r_[part["true"].to_numpy(float), part["recovered"].to_numpy(float), 0.0]
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        pad = (high - low) * 0.05 or 1.0  # keep points on zero off the frame
        low, high = low - pad, high + pad
        ax.plot([low, high], [low, high], color="#999999", linewidth=1, linestyle="--")
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        ax.set_title(f"{target}: {part['metric'].iloc[0]}", fontsize=10)
        ax.set_xlabel("true (simulation)")
        ax.set_ylabel("recovered (MMM)")
    fig.tight_layout()
    fig.savefig(path, dpi=PNG_DPI, format="png", metadata={"Software": None})
