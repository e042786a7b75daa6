"""Bad input at the command line, tried as a user would: one clear message naming the key and
the value, exit 2, no traceback, and a previous output folder left byte for byte as it was;
and the edge cases that are valid worlds (a handful of consumers, no media) run to the end."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import _parser
from sim.run import HEADROOM, MEMORY, check_memory, crowd_bytes, memory_estimate
from sim.world.config import SCENARIO_DIR, ConfigError, load_world

SMOKE_POPULATION = 5_000  # a whole run, truth included, in seconds
REPORTED = "only priority-1 invariants are enforced; the other targets are reported"


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` with its bytes (None for a folder)."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes() for p in folder.rglob("*")}


@pytest.fixture
def previous_run(tmp_path) -> Path:
    """An output folder left by an earlier run, alone in its parent."""
    out = tmp_path / "runs" / "out"
    (out / "raw").mkdir(parents=True)
    (out / "raw" / "meta_ads.csv").write_text("previous run\n")
    return out


def untouched(out: Path) -> bool:
    """The previous run is as it was, and nothing (no temporary sibling) was added beside it."""
    return snapshot(out.parent) == {"out": None, "out/raw": None, "out/raw/meta_ads.csv": b"previous run\n"}


def refused(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


# --------------------------------------------------------------------------- refused at load time
def test_a_horizon_not_in_whole_months_is_refused_naming_the_keys(sim_cli, previous_run):
    r = sim_cli("run", "--out", str(previous_run), "--set", "run.start=2024-01-02")
    refused(r, "run.start = 2024-01-02, run.end = 2025-12-31", "run.start must be the first day of a month")
    assert untouched(previous_run)


def test_a_horizon_longer_than_its_monthly_series_is_refused_naming_each_series(sim_cli, previous_run):
    r = sim_cli("run", "--out", str(previous_run), "--set", "run.end=2026-12-31")
    refused(r, "context.countries.UK.bank_rate_pct.monthly has 12 values; the horizon has 24 months",
            "context.countries.FR.electricity_price_per_kwh.monthly has 12 values")
    assert untouched(previous_run)


@pytest.mark.parametrize("value", ["inf", "nan"])
def test_a_non_finite_budget_is_refused_naming_the_key(sim_cli, previous_run, value):
    r = sim_cli("run", "--out", str(previous_run), "--set", f"media.channels.tv.budget_gbp={value}")
    refused(r, f"media.channels.tv.budget_gbp = {value}: must be a finite number")
    assert "greater than or equal to 0" not in r.stderr
    assert untouched(previous_run)


def test_an_extends_of_a_missing_scenario_names_the_file(sim_cli, previous_run, tmp_path):
    child = tmp_path / "child.toml"
    child.write_text('extends = "baseline_v2"\n')
    r = sim_cli("run", str(child), "--out", str(previous_run))
    refused(r, f'{child}: extends = "baseline_v2": unknown scenario \'baseline_v2\'')
    assert untouched(previous_run)


def test_a_scenario_name_is_not_shadowed_by_a_folder_of_that_name(sim_cli, previous_run, tmp_path):
    (tmp_path / "baseline").mkdir()
    # the name loads scenarios/baseline.toml (the bad seed is reported, not "Is a directory")
    refused(sim_cli("run", "baseline", "--set", "run.seed=-1", "--out", str(previous_run), cwd=tmp_path),
            "run.seed = -1")
    refused(sim_cli("run", "./baseline", "--out", str(previous_run), cwd=tmp_path),
            "scenario './baseline' is a folder; expected a scenario name or a .toml file")
    assert untouched(previous_run)


# --------------------------------------------------------------------------- refused before allocating
def test_memory_estimate_is_the_crowds_arrays_times_a_measured_overhead(world):
    small, big = (load_world("baseline", [f"run.population={n}"]) for n in (10**5, 2 * 10**5))
    for command, profile in MEMORY.items():
        per_consumer = (memory_estimate(big, command) - memory_estimate(small, command)) / 10**5
        assert per_consumer == pytest.approx(HEADROOM * profile.overhead * crowd_bytes(world), abs=1)
        assert profile.overhead > 1 and profile.fixed > 0  # more than the arrays: records, temporaries, libraries
    assert MEMORY["run"].overhead >= MEMORY["simulate"].overhead  # a run also exports what it simulated
    fits = load_world("baseline", [f"run.population={10**6}"])
    check_memory(fits)
    with pytest.raises(ConfigError, match=r"runs at once, more than this machine's [\d.,]+ GiB of memory"):
        check_memory(fits, "simulate", runs_at_once=10**6)


# Linux keeps a process's ru_maxrss across exec, so a child forked straight from this (by then
# large) pytest process would count pytest's pages; a small launcher process forks the measured
# one instead and reports its children's peak (ru_maxrss is KiB on Linux).
LAUNCHER = ("import resource, subprocess, sys; "
            "code = subprocess.run([sys.executable, '-c', sys.argv[1]]).returncode; "
            "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss(code: str) -> int:
    """Peak resident bytes of a fresh Python process running ``code``."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, code], capture_output=True, text=True, check=True)
    status, kib = map(int, done.stdout.split()[-2:])
    assert status == 0, done.stderr[-2000:]
    return kib * 1024


@pytest.mark.slow
def test_the_memory_estimate_is_not_below_what_a_simulation_takes():
    """Not a lower bound: the estimate covers the peak memory of a real simulation, within 30%."""
    population = 300_000  # not one of the populations the overhead was measured at
    peak = peak_rss("from sim.run import simulate; from sim.world.config import load_world; "
                    f"simulate(load_world('baseline', ['run.population={population}']))")
    estimate = memory_estimate(load_world("baseline", [f"run.population={population}"]), "simulate")
    assert peak <= estimate <= 1.3 * peak, (estimate, peak)


@pytest.mark.parametrize("command", ["run", "truth"])
def test_a_population_beyond_memory_is_refused_with_the_estimate(sim_cli, previous_run, command):
    r = sim_cli(command, "--out", str(previous_run), "--set", "run.population=1000000000000")
    refused(r, "run.population = 1000000000000: the consumer arrays, per-day uniforms and the records they make "
            "need about",
            "GiB of memory")
    assert re.search(r"need about [\d,.]+ GiB", r.stderr)
    assert untouched(previous_run)


@pytest.mark.parametrize("command, option, value", [("truth", "--workers", "0"), ("calibrate", "--iterations", "-1")])
def test_a_count_below_one_is_an_argument_error(sim_cli, previous_run, command, option, value):
    out = ["--out", str(previous_run)] if command == "truth" else []
    refused(sim_cli(command, option, value, *out), f"argument {option}: must be at least 1, got {value}")
    assert untouched(previous_run)


@pytest.mark.parametrize("command, option", [("truth", "--workers"), ("calibrate", "--iterations")])
@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_workers_and_iterations_are_whole_numbers_of_at_least_one(command, option, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        _parser().parse_args([command, option, value])
    assert exit_.value.code == 2
    assert f"argument {option}: " in capsys.readouterr().err


def test_validate_names_a_folder_that_does_not_exist(sim_cli, tmp_path):
    missing = tmp_path / "no_such_run"
    refused(sim_cli("validate", str(missing)), f"output folder {missing} does not exist")
    assert not missing.exists()


def test_every_argument_of_every_command_has_help():
    commands = _parser()._subparsers._group_actions[0].choices
    undocumented = [f"{name} {action.dest}" for name, sub in commands.items() for action in sub._actions
                    if not isinstance(action, argparse._HelpAction) and not action.help]
    assert undocumented == []


# --------------------------------------------------------------------------- valid edge cases
def small(population: int = SMOKE_POPULATION) -> list[str]:
    return ["--set", f"run.population={population}"]


@pytest.mark.slow
def test_a_single_consumer_world_runs_and_reports_its_targets(sim_cli, tmp_path):
    r = sim_cli("run", "baseline", *small(1), "--out", str(tmp_path / "one"))
    assert (r.returncode, "Traceback" in r.stderr) == (0, False), r.stderr[-2000:]
    assert f"Not the calibrated baseline (run.population 1 instead of 150000): {REPORTED}" in r.stdout


@pytest.mark.slow
def test_a_world_without_media_spend_runs_and_writes_no_media(sim_cli, tmp_path):
    zero = [a for ch in load_world("baseline").media.channels for a in ("--set", f"media.channels.{ch}.budget_gbp=0")]
    out = tmp_path / "no_media"
    r = sim_cli("run", "baseline", *small(), *zero, "--out", str(out))
    assert (r.returncode, "Traceback" in r.stderr) == (0, False), r.stderr[-2000:]
    assert pd.read_csv(out / "raw" / "meta_ads.csv").empty
    assert pd.read_csv(out / "mmm" / "weekly_channel_spend.csv").drop(columns="week_start").to_numpy().sum() == 0
    assert not pd.read_csv(out / "raw" / "vehicle_sales.csv").empty  # baseline demand still buys cars


# --------------------------------------------------------------------------- small things a user meets
@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory, sim_cli):
    """The README's quick smoke run (a small population) and what it printed."""
    out = tmp_path_factory.mktemp("smoke") / "baseline"
    return out, sim_cli("run", "baseline", *small(), "--out", str(out))


@pytest.mark.slow
def test_a_smoke_run_reports_targets_because_its_population_is_not_the_calibrated_one(smoke_run):
    out, r = smoke_run
    assert r.returncode == 0, r.stderr[-2000:]
    note = f"Not the calibrated baseline (run.population {SMOKE_POPULATION} instead of 150000): {REPORTED}"
    assert note in r.stdout
    assert note in (out / "validation_report.md").read_text()


@pytest.mark.slow
def test_validate_prints_its_verdict_summary(smoke_run, sim_cli, tmp_path):
    out = shutil.copytree(smoke_run[0], tmp_path / "baseline")  # validate rewrites the report
    r = sim_cli("validate", str(out))
    assert re.search(r"^validation (PASS|FAIL): \d+ enforced failures; targets \d+ pass", r.stdout, re.M), r.stdout
    assert f"wrote {out / 'validation_report.md'}" in r.stdout


@pytest.mark.slow
def test_compare_against_prints_the_scenario_change_result(smoke_run, sim_cli, tmp_path):
    out, _ = smoke_run
    other = tmp_path / "double_tv"
    assert sim_cli("run", "double_tv", *small(), "--quiet", "--out", str(other)).returncode in (0, 1)
    assert sim_cli("truth", "baseline", *small(), "--workers", "2", "--out", str(out)).returncode == 0
    r = sim_cli("compare", "baseline", "--out", str(out), "--against", "double_tv", "--against-out", str(other))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "scenario change baseline -> double_tv: the MMM's predicted effect against the simulated one" in r.stdout
    assert re.search(r"^\s*double_tv\s+total_revenue\s", r.stdout, re.M), r.stdout


@pytest.mark.slow
def test_calibrate_leaves_a_calibrated_scenario_unchanged(sim_cli, tmp_path):
    scenario = tmp_path / "baseline.toml"
    shutil.copyfile(SCENARIO_DIR / "baseline.toml", scenario)
    r = sim_cli("calibrate", str(scenario), "--iterations", "3")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "already calibrated (leads and units within 1% of their targets): scenario file unchanged" in r.stdout
    assert r.stderr.count("iteration ") == 1  # the first run met the targets: a fixed point
    assert scenario.read_bytes() == (SCENARIO_DIR / "baseline.toml").read_bytes()
