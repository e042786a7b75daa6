"""How achieved values are measured: selectors over a table's rows and measures of media,
website, context and calendar.

A measure is a function of :class:`~sim.validate.tables.RunData`; it raises
:class:`~sim.validate.tables.NotMeasurable` when the data cannot answer (the target is then
reported as not measured). Funnel measures live in :mod:`sim.validate.funnel`, row-level
consistency measures in :mod:`sim.validate.consistency`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.schemas import CHANNEL_TABLES, TABLES
from sim.validate.formatting import MONTH_NAMES, fmt
from sim.validate.goals import Goal, about, between
from sim.validate.tables import Measured, NotMeasurable, RunData

if TYPE_CHECKING:
    from sim.world.config import World


def rows_where(df: pd.DataFrame, where: dict[str, Any]) -> pd.DataFrame:
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


def ratio(num: float, den: float) -> float:
    if not den or (isinstance(den, float) and math.isnan(den)):
        raise NotMeasurable("nothing to divide by (no matching rows)")
    return float(num) / float(den)


def ratio_of(table: str, num: str, den: str, scale: float = 1.0, **where: Any) -> Callable[[RunData], float]:
    """``scale x sum(num) / sum(den)`` over the selected rows."""
    def measure(d: RunData) -> float:
        df = rows_where(d.table(table), where)
        return ratio(scale * df[num].astype(float).sum(), df[den].astype(float).sum())
    return measure


def share_of(table: str, column: str, values: Any, weight: str | None = None, **where: Any) -> Callable[[RunData],
                                                                                                        float]:
    """Share of the selected rows (or of ``weight``) whose ``column`` matches ``values``."""
    def measure(d: RunData) -> float:
        df = rows_where(d.table(table), where)
        hit = rows_where(df, {column: values})
        if weight is None:
            return ratio(len(hit), len(df))
        return ratio(hit[weight].astype(float).sum(), df[weight].astype(float).sum())
    return measure


def mean_of(table: str, column: str, weight: str | None = None, **where: Any) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        df = rows_where(d.table(table), where).dropna(subset=[column])
        w = df[weight].astype(float) if weight else pd.Series(1.0, index=df.index)
        return ratio((df[column].astype(float) * w).sum(), w.sum())
    return measure


def span_of(table: str, column: str, **where: Any) -> Callable[[RunData], tuple[float, float]]:
    def measure(d: RunData) -> tuple[float, float]:
        s = rows_where(d.table(table), where)[column].dropna().astype(float)
        if s.empty:
            raise NotMeasurable("no matching rows")
        return float(s.min()), float(s.max())
    return measure


def count_of(table: str, **where: Any) -> Callable[[RunData], int]:
    return lambda d: len(rows_where(d.table(table), where))


def most_on_one_day(table: str, column: str) -> Callable[[RunData], int]:
    """The largest number of distinct ``column`` values on one date."""
    def measure(d: RunData) -> int:
        df = d.table(table)
        if df.empty:
            raise NotMeasurable("no rows")
        return int(df.groupby("date")[column].nunique().max())
    return measure


def mode_of(table: str, cols: tuple[str, ...], **where: Any) -> Callable[[RunData], str]:
    """The most frequent combination of ``cols`` (ties broken alphabetically)."""
    def measure(d: RunData) -> str:
        df = rows_where(d.table(table), where).dropna(subset=list(cols))
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
        return ratio(allspend.loc[allspend["market"] == market, "spend"].sum(), allspend["spend"].sum())
    return measure


def month_spend(channel: str | None, month: int) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        daily = d.daily_spend.sum(axis=1) if channel is None else d.daily_spend[channel]
        return float(daily[daily.index.month == month].sum())
    return measure


def month_spend_share(month: int) -> Callable[[RunData], float]:
    return lambda d: ratio(d.monthly_spend.get(month, 0.0), d.monthly_spend.sum())


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
        df = rows_where(d.table("website_analytics"), where if channel is None else {**where, "channel": channel})
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
    return ratio(s.reindex([10, 11, 12], fill_value=0).sum(), s.reindex([1, 2, 3], fill_value=0).sum())


def weekly(series: pd.Series, start: pd.Timestamp) -> pd.Series:
    return series.groupby((series.index - start).days // 7).sum()


def web_spend_correlation(web_channels: tuple[str, ...], media: tuple[str, ...]) -> Callable[[RunData], float]:
    """Pearson correlation of weekly sessions of ``web_channels`` with weekly spend of ``media``."""
    def measure(d: RunData) -> float:
        start = pd.Timestamp(d.world.run.start)
        web = rows_where(d.table("website_analytics"), {"channel": web_channels})
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
    return lambda d: float(rows_where(d.table("competitor_spend"), {"competitor": name, "channel": "total"})
                           ["estimated_spend_gbp"].sum())


def ours_over_biggest_competitor(d: RunData) -> float:
    comp = rows_where(d.table("competitor_spend"), {"channel": "total"})
    biggest = comp.groupby("competitor")["estimated_spend_gbp"].sum().max()
    return ratio(sum(d.spend_by_file.values()), biggest)


def uk_econ(column: str, month: int | None = None) -> Callable[[RunData], Any]:
    def measure(d: RunData) -> Any:
        econ = rows_where(d.table("economic_indicators"), {"country": "UK"})
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
    econ = rows_where(d.table("economic_indicators"), {"country": "UK"})
    s = econ.set_index(econ["year_month"].str[-2:].astype(int))["smmt_total_registrations"].astype(float)
    return top_two_months(lambda _: s)(d)


def uk_registrations(d: RunData) -> float:
    return float(rows_where(d.table("economic_indicators"), {"country": "UK"})["smmt_total_registrations"].sum())


def months_with_rows(name: str) -> Callable[[RunData], int]:
    def measure(d: RunData) -> int:
        spec = TABLES[name]
        col = d.table(name)[spec.period_column]
        if spec.period == "month":  # "2025-09": distinct months of the horizon, years included
            return int(col.dropna().astype(str).str[:7].nunique())
        return int(col.dropna().dt.to_period("M").nunique())
    return measure


def horizon_months(w: World) -> Goal:
    n = (w.run.end.year - w.run.start.year) * 12 + w.run.end.month - w.run.start.month + 1
    return between(n, n)


OBJECTIVE_COLUMN = {"meta_ads": "objective", "google_ads": "campaign_type", "tiktok_ads": "objective",
                    "linkedin_ads": "objective", "youtube_ads": "format"}  # dv360: one objective, display


def paid_sessions_per_click(channel: str) -> Callable[[RunData], float]:
    """Analytics sessions of a paid website channel over the clicks the platforms report for it
    (each platform's ``click_metric``, on the rows whose objective lands in that channel)."""
    def measure(d: RunData) -> float:
        clicks = 0.0
        for platform, cfg in d.world.media.click_sessions.items():
            table = CHANNEL_TABLES.get(platform)
            if table is None:
                continue
            df = d.table(table)
            column = OBJECTIVE_COLUMN.get(table)
            objective = df[column] if column in df else pd.Series("", index=df.index)
            lands = objective.map(lambda o, cfg=cfg: cfg.analytics_channel.get(o, cfg.analytics_channel.get("*")))
            clicks += float(df.loc[lands == channel, cfg.click_metric].sum())
        web = d.table("website_analytics")
        sessions = float(web.loc[web["channel"] == channel, "sessions"].sum())
        if clicks <= 0:
            raise NotMeasurable(f"no platform clicks land in {channel}")
        return sessions / clicks
    return measure
