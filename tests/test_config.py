"""Scenario loading: extends, overrides, and clear errors for bad input (nothing written)."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.world.config import SCENARIO_DIR, ConfigError, changes_from_baseline, load_world, scenario_path


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


def test_cli_bad_input_writes_nothing(tmp_path, sim_cli):
    out = tmp_path / "out"
    r = sim_cli("run", "--out", str(out), "--set", "media.channels.tv.budget_gbp=-1")
    assert r.returncode == 2
    assert "media.channels.tv.budget_gbp" in r.stderr
    assert not out.exists()


def test_cli_bad_input_leaves_existing_output_untouched(tmp_path, sim_cli):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run")
    r = sim_cli("run", "--out", str(out), "--set", "run.end=2024-01-01")
    assert r.returncode == 2
    assert (out / "keep.txt").read_text() == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_cli_missing_parent_folder(tmp_path, sim_cli):
    r = sim_cli("run", "--out", str(tmp_path / "nope" / "out"))
    assert r.returncode == 2
    assert "does not exist" in r.stderr


@pytest.mark.parametrize("override, fragment", [
    ("run.start=2025-01-15", "run.start must be the first day of a month"),
    ("run.end=2025-12-30", "run.end must be the last day of a month"),
    ("run.end=2045-12-31", "the horizon may be at most 10 years"),
    ("run.end=2025-06-30", "markets.UK.launch_date 2025-09-01 is after the horizon's end 2025-06-30"),
    ("run.end=2026-12-31", "context.countries.UK.bank_rate_pct.monthly has 12 values; the horizon has 24 months"),
])
def test_a_horizon_the_world_cannot_fill_is_refused_at_load_naming_the_keys(override, fragment):
    with pytest.raises(ConfigError) as err:
        load_world("baseline", [override])
    assert fragment in str(err.value)


def test_a_horizon_of_several_years_loads_with_its_own_series():
    world = load_world("three_years")
    assert (world.run.start, world.run.end) == (dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    assert len(world.context.countries["UK"].bank_rate_pct.monthly) == 36
    # the events marked every_year recur once a year, named for their year
    goodwood = [e for e in world.events if e.name.startswith("Goodwood")]
    assert [(e.name, e.start) for e in goodwood] == [
        ("Goodwood Festival of Speed 2025", dt.date(2025, 7, 10)),
        ("Goodwood Festival of Speed 2026", dt.date(2026, 7, 10)),
        ("Goodwood Festival of Speed 2027", dt.date(2027, 7, 10))]
    assert not any(e.every_year for e in world.events)  # resolved: each listed once
    assert sum(e.name.startswith("Launch Weekend") for e in world.events) == 3  # one-off events stay once


def test_a_non_finite_number_is_refused_anywhere_even_in_a_free_form_table(tmp_path):
    p = tmp_path / "odd.toml"
    p.write_text('extends = "baseline"\n[media.channels.tv.extras]\nreach_cap = -inf\n')
    with pytest.raises(ConfigError, match=r"media\.channels\.tv\.extras\.reach_cap = -inf: must be a finite number"):
        load_world(p)


@pytest.mark.parametrize("parent, fragment", [
    ("no_such_scenario", "unknown scenario 'no_such_scenario'"),
    ("missing.toml", "scenario file not found"),
])
def test_an_extends_of_something_missing_names_the_file_and_its_extends(tmp_path, parent, fragment):
    p = tmp_path / "child.toml"
    p.write_text(f'extends = "{parent}"\n')
    with pytest.raises(ConfigError) as err:
        load_world(p)
    assert f'{p}: extends = "{parent}": ' in str(err.value) and fragment in str(err.value)


def test_a_folder_named_like_a_scenario_does_not_shadow_it(tmp_path, monkeypatch):
    (tmp_path / "baseline").mkdir()
    monkeypatch.chdir(tmp_path)
    assert scenario_path("baseline") == SCENARIO_DIR / "baseline.toml"
    with pytest.raises(ConfigError, match="'baseline/' is a folder"):
        scenario_path("baseline/")


def test_the_calibrated_baseline_is_the_baseline_as_written_with_any_seed():
    assert changes_from_baseline(load_world("baseline", seed=7)) == []
    assert changes_from_baseline(load_world("baseline", ["run.population=20000"])) == [
        "run.population 20000 instead of 150000"]
