"""Estimated against measured memory per consumer: the estimate that refuses a population too
large for the machine (``sim.run.memory_estimate``) next to the peak resident memory of real
processes.

usage: python benchmarks/bench_memory.py [--populations 100000,200000,400000,800000,1200000,1600000]
                                         [--what simulate,run] [SCENARIO]

For each population and each kind of process ("simulate": one world simulated in a fresh
process, what a `sim truth` worker or a run of `sim calibrate` does; "run": a whole `sim run
--quiet`), the peak RSS of the process (``os.wait4``'s ``ru_maxrss``) is printed with the
estimate. Per consumer, "measured" is the slope from the smallest population, (peak(N) -
peak(N0)) / (N - N0), so the fixed part (interpreter, libraries, plan) drops out; "crowd" is
the bytes of the crowd's own arrays (``sim.run.crowd_bytes``). The last lines fit peak =
fixed + overhead x crowd x N by least squares, give the steepest slope between neighbouring
populations, and the fixed part that the recorded overhead (``sim.run.MEMORY``) needs so that
no measured peak lies above the estimate, with the range of estimate / peak.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from sim.run import HEADROOM, MEMORY, crowd_bytes, memory_estimate
from sim.world.config import load_world

SIMULATE = ("import sys; from sim.run import simulate; from sim.world.config import load_world; "
            "simulate(load_world(sys.argv[1], [f'run.population={sys.argv[2]}']))")


def peak_rss(cmd: list[str]) -> int:
    """Peak resident bytes of the process ``cmd`` (Linux reports ru_maxrss in KiB)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: a run whose targets are reported is still a run
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
    return usage.ru_maxrss * 1024


def command(what: str, scenario: str, population: int, tmp: Path) -> list[str]:
    if what == "simulate":
        return [sys.executable, "-c", SIMULATE, scenario, str(population)]
    return [sys.executable, "-m", "sim", "run", scenario, "--out", str(tmp / "out"), "--quiet",
            "--set", f"run.population={population}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", default="baseline")
    ap.add_argument("--populations", default="100000,200000,400000,800000,1200000,1600000")
    ap.add_argument("--what", default="simulate,run")
    args = ap.parse_args()
    populations = sorted(int(p) for p in args.populations.split(","))
    crowd = crowd_bytes(load_world(args.scenario))
    print(f"crowd arrays: {crowd} B a consumer")
    print(f"{'what':9s} {'population':>11s} {'estimate MB':>12s} {'peak RSS MB':>12s} "
          f"{'est. B/consumer':>16s} {'measured B/consumer':>20s}")
    for what in args.what.split(","):
        peaks = []
        with tempfile.TemporaryDirectory() as tmp:
            for n in populations:
                peaks.append(peak_rss(command(what, args.scenario, n, Path(tmp))))
                world = load_world(args.scenario, [f"run.population={n}"])
                estimate = memory_estimate(world, what)
                per = HEADROOM * MEMORY[what].overhead * crowd
                slope = f"{(peaks[-1] - peaks[0]) / (n - populations[0]):,.0f}" if n > populations[0] else "-"
                print(f"{what:9s} {n:>11,d} {estimate / 1e6:>12,.0f} {peaks[-1] / 1e6:>12,.0f} {per:>16,.0f} "
                      f"{slope:>20s}", flush=True)
        report_fit(what, populations, peaks, crowd)


def report_fit(what: str, populations: list[int], peaks: list[int], crowd: int) -> None:
    """The least-squares line, the steepest slope between neighbouring populations, and the
    fixed part that the recorded overhead needs so that no measured peak is above the estimate."""
    slope, fixed = np.polyfit(populations, peaks, 1)
    n, p = np.asarray(populations, float), np.asarray(peaks, float)
    steepest = float(np.max(np.diff(p) / np.diff(n))) if len(n) > 1 else slope
    profile = MEMORY[what]
    cover = float(np.max(p - profile.overhead * crowd * n))
    ratios = HEADROOM * (profile.fixed + profile.overhead * crowd * n) / p
    print(f"{what:9s} least squares: fixed {fixed / 1e6:,.0f} MB + {slope:,.0f} B a consumer (overhead "
          f"{slope / crowd:.2f}); steepest between neighbours {steepest:,.0f} B (overhead {steepest / crowd:.2f})")
    print(f"{what:9s} sim.run.MEMORY[{what!r}]: overhead {profile.overhead:.2f}, fixed {profile.fixed / 1e6:,.0f} MB "
          f"(at least {cover / 1e6:,.0f} MB puts every measured peak under the bare fit); estimate "
          f"(x{HEADROOM} headroom) / peak "
          f"{ratios.min():.2f} to {ratios.max():.2f}", flush=True)

if __name__ == "__main__":
    main()
