"""Answer accuracy and retrieval metrics of a RAG pipeline on the gold set (see :mod:`sim.rag`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from sim.exporters.gold.questions import QUESTION_TYPES

KS = (1, 5, 10)
REL_TOL = 0.001
ABSTENTIONS = ("not stated", "does not state", "do not state", "unanswerable", "cannot be answered",
               "can't be answered", "no answer", "not mentioned", "not specified", "not provided", "unknown", "n/a")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%d/%m/%Y")


class ScoreError(ValueError):
    """A gold folder, answers or retrieval file that cannot be scored (one line)."""


# --------------------------------------------------------------------------- files
def _jsonl(path: Path, what: str) -> list[dict]:
    if not path.is_file():
        raise ScoreError(f"{what} {path} {'is not a file' if path.exists() else 'does not exist'}")
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ScoreError(f"{what} {path}, line {n}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ScoreError(f"{what} {path}, line {n}: expected a JSON object, got {type(record).__name__}")
            out.append(record | {"_line": n})
    return out


def load_gold(folder: Path) -> list[dict]:
    """The gold questions of a run folder (``DIR/rag/gold.jsonl``)."""
    path = Path(folder) / "rag" / "gold.jsonl"
    if not Path(folder).is_dir():
        raise ScoreError(f"output folder {folder} does not exist; give the folder a `sim run` wrote")
    return _jsonl(path, "gold set")


def load_corpus(folder: Path) -> dict[str, dict]:
    return {r["_id"]: r for r in _jsonl(Path(folder) / "rag" / "beir" / "corpus.jsonl", "BEIR corpus")}


def load_answers(path: Path, gold: dict[str, dict]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in _jsonl(Path(path), "answers file"):
        where = f"answers file {path}, line {r['_line']}"
        if "id" not in r or "answer" not in r:
            raise ScoreError(f"{where}: needs the keys \"id\" and \"answer\"")
        if r["id"] not in gold:
            raise ScoreError(f"{where}: unknown question id {r['id']!r}")
        if r["id"] in out:
            raise ScoreError(f"{where}: question {r['id']} answered twice")
        if not isinstance(r["answer"], str | int | float | type(None)) or isinstance(r["answer"], bool):
            raise ScoreError(f"{where}: answer must be a string, a number or null")
        out[r["id"]] = r["answer"]
    return out


def load_retrieved(path: Path, gold: dict[str, dict], corpus: dict[str, dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in _jsonl(Path(path), "retrieval file"):
        where = f"retrieval file {path}, line {r['_line']}"
        if "id" not in r or not isinstance(r.get("retrieved"), list):
            raise ScoreError(f"{where}: needs \"id\" and a list \"retrieved\" of corpus ids")
        if r["id"] not in gold:
            raise ScoreError(f"{where}: unknown question id {r['id']!r}")
        unknown = [c for c in r["retrieved"] if c not in corpus]
        if unknown:
            raise ScoreError(f"{where}: corpus id {unknown[0]!r} is not in rag/beir/corpus.jsonl")
        out[r["id"]] = list(r["retrieved"])
    return out


# --------------------------------------------------------------------------- answers
def normalise(text: Any) -> str:
    s = str(text).lower().replace("£", "gbp ")
    s = re.sub(r"(?<=\d),(?=\d)", "", s)
    s = re.sub(r"\bgbp\b", " ", s)
    s = re.sub(r"[^\w%.\-]+", " ", s)
    return re.sub(r"\s+", " ", s).strip(" .")


def abstains(answer: Any) -> bool:
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return True
    return isinstance(answer, str) and any(p in answer.lower() for p in ABSTENTIONS)


def first_number(answer: Any) -> float | None:
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        return float(answer)
    hit = NUMBER.search(str(answer))
    return float(hit.group(0).replace(",", "")) if hit else None


def as_date(answer: Any) -> dt.date | None:
    text = str(answer).strip().rstrip(".")
    iso = re.search(r"\d{4}-\d{2}-\d{2}", text)
    if iso:
        text = iso.group(0)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def judge(question: dict, answer: Any, rel_tol: float = REL_TOL) -> tuple[bool, bool]:
    """(exact, correct) for one answer."""
    ref = question["answer"]
    if question["answer_type"] == "none":
        return abstains(answer), abstains(answer)
    if abstains(answer):
        return False, False
    exact = normalise(answer) == normalise(ref["text"])
    value = ref.get("value")
    if question["answer_type"] == "date" and value:
        return exact, exact or as_date(answer) == dt.date.fromisoformat(value)
    if isinstance(value, int | float):
        got = first_number(answer)
        tol = max(float(question.get("tolerance") or 0.0), rel_tol * abs(value), 1e-9)
        return exact, exact or (got is not None and abs(got - value) <= tol)
    return exact, exact


# --------------------------------------------------------------------------- retrieval
def relevant(question: dict, corpus: dict[str, dict]) -> set[str]:
    """The passages the question's text evidence overlaps (the qrels)."""
    out = set()
    for cid, c in corpus.items():
        m = c.get("metadata", {})
        if any(e.get("path") == m.get("path") and "start" in e and e["start"] < m["end"] and m["start"] < e["end"]
               for e in question["evidence"]):
            out.add(cid)
    return out


def span_overlap(question: dict, ranked: list[str], corpus: dict[str, dict]) -> float:
    """Share of the characters of the text evidence that the ranked passages cover."""
    evidence = [(e["path"], e["start"], e["end"]) for e in question["evidence"] if "start" in e]
    total = sum(b - a for _, a, b in evidence)
    if total == 0:
        return 0.0
    covered = 0
    for path, a, b in evidence:
        chars = set()
        for cid in ranked:
            m = corpus[cid]["metadata"]
            if m["path"] == path:
                chars.update(range(max(a, m["start"]), min(b, m["end"])))
        covered += len(chars)
    return covered / total


# --------------------------------------------------------------------------- the score
def score(folder: Path, answers: Path | None = None, retrieved: Path | None = None,
          rel_tol: float = REL_TOL, ks: tuple[int, ...] = KS) -> dict[str, dict[str, float]]:
    """Metrics per question type (and ``all``): answer accuracy, and retrieval if ``retrieved``."""
    if answers is None and retrieved is None:
        raise ScoreError("give --answers FILE, --retrieved FILE or both")
    gold = {q["id"]: q for q in load_gold(folder)}
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(qtype: str, metric: str, x: float) -> None:
        for group in (qtype, "all"):
            sums[group][metric] += x

    for q in gold.values():
        add(q["question_type"], "questions", 1)
    if answers is not None:
        given = load_answers(answers, gold)
        for qid, q in gold.items():
            exact, correct = judge(q, given.get(qid), rel_tol)
            add(q["question_type"], "answered", float(qid in given and not abstains(given[qid])))
            add(q["question_type"], "exact", float(exact))
            add(q["question_type"], "correct", float(correct))
    if retrieved is not None:
        corpus = load_corpus(folder)
        ranked = load_retrieved(retrieved, gold, corpus)
        for qid, q in gold.items():
            rel = relevant(q, corpus)
            if not rel:
                continue
            got = ranked.get(qid, [])
            add(q["question_type"], "retrieval_questions", 1)
            for k in ks:
                add(q["question_type"], f"recall@{k}", len(rel & set(got[:k])) / len(rel))
                add(q["question_type"], f"span_overlap@{k}", span_overlap(q, got[:k], corpus))
            rank = next((i for i, c in enumerate(got[:max(ks)], 1) if c in rel), None)
            add(q["question_type"], "mrr", 1 / rank if rank else 0.0)
    out: dict[str, dict[str, float]] = {}
    for group in [*QUESTION_TYPES, "all"]:
        if group not in sums:
            continue
        s = sums[group]
        row: dict[str, float] = {"questions": s["questions"]}
        if answers is not None:
            row |= {"answered": s["answered"], "exact": s["exact"] / s["questions"],
                    "accuracy": s["correct"] / s["questions"]}
        if retrieved is not None and s["retrieval_questions"]:
            n = s["retrieval_questions"]
            row |= {"retrieval_questions": n, **{m: s[m] / n for m in s
                                                  if m.startswith(("recall@", "span_overlap@")) or m == "mrr"}}
        out[group] = row
    return out


def score_table(result: dict[str, dict[str, float]]) -> str:
    """The metrics as an aligned text table, one row per question type."""
    metrics = list(dict.fromkeys(m for row in result.values() for m in row))
    heads = {m: SHORT.get(m, m) for m in metrics}
    cols = {m: max(len(h), 6) + 2 for m, h in heads.items()}
    width = max(len(g) for g in result) + 2
    lines = ["type".ljust(width) + "".join(f"{heads[m]:>{cols[m]}}" for m in metrics)]
    for group, row in result.items():
        cells = []
        for m in metrics:
            x = row.get(m)
            cells.append(" " * cols[m] if x is None else f"{x:>{cols[m]}.0f}" if m in COUNTS
                         else f"{x:>{cols[m]}.3f}")
        lines.append(group.ljust(width) + "".join(cells))
    return "\n".join(lines)


COUNTS = ("questions", "answered", "retrieval_questions")
SHORT = {"retrieval_questions": "retrieval_q", **{f"span_overlap@{k}": f"overlap@{k}" for k in KS}}
