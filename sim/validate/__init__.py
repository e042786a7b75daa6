"""Validate a run's output folder: schemas, keys, the extract's ten checks, every numeric target.

What is checked, and how much it matters (spec README decision 6):

1. hard invariants - files exist, every table matches its schema (:mod:`sim.schemas`), foreign
   keys resolve, no sale before its model or dealer, dates in causal order, no negative
   counts, ``ctr = clicks / impressions``;
2. totals - spend per channel and overall (+-5%), sales per market (+-10%);
3. row counts (+-20%);
4. rates, shares and distributions within their stated ranges;
5. the quick-reference figures.

Structural checks (1) are code (:mod:`~sim.validate.checks`); everything with a number in it is
a row of :data:`~sim.validate.targets.TARGETS`: the extract's words, its priority, the goal
(with its tolerance, :mod:`~sim.validate.goals`) and how the achieved value is measured
(:mod:`~sim.validate.measures`, :mod:`~sim.validate.funnel`, :mod:`~sim.validate.consistency`).
A lower-priority target that fails while a target it conflicts with holds is labelled
*lost-to-higher-priority*, never hidden. Priorities 1 and 2 make the report fail
(``report.ok``) for the calibrated baseline (the baseline scenario with nothing changed but
the seed); for any other world (another scenario, a smaller population, another budget) only
priority 1 is enforced, since the targets (counts, rates) describe the calibrated baseline.

The modules, in the order they depend on each other: formatting, goals, tables (reading a
folder, :class:`RunData`), results, the measures, targets, checks, verdicts (running it all:
:func:`validate_dir`) and report (the file ``validation_report.md``). This package re-exports
the names other code uses, so ``from sim.validate import validate_dir, write_report`` works.

Row numbers in messages are CSV line numbers (line 1 is the header).
"""

from sim.validate.goals import Goal, about, above, at_least, at_most, below, between, equals
from sim.validate.report import REPORT_FILE, render, write_report
from sim.validate.results import (
    FAIL,
    LOST,
    PASS,
    UNMEASURED,
    CheckResult,
    Target,
    TargetResult,
    ValidationReport,
    enforced,
)
from sim.validate.tables import Measured, NotMeasurable, RunData
from sim.validate.targets import TARGETS
from sim.validate.verdicts import evaluate, validate_dir

__all__ = [
    "FAIL", "LOST", "PASS", "REPORT_FILE", "TARGETS", "UNMEASURED", "CheckResult", "Goal", "Measured", "NotMeasurable",
    "RunData", "Target", "TargetResult", "ValidationReport", "about", "above", "at_least", "at_most", "below",
    "between",
    "enforced", "equals", "evaluate", "render", "validate_dir", "write_report",
]
