"""The world around the launch: economy and competitors, as inputs of the simulation.

The ``[context]`` section of a scenario holds the trajectories as data (monthly anchors or
start/end values per country, competitor budgets, channel mixes and flighting, noise
levels). From it this module builds three mutually consistent views:

* :func:`economic_indicators` - the monthly ``economic_indicators.csv`` (12 months x UK/DE/FR);
* :func:`competitor_spend` - the monthly ``competitor_spend.csv`` (month x competitor x channel);
* :func:`build_daily_context` - smooth daily series per market that move baseline demand,
  so the MMM's control variables describe what really drove the simulated buyers.

Each function is a pure function of ``(world, rng state)``: it draws from children spawned
off a *copy* of ``rng`` and never advances it. Give all three the world's dedicated context
stream and the CSVs describe exactly the series the consumers reacted to.

Units. Prices in the scenario are in the country's own currency (``markets.*.currency``):
fuel in pence or euro cents per litre, electricity in pence or euro cents per kWh, the new
car price in pounds or euros. The CSV's ``*_ppl``, ``*_pkwh`` and ``*_gbp`` columns are in
pence / pounds for every country, converted at ``run.eur_per_gbp`` (README decision 4).
For DE and FR the ``smmt_*`` columns hold that country's national registrations (decision 5).

This module must not import :mod:`sim.world.config` at import time (``sim.world.config`` imports it).
"""

from __future__ import annotations

import calendar
import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from scipy.interpolate import PchipInterpolator

from sim.world.calendar import horizon_months

if TYPE_CHECKING:
    from sim.world.config import World

COMPETITOR_CHANNELS: tuple[str, ...] = ("tv", "digital", "ooh", "print", "radio")
TOTAL_CHANNEL = "total"
MONTHS_PER_YEAR = 12

ECONOMIC_COLUMNS: tuple[str, ...] = (
    "year_month", "country", "smmt_total_registrations", "smmt_bev_registrations",
    "bev_market_share_pct", "consumer_confidence_index", "bank_rate_pct",
    "avg_petrol_price_ppl", "avg_electricity_price_pkwh", "unemployment_rate_pct",
    "cpi_index", "new_car_avg_transaction_price_gbp",
)
COMPETITOR_COLUMNS: tuple[str, ...] = (
    "year_month", "competitor", "channel", "estimated_spend_gbp", "share_of_voice_pct", "source",
)
OUR_SPEND_COLUMNS: tuple[str, ...] = ("year_month", "channel", "spend_gbp")

# Published precision of each statistic (formatting, not a property of the world).
_DECIMALS = {
    "bev_market_share_pct": 2, "consumer_confidence_index": 1, "bank_rate_pct": 2,
    "avg_petrol_price_ppl": 1, "avg_electricity_price_pkwh": 2, "unemployment_rate_pct": 1,
    "cpi_index": 1, "new_car_avg_transaction_price_gbp": 0, "share_of_voice_pct": 2,
}

NonNeg = Annotated[float, Field(ge=0)]
Prob = Annotated[float, Field(ge=0, le=1)]
MonthWeights = Annotated[list[NonNeg], Field(min_length=MONTHS_PER_YEAR, max_length=MONTHS_PER_YEAR)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --------------------------------------------------------------------------- configuration
class Trajectory(_Strict):
    """One indicator over the horizon: ``monthly`` anchors, or a straight line ``start`` -> ``end``.

    ``noise`` is the standard deviation of each month's deviation from the path, in the
    indicator's own unit; ``clip`` bounds the noisy values (a range the series must keep).
    """

    monthly: list[float] | None = Field(None, description="one value per month of the horizon")
    start: float | None = None
    end: float | None = None
    noise: NonNeg = 0.0
    clip: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Trajectory:
        line = (self.start, self.end)
        if self.monthly is not None and line != (None, None):
            raise ValueError("give either 'monthly' or 'start'/'end', not both")
        if self.monthly is None and None in line:
            raise ValueError("give either 'monthly' (a value per month) or both 'start' and 'end'")
        if self.clip is not None and self.clip[0] > self.clip[1]:
            raise ValueError(f"clip low {self.clip[0]} is above high {self.clip[1]}")
        return self

    def path(self, months: int, where: str) -> np.ndarray:
        """The noiseless values of the horizon's ``months`` months."""
        if self.monthly is None:
            return np.linspace(self.start, self.end, months)
        if len(self.monthly) != months:
            raise ValueError(f"{where}.monthly has {len(self.monthly)} values; the horizon has {months} months")
        return np.asarray(self.monthly, dtype=float)

    def draw(self, months: int, rng: np.random.Generator, where: str) -> np.ndarray:
        values = self.path(months, where) + rng.normal(0.0, self.noise, months)
        return values if self.clip is None else np.clip(values, *self.clip)


class CountryContext(_Strict):
    """A country's economy. Prices are in the market's own currency (see the module docstring)."""

    registration_seasonality: MonthWeights = Field(description="Jan..Dec relative new-car registrations")
    registration_noise: Prob = Field(description="lognormal sigma of monthly registrations")
    competitor_market_scale: float = Field(gt=0, description="competitor spend here relative to the UK estimate")
    confidence_scale_points: float = Field(gt=0, description="index points that count as one unit of confidence change")
    bank_rate_pct: Trajectory = Field(description="policy rate: Bank Rate (UK), ECB deposit facility rate (DE/FR)")
    bev_share_pct: Trajectory
    consumer_confidence: Trajectory = Field(description="the country's own consumer confidence index")
    petrol_price_per_litre: Trajectory = Field(description="pence (GBP) or euro cents (EUR) per litre")
    electricity_price_per_kwh: Trajectory = Field(description="pence (GBP) or euro cents (EUR) per kWh")
    unemployment_pct: Trajectory
    cpi_index: Trajectory
    new_car_price: Trajectory = Field(description="average new-car transaction price, pounds or euros")


def trajectory_problems(countries: dict[str, CountryContext], months: int) -> list[str]:
    """Each ``monthly`` trajectory that does not give one value per month of a ``months``-month horizon."""
    out = []
    for key, country in countries.items():
        for name in type(country).model_fields:
            value = getattr(country, name)
            if isinstance(value, Trajectory) and value.monthly is not None and len(value.monthly) != months:
                out.append(f"context.countries.{key}.{name}.monthly has {len(value.monthly)} values; the horizon "
                           f"has {months} months (give a value per month of the horizon, or start and end)")
    return out


class CompetitorConfig(_Strict):
    """A competitor's estimated media spend in the UK (the Nielsen estimate's universe)."""

    annual_spend_gbp: float = Field(gt=0)
    channel_mix: dict[Literal["tv", "digital", "ooh", "print", "radio"], Prob]
    flighting: MonthWeights = Field(description="Jan..Dec relative monthly weight")
    noise: Prob = Field(description="lognormal sigma of each month x channel estimate")

    @field_validator("channel_mix")
    @classmethod
    def _full_mix(cls, mix: dict[str, float]) -> dict[str, float]:
        missing = [c for c in COMPETITOR_CHANNELS if c not in mix]
        if missing:
            raise ValueError(f"channel_mix misses {missing}; give every channel of {list(COMPETITOR_CHANNELS)} (0 "
                             f"allowed)")
        if abs(sum(mix.values()) - 1) > 1e-6:
            raise ValueError(f"channel_mix must sum to 1, got {sum(mix.values()):.4f}")
        return mix

    @field_validator("flighting")
    @classmethod
    def _some_flight(cls, weights: list[float]) -> list[float]:
        if sum(weights) <= 0:
            raise ValueError("flighting needs at least one positive month")
        return weights


class ContextConfig(_Strict):
    """The ``[context]`` section: economy per country and competitor media, as data."""

    source: str = Field(description="value of competitor_spend.source")
    estimate_market: str = Field(description="the market whose ad-intelligence estimate competitor_spend.csv is")
    spend_rounding_gbp: int = Field(ge=1, description="competitor estimates are rounded to this many GBP")
    competitor_reference_annual_gbp: float = Field(gt=0, description="competitor spend at which pressure = 1")
    countries: dict[str, CountryContext]
    competitors: dict[str, CompetitorConfig] = Field(min_length=1)


# --------------------------------------------------------------------------- helpers
def _streams(rng: np.random.Generator) -> tuple[np.random.Generator, np.random.Generator]:
    """Economy and competitor streams, spawned off a copy so the caller's rng never moves."""
    economy, competitors = copy.deepcopy(rng).spawn(2)
    return economy, competitors


def _country(world: World, market: str) -> CountryContext:
    try:
        return world.context.countries[market]
    except KeyError:
        raise ValueError(f"context.countries has no entry for market {market!r}; "
                         f"known: {sorted(world.context.countries)}") from None


def _to_gbp_units(values: np.ndarray, currency: str, eur_per_gbp: float) -> np.ndarray:
    """Local prices to pounds/pence: a euro amount is worth 1/eur_per_gbp pounds."""
    return values if currency == "GBP" else values / eur_per_gbp


def _lognormal_factor(rng: np.random.Generator, sigma: float, size: int | tuple[int, ...]) -> np.ndarray:
    """Multiplicative noise with mean one, so totals stay unbiased."""
    return np.exp(rng.normal(-0.5 * sigma**2, sigma, size))


def channel_group(channel_kind: str, channel_key: str) -> str | None:
    """The competitor-report channel a channel of ours belongs to (None: not in the report).

    Digital platforms count as ``digital``; traditional channels keep their key (tv, ooh,
    print, radio); events are not measured by the ad-intelligence estimate.
    """
    if channel_kind == "digital":
        return "digital"
    return channel_key if channel_key in COMPETITOR_CHANNELS else None


# --------------------------------------------------------------------------- economic indicators
def _registrations(world: World, market: str, months: pd.PeriodIndex, rng: np.random.Generator) -> np.ndarray:
    cfg = _country(world, market)
    weights = np.asarray(cfg.registration_seasonality, dtype=float)
    annual = world.markets[market].national_registrations_k * 1000
    expected = annual * weights[months.month - 1] / weights.sum()
    return np.round(expected * _lognormal_factor(rng, cfg.registration_noise, len(months))).astype(np.int64)


def _country_indicators(world: World, market: str, months: pd.PeriodIndex, rng: np.random.Generator) -> pd.DataFrame:
    cfg, n = _country(world, market), len(months)
    currency, rate = world.markets[market].currency, world.run.eur_per_gbp
    where = f"context.countries.{market}"
    total = _registrations(world, market, months, rng)
    share = cfg.bev_share_pct.draw(n, rng, f"{where}.bev_share_pct")
    bev = np.round(total * share / 100).astype(np.int64)
    columns = {
        "year_month": months.strftime("%Y-%m"),
        "country": [market] * n,
        "smmt_total_registrations": total,
        "smmt_bev_registrations": bev,
        "bev_market_share_pct": 100 * bev / total,
        "consumer_confidence_index": cfg.consumer_confidence.draw(n, rng, f"{where}.consumer_confidence"),
        "bank_rate_pct": cfg.bank_rate_pct.draw(n, rng, f"{where}.bank_rate_pct"),
        "avg_petrol_price_ppl": _to_gbp_units(
            cfg.petrol_price_per_litre.draw(n, rng, f"{where}.petrol_price_per_litre"), currency, rate),
        "avg_electricity_price_pkwh": _to_gbp_units(
            cfg.electricity_price_per_kwh.draw(n, rng, f"{where}.electricity_price_per_kwh"), currency, rate),
        "unemployment_rate_pct": cfg.unemployment_pct.draw(n, rng, f"{where}.unemployment_pct"),
        "cpi_index": cfg.cpi_index.draw(n, rng, f"{where}.cpi_index"),
        "new_car_avg_transaction_price_gbp": _to_gbp_units(
            cfg.new_car_price.draw(n, rng, f"{where}.new_car_price"), currency, rate),
    }
    frame = pd.DataFrame(columns)
    for col, digits in _DECIMALS.items():
        if col in frame:
            frame[col] = frame[col].round(digits)
    frame["new_car_avg_transaction_price_gbp"] = frame["new_car_avg_transaction_price_gbp"].astype(np.int64)
    return frame


def economic_indicators(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """``economic_indicators.csv``: one row per month x country, the extract's columns in order.

    Rows are sorted by month, then by the market order of the scenario.
    """
    economy, _ = _streams(rng)
    months = horizon_months(world)
    frames = [_country_indicators(world, market, months, economy) for market in world.markets]
    # a stable sort by month keeps the scenario's market order within each month
    out = pd.concat(frames, ignore_index=True).sort_values("year_month", kind="stable", ignore_index=True)
    return out.loc[:, list(ECONOMIC_COLUMNS)]


# --------------------------------------------------------------------------- competitor spend
def _competitor_grid(world: World, months: pd.PeriodIndex, rng: np.random.Generator) -> np.ndarray:
    """Estimated spend, shape (months, competitors, channels), rounded like the estimate."""
    ctx = world.context
    grid = np.empty((len(months), len(ctx.competitors), len(COMPETITOR_CHANNELS)))
    for j, comp in enumerate(ctx.competitors.values()):
        flight = np.asarray(comp.flighting, dtype=float)
        monthly = comp.annual_spend_gbp * flight[months.month - 1] / flight.sum()
        mix = np.array([comp.channel_mix[c] for c in COMPETITOR_CHANNELS])
        noise = _lognormal_factor(rng, comp.noise, (len(months), len(COMPETITOR_CHANNELS)))
        grid[:, j, :] = monthly[:, None] * mix[None, :] * noise
    step = ctx.spend_rounding_gbp
    return np.round(grid / step) * step


def _our_spend_grid(our_monthly_spend: pd.DataFrame | None, months: pd.PeriodIndex) -> np.ndarray:
    """Our brand's spend, shape (months, channels); absent months or channels count as zero."""
    grid = np.zeros((len(months), len(COMPETITOR_CHANNELS)))
    if our_monthly_spend is None:
        return grid
    missing = [c for c in OUR_SPEND_COLUMNS if c not in our_monthly_spend.columns]
    if missing:
        raise ValueError(f"our_monthly_spend misses columns {missing}; expected {list(OUR_SPEND_COLUMNS)}")
    unknown = sorted(set(our_monthly_spend["channel"]) - set(COMPETITOR_CHANNELS))
    if unknown:
        raise ValueError(f"our_monthly_spend.channel has {unknown}; expected one of {list(COMPETITOR_CHANNELS)}")
    sums = our_monthly_spend.groupby(["year_month", "channel"])["spend_gbp"].sum()
    labels = list(months.strftime("%Y-%m"))
    for (month, channel), spend in sums.items():
        if month in labels:
            grid[labels.index(month), COMPETITOR_CHANNELS.index(channel)] = spend
    return grid


def competitor_spend(world: World, rng: np.random.Generator,
                     our_monthly_spend: pd.DataFrame | None = None) -> pd.DataFrame:
    """``competitor_spend.csv``: month x competitor x channel (tv/digital/ooh/print/radio/total).

    ``share_of_voice_pct`` is a competitor's spend over everyone's spend in that month and
    channel: all competitors plus our brand. ``our_monthly_spend`` (optional) has columns
    ``year_month`` ("2025-09"), ``channel`` (tv/digital/ooh/print/radio; see
    :func:`channel_group`) and ``spend_gbp``; pass the UK spend, the universe of the
    estimate. Without it the share is among competitors only. Repeated rows are summed.
    """
    _, stream = _streams(rng)
    months = horizon_months(world)
    spend = _competitor_grid(world, months, stream)
    ours = _our_spend_grid(our_monthly_spend, months)
    spend = np.concatenate([spend, spend.sum(axis=2, keepdims=True)], axis=2)
    ours = np.concatenate([ours, ours.sum(axis=1, keepdims=True)], axis=1)
    market_total = spend.sum(axis=1) + ours
    sov = 100 * np.divide(spend, market_total[:, None, :], out=np.zeros_like(spend),
                          where=market_total[:, None, :] > 0)
    channels = (*COMPETITOR_CHANNELS, TOTAL_CHANNEL)
    index = pd.MultiIndex.from_product([months.strftime("%Y-%m"), list(world.context.competitors), channels],
                                       names=["year_month", "competitor", "channel"])
    out = pd.DataFrame({"estimated_spend_gbp": spend.reshape(-1).astype(np.int64),
                        "share_of_voice_pct": sov.reshape(-1).round(_DECIMALS["share_of_voice_pct"])},
                       index=index).reset_index()
    out["source"] = world.context.source
    return out.loc[:, list(COMPETITOR_COLUMNS)]


# --------------------------------------------------------------------------- daily context
@dataclass(frozen=True)
class DailyContext:
    """Daily context per market; every array is shaped (days, markets) and read-only.

    Values pass exactly through the monthly figures of the CSVs on each month's middle day
    and are interpolated between them (monotone cubic, PCHIP: smooth, no overshoot), held
    flat before the first and after the last middle day.
    """

    dates: pd.DatetimeIndex
    markets: tuple[str, ...]
    bev_share: np.ndarray             # BEV share of new registrations, fraction 0..1
    consumer_confidence: np.ndarray   # the country's own index (GfK UK/DE, INSEE FR)
    confidence_shift: np.ndarray      # (index - index on day one) / confidence_scale_points
    competitor_spend_gbp: np.ndarray  # competitors' daily spend in this market, GBP/day
    competitor_pressure: np.ndarray   # competitor spend relative to the reference (1 = reference)
    registration_season: np.ndarray   # the month's registration_seasonality weight / the weights' mean

    def market_index(self, market: str) -> int:
        return self.markets.index(market)

    def demand_factor(self, bev_share_elasticity: float, confidence_elasticity: float,
                      seasonal_elasticity: float = 0.0) -> np.ndarray:
        """Baseline-demand multiplier: (bev/bev_0)^e_bev * exp(e_conf * shift) * season^e_season.

        A rising BEV share widens the pool of electric-car shoppers (a constant elasticity);
        confidence acts through its change from day one, in scaled index points; the market's
        registration seasonality (the UK's March and September plate months) moves shoppers
        with elasticity ``seasonal_elasticity`` (0: no seasonal demand, 1 on day one).
        """
        growth = self.bev_share / self.bev_share[0]
        factor = growth**bev_share_elasticity * np.exp(confidence_elasticity * self.confidence_shift)
        return factor * self.registration_season**seasonal_elasticity if seasonal_elasticity else factor

    def competitor_sov(self, our_daily_spend_gbp: np.ndarray) -> np.ndarray:
        """Competitors' share of voice, 0..1, against our daily spend shaped (days, markets)."""
        ours = np.asarray(our_daily_spend_gbp, dtype=float)
        if ours.shape != self.competitor_spend_gbp.shape:
            raise ValueError(f"our_daily_spend_gbp has shape {ours.shape}; expected {self.competitor_spend_gbp.shape}")
        total = self.competitor_spend_gbp + ours
        return np.divide(self.competitor_spend_gbp, total, out=np.zeros_like(total), where=total > 0)


def _month_middles(world: World, months: pd.PeriodIndex) -> np.ndarray:
    """Day index (from run.start) of each month's middle day."""
    middles = months.start_time + pd.to_timedelta((months.days_in_month - 1) // 2, unit="D")
    return np.asarray((middles - pd.Timestamp(world.run.start)).days, dtype=float)


def _smooth_daily(knots: np.ndarray, monthly: np.ndarray, days: int) -> np.ndarray:
    """Monotone cubic through (knot, value) for each column of ``monthly``; flat outside."""
    positions = np.clip(np.arange(days, dtype=float), knots[0], knots[-1])
    if len(knots) == 1:
        return np.repeat(monthly[:1], days, axis=0)
    return PchipInterpolator(knots, monthly, axis=0)(positions)


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array, dtype=float)
    array.flags.writeable = False
    return array


def _monthly_competitor_totals(world: World, months: pd.PeriodIndex, comp: pd.DataFrame) -> np.ndarray:
    """Competitors' daily spend rate per month and market, shape (months, markets)."""
    totals = comp[comp["channel"] == TOTAL_CHANNEL].groupby("year_month", sort=True)["estimated_spend_gbp"].sum()
    per_day = totals.reindex(months.strftime("%Y-%m")).to_numpy(dtype=float) / months.days_in_month.to_numpy()
    scale = np.array([_country(world, m).competitor_market_scale for m in world.markets])
    return per_day[:, None] * scale[None, :]


def build_daily_context(world: World, rng: np.random.Generator) -> DailyContext:
    """Daily (days, markets) context built from the same draws as the two monthly CSVs."""
    months, days = horizon_months(world), world.run.days
    markets = tuple(world.markets)
    econ = economic_indicators(world, rng)
    knots = _month_middles(world, months)

    def monthly(column: str) -> np.ndarray:
        wide = econ.pivot(index="year_month", columns="country", values=column)
        return wide.loc[:, list(markets)].to_numpy(dtype=float)

    bev = _smooth_daily(knots, monthly("bev_market_share_pct") / 100, days)
    confidence = _smooth_daily(knots, monthly("consumer_confidence_index"), days)
    scale = np.array([_country(world, m).confidence_scale_points for m in markets])
    rate = _smooth_daily(knots, _monthly_competitor_totals(world, months, competitor_spend(world, rng)), days)
    year_days = 366 if calendar.isleap(world.run.start.year) else 365
    reference = world.context.competitor_reference_annual_gbp / year_days
    market_scale = np.array([_country(world, m).competitor_market_scale for m in markets])
    return DailyContext(
        dates=pd.date_range(world.run.start, periods=days, freq="D"),
        markets=markets,
        bev_share=_frozen(bev),
        consumer_confidence=_frozen(confidence),
        confidence_shift=_frozen((confidence - confidence[0]) / scale),
        competitor_spend_gbp=_frozen(rate),
        competitor_pressure=_frozen(rate / (reference * market_scale)),
        registration_season=_frozen(_registration_season(world, markets)),
    )


def _registration_season(world: World, markets: tuple[str, ...]) -> np.ndarray:
    """(days, markets): each day's month's ``registration_seasonality`` weight over the weights' mean."""
    months = pd.date_range(world.run.start, periods=world.run.days, freq="D").month.to_numpy() - 1
    cols = []
    for m in markets:
        w = np.asarray(_country(world, m).registration_seasonality, dtype=float)
        cols.append(w[months] / w.mean())
    return np.stack(cols, axis=1)


__all__ = [
    "COMPETITOR_CHANNELS", "COMPETITOR_COLUMNS", "CompetitorConfig", "ContextConfig", "CountryContext",
    "DailyContext", "ECONOMIC_COLUMNS", "Trajectory", "build_daily_context", "channel_group",
    "competitor_spend", "economic_indicators", "horizon_months", "trajectory_problems",
]
