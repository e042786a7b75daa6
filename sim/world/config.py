"""The world of one scenario: pydantic models, loading, ``extends`` and ``--set`` overrides.

Every number of the simulated world lives in a scenario file (``scenarios/*.toml``).
A scenario may ``extends = "baseline"`` and override only what it changes; the merge is
a deep merge of tables (arrays are replaced whole). ``--set section.key=value`` overrides
apply last. The result is validated here, once, and any problem is reported as one
:class:`ConfigError` naming the key, the value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.world.context import ContextConfig, trajectory_problems
from sim.world.mmm import MMMConfig
from sim.world.programmes import season_problems, seasonal_pieces
from sim.world.reporting import ReportingConfig
from sim.world.vendors import VendorsConfig
from sim.world.vocabulary import PAID_WEB, WEB_CHANNELS

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"

NonNeg = Annotated[float, Field(ge=0)]
Prob = Annotated[float, Field(ge=0, le=1)]
Range = tuple[float, float]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
WeekdayWeights = Annotated[list[NonNeg], Field(min_length=7, max_length=7)]


class ConfigError(ValueError):
    """A scenario that cannot be loaded; the message names the key and the value."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _ordered(r: Range, name: str = "range") -> Range:
    if r[0] > r[1]:
        raise ValueError(f"{name} low {r[0]} is above high {r[1]}")
    return r


# --------------------------------------------------------------------------- run / world
MAX_HORIZON_YEARS = 10  # the longest horizon a run accepts (its days scale memory and time)


class RunConfig(Strict):
    """``start`` .. ``end`` is the horizon: whole calendar months (``start`` the first day of a
    month, ``end`` the last day of one), from one month to :data:`MAX_HORIZON_YEARS` years."""

    seed: int = Field(ge=0)
    start: dt.date
    end: dt.date
    population: int = Field(gt=0, description="simulated consumers across all markets")
    eur_per_gbp: float = Field(gt=0)

    @model_validator(mode="after")
    def _dates(self) -> RunConfig:
        where = f"run.start = {self.start}, run.end = {self.end}"
        if self.start.day != 1:
            raise ValueError(f"{where}: the horizon is whole months; run.start must be the first day of a month")
        if (self.end + dt.timedelta(days=1)).day != 1:
            raise ValueError(f"{where}: the horizon is whole months; run.end must be the last day of a month")
        if self.end < self.start:
            raise ValueError(f"{where}: run.end is before run.start")
        if self.end > self.start.replace(year=self.start.year + MAX_HORIZON_YEARS):
            raise ValueError(f"{where}: the horizon may be at most {MAX_HORIZON_YEARS} years")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class MarketConfig(Strict):
    name: str
    currency: Literal["GBP", "EUR"]
    budget_share: Prob
    adult_population_m: float = Field(gt=0, description="adults (millions), for per-capita exposure")
    population_share: Prob = Field(description="share of simulated consumers")
    launch_date: dt.date
    regions: dict[str, Annotated[float, Field(gt=0)]] = Field(description="region -> population weight")
    postcode_areas: dict[str, list[str]] = Field(description="region -> postcode areas / prefixes")
    national_registrations_k: float = Field(gt=0, description="annual new-car registrations (thousands)")
    showroom_closed_weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=list, description="weekdays (0 = Monday .. 6 = Sunday) on which showrooms do not trade")
    showroom_closed_dates: list[MonthDay] = Field(
        default_factory=list, description="dates ('MM-DD', every year) on which showrooms do not trade")
    plate_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=list, description="months in which new registration plates are issued (UK: 3 and 9)")


class TrimConfig(Strict):
    name: str
    price_gbp: float = Field(gt=0)
    share: Prob


class VehicleModel(Strict):
    code: str = Field(description="short code used in campaign names, e.g. S07")
    brand: Literal["DEEPAL", "AVATR"]
    body: str
    available_from: dt.date
    available_until: dt.date | None = None
    sales_share: Prob
    trims: list[TrimConfig]
    wheels: list[str]
    interiors: list[str]


# --------------------------------------------------------------------------- media
class DeliveryRanges(Strict):
    """Per-objective/format delivery ranges; a campaign draws its own rates inside them."""

    cpm: Range | None = None
    ctr: Range | None = None
    cpc: Range | None = None
    cpv: Range | None = None
    view_rate: Range | None = None
    completion_rate: Range | None = None
    viewability: Range | None = None
    watch_time_s: Range | None = None
    quality_score: tuple[int, int] | None = None
    impression_share: Range | None = None
    engagement_rate: Range | None = Field(None, description="likes+comments+shares per impression")

    @field_validator("*")
    @classmethod
    def _low_le_high(cls, v: Any, info: Any) -> Any:
        if isinstance(v, tuple) and len(v) == 2:
            _ordered(v, info.field_name)
            if v[0] < 0:
                raise ValueError(f"{info.field_name} must be non-negative, got {v}")
        return v


class CampaignLine(Strict):
    """A recurring campaign: one campaign per market x quarter in which it is active."""

    model: str
    kind: str = Field(description="name element of the campaign template (objective, type, tactic, format, ...)")
    objective: str = Field(description="value of the table's objective / type column; keys the delivery ranges")
    phase: Literal["prelaunch", "postlaunch", "all"]
    weight: float = Field(gt=0, description="share of the channel's daily budget while active")
    markets: list[str] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    until_days_after_launch: int | None = Field(None, ge=0, description="ends this many days after the market's launch")
    every_days: int = Field(1, ge=1, description="active one day in N (print insertions)")
    breakdown: list[str] = Field(default_factory=lambda: [""],
                                 description="row dimension values (platform, keyword group, ...)")
    attributes: dict[str, Any] = Field(default_factory=dict,
                                       description="reporting attributes (programme, station, city, ...)")


class ResponseConfig(Strict):
    """How exposure acts on consumers: lagged, adstocked, saturating (Hill)."""

    lag_days: tuple[int, int] = Field(description="delay window between exposure and effect")
    decay: Prob = Field(description="true daily geometric adstock retention")
    half_saturation: float = Field(gt=0, description="adstocked exposures per capita at half effect")
    hill_shape: float = Field(gt=0)
    effect: NonNeg = Field(description="maximum extra daily action intensity per in-market consumer")
    arrival: dict[str, Prob] = Field(description="how responding consumers arrive (website channel or action)")
    awareness: NonNeg = Field(0.0, description="contribution of exposure to long-run awareness")

    @model_validator(mode="after")
    def _check(self) -> ResponseConfig:
        if self.lag_days[0] < 0 or self.lag_days[0] > self.lag_days[1]:
            raise ValueError(f"lag_days must be 0 <= low <= high, got {self.lag_days}")
        if abs(sum(self.arrival.values()) - 1) > 1e-6:
            raise ValueError(f"arrival shares must sum to 1, got {sum(self.arrival.values()):.4f}")
        return self


class ChannelConfig(Strict):
    label: str
    budget_gbp: NonNeg = Field(description="annual budget (every year of the horizon not in budget_gbp_by_year)")
    budget_gbp_by_year: dict[int, NonNeg] = Field(
        default_factory=dict, description="calendar year -> that year's budget (pro rata for a part year)")
    markets: list[str]
    kind: Literal["digital", "traditional", "events"]
    active: list[tuple[dt.date, dt.date]] = Field(default_factory=list,
                                                  description="windows with spend; empty = all year")
    flight_weeks: tuple[int, int] | None = Field(None, description="weeks on, weeks off inside the windows")
    flight_anchor: dt.date | None = Field(None, description="a Monday on which a flight starts")
    daily_noise: Prob = 0.15
    targeting: dict[str, float] = Field(default_factory=dict, description="segment attribute -> reach multiplier")
    response: ResponseConfig
    delivery: dict[str, DeliveryRanges] = Field(default_factory=dict)
    programme_seasons: dict[str, list[tuple[dt.date, dt.date]]] = Field(
        default_factory=dict, description="programme -> broadcast seasons (Monday..Sunday); others air all year")
    campaigns: list[CampaignLine] = Field(default_factory=list)
    extras: dict[str, Any] = Field(default_factory=dict,
                                   description="exporter-only attributes (stations, formats, ...)")

    @field_validator("programme_seasons")
    @classmethod
    def _seasons(cls, seasons: dict[str, list[tuple[dt.date, dt.date]]]) -> dict[str, list[tuple[dt.date, dt.date]]]:
        problems = season_problems(seasons)
        if problems:
            raise ValueError("; ".join(problems))
        return {p: sorted(w) for p, w in seasons.items()}

    @field_validator("campaigns")
    @classmethod
    def _programmes_in_season(cls, lines: list[CampaignLine], info: Any) -> list[CampaignLine]:
        """Each line with programmes becomes one line per stretch of its window in which the same
        programmes are on air (:mod:`sim.world.programmes`)."""
        seasons = info.data.get("programme_seasons") or {}
        listed = {p for line in lines for p in line.attributes.get("programmes", ())}
        unknown = sorted(set(seasons) - listed)
        if unknown:
            raise ValueError(f"programme_seasons names programmes no campaign line lists: {unknown}")
        out = []
        for i, line in enumerate(lines):
            programmes = line.attributes.get("programmes")
            if not programmes or not seasons:
                out.append(line)
                continue
            for start, end, airing in seasonal_pieces(programmes, line.start, line.end, seasons,
                                                       _horizon_of(info)):
                if not airing:
                    raise ValueError(f"campaigns[{i}] ({line.kind} {line.objective}): none of its programmes "
                                     f"{programmes} is on air from {start or 'the start'} to {end or 'the end'}; "
                                     "list one that airs all year")
                out.append(line.model_copy(update={"start": start, "end": end,
                                                   "attributes": {**line.attributes, "programmes": airing}}))
        return out


def _horizon_of(info: Any) -> tuple[dt.date, dt.date]:
    """The run's horizon, which :func:`load_world` passes down as validation context; without
    it, (a channel validated on its own) every date."""
    horizon = (info.context or {}).get("horizon")
    return horizon if horizon is not None else (dt.date.min, dt.date.max)


def validation_context(data: dict[str, Any]) -> dict[str, Any]:
    """What nested validators need to know of the whole scenario: its horizon (if readable)."""
    run = data.get("run") if isinstance(data, dict) else None
    try:
        horizon = (dt.date.fromisoformat(str(run["start"])), dt.date.fromisoformat(str(run["end"])))
    except (TypeError, KeyError, ValueError):
        horizon = None
    return {"horizon": horizon}


PaidWebChannel = Literal["paid_search", "social_paid", "display", "video"]
ShareSpan = Annotated[tuple[Prob, Prob], Field(description="[low, high]: a share drawn in this range per row")]


class ClickSessions(Strict):
    """How one platform's clicks land on the website (decision 9): per delivered row, the
    website clicks are a share of its clicks, the first-party sessions a share of those (the
    page loaded), on the same day, in the analytics channel of the campaign's objective."""

    click_metric: str = Field(description="the platform export's column that counts the website clicks")
    analytics_channel: dict[str, PaidWebChannel] = Field(
        description="campaign objective -> website analytics channel ('*': any other objective)")
    website_click_share: ShareSpan = Field(description="clicks that go to the website (the rest stay on the platform)")
    landing_rate: ShareSpan = Field(description="website clicks whose landing page loads: a first-party session")
    new_visitor_share: ShareSpan = Field(description="landed sessions of visitors new to the site")

    @model_validator(mode="after")
    def _ordered(self) -> ClickSessions:
        for key in ("website_click_share", "landing_rate", "new_visitor_share"):
            lo, hi = getattr(self, key)
            if lo > hi:
                raise ValueError(f"{key}: low {lo} is above high {hi}")
        return self


class MediaConfig(Strict):
    monthly_seasonality: list[NonNeg] = Field(
        min_length=12, max_length=12, description="Jan..Dec spend multipliers up to each market's launch year")
    mature_seasonality: list[NonNeg] | None = Field(
        None, min_length=12, max_length=12,
        description="Jan..Dec spend multipliers of the years after a market's launch year (else monthly_seasonality)")
    market_split: dict[str, Prob] = Field(description="market shares of every channel that runs in several markets")
    campaign_templates: dict[str, str]
    channels: dict[str, ChannelConfig]
    click_sessions: dict[str, ClickSessions] = Field(
        default_factory=dict, description="platform channel -> how its clicks become website sessions")
    paid_fallback: dict[PaidWebChannel, str] = Field(
        default_factory=dict, description="paid channel -> the channel a visitor arrives through when no ad of "
                                          "that channel runs that day (brand search falls back to organic search)")


# --------------------------------------------------------------------------- dealers
class DealerConfig(Strict):
    id: str = Field(pattern=r"^DLR\d{3}$")
    name: str
    group: str
    market: str
    region: str
    city: str
    launch: bool
    opening_offset_days: int = Field(ge=0, description="days after the market's launch date")
    daily_test_drive_capacity: int = Field(gt=0)


# --------------------------------------------------------------------------- consumers / funnel
class ConsumerConfig(Strict):
    age_bands: dict[str, Prob]
    device: dict[str, Prob]
    device_loyalty: Prob = Field(description="P(a visit uses the consumer's own device) (else any device)")
    fleet_decision_maker_share: Prob
    interest_shape: float = Field(gt=0, description="gamma shape of consumer interest heterogeneity")
    in_market_share: Prob = Field(description="share of consumers in market on day one")
    in_market_entry: Prob = Field(description="daily chance to enter the market")
    in_market_exit: Prob = Field(description="daily chance to leave the market")
    baseline_intensity: dict[str, NonNeg] = Field(description="daily intensity of non-media actions")
    baseline_arrival: dict[str, Prob]
    awareness_decay: Prob
    initial_awareness: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.0, description="awareness on day 0 (an established brand's, from before the horizon; 0 at a launch)")
    awareness_effect: NonNeg = Field(description="organic intensity added at full awareness")
    awareness_scale: float = Field(gt=0, description="accumulated exposure per capita at 63% awareness")
    bev_share_elasticity: float
    confidence_elasticity: float
    seasonal_demand_elasticity: float = Field(
        0.0, ge=0, description="elasticity of baseline demand to the market's registration seasonality "
                               "(context.countries.*.registration_seasonality over its mean); 0 = none")
    competitor_sov_dampening: Prob = Field(description="media effect lost at 100% competitor share of voice")
    weekday_activity: dict[Literal["web", "showroom"], WeekdayWeights] = Field(
        description="Monday..Sunday: relative chance that a consumer who acts does so on that day of the week, "
                    "online (website, lead forms) and at the showroom (walk-ins, phone enquiries)")


DaySpan = tuple[int, int]


class FunnelTiming(Strict):
    """How long the pipeline's steps take (days; a span [lo, hi] is drawn uniformly)."""

    contact_attempts: DaySpan = Field(description="calls / emails before contact (a count, not days)")
    qualify_days: DaySpan = Field(description="contact to QUALIFIED")
    purchase_without_drive_days: DaySpan = Field(description="lead to purchase for a lead that books no drive")
    drive_after_booking_days: DaySpan = Field(description="booking to the drive (walk-ins and events drive at once)")
    purchase_delay_mean_days: float = Field(gt=0, description="mean of the exponential wait from drive to purchase")
    negotiation_days: int = Field(ge=0, description="drive to NEGOTIATION for a driver who does not buy")
    lost_after_drive_days: int = Field(ge=0, description="completed drive to LOST for a driver who does not buy")
    unreachable_days: int = Field(
        ge=0, description="lead (or launch, for a pre-launch lead) to LOST when never reached")
    disqualified_days: int = Field(ge=0, description="contact to LOST for a lead that does not qualify")
    lost_without_drive_days: int = Field(
        ge=0, description="qualification to LOST for a lead that neither books a drive nor buys")
    rebook_after_days: int = Field(
        ge=0, description="missed drive to the earliest day of the drive rebooked on the day of the miss")
    max_rebookings: int = Field(ge=0)
    fleet_day_days: DaySpan = Field(description="fleet enquiry to the fleet test-drive day")
    fleet_negotiation_days: int = Field(ge=0)
    fleet_lost_days: int = Field(ge=0)
    fleet_delivery_start_days: DaySpan = Field(description="fleet day to the first delivered unit")
    fleet_unit_spacing_days: int = Field(ge=0, description="days between the deliveries of a fleet order's units")
    fleet_delivery_window_days: int = Field(gt=0, description="deliveries of one order wrap within this window")
    referral_days: DaySpan = Field(description="sale to the referred friend's purchase")


class LeadScoring(Strict):
    """Lead score = base of the source + noise; the score scales qualification and purchase."""

    base_by_source: dict[str, Annotated[int, Field(ge=1, le=100)]]
    spread: tuple[float, float] = Field(description="half-widths of the two uniform noise terms")
    effect: tuple[float, float] = Field(description="multiplier = effect[0] + effect[1] x score / 100")
    eager_sources: list[str] = Field(description="sources whose leads book drives more readily")
    eager_booking_mult: float = Field(gt=0)


class FunnelConfig(Strict):
    configurator_live: dt.date
    configurator_start_rate: dict[str, Prob] = Field(description="website channel -> P(configurator start | session)")
    configurator_completion: Prob
    lead_from_completion: Prob
    test_drive_form_rate: Prob = Field(description="P(test drive request | session), post-launch")
    lead_contacted: Prob
    lead_qualified: Prob
    qualified_booking: Prob
    prelaunch_booking_factor: Prob
    booking_lead_days: tuple[int, int]
    weekend_share: Prob = Field(description="P(a customer wants a weekend test drive)")
    drive_weekday_weights: WeekdayWeights = Field(
        description="Monday..Sunday: how a customer picks the day of a drive, among weekdays or weekend days")
    sale_weekday_weights: WeekdayWeights = Field(description="Monday..Sunday: the day of the week a deal is signed")
    no_show: Prob
    cancellation: Prob
    rebook_after_miss: Prob
    purchase_after_drive: Prob
    purchase_window_days: int = Field(gt=0)
    purchase_after_drive_max: Prob = Field(description="cap of a completed drive's purchase chance after calibration")
    negotiation_without_sale: Prob
    purchase_without_drive: Prob = Field(description="P(purchase | qualified lead that books no drive)")
    walk_in_purchase: Prob
    fleet_units: tuple[int, int]
    fleet_day_drivers: tuple[int, int] = Field(description="drivers of a fleet customer who test drive at a fleet day")
    fleet_win: Prob
    salary_sacrifice_share_of_fleet_wins: Prob
    referral_per_sale: Prob
    response_hours_median: float = Field(gt=0)
    response_hours_p90: float = Field(gt=0)
    launch_dealer_pull_days: int = Field(ge=0, description="days after launch in which launch dealers attract sales")
    launch_dealer_pull: float = Field(gt=0, description="weight of a launch dealer against another open dealer then")
    timing: FunnelTiming
    scoring: LeadScoring


class SalesConfig(Strict):
    colours: dict[str, Prob]
    finance: dict[str, Prob] = Field(description="the extract's finance mix over all sales (a reported target)")
    finance_by_sale_type: dict[str, dict[str, Prob]] = Field(
        description="sale type -> finance mix; a salary-sacrifice car is always a lease")
    finance_terms: dict[str, list[int]]
    discount_pct: dict[str, Range] = Field(description="month range 'M1-M2' -> discount range percent")
    target_units: dict[str, int]
    plate_wait_share: Prob = Field(0.0, description="P(a retail buyer due shortly before a plate month waits for "
                                                    "the new plate and signs in the plate month)")
    plate_wait_days: int = Field(28, ge=0, description="how shortly before a plate month a buyer may wait")


class EventConfig(Strict):
    name: str
    type: Literal["motor_show", "test_drive_event", "sponsorship", "dealer_launch", "fleet_event", "press_event"]
    start: dt.date
    end: dt.date
    location: str
    market: str
    region: str | None = None
    attendance: int = Field(ge=0)
    spend_gbp: NonNeg
    media_impressions: int = Field(ge=0)
    signup_rate: Prob
    drive_rate: Prob
    description: str
    every_year: bool = Field(False, description="recurs on the same dates in every later year of the horizon "
                                                "(a motor show); ignored in a one-year horizon")


def _shift_year(value: Any, years: int) -> dt.date:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return day.replace(year=day.year + years, day=min(day.day, 28) if (day.month, day.day) == (2, 29) else day.day)


def expand_recurring_events(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario with each ``every_year`` event repeated in every later year of the horizon
    (same month and day; its year in the name, else the year appended), every copy and the
    original marked ``every_year = false``: a resolved scenario lists each event once, so it
    loads to the same world."""
    horizon = validation_context(data)["horizon"]
    events = data.get("events")
    if horizon is None or not isinstance(events, list) or not any(
            isinstance(e, dict) and e.get("every_year") for e in events):
        return data
    out: list[Any] = []
    for ev in events:
        if not (isinstance(ev, dict) and ev.get("every_year")):
            out.append(ev)
            continue
        try:
            first = _shift_year(ev["start"], 0)
        except (KeyError, ValueError):
            out.append(ev)  # the event's own validation names the problem
            continue
        out.append({**ev, "every_year": False})
        for years in range(1, horizon[1].year - first.year + 1):
            start, end = _shift_year(ev["start"], years), _shift_year(ev["end"], years)
            if end > horizon[1]:
                break
            name = str(ev.get("name", ""))
            year = str(first.year)
            name = name.replace(year, str(start.year)) if year in name else f"{name} {start.year}"
            out.append({**ev, "name": name, "start": start, "end": end, "every_year": False})
    return {**data, "events": out}


class CalibrationConfig(Strict):
    """Free parameters tuned by `sim calibrate` against the extract's targets (written back here)."""

    action_scale: dict[str,
                       Annotated[float,
                                 Field(gt=0)]] = Field(description="market -> multiplier of all action intensity")
    purchase_scale: dict[str,
                         Annotated[float, Field(gt=0)]] = Field(description="market -> multiplier of purchase chances")
    target_leads: int = Field(gt=0, description="leads in the year that `sim calibrate` aims at (extract: ~10,000)")


class World(Strict):
    """A fully resolved, validated scenario."""

    name: str = "baseline"
    description: str = ""
    run: RunConfig
    markets: dict[str, MarketConfig]
    models: dict[str, VehicleModel]
    media: MediaConfig
    dealers: list[DealerConfig]
    consumers: ConsumerConfig
    funnel: FunnelConfig
    sales: SalesConfig
    events: list[EventConfig]
    calibration: CalibrationConfig
    # sections owned by other components, validated by their own models
    context: ContextConfig
    vendors: VendorsConfig
    mmm: MMMConfig
    reporting: ReportingConfig

    @model_validator(mode="before")
    @classmethod
    def _recurring(cls, data: Any) -> Any:
        return expand_recurring_events(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _cross_checks(self) -> World:
        start, end = self.run.start, self.run.end
        shares = sum(m.budget_share for m in self.markets.values())
        if abs(shares - 1) > 1e-6:
            raise ValueError(f"markets.*.budget_share must sum to 1, got {shares:.4f}")
        for key, m in self.markets.items():
            if m.launch_date > end:  # before the start: an established brand, launched before the horizon
                raise ValueError(f"markets.{key}.launch_date {m.launch_date} is after the horizon's end {end}")
        for key, vm in self.models.items():
            if vm.available_from > end:
                raise ValueError(f"models.{key}.available_from {vm.available_from} is after the horizon's end {end}")
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        problems = trajectory_problems(self.context.countries, months)
        if problems:
            raise ValueError("\n  - ".join(problems))
        split = self.media.market_split
        if set(split) != set(self.markets) or abs(sum(split.values()) - 1) > 1e-6:
            raise ValueError(f"media.market_split must give every market a share summing to 1, got {split}")
        for name, ch in self.media.channels.items():
            for mk in ch.markets:
                if mk not in self.markets:
                    raise ValueError(f"media.channels.{name}.markets: unknown market {mk!r}")
            for i, (a, b) in enumerate(ch.active):
                if not (start <= a <= b <= end):
                    raise ValueError(f"media.channels.{name}.active[{i}] = {a}..{b} is outside the horizon "
                                     f"{start}..{end}")
            outside = sorted(y for y in ch.budget_gbp_by_year if not start.year <= y <= end.year)
            if outside:
                raise ValueError(f"media.channels.{name}.budget_gbp_by_year: years {outside} are outside the horizon "
                                 f"{start}..{end}")
            for i, line in enumerate(ch.campaigns):
                if line.model not in self.models:
                    raise ValueError(f"media.channels.{name}.campaigns[{i}].model: unknown model {line.model!r}")
        tv_report = self.reporting.media.tv
        for line in self.media.channels["tv"].campaigns if "tv" in self.media.channels else ():
            key = tv_report.spot_rating_key(line.objective, line.attributes.get("daypart", ""))
            if key not in tv_report.spot_rating:
                raise ValueError(f"reporting.media.tv.spot_rating has no {key!r} (TV line {line.kind} "
                                 f"{line.objective}); it has {sorted(tv_report.spot_rating)}")
        for where, market in (("mmm.kpi_market", self.mmm.kpi_market),
                              ("context.estimate_market", self.context.estimate_market),
                              ("vendors.market", self.vendors.market)):
            if market not in self.markets:
                raise ValueError(f"{where}: unknown market {market!r}; expected one of {list(self.markets)}")
        ids = [d.id for d in self.dealers]
        if len(set(ids)) != len(ids):
            raise ValueError("dealers: duplicate dealer id")
        for d in self.dealers:
            if d.market not in self.markets:
                raise ValueError(f"dealers[{d.id}].market: unknown market {d.market!r}")
        for name in self.media.click_sessions:
            if name not in self.media.channels:
                raise ValueError(f"media.click_sessions.{name}: not a channel of media.channels")
        for paid, channel in self.media.paid_fallback.items():
            if channel not in WEB_CHANNELS or channel in PAID_WEB:
                raise ValueError(f"media.paid_fallback.{paid} = {channel!r}: expected an unpaid website channel "
                                 f"({', '.join(c for c in WEB_CHANNELS if c not in PAID_WEB)})")
        for sale_type, mix in self.sales.finance_by_sale_type.items():
            unknown = set(mix) - set(self.sales.finance_terms)
            if unknown or not sum(mix.values()) > 0:
                raise ValueError(f"sales.finance_by_sale_type.{sale_type}: needs positive shares of finance types "
                                 f"with terms ({', '.join(self.sales.finance_terms)}), got {mix}")
        if set(self.sales.finance_by_sale_type.get("salary_sacrifice", {"lease": 1})) != {"lease"}:
            raise ValueError("sales.finance_by_sale_type.salary_sacrifice: a salary-sacrifice car is a lease "
                             "(only 'lease' may have a share)")
        for key in ("drive_weekday_weights", "sale_weekday_weights"):
            w = getattr(self.funnel, key)
            if not (sum(w[:5]) > 0 and sum(w[5:]) > 0):
                raise ValueError(f"funnel.{key}: weekdays and weekend days each need a positive weight, got {w}")
        for i, ev in enumerate(self.events):
            if not (start <= ev.start <= ev.end <= end):
                raise ValueError(f"events[{i}] ({ev.name}) dates {ev.start}..{ev.end} are outside the horizon "
                                 f"{start}..{end}")
        return self

    def dealer_opening(self, dealer: DealerConfig) -> dt.date:
        return self.markets[dealer.market].launch_date + dt.timedelta(days=dealer.opening_offset_days)


# --------------------------------------------------------------------------- loading
def scenario_path(name_or_path: str | Path) -> Path:
    """The file of a scenario: a ``.toml`` file, or a name looked up in ``scenarios/``.

    A name (no ``.toml``, no folder in it) that is not a file is always looked up in
    ``scenarios/``, so a folder of that name in the working directory does not shadow it.
    """
    text = str(name_or_path)
    p = Path(text)
    if p.is_file():
        return p
    if p.suffix == ".toml" or "/" in text or os.sep in text:
        if p.is_dir():
            raise ConfigError(f"scenario {text!r} is a folder; expected a scenario name or a .toml file")
        raise ConfigError(f"scenario file not found: {p}")
    candidate = SCENARIO_DIR / f"{name_or_path}.toml"
    if not candidate.exists():
        known = ", ".join(sorted(q.stem for q in SCENARIO_DIR.glob("*.toml")))
        raise ConfigError(f"unknown scenario {str(name_or_path)!r}; known scenarios: {known}")
    return candidate


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (arrays included) replaces the base's."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in seen:
        raise ConfigError(f"scenario {path.stem!r} extends itself through {' -> '.join(p.stem for p in seen)}")
    raw = _read_toml(path)
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    try:
        parent_path = scenario_path(parent if not str(parent).endswith(".toml") else path.parent / parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: extends = {json.dumps(parent)}: {exc}") from None
    return deep_merge(_resolve(parent_path, seen + (path,)), raw)


def _parse_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``a.b.c=value`` overrides (value parsed as a TOML literal, else a string)."""
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. media.channels.tv.budget_gbp=12000000")
        key, text = item.split("=", 1)
        parts = key.strip().split(".")
        node: Any = data
        for depth, part in enumerate(parts[:-1]):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                where = ".".join(parts[: depth + 1])
                raise ConfigError(f"--set {key}: unknown key {where!r}")
        last = parts[-1]
        if isinstance(node, list) and last.isdigit() and int(last) < len(node):
            node[int(last)] = _parse_value(text.strip())
        elif isinstance(node, dict) and last in node:
            node[last] = _parse_value(text.strip())
        else:
            raise ConfigError(f"--set {key}: unknown key {key!r}")
    return data


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of a nested config as ``a.b.0.c`` keys (the ``--set`` spelling)."""
    if isinstance(node, dict | list):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        return {k: v for key, value in items for k, v in _flat(value, f"{prefix}{key}.").items()}
    return {prefix.rstrip("."): node}


def _check_finite(source: str, data: dict[str, Any]) -> None:
    """Refuse inf and nan anywhere (pydantic's bounds would misname nan, and Any fields take both)."""
    bad = {k: v for k, v in _flat(data).items() if isinstance(v, float) and not math.isfinite(v)}
    if bad:
        raise ConfigError("\n".join([f"scenario {source!r} is invalid:"]
                                     + [f"  - {k} = {v}: must be a finite number" for k, v in bad.items()]))


def _format_errors(source: str, exc: ValidationError, data: dict[str, Any]) -> str:
    lines = [f"scenario {source!r} is invalid:"]
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        value = err.get("input")
        shown = json.dumps(value, default=str) if not isinstance(value, dict) else "{...}"
        if len(shown) > 80:
            shown = shown[:77] + "..."
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling against scenarios/baseline.toml)"
        if err["type"] == "value_error" and isinstance(value, dict):  # a check across the keys of a table
            named = not err["loc"] or msg.startswith(loc)
            lines.append(f"  - {msg}" if named else f"  - {loc}: {msg}")
            continue
        lines.append(f"  - {loc} = {shown}: {msg}")
    return "\n".join(lines)


def load_world(scenario: str | Path = "baseline", overrides: list[str] | None = None,
               seed: int | None = None) -> World:
    """Load, extend, override and validate a scenario. Raises :class:`ConfigError`."""
    path = scenario_path(scenario)
    data = _resolve(path)
    data.setdefault("name", path.stem)
    data = apply_overrides(data, list(overrides or []))
    if seed is not None:
        data.setdefault("run", {})["seed"] = seed
    _check_finite(path.stem, data)
    try:
        return World.model_validate(data, context=validation_context(data))
    except ValidationError as exc:
        raise ConfigError(_format_errors(path.stem, exc, data)) from None


def config_hash(world: World) -> str:
    blob = json.dumps(world.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def changes_from_baseline(world: World) -> list[str]:
    """How ``world`` differs from the calibrated baseline (``scenarios/baseline.toml``), one
    ``key value instead of value`` each; the root seed picks the draws, not the world, and
    is no change."""
    ours = _flat(world.model_dump(mode="json"))
    theirs = _flat(load_world("baseline").model_dump(mode="json"))
    keys = sorted(k for k in ours.keys() | theirs.keys()
                  if k not in ("run.seed", "name", "description") and ours.get(k) != theirs.get(k))
    return [f"{k} {json.dumps(ours.get(k))} instead of {json.dumps(theirs.get(k))}" for k in keys]
