"""What the reports share: where each channel's spend is, sums of raw rows and how to recompute them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.exporters.gold.derive import select_rows

DATE_COLUMNS = ("date", "date_week_start", "start_date")
REPORTS = "raw/reports"


def spend_table(raw: dict[str, pd.DataFrame], channel: str) -> tuple[str, str] | None:
    """(raw file stem, date column) holding a channel's spend; a row counts in the month of that date."""
    for stem in (f"{channel}_ads", channel, f"{channel}_performance"):
        frame = raw.get(stem)
        if frame is not None and "spend" in frame.columns:
            return stem, next(c for c in DATE_COLUMNS if c in frame.columns)
    return None


def csv_node(kind: str, stem: str, column: str | None = None, where: dict | None = None,
             prefix: dict | None = None) -> dict:
    spec: dict[str, Any] = {"path": f"raw/{stem}.csv"}
    if column:
        spec["column"] = column
    if where:
        spec["where"] = where
    if prefix:
        spec["prefix"] = prefix
    return {kind: spec}


def total(raw: dict[str, pd.DataFrame], node: dict) -> float:
    """The value of a ``csv_sum`` / ``csv_count`` node on the tables in memory."""
    kind, spec = next(iter(node.items()))
    rows = select_rows(raw[spec["path"].removeprefix("raw/").removesuffix(".csv")], spec)
    return float(len(rows)) if kind == "csv_count" else float(rows[spec["column"]].astype(float).sum())


def month_label(period: pd.Period) -> str:
    return period.strftime("%B %Y")


def place(world: Any, market: str) -> str:
    """A market's name as a sentence uses it ("the United Kingdom", "Germany")."""
    name = world.markets[market].name
    return f"the {name}" if name.split()[0] in ("United", "Netherlands") else name
