"""Wall time and peak memory of `sim run` (whole CLI, in a fresh process each repeat).

usage: python benchmarks/bench_run.py [--repeats 3] [--population N] [SCENARIO]
Prints each repeat and the median; peak memory is the child's max RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_run(scenario: str, population: int | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "sim", "run", scenario, "--out", str(Path(tmp) / "out"), "--quiet"]
        if population:
            cmd += ["--set", f"run.population={population}"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return wall, max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenario", nargs="?", default="baseline")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--population", type=int)
    args = ap.parse_args()
    walls = []
    for i in range(args.repeats):
        wall, peak = one_run(args.scenario, args.population)
        walls.append(wall)
        print(f"run {i + 1}: wall {wall:6.2f} s   peak RSS {peak:7.0f} MiB")
    print(f"median wall {statistics.median(walls):.2f} s over {args.repeats} runs")


if __name__ == "__main__":
    main()
