"""What the three tools' files share: file writing, and the words that describe the columns."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.exporters.formats.panel import CSV_DECIMALS, SALES_FLAG

FLOAT_FORMAT = f"%.{CSV_DECIMALS}f"
# Carry-over window of the adstock, in weeks: Meridian's default max_lag, so every tool sees the same window.
L_MAX_WEEKS = 8

KPI_MEANING = {
    "revenue": "GBP: sum of transaction_price_gbp of the week's sales (zero in weeks without sales)",
    "units": "cars sold (rows of vehicle_sales.csv)",
    "web_sessions": "website sessions analytics saw (consented visitors only; exists all year)",
    "leads": "leads created (rows of leads.csv; exists all year)",
}
CONTROL_MEANING = {
    "bev_share": "BEV share of new-car registrations in the geo's country, percent",
    "consumer_confidence": "the country's consumer-confidence survey (GfK balance UK/DE, INSEE index FR) minus "
                           "its mean over the file's weeks, survey points",
    "bank_rate": "policy rate of the geo's currency area (Bank Rate UK, ECB deposit facility rate DE/FR), percent",
    "competitor_spend_uk": "competitors' estimated media spend in the UK (Nielsen, the only estimate there is; "
                           "it does not cover DE or FR), GBP per week",
}
NATIONAL_CONTROLS_RULE = ("national file: spend, impressions and KPIs are sums over the geos; bev_share, "
                          "consumer_confidence and bank_rate are population-weighted means over the geos")
NO_REGIONAL_SESSIONS = ("website_analytics.csv reports sessions per country site, not per visitor region, so a "
                        "regional geo has no sessions of its own (the national file has them)")
LEFT_OUT_OF_GEO_FILES = ("a national series (the same value for every geo in a week) is left out of the geo "
                         "files rather than copied into every geo")


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return path


def write_json(payload: dict, path: Path) -> Path:
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


def sales_weeks(frame: pd.DataFrame, date_column: str, flag: str | None = SALES_FLAG) -> dict:
    """How many of the file's weeks have sales and where they start (the note beside the ``has_sales`` column)."""
    by_week = frame.groupby(date_column, sort=True)["units"].sum()
    selling = by_week[by_week > 0]
    note = {"weeks": int(len(by_week)), "weeks_with_sales": int(len(selling)),
            "first_week_with_sales": str(selling.index[0]) if len(selling) else None}
    return {"column": flag, **note} if flag else note
