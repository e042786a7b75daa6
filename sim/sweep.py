"""Sweeps: scenarios x seeds, and their truths, through one ``concurrent.futures.Executor``.

A sweep writes ``FOLDER/<scenario>/seed-<n>/`` for every scenario and seed: exactly the folder
``sim run SCENARIO --set run.seed=n`` writes (:func:`sim.run.run_into`, in a worker), and with
``truth`` its ``truth/`` too (:func:`sim.truth.compute_truth`, whose counterfactual runs go to
the same executor, written by :func:`sim.run.write_truth` once the run's folder is in place).
Every job depends on its world alone, so the folders are byte-identical whatever the executor
or the number of workers. ``FOLDER/sweep.csv`` lists every job: status, wall time, causal hash
and the run's key KPIs.

The executor (:class:`Workers`) is a process pool (:func:`sim.system.children.process_pool`)
or, with the optional extra ``dask``, a ``dask.distributed`` client: of a ``LocalCluster`` of
worker processes on this machine, or of the cluster whose scheduler is at an address (its
workers write the folders, so ``FOLDER`` must be on a filesystem they share with this process).
Interrupted, a sweep stops its workers, removes what an unfinished job left (temporary
siblings, locks) and keeps the folders that were complete.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.run import check_memory, csv_bytes, memory_estimate, run_into, write_truth
from sim.system.children import process_pool, stop_pool
from sim.system.outputs import OutputError, OutputLock, atomic_write, check_writable, remove_leftovers
from sim.truth import compute_truth
from sim.world.config import ConfigError, World, load_world

SWEEP_FILE = "sweep.csv"
COLUMNS = ("scenario", "seed", "job", "status", "wall_seconds", "folder", "causal_sha256",
           "units", "leads", "spend_gbp", "revenue_gbp", "detail")
DASK_EXTRA = "the dask executor needs the optional extra `dask`: pip install -c constraints.txt -e '.[dask]'"
CONNECT_SECONDS = 10  # how long to try to reach a dask scheduler before refusing
LOCK_RELEASE_SECONDS = 5.0  # how long a stopped worker's processes may take to let a folder's lock go
SEED_ITEM = re.compile(r"^(\d+)(?:-(\d+))?$")


# --------------------------------------------------------------------------- what to run
def parse_seeds(text: str) -> list[int]:
    """``"1,2,3"``, ``"1-5"`` or both (``"1-3,7"``): whole numbers >= 0, each once, in the order given."""
    seeds: list[int] = []
    for item in (part.strip() for part in text.split(",")):
        match = SEED_ITEM.match(item)
        if not match:
            raise ConfigError(f"--seeds {text!r}: {item!r} is not a seed (a whole number >= 0) or a range "
                              "such as 1-5; give e.g. --seeds 1,2,3 or --seeds 1-5")
        first, last = int(match[1]), int(match[2] if match[2] is not None else match[1])
        if last < first:
            raise ConfigError(f"--seeds {text!r}: the range {item} runs backwards; write {last}-{first}")
        seeds += range(first, last + 1)
    twice = sorted({s for s in seeds if seeds.count(s) > 1})
    if twice:
        raise ConfigError(f"--seeds {text!r}: seed {', '.join(map(str, twice))} given more than once")
    return seeds


@dataclass(frozen=True)
class Cell:
    """One scenario at one seed: its world and its folder ``FOLDER/<scenario>/seed-<n>``."""

    world: World
    folder: Path

    @property
    def scenario(self) -> str:
        return self.world.name

    @property
    def seed(self) -> int:
        return self.world.run.seed


def plan_cells(scenarios: list[str], seeds: list[int], overrides: list[str], out: Path) -> list[Cell]:
    """Load and validate every world of the sweep (ConfigError, naming the first bad one)."""
    if any(o.split("=", 1)[0].strip() == "run.seed" for o in overrides):
        raise ConfigError("--set run.seed=...: a sweep's seeds are given by --seeds")
    cells, names = [], {}
    for scenario in scenarios:
        first = load_world(scenario, overrides, seeds[0])
        if first.name in names:
            raise ConfigError(f"scenarios {names[first.name]!r} and {scenario!r} are both named {first.name!r}: "
                              f"their folders would be the same ({Path(out) / first.name})")
        names[first.name] = scenario
        cells += [Cell(first if seed == seeds[0] else load_world(scenario, overrides, seed),
                       Path(out) / first.name / f"seed-{seed}") for seed in seeds]
    return cells


def check_sweep(cells: list[Cell], out: Path, runs_at_once: int | None) -> None:
    """Refuse, before anything is written, a sweep that cannot be written or would not fit in
    memory with ``runs_at_once`` processes alive together (None: the workers are elsewhere)."""
    out = Path(out)
    check_writable(out)
    for path in [out, *sorted({c.folder.parent for c in cells}), *(c.folder for c in cells)]:
        if path.exists() and not path.is_dir():
            raise OutputError(f"output path exists and is not a folder: {path}")
        if path.is_dir() and not os.access(path, os.W_OK):
            raise OutputError(f"output folder is not writable: {path}")
    if runs_at_once is not None and cells:  # a whole run is the biggest job a worker takes
        check_memory(max((c.world for c in cells), key=memory_estimate), "run", runs_at_once)


# --------------------------------------------------------------------------- the executor
@dataclass
class Workers:
    """The executor of a sweep, what it is, and how to stop it at once or close it."""

    executor: cf.Executor
    description: str
    stop: Callable[[], None]
    close: Callable[[], None]
    processes_at_once: int | None  # processes on this machine (None: a cluster's, elsewhere)


def process_workers(workers: int) -> Workers:
    pool = process_pool(workers, "spawn")
    return Workers(pool, f"a process pool of {workers} workers", lambda: stop_pool(pool), pool.shutdown, workers)


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def dask_workers(workers: int | None, scheduler: str | None) -> Workers:
    """A dask.distributed client's executor: of the scheduler at ``scheduler``, else of a
    ``LocalCluster`` of ``workers`` single-threaded worker processes on the loopback interface."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(DASK_EXTRA) from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"--scheduler {scheduler}: cannot reach a dask scheduler there ({exc})") from None
        description = f"the dask cluster at {scheduler}"
    else:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited: Ctrl-C is the parent's to handle
        try:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
        finally:
            signal.signal(signal.SIGINT, previous)
        client = Client(cluster)
        description = f"a dask LocalCluster of {workers} worker processes"
    executor = client.get_executor(pure=False)  # every job writes a folder: never merge two submissions

    def close() -> None:
        executor.shutdown(wait=False)
        client.close()
        if cluster is not None:
            cluster.close()

    def stop() -> None:
        """Cancel what has not run; a LocalCluster's workers are killed at once (a graceful close
        would let a running job finish); a remote cluster's running tasks finish on their workers
        (dask cannot stop a running task), each folder landing whole."""
        executor.shutdown(wait=False)
        for nanny in list(cluster.workers.values()) if cluster is not None else ():
            nanny.close_gracefully()  # the nanny must not start a new worker in its place
            if nanny.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(nanny.pid, signal.SIGKILL)
        close()

    return Workers(executor, description, stop, close, None if scheduler else workers)


def executor_kind(executor: str | None, workers: int | None, scheduler: str | None) -> str:
    """"process" or "dask", from the command line's --executor, --workers and --scheduler;
    refuses (ConfigError) a combination that means nothing."""
    if scheduler and executor == "process":
        raise ConfigError("--scheduler is a dask scheduler's address: give --executor dask or leave --executor out")
    if scheduler and workers is not None:
        raise ConfigError("--workers sets the size of a pool on this machine; a cluster at --scheduler has its own")
    kind = executor or ("dask" if scheduler else "process")
    if kind == "dask" and not dask_available():
        raise ConfigError(DASK_EXTRA)
    return kind


def start_workers(kind: str, workers: int, scheduler: str | None = None) -> Workers:
    """``kind`` "process" (a pool of ``workers``) or "dask" (of ``scheduler``'s cluster, else a
    LocalCluster of ``workers``); refuses (ConfigError) what cannot be started."""
    if kind == "dask":
        return dask_workers(workers, scheduler)
    return process_workers(workers)


# --------------------------------------------------------------------------- the jobs
def run_job(world: World, folder: Path, wait: bool = False) -> dict:
    """In a worker: ``sim run`` of one cell into its folder; its row of sweep.csv."""
    start = time.perf_counter()
    with OutputLock(folder, "sim sweep", wait):
        outcome = run_into(world, folder)
    tables = outcome.tables
    sales = tables["raw/vehicle_sales.csv"]
    details = outcome.notes + [v for v in outcome.verdicts.values() if v != "keep"]
    if outcome.kept:
        details.append(f"kept {', '.join(f'{k}/' for k in outcome.kept)} of the previous output")
    if not outcome.report.ok:
        details.insert(0, f"validation failed: see {folder / 'validation_report.md'}")
    return {"status": "ok" if outcome.report.ok else "invalid", "wall_seconds": time.perf_counter() - start,
            "causal_sha256": outcome.manifest["causal_sha256"], "units": len(sales),
            "leads": len(tables["raw/leads.csv"]),
            "spend_gbp": round(float(tables["mmm/weekly_channel_spend.csv"]["total_spend"].sum()), 2),
            "revenue_gbp": round(float(sales["transaction_price_gbp"].sum()), 2), "detail": "; ".join(details)}


def truth_job(world: World, executor: cf.Executor):
    """In a thread of this process: the truth of one cell, its counterfactual runs on ``executor``."""
    start = time.perf_counter()
    return compute_truth(world, executor=executor), time.perf_counter() - start


def in_thread(fn: Callable, *args) -> cf.Future:
    """``fn(*args)`` in a daemon thread (an interrupted sweep never waits for it), as a Future."""
    future: cf.Future = cf.Future()

    def work() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: B036 - handed to whoever waits on the future
                future.set_exception(exc)

    threading.Thread(target=work, name=f"sweep-{getattr(fn, '__name__', 'job')}", daemon=True).start()
    return future


# --------------------------------------------------------------------------- the sweep
@dataclass
class Sweep:
    """Run ``cells`` (and their truths) on ``workers``; ``report(line)`` hears of each finished job."""

    cells: list[Cell]
    out: Path
    workers: Workers
    truth: bool = False
    wait: bool = False
    report: Callable[[str], None] = print
    rows: dict[tuple[int, str], dict] = field(default_factory=dict)   # (cell index, job) -> row
    _made: list[Path] = field(default_factory=list)                   # folders this sweep created
    _pending: dict[cf.Future, tuple[int, str]] = field(default_factory=dict)

    @property
    def jobs(self) -> int:
        return len(self.cells) * (2 if self.truth else 1)

    def run(self) -> pd.DataFrame:
        """Every job's row (sweep.csv, also written): all of them, or on an interrupt those that finished."""
        try:
            self._run()
        except BaseException:
            self.workers.stop()
            self._harvest()
            self._clean()
            if self.rows:
                self.write()
            raise
        self.workers.close()
        return self.write()

    def _run(self) -> None:
        for folder in [self.out, *dict.fromkeys(c.folder.parent for c in self.cells)]:
            if not folder.exists():
                folder.mkdir()
                self._made.append(folder)
        self._pending = pending = {}
        for i, cell in enumerate(self.cells):
            pending[self.workers.executor.submit(run_job, cell.world, cell.folder, self.wait)] = (i, "run")
        for i, cell in enumerate(self.cells if self.truth else ()):
            pending[in_thread(truth_job, cell.world, self.workers.executor)] = (i, "truth")
        truths: dict[int, cf.Future] = {}  # computed, waiting for their run's folder
        for future in cf.as_completed(pending):
            i, job = pending[future]
            if job == "run":
                self._finish_run(i, future)
            else:
                truths[i] = future
            if i in truths and (i, "run") in self.rows:
                self._finish_truth(i, truths.pop(i))

    def _harvest(self) -> None:
        """After the workers are stopped: record the runs that finished before they were (their
        folders are in place) but were not yet seen."""
        for future, (i, job) in self._pending.items():
            if job == "run" and (i, job) not in self.rows and future.done() and not future.cancelled() \
                    and future.exception() is None:
                self._finish_run(i, future)

    def _finish_run(self, i: int, future: cf.Future) -> None:
        exc = future.exception()
        row = {"status": "failed", "detail": f"{type(exc).__name__}: {exc}"} if exc else future.result()
        self._record(i, "run", row)

    def _finish_truth(self, i: int, future: cf.Future) -> None:
        cell = self.cells[i]
        exc = future.exception()
        if exc is not None:
            row = {"status": "failed", "detail": f"{type(exc).__name__}: {exc}"}
        elif self.rows[(i, "run")]["status"] == "failed":
            row = {"status": "skipped", "wall_seconds": future.result()[1],
                   "detail": "truth/ not written: the run failed"}
        else:
            truth, wall = future.result()
            try:
                with OutputLock(cell.folder, "sim sweep", self.wait):
                    write_truth(cell.folder, cell.world, truth)
            except (OutputError, OSError) as exc:  # e.g. another command holds the folder: this job fails
                row = {"status": "failed", "wall_seconds": wall, "detail": f"{type(exc).__name__}: {exc}"}
            else:
                row = {"status": "ok", "wall_seconds": wall, "causal_sha256": self.rows[(i, "run")]["causal_sha256"],
                       "detail": f"units(plan) - units(all media off) = {truth.channel['incr_units'].sum():,.0f}"}
        self._record(i, "truth", row)

    def _record(self, i: int, job: str, row: dict) -> None:
        cell = self.cells[i]
        folder = cell.folder.relative_to(self.out).as_posix() + ("/truth" if job == "truth" else "")
        self.rows[(i, job)] = {"scenario": cell.scenario, "seed": cell.seed, "job": job, "folder": folder, **row}
        wall = row.get("wall_seconds")
        took = f" in {wall:,.1f} s" if wall is not None else ""
        detail = f" ({row['detail']})" if row.get("detail") and row["status"] != "ok" else ""
        self.report(f"[{len(self.rows)}/{self.jobs}] {job} {cell.scenario} seed {cell.seed}: "
                    f"{row['status']}{took} -> {self.out / folder}{detail}")

    def table(self) -> pd.DataFrame:
        rows = []
        for i, cell in enumerate(self.cells):
            for job in ("run", "truth") if self.truth else ("run",):
                rows.append(self.rows.get((i, job)) or {
                    "scenario": cell.scenario, "seed": cell.seed, "job": job, "status": "cancelled",
                    "folder": cell.folder.relative_to(self.out).as_posix() + ("/truth" if job == "truth" else "")})
        table = pd.DataFrame(rows, columns=list(COLUMNS))
        table["wall_seconds"] = table["wall_seconds"].astype(float).round(1)
        for col in ("units", "leads"):
            table[col] = table[col].astype("Int64")
        return table

    def write(self) -> pd.DataFrame:
        table = self.table()
        atomic_write(self.out / SWEEP_FILE, csv_bytes(table))
        return table

    @property
    def failed(self) -> bool:
        return any(row["status"] in ("failed", "invalid", "skipped") for row in self.rows.values())

    def _clean(self) -> None:
        """After the workers are stopped: what unfinished jobs left (a temporary sibling, a previous
        folder moved aside, a lock file) is removed or put back; folders this sweep made and left
        empty go."""
        for i, cell in enumerate(self.cells):
            for job, target in (("run", cell.folder), ("truth", cell.folder / "truth")):
                if (i, job) not in self.rows and target.parent.is_dir():
                    remove_leftovers(target)
            if (i, "run") not in self.rows and cell.folder.parent.is_dir():
                _drop_lock(cell.folder)
        for folder in reversed(self._made):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _drop_lock(folder: Path, within: float = LOCK_RELEASE_SECONDS) -> None:
    """Take and release the lock of ``folder`` so that its file goes, once the stopped worker's
    processes (its chart child shares the lock until the kernel ends it) have let it go; a lock
    still held after ``within`` seconds belongs to another command and stays."""
    deadline = time.monotonic() + within
    while True:
        try:
            with OutputLock(folder, "sim sweep"):
                return
        except OutputError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
