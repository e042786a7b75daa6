"""A visual report of one run: what was spent, what it moved, and how the funnel converted.

``write_report(out_dir)`` reads the run's own CSVs (``raw/`` and ``mmm/``, the extract's
columns) and writes ``report/report.md`` with three PNG charts:

* weekly spend by channel (stacked) above weekly sales, leads and website sessions;
* the funnel, sessions -> configurator starts -> completes -> leads -> test drives booked
  -> completed -> sales, with each stage's conversion from the one before;
* monthly spend against the scenario's seasonality multipliers (normalised to mean 1,
  README decision 2).

The report is a view: it reads files, never the simulation. Charts are drawn with
matplotlib's Agg renderer, the default style, a fixed size and dpi and no ``Software``
stamp, so the same CSVs give byte-identical PNGs. matplotlib is the optional extra
``report``; it is imported only when a report is written. The weekly chart, the slowest,
is drawn in a forked process (where the platform has fork and this process is not daemonic)
while this one draws the others; the child dies with its parent (:mod:`sim.system.children`).
"""

from __future__ import annotations

import calendar
import json
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.system.children import process_pool

REPORT_DIR = "report"
REPORT_FILE = "report.md"
WEEKLY_CHART = "weekly_spend_outcomes.png"
FUNNEL_CHART = "funnel.png"
SEASONALITY_CHART = "seasonality.png"

FIGSIZE_IN = (11.0, 6.5)
WEEKLY_FIGSIZE_IN = (11.0, 11.0)
DPI = 100
PALETTE = "tab20"
DAYS_PER_WEEK = 7
FUNNEL_LABEL_ROOM = 30  # x-axis headroom (log scale) for the labels right of the bars
MONTH_LABELS = tuple(calendar.month_abbr[1:])

FUNNEL_STAGES: tuple[str, ...] = (
    "website sessions", "configurator starts", "configurator completes", "leads",
    "test drives booked", "test drives completed", "sales",
)


class ReportDependencyError(ImportError):
    """matplotlib is missing; the report is an optional extra."""


@dataclass(frozen=True)
class RunTables:
    """What the report needs from one run's output folder."""

    weekly_spend: pd.DataFrame     # week_start + one <channel>_spend column per channel
    weekly_outcomes: pd.DataFrame  # week_start, sales_units, leads, web_sessions (all markets)
    funnel: pd.DataFrame           # stage, count, conversion_pct (from the stage before)
    manifest: dict[str, Any]


# --------------------------------------------------------------------------- reading
def _matplotlib() -> tuple[Any, Any]:
    """The Figure class and the style module, imported lazily with a helpful error."""
    try:
        from matplotlib import style
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ReportDependencyError(
            "writing the report needs matplotlib, the optional extra 'report': "
            "pip install 'launch-sim[report]'") from exc
    return Figure, style


def _read(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"report input missing: {path}")
    frame = pd.read_csv(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path} lacks columns {missing}")
    return frame


def _truthy(column: pd.Series) -> pd.Series:
    """CSV booleans, whether pandas parsed them as bool or kept the text."""
    return column.astype(str).str.strip().str.lower().isin(["true", "1"])


def channel_columns(weekly_spend: pd.DataFrame) -> list[str]:
    """The per-channel spend columns of weekly_channel_spend, in file order."""
    return [c for c in weekly_spend.columns if c.endswith("_spend") and c != "total_spend"]


def _per_week(dates: pd.Series, week_starts: pd.Series, weights: pd.Series | None = None) -> np.ndarray:
    """Sum daily rows into the weeks of the MMM table (a date belongs to the last week_start <= it)."""
    starts = pd.to_datetime(week_starts).to_numpy()
    idx = np.searchsorted(starts, pd.to_datetime(dates).to_numpy(), side="right") - 1
    values = np.ones(len(idx)) if weights is None else weights.to_numpy(dtype=float)
    keep = idx >= 0
    return np.bincount(idx[keep], weights=values[keep], minlength=len(starts))


def _funnel(raw: Path) -> pd.DataFrame:
    sessions = _read(raw / "website_analytics.csv", ["date", "sessions"])["sessions"].sum()
    configs = _read(raw / "configurator_sessions.csv", ["session_id", "completed"])
    drives = _read(raw / "test_drives.csv", ["booking_id", "status"])
    counts = [
        sessions, len(configs), _truthy(configs["completed"]).sum(),
        len(_read(raw / "leads.csv", ["lead_id"])), len(drives),
        (drives["status"].astype(str) == "COMPLETED").sum(),
        len(_read(raw / "vehicle_sales.csv", ["sale_id"])),
    ]
    counts = np.asarray(counts, dtype=float)
    before = np.concatenate([[np.nan], counts[:-1]])
    rate = 100 * np.divide(counts, before, out=np.full_like(counts, np.nan), where=before > 0)
    return pd.DataFrame({"stage": FUNNEL_STAGES, "count": counts.astype(np.int64), "conversion_pct": rate})


def load_run_tables(out_dir: Path) -> RunTables:
    """Read the CSVs of one output folder into the tables the charts draw."""
    raw, mmm = out_dir / "raw", out_dir / "mmm"
    spend = _read(mmm / "weekly_channel_spend.csv", ["week_start", "total_spend"])
    sales = _read(mmm / "weekly_sales.csv", ["week_start", "total_units"])
    web = _read(raw / "website_analytics.csv", ["date", "sessions"])
    leads = _read(raw / "leads.csv", ["created_date"])
    outcomes = pd.DataFrame({
        "week_start": pd.to_datetime(spend["week_start"]),
        "sales_units": sales.set_index("week_start")["total_units"].reindex(spend["week_start"]).fillna(0).to_numpy(),
        "leads": _per_week(leads["created_date"], spend["week_start"]),
        "web_sessions": _per_week(web["date"], spend["week_start"], web["sessions"]),
    })
    manifest_path = out_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    spend = spend.assign(week_start=pd.to_datetime(spend["week_start"]))
    return RunTables(spend, outcomes, _funnel(raw), manifest)


# --------------------------------------------------------------------------- seasonality
def monthly_spend(weekly_spend: pd.DataFrame) -> pd.Series:
    """Total spend per calendar month (1..12), each week's spend spread evenly over its days.

    Days that fall outside the weeks' main calendar year are counted in its nearest month
    (the first and last weeks of a year hold that year's spend only).
    """
    starts = pd.to_datetime(weekly_spend["week_start"])
    year = int(starts.dt.year.mode().iloc[0])
    days = (starts.to_numpy()[:, None] + np.arange(DAYS_PER_WEEK).astype("timedelta64[D]")).reshape(-1)
    days = np.clip(days, np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31"))
    daily = np.repeat(weekly_spend["total_spend"].to_numpy(dtype=float) / DAYS_PER_WEEK, DAYS_PER_WEEK)
    months = pd.DatetimeIndex(days).month
    totals = pd.Series(daily).groupby(months).sum()
    return totals.reindex(range(1, len(MONTH_LABELS) + 1), fill_value=0.0)


def seasonality_table(weekly_spend: pd.DataFrame, multipliers: Sequence[float] | None) -> pd.DataFrame:
    """Monthly spend, its index (mean month = 1) and the configured multipliers on the same scale."""
    spend = monthly_spend(weekly_spend).to_numpy()
    # a world without media spend has no spend pattern: its index is undefined (NaN, not drawn)
    index = spend * len(spend) / spend.sum() if spend.sum() > 0 else np.full(len(spend), np.nan)
    table = pd.DataFrame({"month": MONTH_LABELS, "spend_gbp": spend, "spend_index": index})
    if multipliers is not None:
        m = np.asarray(multipliers, dtype=float)
        if len(m) != len(MONTH_LABELS):
            raise ValueError(f"seasonality needs {len(MONTH_LABELS)} monthly multipliers, got {len(m)}")
        table["configured_index"] = m * len(m) / m.sum()
    return table


def _configured_seasonality(manifest: dict[str, Any]) -> list[float] | None:
    """The run's scenario multipliers, when the manifest names a loadable scenario."""
    scenario = manifest.get("scenario")
    if not scenario:
        return None
    from sim.world.config import ConfigError, load_world  # the report is optional; keep config out of its import
    try:
        world = load_world(scenario, overrides=manifest.get("overrides"), seed=manifest.get("seed"))
    except ConfigError:
        return None
    return list(world.media.monthly_seasonality)


# --------------------------------------------------------------------------- charts
def _colours(count: int) -> list[Any]:
    """Fixed, distinct colours from the palette (cycled when there are more items)."""
    from matplotlib import colormaps  # already imported by _matplotlib()
    cmap = colormaps[PALETTE]
    return [cmap(i % cmap.N) for i in range(count)]


def _plot_weekly(tables: RunTables, figure_cls: Any, path: Path) -> None:
    fig = figure_cls(figsize=WEEKLY_FIGSIZE_IN, dpi=DPI)
    axes = fig.subplots(4, 1, sharex=True)
    weeks = tables.weekly_spend["week_start"].to_numpy()
    channels = channel_columns(tables.weekly_spend)
    bottom = np.zeros(len(weeks))
    for col, colour in zip(channels, _colours(len(channels)), strict=True):
        values = tables.weekly_spend[col].to_numpy(dtype=float) / 1e3
        axes[0].bar(weeks, values, bottom=bottom, width=np.timedelta64(DAYS_PER_WEEK - 1, "D"), align="edge",
                    color=colour, label=col.removesuffix("_spend"))
        bottom += values
    axes[0].set_ylabel("spend (GBP k)")
    axes[0].set_title("Weekly media spend by channel, and what followed")
    axes[0].legend(ncol=6, fontsize="small", loc="upper left")
    for ax, col, label in zip(axes[1:], ("sales_units", "leads", "web_sessions"),
                              ("sales (units)", "leads", "website sessions"), strict=True):
        ax.plot(tables.weekly_outcomes["week_start"].to_numpy(), tables.weekly_outcomes[col].to_numpy(),
                marker="o", markersize=3)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("week starting")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": None})


def _plot_funnel(funnel: pd.DataFrame, figure_cls: Any, path: Path) -> None:
    fig = figure_cls(figsize=FIGSIZE_IN, dpi=DPI)
    ax = fig.subplots()
    positions = np.arange(len(funnel))[::-1]
    counts = funnel["count"].to_numpy(dtype=float)
    ax.barh(positions, np.maximum(counts, 1), color=_colours(len(funnel)))
    ax.set_xscale("log")
    ax.set_yticks(positions, funnel["stage"].tolist())
    for y, count, rate in zip(positions, counts, funnel["conversion_pct"], strict=True):
        text = f"{count:,.0f}" if np.isnan(rate) else f"{count:,.0f}  ({rate:.1f}% of previous)"
        ax.text(max(count, 1), y, "  " + text, va="center", fontsize="small")
    ax.set_xlim(1, max(counts.max(), 1) * FUNNEL_LABEL_ROOM)
    ax.set_xlabel("count (log scale)")
    ax.set_title("Funnel over the year, all markets")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": None})


def _plot_seasonality(table: pd.DataFrame, figure_cls: Any, path: Path) -> None:
    fig = figure_cls(figsize=FIGSIZE_IN, dpi=DPI)
    ax = fig.subplots()
    x = np.arange(len(table))
    ax.bar(x, table["spend_index"], color="tab:blue", alpha=0.7, label="actual spend index")
    if "configured_index" in table:
        ax.plot(x, table["configured_index"], color="tab:red", marker="o", label="configured multiplier (normalised)")
    ax.set_xticks(x, table["month"].tolist())
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_ylabel("index (mean month = 1)")
    ax.set_title("Monthly spend against the scenario's seasonality")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": None})


# --------------------------------------------------------------------------- markdown
def _md_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join(["---"] * len(frame.columns)) + "|"
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def _fmt(value: float, digits: int = 0, missing: str = "-") -> str:
    return missing if pd.isna(value) else f"{value:,.{digits}f}"


def _markdown(tables: RunTables, season: pd.DataFrame) -> str:
    spend = tables.weekly_spend
    by_channel = pd.DataFrame({
        "channel": [c.removesuffix("_spend") for c in channel_columns(spend)] + ["total"],
        "spend_gbp": [_fmt(spend[c].sum()) for c in channel_columns(spend)] + [_fmt(spend["total_spend"].sum())],
    })
    funnel = tables.funnel.assign(count=tables.funnel["count"].map(_fmt),
                                  conversion_pct=tables.funnel["conversion_pct"].map(lambda v: _fmt(v, 1)))
    season_md = season.assign(spend_gbp=season["spend_gbp"].map(_fmt),
                              **{c: season[c].map(lambda v: _fmt(v, 2)) for c in season.columns if c.endswith("index")})
    run = ", ".join(f"{k}: {tables.manifest[k]}" for k in ("scenario", "seed") if k in tables.manifest)
    seasonality_note = ("" if "configured_index" in season else
                        "\nThe scenario's multipliers were not available (no loadable scenario in the manifest).\n")
    return "\n".join([
        "# Launch simulation report", "",
        f"Run: {run}." if run else "Run: (no manifest).", "",
        "## Spend by channel", "", _md_table(by_channel), "",
        "## Weekly spend and outcomes", "",
        f"![Weekly spend by channel against sales, leads and sessions]({WEEKLY_CHART})", "",
        "Sales are all markets (mmm/weekly_sales.csv); leads and sessions are all markets, from raw/.", "",
        "## Funnel", "", f"![Funnel]({FUNNEL_CHART})", "",
        _md_table(funnel), "",
        "Conversion is each stage over the stage before. Leads also come from forms, events, dealers "
        "and fleet enquiries, and sales from walk-ins and fleet deals, so those steps can exceed the "
        "configurator and test-drive paths alone.", "",
        "## Seasonality", "", f"![Monthly spend against seasonality]({SEASONALITY_CHART})", "",
        _md_table(season_md), seasonality_note,
    ])


def _draw(plot: Callable[..., None], data: Any, path: Path) -> None:
    """Draw one chart in the report's style (in this process or a forked one)."""
    figure_cls, style = _matplotlib()
    with style.context("default"):
        plot(data, figure_cls, path)


def _draw_all(charts: list[tuple[Callable[..., None], Any, Path]]) -> None:
    """Draw the charts; the first (the slowest) in a forked process, where the platform can fork
    and this process may have children (a daemonic one, e.g. a dask worker, may not), while this
    process draws the rest: drawing is pure Python, so a second core halves the wait."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        for chart in charts:
            _draw(*chart)
        return
    with process_pool(1, "fork") as side:  # its child dies with this process, even one killed
        first = side.submit(_draw, *charts[0])
        for chart in charts[1:]:
            _draw(*chart)
        first.result()


def write_report(out_dir: Path, seasonality: Sequence[float] | None = None) -> Path:
    """Write ``out_dir/report/report.md`` and its PNGs; returns the report's path.

    ``seasonality`` gives the scenario's twelve monthly multipliers; without it they are
    taken from the scenario named in ``manifest.json`` (keys ``scenario``, optional
    ``overrides`` and ``seed``), else the chart shows the spend index alone.
    """
    _matplotlib()  # fail early, with the install hint, when the extra is missing
    out_dir = Path(out_dir)
    tables = load_run_tables(out_dir)
    multipliers = seasonality if seasonality is not None else _configured_seasonality(tables.manifest)
    season = seasonality_table(tables.weekly_spend, multipliers)
    target = out_dir / REPORT_DIR
    target.mkdir(parents=True, exist_ok=True)
    _draw_all([(_plot_weekly, tables, target / WEEKLY_CHART), (_plot_funnel, tables.funnel, target / FUNNEL_CHART),
               (_plot_seasonality, season, target / SEASONALITY_CHART)])
    report = target / REPORT_FILE
    report.write_text(_markdown(tables, season), encoding="utf-8")
    return report
