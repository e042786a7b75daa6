"""How the contracts write money, shares, dates, lists and tables: once, for all seven."""

from __future__ import annotations

import datetime as dt
from typing import Any


def money(x: float, pence: bool = False) -> str:
    return f"GBP {x:,.2f}" if pence else f"GBP {x:,.0f}"


def pct(x: float) -> str:
    """A share as a percentage, without trailing zeros (0.95 -> 95%, 0.995 -> 99.5%)."""
    return f"{x * 100:.2f}".rstrip("0").rstrip(".") + "%"


def long_date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


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


def md_table(headers: list[str], rows: list[list[Any]], right: set[int] | None = None) -> str:
    """A GitHub-flavoured markdown table; columns in ``right`` are right-aligned."""
    right = right or set()
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
