"""Every shipped scenario runs end to end and keeps the hard invariants; the scenario
changes do what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.validate import validate_dir
from sim.world.config import SCENARIO_DIR, load_world

pytestmark = pytest.mark.slow  # seven whole runs through the CLI

SCENARIOS = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml") if p.stem != "baseline")
SMALL = ["--set", "run.population=15000", "--quiet"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("scenarios")
    out = {}
    for name in ["baseline", *SCENARIOS]:
        target = root / name
        code = main(["run", name, "--out", str(target), *SMALL])
        out[name] = (code, target)
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_runs_and_keeps_hard_invariants(runs, name):
    code, out = runs[name]
    assert code == 0, (out / "validation_report.md").read_text()
    report = validate_dir(out, load_world(name), baseline=False)
    assert report.ok


def _spend(out: Path, channel: str) -> float:
    import pandas as pd

    return pd.read_csv(out / "mmm" / "weekly_channel_spend.csv")[f"{channel}_spend"].sum()


def _units(out: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(out / "raw" / "vehicle_sales.csv"))


def test_double_tv_doubles_tv_and_sells_more(runs):
    base, double = runs["baseline"][1], runs["double_tv"][1]
    assert _spend(double, "tv") == pytest.approx(2 * _spend(base, "tv"), rel=1e-6)
    assert _spend(double, "meta") == pytest.approx(_spend(base, "meta"), rel=1e-9)
    assert _units(double) > _units(base)


def test_no_tv_and_digital_only_remove_spend(runs):
    assert _spend(runs["no_tv"][1], "tv") == 0
    for ch in ("tv", "ooh", "print", "radio", "events"):
        assert _spend(runs["digital_only"][1], ch) == 0


def test_budget_cut_sells_less(runs):
    assert _units(runs["budget_cut_30"][1]) < _units(runs["baseline"][1])


def test_launch_october_has_no_sale_before_october(runs):
    import pandas as pd

    sales = pd.read_csv(runs["launch_october"][1] / "raw" / "vehicle_sales.csv")
    assert pd.to_datetime(sales["sale_date"]).min() >= pd.Timestamp("2025-10-01")
