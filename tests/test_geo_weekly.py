"""mmm/geo_weekly.csv: the weekly panel of the UK's regions, Germany and France (issue 12, item 3).

Invariants on a small run: every week x geo once, nothing negative, flows that add up over the
geos to the national tables, adults that add up to each market's, controls declared national
(one value per country and week), the same file from ``raw/`` on disk as from the export in
memory, byte-identical across runs, and each raw row landing in its own geo only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.exporters import mmm
from sim.exporters.formats import build_panel, market_geography, region_geography
from sim.run import csv_bytes, export_tables, simulate
from sim.schemas import CHANNELS, TABLES
from sim.world.calendar import week_starts as small_world_weeks

GEO = "mmm/geo_weekly.csv"


def _raw(tables) -> dict[str, pd.DataFrame]:
    return {path.removeprefix("raw/").removesuffix(".csv"): t for path, t in tables.items() if path.startswith("raw/")}


def _cents(values) -> np.ndarray:
    return np.round(np.asarray(values, dtype=float) * 100).astype(np.int64)


@pytest.fixture(scope="module")
def geo(small_tables) -> pd.DataFrame:
    return small_tables[0][GEO]


def test_every_week_and_geo_once_and_nothing_negative(geo, small_world):
    geography = region_geography(small_world)
    weeks = small_world_weeks(small_world)
    assert len(geography.geos) == len(small_world.markets["UK"].regions) + len(small_world.markets) - 1
    assert len(geo) == len(weeks) * len(geography.geos)
    assert not geo.duplicated(["week_start", "geo"]).any()
    full = pd.MultiIndex.from_product([weeks, geography.geos])
    assert set(zip(geo["week_start"], geo["geo"], strict=True)) == set(full)
    numeric = geo.drop(columns=["week_start", "geo", "market", "consumer_confidence"])
    assert (numeric >= 0).all(axis=None) and not geo.isna().any(axis=None)
    TABLES["geo_weekly"].schema.validate(geo)


def test_flows_add_up_over_geos_to_the_national_tables(geo, small_tables):
    tables = small_tables[0]
    spend, sales = tables["mmm/weekly_channel_spend.csv"], tables["mmm/weekly_sales.csv"]
    by_week = geo.groupby("week_start", sort=True)
    for ch in CHANNELS:  # to the penny, every channel and week
        np.testing.assert_array_equal(_cents(by_week[f"{ch}_spend"].sum()), _cents(spend[f"{ch}_spend"]), ch)
    assert by_week["units"].sum().tolist() == sales["total_units"].tolist()
    np.testing.assert_array_equal(_cents(by_week["revenue"].sum()), _cents(sales["total_revenue"]))
    uk = geo[geo["market"] == "UK"].groupby("week_start", sort=True)
    assert uk["leads"].sum().tolist() == sales["uk_leads"].tolist()
    assert uk["test_drives"].sum().tolist() == sales["uk_test_drives"].tolist()
    for market in ("DE", "FR"):
        mine = geo[geo["geo"] == market]
        assert mine["units"].tolist() == sales[f"{market.lower()}_units"].tolist()
    assert geo["leads"].sum() == len(tables["raw/leads.csv"])
    # impressions: the geos add up to the raw exports' (whole impressions, each week's total rounded)
    tv = tables["raw/tv_performance.csv"]
    assert geo["tv_impressions"].sum() == pytest.approx((tv["reach_000"] * 1000 * tv["avg_frequency"]).sum(), abs=52)


def test_outcomes_follow_the_dealers_region(geo, small_tables):
    tables = small_tables[0]
    sales, dealers = tables["raw/vehicle_sales.csv"], tables["raw/dealers.csv"]
    region = sales["dealer_id"].map(dealers.set_index("dealer_id")["region"])
    uk = sales[sales["market"] == "UK"].assign(region=region)
    expected = uk.groupby("region").size()
    got = geo[geo["market"] == "UK"].groupby("geo")["units"].sum()
    assert got[got > 0].sort_index().to_dict() == expected.sort_index().to_dict()
    no_dealer = {r for r in got.index if r not in set(dealers["region"])}
    assert (got.reindex(list(no_dealer)) == 0).all()  # a region without a dealer sells nothing
    leads = tables["raw/leads.csv"]
    placed = leads["dealer_id"].map(dealers.set_index("dealer_id")["region"]).fillna(leads["customer_region"])
    uk_leads = placed[leads["market"] == "UK"].value_counts()
    assert geo[geo["market"] == "UK"].groupby("geo")["leads"].sum()[uk_leads.index].tolist() == uk_leads.tolist()


def test_population_and_national_controls(geo, small_world):
    uk = small_world.markets["UK"]
    adults = geo.drop_duplicates("geo").set_index("geo")["population"]
    assert adults[list(uk.regions)].sum() == round(uk.adult_population_m * 1e6)
    weights = pd.Series(uk.regions) / sum(uk.regions.values())
    np.testing.assert_allclose(adults[list(uk.regions)] / adults[list(uk.regions)].sum(), weights, atol=1e-7)
    for market in ("DE", "FR"):
        assert adults[market] == round(small_world.markets[market].adult_population_m * 1e6)
    # a control is the country's figure: one value per country and week, never a regional one
    for control in ("bev_share", "consumer_confidence", "bank_rate"):
        assert (geo.groupby(["week_start", "market"])[control].nunique() == 1).all(), control


def test_rebuilds_from_raw_on_disk(geo, small_tables, small_world, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path, table in small_tables[0].items():
        if path.startswith("raw/"):
            (tmp_path / path).write_bytes(csv_bytes(table))
    weeks = pd.DatetimeIndex(pd.to_datetime(small_world_weeks(small_world)))
    panel = build_panel(raw, weeks, region_geography(small_world)).geo
    panel = panel.set_index(["week_start", "geo"]).loc[list(zip(geo["week_start"], geo["geo"], strict=True))]
    for column in panel.columns:  # pennies and whole impressions allotted, the rest as it is
        rounding = 1.0 if column.endswith("_impressions") else 0.011 if column.endswith("_spend") else 1e-6
        np.testing.assert_allclose(panel[column].to_numpy(dtype=float), geo[column].to_numpy(dtype=float),
                                   atol=rounding, rtol=0, err_msg=column)
    # the regional panel and the market panel hold the same flows, summed over each market's geos
    markets = build_panel(raw, weeks, market_geography(small_world)).geo
    regional = build_panel(raw, weeks, region_geography(small_world)).geo
    country = regional["geo"].map(region_geography(small_world).country_of)
    for column in ("meta_spend", "tv_impressions", "units", "leads", "test_drives"):
        summed = regional.groupby([regional["week_start"], country])[column].sum()
        np.testing.assert_allclose(summed.to_numpy(), markets.set_index(["week_start", "geo"])[column]
                                   .reindex(summed.index).to_numpy(), rtol=1e-9, err_msg=column)


def test_two_runs_write_the_same_bytes(small_world, small_tables):
    again, _ = export_tables(small_world, simulate(small_world))
    assert csv_bytes(again[GEO]) == csv_bytes(small_tables[0][GEO])


def _with_radio(raw, region: str, start: str, days: int, spend: float) -> dict[str, pd.DataFrame]:
    radio = raw["radio_performance"]
    row = radio.iloc[[0]].assign(region=region, start_date=start, spend=spend, reach_000=100.0, frequency=2.0,
                                 end_date=(pd.Timestamp(start) + pd.Timedelta(days=days - 1)).strftime("%Y-%m-%d"))
    return {**raw, "radio_performance": pd.concat([radio, row], ignore_index=True)}


def _geo_table(world, raw) -> pd.DataFrame:
    return mmm.geo_weekly(world, raw, mmm.weekly_channel_spend(world, raw)).set_index(["week_start", "geo"])


def test_a_regional_flight_raises_its_geo_only_and_a_national_one_every_uk_region(small_world, small_tables):
    raw = _raw(small_tables[0])
    weeks = small_world_weeks(small_world)
    before = _geo_table(small_world, raw)
    flight = _geo_table(small_world, _with_radio(raw, "Wales", weeks[10], 7, 7000.0))
    change = flight["radio_spend"] - before["radio_spend"]
    assert change.loc[(weeks[10], "Wales")] == pytest.approx(7000.0, abs=0.011)
    assert change.drop((weeks[10], "Wales")).abs().max() <= 0.011  # pennies may move, nothing else
    impressions = flight["radio_impressions"] - before["radio_impressions"]
    assert impressions.loc[(weeks[10], "Wales")] == pytest.approx(200_000, abs=1)
    national = _geo_table(small_world, _with_radio(raw, "National", weeks[20], 7, 98_000.0))
    change = (national["radio_spend"] - before["radio_spend"]).xs(weeks[20], level="week_start")
    uk = small_world.markets["UK"]
    share = pd.Series(uk.regions) / sum(uk.regions.values())
    np.testing.assert_allclose(change[list(uk.regions)], 98_000.0 * share, atol=0.011)
    assert change[["DE", "FR"]].abs().max() == 0.0


def test_a_region_outside_the_geos_is_refused(small_world, small_tables):
    raw = _with_radio(_raw(small_tables[0]), "Northern Ireland", small_world_weeks(small_world)[5], 7, 100.0)
    with pytest.raises(ValueError, match="Northern Ireland"):
        _geo_table(small_world, raw)
