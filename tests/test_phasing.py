"""One rule splits a media row's spend into days (sim/schemas/phasing.py): the MMM table and
the PyMC-Marketing / Meridian layouts both rebuild from raw/ by it, to the penny."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.exporters.formats import region_geography
from sim.schemas import TABLES
from sim.schemas.phasing import daily_spend, period_days, spread_over_days
from sim.validate import validate_dir
from sim.world.config import load_world

CANONICAL = Path(__file__).resolve().parent.parent / "outputs" / "canonical"
# the documented rule, written out independently of the code: (file, first day column, last day column or days)
RULE = {
    "tv": ("tv_performance", "date_week_start", 7), "ooh": ("ooh_performance", "start_date", "end_date"),
    "print": ("print_performance", "date", 1), "radio": ("radio_performance", "start_date", "end_date"),
    "meta": ("meta_ads", "date", 1), "google": ("google_ads", "date", 1), "dv360": ("dv360", "date", 1),
    "tiktok": ("tiktok_ads", "date", 1), "youtube": ("youtube_ads", "date", 1),
    "linkedin": ("linkedin_ads", "date", 1), "events": ("events", "start_date", "end_date"),
}
YEAR_START = dt.date(2025, 1, 1)
WEEKS = 52


def rebuild_weekly(raw: Path, markets: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Each channel's weekly spend from raw/ CSVs: a row's spend divided evenly over the days
    of its period, each day in week min(days since 1 January // 7, 51)."""
    out = {}
    for channel, (file, first, last) in RULE.items():
        weeks = np.zeros(WEEKS)
        for row in pd.read_csv(raw / f"{file}.csv").itertuples(index=False):
            if markets is not None and row.market not in markets:
                continue
            start = dt.date.fromisoformat(str(getattr(row, first))[:10])
            n = last if isinstance(last, int) else (dt.date.fromisoformat(getattr(row, last)) - start).days + 1
            for k in range(n):
                week = min(max((start + dt.timedelta(days=k) - YEAR_START).days // 7, 0), WEEKS - 1)
                weeks[week] += row.spend / n
        out[channel] = weeks
    return out


def test_a_period_row_is_spread_evenly_over_its_days():
    spec = TABLES["ooh_performance"]
    frame = pd.DataFrame({"start_date": ["2025-01-01", "2025-01-06"], "end_date": ["2025-01-05", "2025-01-06"],
                          "spend": [50.0, 7.0], "market": ["UK", "UK"]})
    assert period_days(frame, spec).tolist() == [5, 1]
    daily = daily_spend(frame, spec)
    assert daily.tolist() == [10.0] * 4 + [10.0, 7.0] and daily.sum() == 57.0
    tv = pd.DataFrame({"date_week_start": ["2025-01-06"], "spend": [70.0], "market": ["UK"]})
    days = spread_over_days(tv, TABLES["tv_performance"])
    assert days["day"].dt.strftime("%Y-%m-%d").tolist() == [f"2025-01-{d:02d}" for d in range(6, 13)]
    assert (days["share"] * days["spend"]).tolist() == [10.0] * 7


def test_a_row_ending_before_it_starts_is_refused():
    frame = pd.DataFrame({"start_date": ["2025-01-05"], "end_date": ["2025-01-01"], "spend": [1.0]})
    with pytest.raises(ValueError, match="ending before"):
        period_days(frame, TABLES["radio_performance"])


@pytest.fixture(scope="module")
def canonical_rebuilt() -> dict[str | None, dict[str, np.ndarray]]:
    """National (key None) and per-market weekly spend of the canonical raw/."""
    return {m: rebuild_weekly(CANONICAL / "raw", None if m is None else (m,)) for m in (None, "UK", "DE", "FR")}


def test_weekly_channel_spend_rebuilds_from_raw(canonical_rebuilt):
    weekly = pd.read_csv(CANONICAL / "mmm" / "weekly_channel_spend.csv")
    for channel, weeks in canonical_rebuilt[None].items():
        gap = np.abs(weekly[f"{channel}_spend"].to_numpy() - weeks).max()
        assert gap <= 0.0051, (channel, gap)  # written to the penny


def test_the_formats_spend_columns_rebuild_from_raw(canonical_rebuilt):
    formats = CANONICAL / "recover" / "formats"
    national = pd.read_csv(formats / "pymc_marketing_national.csv")
    geo = pd.read_csv(formats / "pymc_marketing_geo.csv")
    meridian = pd.read_csv(formats / "meridian_geo_weekly.csv")
    country_of = region_geography(load_world("baseline")).country_of
    for channel, weeks in canonical_rebuilt[None].items():
        column = f"{channel}_spend"
        assert np.abs(national[column].to_numpy() - weeks).max() < 1e-5, channel
        for market in ("UK", "DE", "FR"):  # the geo files' geos are the UK's regions, DE and FR
            mine = canonical_rebuilt[market][channel]
            for frame, date in ((geo, "date_week"), (meridian, "time")):
                summed = frame[frame["geo"].map(country_of) == market].groupby(date, sort=True)[column].sum()
                assert np.abs(summed.to_numpy() - mine).max() < 1e-4, (channel, market)


def test_validation_fails_a_weekly_table_that_does_not_rebuild(tmp_path, small_world, small_tables):
    tables, documents = small_tables
    from sim.run import write_output

    out = tmp_path / "run"
    write_output(out, small_world, tables, documents)
    weekly = pd.read_csv(out / "mmm" / "weekly_channel_spend.csv")
    targets = {t.target.key: t for t in validate_dir(out, load_world("baseline", ["run.population=20000"])).targets}
    assert targets["mmm.spend_phasing"].verdict == "pass"
    # the engine's own day-to-day pacing would be a different (undocumented) phasing: move TV money a week
    shifted = weekly.copy()
    week = int(shifted["tv_spend"].to_numpy().argmax())
    shifted.loc[week, "tv_spend"] -= 1000.0
    shifted.loc[week + 1, "tv_spend"] += 1000.0
    shifted.to_csv(out / "mmm" / "weekly_channel_spend.csv", index=False)
    result = {t.target.key: t for t in validate_dir(out, small_world).targets}["mmm.spend_phasing"]
    assert result.verdict == "fail" and result.enforced and result.achieved == pytest.approx(1000.0, abs=0.01)
