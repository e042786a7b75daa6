"""One run: simulate a world, export every view of it, write the output folder atomically.

The folder is built in a temporary sibling and renamed into place only when complete, so a
failed or interrupted run leaves the previous output untouched (DESIGN principle 6).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

import sim
from sim.engine.log import EventLog
from sim.engine.model import LaunchModel
from sim.exporters import export_tables
from sim.schemas import columns
from sim.world.config import ConfigError, World, config_hash
from sim.world.provenance import causal_hash, file_sha256, read_provenance

SCENARIO_FILE = "scenario.json"  # the resolved scenario that produced the folder
MODEL_READY = "mmm/model_ready.csv"
DERIVED = ("truth", "recover")  # folders computed from a run by `sim truth` and `sim compare`

__all__ = ["OutputError", "check_writable", "csv_bytes", "export_tables", "simulate", "write_output"]


class OutputError(RuntimeError):
    """The output folder cannot be written; nothing was changed."""


def simulate(world: World, progress=None, interventions=None) -> EventLog:
    return LaunchModel(world, interventions).run(progress)


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


VIRTUAL_FILESYSTEMS = (Path("/proc"), Path("/sys"))  # the kernel's views: nothing of ours can be written there


def check_writable(out_dir: Path) -> None:
    """Refuse, before any work, an output folder that cannot be written (OutputError)."""
    resolved = out_dir.resolve()
    for root in VIRTUAL_FILESYSTEMS:
        if resolved == root or root in resolved.parents:
            raise OutputError(f"output folder is under {root}, a kernel filesystem: {out_dir}")
    parent = resolved.parent
    if not parent.exists():
        raise OutputError(f"output folder's parent does not exist: {parent}")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"output folder's parent is not writable: {parent}")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"output path exists and is not a folder: {out_dir}")


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
    remove_leftovers(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-{os.getpid()}-", dir=out_dir.resolve().parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; the folder gets what the umask gives any folder
    try:
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
        _swap(tmp, out_dir)
        return manifest
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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
        return World.model_validate(json.loads(path.read_text()))
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, ended but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc: the signal check is all we have


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove the temporary siblings (``.<name>.tmp-<pid>-*``, ``.<name>.old-<pid>``) that a killed
    run into ``out_dir`` left behind: only ours, and only those of processes no longer alive."""
    out_dir = Path(out_dir).resolve()
    removed = []
    for kind in ("tmp", "old"):
        for path in out_dir.parent.glob(f".{out_dir.name}.{kind}-*"):
            pid = path.name[len(f".{out_dir.name}.{kind}-"):].split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


class FolderLock:
    """An exclusive lock on an output folder: ``.<name>.lock`` beside it holds the pid and the
    command of its holder. A second run into the same folder refuses (or, with ``wait``, waits);
    a lock whose holder is no longer alive is taken over."""

    def __init__(self, out_dir: Path, command: str, wait: bool = False, poll_seconds: float = 0.5):
        out_dir = Path(out_dir).resolve()
        self.path = out_dir.with_name(f".{out_dir.name}.lock")
        self.command, self.wait, self.poll = command, wait, poll_seconds

    def holder(self) -> tuple[int, str] | None:
        try:
            pid, _, command = self.path.read_text().partition(" ")
            return int(pid), command.strip()
        except (OSError, ValueError):
            return None

    def __enter__(self) -> FolderLock:
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                held = self.holder()
                if held is None or not _pid_alive(held[0]):
                    self.path.unlink(missing_ok=True)  # stale: its holder is gone
                    continue
                if not self.wait:
                    raise OutputError(f"output folder is in use by pid {held[0]} ({held[1]}); lock file "
                                      f"{self.path} (use --wait to wait for it)") from None
                time.sleep(self.poll)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(f"{os.getpid()} {self.command}\n")
            return self

    def __exit__(self, *exc) -> None:
        held = self.holder()
        if held is not None and held[0] == os.getpid():
            self.path.unlink(missing_ok=True)


def _swap(tmp: Path, out_dir: Path) -> None:
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
