"""`sim sweep`: scenarios x seeds through a concurrent.futures Executor. Each folder is byte for
byte what `sim run --set run.seed=n` (and `sim truth`) writes, whatever the executor (a process
pool, a real dask LocalCluster of worker processes) or the number of workers; bad input is
refused before anything is written; an interrupt keeps the finished folders and leaves no
partial one and no worker behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from test_interrupts import EXIT, alive, children, is_pool_worker

from sim.cli import main
from sim.sweep import COLUMNS, SWEEP_FILE, parse_seeds
from sim.system.outputs import OutputLock
from sim.world.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
POPULATION = 5_000
SMALL = ["--set", f"run.population={POPULATION}"]
DASK_MISSING = "needs the optional extra `dask` (pip install -c constraints.txt -e '.[dask]')"


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` with its bytes (None for a folder)."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes() for p in folder.rglob("*")}


def sweep(out: Path, *args: str) -> int:
    return main(["sweep", "baseline", "--seeds", "1,2", "--out", str(out), *SMALL, *args])


# --------------------------------------------------------------------------- what a sweep writes
@pytest.fixture(scope="module")
def pool_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pool") / "sweep"
    assert sweep(out, "--workers", "2") == 0
    return out


@pytest.mark.slow
def test_a_sweep_folder_is_the_folder_sim_run_writes_byte_for_byte(pool_sweep, tmp_path, capsys):
    plain = tmp_path / "plain"
    assert main(["run", "baseline", "--out", str(plain), *SMALL, "--set", "run.seed=2", "--quiet"]) == 0
    assert listing(pool_sweep / "baseline" / "seed-2") == listing(plain)  # manifest.json included
    assert {p.name for p in pool_sweep.iterdir()} == {"baseline", SWEEP_FILE}
    assert {p.name for p in (pool_sweep / "baseline").iterdir()} == {"seed-1", "seed-2"}  # no lock, no leftover


@pytest.mark.slow
def test_sweep_csv_lists_every_job_with_its_kpis(pool_sweep):
    table = pd.read_csv(pool_sweep / SWEEP_FILE)
    assert list(table.columns) == list(COLUMNS)
    assert table[["scenario", "seed", "job", "status", "folder"]].values.tolist() == [
        ["baseline", 1, "run", "ok", "baseline/seed-1"], ["baseline", 2, "run", "ok", "baseline/seed-2"]]
    for row in table.itertuples():
        folder = pool_sweep / row.folder
        manifest = json.loads((folder / "manifest.json").read_text())
        sales = pd.read_csv(folder / "raw" / "vehicle_sales.csv")
        assert row.causal_sha256 == manifest["causal_sha256"] and manifest["seed"] == row.seed
        assert row.units == len(sales) and row.leads == len(pd.read_csv(folder / "raw" / "leads.csv"))
        spend = pd.read_csv(folder / "mmm" / "weekly_channel_spend.csv")["total_spend"].sum()
        assert row.spend_gbp == pytest.approx(spend)
        assert row.revenue_gbp == pytest.approx(sales["transaction_price_gbp"].sum())
        assert row.wall_seconds > 0
    assert table["causal_sha256"].nunique() == 2  # another seed, another world


@pytest.mark.slow
def test_a_dask_local_cluster_writes_the_same_bytes_as_the_process_pool(pool_sweep, tmp_path):
    """A real LocalCluster of worker processes (processes=True), with another worker count."""
    pytest.importorskip("distributed", reason=f"the dask executor {DASK_MISSING}")
    out = tmp_path / "dask"
    assert sweep(out, "--executor", "dask", "--workers", "1") == 0
    ours, theirs = listing(out), listing(pool_sweep)
    assert ours.keys() == theirs.keys()
    assert {k: v for k, v in ours.items() if k != SWEEP_FILE} == {k: v for k, v in theirs.items() if k != SWEEP_FILE}
    timeless = [c for c in COLUMNS if c != "wall_seconds"]  # sweep.csv: the same but for the wall times
    assert pd.read_csv(out / SWEEP_FILE)[timeless].equals(pd.read_csv(pool_sweep / SWEEP_FILE)[timeless])


@pytest.mark.slow
def test_truth_in_a_sweep_is_what_sim_truth_writes(tmp_path):
    """Three channels with spend: plan, all-off and 2 x 3 counterfactuals, on the sweep's workers."""
    few = [arg for c in ("tv", "ooh", "print", "radio", "dv360", "tiktok", "youtube", "linkedin")
           for arg in ("--set", f"media.channels.{c}.budget_gbp=0")]
    out, plain = tmp_path / "sweep", tmp_path / "plain"
    assert main(["sweep", "baseline", "--seeds", "3", "--out", str(out), "--truth", "--workers", "2",
                 *SMALL, *few]) == 0
    args = ["baseline", "--out", str(plain), *SMALL, *few, "--set", "run.seed=3"]
    assert main(["run", *args, "--quiet"]) == 0
    assert main(["truth", *args, "--workers", "2"]) == 0
    assert listing(out / "baseline" / "seed-3") == listing(plain)
    table = pd.read_csv(out / SWEEP_FILE)
    assert table[["job", "status", "folder"]].values.tolist() == [
        ["run", "ok", "baseline/seed-3"], ["truth", "ok", "baseline/seed-3/truth"]]
    assert table["causal_sha256"].nunique() == 1


@pytest.mark.slow
def test_a_job_that_fails_is_reported_and_the_others_still_land(tmp_path, capsys):
    """Another command holds seed 2's folder: its run fails (exit 1, named in sweep.csv), seed 1 lands."""
    out = tmp_path / "sweep"
    (out / "baseline").mkdir(parents=True)
    with OutputLock(out / "baseline" / "seed-2", "sim run"):
        assert sweep(out, "--workers", "2") == 1
    table = pd.read_csv(out / SWEEP_FILE)
    assert table["status"].tolist() == ["ok", "failed"]
    assert "is in use by pid" in table.loc[1, "detail"]
    assert "run baseline seed 2: failed" in capsys.readouterr().err
    assert {p.name for p in (out / "baseline").iterdir()} == {"seed-1"}


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("text, seeds", [("1,2,3", [1, 2, 3]), ("1-5", [1, 2, 3, 4, 5]), ("7, 0-2", [7, 0, 1, 2]),
                                         ("42", [42])])
def test_seeds_are_a_list_a_range_or_both(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text, message", [
    ("a", "'a' is not a seed"), ("", "'' is not a seed"), ("-1", "'-1' is not a seed"), ("1.5", "'1.5' is not a seed"),
    ("5-1", "the range 5-1 runs backwards"), ("1,1-3", "seed 1 given more than once"), ("1,,2", "'' is not a seed")])
def test_a_bad_seed_list_is_refused_naming_it(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_seeds(text)


def refused(args: list[str], tmp_path: Path, capsys, *fragments: str) -> None:
    """``sim sweep ARGS`` exits 2 with one message naming what is wrong, and writes nothing."""
    before = listing(tmp_path)
    try:
        code = main(["sweep", *args])
    except SystemExit as exc:  # argparse's own refusal
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert listing(tmp_path) == before


@pytest.mark.parametrize("args, fragments", [
    (["nosuch", "--seeds", "1"], ["unknown scenario 'nosuch'"]),
    (["baseline", "--seeds", "3-1"], ["--seeds '3-1': the range 3-1 runs backwards"]),
    (["baseline", "--seeds", "1", "--workers", "0"], ["argument --workers: must be at least 1, got 0"]),
    (["baseline", "--seeds", "1", "--set", "run.seed=4"], ["--set run.seed=...: a sweep's seeds are given by --seeds"]),
    (["baseline", "baseline", "--seeds", "1"], ["are both named 'baseline'"]),
    (["baseline", "--seeds", "1", "--set", "media.channels.tv.budget_gbp=-1"], ["media.channels.tv.budget_gbp = -1"]),
    (["baseline", "--seeds", "1", "--set", "run.population=1000000000000", "--workers", "2"],
     ["need about", "for the 2 runs at once, more than this machine's"]),
    (["baseline", "--seeds", "1", "--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"],
     ["--workers sets the size of a pool on this machine"]),
    (["baseline", "--seeds", "1", "--scheduler", "tcp://127.0.0.1:8786", "--executor", "process"],
     ["--scheduler is a dask scheduler's address"]),
])
def test_bad_input_is_refused_before_anything_is_written(args, fragments, tmp_path, capsys):
    refused([*args, "--out", str(tmp_path / "sweep")], tmp_path, capsys, *fragments)


@pytest.mark.parametrize("where, fragment", [
    ("missing/sweep", "output folder's parent does not exist"), ("file", "output path exists and is not a folder"),
    ("sweep/baseline", "output path exists and is not a folder")])
def test_an_unwritable_sweep_folder_is_refused(where, fragment, tmp_path, capsys):
    (tmp_path / "file").write_text("a file\n")
    (tmp_path / "sweep").mkdir()
    (tmp_path / "sweep" / "baseline").write_text("a file where a scenario's folder goes\n")
    out = tmp_path / (where.split("/")[0] if where.startswith("sweep") else where)
    refused(["baseline", "--seeds", "1", "--out", str(out), *SMALL], tmp_path, capsys, fragment)


def test_a_kernel_filesystem_is_refused(capsys):
    assert main(["sweep", "baseline", "--seeds", "1", "--out", "/proc/launch-sim-sweep"]) == 2
    assert "/proc" in capsys.readouterr().err


def test_the_dask_executor_without_the_extra_names_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an install without the extra sees
    refused(["baseline", "--seeds", "1", "--executor", "dask", "--out", str(tmp_path / "sweep")], tmp_path, capsys,
            "the dask executor needs the optional extra `dask`")


def test_a_sweep_refuses_while_another_writes_its_folder(tmp_path, capsys):
    out = tmp_path / "sweep"
    with OutputLock(out, "sim sweep"):
        assert main(["sweep", "baseline", "--seeds", "1", "--out", str(out), *SMALL]) == 2
    err = capsys.readouterr().err
    assert "is in use by pid" in err and "--wait" in err
    assert not out.exists()


def test_a_bad_sweep_prints_no_traceback(sim_cli, tmp_path):
    r = sim_cli("sweep", "baseline", "--seeds", "x", "--out", str(tmp_path / "sweep"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "--seeds 'x'" in r.stderr
    assert listing(tmp_path) == {}


# --------------------------------------------------------------------------- interrupts
def executor_processes(pid: int) -> list[int]:
    """The worker processes of a sweep (pool workers, or a LocalCluster's worker processes)."""
    return [child for child in children(pid) if is_pool_worker(child)]


@pytest.mark.slow
@pytest.mark.parametrize("executor, sig", [("process", signal.SIGINT), ("process", signal.SIGTERM),
                                           ("dask", signal.SIGINT)], ids=["process-SIGINT", "process-SIGTERM",
                                                                          "dask-SIGINT"])
def test_an_interrupted_sweep_keeps_finished_folders_and_leaves_no_partial_one(tmp_path, executor, sig):
    if executor == "dask":
        pytest.importorskip("distributed", reason=f"the dask executor {DASK_MISSING}")
    out = tmp_path / "sweep"
    log = tmp_path / "stderr.txt"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", "baseline", "--seeds", "1-3", "--out", str(out),
                             "--workers", "2", "--executor", executor, *SMALL], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"))
    deadline = time.monotonic() + 180
    while "[1/3]" not in log.read_text():  # one run has finished; the others are running or waiting
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    time.sleep(1.0)  # the third run is under way
    workers = executor_processes(proc.pid)
    assert workers
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == EXIT[sig]
    err = log.read_text()
    assert "Traceback" not in err and "jobs finished, their folders complete" in err, err
    assert not [pid for pid in workers if alive(pid)], "a worker outlived its interrupted sweep"
    table = pd.read_csv(out / SWEEP_FILE)
    done = table.loc[table["status"] == "ok", "folder"].tolist()
    assert done and set(table["status"]) <= {"ok", "cancelled"}
    assert sorted(p.name for p in (out / "baseline").iterdir()) == sorted(Path(f).name for f in done)  # nothing else
    for folder in done:
        manifest = json.loads((out / folder / "manifest.json").read_text())
        for rel in manifest["files"]:  # each finished folder is whole
            assert (out / folder / rel).is_file(), rel
