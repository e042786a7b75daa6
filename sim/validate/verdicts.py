"""Running it all: read the folder, run the structural checks, measure every target and
decide its verdict (conflicts decided by priority, spec README decision 6).

:func:`validate_dir` is the entry point; :func:`evaluate` is exposed for tests that build
their own targets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.schemas import TABLES, columns
from sim.validate.checks import (
    check_catalogue,
    check_channel_markets,
    check_dealer_list,
    check_dealer_names,
    check_files,
    check_foreign_keys,
    check_horizon,
    check_negatives,
    check_pipeline_order,
    check_sales_timing,
    check_utm_campaigns,
)
from sim.validate.exports import check_goal_completions, check_tv_programmes
from sim.validate.goals import equals
from sim.validate.joins import check_finance_by_sale_type, check_lead_lifecycle, check_trading_calendar
from sim.validate.results import (
    FAIL,
    LOST,
    PASS,
    UNMEASURED,
    CheckResult,
    Target,
    TargetResult,
    ValidationReport,
    enforced,
)
from sim.validate.tables import Measured, NotMeasurable, RunData, read_table, schema_problems
from sim.validate.targets import TARGETS
from sim.world.config import changes_from_baseline

if TYPE_CHECKING:
    from sim.world.config import World


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
            first.append(TargetResult(target, goal, None, UNMEASURED, False,
                                      ("not measured: no goal in this scenario",)))
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

    ``baseline`` decides whether priority-2 totals are enforced. By default they are for the
    calibrated baseline only: the scenario named "baseline" with nothing changed but the seed
    (the extract's counts describe that world; a smaller population or another budget is
    another world, whose targets are reported).
    """
    out_dir = Path(out_dir)
    changes = tuple(changes_from_baseline(world)) if baseline is None and world.name == "baseline" else ()
    is_baseline = world.name == "baseline" and not changes if baseline is None else baseline
    report = ValidationReport(out_dir, world.name, is_baseline, changes)
    report.checks += check_files(out_dir)
    frames, schema_checks = load_frames(out_dir)
    report.checks += schema_checks
    for check in (check_foreign_keys(frames), check_utm_campaigns(frames), check_dealer_list(frames, world),
                  check_dealer_names(frames), check_horizon(frames, world), check_sales_timing(frames, world),
                  check_pipeline_order(frames), check_catalogue(frames, world), check_channel_markets(frames, world),
                  check_negatives(frames), check_lead_lifecycle(frames), check_trading_calendar(frames, world),
                  check_finance_by_sale_type(frames), check_tv_programmes(frames, world),
                  check_goal_completions(frames)):
        report.checks += check
    report.targets = evaluate(TARGETS, RunData(out_dir, world, frames), is_baseline)
    return report
