"""Command line: ``sim run``, ``sim validate`` (``python -m sim`` works too)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.config import ConfigError, load_world


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sim", description="Causal agent-based simulator of a car brand's 2025 launch "
                                "year: raw platform exports, vendor contracts, weekly MMM tables.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario and write its output folder",
                         description="Simulate SCENARIO day by day and write raw/, raw/contracts/, mmm/, "
                         "manifest.json and validation_report.md into the output folder (atomically).")
    run.add_argument("scenario", nargs="?", default="baseline",
                     help="a scenario name in scenarios/ (e.g. double_tv) or a path to a .toml file (default: baseline)")
    run.add_argument("--out", type=Path, help="output folder (default: outputs/<scenario>/)")
    run.add_argument("--seed", type=int, help="root seed (overrides run.seed)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a scenario key, e.g. --set media.channels.tv.budget_gbp=12000000 (repeatable)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    val = sub.add_parser("validate", help="check an output folder against schemas, keys and the extract's targets")
    val.add_argument("dir", type=Path, help="output folder of a run")
    val.add_argument("scenario", nargs="?", help="scenario of the run (default: read from manifest.json)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "validate":
            return _validate(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1


def _run(args) -> int:
    from tqdm import tqdm

    from sim.run import OutputError, check_writable, export_tables, simulate, write_output

    world = load_world(args.scenario, args.overrides, args.seed)
    out = args.out or Path("outputs") / world.name
    try:
        check_writable(out)
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with tqdm(total=world.run.days, desc=f"simulating {world.name}", unit="day", disable=args.quiet,
              file=sys.stderr) as bar:
        model = simulate(world, bar)
    tables, documents = export_tables(world, model)

    def finalize(tmp: Path) -> None:
        from sim.docs import write_docs
        from sim.validate import validate_dir, write_report

        write_docs(tmp, world)
        write_report(validate_dir(tmp, world), tmp)

    try:
        manifest = write_output(out, world, tables, documents, finalize)
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        _summary(out, manifest, tables)
    from sim.validate import validate_dir

    report = validate_dir(out, world)
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
    import json

    from sim.validate import validate_dir, write_report

    scenario = args.scenario
    manifest = args.dir / "manifest.json"
    if scenario is None and manifest.exists():
        scenario = json.loads(manifest.read_text())["scenario"]
    world = load_world(scenario or "baseline")
    report = validate_dir(args.dir, world)
    write_report(report, args.dir)
    print(f"wrote {args.dir / 'validation_report.md'}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
