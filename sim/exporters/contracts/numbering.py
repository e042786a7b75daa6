"""Clause numbering and cross-references for contract templates.

Templates name clauses instead of numbering them, so a clause can move without breaking a
reference and every reference is checked:

* ``## @key Title``        a clause heading (numbered 1, 2, ...; ``###`` works too)
* ``@key.sub text``        a numbered sub-clause of the current clause (``@. text`` if never referenced)
* ``## @@key Title``       a schedule / appendix / annex heading (numbered separately)
* ``§key``, ``§key.sub``   a reference, rendered in the document's style ("Clause 7.2",
  "Section 7(b)", "Article 7.2", "Schedule 2"); ``§other:key.sub`` refers to another
  document's numbering (an addendum citing its agreement).

An unknown reference raises, so a broken cross-reference cannot reach a document.

Numbering marks what it writes (:mod:`sim.exporters.spans`): each clause heading
(``heading:<key>``), each sub-clause line (``clause:<key>.<sub>``) and each resolved reference
(``ref:<doc>:<target>``), with the citation they stand for, so questions can ask which clause
says something and follow a reference to the clause it names.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from sim.exporters.spans import CLOSE, OPEN, mark

CLAUSE = re.compile(r"^#{2,3} @(?P<key>[a-z0-9_]+) (?P<title>.+)$")
SCHEDULE = re.compile(r"^#{2,3} @@(?P<key>[a-z0-9_]+) (?P<title>.+)$")
SUB = re.compile(r"^@(?P<key>[a-z0-9_]*)\.(?P<sub>[a-z0-9_]*) (?P<text>.*)$")
REF = re.compile(r"§(?:(?P<doc>[a-z0-9_]+):)?(?P<key>[a-z0-9_]+)(?:\.(?P<sub>[a-z0-9_]+))?")


@dataclass(frozen=True)
class Style:
    """How one document numbers and cites its clauses and schedules."""

    heading: str          # format of a clause heading: {n}, {title}
    sub_label: str        # label of a sub-clause: {n}, {m} (1-based), {a} (letter)
    sub_line: str         # format of a sub-clause line: {label}, {text}
    ref: str              # a citation of a clause or sub-clause: {label}
    schedule: str         # format of a schedule heading: {s}, {title}
    schedule_ref: str     # a citation of a schedule: {s}
    schedule_letters: bool = False


STYLES = {
    "clause": Style("## {n}. {title}", "{n}.{m}", "**{label}** {text}", "Clause {label}",
                    "## Schedule {s}: {title}", "Schedule {s}"),
    "section": Style("## Section {n}: {title}", "{n}({a})", "({a}) {text}", "Section {label}",
                     "## Appendix {s}: {title}", "Appendix {s}", schedule_letters=True),
    "article": Style("## ARTICLE {n}: {title_upper}", "{n}.{m}", "{label} {text}", "Article {label}",
                     "## Annex {s}: {title}", "Annex {s}"),
    "paragraph": Style("### {n}. {title}", "{n}.{m}", "{label} {text}", "paragraph {label}",
                       "## Annex {s}: {title}", "Annex {s}"),
    "partnership": Style("## Clause {n}: {title}", "{n}.{m}", "{label}. {text}", "Clause {label}",
                         "## Schedule {s}: {title}", "Schedule {s}"),
    "terms": Style("## {n}. {title_upper}", "{n}.{m}", "{label} {text}", "clause {label}",
                   "## Appendix {s}: {title}", "Appendix {s}"),
    "condition": Style("## {n} {title_upper}", "{n}.{m}", "{label} {text}", "Condition {label}",
                       "## Schedule {s}: {title}", "Schedule {s}", schedule_letters=True),
}


@dataclass(frozen=True)
class Numbered:
    """A numbered document and its anchors (key or key.sub -> citation), for other documents to cite."""

    text: str
    anchors: dict[str, str]


def _schedule_label(i: int, letters: bool) -> str:
    return string.ascii_uppercase[i - 1] if letters else str(i)


def _anchor_pass(lines: list[str], style: Style) -> tuple[list[str], dict[str, str]]:
    """Replace headings and sub-clause markers by numbers; collect each anchor's citation."""
    out, anchors = [], {}
    n = m = s = 0
    key = ""
    for line in lines:
        if hit := SCHEDULE.match(line):
            s += 1
            label = _schedule_label(s, style.schedule_letters)
            anchors[hit["key"]] = style.schedule_ref.format(s=label)
            heading = style.schedule.format(s=label, title=hit["title"])
            out += ["", _marked(heading, f"heading:{hit['key']}", anchors[hit["key"]], hit["key"]), ""]
        elif hit := CLAUSE.match(line):
            n, m, key = n + 1, 0, hit["key"]
            anchors[key] = style.ref.format(label=n)
            heading = style.heading.format(n=n, title=hit["title"], title_upper=hit["title"].upper())
            out += ["", _marked(heading, f"heading:{key}", anchors[key], key), ""]
        elif hit := SUB.match(line):
            if hit["key"] not in ("", key):
                raise ValueError(f"sub-clause @{hit['key']}.{hit['sub']} is inside clause @{key}")
            m += 1
            label = style.sub_label.format(n=n, m=m, a=string.ascii_lowercase[m - 1])
            if hit["sub"]:
                anchors[f"{key}.{hit['sub']}"] = style.ref.format(label=label)
            sub = f"{key}.{hit['sub'] or m}"
            text = style.sub_line.format(label=label, a=string.ascii_lowercase[m - 1], text=hit["text"])
            out += ["", _marked(text, f"clause:{sub}", style.ref.format(label=label), sub)]
        else:
            out.append(line)
    return out, anchors


def _marked(line: str, key: str, citation: str, anchor: str) -> str:
    """A heading or sub-clause line marked with its citation (its fields' markers must close on it)."""
    depth = 0
    for ch in line:
        depth += (ch == OPEN) - (ch == CLOSE)
        if depth < 0:
            break
    if depth != 0:
        raise ValueError(f"a field of @{anchor} spans more than its line; put it on a line of its own")
    return mark(line, key, citation=citation, anchor=anchor)


def number_document(template: str, style: str, cited: dict[str, Numbered] | None = None) -> Numbered:
    """Number a filled-in template and resolve its references (own and ``cited`` documents')."""
    body, anchors = _anchor_pass(template.splitlines(), STYLES[style])
    cited = cited or {}

    def resolve(hit: re.Match[str]) -> str:
        target = f"{hit['key']}.{hit['sub']}" if hit["sub"] else hit["key"]
        table = anchors if hit["doc"] is None else cited[hit["doc"]].anchors
        if target not in table:
            raise KeyError(f"reference §{hit.group(0)[1:]} has no anchor")
        return mark(table[target], f"ref:{hit['doc'] or ''}:{target}", citation=table[target], target=target,
                    cited=hit["doc"])

    text = REF.sub(resolve, "\n".join(body))
    return Numbered(re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n", anchors)
