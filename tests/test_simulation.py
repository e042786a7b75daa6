"""The simulated world at small scale: invariants, foreign keys, causal direction, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.diagnostics import daily_visitors
from sim.engine.model import Interventions
from sim.run import csv_bytes, export_tables, simulate
from sim.world.vocabulary import WEB_CHANNELS


def run_with(world, **scale):
    return simulate(world, interventions=Interventions(dict(scale)))


def test_spend_totals_match_budgets(small_world, small_log):
    spend = small_log.media.groupby("channel")["spend"].sum()
    for name, ch in small_world.media.channels.items():
        assert spend[name] == pytest.approx(ch.budget_gbp, rel=0.05)
    assert spend.sum() == pytest.approx(20_000_000, rel=0.05)


def test_no_sale_before_availability_or_opening(small_world, small_tables):
    tables, _ = small_tables
    sales = tables["raw/vehicle_sales.csv"]
    assert len(sales) > 0
    dates = pd.to_datetime(sales["sale_date"])
    assert dates.min() >= pd.Timestamp("2025-09-01")
    avail = {k: pd.Timestamp(m.available_from) for k, m in small_world.models.items()}
    assert (dates >= sales["model"].map(avail)).all()
    opening = {d.id: pd.Timestamp(small_world.dealer_opening(d)) for d in small_world.dealers}
    assert (dates >= sales["dealer_id"].map(opening)).all()
    s05 = sales[sales["model"] == "DEEPAL_S05"]
    assert (pd.to_datetime(s05["sale_date"]).dt.month == 12).all()


def test_foreign_keys(small_world, small_tables):
    tables, _ = small_tables
    dealer_ids = set(tables["raw/dealers.csv"]["dealer_id"])
    leads = tables["raw/leads.csv"]
    drives = tables["raw/test_drives.csv"]
    assert set(drives["lead_id"]) <= set(leads["lead_id"])
    assert set(drives["dealer_id"]) <= dealer_ids
    assert set(tables["raw/vehicle_sales.csv"]["dealer_id"]) <= dealer_ids
    assert set(leads["dealer_id"].dropna()) <= dealer_ids
    media_campaigns = set()
    for f in ("meta_ads", "google_ads", "tiktok_ads", "youtube_ads", "linkedin_ads"):
        media_campaigns |= set(tables[f"raw/{f}.csv"]["campaign_name"])
    media_campaigns |= set(tables["raw/dv360.csv"]["insertion_order"])
    utm = set(tables["raw/configurator_sessions.csv"]["utm_campaign"].dropna())
    assert utm and utm <= media_campaigns


def test_dates_in_causal_order(small_tables):
    tables, _ = small_tables
    drives = tables["raw/test_drives.csv"]
    assert (pd.to_datetime(drives["test_drive_date"]) >= pd.to_datetime(drives["booking_date"])).all()
    leads = tables["raw/leads.csv"].set_index("lead_id")
    created = pd.to_datetime(drives["lead_id"].map(leads["created_date"]))
    assert (pd.to_datetime(drives["booking_date"]) >= created).all()
    assert (pd.to_datetime(leads["status_date"]) >= pd.to_datetime(leads["created_date"])).all()


def test_ctr_is_clicks_over_impressions(small_tables):
    tables, _ = small_tables
    for f in ("meta_ads", "google_ads", "dv360", "tiktok_ads", "youtube_ads", "linkedin_ads"):
        df = tables[f"raw/{f}.csv"]
        ok = df["impressions"] > 0
        assert np.allclose(df.loc[ok, "ctr"], df.loc[ok, "clicks"] / df.loc[ok, "impressions"], atol=1e-5), f


def _sessions(model, channel: str) -> np.ndarray:
    return model.sessions[:, :, WEB_CHANNELS.index(channel), :].sum(axis=(1, 2))


def test_doubling_meta_doubles_its_clicks_on_the_day_and_the_visitors_it_causes_after_its_lag(small_world,
                                                                                              small_log):
    doubled = run_with(small_world, meta=2.0)
    base, more = _sessions(small_log, "social_paid"), _sessions(doubled, "social_paid")
    meta = small_log.media["channel"] == "meta"
    first = int(small_log.media.loc[meta & (small_log.media["spend"] > 0), "day"].min())
    assert more[first] > base[first]  # its landed clicks, on the day of the spend
    assert more.sum() > base.sum() * 1.5
    # the consumers it moves to act come after meta's 7-day lag: before it, none differs
    visitors = daily_visitors(small_log, ["social_paid"]), daily_visitors(doubled, ["social_paid"])
    assert (visitors[0][: first + 7] == visitors[1][: first + 7]).all()
    assert visitors[1].sum() > visitors[0].sum()
    assert [(s.day, s.consumer) for s in small_log.configurator if s.day < first + 7] == \
        [(s.day, s.consumer) for s in doubled.configurator if s.day < first + 7]


def test_zero_media_leaves_only_baseline_demand(small_world, small_log):
    silent = run_with(small_world, **{c: 0.0 for c in small_world.media.channels})
    for paid in ("paid_search", "social_paid", "display", "video"):
        assert _sessions(silent, paid).sum() == 0
    assert _sessions(silent, "direct").sum() > 0
    assert silent.sessions.sum() < small_log.sessions.sum()
    assert len(silent.sales) <= len(small_log.sales)


@pytest.mark.slow
def test_same_seed_same_bytes_different_seed_different(small_world, small_tables):
    tables, _ = small_tables
    again, _ = export_tables(small_world, simulate(small_world))
    for rel in ("raw/leads.csv", "raw/vehicle_sales.csv", "raw/meta_ads.csv", "mmm/model_ready.csv"):
        assert csv_bytes(tables[rel]) == csv_bytes(again[rel]), rel
    other_world = small_world.model_copy(update={"run": small_world.run.model_copy(update={"seed": 7})})
    other, _ = export_tables(other_world, simulate(other_world))
    assert csv_bytes(tables["raw/leads.csv"]) != csv_bytes(other["raw/leads.csv"])


def test_a_finished_world_is_freed_so_a_worker_does_not_grow_run_after_run():
    """Mesa 3.3 keeps every model in ``mesa.Agent._ids``; the engine releases it after a run."""
    import gc
    import weakref

    from sim.engine.model import Interventions, LaunchModel
    from sim.world.config import load_world

    model = LaunchModel(load_world("baseline", ["run.population=2000"]), Interventions.none())
    log = model.run()
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None and log.n_days == 365
