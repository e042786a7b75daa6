"""A real SIGINT or SIGTERM to a running `sim run` or `sim truth`: one line, exit 130 / 143, no
traceback, the previous output untouched, no temporary folder left and no worker left alive."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def is_pool_worker(pid: int) -> bool:
    """A process pool worker (not multiprocessing's resource tracker, which leaves by itself)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"spawn_main" in cmdline and b"resource_tracker" not in cmdline


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
    out = tmp_path / "out"
    (out / "truth").mkdir(parents=True)
    (out / "keep.txt").write_text("previous run")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_leaves_the_previous_output(tmp_path, sig):
    out = previous_output(tmp_path)
    proc, log = start(tmp_path, "run", "--out", str(out), "--set", "run.population=60000")
    wait_for(lambda: "simulating" in log.read_text(), proc)
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == EXIT[sig]
    err = log.read_text()
    assert "previous output untouched" in err and "Traceback" not in err
    assert (out / "keep.txt").read_text() == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "stderr.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_truth_stops_its_workers(tmp_path, sig):
    out = previous_output(tmp_path)
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
    assert (out / "keep.txt").read_text() == "previous run"
    assert list((out / "truth").iterdir()) == []
