"""The report file: ``validation_report.md``, deterministic (no timestamps).

Summarises the extract's ten checks, lists every hard invariant and every target with its
tolerance, achieved value and verdict, and quotes the first message of each enforced failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.system.outputs import atomic_write
from sim.validate.formatting import fmt
from sim.validate.results import FAIL, LOST, PASS, UNMEASURED, ValidationReport

REPORT_FILE = "validation_report.md"
EXTRACT_CHECKS = {
    1: "File existence: all 19 CSVs + 7 contracts exist",
    2: "Row counts: each file within expected range (+-20%)",
    3: "Budget totals: sum of all channel spend ~ GBP 20M (+-5%), per channel vs plan",
    4: "Sales totals: UK ~2,800, DE ~1,200, FR ~600 (+-10%)",
    5: "Date ranges: all files cover 2025-01-01 to 2025-12-31",
    6: "No orphaned foreign keys (dealers, leads, UTM campaigns)",
    7: "Conversion funnel makes sense (leads > test drives > sales; sessions > completed > lead_submitted)",
    8: "Seasonal pattern present: Sep-Oct highest activity",
    9: "No negative values in spend, impressions, clicks",
    10: "CTR = clicks / impressions (within rounding tolerance)",
}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _extract_summary(report: ValidationReport) -> list[str]:
    lines = ["## The extract's ten checks", "", "| # | check | verdict | failing items |", "|---|---|---|---|"]
    for number, title in EXTRACT_CHECKS.items():
        checks = [c for c in report.checks if c.extract_check == number]
        targets = [t for t in report.targets if t.target.check == number]
        failing = [c.name for c in checks if not c.passed] + [t.target.key for t in targets if t.verdict in (FAIL,
                                                                                                             LOST)]
        hard = any(not c.passed for c in checks) or any(t.failed and t.enforced for t in targets)
        verdict = "FAIL" if hard else ("pass, with reported misses" if failing else "pass")
        if not checks and not targets:
            verdict = "n/a"
        shown = ", ".join(failing[:8]) + (f" (+{len(failing) - 8} more)" if len(failing) > 8 else "")
        lines.append(f"| {number} | {_cell(title)} | {verdict} | {_cell(shown)} |")
    return lines + [""]


def _checks_section(report: ValidationReport) -> list[str]:
    lines = ["## Hard invariants (priority 1)", "", "| check | verdict |", "|---|---|"]
    lines += [f"| {_cell(c.name)} | {'pass' if c.passed else 'FAIL'} |" for c in report.checks]
    failing = [(c.name, c.messages) for c in report.checks if not c.passed]
    return lines + _detail_list("Failures", failing) + [""]


def _targets_section(report: ValidationReport) -> list[str]:
    lines = ["## Targets", "",
             "Every numeric target of the extract, its tolerance, the achieved value and the verdict. "
             "Priority: 1 hard invariant, 2 totals, 3 row counts, 4 rates/shares/distributions, 5 quick reference. "
             "*lost-to-higher-priority*: the target misses while a higher-priority target it conflicts with holds "
             "(spec README decision 6).", "",
             "| P | key | the extract says | measured as | target | achieved | verdict | enforced |",
             "|---|---|---|---|---|---|---|---|"]
    for r in sorted(report.targets, key=lambda r: r.target.priority):
        t = r.target
        achieved = "—" if r.achieved is None else fmt(r.achieved, t.unit)
        verdict = f"{r.verdict} ({r.lost_to})" if r.lost_to else r.verdict
        lines.append(f"| {t.priority} | {_cell(t.key)} | {_cell(t.extract)} | {_cell(t.measure)} | "
                     f"{_cell(r.goal.describe(t.unit))} | {_cell(achieved)} | {verdict} | "
                     f"{'yes' if r.enforced else 'no'} |")
    detailed = [(r.target.key, r.details) for r in report.targets if r.details and r.verdict != PASS]
    return lines + _detail_list("Details", detailed) + [""]


def _detail_list(title: str, items: list[tuple[str, list[str]]]) -> list[str]:
    """A sub-section listing each named item with its messages (nothing when there are none)."""
    if not items:
        return []
    lines = ["", f"### {title}", ""]
    for name, messages in items:
        lines.append(f"- **{name}**")
        lines += [f"  - {m}" for m in messages]
    return lines


def _first_message(failure: str, limit: int = 300) -> str:
    first = failure.split("; first: ")[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def render(report: ValidationReport) -> str:
    counts = {v: sum(r.verdict == v for r in report.targets) for v in (PASS, FAIL, LOST, UNMEASURED)}
    head = [
        f"# Validation report: scenario `{report.scenario}`", "",
        f"**Result: {'PASS' if report.ok else 'FAIL'}** - {len(report.failures)} enforced failures. "
        + report.enforcement, "",
        f"Targets: {counts[PASS]} pass, {counts[FAIL]} fail, {counts[LOST]} lost to a higher priority, "
        f"{counts[UNMEASURED]} not measured. Line numbers are CSV lines (line 1 is the header).", "",
    ]
    if report.failures:
        head += ["## Enforced failures", "", "(first message of each; all messages are listed below)", ""]
        head += [f"- {_cell(_first_message(f))}" for f in report.failures] + [""]
    return "\n".join(head + _extract_summary(report) + _checks_section(report) + _targets_section(report))


def write_report(report: ValidationReport, out_dir: Path) -> Path:
    """Write ``out_dir/validation_report.md`` (deterministic: no timestamps; in one rename, so a
    reader sees the previous report or the new one, never a part) and return its path."""
    return atomic_write(Path(out_dir) / REPORT_FILE, render(report).encode("utf-8"))
