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
* **KPIs** per geo and week: ``units`` (rows of ``vehicle_sales.csv``), ``revenue`` (GBP, sum
  of ``transaction_price_gbp``), ``web_sessions`` (``website_analytics.csv`` sessions, the
  consented sessions analytics sees), ``leads`` (rows of ``leads.csv``); ``has_sales`` is 1 in
  the weeks with at least one unit sold, else 0 (a launch year sells nothing for months).
* **Geo controls**, one scale per variable across geos; a week takes its month's figure from
  its middle day (``week_start + 3``), as ``model_ready.csv`` does:

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.schemas import TABLES, TableSpec
from sim.schemas.phasing import spread_over_days

DAYS_PER_WEEK = 7
MID_WEEK_DAYS = 3  # a week takes its month's monthly figures from its middle day, as model_ready.csv does
CSV_DECIMALS = 6  # every float the formats write has six decimals

KPIS = ["revenue", "units", "web_sessions", "leads"]
COUNT_KPIS = ["units", "web_sessions", "leads"]
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


# --------------------------------------------------------------------------- weeks
def week_index(dates: pd.Series, week_starts: pd.DatetimeIndex) -> np.ndarray:
    """Position of the week each date falls in (clipped to the first and last week)."""
    pos = np.searchsorted(week_starts.values, _dates(dates).values, side="right") - 1
    return np.clip(pos, 0, len(week_starts) - 1)


def _dates(values: pd.Series) -> pd.Series:
    """ISO dates or timestamps (``2025-03-04`` or ``2025-03-04 10:22:00``) as datetimes."""
    return pd.to_datetime(pd.Series(values), format="ISO8601")


def week_starts_of(model_ready: pd.DataFrame) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(model_ready["week_start"]))


def _mid_week_months(week_starts: pd.DatetimeIndex) -> pd.PeriodIndex:
    return (week_starts + pd.Timedelta(days=MID_WEEK_DAYS)).to_period("M")


def _grid(geos: Sequence[str], week_starts: pd.DatetimeIndex) -> pd.MultiIndex:
    return pd.MultiIndex.from_product([list(geos), range(len(week_starts))], names=["geo", "week"])


def _check_geos(frame: pd.DataFrame, column: str, geos: Sequence[str], source: str) -> None:
    unknown = sorted(set(frame[column].astype(str)) - set(geos))
    if unknown:
        raise ValueError(f"{source}: {column} values {unknown} are not among the geos {list(geos)}")


def _binned(values: pd.DataFrame, day: pd.Series, geo: pd.Series, week_starts: pd.DatetimeIndex,
            geos: Sequence[str]) -> pd.DataFrame:
    """Sum ``values`` columns by (geo, week) over the full geo x week grid (missing = 0)."""
    frame = values.assign(geo=geo.astype(str).to_numpy(), week=week_index(day, week_starts))
    return frame.groupby(["geo", "week"]).sum().reindex(_grid(geos, week_starts), fill_value=0.0)


# --------------------------------------------------------------------------- spend and exposure
def weekly_media(raw_dir: str | Path, week_starts: pd.DatetimeIndex, geos: Sequence[str],
                 channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> pd.DataFrame:
    """Spend (GBP) and exposure per channel, indexed by (geo, week): the one place the formats read spend."""
    raw = Path(raw_dir)
    parts = []
    for channel in channels:
        source = MEDIA_SOURCES[channel]
        frame = pd.read_csv(raw / source.file)
        _check_geos(frame, "market", geos, source.file)
        frame = frame.assign(_spend=frame["spend"].astype(float), _exposure=source.impressions(frame).astype(float))
        daily = spread_over_days(frame, source.spec)
        values = pd.DataFrame({spend_column(channel): daily["_spend"] * daily["share"],
                               exposure_column(channel): daily["_exposure"] * daily["share"]})
        parts.append(_binned(values, daily["day"], daily["market"], week_starts, geos))
    return pd.concat(parts, axis=1)


# --------------------------------------------------------------------------- outcomes
def weekly_kpis(raw_dir: str | Path, week_starts: pd.DatetimeIndex, geos: Sequence[str]) -> pd.DataFrame:
    raw = Path(raw_dir)
    sales = pd.read_csv(raw / "vehicle_sales.csv")
    web = pd.read_csv(raw / "website_analytics.csv")
    leads = pd.read_csv(raw / "leads.csv")
    for frame, name in ((sales, "vehicle_sales.csv"), (web, "website_analytics.csv"), (leads, "leads.csv")):
        _check_geos(frame, "market", geos, name)
    kpis = pd.concat([
        _binned(pd.DataFrame({"revenue": sales["transaction_price_gbp"].astype(float), "units": 1.0}),
                sales["sale_date"], sales["market"], week_starts, geos),
        _binned(pd.DataFrame({"web_sessions": web["sessions"].astype(float)}), web["date"], web["market"],
                week_starts, geos),
        _binned(pd.DataFrame({"leads": np.ones(len(leads))}), leads["created_date"], leads["market"],
                week_starts, geos),
    ], axis=1)
    kpis[COUNT_KPIS] = kpis[COUNT_KPIS].round().astype("int64")  # sums of whole sales, sessions, leads
    kpis[SALES_FLAG] = (kpis["units"] > 0).astype("int64")
    return kpis


# --------------------------------------------------------------------------- controls
def geo_controls(raw_dir: str | Path, week_starts: pd.DatetimeIndex, geos: Sequence[str],
                 country_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``GEO_CONTROLS`` per (geo, week) from ``economic_indicators.csv`` (a geo reads its country's rows)."""
    country_of = {g: g for g in geos} | dict(country_of or {})
    econ = pd.read_csv(Path(raw_dir) / "economic_indicators.csv")
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


def national_series(raw_dir: str | Path, week_starts: pd.DatetimeIndex) -> pd.DataFrame:
    """``NATIONAL_SERIES`` per week: competitors' monthly total as a weekly rate (month / its days x 7)."""
    comp = pd.read_csv(Path(raw_dir) / "competitor_spend.csv")
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
    units, web_sessions, leads, has_sales, bev_share, consumer_confidence, bank_rate``;
    ``national``: ``week_start`` and ``NATIONAL_SERIES``. ``channels`` are those that spent.
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


def active_channels(panel: pd.DataFrame, channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> list[str]:
    """Channels with any spend in the panel, in channel order (no tool can scale a channel that never ran)."""
    return [c for c in channels if spend_column(c) in panel and panel[spend_column(c)].sum() > 0]


def build_panel(raw_dir: str | Path, week_starts: pd.DatetimeIndex, geos: Sequence[str],
                country_of: Mapping[str, str] | None = None,
                channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> Panel:
    """The raw exports as one row per (geo, week), and the national series per week."""
    week_starts = pd.DatetimeIndex(week_starts)
    labels = week_starts.strftime("%Y-%m-%d")
    country_of = {g: g for g in geos} | dict(country_of or {})
    media = weekly_media(raw_dir, week_starts, geos, channels)
    geo = pd.concat([media, weekly_kpis(raw_dir, week_starts, geos),
                     geo_controls(raw_dir, week_starts, geos, country_of)], axis=1).reset_index()
    geo.insert(0, "week_start", labels[geo.pop("week").to_numpy()])
    ran = active_channels(geo, channels)
    order = ["week_start", "geo", *map(spend_column, ran), *map(exposure_column, ran), *KPIS, SALES_FLAG,
             *GEO_CONTROLS]
    national = national_series(raw_dir, week_starts).reset_index(drop=True)
    national.insert(0, "week_start", labels)
    return Panel(geo[order], national, ran, country_of)


def national_panel(panel: Panel, population: Mapping[str, float]) -> pd.DataFrame:
    """One row per week: flows summed over geos, geo controls population-weighted, national series."""
    missing = [g for g in panel.geos if g not in population]
    if missing:
        raise KeyError(f"no population for geos {missing}")
    geo = panel.geo
    flows = [*map(spend_column, panel.channels), *map(exposure_column, panel.channels), *KPIS]
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
