"""Goals: what a target accepts (a band with its tolerance, or an exact text).

Kept apart from the targets table so that a goal can be built, tested and described on its
own; :meth:`Goal.describe` is the wording the report shows in its "target" column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.validate.formatting import fmt, fmt_delta


@dataclass(frozen=True)
class Goal:
    """What a target accepts: a band (``low``..``high``, optionally strict) or an exact text."""

    low: float | None = None
    high: float | None = None
    strict: bool = False
    center: float | None = None
    rel: float | None = None
    tol: float | None = None
    text: str | None = None

    def holds(self, value: Any) -> bool:
        if isinstance(value, tuple):
            return all(self.holds(v) for v in value)
        if self.text is not None:
            return str(value) == self.text
        v = float(value)
        if self.strict:
            return (self.low is None or v > self.low) and (self.high is None or v < self.high)
        return (self.low is None or v >= self.low) and (self.high is None or v <= self.high)

    def describe(self, unit: str) -> str:
        if self.text is not None:
            return f"= {self.text}"
        if self.center is not None:
            spread = f"{self.rel:.0%}" if self.rel is not None else fmt_delta(self.tol, unit)
            return f"{fmt(self.center, unit)} ± {spread}"
        if self.low is not None and self.high is not None:
            if self.low == self.high:
                return f"= {fmt(self.low, unit)}"
            return f"{fmt(self.low, unit)} to {fmt(self.high, unit)}"
        if self.low is not None:
            return f"{'>' if self.strict else '≥'} {fmt(self.low, unit)}"
        return f"{'<' if self.strict else '≤'} {fmt(self.high, unit)}"


def about(center: float, rel: float | None = None, tol: float | None = None) -> Goal:
    """``center`` within a relative (``rel``) or absolute (``tol``) tolerance."""
    spread = abs(center) * rel if rel is not None else tol
    return Goal(center - spread, center + spread, center=center, rel=rel, tol=tol)


def between(low: float, high: float) -> Goal:
    return Goal(low, high)


def at_least(low: float) -> Goal:
    return Goal(low=low)


def at_most(high: float) -> Goal:
    return Goal(high=high)


def above(low: float) -> Goal:
    return Goal(low=low, strict=True)


def below(high: float) -> Goal:
    return Goal(high=high, strict=True)


def equals(text: str) -> Goal:
    return Goal(text=text)
