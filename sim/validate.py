"""Validate a run's output folder: schemas, keys, the extract's ten checks, every numeric target.

What is checked, and how much it matters (spec README decision 6):

1. hard invariants - files exist, every table matches its schema (:mod:`sim.schemas`), foreign
   keys resolve, no sale before its model or dealer, dates in causal order, no negative
   counts, ``ctr = clicks / impressions``;
2. totals - spend per channel and overall (+-5%), sales per market (+-10%);
3. row counts (+-20%);
4. rates, shares and distributions within their stated ranges;
5. the quick-reference figures.

Structural checks (1) are code; everything with a number in it is a row of :data:`TARGETS`:
the extract's words, its priority, the goal (with its tolerance) and how the achieved value
is measured. A lower-priority target that fails while a target it conflicts with holds is
labelled *lost-to-higher-priority*, never hidden. Priorities 1 and 2 make the report fail
(``report.ok``); for a scenario other than the baseline only priority 1 is enforced, since
its targets (counts, rates) describe the baseline world.

Row numbers in messages are CSV line numbers (line 1 is the header).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from sim.schemas import (CHANNEL_TABLES, CHANNELS, CONTRACTS, CONTRACTS_DIR, LEAD_STATUSES, RAW_DIR, RAW_TABLES,
                         TABLES, TableSpec, column_meta, columns)

if TYPE_CHECKING:
    from sim.config import World

REPORT_FILE = "validation_report.md"
SHOWN_ROWS = 5  # failing rows quoted per message
PASS, FAIL, LOST, UNMEASURED = "pass", "fail", "lost-to-higher-priority", "not measured"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EXTRACT_CHECKS = {
    1: "File existence: all 19 CSVs + 7 contracts exist",
    2: "Row counts: each file within expected range (+-20%)",
    3: "Budget totals: sum of all channel spend ~ GBP 20M (+-5%), per channel vs plan",
    4: "Sales totals: UK ~2,800, DE ~1,200, FR ~600 (+-10%)",
    5: "Date ranges: all files cover 2025-01-01 to 2025-12-31",
    6: "No orphaned foreign keys (dealers, leads, UTM campaigns)",
    7: "Conversion funnel makes sense (leads > test drives > sales; sessions > completed > lead_submitted)",
    8: "Seasonal pattern present: Sep-Oct highest activity",
    9: "No negative values in spend, impressions, clicks",
    10: "CTR = clicks / impressions (within rounding tolerance)",
}


class NotMeasurable(Exception):
    """The achieved value cannot be computed (table or column absent, empty selection)."""


# =========================================================================== goals
@dataclass(frozen=True)
class Goal:
    """What a target accepts: a band (``low``..``high``, optionally strict) or an exact text."""

    low: float | None = None
    high: float | None = None
    strict: bool = False
    center: float | None = None
    rel: float | None = None
    tol: float | None = None
    text: str | None = None

    def holds(self, value: Any) -> bool:
        if isinstance(value, tuple):
            return all(self.holds(v) for v in value)
        if self.text is not None:
            return str(value) == self.text
        v = float(value)
        if self.strict:
            return (self.low is None or v > self.low) and (self.high is None or v < self.high)
        return (self.low is None or v >= self.low) and (self.high is None or v <= self.high)

    def describe(self, unit: str) -> str:
        if self.text is not None:
            return f"= {self.text}"
        if self.center is not None:
            spread = f"{self.rel:.0%}" if self.rel is not None else fmt_delta(self.tol, unit)
            return f"{fmt(self.center, unit)} ± {spread}"
        if self.low is not None and self.high is not None:
            return f"= {fmt(self.low, unit)}" if self.low == self.high else f"{fmt(self.low, unit)} to {fmt(self.high, unit)}"
        if self.low is not None:
            return f"{'>' if self.strict else '≥'} {fmt(self.low, unit)}"
        return f"{'<' if self.strict else '≤'} {fmt(self.high, unit)}"


def about(center: float, rel: float | None = None, tol: float | None = None) -> Goal:
    """``center`` within a relative (``rel``) or absolute (``tol``) tolerance."""
    spread = abs(center) * rel if rel is not None else tol
    return Goal(center - spread, center + spread, center=center, rel=rel, tol=tol)


def between(low: float, high: float) -> Goal:
    return Goal(low, high)


def at_least(low: float) -> Goal:
    return Goal(low=low)


def at_most(high: float) -> Goal:
    return Goal(high=high)


def above(low: float) -> Goal:
    return Goal(low=low, strict=True)


def below(high: float) -> Goal:
    return Goal(high=high, strict=True)


def equals(text: str) -> Goal:
    return Goal(text=text)


# =========================================================================== formatting
def fmt(value: Any, unit: str) -> str:
    """A value in its unit, deterministic and readable."""
    if isinstance(value, tuple):
        return " … ".join(fmt(v, unit) for v in value)
    if unit == "text" or isinstance(value, str):
        return str(value)
    v = float(value)
    formats = {
        "gbp": lambda: f"£{v:,.0f}", "gbp2": lambda: f"£{v:,.2f}", "share": lambda: f"{100 * v:.2f}%",
        "pct": lambda: f"{v:.2f}%", "count": lambda: f"{v:,.0f}", "seconds": lambda: f"{v:.1f} s",
        "minutes": lambda: f"{v:.1f} min", "hours": lambda: f"{v:.2f} h", "index": lambda: f"{v:.1f}",
        "pence": lambda: f"{v:.2f}p",
    }
    return formats.get(unit, lambda: f"{v:.4g}")()


def fmt_delta(delta: float | None, unit: str) -> str:
    if delta is None:
        return "?"
    if unit == "share":
        return f"{100 * delta:g} pp"
    if unit == "pct":
        return f"{delta:g} pp"
    return fmt(delta, unit)


# =========================================================================== data access
@dataclass(frozen=True)
class Measured:
    """An achieved value with optional details (e.g. the worst rows)."""

    value: Any
    details: tuple[str, ...] = ()


def line(index: Any) -> int:
    """CSV line number of a data row (header is line 1)."""
    return int(index) + 2


def quote(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def rows_message(where: str, what: str, df: pd.DataFrame, mask: pd.Series, cols: Iterable[str]) -> str:
    """``where: what in N rows; first: line L (col=value, ...)``."""
    bad = df.loc[mask.fillna(False).astype(bool)]
    cols = list(cols)
    shown = []
    for idx, row in bad.head(SHOWN_ROWS).iterrows():
        values = ", ".join(f"{c}={quote(row[c])}" for c in cols) if len(cols) > 1 else quote(row[cols[0]])
        shown.append(f"line {line(idx)} ({values})" if len(cols) > 1 else f"line {line(idx)} = {values}")
    return f"{where}: {what} in {len(bad)} rows; first: " + ", ".join(shown)


class RunData:
    """The typed tables of one output folder, plus views the targets share."""

    def __init__(self, out_dir: Path, world: World, frames: dict[str, pd.DataFrame]):
        self.out_dir = out_dir
        self.world = world
        self.frames = frames

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.frames:
            raise NotMeasurable(f"{TABLES[name].path} is missing, unreadable or lacks specified columns")
        return self.frames[name]

    @cached_property
    def spend_by_file(self) -> dict[str, float]:
        """The extract's budget check, literally: the ``spend`` column of every CSV in raw/."""
        out = {}
        for path in sorted((self.out_dir / RAW_DIR).glob("*.csv")):
            head = pd.read_csv(path, nrows=0)
            if "spend" in head.columns:
                values = pd.to_numeric(pd.read_csv(path, usecols=["spend"], dtype=str)["spend"], errors="coerce")
                out[path.name] = float(values.sum())
        return out

    @cached_property
    def daily_spend(self) -> pd.DataFrame:
        """Spend per day (rows) and channel (columns); period rows spread evenly over their days."""
        days = pd.date_range(self.world.run.start, self.world.run.end, freq="D")
        out = pd.DataFrame(0.0, index=days, columns=list(CHANNELS))
        for channel, name in CHANNEL_TABLES.items():
            if name in self.frames:
                spread = spread_over_days(self.frames[name], TABLES[name])
                out[channel] = spread.reindex(days, fill_value=0.0)
        return out

    @cached_property
    def monthly_spend(self) -> pd.Series:
        return self.daily_spend.sum(axis=1).groupby(self.daily_spend.index.month).sum()


def spread_over_days(df: pd.DataFrame, spec: TableSpec) -> pd.Series:
    """Spend of a table per calendar day: a week or a start..end period is spread evenly."""
    start = df[spec.period_column]
    if "end_date" in df.columns:
        end = df["end_date"]
    elif spec.period == "week":
        end = start + pd.Timedelta(days=6)
    else:
        end = start
    ok = start.notna() & end.notna() & df["spend"].notna()
    start, end, spend = start[ok], end[ok], df["spend"][ok].astype(float)
    if start.empty:
        return pd.Series(dtype=float)
    n = ((end - start).dt.days + 1).clip(lower=1).to_numpy()
    offsets = pd.to_timedelta(np.concatenate([np.arange(k) for k in n]), unit="D")
    day = pd.DatetimeIndex(np.repeat(start.to_numpy(), n)) + offsets
    per_day = np.repeat(spend.to_numpy() / n, n)
    return pd.Series(per_day, index=day).groupby(level=0).sum()


# =========================================================================== reading tables
def parse_column(raw: pd.Series, kind: str) -> pd.Series:
    """Text from the CSV to the column's logical type; unparseable values become missing."""
    if kind == "integer":
        num = pd.to_numeric(raw, errors="coerce")
        num = num.where(num.isna() | (num % 1 == 0))
        return num.astype("Int64")
    if kind == "number":
        return pd.to_numeric(raw, errors="coerce").astype("float64")
    if kind == "boolean":
        words = {"true": True, "false": False, "1": True, "0": False}
        return raw.str.lower().map(words).astype("boolean")
    if kind == "date":
        return pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    if kind == "datetime":
        parsed = pd.to_datetime(raw, format="ISO8601", errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return parsed.astype("datetime64[ns]")
    return raw


def read_table(path: Path, spec: TableSpec) -> tuple[pd.DataFrame | None, list[str]]:
    """The table typed as its schema says, and the problems found on the way."""
    name = spec.name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        return None, [f"{name}: cannot read {spec.path}: {exc}"]
    problems = layout_problems(name, list(raw.columns))
    typed = dict(raw.items())
    for column, declared in spec.schema.columns.items():
        if column not in raw.columns:
            continue
        kind = column_meta(declared).get("kind", "string")
        text = raw[column]
        typed[column] = parse_column(text, kind)
        if typed[column] is text:
            continue  # kept as text: nothing can fail to parse
        unparsed = text.notna() & typed[column].isna()
        if unparsed.any():
            problems.append(rows_message(f"{name}.{column}", f"value is not a valid {kind}", raw, unparsed, [column]))
    return pd.DataFrame(typed, index=raw.index), problems


def layout_problems(name: str, found: list[str]) -> list[str]:
    """Missing columns, wrong order, extras before the specified columns (decision 4)."""
    specified = columns(name, extras=False)
    missing = [c for c in specified if c not in found]
    if missing:
        return [f"{name}: missing column {c!r}" for c in missing]
    head = found[: len(specified)]
    if head == specified:
        return []
    for pos, (want, got) in enumerate(zip(specified, head)):
        if want != got:
            where = "extra column" if got not in specified else "column out of order"
            return [f"{name}: {where} {got!r} at position {pos + 1}, where the extract has {want!r} "
                    f"(extra columns may only follow the specified ones)"]
    return []


def schema_problems(name: str, df: pd.DataFrame) -> list[str]:
    """Every failure of the pandera schema (lazy), grouped per column and check."""
    schema = TABLES[name].schema
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    checks = {c.error or c.name: c for c in schema.checks}
    problems = []
    cases = cases[cases["check"] != "column_in_dataframe"]  # reported by layout_problems
    for check, group in cases.groupby("check", sort=False):
        if check in checks:
            problems.append(row_check_problem(name, df, checks[check], group))
        elif check == "multiple_fields_uniqueness":
            key = TABLES[name].primary_key
            mask = df.index.isin(group["index"].dropna().astype(int))
            problems.append(rows_message(name, f"duplicate primary key ({', '.join(key)})", df, pd.Series(mask, df.index), key))
        else:
            problems.extend(column_check_problems(name, check, group))
    return problems


def column_check_problems(name: str, check: str, group: pd.DataFrame) -> list[str]:
    out = []
    for column, cases in group.groupby("column", sort=False, dropna=False):
        where = f"{name}.{column}"
        rows = cases.dropna(subset=["index"])
        if rows.empty:
            out.append(f"{where}: {check}: {', '.join(map(str, cases['failure_case'].head(SHOWN_ROWS)))}")
            continue
        shown = ", ".join(f"line {line(i)} = {quote(v)}" for i, v in zip(rows["index"].head(SHOWN_ROWS),
                                                                          rows["failure_case"].head(SHOWN_ROWS)))
        out.append(f"{where}: {check} fails in {len(rows)} rows; first: {shown}")
    return out


def row_check_problem(name: str, df: pd.DataFrame, check: pa.Check, group: pd.DataFrame) -> str:
    cols = (check.statistics or {}).get("columns", [])
    mask = pd.Series(df.index.isin(group["index"].dropna().astype(int)), index=df.index)
    return rows_message(f"{name}.{cols[0] if cols else ''}", check.error or check.name, df, mask, cols)


# =========================================================================== results
@dataclass(frozen=True)
class CheckResult:
    """A structural (hard) check: passed or not, with messages that name table, column and rows."""

    name: str
    priority: int
    passed: bool
    messages: tuple[str, ...] = ()
    extract_check: int | None = None


@dataclass(frozen=True)
class Target:
    """One numeric target of the extract and how its achieved value is measured."""

    key: str
    extract: str  # the extract's wording
    priority: int  # 1 hard invariant, 2 totals, 3 row counts, 4 rates/shares, 5 quick reference
    goal: Goal | Callable[[World], Goal]
    measure: str  # how the achieved value is computed, in words
    achieved: Callable[[RunData], Any]
    unit: str = "number"
    check: int | None = None  # the extract's validation check it belongs to
    yields_to: tuple[str, ...] = ()  # known higher-priority targets it conflicts with


@dataclass(frozen=True)
class TargetResult:
    target: Target
    goal: Goal
    achieved: Any
    verdict: str
    enforced: bool
    details: tuple[str, ...] = ()
    lost_to: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL


@dataclass
class ValidationReport:
    out_dir: Path
    scenario: str
    baseline: bool
    checks: list[CheckResult] = field(default_factory=list)
    targets: list[TargetResult] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        """Enforced failures, one line each."""
        out = [f"[P{c.priority}] {c.name}: " + "; ".join(c.messages) for c in self.checks
               if not c.passed and enforced(c.priority, self.baseline)]
        out += [f"[P{t.target.priority}] {t.target.key}: achieved {fmt(t.achieved, t.target.unit)}, "
                f"target {t.goal.describe(t.target.unit)}" for t in self.targets if t.failed and t.enforced]
        return out

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """One line for a terminal: the result and the target verdict counts."""
        counts = {v: sum(r.verdict == v for r in self.targets) for v in (PASS, FAIL, LOST, UNMEASURED)}
        return (f"validation {'PASS' if self.ok else 'FAIL'}: {len(self.failures)} enforced failures; targets "
                f"{counts[PASS]} pass, {counts[FAIL]} fail, {counts[LOST]} {LOST}, {counts[UNMEASURED]} {UNMEASURED}")


def enforced(priority: int, baseline: bool) -> bool:
    return priority == 1 or (priority == 2 and baseline)


# =========================================================================== measures
def _select(df: pd.DataFrame, where: dict[str, Any]) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for column, cond in where.items():
        s = df[column]
        if callable(cond):
            m = cond(s)
        elif isinstance(cond, (tuple, list, set, frozenset)):
            m = s.isin(list(cond))
        else:
            m = s == cond
        mask &= pd.Series(m, index=df.index).fillna(False).astype(bool)
    return df[mask]


def _ratio(num: float, den: float) -> float:
    if not den or (isinstance(den, float) and math.isnan(den)):
        raise NotMeasurable("nothing to divide by (no matching rows)")
    return float(num) / float(den)


def ratio_of(table: str, num: str, den: str, scale: float = 1.0, **where: Any) -> Callable[[RunData], float]:
    """``scale x sum(num) / sum(den)`` over the selected rows."""
    def measure(d: RunData) -> float:
        df = _select(d.table(table), where)
        return _ratio(scale * df[num].astype(float).sum(), df[den].astype(float).sum())
    return measure


def share_of(table: str, column: str, values: Any, weight: str | None = None, **where: Any) -> Callable[[RunData], float]:
    """Share of the selected rows (or of ``weight``) whose ``column`` matches ``values``."""
    def measure(d: RunData) -> float:
        df = _select(d.table(table), where)
        hit = _select(df, {column: values})
        if weight is None:
            return _ratio(len(hit), len(df))
        return _ratio(hit[weight].astype(float).sum(), df[weight].astype(float).sum())
    return measure


def mean_of(table: str, column: str, weight: str | None = None, **where: Any) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        df = _select(d.table(table), where).dropna(subset=[column])
        w = df[weight].astype(float) if weight else pd.Series(1.0, index=df.index)
        return _ratio((df[column].astype(float) * w).sum(), w.sum())
    return measure


def span_of(table: str, column: str, **where: Any) -> Callable[[RunData], tuple[float, float]]:
    def measure(d: RunData) -> tuple[float, float]:
        s = _select(d.table(table), where)[column].dropna().astype(float)
        if s.empty:
            raise NotMeasurable("no matching rows")
        return float(s.min()), float(s.max())
    return measure


def count_of(table: str, **where: Any) -> Callable[[RunData], int]:
    return lambda d: len(_select(d.table(table), where))


def mode_of(table: str, cols: tuple[str, ...], **where: Any) -> Callable[[RunData], str]:
    """The most frequent combination of ``cols`` (ties broken alphabetically)."""
    def measure(d: RunData) -> str:
        df = _select(d.table(table), where).dropna(subset=list(cols))
        if df.empty:
            raise NotMeasurable("no matching rows")
        labels = df[cols[0]].astype(str)
        for col in cols[1:]:
            labels = labels + " " + df[col].astype(str)
        counts = labels.value_counts()
        return sorted(counts[counts == counts.max()].index)[0]
    return measure


def months(*numbers: int) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s.dt.month.isin(numbers)


def startswith(prefix: str) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s.str.startswith(prefix)


def other_than(*values: Any) -> Callable[[pd.Series], pd.Series]:
    return lambda s: ~s.isin(values)


def contains(word: str) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s.str.contains(word, case=False, regex=False)


def not_measured(reason: str) -> Callable[[RunData], Any]:
    def measure(d: RunData) -> Any:
        raise NotMeasurable(reason)
    return measure


def raw_spend_total(d: RunData) -> Measured:
    by_file = d.spend_by_file
    return Measured(sum(by_file.values()), tuple(f"{name}: {fmt(v, 'gbp')}" for name, v in by_file.items()))


def channel_spend(channel: str) -> Callable[[RunData], float]:
    return lambda d: float(d.table(CHANNEL_TABLES[channel])["spend"].sum())


def market_spend_share(market: str) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        frames = [d.table(t)[["market", "spend"]] for t in CHANNEL_TABLES.values()]
        allspend = pd.concat(frames)
        return _ratio(allspend.loc[allspend["market"] == market, "spend"].sum(), allspend["spend"].sum())
    return measure


def month_spend(channel: str | None, month: int) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        daily = d.daily_spend.sum(axis=1) if channel is None else d.daily_spend[channel]
        return float(daily[daily.index.month == month].sum())
    return measure


def month_spend_share(month: int) -> Callable[[RunData], float]:
    return lambda d: _ratio(d.monthly_spend.get(month, 0.0), d.monthly_spend.sum())


def normalised_multiplier(month: int) -> Callable[[World], Goal]:
    def goal(w: World) -> Goal:
        m = w.media.monthly_seasonality
        return about(m[month - 1] / sum(m), rel=0.20)
    return goal


def top_two_months(series: Callable[[RunData], pd.Series]) -> Callable[[RunData], str]:
    def measure(d: RunData) -> str:
        s = series(d)
        if s.sum() <= 0:
            raise NotMeasurable("no activity")
        top = sorted(s.sort_values(ascending=False, kind="stable").index[:2])
        return ", ".join(MONTH_NAMES[m - 1] for m in top)
    return measure


def web_monthly(channel: str | None = None, **where: Any) -> Callable[[RunData], pd.Series]:
    def series(d: RunData) -> pd.Series:
        df = _select(d.table("website_analytics"), where if channel is None else {**where, "channel": channel})
        return df.groupby(df["date"].dt.month)["sessions"].sum().astype(float)
    return series


def web_month_span(first: int, last: int) -> Callable[[RunData], tuple[float, float]]:
    def measure(d: RunData) -> tuple[float, float]:
        s = web_monthly()(d)
        s = s[(s.index >= first) & (s.index <= last)]
        if s.empty:
            raise NotMeasurable("no sessions in those months")
        return float(s.min()), float(s.max())
    return measure


def organic_growth(d: RunData) -> float:
    s = web_monthly("organic_search")(d)
    return _ratio(s.reindex([10, 11, 12], fill_value=0).sum(), s.reindex([1, 2, 3], fill_value=0).sum())


def weekly(series: pd.Series, start: pd.Timestamp) -> pd.Series:
    return series.groupby((series.index - start).days // 7).sum()


def web_spend_correlation(web_channels: tuple[str, ...], media: tuple[str, ...]) -> Callable[[RunData], float]:
    """Pearson correlation of weekly sessions of ``web_channels`` with weekly spend of ``media``."""
    def measure(d: RunData) -> float:
        start = pd.Timestamp(d.world.run.start)
        web = _select(d.table("website_analytics"), {"channel": web_channels})
        sessions = weekly(web.groupby("date")["sessions"].sum().astype(float), start)
        spend = weekly(d.daily_spend[list(media)].sum(axis=1), start)
        both = pd.concat([sessions, spend], axis=1).fillna(0.0)
        if both.std().min() == 0:
            raise NotMeasurable("a constant series has no correlation")
        return float(both.corr().iloc[0, 1])
    return measure


def tv_weekly(d: RunData) -> pd.DataFrame:
    """Per active TV week: GRPs, combined reach (random duplication across rows) and frequency."""
    tv = d.table("tv_performance")
    tv = tv[tv["spend"] > 0]
    if tv.empty:
        raise NotMeasurable("no TV spend")
    g = tv.groupby("date_week_start")
    reach = 100 * (1 - g["reach_pct"].apply(lambda r: float(np.prod(1 - r.astype(float) / 100))))
    grps = g["grps"].sum().astype(float)
    return pd.DataFrame({"grps": grps, "reach": reach, "frequency": grps / reach.where(reach > 0)})


def tv_span(column: str) -> Callable[[RunData], tuple[float, float]]:
    def measure(d: RunData) -> tuple[float, float]:
        s = tv_weekly(d)[column].dropna()
        return float(s.min()), float(s.max())
    return measure


def competitor_annual(name: str) -> Callable[[RunData], float]:
    return lambda d: float(_select(d.table("competitor_spend"), {"competitor": name, "channel": "total"})
                           ["estimated_spend_gbp"].sum())


def ours_over_biggest_competitor(d: RunData) -> float:
    comp = _select(d.table("competitor_spend"), {"channel": "total"})
    biggest = comp.groupby("competitor")["estimated_spend_gbp"].sum().max()
    return _ratio(sum(d.spend_by_file.values()), biggest)


def uk_econ(column: str, month: int | None = None) -> Callable[[RunData], Any]:
    def measure(d: RunData) -> Any:
        econ = _select(d.table("economic_indicators"), {"country": "UK"})
        if month is None:
            s = econ[column].astype(float)
            if s.empty:
                raise NotMeasurable("no UK rows")
            return float(s.min()), float(s.max())
        hit = econ.loc[econ["year_month"].str.endswith(f"-{month:02d}"), column]
        if hit.empty:
            raise NotMeasurable(f"no UK row for month {month}")
        return float(hit.iloc[0])
    return measure


def uk_registration_peaks(d: RunData) -> str:
    econ = _select(d.table("economic_indicators"), {"country": "UK"})
    s = econ.set_index(econ["year_month"].str[-2:].astype(int))["smmt_total_registrations"].astype(float)
    return top_two_months(lambda _: s)(d)


def uk_registrations(d: RunData) -> float:
    return float(_select(d.table("economic_indicators"), {"country": "UK"})["smmt_total_registrations"].sum())


def months_with_rows(name: str) -> Callable[[RunData], int]:
    def measure(d: RunData) -> int:
        spec = TABLES[name]
        col = d.table(name)[spec.period_column]
        if spec.period == "month":
            return int(col.dropna().str[-2:].nunique())
        return int(col.dropna().dt.month.nunique())
    return measure


def horizon_months(w: World) -> Goal:
    n = (w.run.end.year - w.run.start.year) * 12 + w.run.end.month - w.run.start.month + 1
    return between(n, n)


# ---- funnel and pipeline
def lead_stage_share(stage: str) -> Callable[[RunData], float]:
    """Share of leads that reached ``stage``: the furthest of its status and what its own rows
    show (contacted, test drive booked or completed), so a LOST lead counts up to its last
    visible stage."""
    rank = {s: i for i, s in enumerate(LEAD_STATUSES) if s != "LOST"}

    def measure(d: RunData) -> float:
        leads = d.table("leads")
        drives = d.table("test_drives")
        booked = leads["lead_id"].isin(drives["lead_id"])
        completed = leads["lead_id"].isin(drives.loc[drives["status"] == "COMPLETED", "lead_id"])
        contacted = leads["first_response_hours"].notna()
        seen = np.select([completed, booked, contacted], [rank["TD_COMPLETED"], rank["TD_BOOKED"], rank["CONTACTED"]],
                         default=rank["NEW"])
        level = np.maximum(leads["lead_status"].map(rank).fillna(rank["NEW"]).to_numpy(dtype=float), seen)
        return _ratio(int((level >= rank[stage]).sum()), len(leads))
    return measure


def qualified_booking(d: RunData) -> float:
    """Leads with a test drive over leads that reached QUALIFIED (as :func:`lead_stage_share`)."""
    return _ratio(lead_stage_share("TD_BOOKED")(d), lead_stage_share("QUALIFIED")(d))


def lead_source_share(sources: tuple[str, ...]) -> Callable[[RunData], float]:
    return share_of("leads", "source", sources)


def response_quantile(q: float) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        s = d.table("leads")["first_response_hours"].dropna().astype(float)
        if s.empty:
            raise NotMeasurable("no contacted leads")
        return float(s.quantile(q))
    return measure


def lead_score_correlation(d: RunData) -> float:
    leads = d.table("leads")
    won = (leads["lead_status"] == "WON").astype(float)
    if won.std() == 0 or leads["lead_score"].astype(float).std() == 0:
        raise NotMeasurable("constant lead score or outcome")
    return float(np.corrcoef(leads["lead_score"].astype(float), won)[0, 1])


def prelaunch_conversion_ratio(d: RunData) -> float:
    """WON rate of Jun-Aug leads over that of Sep-Oct leads (both had two months or more to
    convert before the horizon ends; later leads would compare censored outcomes)."""
    leads = d.table("leads")
    won = leads["lead_status"] == "WON"
    pre = leads["created_date"].dt.month.isin((6, 7, 8))
    post = leads["created_date"].dt.month.isin((9, 10))
    return _ratio(_ratio(won[pre].sum(), pre.sum()), _ratio(won[post].sum(), post.sum()))


def resolved_drive_share(status: str) -> Callable[[RunData], float]:
    return share_of("test_drives", "status", (status,), status=("COMPLETED", "NO_SHOW", "CANCELLED"))


def weekend_share(d: RunData) -> float:
    drives = d.table("test_drives")
    return _ratio(int((drives["test_drive_date"].dt.day_of_week >= 5).sum()), len(drives))


def feedback_std(d: RunData) -> float:
    s = d.table("test_drives")["feedback_score"].dropna().astype(float)
    if len(s) < 2:
        raise NotMeasurable("fewer than two feedback scores")
    return float(s.std())


def launch_dealer_share(month: int) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        sales = _select(d.table("vehicle_sales"), {"sale_date": months(month)})
        launch = set(d.table("dealers").loc[d.table("dealers")["is_launch_dealer"].fillna(False).astype(bool), "dealer_id"])
        return _ratio(int(sales["dealer_id"].isin(launch).sum()), len(sales))
    return measure


def uk_sales_share(*month_numbers: int) -> Callable[[RunData], float]:
    return share_of("vehicle_sales", "sale_date", months(*month_numbers), market="UK")


def discount_goal(key: str) -> Callable[[World], Goal]:
    return lambda w: between(*w.sales.discount_pct[key])


def discount_months(key: str) -> tuple[int, ...]:
    first, last = (int(x) for x in key.split("-"))
    return tuple(range(first, last + 1))


def configurator_start_rate(d: RunData) -> float:
    return _ratio(len(d.table("configurator_sessions")), d.table("website_analytics")["sessions"].sum())


def dealer_share(flag_launch: bool, rule: Callable[[pd.DataFrame, World], pd.Series]) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        dealers = _select(d.table("dealers"), {"market": "UK"})
        dealers = dealers[dealers["is_launch_dealer"].fillna(False).astype(bool) == flag_launch]
        return _ratio(int(rule(dealers, d.world).sum()), len(dealers))
    return measure


def opens_on_launch(df: pd.DataFrame, w: World) -> pd.Series:
    return df["opening_date"] == pd.Timestamp(w.markets["UK"].launch_date)


def opens_sep_to_nov(df: pd.DataFrame, w: World) -> pd.Series:
    return df["opening_date"].dt.month.isin((9, 10, 11))


def row_count(name: str) -> Callable[[RunData], int]:
    return lambda d: len(d.table(name))


def contract_lines(file_name: str) -> Callable[[RunData], int]:
    def measure(d: RunData) -> int:
        path = d.out_dir / CONTRACTS_DIR / file_name
        if not path.exists():
            raise NotMeasurable(f"{CONTRACTS_DIR}/{file_name} is missing")
        return len(path.read_text(encoding="utf-8").splitlines())
    return measure


def count_ratio(num: str, den: str, num_where: dict | None = None, den_where: dict | None = None) -> Callable[[RunData], float]:
    return lambda d: _ratio(len(_select(d.table(num), num_where or {})), len(_select(d.table(den), den_where or {})))


# ---- row-level consistency with a tolerance
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
        detail = (f"{name}.{total} line {line(worst)}: differs from the sum of {len(parts)} columns by {gap[worst]:.6g}",) \
            if dev[worst] > 0 else ()
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


# =========================================================================== the targets
# Tolerances used by many rows of the table below (shares are fractions: 0.05 = 5 pp).
SHARE_PP = 0.05
SMALL_SHARE_PP = 0.02
ROW_COUNT_REL = 0.20
BUDGET_REL = 0.05
SALES_REL = 0.10
CTR_ROUNDING = 0.00005  # half a unit of the 4th decimal: ctr written with >= 4 decimals
SUM_ROUNDING = 2e-5  # relative: values are written to 6 significant digits
MMM_REL = 0.01  # weekly tables vs raw files (a week calendar may clip a day at either end)
EXTRACT_BUDGET_GBP = 20_000_000
DIGITAL = ("meta", "google", "dv360", "tiktok", "youtube", "linkedin")
EXTRACT_DECAY = {"tv": 0.85, "ooh": 0.70, "print": 0.60, "radio": 0.50, **{c: 0.40 for c in DIGITAL}}
QUICK_REFERENCE = {  # channel: (Sep, Jan) monthly figures of the quick-reference budget table
    "tv": (1_250_000, 150_000), "ooh": (625_000, 75_000), "youtube": (500_000, 60_000),
    "meta": (417_000, 50_000), "google": (333_000, 40_000), "dv360": (292_000, 35_000),
    "tiktok": (208_000, 25_000), "events": (125_000, 15_000), "print": (125_000, 15_000),
    "radio": (83_000, 10_000), "linkedin": (83_000, 10_000), None: (4_167_000, 500_000),
}
LEAD_STAGES = {"CONTACTED": 0.85, "QUALIFIED": 0.60, "TD_BOOKED": 0.45, "TD_COMPLETED": 0.35, "NEGOTIATION": 0.20,
               "WON": 0.12}
LEAD_SOURCE_GROUPS = {  # the extract's groups, over the source values of leads.csv
    "website": (("website_configurator", "website_test_drive"), 0.40),
    "social": (("meta_lead_form", "google_lead", "linkedin_lead"), 0.25),
    "events": (("event_signup",), 0.10),
    "dealer": (("dealer_walk_in", "phone_enquiry"), 0.15),
    "fleet": (("fleet_enquiry",), 0.10),
}
SALE_TYPES = {"retail": 0.55, "fleet": 0.30, "salary_sacrifice": 0.15}
COMPETITOR_ANNUAL = {"BYD": 30_000_000, "Tesla": 5_000_000, "MG": 15_000_000, "Hyundai_Ioniq": 20_000_000,
                     "Xpeng": 8_000_000}
RADIO_DAYPARTS = {"breakfast_drive": 0.60, "daytime": 0.25, "evening_drive": 0.15}
SHARE_OF_VOICE_REL = 0.15
MARKET_SPLIT_PP = 0.03


def _share_tol(share: float) -> float:
    return SHARE_PP if share >= 0.10 else SMALL_SHARE_PP


def _hard_targets() -> list[Target]:
    ctr_tables = [n for n, s in TABLES.items() if {"ctr", "clicks", "impressions"} <= set(s.schema.columns)]
    spend_parts = tuple(f"{c}_spend" for c in CHANNELS)
    out = [Target(f"ctr.{n}", "CTR = clicks/impressions (within rounding tolerance)", 1, at_most(CTR_ROUNDING),
                  "largest |ctr - clicks / impressions| over the rows (0 expected without impressions)",
                  ctr_deviation(n), "number", 10) for n in ctr_tables]
    out += [
        Target("mmm.total_spend", "total_spend (weekly_channel_spend.csv)", 1, at_most(SUM_ROUNDING),
               "largest |total_spend - sum of the 11 channel columns| / total_spend over the weeks",
               column_sum_deviation("weekly_channel_spend", "total_spend", spend_parts), "number"),
        Target("mmm.total_units", "total_units (weekly_sales.csv)", 1, at_most(0),
               "largest |total_units - (uk + de + fr units)| over the weeks (relative)",
               column_sum_deviation("weekly_sales", "total_units", ("uk_units", "de_units", "fr_units")), "number"),
        Target("mmm.total_revenue", "total_revenue (weekly_sales.csv)", 1, at_most(SUM_ROUNDING),
               "largest |total_revenue - (uk + de + fr revenue)| / total_revenue over the weeks",
               column_sum_deviation("weekly_sales", "total_revenue", ("uk_revenue", "de_revenue", "fr_revenue")), "number"),
        Target("mmm.model_ready_join", "model_ready: week_start + channel spend + sales columns, fully joined", 1,
               at_most(SUM_ROUNDING), "largest relative difference between a model_ready column and the same column of "
               "weekly_channel_spend / weekly_sales in the same week", model_ready_deviation, "number"),
    ]
    return out


def _total_targets() -> list[Target]:
    out = [
        Target("budget.total.extract", "Total annual spend across all channel CSVs must sum to ~£20M (±5%)", 2,
               about(EXTRACT_BUDGET_GBP, rel=BUDGET_REL), "sum of the spend column of every CSV in raw/",
               raw_spend_total, "gbp", 3),
        Target("budget.total.plan", "TOTAL: £20,000,000 (the plan's channel budgets)", 2,
               lambda w: about(sum(c.budget_gbp for c in w.media.channels.values()), rel=BUDGET_REL),
               "sum of the spend column of every CSV in raw/, against the scenario's channel budgets",
               raw_spend_total, "gbp", 3),
    ]
    out += [Target(f"budget.{c}", f"{c} annual spend ~ its channel budget (±5%)", 2,
                   lambda w, c=c: about(w.media.channels[c].budget_gbp if c in w.media.channels else 0.0, rel=BUDGET_REL),
                   f"sum of spend in {TABLES[CHANNEL_TABLES[c]].path}", channel_spend(c), "gbp", 3) for c in CHANNELS]
    out += [Target(f"sales.{m}", f"Total units: {m} (±10%)", 2,
                   lambda w, m=m: about(w.sales.target_units.get(m, 0), rel=SALES_REL),
                   f"rows of vehicle_sales.csv with market {m}", count_of("vehicle_sales", market=m), "count", 4)
            for m in ("UK", "DE", "FR")]
    out += [
        Target("sales.total", "Total units ~4,600 (±10%)", 2, lambda w: about(sum(w.sales.target_units.values()), rel=SALES_REL),
               "rows of vehicle_sales.csv", row_count("vehicle_sales"), "count", 4),
        Target("mmm.spend_vs_raw", "Aggregate daily digital spend to weekly; sum traditional media to weekly", 2,
               at_most(MMM_REL), "largest relative gap between a channel's weekly_channel_spend total and its raw spend",
               mmm_spend_vs_raw, "share"),
        Target("mmm.units_vs_raw", "weekly_sales: units per week from vehicle_sales", 2, at_most(MMM_REL),
               "relative gap between the sum of weekly total_units and the rows of vehicle_sales.csv",
               mmm_units_vs_raw, "share"),
    ]
    return out


def _row_targets() -> list[Target]:
    out = [Target(f"rows.{n}", f"{s.path}: ~{s.expected_rows:,} rows (±20%)", 3, about(s.expected_rows, rel=ROW_COUNT_REL),
                  "data rows of the file", row_count(n), "count", 2)
           for n, s in TABLES.items() if s.expected_rows is not None]
    out += [Target(f"rows.contract.{f.removesuffix('.md')}", f"{CONTRACTS_DIR}/{f}: ~{n} lines (±20%)", 3,
                   about(n, rel=ROW_COUNT_REL), "lines of the markdown file", contract_lines(f), "count", 2)
            for f, n in CONTRACTS.items()]
    out += [
        Target("rows.uk_dealers", "UK DEALER LIST (50 dealers): DLR001-DLR050", 3, between(50, 50),
               "UK rows of dealers.csv", count_of("dealers", market="UK"), "count", 2),
        Target("funnel.leads_over_test_drives", "Leads > test drives > sales", 3, above(1.0),
               "rows of leads.csv / rows of test_drives.csv", count_ratio("leads", "test_drives"), "number", 7),
        Target("funnel.test_drives_over_sales", "Leads > test drives > sales", 3, above(1.0),
               "rows of test_drives.csv / rows of vehicle_sales.csv", count_ratio("test_drives", "vehicle_sales"), "number", 7),
        Target("funnel.sessions_over_completed", "Configurator sessions > completed > lead_submitted", 3, above(1.0),
               "configurator sessions / completed sessions",
               count_ratio("configurator_sessions", "configurator_sessions", den_where={"completed": True}), "number", 7),
        Target("funnel.completed_over_leads", "Configurator sessions > completed > lead_submitted", 3, above(1.0),
               "completed sessions / sessions with lead_submitted",
               count_ratio("configurator_sessions", "configurator_sessions", {"completed": True}, {"lead_submitted": True}),
               "number", 7),
    ]
    return out


def _media_rate_targets() -> list[Target]:
    t = Target
    split = [t(f"budget.market.{m}", f"Markets & budget split: {m} {share:.0%} of total budget", 4,
               lambda w, m=m: about(w.markets[m].budget_share, tol=MARKET_SPLIT_PP),
               f"share of the channel tables' spend with market {m}", market_spend_share(m), "share", 3)
             for m, share in (("UK", 0.72), ("DE", 0.20), ("FR", 0.08))]
    return split + [
        t("meta.awareness.ctr", "Meta awareness campaigns: CTR 0.5-1.5%", 4, between(0.005, 0.015),
          "clicks / impressions, objective awareness", ratio_of("meta_ads", "clicks", "impressions", objective="awareness"), "share"),
        t("meta.awareness.cpm", "Meta awareness campaigns: CPM £4-6", 4, between(4, 6),
          "1000 x spend / impressions, objective awareness",
          ratio_of("meta_ads", "spend", "impressions", 1000, objective="awareness"), "gbp2"),
        t("meta.lead_gen.ctr", "Meta lead gen campaigns: CTR 1-3%", 4, between(0.01, 0.03),
          "clicks / impressions, objective lead_gen", ratio_of("meta_ads", "clicks", "impressions", objective="lead_gen"), "share"),
        t("meta.lead_gen.cpm", "Meta lead gen campaigns: CPM £6-10", 4, between(6, 10),
          "1000 x spend / impressions, objective lead_gen",
          ratio_of("meta_ads", "spend", "impressions", 1000, objective="lead_gen"), "gbp2"),
        t("meta.lead_gen.cpl", "Meta lead gen campaigns: cost_per_lead £15-40", 4, between(15, 40),
          "spend / leads, objective lead_gen", ratio_of("meta_ads", "spend", "leads", objective="lead_gen"), "gbp2"),
        t("meta.traffic.ctr", "Meta traffic campaigns: CTR 1-2%", 4, between(0.01, 0.02),
          "clicks / impressions, objective traffic", ratio_of("meta_ads", "clicks", "impressions", objective="traffic"), "share"),
        t("meta.traffic.cpc", "Meta traffic campaigns: CPC £0.30-0.80", 4, between(0.30, 0.80),
          "spend / clicks, objective traffic", ratio_of("meta_ads", "spend", "clicks", objective="traffic"), "gbp2"),
        t("meta.prelaunch_awareness", "Meta pre-launch (Jan-Aug): only awareness + teaser", 4, at_least(0.999),
          "share of Jan-Aug Meta spend with objective awareness",
          share_of("meta_ads", "objective", ("awareness",), "spend", date=months(*range(1, 9))), "share"),
        t("meta.campaigns_active", "Meta: ~10 campaigns active at various times", 4, about(10, rel=0.5),
          "largest number of distinct campaign_id on one day (all markets)",
          lambda d: int(d.table("meta_ads").groupby("date")["campaign_id"].nunique().max()), "count"),
        t("google.brand.ctr", "Google brand search: CTR 5-15%", 4, between(0.05, 0.15),
          "clicks / impressions, search rows with keyword_group brand*",
          ratio_of("google_ads", "clicks", "impressions", campaign_type="search", keyword_group=startswith("brand")), "share"),
        t("google.brand.cpc", "Google brand search: CPC £0.50-1.50", 4, between(0.50, 1.50),
          "spend / clicks, brand search", ratio_of("google_ads", "spend", "clicks", campaign_type="search",
                                                   keyword_group=startswith("brand")), "gbp2"),
        t("google.brand.quality", "Google brand search: quality score 7-9", 4, between(7, 9),
          "mean quality_score, brand search", mean_of("google_ads", "quality_score", campaign_type="search",
                                                      keyword_group=startswith("brand")), "number"),
        t("google.generic.ctr", "Google generic search (\"electric SUV\"): CTR 1-3%", 4, between(0.01, 0.03),
          "clicks / impressions, search rows not brand*",
          ratio_of("google_ads", "clicks", "impressions", campaign_type="search",
                   keyword_group=lambda s: ~s.str.startswith("brand")), "share"),
        t("google.generic.cpc", "Google generic search: CPC £2-5", 4, between(2, 5), "spend / clicks, generic search",
          ratio_of("google_ads", "spend", "clicks", campaign_type="search", keyword_group=lambda s: ~s.str.startswith("brand")),
          "gbp2"),
        t("google.generic.quality", "Google generic search: quality score 5-7", 4, between(5, 7),
          "mean quality_score, generic search", mean_of("google_ads", "quality_score", campaign_type="search",
                                                        keyword_group=lambda s: ~s.str.startswith("brand")), "number"),
        t("google.pmax.ctr", "Google PMax: blended metrics, CTR 2-5%", 4, between(0.02, 0.05),
          "clicks / impressions, campaign_type pmax", ratio_of("google_ads", "clicks", "impressions", campaign_type="pmax"), "share"),
        t("dv360.display.ctr", "DV360 display CTR: 0.05-0.30%", 4, between(0.0005, 0.003),
          "clicks / impressions, creative sizes other than video_pre-roll",
          ratio_of("dv360", "clicks", "impressions", creative_size=other_than("video_pre-roll")), "share"),
        t("dv360.video.completion", "DV360 video completion rate: 60-80%", 4, between(0.60, 0.80),
          "video_completions / impressions, video_pre-roll rows that report completions",
          ratio_of("dv360", "video_completions", "impressions", creative_size="video_pre-roll",
                   video_completion_rate=lambda s: s.notna()), "share"),
        t("dv360.viewability", "DV360 viewability: 70%+ (target)", 4, at_least(0.70), "viewable_impressions / impressions",
          ratio_of("dv360", "viewable_impressions", "impressions"), "share"),
        t("tiktok.cpm", "TikTok CPM: £1-3 (cheapest reach)", 4, between(1, 3), "1000 x spend / impressions",
          ratio_of("tiktok_ads", "spend", "impressions", 1000), "gbp2"),
        t("tiktok.ctr", "TikTok CTR: 0.3-1.0% (low click intent)", 4, between(0.003, 0.010), "clicks / impressions",
          ratio_of("tiktok_ads", "clicks", "impressions"), "share"),
        t("tiktok.view_rate", "TikTok video view rate: 15-30%", 4, between(0.15, 0.30), "video_views / impressions",
          ratio_of("tiktok_ads", "video_views", "impressions"), "share"),
        t("tiktok.watch_time", "TikTok avg watch time: 3-8 seconds", 4, between(3, 8),
          "mean avg_watch_time_seconds weighted by video_views",
          mean_of("tiktok_ads", "avg_watch_time_seconds", "video_views"), "seconds"),
        t("youtube.trueview.view_rate", "YouTube TrueView: view rate 30-50%", 4, between(0.30, 0.50),
          "views / impressions, format TrueView", ratio_of("youtube_ads", "views", "impressions", format="TrueView"), "share"),
        t("youtube.trueview.cpv", "YouTube TrueView: CPV £0.01-0.04", 4, between(0.01, 0.04), "spend / views, TrueView",
          ratio_of("youtube_ads", "spend", "views", format="TrueView"), "gbp2"),
        t("youtube.bumper.cpm", "YouTube Bumper (6s): CPM £3-6", 4, between(3, 6), "1000 x spend / impressions, Bumper",
          ratio_of("youtube_ads", "spend", "impressions", 1000, format="Bumper"), "gbp2"),
        t("youtube.shorts.cpm", "YouTube Shorts: CPM £1-2", 4, between(1, 2), "1000 x spend / impressions, Shorts",
          ratio_of("youtube_ads", "spend", "impressions", 1000, format="Shorts"), "gbp2"),
        t("youtube.shorts.view_rate", "YouTube Shorts: view rate 10-20%", 4, between(0.10, 0.20),
          "views / impressions, Shorts", ratio_of("youtube_ads", "views", "impressions", format="Shorts"), "share"),
        t("youtube.earned_views", "YouTube earned views ~5-10% of paid views", 4, between(0.05, 0.10),
          "earned_views / views", ratio_of("youtube_ads", "earned_views", "views"), "share"),
        t("linkedin.cpm", "LinkedIn CPM: £12-25 (premium B2B)", 4, between(12, 25), "1000 x spend / impressions",
          ratio_of("linkedin_ads", "spend", "impressions", 1000), "gbp2"),
        t("linkedin.ctr", "LinkedIn CTR: 0.3-0.8%", 4, between(0.003, 0.008), "clicks / impressions",
          ratio_of("linkedin_ads", "clicks", "impressions"), "share"),
        t("linkedin.cpl", "LinkedIn cost per lead: £30-80", 4, between(30, 80), "spend / leads",
          ratio_of("linkedin_ads", "spend", "leads"), "gbp2"),
    ]


def _traditional_targets() -> list[Target]:
    t = Target
    linear = lambda s: ~s.str.endswith("_BVOD")  # noqa: E731 - a selector, read as a word
    out = [
        t("tv.bvod_share", "TV split: Linear ~70%, BVOD ~30%", 4, about(0.30, tol=SHARE_PP),
          "share of TV spend on *_BVOD broadcasters",
          share_of("tv_performance", "broadcaster", lambda s: s.str.endswith("_BVOD"), "spend"), "share"),
        t("tv.weekly_grps", "TV GRPs: 50-150 per week during active flights", 4, between(50, 150),
          "min … max over weeks with TV spend of the week's summed grps", tv_span("grps"), "number"),
        t("tv.weekly_reach", "TV reach: 20-40% of adult population per week", 4, between(20, 40),
          "min … max over active weeks of 1 - prod(1 - reach_pct) across the week's rows", tv_span("reach"), "pct"),
        t("tv.weekly_frequency", "TV frequency: 3-6 per week", 4, between(3, 6),
          "min … max over active weeks of weekly GRPs / weekly reach", tv_span("frequency"), "number"),
        # CPP x 50-150 GRPs a week over the flights costs several times the TV budget: CPP yields
        t("tv.peak_cpp", "TV peak CPP: £25,000-40,000", 4, between(25_000, 40_000), "spend / grps, linear peak rows",
          ratio_of("tv_performance", "spend", "grps", daypart="peak", broadcaster=linear), "gbp",
          yields_to=("budget.tv",)),
        t("tv.offpeak_cpp", "TV off-peak CPP: £8,000-15,000", 4, between(8_000, 15_000),
          "spend / grps, linear rows outside peak", ratio_of("tv_performance", "spend", "grps",
                                                             daypart=other_than("peak"), broadcaster=linear), "gbp",
          yields_to=("budget.tv",)),
        t("ooh.digital_share", "OOH: Digital ~55%, Classic ~45%", 4, about(0.55, tol=SHARE_PP),
          "share of OOH spend on digital_d6 and digital_large",
          share_of("ooh_performance", "format", ("digital_d6", "digital_large"), "spend"), "share"),
        t("print.negotiated", "Print: negotiated cost = 50-70% of rate card", 4, between(0.50, 0.70),
          "sum negotiated_cost / sum rate_card_cost", ratio_of("print_performance", "negotiated_cost", "rate_card_cost"), "share"),
        t("print.teasers", "Print: some pre-launch teaser ads in Jul-Aug automotive press", 4, at_least(1),
          "insertions dated Jul-Aug", count_of("print_performance", date=months(7, 8)), "count"),
    ]
    out += [t(f"radio.daypart.{dp}", f"Radio daypart: {dp.replace('_', ' ')} {share:.0%}", 4, about(share, tol=SHARE_PP),
              f"share of radio total_spots in daypart {dp}", share_of("radio_performance", "daypart", (dp,), "total_spots"),
              "share") for dp, share in RADIO_DAYPARTS.items()]
    return out


def _context_targets() -> list[Target]:
    t = Target
    out = [t(f"competitor.{name}", f"Competitor {name}: ~£{amount / 1e6:g}M annual", 4, about(amount, rel=SHARE_OF_VOICE_REL),
             "sum of estimated_spend_gbp, channel total", competitor_annual(name), "gbp") for name, amount in COMPETITOR_ANNUAL.items()]
    out += [
        t("competitor.not_biggest", "Our brand should be competitive but not the biggest spender", 4, below(1.0),
          "our raw spend total / the biggest competitor's annual total", ours_over_biggest_competitor, "number"),
        t("econ.bank_rate_start", "Bank rate: start 4.50%", 4, about(4.50, tol=0.05), "UK bank_rate_pct in January",
          uk_econ("bank_rate_pct", 1), "pct"),
        t("econ.bank_rate_end", "Bank rate: declining to ~3.75% by Dec", 4, about(3.75, tol=0.25), "UK bank_rate_pct in December",
          uk_econ("bank_rate_pct", 12), "pct"),
        t("econ.bev_start", "BEV share: ~22% in Jan", 4, about(22, tol=2), "UK bev_market_share_pct in January",
          uk_econ("bev_market_share_pct", 1), "pct"),
        t("econ.bev_end", "BEV share: trending toward 28% by Dec", 4, about(28, tol=2), "UK bev_market_share_pct in December",
          uk_econ("bev_market_share_pct", 12), "pct"),
        t("econ.confidence", "Consumer confidence: -15 to -8 (improving slowly)", 4, between(-15, -8),
          "min … max of UK consumer_confidence_index", uk_econ("consumer_confidence_index"), "index"),
        t("econ.petrol", "Petrol: 140-155p/litre", 4, between(140, 155), "min … max of UK avg_petrol_price_ppl",
          uk_econ("avg_petrol_price_ppl"), "pence"),
        t("econ.electricity", "Electricity: 24-28p/kWh", 4, between(24, 28), "min … max of UK avg_electricity_price_pkwh",
          uk_econ("avg_electricity_price_pkwh"), "pence"),
        t("econ.registrations", "SMMT total registrations: ~1.8M annual", 4,
          lambda w: about(w.markets["UK"].national_registrations_k * 1000, rel=0.10),
          "sum of UK smmt_total_registrations", uk_registrations, "count"),
        t("econ.registration_peaks", "SMMT registrations seasonal (Mar and Sep peaks)", 4, equals("Mar, Sep"),
          "the two months with the most UK registrations", uk_registration_peaks, "text"),
        t("events.dealer_launch", "5 dealer launch events (Sep-Oct, major cities)", 4, between(5, 5),
          "dealer_launch events starting Sep-Oct", count_of("events", event_type="dealer_launch", start_date=months(9, 10)), "count"),
        t("events.fleet", "2 fleet showcase events (Oct-Nov)", 4, between(2, 2), "fleet_event events starting Oct-Nov",
          count_of("events", event_type="fleet_event", start_date=months(10, 11)), "count"),
        t("events.press", "2 press launch events (Aug-Sep)", 4, between(2, 2), "press_event events starting Aug-Sep",
          count_of("events", event_type="press_event", start_date=months(8, 9)), "count"),
        t("events.goodwood", "Goodwood Festival of Speed: Jul 2025 (pre-launch reveal)", 4, at_least(1),
          "events named *Goodwood* starting in July", count_of("events", event_name=contains("Goodwood"), start_date=months(7)), "count"),
        t("events.christmas", "1 Christmas showcase (Dec, shopping centres)", 4, between(1, 1),
          "events named *Christmas* starting in December",
          count_of("events", event_name=contains("Christmas"), start_date=months(12)), "count"),
        t("sla.compliance", "SLA: most months in compliance (85%+)", 4, at_least(0.85), "share of rows in_compliance",
          share_of("sla_tracking", "in_compliance", (True,)), "share"),
        t("sla.misses", "SLA: a few realistic misses", 4, at_least(1), "rows not in compliance",
          count_of("sla_tracking", in_compliance=(False,)), "count"),
    ]
    return out


def _sales_targets() -> list[Target]:
    t = Target
    out = [
        t("sales.uk_sep_oct", "Sep: launch spike (~30% of annual UK sales in Sep-Oct)", 4, about(0.30, tol=SHARE_PP),
          "share of UK sales dated Sep-Oct", uk_sales_share(9, 10), "share"),
        t("sales.launch_dealers_sep", "Launch dealers get 60% of Sep sales", 4, about(0.60, tol=SHARE_PP),
          "share of September sales at dealers with is_launch_dealer", launch_dealer_share(9), "share"),
    ]
    out += [t(f"sales.model.{k}", f"Model split: {k} ~{s:.0%}", 4, lambda w, k=k: about(w.models[k].sales_share,
                                                                                      tol=_share_tol(w.models[k].sales_share)),
              f"share of sales with model {k}", share_of("vehicle_sales", "model", (k,)), "share")
            for k, s in (("DEEPAL_S07", 0.70), ("AVATR_12", 0.20), ("AVATR_11", 0.08), ("DEEPAL_S05", 0.02))]
    out += [t(f"sales.sale_type.{k}", f"Sale type: {k} {s:.0%}", 4, about(s, tol=_share_tol(s)),
              f"share of sales with sale_type {k}", share_of("vehicle_sales", "sale_type", (k,)), "share")
            for k, s in SALE_TYPES.items()]
    out += [t(f"sales.finance.{k}", f"Finance: {k} {s:.0%}", 4, lambda w, k=k: about(w.sales.finance.get(k, 0.0),
                                                                                      tol=_share_tol(w.sales.finance.get(k, 0.0))),
              f"share of sales with finance_type {k}", share_of("vehicle_sales", "finance_type", (k,)), "share")
            for k, s in (("pcp", 0.45), ("lease", 0.25), ("hp", 0.15), ("cash", 0.15))]
    out += [t(f"sales.colour.{k.replace(' ', '_')}", f"Colour: {k} ({s:.0%})", 4,
              lambda w, k=k: about(w.sales.colours.get(k, 0.0), tol=_share_tol(w.sales.colours.get(k, 0.0))),
              f"share of sales in {k}", share_of("vehicle_sales", "colour", (k,)), "share")
            for k, s in (("Aurora Green", 0.25), ("Pearl White", 0.20), ("Nebula Grey", 0.20), ("Midnight Black", 0.15),
                         ("Cosmos Blue", 0.12), ("Sunset Orange", 0.08))]
    out += [t(f"sales.discount.{key}", f"Discounts: {'0-3% in Sep-Oct' if key == '9-10' else '3-7% in Nov-Dec'}", 4,
              discount_goal(key), f"mean discount_pct of sales in months {key}",
              mean_of("vehicle_sales", "discount_pct", sale_date=months(*discount_months(key))), "pct")
            for key in ("9-10", "11-12")]
    return out


def _funnel_targets() -> list[Target]:
    t = Target
    completed = {"completed": True}
    out = [
        t("configurator.completion", "Configurator: 30-40% completion rate", 4, between(0.30, 0.40),
          "share of sessions completed", share_of("configurator_sessions", "completed", (True,)), "share"),
        t("configurator.finance_viewed", "Finance calculator viewed by 60% of completers", 4, about(0.60, tol=SHARE_PP),
          "share of completed sessions with finance_option_viewed",
          share_of("configurator_sessions", "finance_option_viewed", (True,), **completed), "share"),
        t("configurator.completion_time", "Average completion time: 4-8 minutes", 4, between(240, 480),
          "mean completion_time_seconds of completed sessions",
          mean_of("configurator_sessions", "completion_time_seconds", **completed), "seconds"),
        t("configurator.lead_rate", "Lead submitted by 25% of completers", 4, about(0.25, tol=SHARE_PP),
          "share of completed sessions with lead_submitted",
          share_of("configurator_sessions", "lead_submitted", (True,), **completed), "share"),
        t("configurator.popular_trim", "Most popular config: S07 Design", 4, equals("DEEPAL_S07 Design"),
          "most frequent model_selected + trim_selected of completed sessions",
          mode_of("configurator_sessions", ("model_selected", "trim_selected"), **completed), "text"),
        t("configurator.popular_colour", "Most popular config: Aurora Green", 4, equals("Aurora Green"),
          "most frequent colour_selected of completed sessions",
          mode_of("configurator_sessions", ("colour_selected",), **completed), "text"),
        t("configurator.popular_wheels", "Most popular config: 19\" wheels", 4, equals('19"'),
          "most frequent wheels_selected of completed sessions",
          mode_of("configurator_sessions", ("wheels_selected",), **completed), "text"),
        t("funnel.configurator_starts", "Configurator starts: 2-5% of sessions", 4, between(0.02, 0.05),
          "configurator sessions / website sessions", configurator_start_rate, "share",
          yields_to=("rows.configurator_sessions", "rows.website_analytics")),
    ]
    out += [t(f"leads.stage.{stage}", f"Lead pipeline: {stage} ({share:.0%})", 4, about(share, tol=SHARE_PP),
              f"share of leads that reached {stage} (a LOST lead counts up to the furthest stage its rows show: "
              "contacted, test drive booked / completed)", lead_stage_share(stage), "share",
              yields_to=("rows.test_drives",) if stage.startswith("TD_") else ())
            for stage, share in LEAD_STAGES.items()]
    out += [t(f"leads.source.{g}", f"Lead source distribution: {g} {share:.0%}", 4, about(share, tol=SHARE_PP),
              f"share of leads with source in {', '.join(values)}", lead_source_share(values), "share")
            for g, (values, share) in LEAD_SOURCE_GROUPS.items()]
    out += [
        t("leads.response_median", "First response time: median 2 hours", 4, about(2, tol=0.5),
          "median first_response_hours", response_quantile(0.5), "hours"),
        t("leads.response_p90", "First response time: 90th percentile 24 hours", 4, about(24, tol=6),
          "90th percentile of first_response_hours", response_quantile(0.9), "hours"),
        t("leads.score_correlation", "Lead score correlates with conversion probability", 4, above(0.0),
          "Pearson correlation of lead_score with lead_status == WON", lead_score_correlation, "number"),
        t("leads.prelaunch_conversion", "Pre-launch leads (Jun-Aug) are 'register interest' - convert at lower rate", 4,
          below(1.0), "WON rate of leads created Jun-Aug / WON rate of leads created Sep-Oct",
          prelaunch_conversion_ratio, "number"),
        t("test_drives.no_show", "22% no-show rate", 4, about(0.22, tol=SHARE_PP),
          "share of NO_SHOW among resolved bookings (COMPLETED, NO_SHOW, CANCELLED)", resolved_drive_share("NO_SHOW"), "share"),
        t("test_drives.cancellation", "10% cancellation rate", 4, about(0.10, tol=SHARE_PP),
          "share of CANCELLED among resolved bookings", resolved_drive_share("CANCELLED"), "share"),
        t("test_drives.completion", "68% completion rate", 4, about(0.68, tol=SHARE_PP),
          "share of COMPLETED among resolved bookings", resolved_drive_share("COMPLETED"), "share"),
        t("test_drives.sale_90d", "Of completed: 15-25% convert to sale within 90 days", 4, between(0.15, 0.25),
          "share of completed drives with sale_within_90_days",
          share_of("test_drives", "sale_within_90_days", (True,), status="COMPLETED"), "share"),
        t("test_drives.feedback_mean", "Feedback score: mean 4.2", 4, about(4.2, tol=0.1), "mean feedback_score",
          mean_of("test_drives", "feedback_score"), "number"),
        t("test_drives.feedback_std", "Feedback score: std 0.6", 4, about(0.6, tol=0.1), "standard deviation of feedback_score",
          feedback_std, "number"),
        t("test_drives.weekend", "Weekend bookings: 45% of total", 4, about(0.45, tol=SHARE_PP),
          "share of bookings whose test_drive_date is a Saturday or Sunday", weekend_share, "share"),
        t("test_drives.duration", "Duration: 30-60 minutes", 4, between(30, 60), "min … max duration_minutes of completed drives",
          span_of("test_drives", "duration_minutes", status="COMPLETED"), "minutes"),
        t("funnel.qualified_booking", "Test Drives Booked (45% of qualified leads)", 5, about(0.45, tol=SHARE_PP),
          "leads with a test drive / leads that reached QUALIFIED", qualified_booking, "share",
          yields_to=("rows.test_drives",)),
    ]
    return out


def _web_targets() -> list[Target]:
    t = Target
    out = [
        t("web.sessions_postlaunch", "Monthly sessions: 80K-150K (post-launch)", 4, between(80_000, 150_000),
          "min … max of monthly sessions, Sep-Dec, all markets", web_month_span(9, 12), "count"),
        t("web.sessions_prelaunch", "Monthly sessions: 10K-30K (pre-launch)", 4, between(10_000, 30_000),
          "min … max of monthly sessions, Jan-Aug, all markets", web_month_span(1, 8), "count"),
        t("web.bounce.paid_search", "Bounce rate: paid search 35-50%", 4, between(0.35, 0.50),
          "session-weighted bounce_rate, channel paid_search",
          mean_of("website_analytics", "bounce_rate", "sessions", channel="paid_search"), "share"),
        t("web.bounce.social", "Bounce rate: social 55-70%", 4, between(0.55, 0.70),
          "session-weighted bounce_rate, social_paid + social_organic",
          mean_of("website_analytics", "bounce_rate", "sessions", channel=("social_paid", "social_organic")), "share"),
        t("web.bounce.direct", "Bounce rate: direct 25-40%", 4, between(0.25, 0.40),
          "session-weighted bounce_rate, channel direct",
          mean_of("website_analytics", "bounce_rate", "sessions", channel="direct"), "share"),
        t("web.session_duration", "Avg session duration: 2-5 minutes", 4, between(120, 300),
          "session-weighted avg_session_duration_seconds", mean_of("website_analytics", "avg_session_duration_seconds",
                                                                   "sessions"), "seconds"),
        t("web.organic_growth", "Organic search grows over time as brand awareness increases", 4, above(1.0),
          "organic_search sessions Oct-Dec / Jan-Mar", organic_growth, "number"),
        t("web.paid_search_vs_google", "Paid search traffic correlates with Google Ads spend", 4, at_least(0.5),
          "weekly correlation of paid_search sessions with Google spend",
          web_spend_correlation(("paid_search",), ("google",)), "number"),
        t("web.social_vs_meta_tiktok", "Social paid correlates with Meta + TikTok spend", 4, at_least(0.5),
          "weekly correlation of social_paid sessions with Meta + TikTok spend",
          web_spend_correlation(("social_paid",), ("meta", "tiktok")), "number"),
        t("web.display_vs_dv360", "Display correlates with DV360 spend", 4, at_least(0.5),
          "weekly correlation of display sessions with DV360 spend", web_spend_correlation(("display",), ("dv360",)), "number"),
        t("quickref.sessions", "Website Sessions (post-launch ~120K/month)", 5, about(120_000, rel=0.15),
          "mean monthly sessions Sep-Dec, all markets", lambda d: float(web_monthly()(d).reindex([9, 10, 11, 12],
                                                                                                fill_value=0).mean()), "count"),
    ]
    out += [t(f"web.device.{dev}", f"Device: {dev} {share:.0%}", 4, lambda w, dev=dev: about(w.consumers.device.get(dev, 0.0),
                                                                                          tol=SHARE_PP),
              f"share of sessions on {dev}", share_of("website_analytics", "device", (dev,), "sessions"), "share")
            for dev, share in (("desktop", 0.35), ("mobile", 0.55), ("tablet", 0.10))]
    return out


def _season_targets() -> list[Target]:
    t = Target
    out = [
        t("season.peak_spend", "Seasonal pattern present: Sep-Oct should have highest activity (spend)", 4, equals("Sep, Oct"),
          "the two months with the most spend (all raw spend, periods spread over their days)",
          top_two_months(lambda d: d.monthly_spend), "text", 8),
        t("season.peak_sessions", "Seasonal pattern present: Sep-Oct should have highest activity (sessions)", 4,
          equals("Sep, Oct"), "the two months with the most website sessions", top_two_months(web_monthly()), "text", 8),
    ]
    out += [t(f"season.month.{MONTH_NAMES[m - 1]}", f"Seasonal multiplier {MONTH_NAMES[m - 1]} (normalised, decision 2)", 4,
              normalised_multiplier(m), "the month's share of all raw spend vs multiplier / sum of multipliers (±20%)",
              month_spend_share(m), "share", 8) for m in range(1, 13)]
    out += [t(f"dates.{n}", "Date ranges: all files cover 2025-01-01 to 2025-12-31", 4, horizon_months,
              f"months of the horizon with rows ({s.period_column})", months_with_rows(n), "count", 5)
            for n, s in TABLES.items() if s.spans_year]
    out += [t(f"mmm.decay.{c}", f"Adstock decay {c}: {decay:.2f}", 4, about(decay, tol=0.02),
              "weekly decay implied by model_ready (least squares of adstock_t on spend_t and adstock_t-1)",
              adstock_decay(c), "number") for c, decay in EXTRACT_DECAY.items()]
    return out


def _dealer_targets() -> list[Target]:
    return [
        Target("dealers.launch_count", "is_launch_dealer: True for ~15 dealers (London + major cities, open Sep 1)", 4,
               about(15, tol=3), "UK dealers with is_launch_dealer", count_of("dealers", market="UK", is_launch_dealer=(True,)),
               "count"),
        Target("dealers.launch_opening", "Launch dealers = 2025-09-01", 4, at_least(1.0),
               "share of UK launch dealers opening on the UK launch date", dealer_share(True, opens_on_launch), "share"),
        Target("dealers.staggered", "Others staggered Sep-Nov 2025", 4, at_least(1.0),
               "share of other UK dealers opening in Sep-Nov", dealer_share(False, opens_sep_to_nov), "share"),
    ]


def _quick_reference_targets() -> list[Target]:
    out = []
    for channel, (sep, jan) in QUICK_REFERENCE.items():
        name = channel or "total"
        winner = (f"budget.{channel}",) if channel else ("budget.total.plan",)
        for month, figure in ((9, sep), (1, jan)):
            out.append(Target(f"quickref.{MONTH_NAMES[month - 1].lower()}.{name}",
                              f"Quick reference: {name} {MONTH_NAMES[month - 1]} ~£{figure:,}", 5, about(figure, rel=0.15),
                              f"{name} spend in {MONTH_NAMES[month - 1]} (periods spread over their days)",
                              month_spend(channel, month), "gbp", yields_to=(*winner, f"season.month.{MONTH_NAMES[month - 1]}")))
    return out


def _unmeasured_targets() -> list[Target]:
    return [
        Target("media.daily_noise", "get_daily_budget: adds ±15% daily noise", 4, between(0, 0.15),
               "not measured from the files", not_measured("the plan's daily noise is not separable from flights and "
                                                           "campaign mix in the exports; it is a scenario input "
                                                           "(media.channels.*.daily_noise)"), "share"),
        Target("media.lag", "Ad spend -> website traffic (7-14 day lag digital, 1-3 day TV)", 4, between(0, 14),
               "not measured from the files", not_measured("lags are scenario inputs (response.lag_days); their effect is "
                                                           "measured causally by the truth module, not from correlations"),
               "number"),
        Target("pipeline.noise", "Add 20-30% unexplained variance (noise) to all relationships", 4, between(0.20, 0.30),
               "not measured from the files", not_measured("unexplained variance is relative to a model; the truth module "
                                                           "and the MMM scorecard quantify it"), "share"),
    ]


TARGETS: list[Target] = [
    *_hard_targets(), *_total_targets(), *_row_targets(), *_media_rate_targets(), *_traditional_targets(),
    *_context_targets(), *_sales_targets(), *_funnel_targets(), *_web_targets(), *_season_targets(),
    *_dealer_targets(), *_quick_reference_targets(), *_unmeasured_targets(),
]


# =========================================================================== structural checks
def check_files(out_dir: Path) -> list[CheckResult]:
    raw = [TABLES[n].path for n in RAW_TABLES] + [f"{CONTRACTS_DIR}/{f}" for f in CONTRACTS]
    ours = [s.path for n, s in TABLES.items() if n not in RAW_TABLES]
    out = []
    for name, paths in (("files: 19 raw CSVs and 7 contracts", raw), ("files: dealers.csv and the 3 MMM tables", ours)):
        missing = [p for p in paths if not (out_dir / p).is_file()]
        out.append(CheckResult(name, 1, not missing, tuple(f"missing {p}" for p in missing), 1))
    return out


def check_foreign_keys(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    out = []
    for name, spec in TABLES.items():
        for fk in spec.foreign_keys:
            if name not in frames or fk.ref_table not in frames or fk.column not in frames[name]:
                continue
            df = frames[name]
            known = set(frames[fk.ref_table][fk.ref_column].dropna())
            orphan = df[fk.column].notna() & ~df[fk.column].isin(known)
            msg = (rows_message(f"{name}.{fk.column}", f"not in {fk.ref_table}.{fk.ref_column}", df, orphan, [fk.column]),) \
                if orphan.any() else ()
            out.append(CheckResult(f"foreign key {name}.{fk.column} -> {fk.ref_table}.{fk.ref_column}", 1, not msg, msg, 6))
    return out


def check_utm_campaigns(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """utm_campaign of configurator sessions must be a campaign of the media CSVs."""
    if "configurator_sessions" not in frames:
        return []
    known = set()
    for name in CHANNEL_TABLES.values():
        df = frames.get(name)
        for column in ("campaign_name", "insertion_order"):
            if df is not None and column in df:
                known |= set(df[column].dropna())
    df = frames["configurator_sessions"]
    orphan = df["utm_campaign"].notna() & ~df["utm_campaign"].isin(known)
    msg = (rows_message("configurator_sessions.utm_campaign", "not a campaign of the media CSVs", df, orphan,
                        ["utm_campaign"]),) if orphan.any() else ()
    return [CheckResult("foreign key configurator_sessions.utm_campaign -> media campaign names", 1, not msg, msg, 6)]


def check_dealer_list(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """dealers.csv is the scenario's dealer list: same IDs, opening dates and launch flags."""
    if "dealers" not in frames:
        return []
    df = frames["dealers"].set_index("dealer_id", drop=False)
    msgs = []
    ids = [d.id for d in world.dealers]
    missing, extra = sorted(set(ids) - set(df.index)), sorted(set(df.index.dropna()) - set(ids))
    if missing:
        msgs.append(f"dealers.dealer_id: {len(missing)} dealers of the scenario are missing, e.g. {missing[:SHOWN_ROWS]}")
    if extra:
        msgs.append(f"dealers.dealer_id: {len(extra)} dealers are not in the scenario, e.g. {extra[:SHOWN_ROWS]}")
    for d in world.dealers:
        if d.id in df.index and df.at[d.id, "opening_date"] != pd.Timestamp(world.dealer_opening(d)):
            msgs.append(f"dealers.opening_date: {d.id} opens {quote(df.at[d.id, 'opening_date'])}, "
                        f"the scenario says {world.dealer_opening(d).isoformat()}")
    return [CheckResult("dealers.csv matches the scenario's dealer list", 1, not msgs, tuple(msgs), 6)]


def check_dealer_names(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    if "dealers" not in frames:
        return []
    names = frames["dealers"].set_index("dealer_id")["dealer_name"]
    out = []
    for table in ("vehicle_sales", "test_drives"):
        if table in frames:
            df = frames[table]
            wrong = df["dealer_id"].isin(names.index) & (df["dealer_id"].map(names) != df["dealer_name"])
            msg = (rows_message(f"{table}.dealer_name", "differs from dealers.csv", df, wrong, ["dealer_id", "dealer_name"]),) \
                if wrong.any() else ()
            out.append(CheckResult(f"{table}.dealer_name matches dealers.csv", 1, not msg, msg, 6))
    return out


def check_horizon(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """Each table's period column lies in the run horizon (a week may start up to 6 days before)."""
    start, end = pd.Timestamp(world.run.start), pd.Timestamp(world.run.end)
    out = []
    for name, spec in TABLES.items():
        if name not in frames or spec.period_column not in frames[name]:
            continue
        df = frames[name]
        col = df[spec.period_column]
        if spec.period == "month":
            when = pd.to_datetime(col, format="%Y-%m", errors="coerce")
            outside = when.notna() & ((when < start.replace(day=1)) | (when > end))
        elif "end_date" in df.columns:  # a period counts if it overlaps the horizon
            outside = col.notna() & ((df["end_date"] < start) | (col > end))
        else:
            first = start - pd.Timedelta(days=6) if spec.period == "week" else start
            outside = col.notna() & ((col < first) | (col > end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)))
        msg = (rows_message(f"{name}.{spec.period_column}", f"outside the horizon {start.date()}..{end.date()}", df, outside,
                            [spec.period_column]),) if outside.any() else ()
        out.append(CheckResult(f"dates within horizon: {name}", 1, not msg, msg, 5))
    return out


def check_sales_timing(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """No sale before its model is available, its market has launched or its dealer has opened."""
    if "vehicle_sales" not in frames:
        return []
    df = frames["vehicle_sales"]
    avail = df["model"].map({k: pd.Timestamp(m.available_from) for k, m in world.models.items()})
    until = df["model"].map({k: pd.Timestamp(m.available_until) if m.available_until else pd.NaT
                             for k, m in world.models.items()})
    launch = df["market"].map({k: pd.Timestamp(m.launch_date) for k, m in world.markets.items()})
    msgs = []
    rules = [("sale_date", "before the model is available", df["sale_date"] < avail, ["sale_date", "model"]),
             ("sale_date", "after the model's availability ended", df["sale_date"] > until, ["sale_date", "model"]),
             ("sale_date", "before the market's launch date", df["sale_date"] < launch, ["sale_date", "market"])]
    if "dealers" in frames:
        opening = df["dealer_id"].map(frames["dealers"].set_index("dealer_id")["opening_date"])
        rules.append(("sale_date", "before the dealer opened", df["sale_date"] < opening, ["sale_date", "dealer_id"]))
    for column, what, mask, cols in rules:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            msgs.append(rows_message(f"vehicle_sales.{column}", what, df, mask, cols))
    return [CheckResult("no sale before its model, market launch or dealer opening", 1, not msgs, tuple(msgs))]


def check_pipeline_order(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Test drives after their lead, at open dealers; the 90-day flag agrees with days_to_sale."""
    if "test_drives" not in frames:
        return []
    df = frames["test_drives"]
    msgs = []
    if "leads" in frames:
        created = df["lead_id"].map(frames["leads"].drop_duplicates("lead_id").set_index("lead_id")["created_date"])
        early = (df["booking_date"] < created).fillna(False)
        if early.any():
            frame = df.assign(lead_created_date=created)
            msgs.append(rows_message("test_drives.booking_date", "before its lead was created", frame, early,
                                     ["booking_date", "lead_id", "lead_created_date"]))
    if "dealers" in frames:
        opening = df["dealer_id"].map(frames["dealers"].set_index("dealer_id")["opening_date"])
        at_dealer = df["source"] != "event"  # event drives happen at the event, not the showroom
        closed = (at_dealer & (df["status"] == "COMPLETED") & (df["test_drive_date"] < opening)).fillna(False)
        if closed.any():
            msgs.append(rows_message("test_drives.test_drive_date", "completed at a dealer before it opened",
                                     df.assign(opening_date=opening), closed, ["test_drive_date", "dealer_id", "opening_date"]))
    days = df["days_to_sale"].astype(float)
    flag = df["sale_within_90_days"].astype("boolean")
    disagree = (flag.fillna(False) != (days <= 90).fillna(False))
    if disagree.any():
        msgs.append(rows_message("test_drives.sale_within_90_days", "disagrees with days_to_sale", df, disagree,
                                 ["sale_within_90_days", "days_to_sale"]))
    return [CheckResult("test drives in causal order", 1, not msgs, tuple(msgs))]


def check_catalogue(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """Model columns hold the scenario's model keys; a sale's trim belongs to its model."""
    models = set(world.models)
    msgs = []
    for name, df in sorted(frames.items()):
        for column in ("model", "model_selected", "model_interest"):
            if column in df.columns and column in TABLES[name].schema.columns:
                unknown = df[column].notna() & ~df[column].isin(models)
                if unknown.any():
                    msgs.append(rows_message(f"{name}.{column}", "not a model of the scenario", df, unknown, [column]))
    if "vehicle_sales" in frames:
        df = frames["vehicle_sales"]
        trims = {k: {t.name for t in m.trims} for k, m in world.models.items()}
        wrong = pd.Series([m in trims and t not in trims[m] for m, t in zip(df["model"], df["trim"])], index=df.index)
        if wrong.any():
            msgs.append(rows_message("vehicle_sales.trim", "not a trim of the model", df, wrong, ["model", "trim"]))
    return [CheckResult("models and trims are the scenario's", 1, not msgs, tuple(msgs))]


def check_channel_markets(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    msgs = []
    for channel, name in CHANNEL_TABLES.items():
        if name in frames and channel in world.media.channels:
            df = frames[name]
            planned = world.media.channels[channel].markets
            wrong = df["market"].notna() & ~df["market"].isin(planned) & (df["spend"] > 0).fillna(False)
            if wrong.any():
                msgs.append(rows_message(f"{name}.market", f"spend outside the channel's markets {planned}", df, wrong,
                                         ["market", "spend"]))
    return [CheckResult("spend only in each channel's markets", 1, not msgs, tuple(msgs))]


def check_negatives(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """The extract's check 9: spend, impressions and clicks are never negative."""
    msgs = []
    for name, df in frames.items():
        for column in df.columns:
            if column in ("spend", "impressions", "clicks") or column.endswith("_spend"):
                values = pd.to_numeric(df[column], errors="coerce")
                negative = (values < 0).fillna(False)
                if negative.any():
                    msgs.append(rows_message(f"{name}.{column}", "negative value", df, negative, [column]))
    return [CheckResult("no negative spend, impressions or clicks", 1, not msgs, tuple(msgs), 9)]


# =========================================================================== running it all
def load_frames(out_dir: Path) -> tuple[dict[str, pd.DataFrame], list[CheckResult]]:
    frames, checks = {}, []
    for name, spec in TABLES.items():
        path = out_dir / spec.path
        if not path.is_file():
            continue
        df, problems = read_table(path, spec)
        if df is not None:
            problems += schema_problems(name, df)
            if set(columns(name, extras=False)) <= set(df.columns):
                frames[name] = df  # later checks and targets read complete tables only
        checks.append(CheckResult(f"schema: {name}", 1, not problems, tuple(problems)))
    return frames, checks


# What a measure may raise on data it cannot measure (absent column, empty selection, bad values):
# the target is reported as not measured with the reason, and the report goes on.
MEASURE_ERRORS = (NotMeasurable, KeyError, ValueError, TypeError, ZeroDivisionError, IndexError)


def evaluate(targets: list[Target], data: RunData, baseline: bool) -> list[TargetResult]:
    """Achieved value and verdict of every target; conflicts decided by priority (decision 6)."""
    first = []
    for target in targets:
        try:
            goal = target.goal(data.world) if callable(target.goal) else target.goal
        except KeyError as exc:
            goal = equals(f"(the scenario has no {exc.args[0]!r})")
            first.append(TargetResult(target, goal, None, UNMEASURED, False, ("not measured: no goal in this scenario",)))
            continue
        try:
            got = target.achieved(data)
        except MEASURE_ERRORS as exc:
            reason = exc.args[0] if isinstance(exc, NotMeasurable) else f"{type(exc).__name__}: {exc}"
            first.append(TargetResult(target, goal, None, UNMEASURED, False, (f"not measured: {reason}",)))
            continue
        value, details = (got.value, got.details) if isinstance(got, Measured) else (got, ())
        verdict = PASS if goal.holds(value) else FAIL
        first.append(TargetResult(target, goal, value, verdict, enforced(target.priority, baseline), details))
    passed = {r.target.key for r in first if r.verdict == PASS}
    out = []
    for r in first:
        winners = [k for k in r.target.yields_to if k in passed]
        if r.verdict == FAIL and r.target.priority >= 3 and winners:
            r = TargetResult(r.target, r.goal, r.achieved, LOST, r.enforced, r.details, ", ".join(winners))
        out.append(r)
    return out


def validate_dir(out_dir: Path, world: World, *, baseline: bool | None = None) -> ValidationReport:
    """Validate the output folder ``out_dir`` of a run of ``world``.

    ``baseline`` (default: the scenario is named "baseline") decides whether priority-2 totals
    are enforced; the extract's counts and rates describe the baseline world only.
    """
    out_dir = Path(out_dir)
    is_baseline = world.name == "baseline" if baseline is None else baseline
    report = ValidationReport(out_dir, world.name, is_baseline)
    report.checks += check_files(out_dir)
    frames, schema_checks = load_frames(out_dir)
    report.checks += schema_checks
    for check in (check_foreign_keys(frames), check_utm_campaigns(frames), check_dealer_list(frames, world),
                  check_dealer_names(frames), check_horizon(frames, world), check_sales_timing(frames, world),
                  check_pipeline_order(frames), check_catalogue(frames, world), check_channel_markets(frames, world),
                  check_negatives(frames)):
        report.checks += check
    report.targets = evaluate(TARGETS, RunData(out_dir, world, frames), is_baseline)
    return report


# =========================================================================== the report file
def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _extract_summary(report: ValidationReport) -> list[str]:
    lines = ["## The extract's ten checks", "", "| # | check | verdict | failing items |", "|---|---|---|---|"]
    for number, title in EXTRACT_CHECKS.items():
        checks = [c for c in report.checks if c.extract_check == number]
        targets = [t for t in report.targets if t.target.check == number]
        failing = [c.name for c in checks if not c.passed] + [t.target.key for t in targets if t.verdict in (FAIL, LOST)]
        hard = any(not c.passed for c in checks) or any(t.failed and t.enforced for t in targets)
        verdict = "FAIL" if hard else ("pass, with reported misses" if failing else "pass")
        if not checks and not targets:
            verdict = "n/a"
        shown = ", ".join(failing[:8]) + (f" (+{len(failing) - 8} more)" if len(failing) > 8 else "")
        lines.append(f"| {number} | {_cell(title)} | {verdict} | {_cell(shown)} |")
    return lines + [""]


def _checks_section(report: ValidationReport) -> list[str]:
    lines = ["## Hard invariants (priority 1)", "", "| check | verdict |", "|---|---|"]
    lines += [f"| {_cell(c.name)} | {'pass' if c.passed else 'FAIL'} |" for c in report.checks]
    failing = [c for c in report.checks if not c.passed]
    if failing:
        lines += ["", "### Failures", ""]
        for c in failing:
            lines.append(f"- **{c.name}**")
            lines += [f"  - {m}" for m in c.messages]
    return lines + [""]


def _targets_section(report: ValidationReport) -> list[str]:
    lines = ["## Targets", "",
             "Every numeric target of the extract, its tolerance, the achieved value and the verdict. "
             "Priority: 1 hard invariant, 2 totals, 3 row counts, 4 rates/shares/distributions, 5 quick reference. "
             "*lost-to-higher-priority*: the target misses while a higher-priority target it conflicts with holds "
             "(spec README decision 6).", "",
             "| P | key | the extract says | measured as | target | achieved | verdict | enforced |",
             "|---|---|---|---|---|---|---|---|"]
    for r in sorted(report.targets, key=lambda r: r.target.priority):
        t = r.target
        achieved = "—" if r.achieved is None else fmt(r.achieved, t.unit)
        verdict = f"{r.verdict} ({r.lost_to})" if r.lost_to else r.verdict
        lines.append(f"| {t.priority} | {_cell(t.key)} | {_cell(t.extract)} | {_cell(t.measure)} | "
                     f"{_cell(r.goal.describe(t.unit))} | {_cell(achieved)} | {verdict} | {'yes' if r.enforced else 'no'} |")
    detailed = [r for r in report.targets if r.details and r.verdict != PASS]
    if detailed:
        lines += ["", "### Details", ""]
        for r in detailed:
            lines.append(f"- **{r.target.key}**")
            lines += [f"  - {d}" for d in r.details]
    return lines + [""]


def _first_message(failure: str, limit: int = 300) -> str:
    first = failure.split("; first: ")[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def render(report: ValidationReport) -> str:
    counts = {v: sum(r.verdict == v for r in report.targets) for v in (PASS, FAIL, LOST, UNMEASURED)}
    head = [
        f"# Validation report: scenario `{report.scenario}`", "",
        f"**Result: {'PASS' if report.ok else 'FAIL'}** - {len(report.failures)} enforced failures. "
        + ("Baseline scenario: priorities 1 and 2 are enforced." if report.baseline
           else "Not the baseline: only priority-1 invariants are enforced; the other targets are reported."), "",
        f"Targets: {counts[PASS]} pass, {counts[FAIL]} fail, {counts[LOST]} lost to a higher priority, "
        f"{counts[UNMEASURED]} not measured. Line numbers are CSV lines (line 1 is the header).", "",
    ]
    if report.failures:
        head += ["## Enforced failures", "", "(first message of each; all messages are listed below)", ""]
        head += [f"- {_cell(_first_message(f))}" for f in report.failures] + [""]
    return "\n".join(head + _extract_summary(report) + _checks_section(report) + _targets_section(report))


def write_report(report: ValidationReport, out_dir: Path) -> Path:
    """Write ``out_dir/validation_report.md`` (deterministic: no timestamps) and return its path."""
    path = Path(out_dir) / REPORT_FILE
    path.write_text(render(report), encoding="utf-8")
    return path
