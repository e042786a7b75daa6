"""What a longer horizon costs: `sim run` and `sim truth` of a multi-year scenario against the
canonical one-year run, same machine, same run of this script.

usage: python benchmarks/bench_horizon.py [--scenarios baseline,three_years] [--workers 2]
                                          [--population N] [--out DIR]

Each command runs in a fresh process; its wall time and peak resident memory (``os.wait4``'s
``ru_maxrss``: the largest single process, so for `sim truth` the largest of the parent and its
workers, each of which holds one world) are printed, then each scenario's days, MMM weeks and
rows per file (from its manifest), and the ratios of every scenario to the first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of the process ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: a run whose reported targets fail is still a run
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenarios", default="baseline,three_years")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--population", type=int, default=None, help="override run.population (default: the scenario's)")
    ap.add_argument("--out", type=Path, default=None, help="keep the run folders here (default: a temporary folder)")
    args = ap.parse_args()
    scenarios = args.scenarios.split(",")
    sets = [] if args.population is None else ["--set", f"run.population={args.population}"]
    root = args.out or Path(tempfile.mkdtemp(prefix="bench-horizon-"))
    root.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in scenarios:
        out = root / name
        run = timed([sys.executable, "-m", "sim", "run", name, "--out", str(out), "--quiet", *sets])
        truth = timed([sys.executable, "-m", "sim", "truth", name, "--out", str(out), "--workers", str(args.workers),
                       *sets])
        manifest = json.loads((out / "manifest.json").read_text())
        scenario = json.loads((out / "scenario.json").read_text())
        weeks = manifest["files"]["mmm/model_ready.csv"]["rows"]
        results[name] = (run, truth, manifest, scenario, weeks)
        print(f"{name}: {scenario['run']['start']}..{scenario['run']['end']}, {weeks} MMM weeks; "
              f"sim run {run[0]:.1f} s, peak {run[1] / 2**30:.2f} GiB; "
              f"sim truth (--workers {args.workers}) {truth[0]:.1f} s, peak per process {truth[1] / 2**30:.2f} GiB",
              flush=True)
    first = scenarios[0]
    print(f"\nrows per file ({', '.join(scenarios)}):")
    files = sorted({f for r in results.values() for f in r[2]["files"] if "rows" in r[2]["files"][f]})
    for f in files:
        rows = [results[n][2]["files"].get(f, {}).get("rows", 0) for n in scenarios]
        print(f"  {f:<44} " + "  ".join(f"{r:>10,}" for r in rows))
    for name in scenarios[1:]:
        (r0, t0, *_), (r1, t1, *_) = results[first], results[name]
        print(f"\n{name} / {first}: sim run time x{r1[0] / r0[0]:.2f}, memory x{r1[1] / r0[1]:.2f}; "
              f"sim truth time x{t1[0] / t0[0]:.2f}, memory x{t1[1] / t0[1]:.2f}; "
              f"run + truth time x{(r1[0] + t1[0]) / (r0[0] + t0[0]):.2f}")


if __name__ == "__main__":
    main()
