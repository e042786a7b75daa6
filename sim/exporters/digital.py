"""The six digital platform exports: Meta, Google Ads, DV360, TikTok, YouTube, LinkedIn.

Each is one row per delivered plan row (day x campaign x platform / keyword group / creative
size); spend, impressions, clicks and views are the delivery's, the ratios are recomputed from
them (see :mod:`sim.exporters.media_common`). Leads and conversions are the funnel's outcomes
attributed to the campaign, not platform fiction. Columns and their order are declared once, in
:mod:`sim.schemas`. Every function has the signature
``f(world, delivered, outcomes, rng) -> DataFrame``; ``rng`` feeds only reporting noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.exporters.media_common import (
    FREQUENCY_DECIMALS,
    MONEY_DECIMALS,
    PRICE_DECIMALS,
    RATE_DECIMALS,
    add_delivery_metrics,
    attribute,
    channel_rows,
    draw,
    finish,
    platform_outcomes,
    ratio,
    thin,
)
from sim.world.config import World
from sim.world.reporting import YoutubeReporting
from sim.world.streams import stable_id

SEARCH = "search"
VIDEO_CREATIVE = "video_pre-roll"
SHARE_DECIMALS = 4  # impression share as the platform shows it


def _base(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns every platform export shares, straight from the delivered rows."""
    return pd.DataFrame({
        "date": rows["date"], "campaign_name": rows["campaign_name"], "campaign_id": rows["campaign_id"],
        "market": rows["market"], "model": rows["model"],
        "impressions": rows["impressions"], "clicks": rows["clicks"],
    })


def meta_ads(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
             rng: np.random.Generator) -> pd.DataFrame:
    """Meta Ads Manager: day x campaign x platform (Facebook / Instagram)."""
    rows = channel_rows(delivered, "meta")
    conv = world.reporting.media.meta
    t = _base(rows)
    t["platform"], t["objective"] = rows["breakdown"], rows["objective"]
    add_delivery_metrics(t, rows["spend"])
    reach = t["impressions"] / draw(rng, conv.daily_frequency, len(t))
    t["reach"] = np.maximum(np.round(reach), np.minimum(t["impressions"], 1)).astype(np.int64)
    t["frequency"] = ratio(t["impressions"], t["reach"], FREQUENCY_DECIMALS, empty=0)
    t["video_views"] = rows["views"]
    t["video_view_rate"] = ratio(t["video_views"], t["impressions"], RATE_DECIMALS, empty=0)
    t["leads"] = platform_outcomes(rows, outcomes, "meta", "leads")
    t["link_clicks"] = rows["web_clicks"]            # the clicks that went to the website (decision 9)
    t["landing_page_views"] = rows["landed"]         # ... and loaded it: first-party sessions
    t["cost_per_lead"] = ratio(t["spend"], t["leads"], MONEY_DECIMALS)
    return finish(t, "meta_ads", ["date", "market", "campaign_name", "platform"])


def google_ads(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
               rng: np.random.Generator) -> pd.DataFrame:
    """Google Ads: day x campaign x keyword group; conversions are configurator starts + bookings."""
    rows = channel_rows(delivered, "google")
    t = _base(rows)
    t["campaign_type"], t["keyword_group"] = rows["objective"], rows["breakdown"]
    add_delivery_metrics(t, rows["spend"], cpc_name="avg_cpc")
    t["conversions"] = platform_outcomes(rows, outcomes, "google", "conversions")
    t["conversion_rate"] = ratio(t["conversions"], t["clicks"], RATE_DECIMALS)
    t["cost_per_conversion"] = ratio(t["spend"], t["conversions"], MONEY_DECIMALS)
    search = t["campaign_type"] == SEARCH  # quality score and search impression share are keyword metrics
    t["quality_score"] = rows["quality_score"].round().where(search).astype("Int64")
    t["impression_share"] = rows["impression_share"].round(SHARE_DECIMALS)
    t["search_impression_share"] = t["impression_share"].where(search)
    return finish(t, "google_ads", ["date", "market", "campaign_name", "keyword_group"])


def _exchanges(rows: pd.DataFrame, rng: np.random.Generator) -> list[str]:
    """Each line item buys on one of its campaign's exchanges (drawn once per line item)."""
    items = rows["line_item_name"].to_numpy()
    options = dict(zip(items, attribute(rows, "exchanges", [""]), strict=True))
    names = sorted(options)
    picks = rng.random(len(names))
    chosen = {n: options[n][int(p * len(options[n]))] for n, p in zip(names, picks, strict=True)}
    return [chosen[n] for n in items]


def dv360(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
          rng: np.random.Generator) -> pd.DataFrame:
    """DV360: day x line item (insertion order = campaign, line item = campaign x creative size)."""
    rows = channel_rows(delivered, "dv360")
    rows["line_item_name"] = rows["campaign_name"] + "_" + rows["breakdown"]
    t = _base(rows)
    t["insertion_order"], t["line_item_name"] = rows["campaign_name"], rows["line_item_name"]
    t["line_item_id"] = [stable_id(n) for n in rows["line_item_name"]]
    t["creative_size"] = rows["breakdown"]
    t["exchange"] = _exchanges(rows, rng)
    add_delivery_metrics(t, rows["spend"], cpc_name=None)
    t["viewable_impressions"] = np.round(t["impressions"] * rows["viewability"].fillna(0)).astype(np.int64)
    t["viewability_rate"] = ratio(t["viewable_impressions"], t["impressions"], RATE_DECIMALS, empty=0)
    # a video creative bought under a display setup has no completion data, as on the platform
    video = ((t["creative_size"] == VIDEO_CREATIVE) & rows["completion_rate"].notna()).to_numpy()
    completions = np.round(t["impressions"] * rows["completion_rate"].fillna(0)).to_numpy(np.int64)
    t["video_completions"] = np.where(video, completions, 0)
    t["video_completion_rate"] = np.where(video, ratio(completions, t["impressions"], RATE_DECIMALS, empty=0), np.nan)
    return finish(t, "dv360", ["date", "market", "insertion_order", "line_item_name"])


def tiktok_ads(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
               rng: np.random.Generator) -> pd.DataFrame:
    """TikTok Ads: day x campaign; engagement counts split the delivery's engagement rate."""
    rows = channel_rows(delivered, "tiktok")
    conv = world.reporting.media.tiktok
    t = _base(rows)
    t["objective"] = rows["objective"]
    add_delivery_metrics(t, rows["spend"], cpc_name=None)
    t["video_views"] = rows["views"]
    t["video_view_rate"] = ratio(t["video_views"], t["impressions"], RATE_DECIMALS, empty=0)
    t["avg_watch_time_seconds"] = rows["watch_time_s"].round(FREQUENCY_DECIMALS)
    engaged = rng.poisson(t["impressions"].to_numpy() * rows["engagement_rate"].fillna(0).to_numpy())
    mix = conv.engagement_mix.model_dump()  # likes, shares, comments: the draw's order
    split = rng.multinomial(engaged, list(mix.values()))
    for k, name in enumerate(mix):
        t[name] = split[:, k]
    t["website_clicks"] = rows["web_clicks"]
    t["profile_visits"] = t["clicks"] - t["website_clicks"]
    return finish(t, "tiktok_ads", ["date", "market", "campaign_name"])


def _quartiles(rng: np.random.Generator, impressions: np.ndarray, views: np.ndarray,
               conv: YoutubeReporting) -> list[np.ndarray]:
    """Impressions whose video played to 25/50/75/100%: every paid view passes 25%, then
    binomial retention from quartile to quartile (so the counts never rise)."""
    played = views + thin(rng, impressions - views, conv.past_25_without_view)
    out = [played]
    for _ in range(3):
        played = thin(rng, played, conv.quartile_retention)
        out.append(played)
    return out


def youtube_ads(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                rng: np.random.Generator) -> pd.DataFrame:
    """YouTube (Google Ads video): day x campaign x format (TrueView / Bumper / Shorts)."""
    rows = channel_rows(delivered, "youtube")
    conv = world.reporting.media.youtube
    t = _base(rows)
    t["format"] = rows["objective"]
    add_delivery_metrics(t, rows["spend"], cpc_name=None)
    t["views"] = rows["views"]
    t["view_rate"] = ratio(t["views"], t["impressions"], RATE_DECIMALS, empty=0)
    t["cpv"] = ratio(t["spend"], t["views"], PRICE_DECIMALS)
    q = _quartiles(rng, t["impressions"].to_numpy(np.int64), t["views"].to_numpy(np.int64), conv)
    for pct, played in zip((25, 50, 75, 100), q, strict=True):  # published as shares of impressions, as Google Ads does
        t[f"video_played_{pct}"] = ratio(played, t["impressions"], RATE_DECIMALS, empty=0)
    t["earned_views"] = np.round(t["views"] * draw(rng, conv.earned_view_share, len(t))).astype(np.int64)
    t["earned_subscribers"] = thin(rng, t["views"], conv.earned_subscriber_rate)
    return finish(t, "youtube_ads", ["date", "market", "campaign_name", "format"])


def linkedin_ads(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                 rng: np.random.Generator) -> pd.DataFrame:
    """LinkedIn Campaign Manager: day x campaign; leads are the funnel's lead-form leads."""
    rows = channel_rows(delivered, "linkedin")
    conv = world.reporting.media.linkedin
    t = _base(rows)
    t["objective"] = rows["objective"]
    add_delivery_metrics(t, rows["spend"])
    t["leads"] = platform_outcomes(rows, outcomes, "linkedin", "leads")
    t["cost_per_lead"] = ratio(t["spend"], t["leads"], MONEY_DECIMALS)
    t["social_actions"] = rng.poisson(t["impressions"].to_numpy() * rows["engagement_rate"].fillna(0).to_numpy())
    t["follower_gains"] = thin(rng, t["social_actions"], conv.follower_gain_rate)
    t["company_page_clicks"] = t["clicks"] - rows["web_clicks"]  # the clicks that did not go to the website
    return finish(t, "linkedin_ads", ["date", "market", "campaign_name"])


TABLES = {"meta_ads": meta_ads, "google_ads": google_ads, "dv360": dv360, "tiktok_ads": tiktok_ads,
          "youtube_ads": youtube_ads, "linkedin_ads": linkedin_ads}
