"""Command line: ``sim run``, ``sim truth``, ``sim sweep``, ``sim compare``, ``sim validate`` and the rest
(``python -m sim`` works too)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from sim.world.config import ConfigError, load_world


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sim", description="Causal agent-based simulator of a car brand's 2025 launch "
                                "year: raw platform exports, vendor contracts, weekly MMM tables.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and write its output folder",
                         description="Simulate SCENARIO day by day and write raw/, raw/contracts/, mmm/, "
                         "manifest.json and validation_report.md into the output folder (atomically).")
    _world_arguments(run)
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    cal = sub.add_parser("calibrate", help="tune the free parameters against the extract's targets",
                         description="Run the scenario repeatedly, rescaling calibration.action_scale (to hit "
                         "calibration.target_leads) and calibration.purchase_scale (to hit sales.target_units), "
                         "and write the result into the scenario file.")
    cal.add_argument("scenario", nargs="?", default="baseline",
                     help="a scenario name in scenarios/ or a path to a .toml file (default: baseline)")
    cal.add_argument("--iterations", type=_positive_int, default=5,
                     help="most runs of the scenario; stops early once the targets are met (default: 5)")
    cal.add_argument("--dry-run", action="store_true", help="print the result without writing the scenario file")
    _wait_argument(cal, "the scenario file")
    tru = sub.add_parser("truth", help="true incremental effect, ROI and marginal ROI of every channel",
                         description="Run the plan, the all-media-off world and, per channel, the world without "
                         "it, with +10% spend and without its spend in each window (common random numbers, in "
                         "parallel); optionally response curves and replicate worlds; write truth/ (the ledger and "
                         "its views) into the scenario's output folder.")
    _world_arguments(tru)
    tru.add_argument("--workers", type=_positive_int, help="processes (default: all cores)")
    tru.add_argument("--curves", action="store_true",
                     help="response curves: each channel at spend x 0.25, 0.5, 0.75, 1.25, 1.5, 2 (6 runs a channel)")
    tru.add_argument("--window", dest="windows", action="append", default=[], metavar="START:END",
                     help="the effect of the spend on these days (ISO dates, inclusive), carry-over to the end of "
                     "the horizon (repeatable; default: pre-launch and post-launch of mmm.kpi_market)")
    tru.add_argument("--no-windows", action="store_true", help="no windowed truth")
    tru.add_argument("--replicates", type=_positive_int, default=0, metavar="N",
                     help="also N replicate worlds (independent root seeds, each with its own counterfactuals): "
                     "their mean, its 90%% interval and the 5th-95th percentile over worlds")
    tru.add_argument("--channels", help="comma-separated channels (default: every channel with spend)")
    tru.add_argument("--dry-run", action="store_true", help="print how many runs the request needs, and stop")
    swp = sub.add_parser("sweep", help="run scenarios x seeds (and their truths) in parallel, one folder each",
                         description="Run every SCENARIO at every seed of --seeds and write OUT/<scenario>/seed-<n>/, "
                         "each byte for byte the folder `sim run SCENARIO --set run.seed=n` writes (with --truth, "
                         "its truth/ too, as `sim truth` writes it), then OUT/sweep.csv: one row per job (scenario, "
                         "seed, job, status, wall seconds, folder, causal sha256, units, leads, spend, revenue). "
                         "Jobs go to a process pool, or with --executor dask (the optional extra `dask`) to a dask "
                         "LocalCluster, or with --scheduler to a dask cluster; the folders are the same bytes "
                         "whatever the executor or the number of workers.",
                         epilog="Before any work: every scenario is loaded and checked, the output folders must "
                         "be writable, and --workers whole runs at once must fit in this machine's memory "
                         "(not checked for a --scheduler cluster, whose workers are elsewhere; they write the "
                         "folders, so OUT must be on a filesystem they share). Bad input: one message, exit 2, "
                         "nothing written. Ctrl-C or SIGTERM stops the workers, keeps the folders already complete, "
                         "leaves no partial one, and exits 130 / 143. Exit 1 if a job failed or a run failed "
                         "validation; see OUT/sweep.csv. Example: "
                         "sim sweep baseline double_tv --seeds 1-5 --out outputs/sweep --truth --workers 2")
    swp.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                     help="scenario names in scenarios/ or paths to .toml files (each its own folder under OUT)")
    swp.add_argument("--seeds", required=True,
                     help="root seeds: a list, a range or both, e.g. 1,2,3 or 1-5 or 1-3,7 (whole numbers >= 0)")
    swp.add_argument("--out", type=Path, default=Path("outputs") / "sweep",
                     help="sweep folder: OUT/<scenario>/seed-<n>/ and OUT/sweep.csv (default: outputs/sweep/)")
    swp.add_argument("--truth", action="store_true",
                     help="also compute each run's truth (as `sim truth`), its counterfactual runs on the same workers")
    swp.add_argument("--workers", type=_positive_int,
                     help="worker processes on this machine (default: all cores); not with --scheduler")
    swp.add_argument("--executor", choices=("process", "dask"),
                     help="process: a process pool (default); dask: a dask.distributed LocalCluster of --workers "
                     "processes (needs the `dask` extra)")
    swp.add_argument("--scheduler", metavar="ADDRESS",
                     help="address of a dask scheduler (e.g. tcp://127.0.0.1:8786): run the jobs on its cluster "
                     "(needs the `dask` extra; implies --executor dask)")
    swp.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a key of every scenario, as for `sim run` (repeatable; not run.seed)")
    _wait_argument(swp, "the sweep folder or one of its run folders")
    cmp_ = sub.add_parser("compare", help="fit the baseline MMM to a run and score it against the truth",
                          description="Fit a transparent MMM to mmm/model_ready.csv of the scenario's output "
                          "folder and write recover/scorecard.{csv,md,png}, plus the weekly tables in "
                          "PyMC-Marketing, Meridian and Robyn layouts under recover/formats/. Needs `sim run` and "
                          "`sim truth` first.")
    cmp_.add_argument("scenario", nargs="?", default="baseline",
                      help="the scenario whose run is fitted and scored (default: baseline)")
    cmp_.add_argument("--out", type=Path, help="output folder of the scenario (default: outputs/<scenario>/)")
    cmp_.add_argument("--against", help="a second scenario whose run (and truth) gives the scenario-change check, "
                      "e.g. `sim compare baseline --against double_tv`")
    cmp_.add_argument("--against-out", type=Path, help="output folder of the --against run (default: outputs/<it>/)")
    _wait_argument(cmp_)
    rag = sub.add_parser("rag-score", help="grade a RAG pipeline's answers and retrieval on a run's gold questions",
                         description="Score answers (and retrieved passages) against DIR/rag/gold.jsonl: answer "
                         "accuracy (exact, numeric within tolerance, dates, abstention on unanswerable questions) "
                         "and retrieval recall@k, MRR and span overlap, per question type.")
    rag.add_argument("dir", type=Path, help="output folder of a run (it holds rag/)")
    rag.add_argument("--answers", type=Path, help='JSON lines {"id": "q0001", "answer": "GBP 3,700"}')
    rag.add_argument("--retrieved", type=Path,
                     help='JSON lines {"id": "q0001", "retrieved": ["<corpus id>", ...]} (best first)')
    rag.add_argument("--json", action="store_true", help="print the metrics as JSON instead of a table")
    val = sub.add_parser("validate", help="check an output folder against schemas, keys and the extract's targets",
                         description="Check the output folder DIR of a run and rewrite DIR/validation_report.md; "
                         "print the verdict summary.")
    val.add_argument("dir", type=Path, help="output folder of a run")
    val.add_argument("scenario", nargs="?", help="scenario of the run (default: read from manifest.json)")
    _wait_argument(val)
    return p


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _world_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments that pick a world and its output folder (shared by run and truth)."""
    p.add_argument("scenario", nargs="?", default="baseline",
                   help="a scenario name in scenarios/ (e.g. double_tv) or a path to a .toml file (default: baseline)")
    p.add_argument("--out", type=Path, help="output folder of the scenario (default: outputs/<scenario>/)")
    p.add_argument("--seed", type=int, help="root seed (overrides run.seed)")
    p.add_argument("--replicate", type=int, metavar="I",
                   help="the world of replicate I (from 0) of the root seed: its seed is the I-th child of "
                   "SeedSequence(seed) (default folder: outputs/<scenario>_r<I>/)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario key, e.g. --set media.channels.tv.budget_gbp=12000000 (repeatable)")
    _wait_argument(p)


def _wait_argument(p: argparse.ArgumentParser, what: str = "the output folder") -> None:
    p.add_argument("--wait", action="store_true",
                   help=f"if another command is writing {what}, wait for it instead of refusing")


class Interrupted(Exception):
    """SIGTERM, turned into an exception so that temporary folders are removed on the way out."""


def _on_sigterm(signum, frame) -> None:
    raise Interrupted()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _command(args)
    except KeyboardInterrupt:
        print("interrupted; previous output untouched", file=sys.stderr)
        return 130
    except Interrupted:
        print("terminated; previous output untouched", file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)


def _command(args) -> int:
    from sim.system.outputs import OutputError

    try:
        if args.command == "run":
            return _run(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "calibrate":
            return _calibrate(args)
        if args.command == "truth":
            return _truth(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "compare":
            return _compare(args)
        if args.command == "rag-score":
            return _rag_score(args)
    except (ConfigError, OutputError, OSError) as exc:  # bad input: one line, exit 2
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1


def _run(args) -> int:
    from sim.run import check_memory
    from sim.system.outputs import OutputLock, check_writable

    world = _load_world(args)
    check_memory(world, "run")
    out = _out_folder(args, world)
    check_writable(out)
    with OutputLock(out, "sim run", args.wait):
        return _run_into(args, world, out)


def _run_into(args, world, out: Path) -> int:
    from tqdm import tqdm

    from sim.run import run_into

    with tqdm(total=world.run.days, desc=f"simulating {world.name}", unit="day", disable=args.quiet,
              file=sys.stderr) as bar:
        outcome = run_into(world, out, bar)
    for note in outcome.notes:
        print(note, file=sys.stderr)
    if outcome.kept:
        print(f"kept {', '.join(f'{k}/' for k in outcome.kept)} of the previous output: their provenance matches "
              "this run", file=sys.stderr)
    for verdict in (v for v in outcome.verdicts.values() if v != "keep"):
        print(verdict, file=sys.stderr)
    report = outcome.report
    if not args.quiet:
        _summary(out, outcome.manifest, outcome.tables)
        print(f"\n{report.summary()}\n{report.enforcement}")
    if not report.ok:
        print(f"validation failed: see {out / 'validation_report.md'}", file=sys.stderr)
        return 1
    return 0


def _summary(out: Path, manifest: dict, tables: dict) -> None:
    print(f"\nwrote {out}/ (scenario {manifest['scenario']}, seed {manifest['seed']})")
    for rel, info in sorted(manifest["files"].items()):
        if "rows" in info:
            print(f"  {rel:45s} {info['rows']:>8,d} rows")
    spend = tables["mmm/weekly_channel_spend.csv"]
    print("\nspend by channel (GBP):")
    for col in spend.columns[1:]:
        print(f"  {col:20s} {spend[col].sum():>14,.0f}")
    sales = tables["raw/vehicle_sales.csv"]
    print("\nunits by market: " + ", ".join(f"{k} {v:,d}" for k, v in sales.groupby("market").size().items()))


def _validate(args) -> int:
    from sim.system.outputs import OutputLock

    if not args.dir.is_dir():
        what = "is not a folder" if args.dir.exists() else "does not exist"
        print(f"error: output folder {args.dir} {what}; give the folder a `sim run` wrote", file=sys.stderr)
        return 2
    with OutputLock(args.dir, "sim validate", args.wait):
        return _validate_in(args)


def _validate_in(args) -> int:
    import json

    from sim.run import run_world
    from sim.validate import validate_dir, write_report

    scenario = args.scenario
    manifest = args.dir / "manifest.json"
    world = run_world(args.dir) if scenario is None else None
    if world is None:
        if scenario is None and manifest.exists():
            scenario = json.loads(manifest.read_text())["scenario"]
        world = load_world(scenario or "baseline")
    report = validate_dir(args.dir, world)
    write_report(report, args.dir)
    print(f"{report.summary()}\n{report.enforcement}\nwrote {args.dir / 'validation_report.md'}")
    return 0 if report.ok else 1


def _rag_score(args) -> int:
    import json

    from sim.rag import ScoreError, score, score_table

    try:
        result = score(args.dir, args.answers, args.retrieved)
    except ScoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2) if args.json else score_table(result))
    return 0


def _calibrate(args) -> int:
    from sim.run import check_memory
    from sim.system.outputs import OutputLock
    from sim.world.config import scenario_path

    world = load_world(args.scenario)
    check_memory(world, "simulate")
    if args.dry_run:
        return _calibrate_scenario(args, world)
    with OutputLock(scenario_path(args.scenario), "sim calibrate", args.wait, what="scenario file"):
        return _calibrate_scenario(args, load_world(args.scenario))  # as it is once ours


def _calibrate_scenario(args, world) -> int:
    from sim.calibrate import TOLERANCE, calibrate, write_calibration

    def show(step) -> None:
        print(f"iteration {step.iteration}: leads " + ", ".join(f"{m} {n:,d}" for m, n in step.leads.items())
              + "; units " + ", ".join(f"{m} {u:,d}" for m, u in step.units.items()), file=sys.stderr)

    steps = calibrate(args.scenario, args.iterations, progress=show)
    final = steps[-1]
    print(f"action_scale = {final.action_scale}\npurchase_scale = {final.purchase_scale}")
    if (final.action_scale, final.purchase_scale) == (world.calibration.action_scale, world.calibration.purchase_scale):
        print(f"already calibrated (leads and units within {TOLERANCE:.0%} of their targets): scenario file unchanged")
    elif not args.dry_run:
        print(f"wrote {write_calibration(args.scenario, final.action_scale, final.purchase_scale)}")
    return 0


def _load_world(args):
    """The scenario's world, or with ``--replicate I`` the world of its replicate I."""
    world = load_world(args.scenario, args.overrides, args.seed)
    if args.replicate is None:
        return world
    from sim.world.replicates import replicate_seed

    if args.replicate < 0:
        raise ConfigError(f"--replicate must be 0 or more, got {args.replicate}")
    return load_world(args.scenario, args.overrides, replicate_seed(world.run.seed, args.replicate))


def _out_folder(args, world) -> Path:
    if args.out:
        return args.out
    return Path("outputs") / (world.name if args.replicate is None else f"{world.name}_r{args.replicate}")


def _truth_plan(args, world):
    from sim.truth import parse_window, plan_truth

    if args.replicates and args.replicate is not None:
        raise ConfigError("--replicates and --replicate exclude each other: the ensemble is of the scenario's worlds")
    if args.no_windows and args.windows:
        raise ConfigError("--no-windows and --window exclude each other")
    channels = None
    if args.channels:
        channels = [c.strip() for c in args.channels.split(",") if c.strip()]
        unknown = [c for c in channels if c not in world.media.channels]
        if unknown:
            raise ConfigError(f"--channels: unknown channel(s) {unknown}; the scenario's: {list(world.media.channels)}")
    windows = () if args.no_windows else [parse_window(w, world) for w in args.windows] or None  # None: defaults
    return plan_truth(world, channels, args.curves, windows, args.replicates)


def _truth(args) -> int:
    from sim.run import check_memory
    from sim.system.outputs import OutputError, OutputLock, check_writable

    world = _load_world(args)
    plan = _truth_plan(args, world)
    print(f"truth {world.name}: {plan.describe()}", file=sys.stderr)
    if args.dry_run:
        return 0
    run = _out_folder(args, world)
    out = run / "truth"
    check_writable(run)
    if run.exists() and not os.access(run, os.W_OK):
        raise OutputError(f"output folder is not writable: {run}")
    check_memory(world, "simulate", runs_at_once=args.workers or os.cpu_count() or 1)
    with OutputLock(run, "sim truth", args.wait):
        return _truth_into(world, out, args.workers, plan)


def _truth_into(world, out: Path, workers: int | None, plan) -> int:
    from tqdm import tqdm

    from sim.run import write_truth
    from sim.truth import compute_truth

    with tqdm(total=plan.n_runs, desc=f"truth {world.name}", unit="run", file=sys.stderr) as bar:
        truth = compute_truth(world, progress=bar, workers=workers, plan=plan)
    write_truth(out.parent, world, truth)
    print(f"wrote {out}/")
    print(truth.channel[["channel", "spend_gbp", "incr_units", "incr_revenue_gbp", "true_roi", "marginal_roi"]]
          .to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    return 0


def _sweep(args) -> int:
    from sim.sweep import Sweep, check_sweep, executor_kind, parse_seeds, plan_cells, start_workers
    from sim.system.outputs import OutputLock

    kind = executor_kind(args.executor, args.workers, args.scheduler)
    cells = plan_cells(args.scenarios, parse_seeds(args.seeds), args.overrides, args.out)
    local = args.workers or os.cpu_count() or 1
    check_sweep(cells, args.out, None if args.scheduler else local)
    with OutputLock(args.out, "sim sweep", args.wait):
        workers = start_workers(kind, local, args.scheduler)
        sweep = Sweep(cells, args.out, workers, truth=args.truth, wait=args.wait,
                      report=lambda line: print(line, file=sys.stderr, flush=True))
        print(f"sweep: {len(cells)} runs{' and their truths' if args.truth else ''} on {workers.description}",
              file=sys.stderr, flush=True)
        try:
            table = sweep.run()
        except (KeyboardInterrupt, Interrupted) as exc:
            how, code = ("terminated", 143) if isinstance(exc, Interrupted) else ("interrupted", 130)
            print(f"{how}: {len(sweep.rows)} of {sweep.jobs} jobs finished, their folders complete; the rest "
                  f"were cancelled and left no partial folder", file=sys.stderr)
            return code
    print(table.drop(columns=["detail"]).to_string(index=False, na_rep=""))
    print(f"wrote {args.out / 'sweep.csv'}")
    return 1 if sweep.failed else 0


def _compare(args) -> int:
    from sim.system.outputs import OutputLock

    world = load_world(args.scenario)
    run = args.out or Path("outputs") / world.name
    with OutputLock(run, "sim compare", args.wait):
        return _compare_in(args, world, run)


def _compare_in(args, world, run: Path) -> int:
    from sim.exporters.formats import write_all
    from sim.recover import recover_run
    from sim.run import model_ready_sha256, restore_derived, run_causal_hash, run_world
    from sim.system.outputs import atomic_folder
    from sim.world.provenance import read_provenance, write_provenance

    restore_derived(run)
    for need in (run / "mmm" / "model_ready.csv", run / "truth" / "channel_truth.csv"):
        if not need.exists():
            print(f"error: {need} is missing; run `sim run {world.name}` and `sim truth {world.name}` first",
                  file=sys.stderr)
            return 2
    world = run_world(run) or world
    truth = read_provenance(run / "truth") or {}
    ran = run_causal_hash(run)
    if truth.get("causal_sha256") is None or truth.get("causal_sha256") != ran:
        print(f"error: {run / 'truth'} does not belong to the run in {run} (truth causal sha256 "
              f"{truth.get('causal_sha256')}, run {ran}); run `sim truth` with the run's settings", file=sys.stderr)
        return 2
    scenarios = []
    if args.against:
        other = args.against_out or Path("outputs") / load_world(args.against).name
        scenarios.append(_scenario_outcome(run, other, args.against))
    claims = {platform: rule.metric for platform, rule in world.reporting.attribution.items()}
    with atomic_folder(run / "recover") as tmp:  # the previous recover/ stays whole until the new one is
        result = recover_run(run, tmp, cfg=world.mmm.recover, scenarios=scenarios, claims=claims)
        if not write_all(run, tmp / "formats", world):
            print("no channel spent: no files for other MMMs in recover/formats/")
        write_provenance(tmp, {**truth, "model_ready_sha256": model_ready_sha256(run)})
    print(result.summary.to_string(index=False))
    if len(result.scenarios):
        print(f"\nscenario change {world.name} -> {args.against}: the MMM's predicted effect against the simulated one")
        print(result.scenarios.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    print(f"wrote {run / 'recover'}/")
    return 0


def _scenario_outcome(base_run: Path, other_run: Path, name: str):
    import pandas as pd

    from sim.recover import ScenarioOutcome

    other = other_run / "mmm" / "model_ready.csv"
    if not other.exists():
        raise ConfigError(f"{other} is missing; run `sim run {name}` first")
    a = pd.read_csv(base_run / "mmm" / "model_ready.csv")
    b = pd.read_csv(other)
    true = {"total_revenue": float(b["total_revenue"].sum() - a["total_revenue"].sum()),
            "total_units": float(b["total_units"].sum() - a["total_units"].sum())}
    return ScenarioOutcome(name, b, true)


if __name__ == "__main__":
    raise SystemExit(main())
