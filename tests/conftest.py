"""Shared fixtures, defined once: the baseline world as loaded, one small simulated world per
session (a 20k-consumer baseline) with its model and exported tables, and the command line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.run import export_tables, simulate
from sim.world.config import World, load_world

SMALL_POPULATION = 20_000
REPO = Path(__file__).resolve().parents[1]


def small_baseline(*overrides: str, population: int = SMALL_POPULATION) -> World:
    """The baseline with few consumers, plus ``--set``-style overrides."""
    return load_world("baseline", [f"run.population={population}", *overrides])


@pytest.fixture(scope="session")
def world() -> World:
    """The baseline scenario at full size (nothing simulated)."""
    return load_world("baseline")


@pytest.fixture(scope="session")
def small_world_with() -> Callable[..., World]:
    """Build a variant of the small world: ``small_world_with("media.channels.radio.budget_gbp=0")``."""
    return small_baseline


@pytest.fixture(scope="session")
def small_world() -> World:
    return small_baseline()


@pytest.fixture(scope="session")
def small_log(small_world):
    return simulate(small_world)


@pytest.fixture(scope="session")
def small_tables(small_world, small_log):
    tables, documents = export_tables(small_world, small_log)
    return tables, documents


@pytest.fixture(scope="session")
def sim_cli() -> Callable[..., subprocess.CompletedProcess]:
    """Run ``python -m sim ARGS`` as a user would (in the repository unless ``cwd`` says otherwise)."""
    def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True)
    return run
