"""Output, whole or absent, one writer at a time: folders and files written atomically (a kill
leaves the previous output and a leftover that the next writer removes), a lock file beside
every output that a command writes (`sim run`, `sim truth`, `sim compare`, `sim validate`,
`sim calibrate`), the umask's permissions, and no writing into the kernel's filesystems."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomlkit

from sim.cli import main
from sim.system.outputs import OutputLock, atomic_folder, atomic_write, remove_leftovers
from sim.world.config import SCENARIO_DIR

TINY = ["--set", "run.population=3000", "--quiet"]
ROOT = Path(__file__).resolve().parents[1]


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def lock_of(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


HOLD = ("import sys, time; from sim.system.outputs import OutputLock; "
        "lock = OutputLock(sys.argv[1], sys.argv[2]).__enter__(); print('held', flush=True); "
        "time.sleep(float(sys.argv[3]))")


def hold_lock(target: Path, command: str, seconds: float = 60) -> subprocess.Popen:
    """Another process that holds the lock of ``target`` for ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(target), command, str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def listing(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes() for p in folder.rglob("*")}


# --------------------------------------------------------------------------- one writer at a time
def test_every_writer_refuses_while_another_holds_the_lock(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    scenario = Path(shutil.copy(SCENARIO_DIR / "baseline.toml", tmp_path / "baseline.toml"))
    holders = [hold_lock(out, "sim run"), hold_lock(scenario, "sim calibrate")]
    try:
        for command, locked, holder in (
                (["run", "--out", str(out), *TINY], out, holders[0]), (["truth", "--out", str(out)], out, holders[0]),
                (["compare", "--out", str(out)], out, holders[0]), (["validate", str(out)], out, holders[0]),
                (["calibrate", str(scenario)], scenario, holders[1])):
            assert main(command) == 2, command
            err = capsys.readouterr().err
            assert f"is in use by pid {holder.pid}" in err and str(lock_of(locked.resolve())) in err, err
            assert "--wait" in err
        assert listing(out) == {}
        assert scenario.read_bytes() == (SCENARIO_DIR / "baseline.toml").read_bytes()
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()


def test_a_lock_left_by_a_dead_holder_is_taken_over_and_wait_waits(tmp_path):
    target = tmp_path / "out"
    lock_of(target).write_text(f"{dead_pid()} sim run\n")  # a holder killed with SIGKILL leaves this
    with OutputLock(target, "sim test"):
        assert lock_of(target).read_text() == f"{os.getpid()} sim test\n"
    assert not lock_of(target).exists()
    holder = hold_lock(target, "sim run", seconds=1.5)
    with OutputLock(target, "sim test", wait=True, poll_seconds=0.05):
        assert holder.poll() is not None, "--wait did not wait for the holder"
    holder.wait()


def stopped_once_locked(args: list[str], lock: Path) -> subprocess.Popen:
    """Start ``sim ARGS`` and freeze it (SIGSTOP) as soon as it holds ``lock``: a writer caught
    in the middle of its work, however fast the work is."""
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while True:
        try:
            if lock.read_text().split(" ")[0] == str(proc.pid):
                break
        except OSError:
            pass
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never took its lock"
        time.sleep(0.005)
    proc.send_signal(signal.SIGSTOP)
    return proc


def concurrent_writers(first: list[str], second: list[str], lock: Path) -> tuple[subprocess.Popen, list]:
    """The second writer, started while the first holds the lock: refused, then (with --wait)
    waiting until the first is done. Returns the first (finished) and the two results of the second."""
    writer = stopped_once_locked(first, lock)
    try:
        refused = subprocess.run([sys.executable, "-m", "sim", *second], cwd=ROOT, capture_output=True, text=True)
        waiting = subprocess.Popen([sys.executable, "-m", "sim", *second, "--wait"], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3.0)
        assert waiting.poll() is None, "--wait did not wait for the first writer"
    finally:
        writer.send_signal(signal.SIGCONT)
    writer.communicate(timeout=600)
    out, err = waiting.communicate(timeout=600)
    return writer, [refused, subprocess.CompletedProcess(waiting.args, waiting.returncode, out, err)]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "run"
    assert main(["run", "--out", str(out), *TINY]) in (0, 1)
    return out


@pytest.mark.slow
def test_two_validations_of_one_folder_take_turns(small_run):
    report = small_run / "validation_report.md"
    previous = report.read_bytes()
    writer, (refused, waited) = concurrent_writers(["validate", str(small_run)], ["validate", str(small_run)],
                                                   lock_of(small_run))
    assert writer.returncode in (0, 1) and waited.returncode == writer.returncode, waited.stderr
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"output folder {small_run} is in use by pid {writer.pid} (sim validate); lock file " \
           f"{lock_of(small_run)} (use --wait to wait for it)" in refused.stderr
    assert report.read_bytes() == previous  # the same folder validates to the same report, written whole
    assert not lock_of(small_run).exists()


@pytest.mark.slow
def test_two_calibrations_of_one_scenario_take_turns(tmp_path):
    scenario = tmp_path / "small.toml"  # extends the baseline: calibrate writes its own [calibration]
    scenario.write_text('extends = "baseline"\n\n[run]\npopulation = 3000\n')
    writer, (refused, waited) = concurrent_writers(["calibrate", str(scenario), "--iterations", "1"],
                                                   ["calibrate", str(scenario), "--iterations", "1"],
                                                   lock_of(scenario))
    assert writer.returncode == 0 and waited.returncode == 0, (writer.stderr, waited.stderr)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"scenario file {scenario} is in use by pid {writer.pid} (sim calibrate)" in refused.stderr
    written = tomlkit.parse(scenario.read_text())  # whole: it parses, with the values of the last writer
    assert written["extends"] == "baseline" and set(written["calibration"]) == {"action_scale", "purchase_scale"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.toml"]  # no lock, no temporary file


# --------------------------------------------------------------------------- whole or absent
def test_a_failed_writer_leaves_the_previous_folder_and_no_leftover(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("previous")
    with pytest.raises(RuntimeError), atomic_folder(out) as tmp:
        (tmp / "a.txt").write_text("half of the new")
        raise RuntimeError("the writer failed")
    assert listing(tmp_path) == {"out": None, "out/a.txt": b"previous"}
    with atomic_folder(out) as tmp:
        (tmp / "a.txt").write_text("new")
    assert listing(tmp_path) == {"out": None, "out/a.txt": b"new"}


KILLED_WRITER = """
import os, signal, sys
from sim.system.outputs import atomic_folder, atomic_write
target = sys.argv[1]
if sys.argv[2] == "folder":
    with atomic_folder(target) as tmp:
        (tmp / "a.txt").write_text("half of the new")
        os.kill(os.getpid(), signal.SIGKILL)
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # killed while the new file is written
atomic_write(target, b"half of the new")
"""


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_killed_writer_leaves_the_previous_output_and_the_next_removes_its_leftover(tmp_path, kind):
    target = tmp_path / "out"
    if kind == "folder":
        target.mkdir()
        (target / "a.txt").write_text("previous")
    else:
        target.write_text("previous")
    before = listing(tmp_path)
    r = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target), kind], cwd=ROOT)
    assert r.returncode == -signal.SIGKILL
    after = listing(tmp_path)
    leftovers = [name for name in after if name.startswith(".out.tmp-")]
    assert leftovers and {k: v for k, v in after.items() if k.split("/")[0] not in leftovers} == before
    if kind == "folder":
        with atomic_folder(target) as tmp:
            (tmp / "a.txt").write_text("new")
        assert listing(tmp_path) == {"out": None, "out/a.txt": b"new"}
    else:
        atomic_write(target, b"new")
        assert listing(tmp_path) == {"out": b"new"}


def test_a_previous_folder_moved_aside_by_a_killed_swap_is_put_back(tmp_path):
    """A kill between the swap's two renames leaves the previous folder aside and no folder in
    its place: the next writer restores it before anything else."""
    gone = dead_pid()
    aside = tmp_path / f".out.old-{gone}"
    aside.mkdir()
    (aside / "a.txt").write_text("previous")
    (tmp_path / f".out.tmp-{gone}-abc").mkdir()  # the complete new folder that never arrived
    assert sorted(p.name for p in remove_leftovers(tmp_path / "out")) == [aside.name, f".out.tmp-{gone}-abc"]
    assert listing(tmp_path) == {"out": None, "out/a.txt": b"previous"}


def test_signals_wait_while_a_folder_is_swapped(tmp_path, monkeypatch):
    """A SIGINT that arrives between the swap's two renames is delivered after them (and the
    previous folder, moved aside, is still removed)."""
    out = tmp_path / "out"
    out.mkdir()
    renamed = []
    real_rename = Path.rename

    def rename(self, target):
        renamed.append(self.name)
        if len(renamed) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # between the first rename and the second
        return real_rename(self, target)

    with pytest.raises(KeyboardInterrupt), atomic_folder(out) as tmp:
        (tmp / "a.txt").write_text("new")
        monkeypatch.setattr(Path, "rename", rename)
    monkeypatch.undo()
    assert len(renamed) == 2, "the interrupt came between the renames"
    assert listing(tmp_path) == {"out": None, "out/a.txt": b"new"}


def test_a_rewritten_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "scenario.toml"
    path.write_text("a = 1\n")
    os.chmod(path, 0o640)
    atomic_write(path, b"a = 2\n")
    assert path.read_bytes() == b"a = 2\n" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.toml"]


# --------------------------------------------------------------------------- the folder itself
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
