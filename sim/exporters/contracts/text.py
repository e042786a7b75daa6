"""How the documents write money, shares, dates, lists and tables: once, for all of them.

Figures come back as :class:`~sim.exporters.spans.Figure`: text that also carries the value as
written (rounded as shown) and its unit, so a marked figure records what a question's answer is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sim.exporters.spans import Figure, mark


def money(x: float, pence: bool = False, **meta: Any) -> Figure:
    if pence:
        return Figure(f"GBP {x:,.2f}", round(float(x), 2), "GBP", **meta)
    return Figure(f"GBP {x:,.0f}", float(round(float(x))), "GBP", **meta)


def pct(x: float, **meta: Any) -> Figure:
    """A share as a percentage, without trailing zeros (0.95 -> 95%, 0.995 -> 99.5%)."""
    text = f"{x * 100:.2f}".rstrip("0").rstrip(".")
    return Figure(text + "%", float(text), "%", **meta)


def number(x: float, unit: str, decimals: int = 0, **meta: Any) -> Figure:
    """A count or measure: ``number(8, "weeks")`` -> "8"; ``number(1234.5, "GRPs", 1)`` -> "1,234.5"."""
    value = round(float(x), decimals)
    return Figure(f"{value:,.{decimals}f}", int(value) if decimals == 0 else value, unit, **meta)


def long_date(d: dt.date, **meta: Any) -> Figure:
    return Figure(f"{d.day} {d:%B %Y}", d.isoformat(), "date", **meta)


def listing(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def roman_list(items: list[str]) -> str:
    """(i) first; (ii) second; ... as separate paragraphs."""
    return "\n\n".join(f"({ROMAN[i]}) {item};" if i < len(items) - 1 else f"({ROMAN[i]}) {item}."
                        for i, item in enumerate(items))


def plural(n: int, noun: str) -> str:
    """'1 week', '3 weeks'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def md_table(headers: list[str], rows: list[list[Any]], right: set[int] | None = None, key: str | None = None) -> str:
    """A GitHub-flavoured markdown table; columns in ``right`` are right-aligned.

    With a ``key`` every data cell is marked as the fact ``key/<first cell of its row>/<header>``
    (meta ``table``, ``row``, ``column``), so questions can cite a cell and its row.
    """
    right = right or set()
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    for row in rows:
        label = str(row[0])
        cells = [mark(c if isinstance(c, str) else str(c), f"{key}/{label}/{h}", table=key, row=label, column=h)
                 if key else str(c) for c, h in zip(row, headers, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
