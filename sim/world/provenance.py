"""Provenance: which world a folder of results was computed from.

A run folder, its ``truth/`` and its ``recover/`` each record the *causal hash* of the world
they come from: the sha256 of

* the resolved scenario without the parts that cannot change what happens in the world
  (:data:`NON_CAUSAL_KEYS`: the scenario's name and description, and the ``[reporting]``
  conventions of the exports), and
* the source of the code that decides what happens (:data:`CAUSAL_CODE`: the world, the
  transforms, the engine and the truth, less the modules of reporting conventions and of this
  provenance itself).

Two folders with the same causal hash describe the same simulated world, so a truth computed
for one grades a model fitted to the other. Rewording a document or a reporting range keeps the
hash (hours of truth stay valid); a change of seed, population, budget, response or engine
code changes it. ``recover/`` also records the sha256 of the ``mmm/model_ready.csv`` it fitted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sim

if TYPE_CHECKING:
    from sim.world.config import World

PROVENANCE_FILE = "provenance.json"
NON_CAUSAL_KEYS = ("name", "description", "reporting")
CAUSAL_CODE = ("world", "transforms", "engine", "truth")
NON_CAUSAL_CODE = ("world/reporting.py", "world/provenance.py")
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def causal_config(world: World) -> dict[str, Any]:
    """The resolved scenario as JSON data, without its non-causal sections."""
    data = world.model_dump(mode="json")
    return {k: v for k, v in data.items() if k not in NON_CAUSAL_KEYS}


def code_sha256() -> str:
    """sha256 over the causal source files (path and bytes, in path order)."""
    digest = hashlib.sha256()
    for package in CAUSAL_CODE:
        for path in sorted((PACKAGE_DIR / package).rglob("*.py")):
            rel = path.relative_to(PACKAGE_DIR).as_posix()
            if rel in NON_CAUSAL_CODE:
                continue
            digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def causal_hash(world: World) -> str:
    # keys keep the scenario's order: the order of markets, channels and dealers is part of the world
    blob = json.dumps(causal_config(world), separators=(",", ":"))
    return hashlib.sha256(blob.encode() + code_sha256().encode()).hexdigest()


def provenance(world: World, **extra: Any) -> dict[str, Any]:
    """The provenance record of results computed from ``world``."""
    return {"package": "launch-sim", "version": sim.__version__, "scenario": world.name, "seed": world.run.seed,
            "population": world.run.population, "causal_sha256": causal_hash(world), **extra}


def write_provenance(folder: Path, record: dict[str, Any]) -> Path:
    path = Path(folder) / PROVENANCE_FILE
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return path


def read_provenance(folder: Path) -> dict[str, Any] | None:
    """The folder's provenance record, or None if it has none (or an unreadable one)."""
    path = Path(folder) / PROVENANCE_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
