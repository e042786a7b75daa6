"""How a gold answer is recomputed from the resolved scenario and the CSVs: a tiny expression language.

Every numeric or date answer of the gold set carries a ``derivation`` built from these nodes, so
a test (or a user) can recompute it from ``scenario.json`` and the files of ``raw/`` without
reading the documents:

* ``{"config": "vendors.itv.cpp_gbp.peak"}``      a value of the resolved scenario, by dotted path
* ``{"const": 100}``                                a constant (also an ISO date string)
* ``{"csv": {"path": ..., "row": r, "column": c}}`` a CSV cell (``row`` counts data rows from 0)
* ``{"csv_sum": {"path": p, "column": c, "where": {col: value}, "prefix": {col: "2025-03"}}}``:
  the sum of a column over the rows whose ``where`` columns equal their values and whose
  ``prefix`` columns start with their text (a month of a date column); ``csv_count`` counts them
* ``{"op": OP, "args": [...]}`` with OP one of ``add``, ``sub``, ``mul``, ``div``,
  ``days_between`` (second date minus first, in days), ``add_days`` (a date and n), ``term_end``
  (start date and months: the last day of the term), ``business_days_after`` (a date and n; with ``"calendar"``, a
  ``holidays`` region such as ``GB-ENG``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from sim.exporters.calendars import business_days_after


def _date(x: Any) -> dt.date:
    return x if isinstance(x, dt.date) else dt.date.fromisoformat(str(x))


def _term_end(start: Any, months: Any) -> str:
    end = pd.Timestamp(_date(start)) + pd.DateOffset(months=int(months)) - pd.Timedelta(days=1)
    return end.date().isoformat()


OPS: dict[str, Callable[..., Any]] = {
    "add": lambda *a: sum(float(x) for x in a),
    "sub": lambda a, b: float(a) - float(b),
    "mul": lambda a, b: float(a) * float(b),
    "div": lambda a, b: float(a) / float(b),
    "days_between": lambda a, b: float((_date(b) - _date(a)).days),
}


class Derivation:
    """Evaluates derivations against one output folder's scenario (a dict) and CSV reader."""

    def __init__(self, config: dict, read_csv: Callable[[str], pd.DataFrame]):
        self.config = config
        self.read_csv = read_csv

    def lookup(self, path: str) -> Any:
        node: Any = self.config
        for part in path.split("."):
            if isinstance(node, list):
                node = node[int(part)]
            elif part in node:
                node = node[part]
            else:
                raise KeyError(f"scenario has no {path!r} (missing {part!r})")
        return node

    def __call__(self, node: dict) -> Any:
        if "config" in node:
            return self.lookup(node["config"])
        if "const" in node:
            return node["const"]
        if "csv" in node:
            cell = node["csv"]
            return self.read_csv(cell["path"]).iloc[int(cell["row"])][cell["column"]]
        for kind in ("csv_sum", "csv_count"):
            if kind in node:
                rows = select_rows(self.read_csv(node[kind]["path"]), node[kind])
                if kind == "csv_count":
                    return float(len(rows))
                return float(rows[node[kind]["column"]].astype(float).sum())
        args = [self(a) for a in node["args"]]
        op = node["op"]
        if op == "term_end":
            return _term_end(*args)
        if op == "add_days":
            return (_date(args[0]) + dt.timedelta(days=int(args[1]))).isoformat()
        if op == "business_days_after":
            return business_days_after(_date(args[0]), int(args[1]), node["calendar"]).isoformat()
        if op not in OPS:
            raise ValueError(f"unknown derivation op {op!r}")
        return OPS[op](*args)


DATE_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # a year, a month or a day in ISO form


def _date_span(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The instants whose ISO text starts with ``text`` ("2025", "2025-03" or "2025-03-04")."""
    start = pd.Timestamp(text if len(text) > 4 else f"{text}-01-01")
    step = {4: pd.DateOffset(years=1), 7: pd.DateOffset(months=1), 10: pd.DateOffset(days=1)}[len(text)]
    return start, start + step


def _starts_with(col: pd.Series, text: str) -> pd.Series:
    """Whether each cell's text starts with ``text``; on a date column, a year, month or day is
    compared as a span of dates (the same rows, without formatting every date as text)."""
    if pd.api.types.is_datetime64_any_dtype(col) and DATE_PREFIX.fullmatch(text):
        start, end = _date_span(text)
        return (col >= start) & (col < end)
    return col.astype(str).str.startswith(text)


def _equals(col: pd.Series, text: str) -> pd.Series:
    """Whether each cell's text is ``text`` (a date column compares a whole day as a date)."""
    if pd.api.types.is_datetime64_any_dtype(col) and len(text) == 10 and DATE_PREFIX.fullmatch(text):
        return _starts_with(col, text) & (col == col.dt.normalize())
    return col.astype(str) == text


def select_rows(frame: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The rows of a ``csv_sum`` / ``csv_count`` node: each ``where`` column's text equal to its
    value, each ``prefix`` column's text starting with its value."""
    keep = pd.Series(True, index=frame.index)
    for col, value in spec.get("where", {}).items():
        keep &= _equals(frame[col], str(value))
    for col, text in spec.get("prefix", {}).items():
        keep &= _starts_with(frame[col], str(text))
    return frame[keep]


def csv_cells(node: dict) -> list[dict]:
    """The CSV cells a derivation reads (the table evidence of its question)."""
    if "csv" in node:
        return [node["csv"]]
    return [c for a in node.get("args", []) for c in csv_cells(a)]
