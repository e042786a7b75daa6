"""Weekly tables in the input layouts of PyMC-Marketing and Google Meridian.

Both are built from one **weekly geo panel** (:func:`weekly_geo_panel`): the raw platform
exports aggregated per market (geo) and week, so the numbers are the ones an analyst would
rebuild from ``raw/``, not copies of the simulator's internals.

How the panel is built
----------------------
* Weeks are the ``week_start`` values of ``mmm/model_ready.csv`` (52 rows). A day belongs
  to the last week starting on or before it; days after the last week start (31 December
  when weeks start on 1 January) fall into the last week, days before the first into the first.
* Spend comes from the 10 media exports and ``events.csv`` (GBP in every market). A row that
  covers a period (OOH, radio and events: ``start_date``..``end_date``; TV: the 7 days from
  ``date_week_start``) is spread evenly over its days before it is binned into weeks: the
  phasing rule of :mod:`sim.schemas.phasing`, the very rule of ``mmm/weekly_channel_spend.csv``,
  so the spend columns here equal that table's (national) and both rebuild from ``raw/``.
* Impressions (Meridian's ``media``, the execution measure next to spend): digital
  ``impressions``; OOH ``impressions``; TV ``reach_000 * 1000 * avg_frequency`` (impacts);
  radio ``reach_000 * 1000 * frequency``; print ``readership_000 * 1000`` per insertion;
  events ``media_impressions``. TV, OOH, print and radio are UK-only: DE and FR rows are 0.
* KPIs: ``units`` (rows of ``vehicle_sales.csv``), ``revenue_gbp`` (sum of
  ``transaction_price_gbp``), ``web_sessions`` (sum of ``website_analytics.csv`` sessions),
  ``leads`` (rows of ``leads.csv``), each by market and week.
* Controls, by the rule of ``model_ready.csv`` (a week takes the month of its middle day,
  ``week_start + 3``): ``bev_share`` (``bev_market_share_pct``, percent),
  ``consumer_confidence`` (``consumer_confidence_index``) and ``bank_rate``
  (``bank_rate_pct``) from ``economic_indicators.csv`` for the geo's country;
  ``competitor_total_spend`` (GBP per week) = that month's ``competitor_spend.csv`` total
  (rows with ``channel == "total"``) / days in the month x 7. The competitor series is a
  UK (Nielsen) estimate, the only one there is, so every geo carries the same values. The
  UK rows' controls therefore equal ``model_ready.csv``'s.
* A channel without any spend in any geo is left out of both exports (neither tool can
  scale a channel that never ran).

PyMC-Marketing layout (``pymc_marketing_national.csv``, ``pymc_marketing_geo.csv``)
-----------------------------------------------------------------------------------
One row per week (national) or per week and geo (geo), columns in this order:

    date_week, [geo,] <channel>_spend ..., bev_share, consumer_confidence, bank_rate,
    competitor_total_spend, revenue, units, web_sessions, leads

``date_week`` is ISO ``YYYY-MM-DD``; spend is GBP; ``revenue`` GBP. National flows (spend and
KPIs) are the sums over geos; national controls are those of ``model_ready.csv``. Use::

    from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation
    df = pd.read_csv("pymc_marketing_national.csv", parse_dates=["date_week"])
    mmm = MMM(date_column="date_week", channel_columns=[...], control_columns=[...],
              adstock=GeometricAdstock(l_max=8), saturation=LogisticSaturation())
    mmm.fit(X=df.drop(columns=["revenue", "units", "web_sessions", "leads"]), y=df["revenue"])

The geo file is for ``pymc_marketing.mmm.multidimensional.MMM`` with ``dims=("geo",)`` and
``target_column="revenue"``. ``pymc_marketing_config.json`` lists the exact keyword
arguments (``date_column``, ``channel_columns``, ``control_columns``, ``target_column``,
``dims``) for both files.

Meridian layout (``meridian_geo_weekly.csv``)
---------------------------------------------
One row per geo (``UK``, ``DE``, ``FR``) and week, columns in this order:

    geo, time, population, units, revenue_per_unit, revenue_gbp, web_sessions, leads,
    bev_share, consumer_confidence, bank_rate, competitor_total_spend,
    <channel>_impressions ..., <channel>_spend ...

``time`` is ``YYYY-MM-DD`` (Meridian's date format); ``population`` the geo's adult
population (constant per geo); ``units`` is the KPI and ``revenue_per_unit`` the average
transaction price (GBP) of that geo and week; weeks without sales carry the geo's annual
average price, so ``units * revenue_per_unit == revenue_gbp`` in every row and no cell is
empty (Meridian reads empty cells as the lagged-media period). ``revenue_gbp``,
``web_sessions`` and ``leads`` are alternative KPIs. ``meridian_coord_to_columns.json``
holds the loader's arguments::

    from meridian.data import load
    spec = json.load(open("meridian_coord_to_columns.json"))
    loader = load.CsvDataLoader(csv_path="meridian_geo_weekly.csv", kpi_type=spec["kpi_type"],
                                coord_to_columns=load.CoordToColumns(**spec["coord_to_columns"]),
                                media_to_channel=spec["media_to_channel"],
                                media_spend_to_channel=spec["media_spend_to_channel"])
    data = loader.load()
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.schemas import TABLES, TableSpec
from sim.schemas.phasing import spread_over_days

FLOAT_FORMAT = "%.6f"
CONTROLS = ["bev_share", "consumer_confidence", "bank_rate", "competitor_total_spend"]
KPIS = ["units", "revenue_gbp", "web_sessions", "leads"]
COUNT_KPIS = ["units", "web_sessions", "leads"]
ECONOMIC_COLUMNS = {"bev_market_share_pct": "bev_share", "consumer_confidence_index": "consumer_confidence",
                    "bank_rate_pct": "bank_rate"}
DAYS_PER_WEEK = 7
MID_WEEK_DAYS = 3  # a week takes its month's monthly figures from its middle day, as model_ready.csv does


def _column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda d: d[name]


@dataclass(frozen=True)
class MediaSource:
    """Where a channel's spend and impressions are in ``raw/``; a row's period is its table's
    (:mod:`sim.schemas.phasing`)."""

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


# --------------------------------------------------------------------------- weeks
def week_index(dates: pd.Series, week_starts: pd.DatetimeIndex) -> np.ndarray:
    """Position of the week each date falls in (clipped to the first and last week)."""
    pos = np.searchsorted(week_starts.values, _dates(dates).values, side="right") - 1
    return np.clip(pos, 0, len(week_starts) - 1)


def _dates(values: pd.Series) -> pd.Series:
    """ISO dates or timestamps (``2025-03-04`` or ``2025-03-04 10:22:00``) as datetimes."""
    return pd.to_datetime(pd.Series(values), format="ISO8601")


def _mid_week(week_starts: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return week_starts + pd.Timedelta(days=MID_WEEK_DAYS)


def week_starts_of(model_ready: pd.DataFrame) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(model_ready["week_start"]))


def _check_markets(frame: pd.DataFrame, column: str, markets: Sequence[str], source: str) -> None:
    unknown = sorted(set(frame[column].astype(str)) - set(markets))
    if unknown:
        raise ValueError(f"{source}: {column} values {unknown} are not among the markets {list(markets)}")


def _binned(values: pd.DataFrame, day: pd.Series, geo: pd.Series, week_starts: pd.DatetimeIndex,
            markets: Sequence[str]) -> pd.DataFrame:
    """Sum ``values`` columns by (geo, week) over the full geo x week grid (missing = 0)."""
    frame = values.assign(geo=geo.astype(str).to_numpy(), week=week_index(day, week_starts))
    summed = frame.groupby(["geo", "week"]).sum()
    grid = pd.MultiIndex.from_product([list(markets), range(len(week_starts))], names=["geo", "week"])
    return summed.reindex(grid, fill_value=0.0)


# --------------------------------------------------------------------------- panel parts
def _media(raw: Path, channel: str, source: MediaSource, week_starts, markets) -> pd.DataFrame:
    frame = pd.read_csv(raw / source.file)
    _check_markets(frame, "market", markets, source.file)
    frame = frame.assign(_spend=frame["spend"].astype(float), _impressions=source.impressions(frame).astype(float))
    daily = spread_over_days(frame, source.spec)
    values = pd.DataFrame({f"{channel}_spend": daily["_spend"] * daily["share"],
                           f"{channel}_impressions": daily["_impressions"] * daily["share"]})
    return _binned(values, daily["day"], daily["market"], week_starts, markets)


def _kpis(raw: Path, week_starts, markets) -> pd.DataFrame:
    sales = pd.read_csv(raw / "vehicle_sales.csv")
    web = pd.read_csv(raw / "website_analytics.csv")
    leads = pd.read_csv(raw / "leads.csv")
    for frame, name in ((sales, "vehicle_sales.csv"), (web, "website_analytics.csv"), (leads, "leads.csv")):
        _check_markets(frame, "market", markets, name)
    parts = [
        _binned(pd.DataFrame({"units": 1.0, "revenue_gbp": sales["transaction_price_gbp"].astype(float)}),
                sales["sale_date"], sales["market"], week_starts, markets),
        _binned(pd.DataFrame({"web_sessions": web["sessions"].astype(float)}), web["date"], web["market"],
                week_starts, markets),
        _binned(pd.DataFrame({"leads": np.ones(len(leads))}), leads["created_date"], leads["market"],
                week_starts, markets),
    ]
    return pd.concat(parts, axis=1)


def _economic_controls(raw: Path, week_starts: pd.DatetimeIndex, markets) -> pd.DataFrame:
    econ = pd.read_csv(raw / "economic_indicators.csv")
    missing = sorted(set(markets) - set(econ["country"].astype(str)))
    if missing:
        raise ValueError(f"economic_indicators.csv has no rows for {missing}; its countries: "
                         f"{sorted(set(econ['country'].astype(str)))}")
    econ = econ.assign(month=pd.PeriodIndex(econ["year_month"].astype(str), freq="M"))
    econ = econ.set_index(["country", "month"])[list(ECONOMIC_COLUMNS)].rename(columns=ECONOMIC_COLUMNS)
    months = _mid_week(week_starts).to_period("M")
    rows = []
    for geo in markets:
        table = econ.loc[geo].reindex(months)
        if table.isna().any(axis=None):
            raise ValueError(f"economic_indicators.csv lacks months for {geo}: "
                             f"{sorted({str(m) for m in months[table.isna().any(axis=1).to_numpy()]})}")
        rows.append(table.to_numpy())
    grid = pd.MultiIndex.from_product([list(markets), range(len(week_starts))], names=["geo", "week"])
    return pd.DataFrame(np.vstack(rows), index=grid, columns=list(ECONOMIC_COLUMNS.values()))


def _competitor_spend(raw: Path, week_starts: pd.DatetimeIndex, markets) -> pd.DataFrame:
    """Competitors' monthly total (channel ``total``) as a weekly rate: month / its days x 7."""
    comp = pd.read_csv(raw / "competitor_spend.csv")
    is_total = comp["channel"].astype(str) == "total"
    totals = comp[is_total] if is_total.any() else comp
    monthly = totals.groupby(pd.PeriodIndex(totals["year_month"].astype(str), freq="M"))["estimated_spend_gbp"].sum()
    mid = _mid_week(week_starts)
    weekly = monthly.reindex(mid.to_period("M")).to_numpy(dtype=float) / mid.days_in_month.to_numpy() * DAYS_PER_WEEK
    if np.isnan(weekly).any():
        raise ValueError("competitor_spend.csv lacks months of the MMM calendar")
    grid = pd.MultiIndex.from_product([list(markets), range(len(week_starts))], names=["geo", "week"])
    return pd.DataFrame({"competitor_total_spend": np.tile(weekly, len(markets))}, index=grid)


def weekly_geo_panel(raw_dir: str | Path, week_starts: pd.DatetimeIndex, markets: Sequence[str],
                     channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> pd.DataFrame:
    """The raw exports as one row per (geo, week): spend and impressions per channel, KPIs, controls."""
    raw = Path(raw_dir)
    week_starts = pd.DatetimeIndex(week_starts)
    parts = [_media(raw, ch, MEDIA_SOURCES[ch], week_starts, markets) for ch in channels]
    parts += [_kpis(raw, week_starts, markets), _economic_controls(raw, week_starts, markets),
              _competitor_spend(raw, week_starts, markets)]
    panel = pd.concat(parts, axis=1).reset_index()
    panel[COUNT_KPIS] = panel[COUNT_KPIS].round().astype("int64")  # sums of whole sales, sessions, leads
    panel.insert(0, "week_start", week_starts.strftime("%Y-%m-%d")[panel.pop("week").to_numpy()])
    order = ["week_start", "geo", *[f"{c}_spend" for c in channels], *[f"{c}_impressions" for c in channels],
             *KPIS, *CONTROLS]
    return panel[order]


def active_channels(panel: pd.DataFrame, channels: Sequence[str] = tuple(MEDIA_SOURCES)) -> list[str]:
    """Channels with any spend in the panel, in channel order."""
    return [c for c in channels if f"{c}_spend" in panel and panel[f"{c}_spend"].sum() > 0]


# --------------------------------------------------------------------------- writers
def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return path


def _write_json(payload: dict, path: Path) -> Path:
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


PYMC_TARGETS = {"revenue_gbp": "revenue", "units": "units", "web_sessions": "web_sessions", "leads": "leads"}


def write_pymc_marketing(out_dir: str | Path, panel: pd.DataFrame, model_ready: pd.DataFrame) -> list[Path]:
    """pymc_marketing_national.csv, pymc_marketing_geo.csv and pymc_marketing_config.json."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    channels = [f"{c}_spend" for c in active_channels(panel)]
    targets = list(PYMC_TARGETS.values())
    geo = panel.rename(columns={"week_start": "date_week", **PYMC_TARGETS})[
        ["date_week", "geo", *channels, *CONTROLS, *targets]]
    flows = geo.groupby("date_week", sort=True)[[*channels, *targets]].sum()
    controls = model_ready.assign(date_week=pd.to_datetime(model_ready["week_start"]).dt.strftime("%Y-%m-%d"))
    national = flows.join(controls.set_index("date_week")[CONTROLS], how="left").reset_index()
    if national[CONTROLS].isna().any(axis=None):
        raise ValueError("model_ready.csv weeks do not match the panel's weeks")
    national = national[["date_week", *channels, *CONTROLS, *targets]]
    kwargs = {"date_column": "date_week", "channel_columns": channels, "control_columns": list(CONTROLS),
              "target_column": "revenue", "other_targets": [t for t in targets if t != "revenue"]}
    config = {"national": {"csv": "pymc_marketing_national.csv", **kwargs},
              "geo": {"csv": "pymc_marketing_geo.csv", **kwargs, "dims": ["geo"]}}
    return [_write_csv(national, out / "pymc_marketing_national.csv"),
            _write_csv(geo, out / "pymc_marketing_geo.csv"),
            _write_json(config, out / "pymc_marketing_config.json")]


def write_meridian(out_dir: str | Path, panel: pd.DataFrame, population: Mapping[str, float]) -> list[Path]:
    """meridian_geo_weekly.csv and meridian_coord_to_columns.json (geo-level, media + spend)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    geos = list(dict.fromkeys(panel["geo"]))
    missing = [g for g in geos if g not in population]
    if missing:
        raise KeyError(f"no population for geos {missing}")
    channels = active_channels(panel)
    table = panel.rename(columns={"week_start": "time"})
    table.insert(2, "population", table["geo"].map(population).round().astype("int64"))
    table["revenue_per_unit"] = _revenue_per_unit(table)
    media = [f"{c}_impressions" for c in channels]
    spend = [f"{c}_spend" for c in channels]
    order = ["geo", "time", "population", "units", "revenue_per_unit", "revenue_gbp", "web_sessions", "leads",
             *CONTROLS, *media, *spend]
    spec = {
        "csv": "meridian_geo_weekly.csv",
        "kpi_type": "non-revenue",
        "coord_to_columns": {"time": "time", "geo": "geo", "population": "population", "kpi": "units",
                             "revenue_per_kpi": "revenue_per_unit", "controls": list(CONTROLS),
                             "media": media, "media_spend": spend},
        "media_to_channel": {m: c for m, c in zip(media, channels, strict=True)},
        "media_spend_to_channel": {s: c for s, c in zip(spend, channels, strict=True)},
    }
    return [_write_csv(table[order], out / "meridian_geo_weekly.csv"),
            _write_json(spec, out / "meridian_coord_to_columns.json")]


def _revenue_per_unit(table: pd.DataFrame) -> pd.Series:
    """Average price per unit; weeks without sales get the geo's (else the overall) annual average."""
    by_geo = table.groupby("geo")[["revenue_gbp", "units"]].transform("sum")
    overall = table["revenue_gbp"].sum() / table["units"].sum() if table["units"].sum() > 0 else 0.0
    annual = (by_geo["revenue_gbp"] / by_geo["units"].where(by_geo["units"] > 0)).fillna(overall)
    weekly = table["revenue_gbp"] / table["units"].where(table["units"] > 0)
    return weekly.fillna(annual)


def write_all(run_dir: str | Path, out_dir: str | Path, population: Mapping[str, float]) -> list[Path]:
    """Both exports for a run folder (reads ``raw/`` and ``mmm/model_ready.csv``)."""
    run = Path(run_dir)
    model_ready = pd.read_csv(run / "mmm" / "model_ready.csv")
    panel = weekly_geo_panel(run / "raw", week_starts_of(model_ready), list(population))
    return write_pymc_marketing(out_dir, panel, model_ready) + write_meridian(out_dir, panel, population)
