"""The truth: what each channel really caused.

True incremental X of a channel = X(plan) - X(plan with that channel's spend removed), both
worlds sharing every random draw (common random numbers: same seed, same population, same
keyed uniforms). True ROI = true incremental revenue / channel spend. Marginal ROI = the
extra revenue of +``marginal_step`` spend on that channel / the extra spend. The all-media-off
world is run too, so the interaction between channels (total media effect minus the sum of
single-channel effects) is reported, not hidden:

    units(plan) - units(all off) == sum_c incr_units[c] + interaction     (exactly)

Counterfactual runs are independent, so they go through a ``concurrent.futures.Executor``
(a process pool by default, :func:`sim.system.children.process_pool`; any Executor, e.g.
dask.distributed's, can be passed in).
"""

from __future__ import annotations

import concurrent.futures as cf
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine.log import EventLog
from sim.engine.model import Interventions, LaunchModel
from sim.engine.plan import build_plan
from sim.system.children import process_pool, stop_pool
from sim.world.calendar import n_weeks, week_of_day, week_starts
from sim.world.config import World
from sim.world.streams import Streams

MARGINAL_STEP = 0.10
KPIS = ("sessions", "leads", "test_drives", "units", "revenue_gbp",
        "uk_sessions", "uk_leads", "uk_test_drives")


@dataclass(frozen=True)
class RunSpec:
    label: str
    spend_scale: dict[str, float]


def outcomes(world: World, log: EventLog) -> pd.DataFrame:
    """Weekly KPIs of one simulated world (a row per MMM week x KPIS); ``uk_*`` are those of ``mmm.kpi_market``."""
    weeks = n_weeks(world)
    week = week_of_day(np.arange(log.n_days), weeks)
    out = pd.DataFrame(0.0, index=range(weeks), columns=list(KPIS))

    def add(col: str, days, values=None) -> None:
        vals = np.ones(len(days)) if values is None else np.asarray(values, float)
        acc = np.zeros(weeks)
        np.add.at(acc, week[np.asarray(days, int)], vals)
        out[col] += acc

    home = world.mmm.kpi_market
    days = np.arange(log.n_days)
    add("sessions", days, log.sessions.sum(axis=(1, 2, 3)))
    add("uk_sessions", days, log.sessions[:, log.market_index(home)].sum(axis=(1, 2)))
    add("leads", [lead.created for lead in log.leads])
    add("uk_leads", [lead.created for lead in log.leads if lead.market == home])
    done = log.completed_drives()
    dealer_market = {d.id: d.market for d in world.dealers}
    add("test_drives", [td.drive_day for td in done])
    add("uk_test_drives", [td.drive_day for td in done if dealer_market[td.dealer] == home])
    add("units", [s.day for s in log.sales])
    add("revenue_gbp", [s.day for s in log.sales], [s.terms.transaction_price_gbp for s in log.sales])
    return out


def _simulate_outcomes(world: World, spec: RunSpec) -> tuple[str, pd.DataFrame, dict[str, float]]:
    log = LaunchModel(world, Interventions(spec.spend_scale)).run()
    return spec.label, outcomes(world, log), log.spend_by_channel()


def run_specs(world: World, channels: list[str]) -> list[RunSpec]:
    specs = [RunSpec("plan", {}), RunSpec("all_off", {c: 0.0 for c in world.media.channels})]
    for c in channels:
        specs.append(RunSpec(f"without:{c}", {c: 0.0}))
        specs.append(RunSpec(f"plus:{c}", {c: 1.0 + MARGINAL_STEP}))
    return specs


@dataclass
class Truth:
    channel: pd.DataFrame   # one row per channel + "interaction"
    weekly: pd.DataFrame    # week_start, channel, incremental KPIs
    runs: dict[str, pd.DataFrame]
    spend: dict[str, float]

    def write(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.channel.to_csv(out_dir / "channel_truth.csv", index=False, lineterminator="\n", float_format="%.6g")
        self.weekly.to_csv(out_dir / "weekly_truth.csv", index=False, lineterminator="\n", float_format="%.6g")
        totals = pd.DataFrame({label: df.sum() for label, df in sorted(self.runs.items())}).T
        totals.index.name = "run"
        totals.to_csv(out_dir / "run_totals.csv", lineterminator="\n", float_format="%.6g")


def compute_truth(world: World, executor: cf.Executor | None = None, progress=None,
                  channels: list[str] | None = None, workers: int | None = None) -> Truth:
    """Truth for ``channels`` (default: every channel with spend), plus the all-off world.

    Without ``executor``, the runs go to a process pool of ``workers`` (default: all cores)
    whose workers die with this process (:mod:`sim.system.children`) and are terminated at once
    if the computation is interrupted."""
    spend_plan = _plan_spend(world)
    channels = [c for c in (channels or list(spend_plan)) if spend_plan.get(c, 0) > 0]
    specs = run_specs(world, channels)
    own = executor is None
    executor = executor or process_pool(workers, "spawn")
    try:
        futures = [executor.submit(_simulate_outcomes, world, s) for s in specs]
        runs, spend = {}, {}
        for fut in cf.as_completed(futures):
            label, df, sp = fut.result()
            runs[label] = df
            if label == "plan":
                spend = sp
            if progress is not None:
                progress.update(1)
    except BaseException:
        if own:
            stop_pool(executor)
        raise
    if own:
        executor.shutdown()
    return _assemble(world, runs, spend, channels)


def _plan_spend(world: World) -> dict[str, float]:
    plan = build_plan(world, Streams(world.run.seed))
    return {c: float(plan.loc[plan["channel"] == c, "spend"].sum()) for c in world.media.channels}


def _assemble(world: World, runs: dict[str, pd.DataFrame], spend: dict[str, float], channels: list[str]) -> Truth:
    plan = runs["plan"]
    rows, weekly = [], []
    weeks = week_starts(world)
    for c in channels:
        incr = plan - runs[f"without:{c}"]
        extra = runs[f"plus:{c}"] - plan
        s = spend.get(c, 0.0)
        tot = incr.sum()
        rows.append({"channel": c, "spend_gbp": s,
                     **{f"incr_{k}" if not k.startswith("uk_") else f"uk_incr_{k[3:]}": tot[k] for k in KPIS},
                     "true_roi": tot["revenue_gbp"] / s if s else np.nan,
                     "marginal_roi": extra["revenue_gbp"].sum() / (MARGINAL_STEP * s) if s else np.nan,
                     "marginal_units_per_gbp": extra["units"].sum() / (MARGINAL_STEP * s) if s else np.nan})
        w = incr.copy()
        w.insert(0, "channel", c)
        w.insert(0, "week_start", weeks)
        weekly.append(w)
    table = pd.DataFrame(rows)
    total_effect = (plan - runs["all_off"]).sum()
    interaction = {"channel": "interaction", "spend_gbp": 0.0}
    for k in KPIS:
        col = f"incr_{k}" if not k.startswith("uk_") else f"uk_incr_{k[3:]}"
        interaction[col] = total_effect[k] - table[col].sum()
    table = pd.concat([table, pd.DataFrame([interaction])], ignore_index=True)
    weekly_df = pd.concat(weekly, ignore_index=True).rename(
        columns={k: (f"incr_{k}" if not k.startswith("uk_") else f"uk_incr_{k[3:]}") for k in KPIS})
    return Truth(table, weekly_df, runs, spend)
