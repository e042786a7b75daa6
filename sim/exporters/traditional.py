"""The four traditional media reports: TV, OOH, print and radio (UK only).

Agency and vendor reports come at coarser grains than the platforms: TV by week x broadcaster
x daypart, OOH by campaign cycle x site format x city, print by insertion, radio by flight x
daypart. Each aggregates the delivered plan rows (spend and impressions summed, never changed)
and derives what those reports show: GRPs from impressions over the adult population, reach
and frequency whose product is the GRPs / impressions, spots and sites from the money. Every
function has the signature ``f(world, delivered, outcomes, rng) -> DataFrame``; columns and
their order are declared once, in :mod:`sim.schemas`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.exporters.media_common import (
    FREQUENCY_DECIMALS,
    MONEY_DECIMALS,
    PENNIES_PER_GBP,
    PER_MILLE,
    PRICE_DECIMALS,
    attribute,
    capped_reach,
    channel_rows,
    draw,
    finish,
    largest_remainder,
    ratio,
    region_adults_000,
    round_money,
    week_start,
)
from sim.world.config import World
from sim.world.prices import site_rate
from sim.world.reporting import TvReporting

PERCENT = 100
REFERENCE_SPOT_SECONDS = 30  # ratings are 30-second equivalents; radio spots are 30s
NATIONAL = "National"
COVER_FORMAT, SPREAD_FORMAT = "cover_wrap", "dps"  # a cover wrap is page 1, a spread starts on an even page


def _pick(rng: np.random.Generator, options: list[list]) -> list:
    """One element of each row's options, uniformly."""
    u = rng.random(len(options))
    return [opts[int(x * len(opts))] for opts, x in zip(options, u, strict=True)]


# --------------------------------------------------------------------------- TV
def _spot_length(extras: dict, weeks: pd.Series) -> np.ndarray:
    """The creative on air: the last ``spot_lengths`` entry dated on or before the week start."""
    table = sorted(extras["spot_lengths"])
    starts = pd.to_datetime([d for d, _ in table]).as_unit("s")
    idx = np.clip(starts.searchsorted(weeks.to_numpy(), side="right") - 1, 0, None)
    return np.array([int(s) for _, s in table])[idx]


def _weekly_frequency(rng: np.random.Generator, grps: np.ndarray, conv: TvReporting) -> np.ndarray:
    """The campaign's average frequency in a week, rising with the week's GRPs.

    The curve runs from 1 (a light week reaches people once) to the low frequency at
    ``high_grps``, stays there until the low reach is reached, then climbs to the high
    frequency at the high reach. Jittered weeks are clipped back to what is possible: no more
    reach than random (Poisson) exposure gives, and in heavy weeks frequency in its band and,
    where the GRPs allow, reach in its band too (reach x frequency = GRPs, so 50 GRPs cannot
    be 20% x 3).
    """
    f_lo, f_hi = conv.frequency
    r_lo, r_hi = conv.reach_pct
    high = conv.high_grps
    knots = [(0.0, 1.0), (high, f_lo), (max(high, f_lo * r_lo), f_lo), (max(high, f_hi * r_hi), f_hi)]
    freq = np.interp(grps, [g for g, _ in knots], [f for _, f in knots])
    jitter = conv.frequency_jitter
    freq = freq * (1 + rng.uniform(-jitter, jitter, len(grps)))
    exposure = grps / PERCENT
    poisson = np.divide(exposure, -np.expm1(-exposure), out=np.ones(len(grps)), where=exposure > 0)
    heavy = grps >= high
    band_lo = np.maximum(f_lo, grps / r_hi)
    band_hi = np.minimum(f_hi, grps / r_lo)
    band_lo, band_hi = np.where(band_lo <= band_hi, band_lo, f_lo), np.where(band_lo <= band_hi, band_hi, f_hi)
    lo = np.maximum(poisson, np.where(heavy, band_lo, 1.0))
    hi = np.maximum(lo, np.where(heavy, band_hi, freq))
    return np.clip(freq, lo, hi)


def _row_reach_pct(rng: np.random.Generator, week: np.ndarray, grps: np.ndarray, conv: TvReporting) -> np.ndarray:
    """Each broadcaster-daypart's reach (%), such that the rows of a week (``week``: its index)
    combine, as independent audiences (1 - prod(1 - reach)), into the week's campaign reach =
    weekly GRPs / weekly frequency.

    A row with a share s of the week's GRPs reaches 1 - (1 - R)^s of adults, which keeps every
    row's frequency at least 1 (R never exceeds random exposure's reach).
    """
    week_grps = np.bincount(week, grps)
    week_reach = week_grps / _weekly_frequency(rng, week_grps, conv) / PERCENT
    share = np.divide(grps, week_grps[week], out=np.zeros(len(grps)), where=week_grps[week] > 0)
    return -np.expm1(share * np.log1p(-week_reach[week])) * PERCENT


def tv_performance(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                   rng: np.random.Generator) -> pd.DataFrame:
    """TV agency report: week (Monday) x broadcaster x daypart, linear and BVOD."""
    rows = channel_rows(delivered, "tv")
    conv = world.reporting.media.tv
    rows["date_week_start"] = week_start(rows["date"])
    rows["broadcaster"], rows["daypart"] = attribute(rows, "broadcaster"), attribute(rows, "daypart")
    keys = ["date_week_start", "broadcaster", "daypart", "market"]
    g = rows.groupby(keys, as_index=False, sort=True).agg(
        spend=("spend", "sum"), impressions=("impressions", "sum"), line_id=("line_id", "first"),
        objective=("objective", "first"), programme=("programme", "first"))
    adults_000 = np.array([region_adults_000(world, m, None) for m in g["market"]])
    grps = g["impressions"].to_numpy() / (adults_000 * PER_MILLE) * PERCENT
    t = g[keys].copy()
    t["spot_length_seconds"] = _spot_length(world.media.channels["tv"].extras, g["date_week_start"])
    t["spend"] = round_money(g["spend"])
    t["grps"] = np.round(grps, FREQUENCY_DECIMALS)
    week = g.groupby(["date_week_start", "market"], sort=True).ngroup().to_numpy()  # one campaign week per market
    reach_pct = _row_reach_pct(rng, week, grps, conv)
    t["reach_pct"] = np.round(reach_pct, FREQUENCY_DECIMALS)
    t["avg_frequency"] = ratio(grps, reach_pct, FREQUENCY_DECIMALS, empty=0)
    t["reach_000"] = np.round(t["reach_pct"] / PERCENT * adults_000, 1)
    ranges = [conv.spot_rating[conv.spot_rating_key(o, d)] for o, d in zip(g["objective"], g["daypart"], strict=True)]
    rating = rng.uniform([lo for lo, _ in ranges], [hi for _, hi in ranges])
    spots = grps * REFERENCE_SPOT_SECONDS / t["spot_length_seconds"].to_numpy() / rating
    t["spots_aired"] = np.maximum(np.round(spots), 1).astype(np.int64)
    t["cpp"] = ratio(t["spend"], t["grps"], MONEY_DECIMALS)
    t["programme_name"] = g["programme"].to_numpy()  # chosen (and priced) in delivery
    return finish(t, "tv_performance", ["date_week_start", "broadcaster", "daypart"])


# --------------------------------------------------------------------------- OOH
def ooh_performance(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                    rng: np.random.Generator) -> pd.DataFrame:
    """OOH vendor report: campaign cycle (``cycle_days`` from ``cycle_anchor``) x line x format x city."""
    rows = channel_rows(delivered, "ooh")
    ex, conv = world.media.channels["ooh"].extras, world.reporting.media.ooh
    anchor = pd.Timestamp(ex["cycle_anchor"])
    rows["cycle"] = (rows["date"] - anchor).dt.days // int(ex["cycle_days"])
    rows["live_spend"] = rows["spend"] * rows["delivered_share"]
    g = rows.groupby(["cycle", "line_id", "breakdown"], as_index=False, sort=True).agg(
        start_date=("date", "min"), end_date=("date", "max"), spend=("spend", "sum"),
        impressions=("impressions", "sum"), campaign_name=("campaign_name", "first"),
        campaign_id=("campaign_id", "first"), market=("market", "first"), live_spend=("live_spend", "sum"))
    attrs = dict(zip(rows["line_id"], rows["attributes"], strict=True))
    line = [attrs[x] for x in g["line_id"]]
    t = g[["campaign_name", "campaign_id", "start_date", "end_date", "market", "impressions"]].copy()
    t["format"] = g["breakdown"]
    t["vendor"] = [a["vendor"] for a in line]
    t["region"], t["city"] = [a["region"] for a in line], [a["city"] for a in line]
    t["spend"] = round_money(g["spend"])
    rate = np.array([site_rate(world.vendors, a["vendor"], f) for a, f in zip(line, g["breakdown"], strict=True)])
    live = g["live_spend"].to_numpy()  # spend x share of sites live (an outage leaves sites dark)
    t["sites_booked"] = np.maximum(np.round(live / rate), 1).astype(np.int64)
    universe = np.array([region_adults_000(world, m, r) for m, r in zip(t["market"], t["region"], strict=True)])
    seen_000 = t["impressions"].to_numpy() / PER_MILLE
    reach = capped_reach(rng, seen_000, universe, conv.cycle_frequency, conv.max_reach_share)
    t["reach_000"] = np.round(reach, 1)
    t["frequency"] = ratio(seen_000, t["reach_000"], FREQUENCY_DECIMALS, empty=0)
    return finish(t, "ooh_performance", ["start_date", "campaign_name", "city", "format"])


# --------------------------------------------------------------------------- print
def _formats(rng: np.random.Generator, spend: np.ndarray, rate_card: np.ndarray, extras: dict) -> np.ndarray:
    """Index of each insertion's format: drawn among those whose rate card puts spend inside the
    negotiated share; if no format does, the one closest to it (reported, never hidden)."""
    multipliers = np.array([m for _, m in extras["formats"]], dtype=float)
    lo, hi = extras["negotiated_share"]
    share = spend[:, None] / (rate_card[:, None] * multipliers[None, :])
    outside = np.maximum(lo - share, share - hi)
    fits = outside <= 0
    nearest = outside == outside.min(axis=1, keepdims=True)
    weights = np.where(fits.any(axis=1, keepdims=True), fits, nearest).astype(float)
    cum = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
    return (cum > rng.random(len(spend))[:, None]).argmax(axis=1)


def _page_numbers(rng: np.random.Generator, formats: list[str], page_range: tuple[int, int]) -> np.ndarray:
    pages = rng.integers(page_range[0], page_range[1] + 1, len(formats))
    is_cover = np.array([f == COVER_FORMAT for f in formats])
    is_spread = np.array([f == SPREAD_FORMAT for f in formats])
    return np.where(is_cover, 1, np.where(is_spread, pages - pages % 2, pages))


def print_performance(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Press schedule: one row per insertion (publication x date)."""
    rows = channel_rows(delivered, "print")
    ex, conv = world.media.channels["print"].extras, world.reporting.media.print
    t = rows[["date", "market", "model"]].copy()
    t["publication"] = rows["breakdown"]
    t["edition"] = attribute(rows, "edition")
    t["spend"] = round_money(rows["spend"])
    t["negotiated_cost"] = t["spend"]
    rate_card = np.array(attribute(rows, "rate_card_per_page"), dtype=float)
    chosen = _formats(rng, t["spend"].to_numpy(), rate_card, ex)
    t["format"] = [ex["formats"][i][0] for i in chosen]
    t["rate_card_cost"] = np.round(rate_card * np.array([ex["formats"][i][1] for i in chosen]), MONEY_DECIMALS)
    t["circulation"] = np.array(attribute(rows, "circulation"), dtype=np.int64)
    t["readership_000"] = attribute(rows, "readership_000")
    t["page_number"] = _page_numbers(rng, list(t["format"]), conv.page_range)
    launch = pd.to_datetime([world.markets[m].launch_date for m in t["market"]]).as_unit("s")
    stage = np.where(t["date"].to_numpy() < launch.to_numpy(), "TEASER", "LAUNCH")
    codes = [world.models[m].code for m in t["model"]]
    t["creative_id"] = [f"PRT-{c}-{f.upper()}-{s}" for c, f, s in zip(codes, t["format"], stage, strict=True)]
    return finish(t, "print_performance", ["date", "publication"])


# --------------------------------------------------------------------------- radio
def _radio_flights(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per flight: first and last day on air, days on air, money and impressions."""
    g = rows.groupby("line_id", as_index=False, sort=True).agg(
        start_date=("date", "min"), end_date=("date", "max"), days=("date", "size"),
        spend=("spend", "sum"), impressions=("impressions", "sum"),
        campaign_name=("campaign_name", "first"), market=("market", "first"))
    attrs = dict(zip(rows["line_id"], rows["attributes"], strict=True))
    for key in ("station", "station_group", "region"):
        g[key] = [attrs[x].get(key) for x in g["line_id"]]
    return g


def radio_performance(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Radio agency report: flight x daypart; the dayparts split each flight's money by share."""
    rows = channel_rows(delivered, "radio")
    ex, conv = world.media.channels["radio"].extras, world.reporting.media.radio
    flights = _radio_flights(rows)
    names = [d for d, _ in ex["dayparts"]]
    shares = np.array([s for _, s in ex["dayparts"]], dtype=float)
    shares = shares / shares.sum()
    k = len(names)
    flight = np.repeat(np.arange(len(flights)), k)
    t = flights.iloc[flight].reset_index(drop=True)
    t["daypart"] = np.tile(names, len(flights))
    t["daypart_order"] = np.tile(np.arange(k), len(flights))
    part = np.tile(shares, len(flights))
    flight_pennies = np.round(round_money(flights["spend"]) * PENNIES_PER_GBP)
    pennies = largest_remainder(flight_pennies[flight] * part, flight)
    t["spend"] = pennies / PENNIES_PER_GBP
    t["impressions"] = largest_remainder(t["impressions"].to_numpy() * part, flight)
    t["cpm"] = ratio(t["spend"], t["impressions"], PRICE_DECIMALS, PER_MILLE, empty=0)
    universe = np.array([region_adults_000(world, m, None if r == NATIONAL else r)
                         for m, r in zip(t["market"], t["region"], strict=True)])
    # one audience per spot for the flight's station, so spots split like the money (60/25/15)
    per_spot = universe * PER_MILLE * draw(rng, conv.spot_rating, len(flights))[flight]
    t["spots_per_day"] = np.maximum(np.round(t["impressions"] / per_spot / t["days"]), 1).astype(np.int64)
    t["total_spots"] = t["spots_per_day"] * t["days"]
    heard_000 = t["impressions"].to_numpy() / PER_MILLE
    reach = capped_reach(rng, heard_000, universe, conv.flight_frequency, conv.max_reach_share)
    t["reach_000"] = np.round(reach, 1)
    t["frequency"] = ratio(heard_000, t["reach_000"], FREQUENCY_DECIMALS, empty=0)
    return finish(t, "radio_performance", ["start_date", "campaign_name", "station", "daypart_order"])


TABLES = {"tv_performance": tv_performance, "ooh_performance": ooh_performance,
          "print_performance": print_performance, "radio_performance": radio_performance}
