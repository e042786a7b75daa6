"""Calibration on a tiny world (5,000 consumers: a step takes about a second): one damped step
moves each market's free parameters towards their targets, a converged point stays put, and
writing the result back changes the scenario file's calibration values and nothing else."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest

from sim.calibrate import calibrate, write_calibration

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
START = tomllib.loads(BASELINE.read_text())["calibration"]
# far from what 5,000 consumers produce, so that both directions occur: the UK makes far more
# leads and units than asked, Germany far fewer, France more leads but fewer units
TARGET_LEADS = 600
TARGET_UNITS = {"UK": 20, "DE": 5000, "FR": 600}
ROUNDING = 2e-4  # calibrate rounds to 4 decimals: the relative error of a value near 1


def inline(values: dict) -> str:
    return "{" + ", ".join(f"{k} = {v}" for k, v in values.items()) + "}"


def tiny_scenario(folder: Path, target_leads: int, target_units: dict[str, int]) -> Path:
    path = folder / "tiny.toml"
    path.write_text(f"""# A tiny world for the calibration tests.
extends = "{BASELINE.as_posix()}"

[run]
population = 5000  # few consumers: one run takes about a second

[calibration]
# the free parameters that sim calibrate re-tunes
target_leads = {target_leads}
action_scale = {inline(START["action_scale"])}
purchase_scale = {inline(START["purchase_scale"])}

[sales]
target_units = {inline(target_units)}
""")
    return path


def lead_targets(target_leads: float, target_units: dict[str, int]) -> dict[str, float]:
    """Leads are spread over markets like the unit targets."""
    total = sum(target_units.values())
    return {m: target_leads * units / total for m, units in target_units.items()}


def without_scale_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(("action_scale", "purchase_scale"))]


def log_change(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {m: math.log(after[m] / before[m]) for m in before}


@pytest.fixture(scope="module")
def one_step(tmp_path_factory):
    """(what the tiny world produced at its starting values, the values after one step)."""
    path = tiny_scenario(tmp_path_factory.mktemp("calibration"), TARGET_LEADS, TARGET_UNITS)
    measured, stepped = calibrate(str(path), iterations=1)
    return measured, stepped


@pytest.mark.parametrize("scale, produced, targets", [
    ("action_scale", "leads", lead_targets(TARGET_LEADS, TARGET_UNITS)),
    ("purchase_scale", "units", TARGET_UNITS),
], ids=["leads", "units"])
def test_one_step_raises_a_scale_that_fell_short_and_lowers_one_that_overshot(one_step, scale, produced, targets):
    measured, stepped = one_step
    change = log_change(getattr(measured, scale), getattr(stepped, scale))
    short = {m: getattr(measured, produced)[m] < targets[m] for m in targets}
    assert set(short.values()) == {True, False}, "the targets should exercise both directions"
    for market, fell_short in short.items():
        assert (change[market] > 0) == fell_short, (market, getattr(measured, produced)[market], targets[market])


def test_a_converged_point_moves_less_than_the_damping_allows(one_step, tmp_path):
    """Targets set to what the tiny world makes: units are met exactly, so purchase_scale stays;
    leads only as closely as one total spread like the units allows, and a step closes at most
    ``damping`` of that gap (in log terms)."""
    measured, _ = one_step
    damping = 0.5
    path = tiny_scenario(tmp_path, sum(measured.leads.values()), measured.units)
    again, stepped = calibrate(str(path), iterations=1, damping=damping)
    assert (again.leads, again.units) == (measured.leads, measured.units)
    for market, moved in log_change(again.purchase_scale, stepped.purchase_scale).items():
        assert abs(moved) <= ROUNDING, market
    targets = lead_targets(sum(measured.leads.values()), measured.units)
    for market, moved in log_change(again.action_scale, stepped.action_scale).items():
        gap = abs(math.log(targets[market] / measured.leads[market]))
        assert abs(moved) <= damping * gap + ROUNDING, (market, moved, gap)


def test_write_calibration_changes_only_the_calibration_values(tmp_path):
    path = tiny_scenario(tmp_path, TARGET_LEADS, TARGET_UNITS)
    before = path.read_text()
    action, purchase = {"UK": 1.25, "DE": 2.5, "FR": 3.75}, {"UK": 0.5, "DE": 0.75, "FR": 1.5}
    write_calibration(str(path), action, purchase)
    after = path.read_text()
    assert without_scale_lines(after) == without_scale_lines(before)  # comments and layout kept
    expected = tomllib.loads(before)
    expected["calibration"].update(action_scale=action, purchase_scale=purchase)
    assert tomllib.loads(after) == expected
    read_back = calibrate(str(path), iterations=0)[-1]  # no run: the values the scenario now loads with
    assert (read_back.action_scale, read_back.purchase_scale) == (action, purchase)
