"""What the ten media exporters share: money rounding, derived metrics, outcomes, reporting noise.

The exporters are views of the delivered plan (:func:`sim.engine.delivery.deliver`): they never
change spend, impressions or clicks. Every ratio a table shows (CTR, CPM, CPC, ...) is computed
from the very counts and the very (rounded) spend written beside it, so a reader who recomputes
``clicks / impressions`` gets the published CTR. Rounding spend to pennies uses the largest
remainder, so a channel's total is preserved to the penny.

Reporting-only quantities (reach, frequency, engagement splits, programme names) are drawn from
the table's own generator. Their ranges are reporting conventions, not causes of anything; they
live in the scenario under ``[reporting.media.<channel>]`` (:mod:`sim.world.reporting`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.schemas import columns
from sim.world.config import World

PENNIES_PER_GBP = 100
PER_MILLE = 1000
RATE_DECIMALS = 6  # ctr, view rates: exact enough that recomputing them from the counts agrees
PRICE_DECIMALS = 4  # cpm, cpc, cpv: unit prices below a penny stay visible
MONEY_DECIMALS = 2
FREQUENCY_DECIMALS = 2  # frequencies, seconds, percentages of reach


# --------------------------------------------------------------------------- selection
def channel_rows(delivered: pd.DataFrame, channel: str) -> pd.DataFrame:
    """The channel's delivered rows (a copy), in a fixed order: date, market, campaign, breakdown."""
    rows = delivered[delivered["channel"] == channel]
    rows = rows.sort_values(["date", "market", "campaign_name", "line_id", "breakdown"], kind="stable")
    return rows.reset_index(drop=True)


def attribute(rows: pd.DataFrame, key: str, default: Any = None) -> list[Any]:
    """One reporting attribute of every row (TV broadcaster, OOH vendor, print edition, ...)."""
    return [a.get(key, default) for a in rows["attributes"]]


def week_start(dates: pd.Series) -> pd.Series:
    """The Monday on or before each date."""
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


def region_adults_000(world: World, market: str, region: str | None) -> float:
    """Adults (thousands) of a region, by the market's population weights; the whole market if None."""
    m = world.markets[market]
    total = m.adult_population_m * PER_MILLE
    if region is None or region not in m.regions:
        return total
    return total * m.regions[region] / sum(m.regions.values())


# --------------------------------------------------------------------------- rounding
def largest_remainder(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Round non-negative values to integers so that each group's sum is its rounded sum.

    Each value is floored, and the units the floors lost go to the largest remainders
    (ties to the earlier row), so rounding never moves a group's total.
    """
    values = np.asarray(values, dtype=float)
    groups = np.zeros(len(values), np.int64) if groups is None else pd.factorize(groups)[0]
    floor = np.floor(values)
    rest = values - floor
    n_groups = groups.max() + 1 if len(values) else 0
    missing = np.round(np.bincount(groups, values, n_groups)) - np.bincount(groups, floor, n_groups)
    order = np.lexsort((np.arange(len(values)), -rest, groups))
    rank = np.empty(len(values), np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(groups[order])) + 1]
    sizes = np.diff(np.r_[starts, len(values)])
    rank[order] = np.arange(len(values)) - np.repeat(starts, sizes)
    return (floor + (rank < missing[groups])).astype(np.int64)


def round_money(spend: np.ndarray | pd.Series, groups: np.ndarray | None = None) -> np.ndarray:
    """GBP to pennies, preserving the total (of each group) to the penny."""
    pennies = largest_remainder(np.asarray(spend, dtype=float) * PENNIES_PER_GBP, groups)
    return pennies / PENNIES_PER_GBP


def ratio(numerator: Any, denominator: Any, decimals: int, scale: float = 1.0, empty: float = np.nan) -> np.ndarray:
    """numerator / denominator x scale, rounded; ``empty`` where the denominator is 0.

    Rates per impression are 0 when nothing was served (the schemas' convention); costs per
    click, view, lead or conversion are empty cells when there is none.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    out = np.divide(num * scale, den, out=np.full(len(num), float(empty)), where=den > 0)
    return np.round(out, decimals)


def add_delivery_metrics(table: pd.DataFrame, spend: pd.Series, cpc_name: str | None = "cpc") -> None:
    """Rounded spend and the ratios derived from it and from the counts: ctr, cpm, cpc."""
    table["spend"] = round_money(spend)
    table["ctr"] = ratio(table["clicks"], table["impressions"], RATE_DECIMALS, empty=0)
    table["cpm"] = ratio(table["spend"], table["impressions"], PRICE_DECIMALS, PER_MILLE, empty=0)
    if cpc_name:
        table[cpc_name] = ratio(table["spend"], table["clicks"], PRICE_DECIMALS)


# --------------------------------------------------------------------------- noise
def draw(rng: np.random.Generator, bounds: Sequence[float], n: int) -> np.ndarray:
    """n uniform draws inside a (low, high) reporting range."""
    lo, hi = bounds
    return rng.uniform(lo, hi, n)


def thin(rng: np.random.Generator, counts: Any, bounds: Sequence[float]) -> np.ndarray:
    """A random subset of each count (binomial with a rate drawn in the range): never more."""
    counts = np.asarray(counts, dtype=np.int64)
    return rng.binomial(counts, draw(rng, bounds, len(counts)))


def capped_reach(rng: np.random.Generator, impressions: Any, universe: Any, frequency: Sequence[float],
                 max_share: float) -> np.ndarray:
    """People reached (same unit as impressions): impressions over a frequency drawn in the range,
    capped at a share of the universe (frequency then rises) and at the impressions (frequency >= 1)."""
    impressions = np.asarray(impressions, dtype=float)
    reach = impressions / draw(rng, frequency, len(impressions))
    reach = np.minimum(reach, np.asarray(universe, dtype=float) * max_share)
    return np.minimum(reach, impressions)


# --------------------------------------------------------------------------- platform outcomes
def _reporting_days(rows: pd.DataFrame, outcomes: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each outcome's reporting day: its own if the campaign ran, else the campaign's last
    earlier day on air, else its first later one."""
    days = rows[keys + ["date"]].drop_duplicates().assign(row_date=lambda f: f["date"])
    outcomes = outcomes.sort_values("date", kind="stable")
    days = days.sort_values("date", kind="stable")
    before = pd.merge_asof(outcomes, days, on="date", by=keys, direction="backward")
    after = pd.merge_asof(outcomes, days, on="date", by=keys, direction="forward")
    outcomes = outcomes.assign(date=before["row_date"].fillna(after["row_date"]).to_numpy())
    per_day = outcomes.groupby(keys + ["date"], as_index=False)["value"].sum()
    return per_day.assign(value=np.round(per_day["value"]).astype(np.int64))


def platform_outcomes(rows: pd.DataFrame, outcomes: pd.DataFrame | None, channel: str, metric: str,
                      weight: str = "clicks") -> np.ndarray:
    """The funnel's outcomes (leads, conversions) reported on the platform's rows, as integers.

    Outcomes come per day x market x campaign; the campaign's rows of that day (platforms,
    keyword groups) share them in proportion to ``weight`` (largest remainder: nothing is lost).
    An outcome on a day the campaign was off air goes to its nearest earlier day on air, as a
    platform credits the ad that was seen. An unknown campaign is the caller's error, never
    silently dropped.
    """
    result = np.zeros(len(rows), np.int64)
    if outcomes is None or outcomes.empty:
        return result
    mine = outcomes[(outcomes["channel"] == channel) & (outcomes["metric"] == metric)]
    if mine.empty:
        return result
    keys = ["market", "campaign_id"]
    mine = mine.assign(date=pd.to_datetime(mine["date"]).astype(rows["date"].dtype),
                       campaign_id=mine["campaign_id"].astype(str))
    unknown = set(map(tuple, mine[keys].to_numpy())) - set(map(tuple, rows[keys].to_numpy()))
    if unknown:
        raise ValueError(f"{channel} {metric}: outcomes for campaigns with no delivered rows: {sorted(unknown)[:5]}")
    per_day = _reporting_days(rows, mine[keys + ["date", "value"]], keys)
    located = rows[keys + ["date"]].reset_index().merge(per_day, on=keys + ["date"], how="inner")
    index = located["index"].to_numpy()
    w = rows[weight].to_numpy(dtype=float)[index]
    group = located.groupby(keys + ["date"]).ngroup().to_numpy()
    total_w = np.bincount(group, w)[group]
    share = np.where(total_w > 0, w / np.where(total_w > 0, total_w, 1), 1 / np.bincount(group)[group])
    result[index] = largest_remainder(located["value"].to_numpy() * share, group)
    return result


def finish(table: pd.DataFrame, name: str, order: list[str]) -> pd.DataFrame:
    """The table in its declared column order (:func:`sim.schemas.columns`), rows sorted deterministically."""
    table = table.sort_values(order, kind="stable").reset_index(drop=True)
    return table[columns(name)]
