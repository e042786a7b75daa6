"""A real SIGINT or SIGTERM to a running `sim run` or `sim truth`: one line, exit 130 / 143, no
traceback, the previous output untouched (a previous truth/ byte for byte), no temporary folder
left and no worker left alive. A real SIGKILL: no child process outlives its parent (the chart
child of `sim run`, the workers of `sim truth`); the kernel's way (Linux prctl) and the portable
watcher each end an orphan."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.system.children import ORPHAN_EXIT

ROOT = Path(__file__).resolve().parents[1]
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}


def children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def is_pool_worker(pid: int) -> bool:
    """A process pool worker (not multiprocessing's resource tracker, which leaves by itself)."""
    line = cmdline(pid) or b""
    return b"spawn_main" in line and b"resource_tracker" not in line


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "stderr.txt"
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=log.open("w"))
    return proc, log


def wait_for(condition, proc: subprocess.Popen, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert proc.poll() is None, "the command ended before it could be interrupted"
        assert time.monotonic() < deadline, "the command never got going"
        time.sleep(0.05)


def previous_output(tmp_path: Path) -> Path:
    """An output folder with a previous run's file and a previous truth/."""
    out = tmp_path / "out"
    (out / "truth").mkdir(parents=True)
    (out / "keep.txt").write_text("previous run")
    (out / "truth" / "channel_truth.csv").write_text("channel,incr_units\ntv,12.5\n")
    (out / "truth" / "provenance.json").write_text('{"causal_sha256": "a previous world"}\n')
    return out


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` (the folder's siblings included) with its bytes (None for a folder)."""
    return {p.relative_to(folder.parent).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in folder.parent.rglob("*") if p.name != "stderr.txt"}


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_leaves_the_previous_output(tmp_path, sig):
    out = previous_output(tmp_path)
    before = snapshot(out)
    proc, log = start(tmp_path, "run", "--out", str(out), "--set", "run.population=60000")
    wait_for(lambda: "simulating" in log.read_text(), proc)
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == EXIT[sig]
    err = log.read_text()
    assert "previous output untouched" in err and "Traceback" not in err
    assert snapshot(out) == before  # no temporary sibling left either


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_truth_stops_its_workers(tmp_path, sig):
    out = previous_output(tmp_path)
    before = snapshot(out)
    proc, log = start(tmp_path, "truth", "--out", str(out), "--set", "run.population=60000", "--workers", "2")
    wait_for(lambda: sum(map(is_pool_worker, children(proc.pid))) >= 2 and "truth" in log.read_text(), proc)
    time.sleep(1.0)  # the workers are simulating
    workers = [pid for pid in children(proc.pid) if is_pool_worker(pid)]
    assert workers
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == EXIT[sig]
    assert not [pid for pid in workers if alive(pid)], "a worker outlived its interrupted parent"
    err = log.read_text()
    assert "previous output untouched" in err and "Traceback" not in err
    assert snapshot(out) == before  # the previous truth/ byte for byte, no temporary sibling


def holds_lock(out: Path, pid: int) -> bool:
    try:
        return out.with_name(f".{out.name}.lock").read_text().startswith(f"{pid} ")
    except OSError:
        return False


@pytest.fixture(scope="module")
def compared_run(tmp_path_factory) -> Path:
    """A small run with its truth/ and recover/."""
    out = tmp_path_factory.mktemp("compared") / "out"
    for args in (["run", "--quiet"], ["truth", "--workers", "2"], ["compare"]):
        extra = ["--set", "run.population=5000"] if args[0] != "compare" else []
        r = subprocess.run([sys.executable, "-m", "sim", *args, *extra, "--out", str(out)], cwd=ROOT,
                           capture_output=True, text=True)
        assert r.returncode in (0, 1), r.stderr[-2000:]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_compare_leaves_the_previous_scorecard(compared_run, tmp_path, sig):
    out = shutil.copytree(compared_run, tmp_path / "out")
    before = snapshot(out)
    proc, log = start(tmp_path, "compare", "--out", str(out))
    wait_for(lambda: holds_lock(out, proc.pid), proc)
    time.sleep(0.2)  # reading the run, fitting
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == EXIT[sig]
    err = log.read_text()
    assert "previous output untouched" in err and "Traceback" not in err
    assert snapshot(out) == before  # recover/ byte for byte, no temporary folder



# --------------------------------------------------------------------------- SIGKILL: no orphans
GONE_WITHIN = 30.0  # seconds an orphan may take to go (bounded wait; no timing is asserted otherwise)


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def all_gone(pids: list[int], within: float = GONE_WITHIN) -> list[int]:
    """The pids still alive after waiting up to ``within`` seconds for them to end."""
    deadline = time.monotonic() + within
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


@pytest.mark.slow
def test_a_run_killed_while_drawing_charts_leaves_no_child(tmp_path):
    out = tmp_path / "out"
    proc, _ = start(tmp_path, "run", "--out", str(out), "--set", "run.population=5000", "--quiet")
    deadline = time.monotonic() + 120
    while not [pid for pid in children(proc.pid) if cmdline(pid) == cmdline(proc.pid)]:  # the fork drawing a chart
        assert proc.poll() is None, "the run ended before its chart child was seen"
        assert time.monotonic() < deadline, "no chart child appeared"
        time.sleep(0.01)
    family = descendants(proc.pid)  # the chart child (and multiprocessing's resource tracker, if it runs)
    kill(proc)
    assert all_gone(family) == [], "the chart child outlived its killed parent"
    assert not out.exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.tmp-")]
    assert leftovers, "a killed run leaves its temporary folder (removed by the next run, tested elsewhere)"


@pytest.mark.slow
def test_truth_workers_die_with_a_killed_parent(tmp_path):
    out = previous_output(tmp_path)
    before = snapshot(out)
    proc, log = start(tmp_path, "truth", "--out", str(out), "--set", "run.population=60000", "--workers", "2")
    wait_for(lambda: sum(map(is_pool_worker, children(proc.pid))) >= 2 and "truth" in log.read_text(), proc)
    time.sleep(1.0)  # the workers are simulating
    family = descendants(proc.pid)  # the workers and multiprocessing's resource tracker
    assert sum(map(is_pool_worker, family)) == 2
    kill(proc)
    assert all_gone(family) == [], "a truth worker outlived its killed parent"
    after = snapshot(out)
    assert after.pop(".out.lock") == f"{proc.pid} sim truth\n".encode()  # the next writer takes it over
    assert after == before


ORPHAN = """
import os, sys, time
from sim.system import children
parent = os.getpid()
pid = os.fork()
if pid == 0:
    children.{how}
    time.sleep(600)
    os._exit(0)
print(pid, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("how", ["child_of(parent)", "watch_parent(parent, every=0.05)"])
def test_an_orphan_ends_when_its_parent_is_killed(how):
    """prctl(PR_SET_PDEATHSIG) via child_of on Linux, and the portable watcher thread."""
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN.format(how=how)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        child = int(parent.stdout.readline())
        time.sleep(0.2)
        assert alive(child), "the child should live while its parent does"
    finally:
        kill(parent)
    assert all_gone([child]) == [], f"{how}: the orphan lived on"


def test_a_child_whose_parent_is_already_gone_ends_at_once():
    code = "from sim.system.children import child_of; import time; child_of(1); time.sleep(60)"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    assert r.returncode == ORPHAN_EXIT


def test_pool_workers_outlive_the_thread_that_first_submits_to_them():
    """PR_SET_PDEATHSIG ties a child to the thread that started it: a spawn pool started lazily by a
    short-lived thread's submit (the threads of `sim sweep --truth` submit counterfactual runs) would
    lose that worker when the thread ends, and break. process_pool starts every worker itself."""
    from concurrent.futures import ThreadPoolExecutor

    from sim.system.children import process_pool

    def submit_and_end(pool):
        pool.submit(time.sleep, 0.0).result(timeout=60)  # a worker has started (and asked to die with us)
        return pool.submit(time.sleep, 1.0)               # ... and this thread ends before the work does

    with process_pool(2, "spawn") as pool:
        with ThreadPoolExecutor(1) as thread:
            late = thread.submit(submit_and_end, pool).result()
        assert late.result(timeout=60) is None
