"""Bad input: one clear message naming what is wrong, exit 2, nothing created, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def refused(argv: list[str], capsys) -> str:
    """Run the CLI in this process; it must exit 2; returns what it said on stderr."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_a_non_finite_budget_is_refused_by_name(tmp_path, capsys, value):
    out = tmp_path / "out"
    err = refused(["run", "--out", str(out), "--set", f"media.channels.tv.budget_gbp={value}"], capsys)
    assert "media.channels.tv.budget_gbp" in err and "finite" in err
    assert not out.exists()


@pytest.mark.parametrize("key, value", [("run.end", "2026-06-30"), ("run.start", "2025-03-01")])
def test_a_horizon_other_than_one_calendar_year_is_refused(tmp_path, capsys, key, value):
    out = tmp_path / "out"
    err = refused(["run", "--out", str(out), "--set", f"{key}={value}"], capsys)
    assert "run" in err and "one calendar year" in err
    assert not out.exists()


@pytest.mark.parametrize("argv", [["truth", "--workers", "0"], ["truth", "--workers", "-2"],
                                  ["calibrate", "--iterations", "0"], ["calibrate", "--iterations", "-1"]])
def test_counts_below_one_are_refused(capsys, argv):
    err = refused(argv, capsys)
    assert argv[1] in err and "at least 1" in err


def test_an_extends_of_a_missing_scenario_names_it(tmp_path, capsys):
    scenario = tmp_path / "mine.toml"
    scenario.write_text('extends = "no_such_scenario"\n')
    err = refused(["run", str(scenario), "--out", str(tmp_path / "out")], capsys)
    assert "mine.toml" in err and "extends = 'no_such_scenario'" in err
    assert not (tmp_path / "out").exists()


def test_a_folder_named_like_a_scenario_does_not_shadow_it(tmp_path, monkeypatch):
    from sim.world.config import load_world

    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline").mkdir()
    assert load_world("baseline").name == "baseline"


def test_a_folder_is_not_a_scenario_file(tmp_path, capsys):
    err = refused(["run", str(tmp_path), "--out", str(tmp_path / "out")], capsys)
    assert "is a folder" in err


def test_validate_names_a_missing_folder(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    err = refused(["validate", str(missing)], capsys)
    assert str(missing) in err and "validation_report" not in err
