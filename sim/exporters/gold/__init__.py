"""The RAG ground truth of a run: the gold question set and its standard exports (``rag/``).

:func:`rag_files` turns the documents (with the spans of their facts), the raw tables and the
world into the files of ``rag/``:

* ``gold.jsonl``               the canonical set: one question a line (see :mod:`.questions`);
* ``beir/corpus.jsonl``, ``beir/queries.jsonl``, ``beir/qrels/test.tsv``
                               the BEIR layout: the documents cut into passages (:mod:`.chunks`),
                               the questions, and for each question the passages its evidence
                               spans overlap (unanswerable questions have none, so BEIR's loader
                               leaves them out);
* ``ragas_testset.jsonl``      the RAGAS test set: ``user_input``, ``reference``,
                               ``reference_contexts`` (and ``synthesizer_name``: the question type);
* ``gold_card.md``             what the set holds: counts per question type and per document, the
                               chunking, the evidence and derivation conventions.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pandas as pd

from sim.exporters.gold.chunks import Chunk, chunk_document
from sim.exporters.gold.questions import ABSTAIN, QUESTION_TYPES, Generator, Question
from sim.exporters.spans import Document
from sim.world.streams import Stream, Streams

__all__ = ["ABSTAIN", "QUESTION_TYPES", "gold_questions", "rag_files"]


def gold_questions(world: Any, documents: list[Document], tables: dict[str, pd.DataFrame]) -> list[dict]:
    """The gold set as records (``id`` q0001 ...), in family order."""
    rng = Streams(world.run.seed).generator(Stream.EXPORT, "gold")
    questions: list[Question] = Generator(world, documents, tables, rng).all()
    return [q.record(f"q{i:04d}") for i, q in enumerate(questions, 1)]


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)


def qrels_of(record: dict, chunks: list[Chunk]) -> list[str]:
    """The passages a question's text evidence overlaps, in corpus order."""
    out = []
    for c in chunks:
        if any(e.get("doc_id") == c.doc_id and e["start"] < c.end and c.start < e["end"]
               for e in record["evidence"]):
            out.append(c.chunk_id)
    return out


def _context(e: dict) -> str:
    if "doc_id" in e:
        return e["text"]
    return f"{e['path']} row {e['row']}, column {e['column']}"


def rag_files(world: Any, documents: list[Document], tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Relative path (under the output folder) -> text of every file of ``rag/``."""
    records = gold_questions(world, documents, tables)
    max_chars = world.reporting.documents.chunk_chars
    chunks = [c for d in documents for c in chunk_document(d, max_chars)]
    corpus = [{"_id": c.chunk_id, "title": c.title, "text": c.text,
               "metadata": {"doc_id": c.doc_id, "path": c.path, "start": c.start, "end": c.end}} for c in chunks]
    queries = [{"_id": r["id"], "text": r["question"], "metadata": {"question_type": r["question_type"]}}
               for r in records]
    qrels = ["query-id\tcorpus-id\tscore"]
    for r in records:
        qrels += [f"{r['id']}\t{cid}\t1" for cid in qrels_of(r, chunks)]
    ragas = [{"user_input": r["question"], "reference": r["answer"]["text"],
              "reference_contexts": [_context(e) for e in r["evidence"]], "synthesizer_name": r["question_type"]}
             for r in records]
    return {
        "rag/gold.jsonl": _jsonl(records),
        "rag/beir/corpus.jsonl": _jsonl(corpus),
        "rag/beir/queries.jsonl": _jsonl(queries),
        "rag/beir/qrels/test.tsv": "\n".join(qrels) + "\n",
        "rag/ragas_testset.jsonl": _jsonl(ragas),
        "rag/gold_card.md": gold_card(records, documents, chunks, max_chars),
    }


def gold_card(records: list[dict], documents: list[Document], chunks: list[Chunk], max_chars: int) -> str:
    by_type = Counter(r["question_type"] for r in records)
    by_doc = Counter(d for r in records for d in r["doc_ids"])
    passages = Counter(c.doc_id for c in chunks)
    lines = [
        "# Gold question set", "",
        f"{len(records)} questions over {len(documents)} documents, generated from the world, the event log "
        "and the written files (never by a language model). Every answer is typed (`value`, `unit`); every "
        "numeric or date answer carries a `derivation` that recomputes it from `scenario.json` and the CSVs of "
        "`raw/` (`sim/exporters/gold/derive.py`).", "",
        "## Questions per type", "", "| question type | questions |", "| --- | ---: |",
        *[f"| {t} | {by_type.get(t, 0)} |" for t in QUESTION_TYPES], f"| total | {len(records)} |", "",
        "## Questions and passages per document", "",
        "| document | type | questions citing it | BEIR passages |", "| --- | --- | ---: | ---: |",
        *[f"| `{d.path}` | {d.doc_type} | {by_doc.get(d.doc_id, 0)} | {passages.get(d.doc_id, 0)} |"
          for d in documents], "",
        "## Conventions", "",
        "- `gold.jsonl`: `id`, `question`, `question_type`, `answer_type` (money, percent, number, date, text, "
        "none), `answer` (`text`, `value`, `unit`), `tolerance` (absolute, in the answer's unit: the rounding of "
        "the figures the documents print), `evidence`, `derivation`, `doc_ids`, `family`.",
        "- Text evidence is `{doc_id, path, start, end, text}`: character offsets into the file at `path` "
        "(UTF-8 text read as a Python string), `text == file[start:end]`. The generator records them when it "
        "writes the document, so they are exact by construction.",
        "- Table evidence is `{path, row, column}`: `row` counts data rows from 0 (the header is not a row), so "
        "`pandas.read_csv(path).iloc[row][column]` is the cell.",
        f"- BEIR passages (`beir/corpus.jsonl`): each document is split at blank lines into blocks; a heading "
        f"starts a new passage and blocks join the passage while it stays within {max_chars} characters "
        "(`reporting.documents.chunk_chars`); a longer block is a passage of its own. `metadata` gives the "
        "passage's `path`, `start` and `end`; `qrels/test.tsv` lists, per question, the passages its text "
        "evidence overlaps. Unanswerable questions have no relevant passage, so BEIR's `GenericDataLoader` "
        "leaves them out of its test split; they are graded on the answer alone.",
        f"- An unanswerable question's reference answer is \"{ABSTAIN}\" (value null).",
        "- `ragas_testset.jsonl`: `user_input`, `reference`, `reference_contexts` (the evidence texts; a CSV cell "
        "is written as `path row R, column C`) and `synthesizer_name` (the question type).",
        "- Score answers and retrieval with `sim rag-score DIR --answers FILE [--retrieved FILE]`.", "",
    ]
    return "\n".join(lines)
