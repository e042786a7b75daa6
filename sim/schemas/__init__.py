"""Every output table, declared once: columns, types, units, ranges, keys.

The exporters order their columns with :func:`columns`, the validator checks files against
:func:`schema_for`, and the data dictionary and ``datapackage.json`` are generated from the
same :data:`TABLES` (DESIGN principle 5). Column names and their order are the extract's,
exactly; a table may carry extra columns only *after* the specified ones (spec README
decision 4), and the extras we know of are declared here as optional columns.

A table is a pandera :class:`~pandera.api.pandas.container.DataFrameSchema` (dtype, checks,
nullability, description per column; unit and logical type in each column's ``metadata``)
wrapped in a thin :class:`TableSpec` for what pandera does not hold: file path, primary and
foreign keys, the extract's approximate row count, the column that dates a row and the media
channel whose spend the table reports.

Ranges declared here are *hard* facts (a rate lies in 0-1, a count is not negative, a test
drive is not before its booking). The extract's soft targets (CTR 0.5-1.5%, 22% no-shows)
belong to :mod:`sim.validate`, which reports them with their achieved values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import pandera.pandas as pa

from sim.world.vocabulary import (
    DRIVE_SOURCES,
    LEAD_SOURCES,
    LEAD_STATUSES,
    SALE_SOURCES,
    TEST_DRIVE_STATUSES,
    WEB_CHANNELS,
)

RAW_DIR = "raw"
CONTRACTS_DIR = "raw/contracts"
MMM_DIR = "mmm"

MARKETS: tuple[str, ...] = ("UK", "DE", "FR")
CHANNELS: tuple[str, ...] = (
    "tv", "ooh", "print", "radio", "meta", "google", "dv360", "tiktok", "youtube", "linkedin", "events",
)
# The seven vendor contracts (markdown) and the extract's approximate length of each, in lines.
CONTRACTS: dict[str, int] = {
    "ITV_Airtime_Agreement.md": 200,
    "Sky_Airtime_Agreement.md": 200,
    "Sky_BVOD_Addendum.md": 150,
    "JCDecaux_OOH_Contract.md": 200,
    "ClearChannel_DOOH_Agreement.md": 180,
    "Channel4_Media_Partnership.md": 180,
    "MediaAgency_Terms_of_Business.md": 250,
}

# Enumerations of the extract (the words it lists for a column).
COLOURS = ("Aurora Green", "Pearl White", "Nebula Grey", "Midnight Black", "Cosmos Blue", "Sunset Orange")
DEVICES = ("desktop", "mobile", "tablet")
FINANCE_TYPES = ("cash", "pcp", "hp", "lease")

# Logical types: the pandas dtype a column is parsed to, and its Frictionless Table Schema type.
PANDAS_DTYPE = {"string": "str", "integer": "Int64", "number": "float64", "boolean": "boolean",
                "date": "datetime64[ns]", "datetime": "datetime64[ns]", "yearmonth": "str"}
Kind = Literal["string", "integer", "number", "boolean", "date", "datetime", "yearmonth"]

FRACTION = "fraction (0-1)"
PERCENT = "percent (0-100)"
GBP = "GBP"


@dataclass(frozen=True)
class ForeignKey:
    """``column`` of this table must hold a value of ``ref_table.ref_column`` (nulls allowed)."""

    column: str
    ref_table: str
    ref_column: str


@dataclass(frozen=True)
class TableSpec:
    """What pandera does not hold about a table: where it lives and how it is keyed."""

    name: str
    path: str  # relative to the run's output folder
    schema: pa.DataFrameSchema
    primary_key: tuple[str, ...]
    expected_rows: int | None  # the extract's "~N"; None when the world decides (dealers)
    foreign_keys: tuple[ForeignKey, ...] = ()
    period_column: str | None = None  # the date that places a row in the run horizon
    period: Literal["day", "week", "month"] = "day"
    channel: str | None = None  # the media channel whose spend the table reports
    spans_year: bool = False  # activity expected in the first and the last month of the horizon
    rows_rule: str | None = None  # how many rows, when the extract gives no "~N" (the world decides)

    @property
    def title(self) -> str:
        return self.schema.title or self.name

    @property
    def description(self) -> str:
        return self.schema.description or ""


# --------------------------------------------------------------------------- column factories
def col(kind: Kind, description: str, unit: str = "", *, isin: tuple | None = None, ge: float | None = None,
        gt: float | None = None, le: float | None = None, pattern: str | None = None, nullable: bool = False,
        extra: bool = False) -> pa.Column:
    """One column: logical type, meaning, unit and its hard range; ``extra`` = optional, after the specified."""
    checks = []
    if isin is not None:
        checks.append(pa.Check.isin(list(isin)))
    if ge is not None:
        checks.append(pa.Check.ge(ge))
    if gt is not None:
        checks.append(pa.Check.gt(gt))
    if le is not None:
        checks.append(pa.Check.le(le))
    if pattern is not None:
        checks.append(pa.Check.str_matches(pattern))
    return pa.Column(PANDAS_DTYPE[kind], checks=checks, nullable=nullable, required=not extra,
                     description=description, metadata={"kind": kind, "unit": unit, "extra": extra})


def text(description: str, *, isin: tuple | None = None, nullable: bool = False,
         pattern: str | None = None) -> pa.Column:
    return col("string", description, isin=isin, nullable=nullable, pattern=pattern)


def count(description: str, nullable: bool = False) -> pa.Column:
    return col("integer", description, "count", ge=0, nullable=nullable)


def gbp(description: str, nullable: bool = False, unit: str = GBP) -> pa.Column:
    return col("number", description, unit, ge=0, nullable=nullable)


def fraction(description: str, nullable: bool = False) -> pa.Column:
    return col("number", description, FRACTION, ge=0, le=1, nullable=nullable)


def percent(description: str, nullable: bool = False) -> pa.Column:
    return col("number", description, PERCENT, ge=0, le=100, nullable=nullable)


def day(description: str, nullable: bool = False) -> pa.Column:
    return col("date", description, nullable=nullable)


def market(description: str = "market of the row: UK, DE or FR") -> pa.Column:
    return text(description, isin=MARKETS)


def model(description: str = "vehicle model, the scenario's model key (e.g. DEEPAL_S07)",
          nullable: bool = False) -> pa.Column:
    return text(description, nullable=nullable)


def dealer_id(description: str, nullable: bool = False) -> pa.Column:
    return text(description, pattern=r"^DLR\d{3}$", nullable=nullable)


def year_month(description: str = "calendar month") -> pa.Column:
    return col("yearmonth", description, "YYYY-MM", pattern=r"^\d{4}-(0[1-9]|1[0-2])$")


def spend(description: str = "media cost of the row") -> pa.Column:
    return gbp(f"{description}, GBP for every market (net media cost)")


def impressions() -> pa.Column:
    return count("ad impressions served")


def clicks() -> pa.Column:
    return count("clicks on the ad")


def ctr() -> pa.Column:
    return fraction("click-through rate = clicks / impressions (0 or empty when there are no impressions)",
                    nullable=True)


def cpm() -> pa.Column:
    return gbp("cost per thousand impressions = 1000 x spend / impressions (empty without impressions)", nullable=True,
               unit="GBP per 1,000 impressions")


def per_impression(description: str) -> pa.Column:
    """A rate over impressions: empty when there are no impressions."""
    return fraction(f"{description} (empty without impressions)", nullable=True)


def cpc(description: str = "cost per click = spend / clicks (empty when there are no clicks)") -> pa.Column:
    return gbp(description, nullable=True, unit="GBP per click")


def campaign_name(template: str) -> pa.Column:
    return text(f"campaign name, template {template}")


def campaign_id() -> pa.Column:
    return text("platform campaign ID (numeric string, stable for a campaign name)")


# --------------------------------------------------------------------------- row checks
def _rowwise(name: str, error: str, needs: tuple[str, ...],
             rule: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A row-level check that passes rows with a missing operand (nulls and absent columns are
    reported by the column checks, once)."""

    def check(df: pd.DataFrame) -> pd.Series:
        if any(c not in df.columns for c in needs):
            return pd.Series(True, index=df.index)
        known = df[list(needs)].notna().all(axis=1)
        return (rule(df).fillna(False).astype(bool)) | ~known

    return pa.Check(check, name=name, error=error, statistics={"columns": list(needs)})


def not_above(small: str, big: str) -> pa.Check:
    return _rowwise(f"{small}<={big}", f"{small} must not exceed {big}", (small, big),
                    lambda df: df[small] <= df[big])


def not_before(later: str, earlier: str) -> pa.Check:
    return _rowwise(f"{later}>={earlier}", f"{later} must not be before {earlier} (causal order)", (later, earlier),
                    lambda df: df[later] >= df[earlier])


def implies(flag: str, consequence: str) -> pa.Check:
    return _rowwise(f"{flag}=>{consequence}", f"{flag} requires {consequence}", (flag, consequence),
                    lambda df: ~df[flag].astype(bool) | df[consequence].astype(bool))


def frame(title: str, grain: str, cols: dict[str, pa.Column], primary_key: tuple[str, ...],
          checks: tuple[pa.Check, ...] = ()) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(cols, checks=list(checks), unique=list(primary_key), coerce=True,
                              title=title, description=grain, name=title)


# --------------------------------------------------------------------------- digital media
def _meta() -> pa.DataFrameSchema:
    return frame("Meta ads (Facebook + Instagram)", "one row per day x campaign x platform", {
        "date": day("delivery day"),
        "campaign_name": campaign_name("{market}_{model}_Meta_{objective}_{quarter}"),
        "campaign_id": campaign_id(),
        "platform": text("placement platform", isin=("Facebook", "Instagram")),
        "objective": text("campaign objective", isin=("awareness", "traffic", "lead_gen", "conversions")),
        "market": market(),
        "model": model(),
        "impressions": impressions(),
        "clicks": clicks(),
        "ctr": ctr(),
        "cpm": cpm(),
        "cpc": cpc(),
        "spend": spend(),
        "reach": count("unique people reached that day"),
        "frequency": col("number", "average impressions per person reached = impressions / reach (empty without reach)",
                         "impressions per person", ge=0, nullable=True),
        "video_views": count("video views (3-second plays)"),
        "video_view_rate": per_impression("video_views / impressions"),
        "leads": count("leads Meta attributes to the ad: its instant-form leads (a few never reach the CRM) and "
                       "website leads inside its 7-day-click / 1-day-view window ([reporting.attribution.meta])"),
        "link_clicks": count("clicks on the ad's link to the website"),
        "landing_page_views": count("link clicks whose landing page loaded: the first-party website sessions "
                                    "of the ad (web analytics sees the consenting share)"),
        "cost_per_lead": gbp("spend / leads (empty when there are no leads)", nullable=True, unit="GBP per lead"),
    }, ("date", "campaign_id", "platform"), (not_above("clicks", "impressions"), not_above("link_clicks", "clicks"),
                                             not_above("landing_page_views", "link_clicks"),
                                             not_above("reach", "impressions"), not_above("video_views",
                                                                                          "impressions")))


def _google() -> pa.DataFrameSchema:
    return frame("Google Ads (Search, Performance Max, Display)", "one row per day x campaign x keyword group", {
        "date": day("delivery day"),
        "campaign_name": campaign_name("{market}_{model}_Google_{campaign_type}_{quarter}"),
        "campaign_id": campaign_id(),
        "campaign_type": text("campaign type", isin=("search", "pmax", "display")),
        "market": market(),
        "model": model(),
        "keyword_group": text("keyword theme or asset group; brand terms start with 'brand' (brand_deepal), "
                              "generic terms with 'generic' (generic_electric_suv)"),
        "impressions": impressions(),
        "clicks": clicks(),
        "ctr": ctr(),
        "avg_cpc": cpc("average cost per click = spend / clicks (empty when there are no clicks)"),
        "spend": spend(),
        "conversions": count("conversions Google attributes to the ad: configurator starts, test drive requests and "
                             "lead-form leads after a click on it (same session or 30-day click window)"),
        "conversion_rate": fraction("conversions / clicks (empty when there are no clicks)", nullable=True),
        "cost_per_conversion": gbp("spend / conversions (empty when there are no conversions)", nullable=True,
                                   unit="GBP per conversion"),
        "quality_score": col("integer", "Google quality score of the keyword group (search only)", "score 1-10",
                             ge=1, le=10, nullable=True),
        "impression_share": fraction("impressions won / impressions eligible", nullable=True),
        "search_impression_share": fraction("search impression share (search campaigns only)", nullable=True),
    }, ("date", "campaign_id", "keyword_group"), (not_above("clicks", "impressions"),))


def _dv360() -> pa.DataFrameSchema:
    return frame("DV360 programmatic display and video", "one row per day x line item x exchange", {
        "date": day("delivery day"),
        "insertion_order": campaign_name("{market}_{model}_DV360_{tactic}_{quarter}"),
        "line_item_name": text("line item: insertion order + creative size"),
        "line_item_id": text("DV360 line item ID (numeric string)"),
        "market": market(),
        "model": model(),
        "creative_size": text("creative size", isin=("300x250", "728x90", "160x600", "320x50", "video_pre-roll")),
        "exchange": text("ad exchange that cleared the impressions (e.g. Google AdX, Xandr)"),
        "impressions": impressions(),
        "clicks": clicks(),
        "ctr": ctr(),
        "cpm": cpm(),
        "spend": spend(),
        "viewable_impressions": count("impressions measured viewable (MRC standard)"),
        "viewability_rate": per_impression("viewable_impressions / impressions"),
        "video_completions": count("video ads played to the end (0 for display sizes)"),
        "video_completion_rate": fraction("video_completions / impressions (video_pre-roll only, else empty)",
                                          nullable=True),
    }, ("date", "line_item_id", "exchange"), (not_above("clicks", "impressions"),
                                              not_above("viewable_impressions", "impressions"),
                                  not_above("video_completions", "impressions")))


def _tiktok() -> pa.DataFrameSchema:
    return frame("TikTok ads", "one row per day x campaign", {
        "date": day("delivery day"),
        "campaign_name": campaign_name("{market}_{model}_TikTok_{format}_{quarter}"),
        "campaign_id": campaign_id(),
        "objective": text("campaign objective", isin=("awareness", "traffic")),
        "market": market(),
        "model": model(),
        "impressions": impressions(),
        "clicks": clicks(),
        "ctr": ctr(),
        "cpm": cpm(),
        "spend": spend(),
        "video_views": count("video views (2-second plays)"),
        "video_view_rate": per_impression("video_views / impressions"),
        "avg_watch_time_seconds": col("number", "average watch time per video view (empty without views)", "seconds",
                                      ge=0,
                                      nullable=True),
        "shares": count("shares of the ad"),
        "comments": count("comments on the ad"),
        "likes": count("likes of the ad"),
        "profile_visits": count("visits to the brand's TikTok profile from the ad"),
        "website_clicks": count("clicks through to the website (they land as sessions of social_paid)"),
    }, ("date", "campaign_id"), (not_above("clicks", "impressions"), not_above("video_views", "impressions"),
                                 not_above("website_clicks", "clicks")))


def _youtube() -> pa.DataFrameSchema:
    played = "share of impressions whose video played to {}% (YouTube's 'Video played to {}%')"
    return frame("YouTube ads", "one row per day x campaign x format", {
        "date": day("delivery day"),
        "campaign_name": campaign_name("{market}_{model}_YT_{format}_{quarter}"),
        "campaign_id": campaign_id(),
        "format": text("ad format", isin=("TrueView", "Bumper", "Shorts")),
        "market": market(),
        "model": model(),
        "impressions": impressions(),
        "views": count("paid views (TrueView: 30 s or completion; Bumper and Shorts: plays)"),
        "view_rate": per_impression("views / impressions"),
        "clicks": clicks(),
        "ctr": ctr(),
        "cpv": gbp("cost per view = spend / views (empty when there are no views)", nullable=True, unit="GBP per view"),
        "cpm": cpm(),
        "spend": spend(),
        "video_played_25": per_impression(played.format(25, 25)),
        "video_played_50": per_impression(played.format(50, 50)),
        "video_played_75": per_impression(played.format(75, 75)),
        "video_played_100": per_impression(played.format(100, 100)),
        "earned_views": count("unpaid views of the channel's videos that followed a paid view"),
        "earned_subscribers": count("channel subscriptions that followed a paid view"),
    }, ("date", "campaign_id", "format"), (not_above("clicks", "impressions"), not_above("views", "impressions"),
                                           not_above("video_played_50", "video_played_25"),
                                           not_above("video_played_75", "video_played_50"),
                                           not_above("video_played_100", "video_played_75")))


def _linkedin() -> pa.DataFrameSchema:
    return frame("LinkedIn ads", "one row per day x campaign", {
        "date": day("delivery day"),
        "campaign_name": campaign_name("{market}_{model}_LI_{objective}_{quarter}"),
        "campaign_id": campaign_id(),
        "objective": text("campaign objective", isin=("awareness", "lead_gen")),
        "market": market(),
        "model": model(),
        "impressions": impressions(),
        "clicks": clicks(),
        "ctr": ctr(),
        "cpm": cpm(),
        "cpc": cpc(),
        "spend": spend(),
        "leads": count("leads LinkedIn attributes to the ad: Lead Gen Form submissions (fleet and B2B; a few never "
                       "reach the CRM) and website leads inside its 30-day-click / 7-day-view window"),
        "cost_per_lead": gbp("spend / leads (empty when there are no leads)", nullable=True, unit="GBP per lead"),
        "social_actions": count("likes, comments and shares"),
        "follower_gains": count("new followers of the company page"),
        "company_page_clicks": count("clicks to the company page"),
    }, ("date", "campaign_id"), (not_above("clicks", "impressions"),))


# --------------------------------------------------------------------------- traditional media
def _tv() -> pa.DataFrameSchema:
    return frame("TV performance (linear and BVOD)",
                 "one row per week x broadcaster x daypart x spot length x programme", {
        "date_week_start": day("Monday of the airtime week"),
        "broadcaster": text("broadcaster and platform",
                            isin=("ITV", "Channel4", "Sky", "ITV_BVOD", "Channel4_BVOD", "Sky_BVOD")),
        "daypart": text("daypart", isin=("peak", "off-peak", "daytime", "late_night")),
        "market": market("market (TV is UK only in the baseline)"),
        "spot_length_seconds": col("integer", "spot length: 60 launch hero, 30 main, 10 reminder", "seconds",
                                   isin=(10, 30, 60)),
        "spots_aired": count("spots transmitted (BVOD: ad slots booked)"),
        "grps": col("number", "gross rating points delivered to adults", "rating points", ge=0),
        "reach_000": col("number", "adults reached at least once", "thousands of people", ge=0),
        "reach_pct": percent("reach_000 as a share of the adult population"),
        "avg_frequency": col("number",
                             "average opportunities to see per reached adult = grps / reach_pct (empty without "
                             "reach)", "times", ge=0, nullable=True),
        "cpp": gbp("cost per rating point = spend / grps", nullable=True, unit="GBP per rating point"),
        "spend": spend(),
        "programme_name": text("the programme the spots ran in or around; it airs in that whole broadcast week "
                               "(media.channels.tv.programme_seasons of the scenario)"),
    }, ("date_week_start", "broadcaster", "daypart", "spot_length_seconds", "programme_name"))


def _ooh() -> pa.DataFrameSchema:
    return frame("Out-of-home and digital out-of-home", "one row per campaign period (2-week cycle) x format x city", {
        "campaign_name": campaign_name("{market}_{model}_OOH_{kind}_{quarter}"),
        "campaign_id": campaign_id(),
        "start_date": day("first day of the booking cycle"),
        "end_date": day("last day of the booking cycle"),
        "market": market("market (OOH is UK only in the baseline)"),
        "format": text("site format", isin=("classic_48sheet", "classic_96sheet", "digital_d6", "digital_large",
                                            "bus_shelter", "transport_rail", "transport_underground")),
        "vendor": text("media owner", isin=("JCDecaux", "ClearChannel")),
        "sites_booked": count("panels or screens booked"),
        "impressions": impressions(),
        "reach_000": col("number", "adults reached at least once", "thousands of people", ge=0),
        "frequency": col("number", "average impressions per adult reached (empty without reach)", "times", ge=0,
                         nullable=True),
        "spend": spend(),
        "region": text("UK region of the sites"),
        "city": text("city of the sites"),
    }, ("campaign_id", "start_date", "format", "city"), (not_before("end_date", "start_date"),))


def _print() -> pa.DataFrameSchema:
    return frame("Print insertions", "one row per insertion", {
        "date": day("on-sale (cover) date of the edition"),
        "publication": text("publication", isin=("Autocar", "What Car?", "Top Gear Magazine", "Auto Express",
                                                 "Sunday Times Driving", "The Telegraph Motoring", "CAR Magazine")),
        "edition": text("edition or issue label"),
        "format": text("ad format", isin=("full_page", "half_page", "dps", "cover_wrap", "advertorial")),
        "market": market("market (print is UK only in the baseline)"),
        "model": model(),
        "rate_card_cost": gbp("rate-card price of the insertion"),
        "negotiated_cost": gbp("price agreed with the publisher (50-70% of rate card)"),
        "spend": spend("cost of the insertion (= negotiated_cost)"),
        "circulation": count("copies of the edition in circulation"),
        "readership_000": col("number", "readers of the edition", "thousands of people", ge=0),
        "page_number": col("integer", "page of the insertion (1 = front cover)", "page", ge=1),
        "creative_id": text("creative used"),
    }, ("date", "publication", "edition", "page_number"), (not_above("negotiated_cost", "rate_card_cost"),))


def _radio() -> pa.DataFrameSchema:
    return frame("Radio flights", "one row per flight x station x daypart", {
        "campaign_name": campaign_name("{market}_{model}_Radio_{kind}_{region}_{month}"),
        "start_date": day("first day of the flight"),
        "end_date": day("last day of the flight"),
        "station": text("radio station"),
        "station_group": text("station group", isin=("Global", "Bauer", "Wireless")),
        "market": market("market (radio is UK only in the baseline)"),
        "daypart": text("daypart", isin=("breakfast_drive", "daytime", "evening_drive")),
        "spots_per_day": count("30-second spots per day"),
        "total_spots": count("spots over the flight"),
        "reach_000": col("number", "adults reached at least once", "thousands of people", ge=0),
        "frequency": col("number", "average times a reached adult heard the spot (empty without reach)", "times", ge=0,
                         nullable=True),
        "cpm": cpm(),
        "spend": spend(),
        "region": text("UK region of the flight ('National' for national stations)"),
    }, ("campaign_name", "station", "daypart", "start_date"), (not_before("end_date", "start_date"),))


# --------------------------------------------------------------------------- context
def _competitors() -> pa.DataFrameSchema:
    return frame("Competitor media spend estimates", "one row per month x competitor x channel", {
        "year_month": year_month(),
        "competitor": text("competitor brand", isin=("BYD", "Tesla", "MG", "Hyundai_Ioniq", "Xpeng")),
        "channel": text("media channel group; 'total' is the sum of the others",
                        isin=("tv", "digital", "ooh", "print", "radio", "total")),
        "estimated_spend_gbp": gbp("estimated UK media spend of the competitor in the month and channel"),
        "share_of_voice_pct": percent("competitor's share of all spend (competitors + our brand) in the month and "
                                      "channel"),
        "source": text("estimate provider", isin=("Nielsen Ad Intel Estimate",)),
    }, ("year_month", "competitor", "channel"))


def _economy() -> pa.DataFrameSchema:
    return frame("Economic indicators", "one row per month x country (UK, DE, FR)", {
        "year_month": year_month(),
        "country": market("country: UK, DE or FR"),
        "smmt_total_registrations": count("new-car registrations in the month; for DE and FR the country's national "
                                          "figure (KBA, PFA), not SMMT (spec README decision 5)"),
        "smmt_bev_registrations": count("battery-electric new-car registrations (national figure for DE and FR)"),
        "bev_market_share_pct": percent("smmt_bev_registrations / smmt_total_registrations"),
        "consumer_confidence_index": col("number", "consumer confidence: GfK (UK, DE), INSEE (FR)", "index points",
                                         ge=-100, le=200),
        "bank_rate_pct": col("number", "policy rate: Bank Rate (UK), ECB deposit facility rate (DE, FR)", PERCENT,
                             ge=-5, le=100),
        "avg_petrol_price_ppl": gbp("average pump price of petrol, converted to pence at the fixed rate for DE/FR",
                                    unit="pence per litre"),
        "avg_electricity_price_pkwh": gbp("household electricity price, converted to pence at the fixed rate for DE/FR",
                                          unit="pence per kWh"),
        "unemployment_rate_pct": percent("unemployment rate (ILO)"),
        "cpi_index": col("number", "consumer price index (national base year)", "index points", gt=0),
        "new_car_avg_transaction_price_gbp": gbp("average new-car transaction price, GBP for every country"),
    }, ("year_month", "country"))


def _events() -> pa.DataFrameSchema:
    return frame("Events and sponsorships", "one row per event", {
        "event_name": text("event"),
        "event_type": text("event type", isin=("motor_show", "test_drive_event", "sponsorship", "dealer_launch",
                                               "fleet_event", "press_event")),
        "start_date": day("first day of the event"),
        "end_date": day("last day of the event"),
        "location": text("venue and town"),
        "market": market(),
        "estimated_attendance": count("visitors"),
        "media_impressions": count("impressions of the event's coverage and activation media"),
        "spend": spend("cost of the event"),
        "leads_generated": count("leads.csv rows with source event_signup created at the event"),
        "test_drives_completed": count("test drives completed at the event"),
        "description": text("what happened"),
        "region": col("string", "region of the venue (the scenario's markets.<market>.regions): the event's "
                      "coverage and activation reach that region's consumers; empty for a national event",
                      nullable=True, extra=True),
    }, ("event_name", "start_date"), (not_before("end_date", "start_date"),))


def _sla() -> pa.DataFrameSchema:
    return frame("Vendor SLA tracking", "one row per month x vendor x SLA metric", {
        "year_month": year_month(),
        "vendor": text("contract counterparty (e.g. ITV, JCDecaux, the media agency)"),
        "contract_type": text("what the contract buys (e.g. TV airtime, OOH, digital, agency services)"),
        "metric_name": text("the SLA metric (e.g. GRP delivery, site availability, viewability, reporting timeliness)"),
        "contracted_value": col("number", "value the contract commits to, in the metric's unit", "metric unit"),
        "actual_value": col("number", "value delivered, in the metric's unit", "metric unit"),
        "variance_pct": col("number", "100 x (actual_value - contracted_value) / contracted_value (empty when nothing "
                            "was contracted)", PERCENT, nullable=True),
        "in_compliance": col("boolean", "whether the month met the SLA"),
        "notes": text("explanation of a miss or make-good", nullable=True),
    }, ("year_month", "vendor", "contract_type", "metric_name"))


# --------------------------------------------------------------------------- sales pipeline
def _sales() -> pa.DataFrameSchema:
    return frame("Vehicle sales", "one row per vehicle sold (registered to a customer)", {
        "sale_id": text("sale ID"),
        "sale_date": day("contract date of the sale"),
        "market": market(),
        "dealer_id": dealer_id("selling dealer (dealers.csv)"),
        "dealer_name": text("selling dealer's name (dealers.csv)"),
        "dealer_region": text("selling dealer's region (dealers.csv)"),
        "model": model(),
        "trim": text("trim of the model (scenario's trims)"),
        "colour": text("paint colour", isin=COLOURS),
        "sale_type": text("sale type", isin=("retail", "fleet", "salary_sacrifice")),
        "list_price_gbp": gbp("list price of the trim, GBP for every market", unit=GBP),
        "transaction_price_gbp": gbp("price paid after discount, GBP for every market"),
        "discount_pct": percent("100 x (list_price_gbp - transaction_price_gbp) / list_price_gbp"),
        "finance_type": text("how the car was paid for", isin=FINANCE_TYPES),
        "finance_term_months": col("integer", "finance term (0 or empty for cash)", "months", ge=0, nullable=True),
        "lead_source": text("path that brought the buyer", isin=SALE_SOURCES),
        "days_from_lead": col("integer", "days from the buyer's lead to the sale (empty without a lead)", "days", ge=0,
                              nullable=True),
        "days_from_test_drive": col("integer",
                                    "days from the buyer's completed test drive to the sale (empty without one)",
                                    "days", ge=0, nullable=True),
        "customer_postcode_area": text("first characters of the buyer's postcode (UK area letters, DE/FR first two "
                                       "digits)",
                                       pattern=r"^[A-Z0-9]{1,4}$"),
        "currency": col("string", "currency of the market (GBP for UK, EUR for DE and FR)", isin=("GBP", "EUR"),
                        extra=True),
        "transaction_price_local": col("number", "transaction price in the market's currency", "currency of the row",
                                       ge=0, extra=True),
        "lead_id": col("string", "the buyer's lead (leads.csv); empty for a walk-in or referral without one",
                       nullable=True, extra=True),
        "booking_id": col("string", "the completed test drive the sale followed (test_drives.csv); empty without one",
                          nullable=True, extra=True),
    }, ("sale_id",), (not_above("transaction_price_gbp", "list_price_gbp"),))


def _website() -> pa.DataFrameSchema:
    return frame("Website analytics", "one row per day x traffic channel x device x market", {
        "date": day("day of the sessions"),
        "channel": text("traffic channel", isin=WEB_CHANNELS),
        "device": text("device category", isin=DEVICES),
        "market": market("market of the country site"),
        "sessions": count("website sessions of visitors who accepted analytics cookies (paid channels: the "
                          "platforms' landed clicks; the configurator and CRM see every visitor)"),
        "users": count("distinct users (a user may have several sessions in a day)"),
        "new_users": count("users analytics counts as new: visitors new to the site, plus returning visitors it "
                           "does not recognise (cookies cleared, expired or declined before, another device)"),
        "bounce_rate": fraction("single-page sessions / sessions (empty without sessions)", nullable=True),
        "pages_per_session": col("number", "pages viewed per session", "pages", ge=0, nullable=True),
        "avg_session_duration_seconds": col("number", "average session duration: (1 - bounce rate) x the length "
                                            "of a session that does not bounce (a bounce lasts 0 s)", "seconds",
                                            ge=0, nullable=True),
        "goal_completions": count("completed goals, each at most once per session: configurator_start (the "
                                  "consenting configurator_sessions.csv rows of the day, market, channel and "
                                  "device) + "
                                  "test_drive_booking (website bookings of test_drives.csv) + brochure_download + "
                                  "dealer_locator"),
        "events_count": count("tracked interaction events"),
    }, ("date", "channel", "device", "market"), (not_above("users", "sessions"), not_above("new_users", "users")))


def _configurator() -> pa.DataFrameSchema:
    return frame("Online configurator sessions", "one row per configurator session", {
        "session_id": text("configurator session ID"),
        "start_timestamp": col("datetime", "local time the session started", "ISO 8601"),
        "market": market(),
        "device": text("device category", isin=DEVICES),
        "referral_source": text("website traffic channel the session came from", isin=WEB_CHANNELS),
        "model_selected": model("model configured (scenario model key)"),
        "trim_selected": text("trim chosen (empty if abandoned before)", nullable=True),
        "colour_selected": text("colour chosen (empty if abandoned before)", isin=COLOURS, nullable=True),
        "wheels_selected": text("wheel size chosen, e.g. 19\" (empty if abandoned before)", nullable=True),
        "interior_selected": text("interior chosen (empty if abandoned before)", nullable=True),
        "accessories_added": count("accessories added to the configuration"),
        "finance_option_viewed": col("boolean", "whether the finance calculator was opened"),
        "monthly_payment_viewed": gbp("monthly payment the calculator showed (empty if not opened)", nullable=True,
                                      unit="GBP per month"),
        "completed": col("boolean", "whether the configuration was completed (summary page reached)"),
        "completion_time_seconds": col("number", "time from start to completion (empty if not completed)", "seconds",
                                       ge=0, nullable=True),
        "lead_submitted": col("boolean", "whether a lead was submitted from the completed configuration"),
        "utm_source": text("utm_source of the landing URL (empty for unpaid traffic)", nullable=True),
        "utm_medium": text("utm_medium of the landing URL (empty for unpaid traffic)", nullable=True),
        "utm_campaign": text("utm_campaign: a campaign_name of the media CSVs (empty for unpaid traffic)",
                             nullable=True),
    }, ("session_id",), (implies("lead_submitted", "completed"),))


def _leads() -> pa.DataFrameSchema:
    return frame("Leads (CRM)", "one row per lead", {
        "lead_id": text("lead ID"),
        "created_date": day("day the lead was created"),
        "market": market(),
        "source": text("how the lead arrived", isin=LEAD_SOURCES),
        "model_interest": model("model the lead asked about (scenario model key)", nullable=True),
        "dealer_id": dealer_id("dealer the lead is assigned to (dealers.csv): its latest booking's, the selling "
                               "dealer once WON; empty before assignment", nullable=True),
        "lead_status": text("pipeline status on status_date", isin=LEAD_STATUSES),
        "status_date": day("day the lead reached lead_status"),
        "days_in_pipeline": col("integer", "days from created_date to status_date", "days", ge=0),
        "assigned_dealer": text("name of the dealer of dealer_id (empty before assignment)", nullable=True),
        "lead_score": col("integer", "CRM lead score; higher converts more often", "score 1-100", ge=1, le=100),
        "contact_attempts": count("calls and emails by the dealer or call centre"),
        "first_response_hours": col("number", "hours from the lead reaching a dealer to the first contact: from "
                                    "creation, or from the market's launch for a pre-launch lead (empty if "
                                    "never contacted)",
                                    "hours", ge=0, nullable=True),
        "customer_region": col("string", "region of the customer's address in the CRM (the scenario's "
                               "markets.<market>.regions); where the lead came from, whichever dealer serves it",
                               extra=True),
    }, ("lead_id",), (not_before("status_date", "created_date"),))


def _test_drives() -> pa.DataFrameSchema:
    return frame("Test drive bookings", "one row per booking", {
        "booking_id": text("booking ID"),
        "booking_date": day("day the booking was made"),
        "test_drive_date": day("day of the (planned) test drive"),
        "market": market(),
        "dealer_id": dealer_id("dealer of the test drive (dealers.csv)"),
        "dealer_name": text("dealer's name (dealers.csv)"),
        "model": model(),
        "source": text("where the booking came from", isin=DRIVE_SOURCES),
        "status": text("booking status at the end of the horizon", isin=TEST_DRIVE_STATUSES),
        "lead_id": text("the lead that booked (leads.csv)"),
        "feedback_score": col("integer", "customer feedback after the drive (completed drives only)", "score 1-5",
                              ge=1, le=5, nullable=True),
        "feedback_text": text("short customer comment (completed drives only)", nullable=True),
        "duration_minutes": col("integer", "length of the drive (completed drives only)", "minutes", ge=0,
                                nullable=True),
        "sale_within_90_days": col("boolean", "whether the customer bought within 90 days of the drive"),
        "days_to_sale": col("integer", "days from the test drive to the sale (empty without a sale)", "days", ge=0,
                            nullable=True),
    }, ("booking_id",), (not_before("test_drive_date", "booking_date"),))


def _dealers() -> pa.DataFrameSchema:
    return frame("Dealer network", "one row per dealer (UK DLR001-DLR050, then DE and FR)", {
        "dealer_id": dealer_id("dealer ID"),
        "dealer_name": text("dealer name"),
        "dealer_group": text("dealer group"),
        "market": market(),
        "region": text("region"),
        "city": text("city"),
        "is_launch_dealer": col("boolean", "whether the dealer opened on the market's launch date"),
        "opening_date": day("day the dealer opened for test drives and sales"),
        "daily_test_drive_capacity": col("integer", "test drives the dealer can serve per day", "test drives per day",
                                         gt=0),
    }, ("dealer_id",))


# --------------------------------------------------------------------------- weekly MMM tables
def _week() -> pa.Column:
    return day("Monday starting the week (weeks of the MMM calendar)")


def _spend_columns() -> dict[str, pa.Column]:
    cols = {f"{c}_spend": gbp(f"{c} spend in the week, all markets: the {c} rows of raw/, a row covering several "
                              "days spread evenly over them (the phasing rule, sim/schemas/phasing.py)")
            for c in CHANNELS}
    cols["total_spend"] = gbp("sum of the channel spend columns")
    return cols


def _sales_columns() -> dict[str, pa.Column]:
    cols: dict[str, pa.Column] = {}
    for m in ("uk", "de", "fr"):
        cols[f"{m}_units"] = count(f"{m.upper()} vehicles sold in the week (vehicle_sales.csv)")
    cols["total_units"] = count("vehicles sold in the week, all markets")
    for m in ("uk", "de", "fr"):
        cols[f"{m}_revenue"] = gbp(f"{m.upper()} sales revenue in the week: sum of transaction_price_gbp")
    cols["total_revenue"] = gbp("sales revenue in the week, all markets, GBP")
    cols["uk_test_drives"] = count("UK test drives completed in the week (test_drives.csv)")
    cols["uk_leads"] = count("UK leads created in the week (leads.csv)")
    cols["uk_web_sessions"] = count("UK website sessions in the week (website_analytics.csv)")
    return cols


def _controls() -> dict[str, pa.Column]:
    return {
        "bev_share": percent("UK battery-electric share of new-car registrations in the week "
                             "(economic_indicators.csv)"),
        "consumer_confidence": col("number", "UK consumer confidence in the week (economic_indicators.csv)",
                                   "index points"),
        "bank_rate": col("number", "UK Bank Rate in the week (economic_indicators.csv)", PERCENT),
        "competitor_total_spend": gbp("competitors' estimated spend in the week (competitor_spend.csv, channel total, "
                                      "months spread over their days)"),
    }


def _weekly_spend() -> pa.DataFrameSchema:
    return frame("Weekly media spend by channel", "one row per week", {"week_start": _week(), **_spend_columns()},
                 ("week_start",))


def _weekly_sales() -> pa.DataFrameSchema:
    return frame("Weekly sales and funnel outcomes", "one row per week", {"week_start": _week(), **_sales_columns()},
                 ("week_start",))


def _model_ready() -> pa.DataFrameSchema:
    adstock = {f"{c}_adstock": gbp(f"geometric adstock of {c}_spend: a_t = {c}_spend_t + decay x a_(t-1), "
                                   "weekly decay of the extract (TV 0.85, OOH 0.70, print 0.60, radio 0.50, "
                                   "digital 0.40; events: the scenario's value)", unit="GBP (adstocked)")
               for c in CHANNELS}
    return frame("MMM-ready weekly table", "one row per week: spend, adstocked spend, outcomes and controls",
                 {"week_start": _week(), **_spend_columns(), **adstock, **_sales_columns(), **_controls()},
                 ("week_start",))


def _geo_weekly() -> pa.DataFrameSchema:
    national = ("declared national: the figure of the geo's country (every UK region has the UK's; a region has "
                "none of its own)")
    spend = {f"{c}_spend": gbp(f"{c} spend in the week and geo: its region's rows (radio, OOH, events where the "
                               "row names a region), else the market's rows split over its geos by population "
                               "share; pennies allotted so the geos add up to weekly_channel_spend")
             for c in CHANNELS}
    exposure = {f"{c}_impressions": count(f"{c} impressions in the week and geo, split as {c}_spend is (TV: "
                                          "reach_000 x 1000 x avg_frequency; radio: reach_000 x 1000 x frequency; "
                                          "print: readership_000 x 1000; events: media_impressions), whole "
                                          "impressions adding up over the geos")
                for c in CHANNELS}
    return frame("Weekly geo panel", "one row per week x geo (the UK's regions, Germany, France)", {
        "week_start": _week(),
        "geo": text("geo: a UK region (markets.UK.regions of the scenario) or a market (DE, FR)"),
        "market": market("market the geo belongs to"),
        "population": col("integer", "adults in the geo: the market's adult_population_m x the region's population "
                          "weight / the sum of the market's weights (whole adults adding up to the market's)",
                          "people", gt=0),
        **spend, **exposure,
        "units": count("vehicles sold in the week by the geo's dealers (vehicle_sales.csv; region of dealers.csv)"),
        "revenue": gbp("sum of transaction_price_gbp of those sales"),
        "leads": count("leads created in the week: the region of the lead's dealer (dealers.csv), else its "
                       "customer_region (leads.csv)"),
        "test_drives": count("test drives completed in the week at the geo's dealers (test_drives.csv)"),
        "has_sales": col("integer", "1 in a week with at least one unit sold in the geo, else 0", "flag",
                         isin=(0, 1)),
        "bev_share": percent(f"BEV share of new-car registrations (economic_indicators.csv), {national}"),
        "consumer_confidence": col("number", "the country's consumer-confidence survey (GfK balance UK/DE, INSEE "
                                   "index FR) minus its mean over the file's weeks, so that one scale holds for "
                                   f"every geo; {national}", "survey points"),
        "bank_rate": col("number", "policy rate of the geo's currency area (Bank Rate UK, ECB deposit facility "
                         f"rate DE/FR), {national}", PERCENT),
    }, ("week_start", "geo"))


# --------------------------------------------------------------------------- the tables
def _raw(name: str) -> str:
    return f"{RAW_DIR}/{name}.csv"


def _dealer_fk(column: str = "dealer_id") -> ForeignKey:
    return ForeignKey(column, "dealers", "dealer_id")


def _specs() -> list[TableSpec]:
    digital = dict(period_column="date", spans_year=True)
    weekly = dict(period_column="week_start", period="week", spans_year=True)
    return [
        TableSpec("meta_ads", _raw("meta_ads"), _meta(), ("date", "campaign_id", "platform"), 8000, channel="meta",
                  **digital),
        TableSpec("google_ads", _raw("google_ads"), _google(), ("date", "campaign_id", "keyword_group"), 6000,
                  channel="google", **digital),
        TableSpec("dv360", _raw("dv360"), _dv360(), ("date", "line_item_id", "exchange"), 4000, channel="dv360",
                  **digital),
        TableSpec("tiktok_ads", _raw("tiktok_ads"), _tiktok(), ("date", "campaign_id"), 3000, channel="tiktok",
                  **digital),
        TableSpec("youtube_ads", _raw("youtube_ads"), _youtube(), ("date", "campaign_id", "format"), 4000,
                  channel="youtube", **digital),
        TableSpec("linkedin_ads", _raw("linkedin_ads"), _linkedin(), ("date", "campaign_id"), 1500, channel="linkedin",
                  **digital),
        TableSpec("tv_performance", _raw("tv_performance"), _tv(),
                  ("date_week_start", "broadcaster", "daypart", "spot_length_seconds", "programme_name"), 300,
                  period_column="date_week_start", period="week", channel="tv"),
        TableSpec("ooh_performance", _raw("ooh_performance"), _ooh(), ("campaign_id", "start_date", "format", "city"),
                  150,
                  period_column="start_date", channel="ooh"),
        TableSpec("print_performance", _raw("print_performance"), _print(),
                  ("date", "publication", "edition", "page_number"),
                  100, period_column="date", channel="print"),
        TableSpec("radio_performance", _raw("radio_performance"), _radio(),
                  ("campaign_name", "station", "daypart",
                   "start_date"), 60, period_column="start_date", channel="radio"),
        TableSpec("competitor_spend", _raw("competitor_spend"), _competitors(),
                  ("year_month", "competitor", "channel"), 360,
                  period_column="year_month", period="month", spans_year=True),
        TableSpec("economic_indicators", _raw("economic_indicators"), _economy(), ("year_month", "country"), 36,
                  period_column="year_month", period="month", spans_year=True),
        TableSpec("events", _raw("events"), _events(), ("event_name", "start_date"), 15, period_column="start_date",
                  channel="events"),
        TableSpec("sla_tracking", _raw("sla_tracking"), _sla(),
                  ("year_month", "vendor", "contract_type", "metric_name"), 50,
                  period_column="year_month", period="month"),
        TableSpec("vehicle_sales", _raw("vehicle_sales"), _sales(), ("sale_id",), 4600,
                  (_dealer_fk(), ForeignKey("lead_id", "leads", "lead_id"),
                   ForeignKey("booking_id", "test_drives", "booking_id")),
                  period_column="sale_date"),
        TableSpec("website_analytics", _raw("website_analytics"), _website(), ("date", "channel", "device", "market"),
                  5000,
                  **digital),
        TableSpec("configurator_sessions", _raw("configurator_sessions"), _configurator(), ("session_id",), 12000,
                  period_column="start_timestamp"),
        TableSpec("leads", _raw("leads"), _leads(), ("lead_id",), 10000, (_dealer_fk(),), period_column="created_date"),
        TableSpec("test_drives", _raw("test_drives"), _test_drives(), ("booking_id",), 8000,
                  (_dealer_fk(), ForeignKey("lead_id", "leads", "lead_id")), period_column="booking_date"),
        TableSpec("dealers", _raw("dealers"), _dealers(), ("dealer_id",), None,
                  rows_rule="one per dealer of the scenario"),
        TableSpec("weekly_channel_spend", f"{MMM_DIR}/weekly_channel_spend.csv", _weekly_spend(), ("week_start",), 52,
                  **weekly),
        TableSpec("weekly_sales", f"{MMM_DIR}/weekly_sales.csv", _weekly_sales(), ("week_start",), 52, **weekly),
        TableSpec("model_ready", f"{MMM_DIR}/model_ready.csv", _model_ready(), ("week_start",), 52, **weekly),
        TableSpec("geo_weekly", f"{MMM_DIR}/geo_weekly.csv", _geo_weekly(), ("week_start", "geo"), None,
                  rows_rule="one per week x geo (each region of markets.UK.regions, then DE and FR)", **weekly),
    ]


TABLES: dict[str, TableSpec] = {spec.name: spec for spec in _specs()}
RAW_TABLES: tuple[str, ...] = tuple(n for n, s in TABLES.items() if s.path.startswith(RAW_DIR + "/") and n != "dealers")
CHANNEL_TABLES: dict[str, str] = {s.channel: n for n, s in TABLES.items() if s.channel}


def schema_for(name: str) -> pa.DataFrameSchema:
    """The pandera schema of table ``name`` (coercing: validate in-memory frames before writing)."""
    return spec_for(name).schema


def spec_for(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None


def columns(name: str, extras: bool = True) -> list[str]:
    """Column order of table ``name``: the extract's columns, then (``extras``) the declared extras.

    Exporters write ``frame[columns(name)]``.
    """
    return [c for c, column in schema_for(name).columns.items() if extras or not column.metadata["extra"]]


def column_meta(column: pa.Column) -> dict:
    """Logical type, unit and whether the column is an optional extra."""
    return column.metadata or {}
