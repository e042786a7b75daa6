"""How values and failing rows are written in messages and in the report.

Shared by goals (their description), the table reader and the structural checks (row
messages) and the report, so one value always reads the same wherever it appears.
Row numbers are CSV line numbers (line 1 is the header).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

SHOWN_ROWS = 5  # failing rows quoted per message
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt(value: Any, unit: str) -> str:
    """A value in its unit, deterministic and readable."""
    if isinstance(value, tuple):
        return " … ".join(fmt(v, unit) for v in value)
    if unit == "text" or isinstance(value, str):
        return str(value)
    v = float(value)
    formats = {
        "gbp": lambda: f"£{v:,.0f}", "gbp2": lambda: f"£{v:,.2f}", "share": lambda: f"{100 * v:.2f}%",
        "pct": lambda: f"{v:.2f}%", "count": lambda: f"{v:,.0f}", "seconds": lambda: f"{v:.1f} s",
        "minutes": lambda: f"{v:.1f} min", "hours": lambda: f"{v:.2f} h", "index": lambda: f"{v:.1f}",
        "pence": lambda: f"{v:.2f}p",
    }
    return formats.get(unit, lambda: f"{v:.4g}")()


def fmt_delta(delta: float | None, unit: str) -> str:
    if delta is None:
        return "?"
    if unit == "share":
        return f"{100 * delta:g} pp"
    if unit == "pct":
        return f"{delta:g} pp"
    return fmt(delta, unit)


def line(index: Any) -> int:
    """CSV line number of a data row (header is line 1)."""
    return int(index) + 2


def quote(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def rows_message(where: str, what: str, df: pd.DataFrame, mask: pd.Series, cols: Iterable[str]) -> str:
    """``where: what in N rows; first: line L (col=value, ...)``."""
    bad = df.loc[mask.fillna(False).astype(bool)]
    cols = list(cols)
    shown = []
    for idx, row in bad.head(SHOWN_ROWS).iterrows():
        values = ", ".join(f"{c}={quote(row[c])}" for c in cols) if len(cols) > 1 else quote(row[cols[0]])
        shown.append(f"line {line(idx)} ({values})" if len(cols) > 1 else f"line {line(idx)} = {values}")
    return f"{where}: {what} in {len(bad)} rows; first: " + ", ".join(shown)
