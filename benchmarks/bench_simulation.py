"""Simulation speed: consumer-days per second at the baseline population and 10x it.

usage: python benchmarks/bench_simulation.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from sim.engine.model import LaunchModel
from sim.world.config import load_world


def time_once(population: int) -> float:
    world = load_world("baseline", [f"run.population={population}"])
    t0 = time.perf_counter()
    LaunchModel(world).run()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    base = load_world("baseline").run.population
    medians = {}
    for pop in (base, 10 * base):
        walls = [time_once(pop) for _ in range(args.repeats)]
        medians[pop] = statistics.median(walls)
        print(f"population {pop:>9,d}: median {medians[pop]:6.2f} s, "
              f"{pop * 365 / medians[pop] / 1e6:6.2f} M consumer-days/s")
    print(f"10x population costs {medians[10 * base] / medians[base]:.1f}x the simulation time")


if __name__ == "__main__":
    main()
