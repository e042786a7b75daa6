"""Shared fixtures, defined once: the baseline world as loaded, and one small simulated world
per session (a 20k-consumer baseline) with its model and exported tables."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sim.run import export_tables, simulate
from sim.world.config import World, load_world

SMALL_POPULATION = 20_000


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
