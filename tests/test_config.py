"""Scenario loading: extends, overrides, and clear errors for bad input (nothing written)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.world.config import ConfigError, load_world


def test_baseline_loads_with_extract_budgets():
    w = load_world("baseline")
    assert w.run.seed == 42
    assert w.media.channels["tv"].budget_gbp == 6_000_000
    assert len([d for d in w.dealers if d.market == "UK"]) == 50
    assert sum(d.launch for d in w.dealers if d.market == "UK") == 15


def test_set_override_changes_only_that_key():
    w = load_world("baseline", ["media.channels.tv.budget_gbp=12000000"])
    assert w.media.channels["tv"].budget_gbp == 12_000_000
    assert w.media.channels["ooh"].budget_gbp == 3_000_000


def test_extends(tmp_path):
    p = tmp_path / "double_ooh.toml"
    p.write_text('extends = "baseline"\n[media.channels.ooh]\nbudget_gbp = 6000000\n')
    w = load_world(p)
    assert w.media.channels["ooh"].budget_gbp == 6_000_000
    assert w.media.channels["tv"].budget_gbp == 6_000_000


@pytest.mark.parametrize("override, fragment", [
    (["media.channels.tv.budget_gbp=-5"], "media.channels.tv.budget_gbp"),
    (["run.seed='abc'"], "run.seed"),
    (["markets.UK.launch_date=2026-03-01"], "launch_date"),
    (["media.channels.tv.budgt=5"], "unknown key"),
])
def test_bad_values_name_the_key(override, fragment):
    with pytest.raises(ConfigError) as err:
        load_world("baseline", override)
    assert fragment in str(err.value)


def test_unknown_key_in_file(tmp_path):
    p = tmp_path / "typo.toml"
    p.write_text('extends = "baseline"\n[media.channels.tv]\nbudjet_gbp = 1\n')
    with pytest.raises(ConfigError, match="budjet_gbp"):
        load_world(p)


def test_unknown_scenario():
    with pytest.raises(ConfigError, match="unknown scenario"):
        load_world("no_such_scenario")


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "out"
    r = _cli("run", "--out", str(out), "--set", "media.channels.tv.budget_gbp=-1", cwd=Path(__file__).parent.parent)
    assert r.returncode == 2
    assert "media.channels.tv.budget_gbp" in r.stderr
    assert not out.exists()


def test_cli_bad_input_leaves_existing_output_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run")
    r = _cli("run", "--out", str(out), "--set", "run.end=2024-01-01", cwd=Path(__file__).parent.parent)
    assert r.returncode == 2
    assert (out / "keep.txt").read_text() == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_cli_missing_parent_folder(tmp_path):
    r = _cli("run", "--out", str(tmp_path / "nope" / "out"), cwd=Path(__file__).parent.parent)
    assert r.returncode == 2
    assert "does not exist" in r.stderr
