"""Wall time and CPU-seconds per counterfactual run of `sim truth`, in a fresh process.

usage: python benchmarks/bench_truth.py [--repeats 1] [--workers N] [SCENARIO] [-- TRUTH ARGS ...]

Arguments after ``--`` go to `sim truth` (default ``--no-windows``: the 24 runs of plan, all-off
and per channel without / +10%), e.g. ``-- --set run.population=20000 --curves``. CPU-seconds
are those of `sim truth` and its workers (``RUSAGE_CHILDREN``: every waited-for descendant), over
the runs it printed it needs.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> None:
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else ["--no-windows"]
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenario", nargs="?", default="baseline")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--workers", type=int)
    args = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    walls, per_run = [], []
    for i in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "sim", "truth", args.scenario, "--out", tmp, *extra]
            if args.workers:
                cmd += ["--workers", str(args.workers)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            runs = int(re.search(r"(\d+) counterfactual runs", done.stderr).group(1))
            per_run.append(cpu / runs)
        print(f"run {i + 1}: {runs} runs, wall {walls[-1]:6.1f} s, CPU {cpu:6.1f} s, {per_run[-1]:.2f} CPU-s a run")
    print(f"median wall {statistics.median(walls):.1f} s, median {statistics.median(per_run):.2f} CPU-s a run "
          f"over {args.repeats} repeats")


if __name__ == "__main__":
    main()
