"""The ``[reporting]`` section: the conventions the exporters read, and clear errors for bad input."""

from __future__ import annotations

import pytest

from sim.world.config import ConfigError, load_world


@pytest.fixture(scope="module")
def reporting():
    return load_world("baseline").reporting


def test_website_analytics_conventions(reporting):
    web = reporting.web
    assert web.users_per_session == (0.80, 0.92)
    assert {ch: web.bounce_rate(ch) for ch in ("paid_search", "social_paid", "social_organic", "direct")} == {
        "paid_search": (0.35, 0.50), "social_paid": (0.55, 0.70), "social_organic": (0.55, 0.70),
        "direct": (0.25, 0.40)}
    assert web.bounce_rate("organic_search") == web.bounce_rate("email") == (0.35, 0.55)
    assert web.pages_per_session == (2.0, 6.0)
    assert web.engaged_seconds("direct") == (360, 480)
    assert web.goals.dealer_locator == (0.004, 0.012)
    assert web.events_per_page_view == (1.2, 1.8)


def test_configurator_conventions(reporting):
    cfg = reporting.crm.configurator
    assert (cfg.finance_viewed_if_completed, cfg.finance_viewed_otherwise) == (0.6, 0.3)
    assert cfg.start_seconds_of_day == (7 * 3600, 23 * 3600)  # rng.integers(lo, hi): hi exclusive
    assert cfg.second_wheel_option == 0.35
    assert cfg.accessories_mean == 1.2
    assert cfg.monthly_payment_share_of_price == (0.011, 0.016)
    assert cfg.completion_seconds == (240, 480)
    assert {p: (t.source, t.medium) for p, t in cfg.utm.items()} == {
        "google": ("google", "cpc"), "meta": ("facebook", "paid_social"), "tiktok": ("tiktok", "paid_social"),
        "linkedin": ("linkedin", "paid_social"), "dv360": ("dv360", "display"), "youtube": ("youtube", "video")}


def test_test_drive_conventions(reporting):
    drives = reporting.crm.test_drives
    assert (drives.feedback_score_mean, drives.feedback_score_sd) == (4.2, 0.6)
    assert drives.feedback_score_range == (1, 5)
    assert drives.feedback_text == {
        5: "Loved the drive, very refined", 4: "Impressive range and tech", 3: "Good but wants a second look",
        2: "Ride firmer than expected", 1: "Not for me"}
    assert drives.duration_minutes == (30, 60)  # inclusive: rng.integers(30, 61)


def test_every_scenario_inherits_the_baselines_conventions():
    for name in ("double_tv", "no_tv", "digital_only", "budget_cut_30", "launch_october", "flat_seasonality"):
        assert load_world(name).reporting == load_world("baseline").reporting, name


def test_a_scenario_overrides_one_convention(tmp_path):
    p = tmp_path / "heavy_meta.toml"
    p.write_text('extends = "baseline"\n[reporting.media.meta]\ndaily_frequency = [1.5, 2.5]\n')
    mine, base = load_world(p).reporting, load_world("baseline").reporting
    assert base.media.meta.daily_frequency == (1.05, 1.60)
    assert mine.media.meta.daily_frequency == (1.5, 2.5)
    # every other convention is the baseline's
    assert mine.media.meta.model_copy(update={"daily_frequency": base.media.meta.daily_frequency}) == base.media.meta
    assert mine.media.model_copy(update={"meta": base.media.meta}) == base.media
    assert mine.model_copy(update={"media": base.media}) == base


@pytest.mark.parametrize("key", ["reporting.media.meta.link_click_share",
                                 "reporting.media.meta.landing_page_view_share",
                                 "reporting.media.tiktok.website_click_share",
                                 "reporting.media.linkedin.company_page_click_rate"])
def test_click_shares_are_no_reporting_convention(key):
    # the website clicks and their sessions are the engine's ([media.click_sessions]), not an exporter's thinning
    with pytest.raises(ConfigError, match=rf"{key}.*unknown key"):
        load_world("baseline", [f"{key}=[0.5, 0.8]"])


def test_unknown_key_under_reporting(tmp_path):
    p = tmp_path / "typo.toml"
    p.write_text('extends = "baseline"\n[reporting.web]\npages_per_sesion = [2.0, 6.0]\n')
    with pytest.raises(ConfigError, match=r"reporting\.web\.pages_per_sesion.*unknown key"):
        load_world(p)


@pytest.mark.parametrize("override, key", [
    ("reporting.web.pages_per_session=[6.0, 2.0]", "reporting.web.pages_per_session"),
    ("reporting.media.tv.spot_rating.bvod=[0.2, 0.05]", "reporting.media.tv.spot_rating.bvod"),
    ("reporting.crm.test_drives.duration_minutes=[60, 30]", "reporting.crm.test_drives.duration_minutes"),
    ("reporting.media.meta.daily_frequency=[2.0, 1.0]", "reporting.media.meta.daily_frequency"),
])
def test_a_range_with_low_above_high_names_the_key(override, key):
    with pytest.raises(ConfigError, match=rf"{key} = .*low \S+ is above high"):
        load_world("baseline", [override])


def test_a_share_outside_0_1_names_the_key():
    with pytest.raises(ConfigError, match=r"reporting\.media\.linkedin\.follower_gain_rate\.1 = 1\.5"):
        load_world("baseline", ["reporting.media.linkedin.follower_gain_rate=[0.5, 1.5]"])
