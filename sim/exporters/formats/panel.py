"""The weekly panel every tool's files are cut from: the raw exports per geo and week.

Built from ``raw/`` (the numbers an analyst would rebuild from the platform and CRM exports,
not the simulator's internals), for whatever geos and weeks it is given: the writers never
assume a number of weeks or geos.

* **Weeks** are the ``week_start`` values of ``mmm/model_ready.csv``. A day belongs to the last
  week starting on or before it; days after the last week start (31 December when weeks start
  on 1 January) fall into the last week, days before the first into the first.
* **Spend and exposure** come from one function, :func:`weekly_media` (GBP in every market).
  A row that covers a period (OOH, radio and events: ``start_date``..``end_date``; TV: the 7
  days from ``date_week_start``) is spread evenly over its days before it is binned into
  weeks: the phasing rule of :mod:`sim.schemas.phasing`, the very rule of
  ``mmm/weekly_channel_spend.csv``, so both rebuild from ``raw/``. Exposure (impressions, the
  execution measure beside spend): digital ``impressions``;
  OOH ``impressions``; TV ``reach_000 * 1000 * avg_frequency`` (impacts); radio
  ``reach_000 * 1000 * frequency``; print ``readership_000 * 1000`` per insertion; events
  ``media_impressions``.
* **Geos** (:class:`Geography`): a *market geo* (UK, DE, FR: :func:`market_geography`) holds
  its market's rows. A *regional geo* (the UK's regions: :func:`region_geography`, whose DE
  and FR stay market geos) holds the rows of its region and its share of its market's adults
  of every row that names no region. Which rule applies to which channel: OOH, radio and
  events carry a ``region`` column (radio's national stations say ``National``: no region),
  so their rows go to the region they ran in; TV, print and the six digital platforms report
  a market only, and the simulation delivers them to every region per head, so their flows
  are split by population share. Outcomes are never split: sales and completed test drives
  go to the region of their dealer (``dealers.csv``), a lead to its dealer's region, else to
  its ``customer_region`` (no dealer assigned yet). A region that is not a geo of its market
  is an error, never dropped.
* **KPIs** per geo and week: ``units`` (rows of ``vehicle_sales.csv``), ``revenue`` (GBP, sum
  of ``transaction_price_gbp``), ``web_sessions`` (``website_analytics.csv`` sessions, the
  consented sessions analytics sees; market geos only, as analytics reports each country
  site and not the visitor's region), ``leads`` (rows of ``leads.csv``); ``test_drives``
  (completed rows of ``test_drives.csv``, an outcome beside the KPIs); ``has_sales`` is 1 in
  the weeks with at least one unit sold, else 0 (a launch year sells nothing for months).
* **Geo controls**, one scale per variable across geos; a week takes its month's figure from
  its middle day (``week_start + 3``), as ``model_ready.csv`` does. Each is published per
  country (the bank rate per currency area), so it is *declared national*: a regional geo
  carries its country's figure, never a regional one:

  - ``bev_share``: BEV share of new-car registrations in the geo's country, percent
    (``bev_market_share_pct``);
  - ``consumer_confidence``: the country's own survey (a GfK balance in the UK and Germany, the
    INSEE index in France) minus its mean over the panel's weeks, in survey points. A balance
    and an index differ by their level, so only the movement is comparable; the simulation
    reads confidence the same way (its change, one unit per ``confidence_scale_points`` = 10
    points in every country);
  - ``bank_rate``: the policy rate of the geo's currency area, percent (Bank Rate in the UK,
    the ECB deposit facility rate in Germany and France).
* **National series** (one value per week for every geo, never copied into a geo file):
  ``competitor_spend_uk``, the competitors' monthly total (``competitor_spend.csv`` rows with
  ``channel == "total"``, the Nielsen estimate of UK spend, the only one there is) / days in the
  month x 7, GBP per week.
* **The national panel** (:func:`national_panel`): flows (spend, exposure, KPIs) are sums over
  the geos; each geo control is the population-weighted mean over the geos; the national series
  as they are. So the national file covers every market its spend and sales cover.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.exporters.media_common import largest_remainder
from sim.schemas import TABLES, TableSpec
from sim.schemas.phasing import spread_over_days
from sim.world.config import World
from sim.world.vocabulary import REGIONAL_MARKETS

DAYS_PER_WEEK = 7
MID_WEEK_DAYS = 3  # a week takes its month's monthly figures from its middle day, as model_ready.csv does
CSV_DECIMALS = 6  # every float the formats write has six decimals

KPIS = ["revenue", "units", "web_sessions", "leads"]  # the outcomes the tools' files offer as KPI
OUTCOMES = [*KPIS, "test_drives"]
COUNT_KPIS = ["units", "web_sessions", "leads", "test_drives"]
NO_REGION = ("", "National")  # a raw row's region that names none: it reached the whole market
ANY = "*"  # route key of a row that names no region
SALES_FLAG = "has_sales"
GEO_CONTROLS = ["bev_share", "consumer_confidence", "bank_rate"]
NATIONAL_SERIES = ["competitor_spend_uk"]
ECONOMIC_COLUMNS = {"bev_market_share_pct": "bev_share", "consumer_confidence_index": "consumer_confidence",
                    "bank_rate_pct": "bank_rate"}
DEMEANED = {"consumer_confidence"}  # a balance in one country, an index in another: only the movement compares


def _column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda d: d[name]


@dataclass(frozen=True)
class MediaSource:
    """Where a channel's spend and impressions are in ``raw/``; a row's period is its table's
    (:mod:`sim.schemas.phasing`, the rule of ``mmm/weekly_channel_spend.csv`` too)."""

    table: str
    impressions: Callable[[pd.DataFrame], pd.Series] = _column("impressions")

    @property
    def spec(self) -> TableSpec:
        return TABLES[self.table]

    @property
    def file(self) -> str:
        return Path(self.spec.path).name

    @property
    def region(self) -> str | None:
        """The column naming the region a row ran in (radio, OOH, events), if the export has one."""
        return "region" if "region" in self.spec.schema.columns else None


MEDIA_SOURCES: dict[str, MediaSource] = {
    "tv": MediaSource("tv_performance", impressions=lambda d: d["reach_000"] * 1000 * d["avg_frequency"]),
    "ooh": MediaSource("ooh_performance"),
    "print": MediaSource("print_performance", impressions=lambda d: d["readership_000"] * 1000),
    "radio": MediaSource("radio_performance", impressions=lambda d: d["reach_000"] * 1000 * d["frequency"]),
    "meta": MediaSource("meta_ads"),
    "google": MediaSource("google_ads"),
    "dv360": MediaSource("dv360"),
    "tiktok": MediaSource("tiktok_ads"),
    "youtube": MediaSource("youtube_ads"),
    "linkedin": MediaSource("linkedin_ads"),
    "events": MediaSource("events", impressions=_column("media_impressions")),
}


def spend_column(channel: str) -> str:
    return f"{channel}_spend"


def exposure_column(channel: str) -> str:
    return f"{channel}_impressions"


# --------------------------------------------------------------------------- geos
Raw = str | Path | Mapping[str, pd.DataFrame]  # a raw/ folder, or its tables by name (an export in memory)


def read_raw(raw: Raw, table: str) -> pd.DataFrame:
    """Table ``table`` of ``raw/`` (a name of :data:`sim.schemas.TABLES`), from the folder or from memory."""
    if isinstance(raw, Mapping):
        return raw[table]
    return pd.read_csv(Path(raw) / Path(TABLES[table].path).name)


@dataclass(frozen=True)
class Geography:
    """The geos of a panel and which raw rows each holds.

    A *market geo* holds the rows whose ``market`` is its name. A *regional geo* holds the rows of
    its country whose region is its region, and its population share of the country's rows that
    name no region (a national TV week, a national radio station, a digital campaign): those
    flows are split over the country's regional geos in proportion to their adults, the
    population each delivery reached. Outcomes are never split: a sale, drive or lead goes to
    the one geo of its region. ``country_of`` names the country whose economic indicators (and
    holidays) a geo has; ``population`` its adults.
    """

    country_of: dict[str, str]
    region_of: dict[str, str] = field(default_factory=dict)  # regional geo -> its region in raw/ and dealers.csv
    share: dict[str, float] = field(default_factory=dict)  # regional geo -> share of its country's adults
    population: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of_markets(cls, geos: Sequence[str], country_of: Mapping[str, str] | None = None,
                   population: Mapping[str, float] | None = None) -> Geography:
        return cls({g: g for g in geos} | dict(country_of or {}), population=dict(population or {}))

    @property
    def geos(self) -> list[str]:
        return list(self.country_of)

    @property
    def regional(self) -> bool:
        return bool(self.region_of)

    def routes(self) -> pd.DataFrame:
        """(market, key, geo, weight): a row of ``market`` with region key ``key`` puts ``weight`` of it in ``geo``."""
        rows = []
        for geo in self.geos:
            if geo in self.region_of:
                country = self.country_of[geo]
                rows += [(country, self.region_of[geo], geo, 1.0), (country, ANY, geo, self.share[geo])]
            else:
                rows.append((geo, ANY, geo, 1.0))
        routes = pd.DataFrame(rows, columns=["market", "key", "geo", "weight"])
        clash = sorted(set(routes.loc[routes["key"] != ANY, "market"]) & set(self.geos))
        if clash:
            raise ValueError(f"{clash} are both a geo and the country of regional geos")
        return routes

    def locate(self, market: pd.Series, region: pd.Series | None, source: str, split: bool) -> pd.DataFrame:
        """``row`` (position in ``market``), ``geo`` and ``weight`` of every raw row's part in every geo.

        ``split``: a row of a regional market that names no region (``NO_REGION``) is split over
        the market's geos by population share (media); else it is an error (outcomes).
        """
        market = pd.Series(market).astype(str).reset_index(drop=True)
        routes = self.routes()
        regional_markets = set(routes.loc[routes["key"] != ANY, "market"])
        known = set(routes["market"])
        unknown = sorted(set(market) - known)
        if unknown:
            raise ValueError(f"{source}: market values {unknown} are not among the geos {self.geos}")
        names = (pd.Series(region).fillna("").astype(str).reset_index(drop=True) if region is not None
                 else pd.Series("", index=market.index))
        labels = set(zip(routes.loc[routes["key"] != ANY, "market"], routes.loc[routes["key"] != ANY, "key"],
                         strict=True))
        matched = np.array([(m, r) in labels for m, r in zip(market, names, strict=True)], dtype=bool)
        in_regional = market.isin(regional_markets).to_numpy()
        unplaced = in_regional & ~matched & (~names.isin(NO_REGION).to_numpy() | (not split))
        if unplaced.any():
            found = sorted(set(zip(market[unplaced], names[unplaced], strict=True)))
            raise ValueError(f"{source}: rows of (market, region) {found[:5]} name no region of the geos "
                             f"{[self.region_of[g] for g in self.region_of]}")
        rows = pd.DataFrame({"row": np.arange(len(market)), "market": market,
                             "key": np.where(matched, names, ANY)})
        located = rows.merge(routes, on=["market", "key"], how="inner", sort=False)
        return located.sort_values(["row", "geo"], kind="stable").reset_index(drop=True)[["row", "geo", "weight"]]


def market_geography(world: World) -> Geography:
    """One geo per market (UK, DE, FR), each with its adults."""
    return Geography.of_markets(list(world.markets),
                                population={m: c.adult_population_m * 1e6 for m, c in world.markets.items()})


def region_geography(world: World, regional: Sequence[str] = REGIONAL_MARKETS) -> Geography:
    """The regions of each ``regional`` market (the scenario's ``markets.<m>.regions``) and one geo per other market.

    A region's adults are its market's ``adult_population_m`` x its population weight / the sum of
    the market's weights (as the simulation reads the weights), in whole adults that add up to
    the market's (largest remainder); a region's share is the same ratio.
    """
    country_of, region_of, share, population = {}, {}, {}, {}
    for name, market in world.markets.items():
        adults = market.adult_population_m * 1e6
        if name not in regional:
            country_of[name], population[name] = name, float(round(adults))
            continue
        weights = np.array(list(market.regions.values()), dtype=float)
        shares = weights / weights.sum()
        whole = largest_remainder(adults * shares)
        for region, s, n in zip(market.regions, shares, whole, strict=True):
            if region in world.markets:
                raise ValueError(f"region {region!r} of {name} has the name of a market")
            country_of[region], region_of[region], share[region], population[region] = name, region, float(s), float(n)
    return Geography(country_of, region_of, share, population)


# --------------------------------------------------------------------------- weeks
def week_index(dates: pd.Series, week_starts: pd.DatetimeIndex) -> np.ndarray:
    """Position of the week each date falls in (clipped to the first and last week)."""
    pos = np.searchsorted(week_starts.values, _dates(dates).values, side="right") - 1
    return np.clip(pos, 0, len(week_starts) - 1)


def _dates(values: pd.Series) -> pd.Series:
    """ISO dates or timestamps (``2025-03-04`` or ``2025-03-04 10:22:00``, text or dates) as datetimes."""
    values = pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = values.map(str)  # an export in memory holds numpy strings or dates
    return pd.to_datetime(values, format="ISO8601")


def week_starts_of(model_ready: pd.DataFrame) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(model_ready["week_start"]))


def _mid_week_months(week_starts: pd.DatetimeIndex) -> pd.PeriodIndex:
    return (week_starts + pd.Timedelta(days=MID_WEEK_DAYS)).to_period("M")


def _grid(geos: Sequence[str], week_starts: pd.DatetimeIndex) -> pd.MultiIndex:
    return pd.MultiIndex.from_product([list(geos), range(len(week_starts))], names=["geo", "week"])


def _geography(geos: Sequence[str] | Geography, country_of: Mapping[str, str] | None = None) -> Geography:
    return geos if isinstance(geos, Geography) else Geography.of_markets(geos, country_of)


def _binned(values: pd.DataFrame, day: pd.Series, geo: pd.Series, week_starts: pd.DatetimeIndex,
            geos: Sequence[str]) -> pd.DataFrame:
    """Sum ``values`` columns by (geo, week) over the full geo x week grid (missing = 0)."""
    frame = values.assign(geo=geo.astype(str).to_numpy(), week=week_index(day, week_starts))
    return frame.groupby(["geo", "week"]).sum().reindex(_grid(geos, week_starts), fill_value=0.0)


def _located(values: pd.DataFrame, day: pd.Series, market: pd.Series, region: pd.Series | None,
             geography: Geography, week_starts: pd.DatetimeIndex, source: str, split: bool) -> pd.DataFrame:
    """``values`` of raw rows placed in their geos (:meth:`Geography.locate`) and summed by (geo, week)."""
    where = geography.locate(market, region, source, split)
    rows = where["row"].to_numpy()
    parts = values.reset_index(drop=True).iloc[rows].reset_index(drop=True).mul(where["weight"].to_numpy(), axis=0)
    return _binned(parts, pd.Series(day).reset_index(drop=True).iloc[rows], where["geo"], week_starts, geography.geos)


# --------------------------------------------------------------------------- spend and exposure
def weekly_media(raw_dir: Raw, week_starts: pd.DatetimeIndex, geos: Sequence[str] | Geography,
                 channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> pd.DataFrame:
    """Spend (GBP) and exposure per channel, indexed by (geo, week): the one place the formats read spend.

    A row goes to the geo of its market, or of its region (its ``region`` column, where the
    export has one) in a regional market; a row of a regional market that names no region is
    split over the market's geos by population share (:class:`Geography`).
    """
    geography = _geography(geos)
    parts = []
    for channel in channels:
        source = MEDIA_SOURCES[channel]
        frame = read_raw(raw_dir, source.table)
        frame = frame.assign(_spend=frame["spend"].astype(float), _exposure=source.impressions(frame).astype(float))
        daily = spread_over_days(frame, source.spec)
        values = pd.DataFrame({spend_column(channel): daily["_spend"] * daily["share"],
                               exposure_column(channel): daily["_exposure"] * daily["share"]})
        region = daily[source.region] if source.region and source.region in daily else None
        parts.append(_located(values, daily["day"], daily["market"], region, geography, week_starts, source.file,
                              split=True))
    return pd.concat(parts, axis=1)


# --------------------------------------------------------------------------- outcomes
def _dealer_regions(raw_dir: Raw, frame: pd.DataFrame, fallback: str | None = None) -> pd.Series:
    """The region (dealers.csv) of each row's ``dealer_id``; where it has none, its ``fallback`` column."""
    dealers = read_raw(raw_dir, "dealers").set_index("dealer_id")["region"]
    region = frame["dealer_id"].map(dealers)
    if fallback is not None:
        region = region.fillna(frame[fallback])
    return region


def weekly_kpis(raw_dir: Raw, week_starts: pd.DatetimeIndex, geos: Sequence[str] | Geography) -> pd.DataFrame:
    """Outcomes per (geo, week). A market geo counts its market's rows; a regional geo the rows of its
    dealers' region (sales, completed test drives; a lead its dealer's, else its customer's region,
    ``leads.customer_region``). Web sessions only for a panel of market geos: ``website_analytics.csv``
    reports each country site, not the visitor's region."""
    geography = _geography(geos)
    sales = read_raw(raw_dir, "vehicle_sales")
    leads = read_raw(raw_dir, "leads")
    drives = read_raw(raw_dir, "test_drives")
    drives = drives[drives["status"] == "COMPLETED"]
    regional = geography.regional
    region = {"sales": _dealer_regions(raw_dir, sales) if regional else None,
              "drives": _dealer_regions(raw_dir, drives) if regional else None,
              "leads": _dealer_regions(raw_dir, leads, "customer_region") if regional else None}

    def place(values, frame, day, name, key):
        return _located(values, frame[day], frame["market"], region[key], geography, week_starts, name, split=False)

    parts = [
        place(pd.DataFrame({"revenue": sales["transaction_price_gbp"].astype(float), "units": 1.0}), sales,
              "sale_date", "vehicle_sales.csv", "sales"),
        place(pd.DataFrame({"leads": np.ones(len(leads))}), leads, "created_date", "leads.csv", "leads"),
        place(pd.DataFrame({"test_drives": np.ones(len(drives))}), drives, "test_drive_date", "test_drives.csv",
              "drives"),
    ]
    if not regional:
        web = read_raw(raw_dir, "website_analytics")
        parts.append(_located(pd.DataFrame({"web_sessions": web["sessions"].astype(float)}), web["date"],
                              web["market"], None, geography, week_starts, "website_analytics.csv", split=False))
    kpis = pd.concat(parts, axis=1)
    kpis = kpis[[k for k in OUTCOMES if k in kpis]]
    counts = [k for k in COUNT_KPIS if k in kpis]
    kpis[counts] = kpis[counts].round().astype("int64")  # sums of whole sales, sessions, leads, drives
    kpis[SALES_FLAG] = (kpis["units"] > 0).astype("int64")
    return kpis


# --------------------------------------------------------------------------- controls
def geo_controls(raw_dir: Raw, week_starts: pd.DatetimeIndex, geos: Sequence[str] | Geography,
                 country_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``GEO_CONTROLS`` per (geo, week) from ``economic_indicators.csv`` (a geo reads its country's rows)."""
    geography = _geography(geos, country_of)
    geos, country_of = geography.geos, geography.country_of
    econ = read_raw(raw_dir, "economic_indicators")
    countries = sorted(set(econ["country"].astype(str)))
    missing = sorted({country_of[g] for g in geos} - set(countries))
    if missing:
        raise ValueError(f"economic_indicators.csv has no rows for {missing}; its countries: {countries}")
    econ = econ.assign(month=pd.PeriodIndex(econ["year_month"].astype(str), freq="M"))
    econ = econ.set_index(["country", "month"])[list(ECONOMIC_COLUMNS)].rename(columns=ECONOMIC_COLUMNS)
    months = _mid_week_months(week_starts)
    rows = []
    for geo in geos:
        table = econ.loc[country_of[geo]].reindex(months)
        if table.isna().any(axis=None):
            gaps = sorted({str(m) for m in months[table.isna().any(axis=1).to_numpy()]})
            raise ValueError(f"economic_indicators.csv lacks months for {country_of[geo]}: {gaps}")
        for column in DEMEANED:
            table[column] = table[column] - table[column].mean()
        rows.append(table[GEO_CONTROLS].to_numpy())
    return pd.DataFrame(np.vstack(rows), index=_grid(geos, week_starts), columns=GEO_CONTROLS)


def national_series(raw_dir: Raw, week_starts: pd.DatetimeIndex) -> pd.DataFrame:
    """``NATIONAL_SERIES`` per week: competitors' monthly total as a weekly rate (month / its days x 7)."""
    comp = read_raw(raw_dir, "competitor_spend")
    is_total = comp["channel"].astype(str) == "total"
    totals = comp[is_total] if is_total.any() else comp
    monthly = totals.groupby(pd.PeriodIndex(totals["year_month"].astype(str), freq="M"))["estimated_spend_gbp"].sum()
    months = _mid_week_months(week_starts)
    weekly = monthly.reindex(months).to_numpy(dtype=float) / months.days_in_month.to_numpy() * DAYS_PER_WEEK
    if np.isnan(weekly).any():
        raise ValueError("competitor_spend.csv lacks months of the MMM calendar")
    return pd.DataFrame({"competitor_spend_uk": weekly}, index=pd.RangeIndex(len(week_starts), name="week"))


# --------------------------------------------------------------------------- panels
@dataclass(frozen=True)
class Panel:
    """The geo panel (one row per geo and week) and the national series (one row per week).

    ``geo`` columns: ``week_start, geo, <channel>_spend ..., <channel>_impressions ..., revenue,
    units, web_sessions (market geos only), leads, test_drives, has_sales, bev_share,
    consumer_confidence, bank_rate``; ``national``: ``week_start`` and ``NATIONAL_SERIES``.
    ``channels`` are those that spent.
    """

    geo: pd.DataFrame
    national: pd.DataFrame
    channels: list[str]
    country_of: dict[str, str]  # geo -> the country whose economic indicators (and holidays) it has

    @property
    def geos(self) -> list[str]:
        return list(dict.fromkeys(self.geo["geo"]))

    @property
    def weeks(self) -> list[str]:
        return list(self.national["week_start"])

    @property
    def kpis(self) -> list[str]:
        """The tools' KPI choices this panel has (no web sessions in a regional panel)."""
        return [k for k in KPIS if k in self.geo]


def active_channels(panel: pd.DataFrame, channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> list[str]:
    """Channels with any spend in the panel, in channel order (no tool can scale a channel that never ran)."""
    return [c for c in channels if spend_column(c) in panel and panel[spend_column(c)].sum() > 0]


def panel_frame(raw_dir: Raw, week_starts: pd.DatetimeIndex, geography: Geography,
                channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> pd.DataFrame:
    """Media, outcomes and geo controls per (geo, week) (index), every channel of ``channels``."""
    return pd.concat([weekly_media(raw_dir, week_starts, geography, channels),
                      weekly_kpis(raw_dir, week_starts, geography),
                      geo_controls(raw_dir, week_starts, geography)], axis=1)


def build_panel(raw_dir: Raw, week_starts: pd.DatetimeIndex, geos: Sequence[str] | Geography,
                country_of: Mapping[str, str] | None = None,
                channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> Panel:
    """The raw exports as one row per (geo, week), and the national series per week.

    ``geos``: market geos (names of the raw ``market`` values; ``country_of`` names their
    countries), or a :class:`Geography` (e.g. :func:`region_geography`).
    """
    geography = _geography(geos, country_of)
    week_starts = pd.DatetimeIndex(week_starts)
    labels = week_starts.strftime("%Y-%m-%d")
    geo = panel_frame(raw_dir, week_starts, geography, channels).reset_index()
    geo.insert(0, "week_start", labels[geo.pop("week").to_numpy()])
    ran = active_channels(geo, channels)
    order = ["week_start", "geo", *map(spend_column, ran), *map(exposure_column, ran),
             *[k for k in OUTCOMES if k in geo], SALES_FLAG, *GEO_CONTROLS]
    national = national_series(raw_dir, week_starts).reset_index(drop=True)
    national.insert(0, "week_start", labels)
    return Panel(geo[order], national, ran, geography.country_of)


def national_panel(panel: Panel, population: Mapping[str, float]) -> pd.DataFrame:
    """One row per week: flows summed over geos, geo controls population-weighted, national series."""
    missing = [g for g in panel.geos if g not in population]
    if missing:
        raise KeyError(f"no population for geos {missing}")
    geo = panel.geo
    flows = [*map(spend_column, panel.channels), *map(exposure_column, panel.channels), *panel.kpis]
    summed = geo.groupby("week_start", sort=True)[flows].sum()
    summed[SALES_FLAG] = (summed["units"] > 0).astype("int64")
    weight = geo["geo"].map(population).astype(float)
    weighted = geo[GEO_CONTROLS].mul(weight, axis=0).groupby(geo["week_start"]).sum()
    controls = weighted.div(weight.groupby(geo["week_start"]).sum(), axis=0)
    out = summed.join(controls).join(panel.national.set_index("week_start")).reset_index()
    return out[["week_start", *flows, SALES_FLAG, *GEO_CONTROLS, *NATIONAL_SERIES]]


def varies(frame: pd.DataFrame, column: str, within: str) -> bool:
    """Whether ``column`` takes more than one value inside at least one ``within`` group (at the CSV's precision).

    ``within="week_start"``: the column varies across geos in some week; ``within="geo"``: over time in some geo.
    """
    return bool((frame[column].round(CSV_DECIMALS).groupby(frame[within]).nunique() > 1).any())
