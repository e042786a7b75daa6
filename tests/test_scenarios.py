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


def _monthly_units(out: Path, market: str | None = None):
    import pandas as pd

    sales = pd.read_csv(out / "raw" / "vehicle_sales.csv", parse_dates=["sale_date"])
    if market is not None:
        sales = sales[sales["market"] == market]
    return sales.groupby(sales["sale_date"].dt.to_period("M")).size()


def test_three_years_has_156_weeks_and_sales_in_every_month_after_the_launch(runs):
    import pandas as pd

    out = runs["three_years"][1]
    for table in ("weekly_channel_spend", "weekly_sales", "model_ready"):
        weeks = pd.read_csv(out / "mmm" / f"{table}.csv")["week_start"]
        assert len(weeks) == 156 and weeks.iloc[-1] == "2027-12-22"
    spend = pd.read_csv(out / "mmm" / "weekly_channel_spend.csv")["total_spend"].sum()
    assert spend == pytest.approx(19_400_000 + 16_500_000 + 17_150_000, rel=1e-6)
    months = _monthly_units(out)
    after_launch = pd.period_range("2025-09", "2027-12", freq="M")
    assert set(after_launch) <= set(months.index) and months.index.min() == pd.Period("2025-09", "M")


def test_buyers_waiting_for_the_new_plate_move_uk_sales_into_march_and_september(runs, tmp_path):
    waiting = _monthly_units(runs["three_years"][1], "UK")
    target = tmp_path / "no_wait"
    assert main(["run", "three_years", "--out", str(target), *SMALL, "--set", "sales.plate_wait_share=0"]) == 0
    eager = _monthly_units(target, "UK")

    def months(series, numbers):
        return sum(series.get(p, 0) for p in series.index if p.year >= 2026 and p.month in numbers)

    assert months(waiting, (3, 9)) > months(eager, (3, 9))
    assert months(waiting, (2, 8)) < months(eager, (2, 8))


def test_an_established_brand_sells_from_its_first_months_and_never_launches(runs):
    import pandas as pd

    out = runs["mature_brand"][1]
    months = _monthly_units(out)
    assert set(pd.period_range("2025-02", "2027-12", freq="M")) <= set(months.index)
    leads = pd.read_csv(out / "raw" / "leads.csv", parse_dates=["created_date"])
    assert leads["created_date"].min() < pd.Timestamp("2025-01-08")
    events = pd.read_csv(out / "raw" / "events.csv")
    assert not events["event_type"].isin(["dealer_launch", "press_event"]).any()
