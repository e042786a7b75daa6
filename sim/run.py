"""One run: simulate a world, export every view of it, write the output folder atomically.

The folder is built in a temporary sibling and renamed into place only when complete
(:func:`sim.system.outputs.atomic_folder`), so a failed or interrupted run leaves the previous
output untouched (DESIGN principle 6).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

import sim
from sim.engine.consumers import build_population, day_uniforms
from sim.engine.log import EventLog
from sim.engine.model import LaunchModel, UniformPrefetch
from sim.exporters import export_tables
from sim.schemas import columns
from sim.system.outputs import atomic_folder, check_writable, remove_leftovers
from sim.truth import Truth
from sim.world.config import ConfigError, World, config_hash, validation_context
from sim.world.provenance import causal_hash, file_sha256, provenance, read_provenance, write_provenance
from sim.world.streams import Streams

SCENARIO_FILE = "scenario.json"  # the resolved scenario that produced the folder
MODEL_READY = "mmm/model_ready.csv"
DERIVED = ("truth", "recover")  # folders computed from a run by `sim truth` and `sim compare`

__all__ = ["RunOutcome", "check_memory", "csv_bytes", "export_tables", "memory_estimate", "run_into", "simulate",
           "write_output", "write_truth"]


def simulate(world: World, progress=None, interventions=None) -> EventLog:
    return LaunchModel(world, interventions).run(progress)


@dataclass
class RunOutcome:
    """What :func:`run_into` wrote: the manifest, the validation report, the exported tables, what
    became of the previous output's derived folders (``derived_to_keep``'s verdicts) and notes
    (e.g. why there is no visual report)."""

    manifest: dict
    report: Any
    tables: dict[str, pd.DataFrame]
    verdicts: dict[str, str]
    notes: list[str]

    @property
    def kept(self) -> tuple[str, ...]:
        return tuple(name for name, verdict in self.verdicts.items() if verdict == "keep")


def run_into(world: World, out: Path, progress=None) -> RunOutcome:
    """The whole of ``sim run``: simulate ``world``, export every view of it, write the docs, the
    validation report and the charts, and swap the folder into place at ``out`` (carrying the
    previous ``truth/`` and ``recover/`` when their provenance still matches). The caller holds
    the folder's lock."""
    from sim.exporters.docs import write_docs
    from sim.validate import validate_dir, write_report

    log = simulate(world, progress)
    tables, documents = export_tables(world, log)
    reports, notes = [], []

    def finalize(tmp: Path) -> None:
        write_docs(tmp, world)
        reports.append(validate_dir(tmp, world))
        write_report(reports[0], tmp)
        note = _charts(tmp, world)
        if note:
            notes.append(note)

    restore_derived(out)
    verdicts = derived_to_keep(out, world, csv_bytes(tables[MODEL_READY]))
    keep = tuple(name for name, verdict in verdicts.items() if verdict == "keep")
    manifest = write_output(out, world, tables, documents, finalize, keep=keep)
    return RunOutcome(manifest, reports[0], tables, verdicts, notes)


def _charts(out: Path, world: World) -> str | None:
    """The visual report (optional extra `report`); without matplotlib, the note that says so."""
    try:
        from sim.exporters.report import write_report as write_charts

        write_charts(out, seasonality=list(world.media.monthly_seasonality))
    except ImportError as exc:
        return f"note: no visual report ({exc}); install the `report` extra to get it"
    return None


def restore_derived(run: Path) -> None:
    """Put back a truth/ or recover/ that a killed `sim truth` or `sim compare` left moved aside
    (and remove their temporary siblings) before anyone judges what the folder holds."""
    for name in DERIVED if Path(run).is_dir() else ():
        remove_leftovers(Path(run) / name)


def write_truth(run: Path, world: World, truth: Truth) -> Path:
    """Write ``run/truth/`` (the tables and their provenance) atomically; the previous truth/
    stays whole until the new one is. The caller holds the run folder's lock."""
    out = Path(run) / "truth"
    out.parent.mkdir(exist_ok=True)
    with atomic_folder(out) as tmp:
        truth.write(tmp)
        write_provenance(tmp, provenance(world, **truth.provenance_extra()))
    return out


def _ordered(path: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns in the declared order (schemas are the one home of column lists)."""
    name = Path(path).stem
    declared = columns(name)
    extra = [c for c in df.columns if c not in declared]
    missing = [c for c in declared if c not in df.columns]
    if missing:
        raise RuntimeError(f"{path}: exporter did not produce declared columns {missing}")
    return df[declared + extra]


def csv_bytes(df: pd.DataFrame) -> bytes:
    # exporters round their values; pandas writes the shortest exact repr, so pennies survive
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_output(out_dir: Path, world: World, tables: dict[str, pd.DataFrame], documents: dict[str, str],
                 finalize=None, keep: tuple[str, ...] = ()) -> dict:
    """Write everything into a temporary sibling folder, then swap it into place.

    ``finalize(tmp)`` adds derived files (docs, validation report, charts) before the
    manifest is taken. The manifest hashes every file except the charts under ``report/``
    (PNG bytes depend on the installed matplotlib, the data do not). ``keep`` names derived
    folders of the previous output (``truth``, ``recover``: see :func:`derived_to_keep`) that
    are carried into the new one; they record their own provenance, so the manifest leaves
    them out.
    """
    out_dir = Path(out_dir)
    check_writable(out_dir)
    with atomic_folder(out_dir) as tmp:
        rows = {}
        for rel, df in sorted(tables.items()):
            _write(tmp / rel, csv_bytes(_ordered(rel, df)))
            rows[rel] = len(df)
        for rel, text in sorted(documents.items()):
            _write(tmp / rel, text.encode("utf-8"))
        resolved = json.dumps(world.model_dump(mode="json"), indent=2) + "\n"  # order matters: markets, channels
        _write(tmp / SCENARIO_FILE, resolved.encode())
        if finalize is not None:
            finalize(tmp)
        manifest = {"package": "launch-sim", "version": sim.__version__, "scenario": world.name,
                    "seed": world.run.seed, "config_sha256": config_hash(world),
                    "causal_sha256": causal_hash(world), "files": _file_index(tmp, rows)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for name in keep:
            shutil.copytree(out_dir / name, tmp / name)
    return manifest


def derived_to_keep(out_dir: Path, world: World, model_ready: bytes) -> dict[str, str]:
    """Which derived folders of the previous output still belong to this run, and why (or why not).

    ``truth/`` belongs if it was computed for the same causal world; ``recover/`` if, besides,
    it was fitted on byte-identical ``mmm/model_ready.csv``.
    """
    verdicts: dict[str, str] = {}
    causal = causal_hash(world)
    for name in DERIVED:
        folder = Path(out_dir) / name
        if not folder.is_dir():
            continue
        record = read_provenance(folder)
        if record is None:
            verdicts[name] = f"dropped {name}/: it records no provenance"
        elif record.get("causal_sha256") != causal:
            verdicts[name] = f"dropped {name}/: computed for another world (causal sha256 " \
                             f"{str(record.get('causal_sha256'))[:12]}, this run {causal[:12]})"
        elif name == "recover" and record.get("model_ready_sha256") != hashlib.sha256(model_ready).hexdigest():
            verdicts[name] = f"dropped {name}/: fitted on another {MODEL_READY}"
        else:
            verdicts[name] = "keep"
    return verdicts


def run_world(out_dir: Path) -> World | None:
    """The resolved world that produced an output folder (its scenario.json), if it has one."""
    path = Path(out_dir) / SCENARIO_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        return World.model_validate(data, context=validation_context(data))
    except (ValueError, ValidationError) as exc:
        raise ConfigError(f"{path}: not a valid resolved scenario ({str(exc).splitlines()[0]})") from None


def run_causal_hash(out_dir: Path) -> str | None:
    manifest = Path(out_dir) / "manifest.json"
    try:
        return json.loads(manifest.read_text()).get("causal_sha256")
    except (OSError, ValueError):
        return None


def model_ready_sha256(out_dir: Path) -> str:
    return file_sha256(Path(out_dir) / MODEL_READY)


def _file_index(root: Path, rows: dict[str, int]) -> dict[str, dict]:
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("report/", *(f"{d}/" for d in DERIVED))) or rel == "manifest.json":
            continue
        data = path.read_bytes()
        entry = {"sha256": hashlib.sha256(data).hexdigest()}
        entry["rows" if rel in rows else "lines"] = rows.get(rel, data.count(b"\n"))
        files[rel] = entry
    return files


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# --------------------------------------------------------------------------- memory, before allocating
@dataclass(frozen=True)
class MemoryProfile:
    """Peak resident memory of a process over a one-year horizon: ``fixed`` bytes whatever the
    population, plus ``overhead`` times the bytes of the crowd's own arrays (:func:`crowd_bytes`)
    per consumer; each further year of the horizon (fractional: days / 365) adds
    ``fixed_per_year`` and ``overhead_per_year`` (the plan, the records and the exports grow with
    the days; the crowd's arrays do not)."""

    fixed: int
    overhead: float
    fixed_per_year: int = 0
    overhead_per_year: float = 0.0


# Measured with `python benchmarks/bench_memory.py --populations 100000,300000,800000` (baseline; the
# peak RSS of a fresh process; Linux, 2 cores, the versions in constraints.txt), after paid sessions
# became landed clicks (their per-row counts, the day's extra uniforms). The crowd's arrays are 246 B
# a consumer; a simulation's peak grows by 356-394 B a consumer (the records the crowd makes and a
# day's temporaries): least squares gives 218 MB + 397 B a consumer, the steepest slope between
# neighbours 409 B (overhead 1.66). A whole `sim run` grows faster at these sizes (the exports of
# millions of landed sessions, validation, documents and charts): 290 MB + 540 B a consumer, steepest
# 642 B (overhead 2.61). Each profile takes the steepest overhead and the smallest fixed part, rounded
# up, that puts every measured peak under the fit; the fit is then 1.04-1.06 times the
# measured peak of a simulation and 1.06-1.13 times that of a run; the benchmark prints the ratios.
# "simulate" is one world simulated in a process (a `sim truth` worker, each run of `sim calibrate`);
# "run" is a whole `sim run`.
# Per further year: `python benchmarks/bench_memory.py three_years --populations 100000,300000,600000`
# (three years) gives a simulation 411 MB + 697 B a consumer (steepest 698 B) and a run 501 MB +
# 1,570 B (steepest 1,812 B): per further year about 97 MB + 144 B a consumer (0.59 of the crowd's
# 246 B) for a simulation and 105 MB + 585 B (2.38 x) for a run. Rounded up, the fit is 1.03-1.04
# times the measured three-year peak of a simulation and 1.07-1.13 times that of a run.
MEMORY = {"simulate": MemoryProfile(fixed=230_000_000, overhead=1.66, fixed_per_year=100_000_000,
                                    overhead_per_year=0.60),
          "run": MemoryProfile(fixed=300_000_000, overhead=2.61, fixed_per_year=110_000_000, overhead_per_year=2.40)}

# The profiles are fitted to peaks measured on one machine; a clean CI machine of the same kind
# measured a simulation of 300,000 consumers 0.01% above its bare fit (other library builds and
# page placement), so every estimate keeps this much headroom over the fit.
HEADROOM = 1.10


def crowd_bytes(world: World) -> int:
    """Bytes per consumer of the arrays the crowd allocates, known before any is: the
    :class:`~sim.engine.consumers.Population` arrays, the drawer's candidate probability (one
    float per consumer, as ``interest``), and the uniforms of today and of the prefetched days;
    measured on a population of one."""
    streams = Streams(world.run.seed)
    one = build_population(world.model_copy(update={"run": world.run.model_copy(update={"population": 1})}), streams)
    arrays = sum(a.nbytes for a in vars(one).values() if isinstance(a, np.ndarray)) + one.interest.nbytes
    day = sum(a.nbytes for a in vars(day_uniforms(streams, 1, 0)).values())
    return arrays + (UniformPrefetch.LOOKAHEAD_DAYS + 1) * day


def memory_estimate(world: World, command: str = "run") -> int:
    """Peak bytes of one process of ``command`` ("run" or "simulate", see :data:`MEMORY`), with
    :data:`HEADROOM` over the fitted profile."""
    profile = MEMORY[command]
    further = max(0.0, world.run.days / 365 - 1)
    fixed = profile.fixed + profile.fixed_per_year * further
    overhead = profile.overhead + profile.overhead_per_year * further
    return round(HEADROOM * (fixed + overhead * crowd_bytes(world) * world.run.population))


def check_memory(world: World, command: str = "run", runs_at_once: int = 1) -> None:
    """Refuse (ConfigError) a population that would not fit in this machine's memory;
    ``runs_at_once``: processes of ``command`` alive together, e.g. the workers of ``sim truth``."""
    per_run = memory_estimate(world, command)
    need = per_run * runs_at_once
    have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if need > have:
        gib = f"{per_run / 2**30:,.1f} GiB"
        if runs_at_once > 1:
            gib += f" a run, {need / 2**30:,.1f} GiB for the {runs_at_once} runs at once"
        raise ConfigError(f"run.population = {world.run.population}: the consumer arrays, per-day uniforms and "
                          f"the records they make need about {gib}, more than this machine's "
                          f"{have / 2**30:,.1f} GiB of memory")
