"""Shared fixtures: one small simulated world per session (a 20k-consumer baseline)."""

from __future__ import annotations

import pytest

from sim.world.config import load_world
from sim.run import export_tables, simulate

SMALL = ["run.population=20000"]


@pytest.fixture(scope="session")
def small_world():
    return load_world("baseline", SMALL)


@pytest.fixture(scope="session")
def small_model(small_world):
    return simulate(small_world)


@pytest.fixture(scope="session")
def small_tables(small_world, small_model):
    tables, documents = export_tables(small_world, small_model)
    return tables, documents
