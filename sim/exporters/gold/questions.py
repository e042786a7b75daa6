"""The gold question set: questions generated from the facts the documents wrote, never by a model.

Every document records the spans of the facts it states (:mod:`sim.exporters.spans`), each
with its typed value, unit, the noun phrase that asks for it (``ask``) and how to recompute it
(``source``, :mod:`sim.exporters.gold.derive`). The families below combine those facts (and
cells of the raw CSVs) into questions of seven types:

* ``extraction``      one stated fact;
* ``numeric``         arithmetic over facts of one document (a difference, a ratio, a balance);
* ``multi-hop``       a chain: a clause's cross-reference to the clause that states the fact, or
                      the row one table singles out, read in another document's table;
* ``cross-document``  the same term compared, or added up, across documents;
* ``table+text``      a document's rate or threshold applied to a cell of a raw CSV;
* ``temporal``        dates: days between events, deadlines, terms;
* ``unanswerable``    a term the named contract does not state (another contract states it).

Evidence is a list of character spans ``{doc_id, path, start, end, text}`` of the written files
(the lines stating the facts) and CSV cells ``{path, row, column}`` (row counts data rows from 0).
Choices among candidates are drawn from the export stream ``gold``, so the set is deterministic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.exporters.spans import Document, Span
from sim.world.vendors import ContractTerm, all_terms

ABSTAIN = "The documents do not state this."
QUESTION_TYPES = ("extraction", "numeric", "multi-hop", "cross-document", "table+text", "temporal", "unanswerable")


@dataclass
class Question:
    question: str
    question_type: str
    text: str
    value: Any
    unit: str | None
    evidence: list[dict]
    derivation: dict | None = None
    tolerance: float = 0.0
    family: str = ""
    docs: list[str] = field(default_factory=list)

    @property
    def answer_type(self) -> str:
        if self.question_type == "unanswerable":
            return "none"
        return {"GBP": "money", "%": "percent", "date": "date", None: "text"}.get(self.unit, "number")

    def record(self, qid: str) -> dict:
        return {"id": qid, "question": self.question, "question_type": self.question_type,
                "answer_type": self.answer_type,
                "answer": {"text": self.text, "value": self.value, "unit": self.unit},
                "tolerance": self.tolerance, "evidence": self.evidence, "derivation": self.derivation,
                "doc_ids": self.docs, "family": self.family}


# --------------------------------------------------------------------------- facts of a document
def tolerance_of(span: Span) -> float:
    """Half a unit of the last digit the document wrote (a figure is rounded as shown)."""
    if not isinstance(span.meta.get("value"), int | float):
        return 0.0
    digits = span.text.rpartition(".")[2] if "." in span.text else ""
    decimals = len([c for c in digits if c.isdigit()]) if digits else 0
    return 0.5 * 10 ** -decimals


class Facts:
    """The asked-for facts of one document, by key (first occurrence), and its table cells."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.by_key: dict[str, Span] = {}
        for s in doc.spans:
            if "ask" in s.meta and s.key not in self.by_key:
                self.by_key[s.key] = s
        self.clauses = {s.key.removeprefix("clause:"): s for s in doc.spans if s.key.startswith("clause:")}

    def numeric(self) -> list[Span]:
        return [s for s in self.by_key.values() if isinstance(s.meta.get("value"), int | float)]

    def table(self, name: str) -> list[Span]:
        return [s for s in self.by_key.values() if s.meta.get("table") == name]

    def tables(self) -> dict[str, list[Span]]:
        out: dict[str, list[Span]] = {}
        for s in self.by_key.values():
            if "table" in s.meta:
                out.setdefault(s.meta["table"], []).append(s)
        return out

    def top_level(self) -> dict[str, Span]:
        return {k: s for k, s in self.by_key.items() if "table" not in s.meta}


def line_evidence(doc: Document, span: Span) -> list[dict]:
    """The line(s) stating a fact: its own line and, for a table cell, the table's header line."""
    spans = [_line_at(doc, span.start, span.end)]
    if "table" in span.meta:
        table = next((s for s in doc.spans if s.key == span.meta["table"] and s.start <= span.start < s.end), None)
        if table is not None:
            spans.insert(0, _line_at(doc, table.start, table.start))
    return [{"doc_id": doc.doc_id, "path": doc.path, "start": a, "end": b, "text": doc.text[a:b]} for a, b in spans]


def _line_at(doc: Document, start: int, end: int) -> tuple[int, int]:
    a = doc.text.rfind("\n", 0, start) + 1
    b = doc.text.find("\n", end)
    return a, len(doc.text) if b < 0 else b


def merge(*evidence: list[dict]) -> list[dict]:
    seen, out = set(), []
    for e in itertools.chain(*evidence):
        k = tuple(sorted((k, str(v)) for k, v in e.items() if k != "text"))
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out


def fmt_value(value: float, unit: str | None, decimals: int = 0) -> str:
    """An answer's text in the documents' style."""
    if unit == "GBP":
        return f"GBP {value:,.{decimals}f}"
    if unit == "%":
        return f"{value:.{decimals}f}%"
    text = f"{value:,.{decimals}f}"
    return f"{text} {unit}" if unit else text


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _dates(facts: Facts) -> list[Span]:
    return [s for s in facts.by_key.values() if s.unit == "date"]


def _diff_source(a: Span, b: Span) -> dict:
    return {"op": "sub", "args": [a.meta["source"], b.meta["source"]]}


# --------------------------------------------------------------------------- the families
class Generator:
    """Builds every family from the documents, the raw tables and the world."""

    def __init__(self, world: Any, documents: list[Document], tables: dict[str, pd.DataFrame],
                 rng: np.random.Generator):
        self.world = world
        self.docs = documents
        self.facts = {d.doc_id: Facts(d) for d in documents}
        self.tables = tables
        self.rng = rng
        by_path = {d.path: d for d in documents}
        self.term_docs: dict[str, list[tuple[ContractTerm, Document]]] = {
            key: [(t, by_path[f"raw/contracts/{t.file}"]) for t in terms if f"raw/contracts/{t.file}" in by_path]
            for key, terms in all_terms(world.vendors, world.run.end).items()}
        self.term_of = {d.doc_id: t for pairs in self.term_docs.values() for t, d in pairs}

    def pick(self, items: list, n: int) -> list:
        """At most ``n`` of ``items``, drawn without replacement, in their original order."""
        if len(items) <= n:
            return list(items)
        idx = sorted(self.rng.choice(len(items), size=n, replace=False))
        return [items[i] for i in idx]

    def all(self) -> list[Question]:
        out: list[Question] = []
        for family in (self.extraction, self.temporal, self.numeric, self.multi_hop, self.cross_document,
                       self.table_text, self.unanswerable):
            out += list(family())
        return out

    def _ask(self, doc: Document, span: Span, qtype: str, family: str, template: str | None = None) -> Question:
        question = (template or "According to {doc}, what is {ask}?").format(doc=doc.title, ask=span.meta["ask"])
        return Question(_cap(question), qtype, span.text, span.meta.get("value", span.text), span.unit,
                        line_evidence(doc, span), span.meta.get("source"), tolerance_of(span), family, [doc.doc_id])

    # ----------------------------------------------------------------- extraction
    def extraction(self, per_contract: int = 14, per_report: int = 8) -> Iterable[Question]:
        for doc in self.docs:
            facts = [s for s in self.facts[doc.doc_id].by_key.values() if s.unit != "date"]
            for span in self.pick(facts, per_contract if doc.doc_type == "contract" else per_report):
                yield self._ask(doc, span, "extraction", "stated fact")

    # ----------------------------------------------------------------- temporal
    def temporal(self, per_doc: int = 6) -> Iterable[Question]:
        for doc in self.docs:
            facts = self.facts[doc.doc_id]
            for span in self.pick(_dates(facts), per_doc):
                yield self._ask(doc, span, "temporal", "stated date")
            top = facts.top_level()
            if "signed" in top and "start" in top:
                a, b = top["signed"], top["start"]
                days = (pd.Timestamp(b.value) - pd.Timestamp(a.value)).days
                yield Question(f"How many days before the first day of its term was {doc.title} signed?", "temporal",
                               f"{days} days", days, "days", merge(line_evidence(doc, a), line_evidence(doc, b)),
                               {"op": "days_between", "args": [a.meta["source"], b.meta["source"]]}, 0.0,
                               "signing to start", [doc.doc_id])
        signed = sorted(((d, self.facts[d.doc_id].top_level().get("signed")) for d in self.docs),
                        key=lambda p: p[1].value if p[1] else "")
        signed = [(d, s) for d, s in signed if s is not None]
        for (d1, s1), (d2, s2) in zip(signed, signed[1:], strict=False):
            days = (pd.Timestamp(s2.value) - pd.Timestamp(s1.value)).days
            yield Question(f"How many days after {d1.title} was {d2.title} signed?", "temporal", f"{days} days",
                           days, "days", merge(line_evidence(d1, s1), line_evidence(d2, s2)),
                           {"op": "days_between", "args": [s1.meta["source"], s2.meta["source"]]}, 0.0,
                           "signing order", [d1.doc_id, d2.doc_id])

    # ----------------------------------------------------------------- numeric
    def numeric(self) -> Iterable[Question]:
        for doc in self.docs:
            facts = self.facts[doc.doc_id]
            for cells in facts.tables().values():
                yield from self._table_spread(doc, [c for c in cells if c.unit in ("GBP", "%") and "source" in c.meta])
            top = facts.top_level()
            for key, commit in top.items():
                line = key.removeprefix("commit_")
                scheduled = top.get(f"scheduled_{line}")
                if not key.startswith("commit_") or scheduled is None:
                    continue
                value = commit.value - scheduled.value
                yield Question(f"According to {doc.title}, how much of {commit.meta['ask']} is left to be spent after "
                               f"the part scheduled in {self.term_of[doc.doc_id].start.year}?", "numeric",
                               fmt_value(value, "GBP"), value, "GBP",
                               merge(line_evidence(doc, commit), line_evidence(doc, scheduled)),
                               _diff_source(commit, scheduled), tolerance_of(commit) + tolerance_of(scheduled),
                               "commitment balance", [doc.doc_id])
            late = top.get("late_cancel_pct")
            for key, commit in top.items():
                if late is None or not key.startswith("commit_"):
                    continue
                value = commit.value * late.value / 100
                yield Question(f"Under {doc.title}, what would the Advertiser pay for cancelling bookings worth "
                               f"{commit.meta['ask']} on less notice than required?", "numeric",
                               fmt_value(value, "GBP"), value, "GBP",
                               merge(line_evidence(doc, commit), line_evidence(doc, late)),
                               {"op": "div", "args": [{"op": "mul", "args": [commit.meta["source"],
                                                                             late.meta["source"]]}, {"const": 100}]},
                               tolerance_of(commit) * late.value / 100 + commit.value * tolerance_of(late) / 100,
                               "late cancellation charge", [doc.doc_id])
            premium, peak = top.get("premium_pct"), facts.by_key.get("rate_card/peak/Deal CPP (adults, per GRP)")
            if premium is not None and peak is not None and premium.value:
                value = peak.value * (1 + premium.value / 100)
                yield Question(f"Under {doc.title}, what is the Deal CPP of a peak spot in a premium programme, "
                               f"surcharge included?", "numeric", fmt_value(value, "GBP"), value, "GBP",
                               merge(line_evidence(doc, peak), line_evidence(doc, premium)),
                               {"op": "mul", "args": [peak.meta["source"], {"op": "add", "args": [
                                   {"const": 1}, {"op": "div", "args": [premium.meta["source"], {"const": 100}]}]}]},
                               tolerance_of(peak) * (1 + premium.value / 100)
                               + peak.value * tolerance_of(premium) / 100,
                               "premium CPP", [doc.doc_id])
            if "commission_media" in top and "kpi_bonus_max" in top:
                a, b = top["commission_media"], top["kpi_bonus_max"]
                value = round(a.value * b.value / 100, 4)
                yield Question(f"Under {doc.title}, what is the largest performance bonus as a percentage of Media "
                               f"Cost?", "numeric", fmt_value(value, "%", 2), value, "%",
                               merge(line_evidence(doc, a), line_evidence(doc, b)),
                               {"op": "div", "args": [{"op": "mul", "args": [a.meta["source"], b.meta["source"]]},
                                                      {"const": 100}]}, 0.00005, "bonus share of media", [doc.doc_id])
            if "spot_seconds" in top and "loop_seconds" in top:
                a, b = top["spot_seconds"], top["loop_seconds"]
                value = b.value / a.value
                yield Question(f"Under {doc.title}, how many spots of the stated length fit in one digital loop?",
                               "numeric", fmt_value(value, None), value, "spots",
                               merge(line_evidence(doc, a), line_evidence(doc, b)),
                               {"op": "div", "args": [b.meta["source"], a.meta["source"]]}, 0.0, "spots per loop",
                               [doc.doc_id])

    def _table_spread(self, doc: Document, cells: list[Span]) -> Iterable[Question]:
        """The largest against the smallest figure of a table column: difference and ratio."""
        by_column: dict[str, list[Span]] = {}
        for c in cells:
            by_column.setdefault(c.meta["column"], []).append(c)
        for column in by_column.values():
            column = [c for c in column if c.value]
            if len(column) < 2:
                continue
            hi = max(column, key=lambda c: c.value)
            lo = min(column, key=lambda c: c.value)
            if hi.value == lo.value:
                continue
            ev = merge(line_evidence(doc, hi), line_evidence(doc, lo))
            diff = hi.value - lo.value
            yield Question(f"According to {doc.title}, by how much does {hi.meta['ask']} exceed {lo.meta['ask']}?",
                           "numeric", fmt_value(diff, hi.unit, 2 if hi.unit == "%" else 0), diff, hi.unit, ev,
                           _diff_source(hi, lo), tolerance_of(hi) + tolerance_of(lo), "table spread", [doc.doc_id])
            ratio = hi.value / lo.value * 100
            yield Question(f"According to {doc.title}, what is {hi.meta['ask']} as a percentage of {lo.meta['ask']}?",
                           "numeric", fmt_value(ratio, "%", 1), round(ratio, 1), "%", ev,
                           {"op": "mul", "args": [{"op": "div", "args": [hi.meta["source"], lo.meta["source"]]},
                                                  {"const": 100}]},
                           0.05 + ratio * (tolerance_of(hi) / hi.value + tolerance_of(lo) / lo.value),
                           "table ratio", [doc.doc_id])

    # ----------------------------------------------------------------- multi-hop
    def multi_hop(self, per_doc: int = 8) -> Iterable[Question]:
        for doc in self.docs:
            chains = []
            for ref in (s for s in doc.spans if s.key.startswith("ref:")):
                source = next((p for p in reversed(ref.parents) if p.startswith("clause:")), None)
                target_doc = self._cited(doc, ref.meta["cited"]) or doc if ref.meta.get("cited") else doc
                target = self.facts[target_doc.doc_id].clauses.get(ref.meta["target"])
                if source is None or target is None or source == target.key:
                    continue
                inside = [s for s in self.facts[target_doc.doc_id].by_key.values()
                          if target.key in s.parents and "table" not in s.meta]
                if len(inside) == 1:
                    chains.append((self.facts[doc.doc_id].clauses[source.removeprefix("clause:")], ref, target_doc,
                                   target, inside[0]))
            seen = set()
            for origin, ref, target_doc, target, fact in self.pick(chains, per_doc):
                if (origin.key, fact.key) in seen:
                    continue
                seen.add((origin.key, fact.key))
                where = "that document" if target_doc is not doc else "that provision"
                q = (f"{origin.meta['citation']} of {doc.title} refers to {ref.text}. According to {where}, "
                     f"what is {fact.meta['ask']}?")
                yield Question(_cap(q), "multi-hop", fact.text, fact.meta.get("value", fact.text), fact.unit,
                               merge([_ev(doc, origin)], [_ev(target_doc, target)]), fact.meta.get("source"),
                               tolerance_of(fact), "cross-reference", sorted({doc.doc_id, target_doc.doc_id}))
        yield from self._table_hops()
        yield from self._row_hops()

    def _table_hops(self) -> Iterable[Question]:
        """The row with the highest / lowest figure of one document's table, read in another's."""
        for name in ("rate_card", "site_rates"):
            owners = [(d, self.facts[d.doc_id].table(name)) for d in self.docs]
            owners = [(d, cells) for d, cells in owners if cells]
            for (d1, c1), (d2, c2) in itertools.permutations(owners, 2):
                rows2 = {c.meta["row"]: c for c in c2}
                shared = [c for c in c1 if c.meta["row"] in rows2]
                if len(shared) < 2:
                    continue
                for pick, word in ((max, "highest"), (min, "lowest")):
                    row = pick(shared, key=lambda c: c.value)
                    other = rows2[row.meta["row"]]
                    column = row.meta["column"]
                    q = (f"Which {_row_noun(name)} has the {word} {column} in {d1.title}, and what is the same "
                         f"{_row_noun(name)}'s figure in {d2.title}?")
                    yield Question(q, "multi-hop", f"{row.meta['row']}: {other.text}", other.value, other.unit,
                                   merge(line_evidence(d1, row), line_evidence(d2, other)), other.meta.get("source"),
                                   tolerance_of(other), "table hop", [d1.doc_id, d2.doc_id])

    def _row_hops(self, per_doc: int = 2) -> Iterable[Question]:
        """The row of a report's table with the highest figure in one column, read in another column."""
        for doc in (d for d in self.docs if d.doc_type != "contract"):
            hops = []
            for name, cells in self.facts[doc.doc_id].tables().items():
                columns: dict[str, dict[str, Span]] = {}
                for c in cells:
                    if isinstance(c.meta.get("value"), int | float) and "source" in c.meta:
                        columns.setdefault(c.meta["column"], {})[c.meta["row"]] = c
                for (ca, a), (cb, b) in itertools.permutations(columns.items(), 2):
                    shared = [r for r in a if r in b]
                    if len(shared) < 3:
                        continue
                    top = max(shared, key=lambda r: a[r].value)
                    if sum(a[r].value == a[top].value for r in shared) > 1:
                        continue
                    hops.append((name, ca, cb, top, a[top], b[top]))
            for name, ca, cb, top, first, answer in self.pick(hops, per_doc):
                noun = _row_noun(name)
                q = (f"In {doc.title}, which {noun} has the highest figure in the \"{ca}\" column, and what is its "
                     f"figure in the \"{cb}\" column?")
                yield Question(q, "multi-hop", f"{top}: {answer.text}", answer.value, answer.unit,
                               merge(line_evidence(doc, first), line_evidence(doc, answer)), answer.meta["source"],
                               tolerance_of(answer), "row hop", [doc.doc_id])

    # ----------------------------------------------------------------- cross-document
    def cross_document(self, per_key: int = 3, most: int = 90) -> Iterable[Question]:
        keyed: dict[str, list[tuple[Document, Span]]] = {}
        for doc in self.docs:
            for key, span in self.facts[doc.doc_id].by_key.items():
                if isinstance(span.meta.get("value"), int | float) and "source" in span.meta:
                    keyed.setdefault(_comparable(key), []).append((doc, span))
        chosen = []
        for key, group in sorted(keyed.items()):
            pairs = [(a, b) for a, b in itertools.combinations(group, 2)
                     if a[0] is not b[0] and a[1].unit == b[1].unit and a[1].value != b[1].value
                     and _same_measure(a[1], b[1])]
            chosen += [(key, pair) for pair in self.pick(pairs, per_key)]
        for key, ((d1, s1), (d2, s2)) in self.pick(chosen, most):
            (d1, s1), (d2, s2) = sorted([(d1, s1), (d2, s2)], key=lambda p: -p[1].value)
            diff = s1.value - s2.value
            decimals = 2 if s1.unit in ("%", "GBP") and (s1.value % 1 or s2.value % 1) else 0
            q = f"By how much does {s1.meta['ask']} in {d1.title} exceed {s2.meta['ask']} in {d2.title}?"
            yield Question(q, "cross-document", fmt_value(diff, s1.unit, decimals), round(diff, 4), s1.unit,
                           merge(line_evidence(d1, s1), line_evidence(d2, s2)), _diff_source(s1, s2),
                           tolerance_of(s1) + tolerance_of(s2), f"compare {key}", [d1.doc_id, d2.doc_id])
        yield from self._commitment_totals()

    def _commitment_totals(self) -> Iterable[Question]:
        """What the advertiser commits to all media owners of a channel."""
        renewals = max(len(pairs) for pairs in self.term_docs.values())
        for number, (channel, noun) in itertools.product(range(renewals), (("tv", "television"), ("ooh", "outdoor"))):
            parts = []
            for pairs in self.term_docs.values():
                for term, doc in pairs[number:number + 1]:
                    for line, terms in term.contract.commitments.items():
                        span = self.facts[doc.doc_id].by_key.get(f"commit_{line}")
                        if terms.channel == channel and span is not None:
                            parts.append((doc, span))
            if len(parts) < 2:
                continue
            total = sum(s.value for _, s in parts)
            names = sorted({d.title for d, _ in parts})
            q = (f"What do the term commitments for {noun} media add up to across {', '.join(names[:-1])} and "
                 f"{names[-1]}?")
            yield Question(q, "cross-document", fmt_value(total, "GBP"), total, "GBP",
                           merge(*[line_evidence(d, s) for d, s in parts]),
                           {"op": "add", "args": [s.meta["source"] for _, s in parts]},
                           sum(tolerance_of(s) for _, s in parts), f"{channel} commitments",
                           sorted({d.doc_id for d, _ in parts}))

    # ----------------------------------------------------------------- table + text
    def table_text(self, per_group: int = 2, sla_rows: int = 14) -> Iterable[Question]:
        yield from self._tv_rows(per_group)
        yield from self._ooh_rows(per_group)
        yield from self._sla_rows(sla_rows)

    def _cited(self, doc: Document, key: str) -> Document | None:
        """The document of contract ``key`` that a contract term cites: the term in force at its start."""
        pairs = self.term_docs.get(key, [])
        term = self.term_of.get(doc.doc_id)
        if not pairs or term is None:
            return pairs[0][1] if pairs else None
        return next((d for t, d in pairs if t.covers(term.start)), pairs[0][1])

    def _tv_rows(self, per_group: int) -> Iterable[Question]:
        tv = self.tables.get("raw/tv_performance.csv")
        if tv is None or tv.empty:
            return
        from sim.world.prices import airtime_contract_of, deal_cpp

        vendors = self.world.vendors
        weeks = pd.to_datetime(tv["date_week_start"]).dt.date
        for broadcaster in sorted(tv["broadcaster"].unique()):
            try:
                contract = airtime_contract_of(vendors, broadcaster)
            except KeyError:
                continue
            if broadcaster.endswith("_BVOD"):
                continue
            key = next(k for k, c in vendors.contracts().items() if c is contract)
            for (term, doc), daypart in itertools.product(self.term_docs[key], contract.cpp_gbp):
                cell = self.facts[doc.doc_id].by_key.get(f"rate_card/{daypart}/Deal CPP (adults, per GRP)")
                rows = [i for i in np.flatnonzero(((tv["broadcaster"] == broadcaster) & (tv["daypart"] == daypart)
                                                   & (weeks >= term.start) & (weeks <= term.end)).to_numpy())
                        if deal_cpp(vendors, broadcaster, daypart, tv["programme_name"].iat[i])
                        == contract.cpp_gbp[daypart] and float(tv["spend"].iat[i]) > 0]
                if cell is None or not rows:
                    continue
                for i in self.pick(rows, per_group):
                    spend = float(tv["spend"].iat[i])
                    value = round(spend / contract.cpp_gbp[daypart], 1)
                    csv = {"path": "raw/tv_performance.csv", "row": int(i), "column": "spend"}
                    q = (f"Row {i} of raw/tv_performance.csv is {broadcaster} {daypart} airtime in the week of "
                         f"{tv['date_week_start'].iat[i]} ({tv['programme_name'].iat[i]}). At the Deal CPP for that "
                         f"daypart in {doc.title}, how many GRPs did the row's spend book?")
                    yield Question(q, "table+text", fmt_value(value, "GRPs", 1), value, "GRPs",
                                   line_evidence(doc, cell) + [csv],
                                   {"op": "div", "args": [{"csv": csv}, cfg_node(key, "cpp_gbp", daypart)]},
                                   0.05, "booked GRPs", [doc.doc_id])

    def _ooh_rows(self, per_group: int) -> Iterable[Question]:
        ooh = self.tables.get("raw/ooh_performance.csv")
        if ooh is None or ooh.empty:
            return
        vendors = self.world.vendors
        starts = pd.to_datetime(ooh["start_date"]).dt.date
        for key, contract in vendors.contracts().items():
            rates = getattr(contract, "site_rate_gbp", None)
            if not rates:
                continue
            owners = {o for line in contract.commitments.values() for o in line.owners}
            for (term, doc), (fmt, rate) in itertools.product(self.term_docs[key], rates.items()):
                cell = self.facts[doc.doc_id].by_key.get(next(
                    (k for k in self.facts[doc.doc_id].by_key if k.startswith(f"site_rates/{fmt}/")), ""))
                rows = list(np.flatnonzero((ooh["vendor"].isin(owners) & (ooh["format"] == fmt)
                                            & (starts >= term.start) & (starts <= term.end)).to_numpy()))
                if cell is None or not rows:
                    continue
                for i in self.pick(rows, per_group):
                    value = round(float(ooh["spend"].iat[i]) / rate, 1)
                    csv = {"path": "raw/ooh_performance.csv", "row": int(i), "column": "spend"}
                    q = (f"Row {i} of raw/ooh_performance.csv is a {fmt} booking in {ooh['city'].iat[i]} from "
                         f"{ooh['start_date'].iat[i]}. At the price per site per cycle in {doc.title}, how many "
                         f"sites does the row's spend pay for?")
                    yield Question(q, "table+text", fmt_value(value, "sites", 1), value, "sites",
                                   line_evidence(doc, cell) + [csv],
                                   {"op": "div", "args": [{"csv": csv}, cfg_node(key, "site_rate_gbp", fmt)]},
                                   0.05, "contracted sites", [doc.doc_id])

    def _sla_rows(self, n: int) -> Iterable[Question]:
        sla = self.tables.get("raw/sla_tracking.csv")
        if sla is None or sla.empty:
            return
        vendors = self.world.vendors
        candidates = []
        months = pd.PeriodIndex(sla["year_month"], freq="M")
        for key, contract in vendors.contracts().items():
            for (term, doc), (name, metric) in itertools.product(self.term_docs[key], contract.sla.items()):
                span = self.facts[doc.doc_id].by_key.get(f"sla_{name}")
                if span is None or metric.measure not in ("grp_delivery", "site_availability"):
                    continue
                in_term = (months.start_time.date >= term.start) & (months.start_time.date <= term.end)
                rows = np.flatnonzero((sla["vendor"] == contract.vendor.name)
                                       & (sla["metric_name"] == _metric_name(metric.measure)) & in_term)
                candidates += [(doc, key, name, metric, span, int(i)) for i in rows]
        for doc, key, name, metric, span, i in self.pick(candidates, n):
            contracted, actual = float(sla["contracted_value"].iat[i]), float(sla["actual_value"].iat[i])
            value = round(actual - metric.target * contracted, 2)
            cells = [{"path": "raw/sla_tracking.csv", "row": i, "column": c} for c in ("contracted_value",
                                                                                       "actual_value")]
            what = "GRPs" if metric.measure == "grp_delivery" else "sites"
            q = (f"Row {i} of raw/sla_tracking.csv gives {sla['vendor'].iat[i]}'s contracted and actual {what} for "
                 f"{sla['year_month'].iat[i]}. By how many {what} does the actual figure exceed the minimum that "
                 f"{doc.title} requires (negative if it falls short)?")
            derivation = {"op": "sub", "args": [{"csv": cells[1]}, {"op": "mul", "args": [
                cfg_node(key, "sla", name, "target"), {"csv": cells[0]}]}]}
            yield Question(q, "table+text", fmt_value(value, what, 2), value, what, line_evidence(doc, span) + cells,
                           derivation, 0.005, "SLA margin", [doc.doc_id])

    # ----------------------------------------------------------------- unanswerable
    def unanswerable(self, per_doc: int = 5) -> Iterable[Question]:
        stated: dict[str, list[tuple[Document, Span]]] = {}
        for doc in self.docs:
            for key, span in self.facts[doc.doc_id].by_key.items():
                stated.setdefault(key, []).append((doc, span))
        for doc in (d for d in self.docs if d.doc_type == "contract"):
            mine = self.facts[doc.doc_id].by_key
            rows = {s.meta["row"] for s in mine.values() if "row" in s.meta}
            absent = [(key, others[0][1]) for key, others in sorted(stated.items())
                      if key not in mine and others[0][0].doc_type == doc.doc_type
                      and others[0][1].meta.get("row") not in rows]
            for key, span in self.pick(absent, per_doc):
                q = f"According to {doc.title}, what is {span.meta['ask']}?"
                yield Question(_cap(q), "unanswerable", ABSTAIN, None, None, [], None, 0.0,
                               f"not in the document ({key.split('/')[0]})", [doc.doc_id])


def cfg_node(*path: str) -> dict:
    return {"config": "vendors." + ".".join(path)}


def _row_noun(table: str) -> str:
    return {"rate_card": "daypart", "site_rates": "format", "months": "month", "weeks": "week", "spend": "channel",
            "leads": "market", "budget": "channel"}.get(table, "row")


def _comparable(key: str) -> str:
    """Keys that name the same term in different documents (commitment lines differ by name)."""
    return key


PERIOD = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                    r"December)\b|\d[\d-]*")


def _same_measure(a: Span, b: Span) -> bool:
    """Two facts measure the same thing if their question phrases differ only by a period."""
    return PERIOD.sub("", a.meta["ask"]) == PERIOD.sub("", b.meta["ask"])


def _metric_name(measure: str) -> str:
    from sim.exporters.contracts.sla import METRIC_NAMES

    return METRIC_NAMES[measure]


def _ev(doc: Document, span: Span) -> dict:
    a, b = span.start, span.end
    return {"doc_id": doc.doc_id, "path": doc.path, "start": a, "end": b, "text": doc.text[a:b]}
