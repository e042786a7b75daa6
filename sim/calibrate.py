"""Calibration of the free parameters: a reproducible fixed-point search, written back to the
scenario file.

Two families of free parameters have no value in the extract: how often consumers act
(``calibration.action_scale``, per market) and how readily retail leads buy
(``calibration.purchase_scale``, per market). Everything else comes from the extract. Each
iteration runs the full baseline and rescales:

    action_scale[m]   *= (target_leads x share_m / leads[m]) ** damping
    purchase_scale[m] *= (target_units[m] / units[m]) ** damping

where share_m is market m's share of the unit targets (leads are spread over markets as the
sales targets are).

Fleet sales do not use purchase_scale, so the factor acts on the retail paths only. The run
is deterministic, so the procedure (and what it writes) is reproducible.

The search stops at a fixed point: once every market's leads and units are within
:data:`TOLERANCE` of their targets, the values that produced them are the result, so a
calibrated scenario stays as it is (a simulated count moves in whole leads and units, so an
exact hit is not to be had).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomlkit

from sim.engine.model import LaunchModel
from sim.system.outputs import atomic_write
from sim.world.config import World, load_world, scenario_path

TOLERANCE = 0.01  # relative: leads and units of every market within 1% of their targets


@dataclass
class CalibrationStep:
    iteration: int
    leads: dict[str, int]
    units: dict[str, int]
    action_scale: dict[str, float]
    purchase_scale: dict[str, float]


def calibrate(scenario: str = "baseline", iterations: int = 5, damping: float = 0.9,
              progress=None) -> list[CalibrationStep]:
    world = load_world(scenario)
    action = dict(world.calibration.action_scale)
    purchase = dict(world.calibration.purchase_scale)
    targets = world.sales.target_units
    lead_targets = {m: world.calibration.target_leads * targets[m] / sum(targets.values()) for m in world.markets}
    steps = []
    for it in range(iterations):
        w = _with(world, action, purchase)
        log = LaunchModel(w).run()
        leads = {m: 0 for m in world.markets}
        for lead in log.leads:
            leads[lead.market] += 1
        units = {m: 0 for m in world.markets}
        for sale in log.sales:
            units[sale.market] += 1
        steps.append(CalibrationStep(it, leads, units, dict(action), dict(purchase)))
        if progress is not None:
            progress(steps[-1])
        if _within(leads, lead_targets) and _within(units, targets):
            break  # a fixed point: these values hit the targets
        action = {m: round(v * (lead_targets[m] / max(leads[m], 1)) ** damping, 4) for m, v in action.items()}
        purchase = {m: round(v * (targets[m] / max(units[m], 1)) ** damping, 4) for m, v in purchase.items()}
    steps.append(CalibrationStep(len(steps), {}, {}, action, purchase))
    return steps


def _within(achieved: dict[str, int], targets: dict[str, float]) -> bool:
    return all(abs(achieved[m] / targets[m] - 1) <= TOLERANCE for m in targets)


def _with(world: World, action: dict, purchase: dict) -> World:
    cal = world.calibration.model_copy(update={"action_scale": action, "purchase_scale": purchase})
    return world.model_copy(update={"calibration": cal})


def write_calibration(scenario: str, action: dict[str, float], purchase: dict[str, float]) -> Path:
    """Write the tuned values into the scenario file, keeping its comments and layout; the file
    is replaced in one rename, so an interrupted calibration leaves it as it was."""
    path = scenario_path(scenario)
    doc = tomlkit.parse(path.read_text())
    if "calibration" not in doc:  # a scenario that extends another: its own values override
        doc["calibration"] = tomlkit.table()
    cal = doc["calibration"]
    for key, values in (("action_scale", action), ("purchase_scale", purchase)):
        table = tomlkit.inline_table()
        table.update(values)
        cal[key] = table
    return atomic_write(path, tomlkit.dumps(doc).encode())
