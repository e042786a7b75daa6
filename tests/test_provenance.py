"""Provenance: a truth grades only the run of its own world; derived folders survive a re-run
only while they still belong to it; validate reads the configuration that made the folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.engine.model import Interventions, LaunchModel
from sim.truth.geo import geo_levels, geo_outcomes
from sim.world.config import load_world
from sim.world.provenance import causal_hash, file_sha256, read_provenance
from sim.world.replicates import replicate_world

TINY = ["--set", "run.population=3000", "--quiet"]
CANONICAL = Path(__file__).resolve().parents[1] / "outputs" / "canonical"


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_causal_hash_ignores_reporting_and_follows_the_world():
    base = causal_hash(load_world("baseline"))
    assert causal_hash(load_world("baseline", ["reporting.web.pages_per_session=[2.5, 6.0]"])) == base
    assert causal_hash(load_world("baseline", ["description='another wording'"])) == base
    assert causal_hash(load_world("baseline", seed=7)) != base
    assert causal_hash(load_world("baseline", ["run.population=3000"])) != base
    assert causal_hash(load_world("baseline", ["media.channels.tv.budget_gbp=5000000"])) != base


def test_the_committed_truth_and_scorecard_belong_to_the_canonical_run():
    """The committed truth cannot drift from the code: an engine change must regenerate it."""
    manifest = json.loads((CANONICAL / "manifest.json").read_text())
    assert manifest["causal_sha256"] == causal_hash(load_world("baseline"))
    assert read_provenance(CANONICAL / "truth")["causal_sha256"] == manifest["causal_sha256"]
    recover = read_provenance(CANONICAL / "recover")
    assert recover["causal_sha256"] == manifest["causal_sha256"]
    assert recover["model_ready_sha256"] == file_sha256(CANONICAL / "mmm" / "model_ready.csv")


@pytest.mark.slow
def test_one_channel_of_a_committed_replicate_recomputes_from_scratch():
    """CI cannot recompute the committed ensemble; it recomputes one channel of one replicate world
    at the canonical scale (its plan and the world without the channel) and finds the committed
    ledger's values, in every geo and KPI."""
    ledger = pd.read_csv(CANONICAL / "truth" / "ledger.csv", dtype={"week": str})
    worlds = sorted({w for w in ledger["world"] if w.startswith("r")}, key=lambda w: int(w[1:]))
    assert worlds, "the committed truth has no replicate worlds"
    label, channel = worlds[-1], "meta"
    world = replicate_world(load_world("baseline"), int(label[1:]))
    plan, without = (geo_outcomes(world, LaunchModel(world, Interventions(s)).run()) for s in ({}, {channel: 0.0}))
    incr = plan - without
    rows = ledger[(ledger["world"] == label) & (ledger["period"] == "all") & (ledger["week"] == "all")
                  & (ledger["channel"] == channel) & (ledger["estimand"] == "incremental")].set_index(["geo", "kpi"])
    checked = 0
    for geo in geo_levels(world):
        for kpi in ("units", "revenue_gbp", "leads", "test_drives", "sessions"):
            expected = incr.xs(geo)[kpi].sum(min_count=1)
            if np.isnan(expected):
                assert (geo, kpi) not in rows.index
                continue
            assert rows.loc[(geo, kpi), "value"] == pytest.approx(expected, rel=1e-5, abs=1e-9), (geo, kpi)
            checked += 1
    assert checked >= 5 * 4  # all and the three markets at least, every KPI


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """A tiny run with its truth and scorecard."""
    out = tmp_path_factory.mktemp("graded") / "run"
    assert main(["run", "--out", str(out), *TINY]) in (0, 1)
    assert main(["truth", "--out", str(out), "--set", "run.population=3000", "--workers", "1"]) == 0
    assert main(["compare", "--out", str(out)]) == 0
    return out


@pytest.mark.slow
def test_compare_refuses_a_truth_of_another_world(graded, tmp_path, capsys):
    for i, change in enumerate((["--seed", "7"], ["--set", "run.population=2500"])):
        other = tmp_path / f"other{i}"
        assert main(["run", "--out", str(other), *TINY, *change]) in (0, 1)
        shutil.copytree(graded / "truth", other / "truth")
        capsys.readouterr()
        assert main(["compare", "--out", str(other)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        truth = read_provenance(graded / "truth")["causal_sha256"]
        ran = json.loads((other / "manifest.json").read_text())["causal_sha256"]
        assert truth in err and ran in err and truth != ran
        assert not (other / "recover").exists()


@pytest.mark.slow
def test_a_rerun_keeps_derived_folders_that_still_belong_and_drops_the_others(graded, tmp_path, capsys):
    out = tmp_path / "run"
    shutil.copytree(graded, out)
    derived = {name: tree_bytes(out / name) for name in ("truth", "recover")}
    # a reporting convention is not part of the world: truth and scorecard stay, byte for byte
    assert main(["run", "--out", str(out), *TINY, "--set", "reporting.web.pages_per_session=[2.5, 6.0]"]) in (0, 1)
    assert "kept truth/, recover/" in capsys.readouterr().err
    for name, files in derived.items():
        assert tree_bytes(out / name) == files
    assert main(["compare", "--out", str(out)]) == 0
    # a budget is: both go, and the run says why
    assert main(["run", "--out", str(out), *TINY, "--set", "media.channels.tv.budget_gbp=5000000"]) in (0, 1)
    err = capsys.readouterr().err
    assert "dropped truth/" in err and "dropped recover/" in err
    assert not (out / "truth").exists() and not (out / "recover").exists()


@pytest.mark.slow
def test_validate_reads_the_configuration_that_made_the_folder(tmp_path):
    out = tmp_path / "run"
    assert main(["run", "--out", str(out), *TINY, "--set", "media.channels.tv.budget_gbp=3000000"]) in (0, 1)
    main(["validate", str(out)])
    report = (out / "validation_report.md").read_text()
    tv_budget = next(line for line in report.splitlines() if "| budget.tv |" in line)
    assert "£3,000,000 ± 5%" in tv_budget and "| pass |" in tv_budget
