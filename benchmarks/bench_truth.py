"""Wall time of `sim truth` (plan, all-off, and per channel without / +10%), in a fresh process.

usage: python benchmarks/bench_truth.py [--repeats 1] [--workers N] [SCENARIO]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenario", nargs="?", default="baseline")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--workers", type=int)
    args = ap.parse_args()
    walls = []
    for i in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "sim", "truth", args.scenario, "--out", tmp]
            if args.workers:
                cmd += ["--workers", str(args.workers)]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t0)
        print(f"run {i + 1}: wall {walls[-1]:6.1f} s")
    print(f"median wall {statistics.median(walls):.1f} s over {args.repeats} runs")


if __name__ == "__main__":
    main()
