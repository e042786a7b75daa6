"""The ledger: every true value of a truth computation in one tidy table, and the files cut from it.

A row is one number: ``value`` of ``estimand`` for ``kpi`` of ``channel``, for the spend of
``period`` (``all``: the whole horizon; a window's name), measured over ``week`` (``all``: to
the end of the horizon; a week start: that MMM week), in ``geo`` (``geo_level``: ``all``,
``market``, ``region``), in ``world`` (``canonical``: the scenario's own seed; ``r0`` ...: the
replicate worlds; ``mean``: the mean over the replicates, with ``ci90_low``/``ci90_high``, the
90% interval of the mean, and ``pi90_low``/``pi90_high``, the 5th-95th percentile over worlds).
``replicates`` is how many worlds the value rests on.

Estimands (KPI X, channel c; X(plan) minus X(world) summed over the weeks, per geo):

* ``incremental``: X(plan) - X(plan without c's spend in the period);
* ``spend`` (kpi ``spend_gbp``): c's spend in the period (all and markets);
* ``roi``: incremental / spend (for ``revenue_gbp`` the true ROI; for a count, per GBP);
* ``marginal_roi``: (X(c at +10%) - X(plan)) / (10% of spend) (period ``all``);
* ``response`` (with ``multiplier`` m): X(c's spend x m) - X(without c) (period ``all``, with curves);
* ``curve_marginal_roi``: the central difference of the curve at 1, (X(1.25) - X(0.75)) / (spend(1.25) - spend(0.75));
* ``level`` (``channel`` names the run: ``plan``, ``all_off``, ``without:tv``, ``plus:tv``, ``curve:tv@0.5``,
  ``without:tv@pre_launch``): X of that world (geo all and markets).

Channel ``interaction`` is the total media effect less the channels' incremental effects; channel
``all_media`` the total media effect, X(plan) - X(all media off). ROI and spend rows exist for
``all`` and the markets only (a national channel's spend in a region is an allocation
convention, not a fact), and sessions per market only (:mod:`sim.truth.geo`). Weekly rows
(``week`` a week start, estimand ``incremental``) are written for the canonical world, the world
whose data the MMM sees: every geo for period ``all``, ``all`` and the markets for a window; the
replicates add their totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.truth.geo import ALL, CAUSAL_KPIS, geo_levels
from sim.truth.runs import CURVE_MARGINAL, MARGINAL_STEP, MULTIPLIERS, Request, curve_label, window_label
from sim.world.config import World

LEDGER_COLUMNS = ["world", "period", "week", "geo", "geo_level", "channel", "kpi", "estimand", "multiplier", "value",
                  "ci90_low", "ci90_high", "pi90_low", "pi90_high", "replicates"]
KEY = ["period", "week", "geo", "geo_level", "channel", "kpi", "estimand", "multiplier"]
CANONICAL, MEAN = "canonical", "mean"
INTERACTION, ALL_MEDIA = "interaction", "all_media"
CI = 0.90
FLOAT_FORMAT = "%.6g"


class WorldRuns:
    """The runs of one world: label -> outcome cube (:func:`sim.truth.geo.geo_outcomes`) and spend
    (label -> channel x market spend of that run), with the plan's spend per window."""

    def __init__(self, world: World, cubes: dict, spend: dict, window_spend: dict):
        self.world, self.cubes, self.spend, self.window_spend = world, cubes, spend, window_spend
        self.levels = geo_levels(world)
        self.money_geos = [g for g, lv in self.levels.items() if lv in ("all", "market")]

    def totals(self, frame: pd.DataFrame) -> dict[str, pd.Series]:
        """Geo -> KPI sums over the weeks (a KPI a geo cannot have stays NaN)."""
        return {g: frame.xs(g).sum(min_count=1) for g in self.levels}

    def diff(self, a: str, b: str) -> pd.DataFrame:
        return self.cubes[a] - self.cubes[b]

    def spend_of(self, label: str, channel: str, geo: str) -> float:
        return _geo_spend(self.spend[label], channel, geo)


def _geo_spend(spend: pd.Series, channel: str, geo: str) -> float:
    if channel not in spend.index.get_level_values(0):
        return 0.0
    part = spend.xs(channel, level=0)
    return float(part.sum()) if geo == ALL else float(part.get(geo, 0.0))


def _rows(totals: dict[str, pd.Series], levels: dict[str, str], **const) -> list[dict]:
    return [{**const, "geo": g, "geo_level": levels[g], "kpi": k, "value": float(v)}
            for g, series in totals.items() for k, v in series.items() if not pd.isna(v)]


def world_ledger(runs: WorldRuns, request: Request, plan_spend: dict[str, float], world_label: str,
                 weekly: bool) -> pd.DataFrame:
    """The ledger rows of one world. ``plan_spend``: the plan run's spend per channel (as the log sums it)."""
    rows: list[dict] = []
    levels, weeks = runs.levels, None
    if weekly:
        from sim.world.calendar import week_starts
        weeks = week_starts(runs.world)
    periods = [("all", None), *((w.name, w) for w in request.windows)]
    channel_totals: dict[str, dict[str, pd.Series]] = {}
    for period, window in periods:
        for c in request.channels:
            label = f"without:{c}" if window is None else window_label(c, window)
            incr = runs.diff("plan", label)
            totals = runs.totals(incr)
            if window is None:
                channel_totals[c] = totals
            base = {"period": period, "week": "all", "channel": c}
            rows += _rows(totals, levels, **base, estimand="incremental")
            for g in runs.money_geos:
                spend = plan_spend.get(c, 0.0) if (window is None and g == ALL) else \
                    _geo_spend(runs.window_spend[period], c, g)
                rows.append({**base, "geo": g, "geo_level": levels[g], "kpi": "spend_gbp", "estimand": "spend",
                             "value": spend})
                if spend:
                    rows += [{**base, "geo": g, "geo_level": levels[g], "kpi": k, "estimand": "roi",
                              "value": float(totals[g][k] / spend)} for k in CAUSAL_KPIS]
            if weekly:  # every geo for the whole horizon's spend; all and the markets for a window's
                frame = incr if window is None else incr.loc[list(runs.money_geos)]
                rows += _weekly_rows(frame, weeks, levels, period=period, channel=c, estimand="incremental")
    for c in request.channels:
        extra = runs.totals(runs.diff(f"plus:{c}", "plan"))
        base = {"period": "all", "week": "all", "channel": c}
        for g in runs.money_geos:
            spend = plan_spend.get(c, 0.0) if g == ALL else _geo_spend(runs.window_spend["all"], c, g)
            if spend:
                rows += [{**base, "geo": g, "geo_level": levels[g], "kpi": k, "estimand": "marginal_roi",
                          "value": float(extra[g][k] / (MARGINAL_STEP * spend))} for k in CAUSAL_KPIS]
        if request.curves:
            rows += _curve_rows(runs, c, base)
    total_effect = runs.totals(runs.diff("plan", "all_off"))
    base = {"period": "all", "week": "all"}
    rows += _rows(total_effect, levels, **base, channel=ALL_MEDIA, estimand="incremental")
    interaction = {g: total_effect[g] - sum_in_order([channel_totals[c][g] for c in request.channels])
                   for g in levels}
    rows += _rows(interaction, levels, **base, channel=INTERACTION, estimand="incremental")
    for label in runs.cubes:
        totals = runs.totals(runs.cubes[label])
        rows += _rows({g: totals[g] for g in runs.money_geos}, levels, **base, channel=label, estimand="level")
    table = pd.DataFrame(rows)
    table.insert(0, "world", world_label)
    table["replicates"] = 1
    return table.reindex(columns=LEDGER_COLUMNS)


def sum_in_order(parts: list[pd.Series]) -> pd.Series:
    """The channels' effects summed per KPI as a column of the channel table is summed (NaN stays NaN)."""
    return pd.Series({k: pd.Series([p[k] for p in parts], dtype=float).sum(min_count=1) if parts else 0.0
                      for k in CAUSAL_KPIS})


def _weekly_rows(frame: pd.DataFrame, weeks: list[str], levels: dict[str, str], **const) -> list[dict]:
    long = frame.stack().rename("value").reset_index()  # drops the regions' NaN sessions
    long.columns = ["geo", "week", "kpi", "value"]
    long["week"] = np.asarray(weeks, dtype=object)[long["week"].to_numpy()]
    long["geo_level"] = long["geo"].map(levels)
    return [{**const, **r} for r in long.to_dict("records")]


def _curve_rows(runs: WorldRuns, c: str, base: dict) -> list[dict]:
    rows = []
    zero = f"without:{c}"
    for m in MULTIPLIERS:
        label = curve_label(c, m)
        totals = runs.totals(runs.diff(label, zero))
        rows += _rows(totals, runs.levels, **base, estimand="response", multiplier=m)
        for g in runs.money_geos:
            rows.append({**base, "geo": g, "geo_level": runs.levels[g], "kpi": "spend_gbp", "estimand": "response",
                         "multiplier": m, "value": runs.spend_of(label, c, g)})
    low, high = (curve_label(c, m) for m in CURVE_MARGINAL)
    step = runs.totals(runs.diff(high, low))
    for g in runs.money_geos:
        spend = runs.spend_of(high, c, g) - runs.spend_of(low, c, g)
        if spend:
            rows += [{**base, "geo": g, "geo_level": runs.levels[g], "kpi": k, "estimand": "curve_marginal_roi",
                      "value": float(step[g][k] / spend)} for k in CAUSAL_KPIS]
    return rows


def replicate_summary(replicates: pd.DataFrame, n: int) -> pd.DataFrame:
    """Per key, over the ``n`` replicate worlds: the mean, its 90% interval (Student t) and the 5th-95th
    percentile of the worlds (keys every world has; weekly rows have none)."""
    keyed = replicates.assign(multiplier=replicates["multiplier"].fillna(-1.0))
    groups = keyed.groupby(KEY, sort=False)["value"]
    out = groups.agg(["mean", "std", "count"])
    out = out[out["count"] == n]
    values = keyed.set_index(KEY)["value"]
    pct = values.groupby(level=KEY, sort=False).quantile([0.05, 0.95]).unstack()
    half = stats.t.ppf(0.5 + CI / 2, n - 1) * out["std"] / np.sqrt(n) if n > 1 else np.nan
    table = pd.DataFrame({"value": out["mean"], "ci90_low": out["mean"] - half, "ci90_high": out["mean"] + half,
                          "pi90_low": pct.loc[out.index, 0.05], "pi90_high": pct.loc[out.index, 0.95],
                          "replicates": n}).reset_index()
    table["multiplier"] = table["multiplier"].where(table["multiplier"] >= 0)
    table.insert(0, "world", MEAN)
    return table.reindex(columns=LEDGER_COLUMNS)


# --------------------------------------------------------------------------- views of the ledger
def _column(kpi: str, home_geo: bool) -> str:
    return f"uk_incr_{kpi}" if home_geo else f"incr_{kpi}"


HOME_KPIS = ("sessions", "leads", "test_drives")  # the kpi market's KPIs of the weekly tables (uk_*)
CHANNEL_COLUMNS = ["channel", "spend_gbp", *(f"incr_{k}" for k in CAUSAL_KPIS), *(f"uk_incr_{k}" for k in HOME_KPIS),
                   "true_roi", "marginal_roi", "marginal_units_per_gbp"]


def _pick(ledger: pd.DataFrame, world: str, period: str, week_all: bool = True) -> pd.DataFrame:
    rows = ledger[(ledger["world"] == world) & (ledger["period"] == period)]
    return rows[rows["week"] == "all"] if week_all else rows[rows["week"] != "all"]


def channel_table(ledger: pd.DataFrame, world: World, channels, period: str = "all",
                  which: str = CANONICAL) -> pd.DataFrame:
    """channel_truth.csv (and, per window, window_truth.csv): a row per channel + ``interaction``."""
    rows = _pick(ledger, which, period)
    home = world.mmm.kpi_market
    value = rows.set_index(["channel", "geo", "kpi", "estimand"])["value"]
    value = value[~value.index.duplicated()]  # response rows (with multipliers) are not read here

    def get(c, g, k, e):
        return value.get((c, g, k, e), np.nan)

    out = []
    for c in channels:
        row = {"channel": c, "spend_gbp": get(c, ALL, "spend_gbp", "spend")}
        row.update({f"incr_{k}": get(c, ALL, k, "incremental") for k in CAUSAL_KPIS})
        row.update({f"uk_incr_{k}": get(c, home, k, "incremental") for k in HOME_KPIS})
        row.update({"true_roi": get(c, ALL, "revenue_gbp", "roi"), "marginal_roi": get(c, ALL, "revenue_gbp",
                                                                                        "marginal_roi"),
                    "marginal_units_per_gbp": get(c, ALL, "units", "marginal_roi")})
        out.append(row)
    if period == "all":
        row = {"channel": INTERACTION, "spend_gbp": 0.0}
        row.update({f"incr_{k}": get(INTERACTION, ALL, k, "incremental") for k in CAUSAL_KPIS})
        row.update({f"uk_incr_{k}": get(INTERACTION, home, k, "incremental") for k in HOME_KPIS})
        out.append(row)
    table = pd.DataFrame(out, columns=CHANNEL_COLUMNS)
    if period != "all":
        table = table.drop(columns=["marginal_roi", "marginal_units_per_gbp"])
    return table


def weekly_table(ledger: pd.DataFrame, world: World, channels, period: str = "all") -> pd.DataFrame:
    """weekly_truth.csv: week_start, channel, the incremental KPIs of the week (all markets and the kpi market)."""
    rows = _pick(ledger, CANONICAL, period, week_all=False)
    rows = rows[rows["estimand"] == "incremental"]
    home = world.mmm.kpi_market
    parts = []
    for geo, kpis, prefix in ((ALL, CAUSAL_KPIS, "incr_"), (home, HOME_KPIS, "uk_incr_")):
        part = rows[(rows["geo"] == geo) & rows["kpi"].isin(kpis)]
        wide = part.pivot(index=["channel", "week"], columns="kpi", values="value")[list(kpis)]
        parts.append(wide.add_prefix(prefix))
    table = pd.concat(parts, axis=1).reset_index().rename(columns={"week": "week_start"})
    order = {c: i for i, c in enumerate(channels)}
    table = table.sort_values(["channel", "week_start"], key=lambda s: s.map(order) if s.name == "channel" else s,
                              kind="stable")
    return table[["week_start", "channel", *(c for c in table.columns if c not in ("week_start", "channel"))]] \
        .reset_index(drop=True)


def run_totals(ledger: pd.DataFrame, world: World) -> pd.DataFrame:
    """run_totals.csv: each run's KPIs over the horizon (all markets and the kpi market)."""
    rows = _pick(ledger, CANONICAL, "all")
    rows = rows[rows["estimand"] == "level"]
    home = world.mmm.kpi_market
    a = rows[rows["geo"] == ALL].pivot(index="channel", columns="kpi", values="value")[list(CAUSAL_KPIS)]
    h = rows[rows["geo"] == home].pivot(index="channel", columns="kpi", values="value")[list(HOME_KPIS)]
    table = pd.concat([a, h.add_prefix("uk_")], axis=1).sort_index()
    table.index.name = "run"
    return table


def response_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """response_curves.csv: channel x multiplier x KPI at geo all: spend, the canonical world's response and,
    with replicates, their mean and intervals."""
    rows = ledger[(ledger["estimand"] == "response") & (ledger["geo"] == ALL)]
    canon = rows[rows["world"] == CANONICAL].set_index(["channel", "multiplier", "kpi"])["value"].rename("value")
    mean = rows[rows["world"] == MEAN].set_index(["channel", "multiplier", "kpi"])
    table = canon.to_frame()
    if len(mean):
        table = table.join(mean[["value", "ci90_low", "ci90_high", "pi90_low", "pi90_high", "replicates"]]
                           .rename(columns={"value": "mean"}))
    return table.reset_index()


def replicate_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """replicates.csv: geo all, totals: the canonical world beside the replicates' mean, ``ci90_mean``,
    ``pi90_world`` and the half-width of ``ci90_mean`` as a share of the mean (the noise floor)."""
    rows = ledger[(ledger["geo"] == ALL) & (ledger["week"] == "all") & (ledger["estimand"] != "level")]
    key = ["period", "channel", "kpi", "estimand", "multiplier"]
    mean = rows[rows["world"] == MEAN].drop(columns=["world", "week", "geo", "geo_level"])
    canon = rows[rows["world"] == CANONICAL][key + ["value"]].rename(columns={"value": "canonical"})
    table = mean.rename(columns={"value": "mean", "ci90_low": "ci90_mean_low", "ci90_high": "ci90_mean_high",
                                 "pi90_low": "pi90_world_low", "pi90_high": "pi90_world_high"})
    table = table.merge(canon, on=key, how="left")
    table["half_width_pct"] = (table["ci90_mean_high"] - table["ci90_mean_low"]) / 2 / table["mean"].abs() * 100
    return table[[*key, "canonical", "mean", "ci90_mean_low", "ci90_mean_high", "pi90_world_low", "pi90_world_high",
                  "half_width_pct", "replicates"]]
