"""Reading an output folder: typed tables, the problems found on the way, and :class:`RunData`.

Each CSV is read as text and parsed to the logical type its schema (:mod:`sim.schemas`)
declares, so an unparseable value is reported with its line rather than raised; the
pandera schema is then checked lazily. :class:`RunData` holds the complete tables and the
views (daily and monthly spend) that many targets share, computed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pandera.pandas as pa

from sim.schemas import CHANNEL_TABLES, CHANNELS, RAW_DIR, TABLES, TableSpec, column_meta, columns
from sim.schemas.phasing import daily_spend
from sim.validate.formatting import SHOWN_ROWS, line, quote, rows_message

if TYPE_CHECKING:
    from sim.world.config import World


class NotMeasurable(Exception):
    """The achieved value cannot be computed (table or column absent, empty selection)."""


@dataclass(frozen=True)
class Measured:
    """An achieved value with optional details (e.g. the worst rows)."""

    value: Any
    details: tuple[str, ...] = ()


class RunData:
    """The typed tables of one output folder, plus views the targets share."""

    def __init__(self, out_dir: Path, world: World, frames: dict[str, pd.DataFrame]):
        self.out_dir = out_dir
        self.world = world
        self.frames = frames

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.frames:
            raise NotMeasurable(f"{TABLES[name].path} is missing, unreadable or lacks specified columns")
        return self.frames[name]

    @cached_property
    def spend_by_file(self) -> dict[str, float]:
        """The extract's budget check, literally: the ``spend`` column of every CSV in raw/."""
        out = {}
        for path in sorted((self.out_dir / RAW_DIR).glob("*.csv")):
            head = pd.read_csv(path, nrows=0)
            if "spend" in head.columns:
                values = pd.to_numeric(pd.read_csv(path, usecols=["spend"], dtype=str)["spend"], errors="coerce")
                out[path.name] = float(values.sum())
        return out

    @cached_property
    def daily_spend(self) -> pd.DataFrame:
        """Spend per day (rows) and channel (columns); period rows spread evenly over their days."""
        days = pd.date_range(self.world.run.start, self.world.run.end, freq="D")
        out = pd.DataFrame(0.0, index=days, columns=list(CHANNELS))
        for channel, name in CHANNEL_TABLES.items():
            if name in self.frames:
                spread = spend_per_day(self.frames[name], TABLES[name])
                out[channel] = spread.reindex(days, fill_value=0.0)
        return out

    @cached_property
    def monthly_spend(self) -> pd.Series:
        return self.daily_spend.sum(axis=1).groupby(self.daily_spend.index.month).sum()


def spend_per_day(df: pd.DataFrame, spec: TableSpec) -> pd.Series:
    """Spend of a table per calendar day, by the phasing rule (:mod:`sim.schemas.phasing`);
    rows without dates or spend are left out (the schema check reports them)."""
    ok = df[spec.period_column].notna() & df["spend"].notna()
    if "end_date" in df.columns:
        ok &= df["end_date"].notna()
    return daily_spend(df[ok], spec)


def parse_column(raw: pd.Series, kind: str) -> pd.Series:
    """Text from the CSV to the column's logical type; unparseable values become missing."""
    if kind == "integer":  # written as digits: "5.0" is not an integer (Table Schema, Frictionless)
        digits = raw.where(raw.str.fullmatch(r"[+-]?\d+", na=False).astype(bool))
        return pd.to_numeric(digits, errors="coerce").astype("Int64")
    if kind == "number":
        return pd.to_numeric(raw, errors="coerce").astype("float64")
    if kind == "boolean":
        words = {"true": True, "false": False, "1": True, "0": False}
        return raw.str.lower().map(words).astype("boolean")
    if kind == "date":
        return pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    if kind == "datetime":
        parsed = pd.to_datetime(raw, format="ISO8601", errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return parsed.astype("datetime64[ns]")
    return raw


def read_table(path: Path, spec: TableSpec) -> tuple[pd.DataFrame | None, list[str]]:
    """The table typed as its schema says, and the problems found on the way."""
    name = spec.name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        return None, [f"{name}: cannot read {spec.path}: {exc}"]
    problems = layout_problems(name, list(raw.columns))
    typed = dict(raw.items())
    for column, declared in spec.schema.columns.items():
        if column not in raw.columns:
            continue
        kind = column_meta(declared).get("kind", "string")
        text = raw[column]
        typed[column] = parse_column(text, kind)
        if typed[column] is text:
            continue  # kept as text: nothing can fail to parse
        unparsed = text.notna() & typed[column].isna()
        if unparsed.any():
            problems.append(rows_message(f"{name}.{column}", f"value is not a valid {kind}", raw, unparsed, [column]))
    return pd.DataFrame(typed, index=raw.index), problems


def layout_problems(name: str, found: list[str]) -> list[str]:
    """Missing columns, wrong order, extras before the specified columns (decision 4)."""
    specified = columns(name, extras=False)
    missing = [c for c in specified if c not in found]
    if missing:
        return [f"{name}: missing column {c!r}" for c in missing]
    head = found[: len(specified)]
    if head == specified:
        return []
    for pos, (want, got) in enumerate(zip(specified, head, strict=True)):
        if want != got:
            where = "extra column" if got not in specified else "column out of order"
            return [f"{name}: {where} {got!r} at position {pos + 1}, where the extract has {want!r} "
                    f"(extra columns may only follow the specified ones)"]
    return []


def schema_problems(name: str, df: pd.DataFrame) -> list[str]:
    """Every failure of the pandera schema (lazy), grouped per column and check."""
    schema = TABLES[name].schema
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    checks = {c.error or c.name: c for c in schema.checks}
    problems = []
    cases = cases[cases["check"] != "column_in_dataframe"]  # reported by layout_problems
    for check, group in cases.groupby("check", sort=False):
        if check in checks:
            problems.append(row_check_problem(name, df, checks[check], group))
        elif check == "multiple_fields_uniqueness":
            key = TABLES[name].primary_key
            mask = df.index.isin(group["index"].dropna().astype(int))
            problems.append(rows_message(name, f"duplicate primary key ({', '.join(key)})", df,
                                         pd.Series(mask, df.index), key))
        else:
            problems.extend(column_check_problems(name, check, group))
    return problems


def column_check_problems(name: str, check: str, group: pd.DataFrame) -> list[str]:
    out = []
    for column, cases in group.groupby("column", sort=False, dropna=False):
        where = f"{name}.{column}"
        rows = cases.dropna(subset=["index"])
        if rows.empty:
            out.append(f"{where}: {check}: {', '.join(map(str, cases['failure_case'].head(SHOWN_ROWS)))}")
            continue
        pairs = zip(rows["index"].head(SHOWN_ROWS), rows["failure_case"].head(SHOWN_ROWS), strict=True)
        shown = ", ".join(f"line {line(i)} = {quote(v)}" for i, v in pairs)
        out.append(f"{where}: {check} fails in {len(rows)} rows; first: {shown}")
    return out


def row_check_problem(name: str, df: pd.DataFrame, check: pa.Check, group: pd.DataFrame) -> str:
    cols = (check.statistics or {}).get("columns", [])
    mask = pd.Series(df.index.isin(group["index"].dropna().astype(int)), index=df.index)
    return rows_message(f"{name}.{cols[0] if cols else ''}", check.error or check.name, df, mask, cols)
