"""The truth: what each channel really caused.

True incremental X of a channel = X(plan) - X(plan with that channel's spend removed), both
worlds sharing every random draw (common random numbers: same seed, same population, same
keyed uniforms). True ROI = true incremental revenue / channel spend. Marginal ROI = the
extra revenue of +``marginal_step`` spend on that channel / the extra spend. The all-media-off
world is run too, so the interaction between channels (total media effect minus the sum of
single-channel effects) is reported, not hidden:

    units(plan) - units(all off) == sum_c incr_units[c] + interaction     (exactly)

Besides (:mod:`sim.truth.runs`): response curves (the channel at spend multipliers 0..2),
windows (the channel's spend removed on a window's days only, its carry-over counted to the end
of the horizon), geos (:mod:`sim.truth.geo`) and replicate worlds (independent root seeds,
:mod:`sim.world.replicates`), all in one table, the ledger (:mod:`sim.truth.ledger`).

Counterfactual runs are independent, so they go through a ``concurrent.futures.Executor``
(a process pool by default, :func:`sim.system.children.process_pool`; any Executor, e.g.
dask.distributed's, can be passed in).
"""

from __future__ import annotations

import concurrent.futures as cf
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.engine.log import EventLog
from sim.engine.model import LaunchModel
from sim.system.children import process_pool, stop_pool
from sim.truth.geo import ALL, CAUSAL_KPIS, geo_outcomes
from sim.truth.ledger import (
    CANONICAL,
    FLOAT_FORMAT,
    WorldRuns,
    channel_table,
    replicate_summary,
    replicate_table,
    response_table,
    run_totals,
    weekly_table,
    world_ledger,
)
from sim.truth.runs import (
    MARGINAL_STEP,
    MULTIPLIERS,
    Request,
    RunSpec,
    Window,
    default_windows,
    distinct_runs,
    parse_window,
    run_specs,
    spending_days,
    window_spend,
)
from sim.world.config import World
from sim.world.replicates import replicate_seed, replicate_world

KPIS = ("sessions", "leads", "test_drives", "units", "revenue_gbp",
        "uk_sessions", "uk_leads", "uk_test_drives")
HOME_KPIS = ("sessions", "leads", "test_drives")

__all__ = ["KPIS", "MARGINAL_STEP", "MULTIPLIERS", "Request", "RunSpec", "Truth", "TruthPlan", "Window",
           "compute_truth", "default_windows", "outcomes", "parse_window", "plan_truth", "run_specs"]


def kpi_frame(world: World, cube: pd.DataFrame) -> pd.DataFrame:
    """The weekly KPIs of all markets and the ``uk_*`` ones of ``mmm.kpi_market``, from an outcome cube."""
    out = cube.xs(ALL)[list(CAUSAL_KPIS)].reset_index(drop=True)
    home = cube.xs(world.mmm.kpi_market).reset_index(drop=True)
    for k in HOME_KPIS:
        out[f"uk_{k}"] = home[k]
    return out


def outcomes(world: World, log: EventLog) -> pd.DataFrame:
    """Weekly KPIs of one simulated world (a row per MMM week x KPIS); ``uk_*`` are those of ``mmm.kpi_market``."""
    return kpi_frame(world, geo_outcomes(world, log))


def _simulate(world: World, spec: RunSpec) -> tuple[str, pd.DataFrame, pd.Series, dict[str, float]]:
    """One counterfactual world: its outcome cube, its spend per channel and market, its spend per channel."""
    log = LaunchModel(world, spec.interventions()).run()
    return (spec.label, geo_outcomes(world, log), log.media.groupby(["channel", "market"])["spend"].sum(),
            log.spend_by_channel())


def _simulate_outcomes(world: World, spec: RunSpec) -> tuple[str, pd.DataFrame, dict[str, float]]:
    log = LaunchModel(world, spec.interventions()).run()
    return spec.label, outcomes(world, log), log.spend_by_channel()


@dataclass
class WorldPlan:
    """One world of a truth computation: its label, its runs (label -> the label that runs it)."""

    label: str
    world: World
    specs: list[RunSpec]
    runs_of: dict[str, str]
    spend: pd.DataFrame  # the plan's spend per channel, market and date

    @property
    def distinct(self) -> list[RunSpec]:
        return [s for s in self.specs if self.runs_of[s.label] == s.label]


@dataclass
class TruthPlan:
    """Every world and run a request needs, before any is simulated (``sim truth`` prints its size)."""

    request: Request
    worlds: list[WorldPlan]
    replicates: int

    @property
    def n_runs(self) -> int:
        return sum(len(w.distinct) for w in self.worlds)

    def describe(self) -> str:
        per = sorted({len(w.distinct) for w in self.worlds})
        per_text = f"{per[0]}" if len(per) == 1 else f"{per[0]}-{per[-1]}"
        worlds = "1 world" if len(self.worlds) == 1 else f"{len(self.worlds)} worlds (canonical + {self.replicates} " \
                                                          "replicates)"
        n = len(self.request.channels)
        return (f"{self.n_runs} counterfactual runs: {worlds} x {per_text} runs ({n} channel{'s' if n != 1 else ''}"
                f"{', response curves' if self.request.curves else ''}"
                f"{', windows ' + ', '.join(w.name for w in self.request.windows) if self.request.windows else ''})")


def _spending_channels(spend: pd.DataFrame, channels) -> tuple[str, ...]:
    totals = spend.groupby("channel")["spend"].sum()
    return tuple(c for c in channels if totals.get(c, 0) > 0)


def plan_truth(world: World, channels: list[str] | None = None, curves: bool = False, windows=None,
               replicates: int = 0) -> TruthPlan:
    """The worlds (the scenario's own, then replicates 0..N-1) and the distinct runs of each;
    ``windows`` None: :func:`default_windows` (``()`` for none), as `sim truth` without ``--window``."""
    spend = spending_days(world)
    windows = default_windows(world) if windows is None else windows
    request = Request(_spending_channels(spend, channels or list(world.media.channels)), curves, tuple(windows))
    worlds = []
    for label, w in [(CANONICAL, world), *((f"r{i}", replicate_world(world, i)) for i in range(replicates))]:
        days = spend if w is world else spending_days(w)
        specs = run_specs(w, list(request.channels), curves, request.windows)
        worlds.append(WorldPlan(label, w, specs, distinct_runs(specs, days), days))
    return TruthPlan(request, worlds, replicates)


@dataclass
class Truth:
    channel: pd.DataFrame   # one row per channel + "interaction" (the canonical world)
    weekly: pd.DataFrame    # week_start, channel, incremental KPIs
    runs: dict[str, pd.DataFrame]  # the canonical world's runs: label -> weekly KPIS
    spend: dict[str, float]
    ledger: pd.DataFrame
    plan: TruthPlan

    def write(self, out_dir: Path) -> None:
        """The ledger and its views; with curves, response_curves.{csv,png}; with replicates, replicates.csv."""
        out_dir.mkdir(parents=True, exist_ok=True)

        def csv(frame: pd.DataFrame, name: str, index: bool = False) -> None:
            frame.to_csv(out_dir / name, index=index, lineterminator="\n", float_format=FLOAT_FORMAT)

        csv(self.channel, "channel_truth.csv")
        csv(self.weekly, "weekly_truth.csv")
        csv(run_totals(self.ledger, self.plan.worlds[0].world), "run_totals.csv", index=True)
        csv(self.ledger, "ledger.csv")
        request = self.plan.request
        if request.windows:
            world = self.plan.worlds[0].world
            csv(pd.concat([channel_table(self.ledger, world, request.channels, w.name).assign(period=w.name)
                           for w in request.windows], ignore_index=True)
                .pipe(lambda t: t[["period", *(c for c in t.columns if c != "period")]]), "window_truth.csv")
        if request.curves:
            csv(response_table(self.ledger), "response_curves.csv")
            from sim.truth.chart import plot_response_curves
            plot_response_curves(response_table(self.ledger), out_dir / "response_curves.png")
        if self.plan.replicates:
            csv(replicate_table(self.ledger), "replicates.csv")

    def provenance_extra(self) -> dict:
        """What the truth holds, for truth/provenance.json (beside the world's causal hash)."""
        request = self.plan.request
        seed = self.plan.worlds[0].world.run.seed
        return {"channels": list(request.channels), "curves": request.curves,
                "multipliers": list(MULTIPLIERS) if request.curves else [],
                "windows": {w.name: w.as_range() for w in request.windows}, "replicates": self.plan.replicates,
                "replicate_seeds": [replicate_seed(seed, i) for i in range(self.plan.replicates)],
                "runs": self.plan.n_runs}


def compute_truth(world: World, executor: cf.Executor | None = None, progress=None,
                  channels: list[str] | None = None, workers: int | None = None, *, curves: bool = False,
                  windows=None, replicates: int = 0, plan: TruthPlan | None = None) -> Truth:
    """Truth for ``channels`` (default: every channel with spend), plus the all-off world; with
    ``curves`` the response curves, per window of ``windows`` (default: pre- and post-launch, as
    `sim truth`; ``()`` for none) the effect of its spend, and ``replicates`` replicate worlds with
    their own counterfactuals (``plan``: from :func:`plan_truth`, which these arguments make otherwise).

    Without ``executor``, the runs go to a process pool of ``workers`` (default: all cores)
    whose workers die with this process (:mod:`sim.system.children`) and are terminated at once
    if the computation is interrupted."""
    plan = plan or plan_truth(world, channels, curves, windows, replicates)
    own = executor is None
    executor = executor or process_pool(workers, "spawn")
    results: dict[str, dict[str, tuple]] = {w.label: {} for w in plan.worlds}
    try:
        futures = {executor.submit(_simulate, w.world, s): w.label for w in plan.worlds for s in w.distinct}
        for fut in cf.as_completed(futures):
            label, cube, spend_cm, spend_c = fut.result()
            results[futures[fut]][label] = (cube, spend_cm, spend_c)
            if progress is not None:
                progress.update(1)
    except BaseException:
        if own:
            stop_pool(executor)
        raise
    if own:
        executor.shutdown()
    return _assemble(plan, results)


def _assemble(plan: TruthPlan, results: dict[str, dict[str, tuple]]) -> Truth:
    request = plan.request
    ledgers = []
    canonical = None
    for w in plan.worlds:
        got = results[w.label]
        cubes = {s.label: got[w.runs_of[s.label]][0] for s in w.specs}
        spend = {s.label: got[w.runs_of[s.label]][1] for s in w.specs}
        windows = {"all": window_spend(w.spend, None), **{x.name: window_spend(w.spend, x) for x in request.windows}}
        runs = WorldRuns(w.world, cubes, spend, windows)
        plan_spend = got["plan"][2]
        ledgers.append(world_ledger(runs, request, plan_spend, w.label, weekly=w.label == CANONICAL))
        if w.label == CANONICAL:
            canonical = (w.world, cubes, plan_spend)
    if plan.replicates:
        ledgers.append(replicate_summary(pd.concat(ledgers[1:], ignore_index=True), plan.replicates))
    ledger = pd.concat(ledgers, ignore_index=True)
    world, cubes, plan_spend = canonical
    kpis = {label: kpi_frame(world, cube) for label, cube in cubes.items()
            if label in ("plan", "all_off") or label.split(":")[0] in ("without", "plus") and "@" not in label}
    return Truth(channel_table(ledger, world, request.channels), weekly_table(ledger, world, request.channels), kpis,
                 plan_spend, ledger, plan)
