"""Experiment (item 6): K counterfactual worlds in lockstep sharing each day's uniforms, against K separate runs.

usage: python benchmarks/bench_lockstep.py POPULATION K
"""
import sys, time
from sim.world.config import load_world
from sim.engine.model import LaunchModel, Interventions, run_lockstep
from sim.truth.geo import geo_outcomes
pop = int(sys.argv[1]); k = int(sys.argv[2])
w = load_world("baseline", [f"run.population={pop}"])
ivs = [Interventions({})] + [Interventions({c: 0.0}) for c in list(w.media.channels)[:k-1]]
t0 = time.process_time()
singles = [LaunchModel(w, iv).run() for iv in ivs]
t1 = time.process_time()
logs = run_lockstep(w, ivs)
t2 = time.process_time()
same = all(geo_outcomes(w, a).equals(geo_outcomes(w, b)) for a, b in zip(singles, logs))
print(f"pop {pop} K {k}: separate {(t1-t0)/k:.2f} CPU-s a world, lockstep {(t2-t1)/k:.2f} CPU-s a world, ratio {(t1-t0)/(t2-t1):.2f}, identical {same}")
