"""The four traditional media reports: TV, OOH, print and radio (UK only).

Agency and vendor reports come at coarser grains than the platforms: TV by week x broadcaster
x daypart, OOH by campaign cycle x site format x city, print by insertion, radio by flight x
daypart. Each aggregates the delivered plan rows (spend and impressions summed, never changed)
and derives what those reports show: GRPs from impressions over the adult population, reach
and frequency whose product is the GRPs / impressions, spots and sites from the money. Every
function has the signature ``f(world, delivered, outcomes, rng) -> DataFrame``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config import World
from sim.exporters.media_common import (
    FREQUENCY_DECIMALS, MONEY_DECIMALS, PER_MILLE, PENNIES_PER_GBP, PRICE_DECIMALS, attribute, channel_rows,
    draw, finish, largest_remainder, reach_and_frequency, region_adults_000, reporting, round_money,
    week_start,
)

# The extract's columns, names and order (one declaration per table).
COLUMNS: dict[str, tuple[str, ...]] = {
    "tv_performance": (
        "date_week_start", "broadcaster", "daypart", "market", "spot_length_seconds", "spots_aired", "grps",
        "reach_000", "reach_pct", "avg_frequency", "cpp", "spend", "programme_name"),
    "ooh_performance": (
        "campaign_name", "campaign_id", "start_date", "end_date", "market", "format", "vendor", "sites_booked",
        "impressions", "reach_000", "frequency", "spend", "region", "city"),
    "print_performance": (
        "date", "publication", "edition", "format", "market", "model", "rate_card_cost", "negotiated_cost",
        "spend", "circulation", "readership_000", "page_number", "creative_id"),
    "radio_performance": (
        "campaign_name", "start_date", "end_date", "station", "station_group", "market", "daypart",
        "spots_per_day", "total_spots", "reach_000", "frequency", "cpm", "spend", "region"),
}
PERCENT = 100
REFERENCE_SPOT_SECONDS = 30  # ratings are 30-second equivalents; radio spots are 30s
SITES_SPEND_UNIT_GBP = 10_000  # the unit of the OOH attribute ``sites_per_10k_gbp``
NATIONAL = "National"
COVER_FORMAT, SPREAD_FORMAT = "cover_wrap", "dps"  # a cover wrap is page 1, a spread starts on an even page


def _pick(rng: np.random.Generator, options: list[list]) -> list:
    """One element of each row's options, uniformly."""
    u = rng.random(len(options))
    return [opts[int(x * len(opts))] for opts, x in zip(options, u)]


# --------------------------------------------------------------------------- TV
def _spot_length(extras: dict, weeks: pd.Series) -> np.ndarray:
    """The creative on air: the last ``spot_lengths`` entry dated on or before the week start."""
    table = sorted(extras["spot_lengths"])
    starts = pd.to_datetime([d for d, _ in table]).as_unit("s")
    idx = np.clip(starts.searchsorted(weeks.to_numpy(), side="right") - 1, 0, None)
    return np.array([int(s) for _, s in table])[idx]


def _tv_frequency(rng: np.random.Generator, grps: np.ndarray, conv: dict) -> np.ndarray:
    """Average frequency rising with GRPs, inside the extract's bands when the week is heavy.

    The curve runs from 1 (a light week reaches people once) to the low frequency at
    ``high_grps``, stays there until the low reach is reached, then climbs to the high frequency
    at the high reach. Jittered rows are clipped back into what the bands allow: frequency >= 1
    and reach <= 100%; in heavy weeks frequency in its band and, where GRPs make it possible,
    reach in its band too (reach x frequency = GRPs, so 50 GRPs cannot be 20% x 3).
    """
    f_lo, f_hi = conv["frequency"]
    r_lo, r_hi = conv["reach_pct"]
    high = conv["high_grps"]
    knots = [(0.0, 1.0), (high, f_lo), (max(high, f_lo * r_lo), f_lo), (max(high, f_hi * r_hi), f_hi)]
    freq = np.interp(grps, [g for g, _ in knots], [f for _, f in knots])
    jitter = conv["frequency_jitter"]
    freq = freq * (1 + rng.uniform(-jitter, jitter, len(grps)))
    lo = np.maximum(1.0, grps / PERCENT)
    hi = np.maximum(lo, freq)
    heavy = grps >= high
    band_lo = np.maximum(f_lo, grps / r_hi)
    band_hi = np.minimum(f_hi, grps / r_lo)
    feasible = band_lo <= band_hi
    lo = np.where(heavy, np.where(feasible, band_lo, f_lo), lo)
    hi = np.where(heavy, np.where(feasible, band_hi, f_hi), hi)
    return np.clip(freq, lo, hi)


def tv_performance(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                   rng: np.random.Generator) -> pd.DataFrame:
    """TV agency report: week (Monday) x broadcaster x daypart, linear and BVOD."""
    rows = channel_rows(delivered, "tv")
    conv = reporting(world, "tv")
    rows["date_week_start"] = week_start(rows["date"])
    rows["broadcaster"], rows["daypart"] = attribute(rows, "broadcaster"), attribute(rows, "daypart")
    keys = ["date_week_start", "broadcaster", "daypart", "market"]
    g = rows.groupby(keys, as_index=False, sort=True).agg(
        spend=("spend", "sum"), impressions=("impressions", "sum"), line_id=("line_id", "first"),
        objective=("objective", "first"))
    adults_000 = np.array([region_adults_000(world, m, None) for m in g["market"]])
    grps = g["impressions"].to_numpy() / (adults_000 * PER_MILLE) * PERCENT
    t = g[keys].copy()
    t["spot_length_seconds"] = _spot_length(world.media.channels["tv"].extras, g["date_week_start"])
    t["spend"] = round_money(g["spend"])
    t["grps"] = np.round(grps, FREQUENCY_DECIMALS)
    freq = _tv_frequency(rng, grps, conv)
    t["reach_pct"] = np.round(grps / freq, FREQUENCY_DECIMALS)
    t["avg_frequency"] = np.round(freq, FREQUENCY_DECIMALS)
    t["reach_000"] = np.round(grps / freq / PERCENT * adults_000, 1)
    ratings = conv["spot_rating"]
    rating = rng.uniform([ratings[o][0] for o in g["objective"]], [ratings[o][1] for o in g["objective"]])
    spots = grps * REFERENCE_SPOT_SECONDS / t["spot_length_seconds"].to_numpy() / rating
    t["spots_aired"] = np.maximum(np.round(spots), 1).astype(np.int64)
    t["cpp"] = np.round(t["spend"] / t["grps"].where(t["grps"] > 0), MONEY_DECIMALS)
    programmes = dict(zip(rows["line_id"], attribute(rows, "programmes", [""])))
    t["programme_name"] = _pick(rng, [programmes[line] for line in g["line_id"]])
    return finish(t, "tv_performance", COLUMNS, ["date_week_start", "broadcaster", "daypart"])


# --------------------------------------------------------------------------- OOH
def ooh_performance(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                    rng: np.random.Generator) -> pd.DataFrame:
    """OOH vendor report: campaign cycle (``cycle_days`` from ``cycle_anchor``) x line x format x city."""
    rows = channel_rows(delivered, "ooh")
    ex, conv = world.media.channels["ooh"].extras, reporting(world, "ooh")
    anchor = pd.Timestamp(ex["cycle_anchor"])
    rows["cycle"] = (rows["date"] - anchor).dt.days // int(ex["cycle_days"])
    g = rows.groupby(["cycle", "line_id", "breakdown"], as_index=False, sort=True).agg(
        start_date=("date", "min"), end_date=("date", "max"), spend=("spend", "sum"),
        impressions=("impressions", "sum"), campaign_name=("campaign_name", "first"),
        campaign_id=("campaign_id", "first"), market=("market", "first"))
    attrs = dict(zip(rows["line_id"], rows["attributes"]))
    line = [attrs[x] for x in g["line_id"]]
    t = g[["campaign_name", "campaign_id", "start_date", "end_date", "market", "impressions"]].copy()
    t["format"] = g["breakdown"]
    t["vendor"] = [a["vendor"] for a in line]
    t["region"], t["city"] = [a["region"] for a in line], [a["city"] for a in line]
    t["spend"] = round_money(g["spend"])
    per_unit = np.array([a["sites_per_10k_gbp"] for a in line], dtype=float)
    t["sites_booked"] = np.maximum(np.round(g["spend"] / SITES_SPEND_UNIT_GBP * per_unit), 1).astype(np.int64)
    universe = np.array([region_adults_000(world, m, r) for m, r in zip(t["market"], t["region"])])
    seen_000 = t["impressions"].to_numpy() / PER_MILLE
    reach, _ = reach_and_frequency(rng, seen_000, universe, conv["cycle_frequency"], conv["max_reach_share"])
    t["reach_000"] = np.round(reach, 1)
    t["frequency"] = np.round(seen_000 / t["reach_000"].where(t["reach_000"] > 0), FREQUENCY_DECIMALS)
    return finish(t, "ooh_performance", COLUMNS, ["start_date", "campaign_name", "city", "format"])


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
    ex, conv = world.media.channels["print"].extras, reporting(world, "print")
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
    t["page_number"] = _page_numbers(rng, list(t["format"]), conv["page_range"])
    launch = pd.to_datetime([world.markets[m].launch_date for m in t["market"]]).as_unit("s")
    stage = np.where(t["date"].to_numpy() < launch.to_numpy(), "TEASER", "LAUNCH")
    codes = [world.models[m].code for m in t["model"]]
    t["creative_id"] = [f"PRT-{c}-{f.upper()}-{s}" for c, f, s in zip(codes, t["format"], stage)]
    return finish(t, "print_performance", COLUMNS, ["date", "publication"])


# --------------------------------------------------------------------------- radio
def _radio_flights(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per flight: first and last day on air, days on air, money and impressions."""
    g = rows.groupby("line_id", as_index=False, sort=True).agg(
        start_date=("date", "min"), end_date=("date", "max"), days=("date", "size"),
        spend=("spend", "sum"), impressions=("impressions", "sum"),
        campaign_name=("campaign_name", "first"), market=("market", "first"))
    attrs = dict(zip(rows["line_id"], rows["attributes"]))
    for key in ("station", "station_group", "region"):
        g[key] = [attrs[x].get(key) for x in g["line_id"]]
    return g


def radio_performance(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Radio agency report: flight x daypart; the dayparts split each flight's money by share."""
    rows = channel_rows(delivered, "radio")
    ex, conv = world.media.channels["radio"].extras, reporting(world, "radio")
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
    pennies = largest_remainder(t["spend"].to_numpy() * PENNIES_PER_GBP * part, flight)
    t["spend"] = pennies / PENNIES_PER_GBP
    t["impressions"] = largest_remainder(t["impressions"].to_numpy() * part, flight)
    t["cpm"] = np.round(t["spend"] / t["impressions"].where(t["impressions"] > 0) * PER_MILLE, PRICE_DECIMALS)
    universe = np.array([region_adults_000(world, m, None if r == NATIONAL else r)
                         for m, r in zip(t["market"], t["region"])])
    ratings = conv["spot_rating"]
    rating = rng.uniform([ratings[d][0] for d in t["daypart"]], [ratings[d][1] for d in t["daypart"]])
    per_spot = universe * PER_MILLE * rating
    t["spots_per_day"] = np.maximum(np.round(t["impressions"] / per_spot / t["days"]), 1).astype(np.int64)
    t["total_spots"] = t["spots_per_day"] * t["days"]
    heard_000 = t["impressions"].to_numpy() / PER_MILLE
    reach, _ = reach_and_frequency(rng, heard_000, universe, conv["flight_frequency"], conv["max_reach_share"])
    t["reach_000"] = np.round(reach, 1)
    t["frequency"] = np.round(heard_000 / t["reach_000"].where(t["reach_000"] > 0), FREQUENCY_DECIMALS)
    return finish(t, "radio_performance", COLUMNS, ["start_date", "campaign_name", "station", "daypart_order"])


TABLES = {"tv_performance": tv_performance, "ooh_performance": ooh_performance,
          "print_performance": print_performance, "radio_performance": radio_performance}
