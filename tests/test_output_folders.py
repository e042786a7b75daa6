"""The output folder: one writer at a time (a lock file), leftovers of killed runs cleaned up,
the umask's permissions, and no writing into the kernel's filesystems."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from sim.cli import main

TINY = ["--set", "run.population=3000", "--quiet"]


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def lock_of(out) -> os.PathLike:
    return out.with_name(f".{out.name}.lock")


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path, capsys):
    out = tmp_path / "out"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock_of(out).write_text(f"{sleeper.pid} sim run\n")
        for command in (["run", "--out", str(out), *TINY], ["truth", "--out", str(out)],
                        ["compare", "--out", str(out)]):
            assert main(command) == 2
            err = capsys.readouterr().err
            assert str(lock_of(out)) in err and str(sleeper.pid) in err
        assert not out.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.slow
def test_a_stale_lock_is_taken_over_and_wait_waits(tmp_path, capsys):
    out = tmp_path / "out"
    lock_of(out).write_text(f"{dead_pid()} sim run\n")
    assert main(["run", "--out", str(out), *TINY]) in (0, 1)
    assert not lock_of(out).exists()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(2)"])
    lock_of(out).write_text(f"{sleeper.pid} sim run\n")
    assert main(["run", "--out", str(out), *TINY, "--wait"]) in (0, 1)
    assert sleeper.poll() is not None, "--wait did not wait for the holder"
    assert not lock_of(out).exists()


@pytest.mark.slow
def test_leftovers_of_killed_runs_are_removed_and_permissions_follow_the_umask(tmp_path):
    out = tmp_path / "out"
    gone = dead_pid()
    leftovers = [tmp_path / f".out.tmp-{gone}-abc", tmp_path / f".out.old-{gone}"]
    live = tmp_path / f".out.tmp-{os.getppid()}-xyz"  # another live process's: not ours to remove
    for folder in (*leftovers, live):
        folder.mkdir()
    previous = os.umask(0o027)
    try:
        assert main(["run", "--out", str(out), *TINY]) in (0, 1)
    finally:
        os.umask(previous)
    assert not any(p.exists() for p in leftovers) and live.exists()
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert stat.S_IMODE((out / "raw").stat().st_mode) == 0o750
    assert stat.S_IMODE((out / "manifest.json").stat().st_mode) == 0o640


@pytest.mark.parametrize("command", ["run", "truth"])
def test_kernel_filesystems_are_refused_before_any_work(capsys, command):
    assert main([command, "--out", "/proc/launch-sim-out", "--set", "run.population=3000"]) == 2
    assert "/proc" in capsys.readouterr().err
