"""The ten media exports: exact columns, money kept to the penny, the extract's rates, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.engine.delivery import deliver
from sim.engine.plan import build_plan
from sim.engine.visits import land_clicks
from sim.exporters import MEDIA_TABLES, export_media
from sim.exporters.media_common import largest_remainder, platform_outcomes
from sim.exporters.traditional import tv_performance
from sim.schemas import columns, schema_for
from sim.world.streams import Stream, Streams

CHANNEL_OF = {
    "meta_ads": "meta", "google_ads": "google", "dv360": "dv360", "tiktok_ads": "tiktok",
    "youtube_ads": "youtube", "linkedin_ads": "linkedin", "tv_performance": "tv",
    "ooh_performance": "ooh", "print_performance": "print", "radio_performance": "radio",
}
SLACK = 1e-3  # published rounding of money (pennies) and prices (4 decimals) on top of the count rounding


@pytest.fixture(scope="module")
def delivered(world):
    streams = Streams(42)
    return deliver(world, build_plan(world, streams), streams)


def rng_for(seed: int = 7):
    streams = Streams(seed)
    return lambda name: streams.generator(Stream.EXPORT, name)


@pytest.fixture(scope="module")
def outcomes(delivered):
    """Funnel-style outcomes: leads on lead-gen days, conversions on search days, plus one
    outcome dated after its campaign's last day (reported on that last day)."""
    parts = []
    for channel, metric, objective in (("meta", "leads", "lead_gen"), ("linkedin", "leads", "lead_gen"),
                                       ("google", "conversions", "search")):
        rows = delivered[(delivered["channel"] == channel) & (delivered["objective"] == objective)]
        per_day = rows.groupby(["date", "market", "campaign_id"], as_index=False)["clicks"].sum()
        per_day["value"] = (per_day["clicks"] // 40).astype(float)
        per_day = per_day[per_day["value"] > 0]
        parts.append(per_day.assign(channel=channel, metric=metric).drop(columns="clicks"))
    late = parts[0].sort_values("date").iloc[[-1]].assign(date=lambda f: f["date"] + pd.Timedelta(days=3))
    return pd.concat(parts + [late], ignore_index=True)


@pytest.fixture(scope="module")
def tables(world, delivered, outcomes):
    return export_media(world, delivered, outcomes, rng_for())


def within(values: pd.Series, lo: float, hi: float, count: pd.Series | float = np.inf) -> bool:
    """Inside [lo, hi] up to rounding: a rate built on an integer count n is known to about 1/n."""
    rel = 1 / np.asarray(count, dtype=float) + SLACK
    assert len(values) > 0, "nothing to test the rates on"
    return bool(((values >= lo * (1 - rel)) & (values <= hi * (1 + rel))).all())


# --------------------------------------------------------------------------- shape and money
def test_every_table_has_the_extract_columns_in_order(tables):
    assert set(tables) == set(CHANNEL_OF) == set(MEDIA_TABLES)
    for name, table in tables.items():
        assert list(table.columns) == columns(name, extras=False), name
        assert len(table) > 0


def test_every_table_passes_its_declared_schema(tables):
    """Types, hard ranges, primary keys and row rules (clicks <= impressions, ...) of sim.schemas."""
    for name, table in tables.items():
        schema_for(name).validate(table, lazy=True)


def test_spend_per_channel_is_preserved_to_the_penny(tables, delivered):
    for name, table in tables.items():
        expected = round(delivered.loc[delivered["channel"] == CHANNEL_OF[name], "spend"].sum(), 2)
        pennies = table["spend"].to_numpy() * 100
        assert np.allclose(pennies, np.round(pennies), atol=1e-6), name
        assert abs(table["spend"].sum() - expected) < 0.005, name


def test_impressions_and_clicks_are_the_deliverys(tables, delivered):
    for name, table in tables.items():
        mine = delivered[delivered["channel"] == CHANNEL_OF[name]]
        for col in ("impressions", "clicks"):
            if col in table:
                assert table[col].sum() == mine[col].sum(), (name, col)


def test_platform_tables_keep_the_plans_grain(tables, delivered):
    keys = {"meta_ads": ["date", "campaign_name", "platform"], "google_ads": ["date", "campaign_name", "keyword_group"],
            "dv360": ["date", "line_item_name"], "tiktok_ads": ["date", "campaign_name"],
            "youtube_ads": ["date", "campaign_name", "format"], "linkedin_ads": ["date", "campaign_name"]}
    for name, key in keys.items():
        assert len(tables[name]) == (delivered["channel"] == CHANNEL_OF[name]).sum()
        assert not tables[name].duplicated(key).any(), name


def test_ctr_is_clicks_over_impressions_and_nothing_is_negative(tables):
    for name, table in tables.items():
        if "ctr" in table:
            assert (table["ctr"] - table["clicks"] / table["impressions"]).abs().max() <= 5e-7 + 1e-12, name
        numbers = table.select_dtypes("number")
        assert (numbers.fillna(0) >= 0).all().all(), name
        assert np.isfinite(numbers.astype(float).fillna(0).to_numpy()).all(), name


def test_tiny_spend_rows_give_empty_ratios_not_errors(world, delivered):
    tiny = delivered.copy()
    first = tiny.groupby("channel").head(2).index
    tiny.loc[first, ["spend"]] = 0.03
    tiny.loc[first, ["impressions", "clicks", "views"]] = 0
    # the engine's website clicks and landed sessions follow the clicks (web_clicks <= clicks, landed <= web_clicks)
    tiny = land_clicks(world, tiny, Streams(42))
    assert (tiny.loc[first, ["web_clicks", "landed", "landed_new"]] == 0).all().all()
    assert (tiny["web_clicks"] <= tiny["clicks"]).all() and (tiny["landed"] <= tiny["web_clicks"]).all()
    out = export_media(world, tiny, None, rng_for())
    meta = out["meta_ads"]
    empty = meta["impressions"] == 0
    assert empty.sum() == 2 and (meta.loc[empty, ["ctr", "cpm", "frequency"]] == 0).all().all()
    assert meta.loc[empty, "cpc"].isna().all()
    for name, table in out.items():
        expected = round(tiny.loc[tiny["channel"] == CHANNEL_OF[name], "spend"].sum(), 2)
        assert abs(table["spend"].sum() - expected) < 0.005, name
        assert (table.select_dtypes("number").fillna(0) >= 0).all().all(), name
        schema_for(name).validate(table, lazy=True)


def test_website_clicks_are_the_engines_landed_clicks(tables, delivered):
    """Decision 9: the platforms report the clicks that went to the website (and, for Meta, the
    sessions they landed) as the engine decided them, not a thinning of their own."""
    rows = {name: delivered[delivered["channel"] == CHANNEL_OF[name]] for name in ("meta_ads", "tiktok_ads",
                                                                                   "linkedin_ads")}
    meta, tiktok, linkedin = tables["meta_ads"], tables["tiktok_ads"], tables["linkedin_ads"]
    assert meta["link_clicks"].sum() == rows["meta_ads"]["web_clicks"].sum() > 0
    assert meta["landing_page_views"].sum() == rows["meta_ads"]["landed"].sum() > 0
    assert meta["link_clicks"].sum() < meta["clicks"].sum()  # likes, profile and expand clicks do not leave Meta
    assert tiktok["website_clicks"].sum() == rows["tiktok_ads"]["web_clicks"].sum() > 0
    assert (linkedin["company_page_clicks"].sum()
            == (rows["linkedin_ads"]["clicks"] - rows["linkedin_ads"]["web_clicks"]).sum() > 0)
    assert (linkedin["company_page_clicks"] <= linkedin["clicks"]).all()


def test_a_channel_without_spend_gives_an_empty_table_with_its_columns(world, delivered):
    """A scenario that removes a channel ("no TikTok") still writes the file, header only."""
    for name, table in MEDIA_TABLES.items():
        without = delivered[delivered["channel"] != CHANNEL_OF[name]]
        out = table(world, without, None, np.random.default_rng(0))
        assert len(out) == 0 and list(out.columns) == columns(name), name
        schema_for(name).validate(out)


# --------------------------------------------------------------------------- digital rates
def ctr_cpm_cpc(rows: pd.DataFrame, ctr=None, cpm=None, cpc=None, cpc_col: str = "cpc") -> bool:
    ok = True
    if ctr:
        ok &= within(rows["ctr"], *ctr, rows["clicks"])
    if cpm:
        ok &= within(rows["cpm"], *cpm, rows["impressions"])
    if cpc:
        ok &= within(rows[cpc_col], *cpc, rows["clicks"])
    return ok


def test_meta_rates_by_objective(tables):
    meta = tables["meta_ads"]
    by = dict(tuple(meta.groupby("objective")))
    assert ctr_cpm_cpc(by["awareness"], ctr=(0.005, 0.015), cpm=(4, 6))
    assert ctr_cpm_cpc(by["lead_gen"], ctr=(0.01, 0.03), cpm=(6, 10))
    assert ctr_cpm_cpc(by["traffic"], ctr=(0.01, 0.02), cpc=(0.30, 0.80))
    assert (meta["reach"] <= meta["impressions"]).all()
    assert (meta["landing_page_views"] <= meta["link_clicks"]).all() and (meta["link_clicks"] <= meta["clicks"]).all()


def test_google_rates_by_keyword_group_and_type(tables):
    google = tables["google_ads"]
    brand = google[google["keyword_group"].str.startswith("brand_")]
    assert ctr_cpm_cpc(brand, ctr=(0.05, 0.15), cpc=(0.5, 1.5), cpc_col="avg_cpc")
    assert brand["quality_score"].between(7, 9).all()
    generic = google[google["keyword_group"].str.startswith("generic_")]
    assert ctr_cpm_cpc(generic, ctr=(0.01, 0.03), cpc=(2, 5), cpc_col="avg_cpc")
    assert generic["quality_score"].between(5, 7).all()
    assert google.loc[google["campaign_type"] != "search", "quality_score"].isna().all()
    assert ctr_cpm_cpc(google[google["campaign_type"] == "pmax"], ctr=(0.02, 0.05))
    search = google["campaign_type"] == "search"
    assert google.loc[~search, "search_impression_share"].isna().all()
    assert (google.loc[search, "search_impression_share"] == google.loc[search, "impression_share"]).all()


def test_dv360_display_ctr_video_completion_and_viewability(tables, world):
    dv = tables["dv360"]
    video = dv["creative_size"] == "video_pre-roll"
    assert ctr_cpm_cpc(dv[~video], ctr=(0.0005, 0.0030))
    assert (dv.loc[~video, "video_completions"] == 0).all() and dv.loc[~video, "video_completion_rate"].isna().all()
    completed = dv[dv["video_completion_rate"].notna()]
    assert within(completed["video_completion_rate"], 0.60, 0.80, completed["video_completions"])
    # the 70% target holds except during the scenario's declared viewability incident
    dip = [i for i in world.vendors.incidents if i.kind == "viewability_dip"]
    dates = pd.to_datetime(dv["date"]).dt.date
    in_dip = np.zeros(len(dv), bool)
    for inc in dip:
        in_dip |= ((dates >= inc.start) & (dates <= inc.end)).to_numpy()
    assert within(dv.loc[~in_dip, "viewability_rate"], 0.70, 1.0, dv.loc[~in_dip, "viewable_impressions"])
    if dip:
        assert dv.loc[in_dip, "viewability_rate"].mean() < dv.loc[~in_dip, "viewability_rate"].mean()
    assert (dv["viewable_impressions"] <= dv["impressions"]).all()
    assert (dv["line_item_name"] == dv["insertion_order"] + "_" + dv["creative_size"]).all()


def test_tiktok_rates(tables):
    tt = tables["tiktok_ads"]
    assert ctr_cpm_cpc(tt, ctr=(0.003, 0.010), cpm=(1, 3))
    assert within(tt["video_view_rate"], 0.15, 0.30, tt["video_views"])
    assert within(tt["avg_watch_time_seconds"], 3, 8)
    assert (tt["profile_visits"] + tt["website_clicks"] == tt["clicks"]).all()
    assert (tt[["shares", "comments", "likes"]].sum(axis=1) > 0).all()


def test_youtube_formats_quartiles_and_earned_views(tables):
    yt = tables["youtube_ads"]
    trueview, bumper, shorts = (yt[yt["format"] == f] for f in ("TrueView", "Bumper", "Shorts"))
    assert within(trueview["view_rate"], 0.30, 0.50, trueview["views"])
    assert within(trueview["cpv"], 0.01, 0.04, trueview["views"])
    assert ctr_cpm_cpc(bumper, cpm=(3, 6))
    assert ctr_cpm_cpc(shorts, cpm=(1, 2)) and within(shorts["view_rate"], 0.10, 0.20, shorts["views"])
    q = yt[["video_played_25", "video_played_50", "video_played_75", "video_played_100"]].to_numpy()
    assert (np.diff(q, axis=1) <= 1e-6).all() and (q <= 1).all()
    assert (q[:, 0] >= yt["view_rate"] - 1e-6).all()
    assert within(yt["earned_views"] / yt["views"], 0.05, 0.10, yt["earned_views"])


def test_linkedin_rates(tables):
    assert ctr_cpm_cpc(tables["linkedin_ads"], ctr=(0.003, 0.008), cpm=(12, 25))


# --------------------------------------------------------------------------- outcomes
def test_leads_and_conversions_are_the_funnels(tables, outcomes):
    for name, metric, col in (("meta_ads", "leads", "leads"), ("linkedin_ads", "leads", "leads"),
                              ("google_ads", "conversions", "conversions")):
        table = tables[name]
        mine = outcomes[(outcomes["channel"] == CHANNEL_OF[name]) & (outcomes["metric"] == metric)]
        got = table.groupby("campaign_id")[col].sum()
        want = mine.groupby("campaign_id")["value"].sum().astype(int)
        assert got[got > 0].sort_index().equals(want.sort_index()), name
    for name in ("meta_ads", "linkedin_ads"):
        t = tables[name]
        assert t.loc[t["leads"] == 0, "cost_per_lead"].isna().all()
        has = t[t["leads"] > 0]
        assert np.allclose(has["cost_per_lead"], has["spend"] / has["leads"], atol=0.005)
    g = tables["google_ads"]
    assert np.allclose(g["conversion_rate"], g["conversions"] / g["clicks"], atol=5e-7 + 1e-12)


def test_an_outcome_after_the_campaign_is_reported_on_its_last_day(world, delivered, outcomes):
    rows = delivered[delivered["channel"] == "meta"].reset_index(drop=True)
    late = outcomes.iloc[[-1]]
    got = platform_outcomes(rows, late, "meta", "leads")
    assert got.sum() == late["value"].iloc[0]
    last = rows.loc[rows["campaign_id"] == late["campaign_id"].iloc[0], "date"].max()
    assert (rows.loc[got > 0, "date"] == last).all()


def test_outcomes_for_an_unknown_campaign_are_an_error(delivered):
    rows = delivered[delivered["channel"] == "meta"].reset_index(drop=True)
    bad = pd.DataFrame({"date": [rows["date"].iloc[0]], "channel": ["meta"], "market": ["UK"],
                        "campaign_id": ["0000000000"], "metric": ["leads"], "value": [3.0]})
    with pytest.raises(ValueError, match="no delivered rows"):
        platform_outcomes(rows, bad, "meta", "leads")


def test_largest_remainder_keeps_each_groups_total():
    values = np.array([0.4, 0.4, 0.2, 1.5, 1.5])
    groups = np.array(["a", "a", "a", "b", "b"])
    out = largest_remainder(values, groups)
    assert out.tolist() == [1, 0, 0, 2, 1]


# --------------------------------------------------------------------------- traditional
def test_tv_weeks_grps_reach_and_frequency(world, tables, delivered):
    tv = tables["tv_performance"]
    assert (tv["date_week_start"].dt.day_of_week == 0).all() and (tv["market"] == "UK").all()
    adults = world.markets["UK"].adult_population_m * 1e6
    imps = delivered.loc[delivered["channel"] == "tv", "impressions"].sum()
    assert tv["grps"].sum() == pytest.approx(imps / adults * 100, rel=1e-3)
    assert np.allclose(tv["reach_pct"] * tv["avg_frequency"], tv["grps"], rtol=0.01, atol=0.02)
    assert (tv["reach_pct"] <= 100).all() and (tv["avg_frequency"] >= 1).all()
    assert np.allclose(tv["reach_000"], tv["reach_pct"] / 100 * adults / 1000, rtol=1e-3)
    assert np.allclose(tv["cpp"], tv["spend"] / tv["grps"], rtol=1e-4)
    assert (tv["spots_aired"] >= 1).all()
    lengths = dict(zip(tv["date_week_start"].dt.strftime("%Y-%m-%d"), tv["spot_length_seconds"], strict=True))
    assert lengths["2025-09-01"] == 60 and lengths["2025-09-29"] == 30 and lengths["2025-12-15"] == 10
    programmes = {p for a in delivered.loc[delivered["channel"] == "tv", "attributes"] for p in a["programmes"]}
    assert set(tv["programme_name"]) <= programmes


def weekly_campaign(tv: pd.DataFrame) -> pd.DataFrame:
    """The week's campaign GRPs, reach (rows as independent audiences) and frequency."""
    tv = tv.assign(miss=1 - tv["reach_pct"] / 100)
    week = tv.groupby("date_week_start").agg(grps=("grps", "sum"), miss=("miss", "prod"))
    week["reach"] = (1 - week["miss"]) * 100
    week["frequency"] = week["grps"] / week["reach"]
    return week


def test_tv_weeks_reach_20_to_40_pct_at_3_to_6_frequency_when_grps_are_high(tables):
    week = weekly_campaign(tables["tv_performance"])
    high = week[week["grps"] >= 50]
    assert len(high) >= 5
    assert within(high["frequency"], 3, 6, 300)
    reachable = high[high["grps"].between(60, 240)]
    assert len(reachable) >= 3 and within(reachable["reach"], 20, 40, 300)
    assert (week["frequency"] >= 1).all() and (week["reach"] <= 100).all()


def test_tv_heavy_weeks_stay_in_the_bands_when_delivery_doubles(world, delivered):
    heavy = delivered.copy()
    is_tv = heavy["channel"] == "tv"
    heavy.loc[is_tv, "impressions"] = heavy.loc[is_tv, "impressions"] * 2
    week = weekly_campaign(tv_performance(world, heavy, None, np.random.default_rng(0)))
    reachable = week[week["grps"].between(60, 240)]
    assert len(reachable) >= 10
    assert within(reachable["frequency"], 3, 6, 300) and within(reachable["reach"], 20, 40, 300)


def test_ooh_cycles(world, tables):
    ooh = tables["ooh_performance"]
    days = world.media.channels["ooh"].extras["cycle_days"]
    assert ((ooh["end_date"] - ooh["start_date"]).dt.days < days).all()
    anchor = pd.Timestamp(world.media.channels["ooh"].extras["cycle_anchor"])
    cycle = lambda d: (d - anchor).dt.days // days  # noqa: E731
    assert (cycle(ooh["start_date"]) == cycle(ooh["end_date"])).all()
    assert (ooh["sites_booked"] >= 1).all() and set(ooh["vendor"]) <= {"JCDecaux", "ClearChannel"}
    assert np.allclose(ooh["reach_000"] * ooh["frequency"], ooh["impressions"] / 1000, rtol=0.01)
    assert (ooh["frequency"] >= 1).all()


def test_print_rate_card_and_negotiated_share(world, tables, delivered):
    pr = tables["print_performance"]
    ex = world.media.channels["print"].extras
    multiplier = dict((f, m) for f, m in ex["formats"])
    lo, hi = ex["negotiated_share"]
    rows = delivered[delivered["channel"] == "print"]
    rate_cards = dict(zip(rows["breakdown"], [a["rate_card_per_page"] for a in rows["attributes"]], strict=True))
    per_page = pr["publication"].map(rate_cards)
    assert len(pr) == len(rows)
    assert np.allclose(pr["rate_card_cost"], per_page * pr["format"].map(multiplier), atol=0.005)
    assert (pr["negotiated_cost"] == pr["spend"]).all()
    share = pr["negotiated_cost"] / pr["rate_card_cost"]
    possible = np.array([[lo <= s / (r * m) <= hi for m in multiplier.values()]
                         for s, r in zip(pr["spend"], per_page, strict=True)]).any(axis=1)
    assert possible.sum() > 0
    assert share[possible].between(lo, hi).all()
    assert (pr.loc[pr["format"] == "cover_wrap", "page_number"] == 1).all()
    assert (pr.loc[pr["format"] == "dps", "page_number"] % 2 == 0).all()


def test_radio_dayparts_split_each_flights_spend_60_25_15(world, tables):
    radio = tables["radio_performance"]
    shares = dict(world.media.channels["radio"].extras["dayparts"])
    flight = radio.groupby(["campaign_name", "station", "start_date"])["spend"].transform("sum")
    expected = radio["daypart"].map(shares) * flight
    assert np.allclose(radio["spend"], expected, atol=0.011)
    spots = radio.groupby("daypart")["total_spots"].sum() / radio["total_spots"].sum()
    assert all(abs(spots[d] - share) < 0.05 for d, share in shares.items())
    days = (radio["end_date"] - radio["start_date"]).dt.days + 1
    assert (radio["total_spots"] == radio["spots_per_day"] * days).all()
    assert within(radio["cpm"], 3.0, 5.5)
    assert (radio["frequency"] >= 1).all()


# --------------------------------------------------------------------------- determinism
def test_same_input_and_seed_give_identical_tables(world, delivered, outcomes, tables):
    again = export_media(world, delivered, outcomes, rng_for())
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], again[name])
        assert tables[name].to_csv(index=False) == again[name].to_csv(index=False)


def test_each_table_draws_from_its_own_stream(world, delivered, outcomes, tables):
    base = rng_for()
    shifted = export_media(world, delivered, outcomes,
                           lambda name: np.random.default_rng(99) if name == "meta_ads" else base(name))
    assert not shifted["meta_ads"].equals(tables["meta_ads"])
    for name in tables:
        if name != "meta_ads":
            pd.testing.assert_frame_equal(shifted[name], tables[name])


def test_exporters_leave_the_delivered_plan_untouched(world, delivered, outcomes):
    before = delivered.drop(columns="attributes").copy()
    export_media(world, delivered, outcomes, rng_for())
    pd.testing.assert_frame_equal(delivered.drop(columns="attributes"), before)
