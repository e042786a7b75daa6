"""What validation produces: check and target results, the target record, the whole report.

Verdicts: ``pass``, ``fail``, ``lost-to-higher-priority`` (a lower-priority target that misses
while a higher-priority target it conflicts with holds) and ``not measured``. Priorities 1
and 2 make the report fail for the calibrated baseline; elsewhere only priority 1 (spec README
decision 6).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.validate.formatting import fmt
from sim.validate.goals import Goal

if TYPE_CHECKING:
    from sim.validate.tables import RunData
    from sim.world.config import World

PASS, FAIL, LOST, UNMEASURED = "pass", "fail", "lost-to-higher-priority", "not measured"


@dataclass(frozen=True)
class CheckResult:
    """A structural (hard) check: passed or not, with messages that name table, column and rows."""

    name: str
    priority: int
    passed: bool
    messages: tuple[str, ...] = ()
    extract_check: int | None = None


@dataclass(frozen=True)
class Target:
    """One numeric target of the extract and how its achieved value is measured."""

    key: str
    extract: str  # the extract's wording
    priority: int  # 1 hard invariant, 2 totals, 3 row counts, 4 rates/shares, 5 quick reference
    goal: Goal | Callable[[World], Goal]
    measure: str  # how the achieved value is computed, in words
    achieved: Callable[[RunData], Any]
    unit: str = "number"
    check: int | None = None  # the extract's validation check it belongs to
    yields_to: tuple[str, ...] = ()  # known higher-priority targets it conflicts with


@dataclass(frozen=True)
class TargetResult:
    target: Target
    goal: Goal
    achieved: Any
    verdict: str
    enforced: bool
    details: tuple[str, ...] = ()
    lost_to: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL


@dataclass
class ValidationReport:
    out_dir: Path
    scenario: str
    baseline: bool
    changes: tuple[str, ...] = ()  # how a run named baseline departs from the calibrated one
    checks: list[CheckResult] = field(default_factory=list)
    targets: list[TargetResult] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        """Enforced failures, one line each."""
        out = [f"[P{c.priority}] {c.name}: " + "; ".join(c.messages) for c in self.checks
               if not c.passed and enforced(c.priority, self.baseline)]
        out += [f"[P{t.target.priority}] {t.target.key}: achieved {fmt(t.achieved, t.target.unit)}, "
                f"target {t.goal.describe(t.target.unit)}" for t in self.targets if t.failed and t.enforced]
        return out

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """One line for a terminal: the result and the target verdict counts."""
        counts = {v: sum(r.verdict == v for r in self.targets) for v in (PASS, FAIL, LOST, UNMEASURED)}
        return (f"validation {'PASS' if self.ok else 'FAIL'}: {len(self.failures)} enforced failures; targets "
                f"{counts[PASS]} pass, {counts[FAIL]} fail, {counts[LOST]} {LOST}, {counts[UNMEASURED]} {UNMEASURED}")


    @property
    def enforcement(self) -> str:
        """Which priorities make the report fail, and why (one sentence)."""
        if self.baseline:
            return "Baseline scenario: priorities 1 and 2 are enforced."
        reported = "only priority-1 invariants are enforced; the other targets are reported."
        if not self.changes:
            return f"Not the baseline: {reported}"
        more = f"; {len(self.changes) - 3} more" if len(self.changes) > 3 else ""
        return f"Not the calibrated baseline ({'; '.join(self.changes[:3])}{more}): {reported}"


def enforced(priority: int, baseline: bool) -> bool:
    return priority == 1 or (priority == 2 and baseline)
