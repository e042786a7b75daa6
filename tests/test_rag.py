"""The RAG ground truth: spans are the documents' text, answers recompute from the scenario and the
CSVs, the set has its counts, the exports load in their tools, and the scorer grades and refuses."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from sim.exporters.gold.chunks import chunk_document
from sim.exporters.gold.derive import Derivation
from sim.exporters.gold.questions import QUESTION_TYPES
from sim.exporters.spans import Document, mark, resolve
from sim.rag import score
from sim.rag.score import first_number, judge

CANONICAL = Path(__file__).resolve().parent.parent / "outputs" / "canonical"
GOLD = CANONICAL / "rag" / "gold.jsonl"


def gold(folder: Path = CANONICAL) -> list[dict]:
    return [json.loads(line) for line in (folder / "rag" / "gold.jsonl").read_text().splitlines()]


def passages(folder: Path = CANONICAL) -> list[dict]:
    return [json.loads(line) for line in (folder / "rag" / "beir" / "corpus.jsonl").read_text().splitlines()]


# --------------------------------------------------------------------------- spans by construction
def test_markers_nest_and_survive_upper_casing():
    inner = mark("GBP 3,700", "cpp", value=3700.0, unit="GBP")
    text, spans = resolve(("## " + mark("rate " + inner, "table")).upper() + " tail")
    assert text == "## RATE GBP 3,700 tail"
    by = {s.key: s for s in spans}
    assert text[by["cpp"].start:by["cpp"].end] == "GBP 3,700" and by["cpp"].parents == ("table",)
    assert by["cpp"].value == 3700.0 and by["table"].text == "RATE GBP 3,700"
    with pytest.raises(ValueError, match="unbalanced|unclosed"):
        resolve(mark("x", "a")[:-1])


def test_every_evidence_span_is_the_written_text_at_its_offsets():
    texts: dict[str, str] = {}
    for q in gold():
        for e in q["evidence"]:
            if "doc_id" not in e:
                continue
            if e["path"] not in texts:
                texts[e["path"]] = (CANONICAL / e["path"]).read_text(encoding="utf-8")
            assert texts[e["path"]][e["start"]:e["end"]] == e["text"], (q["id"], e)
            assert e["text"].strip(), q["id"]


@cache
def _csv(path: str) -> pd.DataFrame:
    return pd.read_csv(CANONICAL / path, keep_default_na=False)


def test_every_numeric_and_date_answer_recomputes_from_the_scenario_and_the_csvs():
    derive = Derivation(json.loads((CANONICAL / "scenario.json").read_text()), _csv)
    checked = Counter()
    for q in gold():
        value = q["answer"]["value"]
        if q["answer_type"] in ("none", "text"):
            continue
        assert q["derivation"] is not None, f"{q['id']} has a {q['answer_type']} answer and no derivation"
        got = derive(q["derivation"])
        if q["answer_type"] == "date":
            assert got == value, (q["id"], got, value)
        else:
            assert abs(float(got) - value) <= q["tolerance"] + 1e-9, (q["id"], q["question"], got, value)
        for cell in (e for e in q["evidence"] if "row" in e):
            assert cell["column"] in _csv(cell["path"]).columns and 0 <= cell["row"] < len(_csv(cell["path"]))
        checked[q["question_type"]] += 1
    assert set(checked) >= set(QUESTION_TYPES) - {"unanswerable"}


def test_a_stated_figure_is_the_value_its_text_shows():
    """The answer text of a stated figure parses back to its typed value (the document says it)."""
    for q in gold():
        if q["family"] in ("stated fact", "stated date", "cross-reference") and q["answer_type"] != "text":
            text, value = q["answer"]["text"], q["answer"]["value"]
            if q["answer_type"] == "date":
                assert dt.datetime.strptime(text, "%d %B %Y").date().isoformat() == value, q["id"]
            else:
                assert first_number(text) == pytest.approx(value), q["id"]


def test_the_set_has_its_counts():
    records = gold()
    by_type = Counter(q["question_type"] for q in records)
    assert len(records) >= 300
    assert all(by_type[t] >= 30 for t in QUESTION_TYPES), by_type
    cited = Counter(d for q in records for d in q["doc_ids"])
    documents = {p["metadata"]["doc_id"] for p in passages()}
    assert {p.stem for p in (CANONICAL / "raw" / "contracts").glob("*.md")} <= documents
    assert all(cited[d] >= 3 for d in documents), {d: cited[d] for d in documents}
    assert len({q["id"] for q in records}) == len(records)
    assert len({q["question"] for q in records}) == len(records)
    for q in records:
        assert (q["answer_type"] == "none") == (q["question_type"] == "unanswerable")
        assert q["evidence"] or q["question_type"] == "unanswerable", q["id"]


def test_unanswerable_questions_ask_for_a_term_the_named_document_does_not_state(small_world, small_tables):
    from sim.exporters.contracts import contract_documents
    from sim.exporters.gold.questions import Facts

    tables, _ = small_tables
    docs = {d.doc_id: d for d in contract_documents(small_world, {k[4:-4]: v for k, v in tables.items()
                                                                   if k.startswith("raw/")})}
    records = [json.loads(line) for line in small_tables[1]["rag/gold.jsonl"].splitlines()]
    asks = {d: {s.meta["ask"] for s in Facts(doc).by_key.values()} for d, doc in docs.items()}
    for q in (q for q in records if q["question_type"] == "unanswerable"):
        (doc_id,) = q["doc_ids"]
        assert not any(f"what is {a}?" in q["question"] for a in asks[doc_id]), q["question"]


# --------------------------------------------------------------------------- exports
def test_beir_folder_loads_with_beirs_generic_data_loader():
    from beir.datasets.data_loader import GenericDataLoader

    corpus, queries, qrels = GenericDataLoader(data_folder=str(CANONICAL / "rag" / "beir")).load(split="test")
    records = gold()
    answerable = {q["id"] for q in records if q["question_type"] != "unanswerable"}
    assert set(queries) == set(qrels) == answerable
    assert all(cid in corpus for rel in qrels.values() for cid in rel)
    for passage in passages():
        m = passage["metadata"]
        assert (CANONICAL / m["path"]).read_text(encoding="utf-8")[m["start"]:m["end"]] == passage["text"]


def test_ragas_test_set_has_its_columns():
    rows = [json.loads(line) for line in (CANONICAL / "rag" / "ragas_testset.jsonl").read_text().splitlines()]
    assert len(rows) == len(gold())
    for row, q in zip(rows, gold(), strict=True):
        assert row["user_input"] == q["question"] and row["reference"] == q["answer"]["text"]
        assert isinstance(row["reference_contexts"], list)
        assert len(row["reference_contexts"]) == len(q["evidence"])


def test_chunks_are_slices_of_their_document_within_the_size():
    text = "# T\n\n" + "\n\n".join(f"para {i} " + "x" * 50 for i in range(30)) + "\n\n## H\n\n" + "y" * 500
    doc = Document("raw/x.md", "contract", "the X", "2025-01-01", text, ())
    chunks = chunk_document(doc, 200)
    assert [c.text for c in chunks] == [text[c.start:c.end] for c in chunks]
    assert all(len(c.text) <= 200 or "\n\n" not in c.text.split("\n\n", 1)[-1] for c in chunks)
    assert chunks[-1].title == "the X: H" and chunks[-1].text.endswith("y" * 500)
    covered = "".join(text[c.start:c.end] for c in chunks)
    assert covered.replace("\n", "") == text.replace("\n", "")


# --------------------------------------------------------------------------- scorer
def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_reference_answers_and_perfect_retrieval_score_one(tmp_path):
    records = gold()
    answers = _write(tmp_path / "a.jsonl", [{"id": q["id"], "answer": q["answer"]["text"]} for q in records])
    qrels = pd.read_csv(CANONICAL / "rag" / "beir" / "qrels" / "test.tsv", sep="\t")
    ranked = qrels.groupby("query-id")["corpus-id"].apply(list)
    retrieved = _write(tmp_path / "r.jsonl", [{"id": q, "retrieved": r} for q, r in ranked.items()])
    result = score(CANONICAL, answers, retrieved)
    assert result["all"]["accuracy"] == 1.0 and result["all"]["exact"] == 1.0
    assert result["all"]["recall@10"] == 1.0 and result["all"]["mrr"] == 1.0
    assert result["all"]["span_overlap@10"] == pytest.approx(1.0)
    nothing = score(CANONICAL, _write(tmp_path / "n.jsonl", []))
    assert nothing["unanswerable"]["accuracy"] == 1.0 and nothing["extraction"]["accuracy"] == 0.0


def test_judging_numbers_dates_and_abstentions():
    money = {"answer_type": "money", "tolerance": 0.5, "answer": {"text": "GBP 3,700", "value": 3700.0}}
    assert judge(money, "GBP 3,700") == (True, True)
    assert judge(money, "It is £3,700 per GRP.") == (False, True)
    assert judge(money, 3710) == (False, False)      # 0.27% off: beyond the 0.1% default
    assert judge(money, "not stated") == (False, False)
    date = {"answer_type": "date", "answer": {"text": "30 June 2026", "value": "2026-06-30"}}
    assert judge(date, "2026-06-30")[1] and not judge(date, "1 July 2026")[1]
    none = {"answer_type": "none", "answer": {"text": "The documents do not state this.", "value": None}}
    assert judge(none, None)[1] and judge(none, "Not stated in the contract")[1] and not judge(none, "GBP 5")[1]


@pytest.mark.parametrize("content, message", [
    ("{not json\n", "line 1: not JSON"),
    ('{"id": "q0001"}\n', 'needs the keys "id" and "answer"'),
    ('{"id": "nope", "answer": "x"}\n', "unknown question id 'nope'"),
    ('{"id": "q0001", "answer": "x"}\n{"id": "q0001", "answer": "y"}\n', "answered twice"),
])
def test_bad_answers_file_is_one_line_and_exit_2(sim_cli, tmp_path, content, message):
    bad = tmp_path / "answers.jsonl"
    bad.write_text(content)
    out = sim_cli("rag-score", str(CANONICAL), "--answers", str(bad))
    assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr


def test_bad_retrieval_file_and_missing_folder(sim_cli, tmp_path):
    bad = _write(tmp_path / "r.jsonl", [{"id": "q0001", "retrieved": ["no-such-passage"]}])
    out = sim_cli("rag-score", str(CANONICAL), "--retrieved", str(bad))
    assert out.returncode == 2 and "'no-such-passage' is not in rag/beir/corpus.jsonl" in out.stderr
    out = sim_cli("rag-score", str(tmp_path / "nowhere"), "--answers", str(bad))
    assert out.returncode == 2 and "does not exist" in out.stderr
    out = sim_cli("rag-score", str(CANONICAL), "--answers", str(tmp_path / "missing.jsonl"))
    assert out.returncode == 2 and "answers file" in out.stderr and "does not exist" in out.stderr
    good = _write(tmp_path / "a.jsonl", [{"id": "q0001", "answer": None}])
    out = sim_cli("rag-score", str(CANONICAL), "--answers", str(good))
    assert out.returncode == 0 and "accuracy" in out.stdout and "unanswerable" in out.stdout
