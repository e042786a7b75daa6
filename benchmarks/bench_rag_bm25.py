"""A lexical baseline on the gold question set: BM25 (``bm25s``) over the BEIR passages of a run.

usage: python benchmarks/bench_rag_bm25.py [DIR] [--k 10] [--out retrieved.jsonl]
DIR defaults to outputs/canonical. Loads DIR/rag/beir with BEIR's GenericDataLoader when the
``beir`` package is installed (the `rag` extra: see the README), else reads the same files
directly; indexes title + text of every passage (English stop words removed, no stemming),
retrieves the top k per question, writes the ranking in `sim rag-score --retrieved` format and
prints recall@1/5/10, MRR and span overlap per question type through the scorer, then the
recall table of the README.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
from pathlib import Path

import bm25s

from sim.rag import score, score_table


def load_beir(folder: Path) -> tuple[dict, dict]:
    try:
        from beir.datasets.data_loader import GenericDataLoader
    except ImportError:
        corpus = {r["_id"]: r for r in map(json.loads, (folder / "corpus.jsonl").read_text().splitlines())}
        queries = {r["_id"]: r["text"] for r in map(json.loads, (folder / "queries.jsonl").read_text().splitlines())}
        return corpus, queries
    with contextlib.redirect_stderr(io.StringIO()):  # BEIR's loader draws a progress bar
        corpus, queries, _ = GenericDataLoader(data_folder=str(folder)).load(split="test")
    return corpus, queries


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", nargs="?", type=Path, default=Path("outputs/canonical"))
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--out", type=Path, help="where to write the ranking (default: a temporary file)")
    args = p.parse_args()
    corpus, queries = load_beir(args.dir / "rag" / "beir")
    ids = sorted(corpus)
    texts = [f"{corpus[i].get('title', '')}\n{corpus[i]['text']}" for i in ids]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    qids = sorted(queries)
    hits, _ = retriever.retrieve(bm25s.tokenize([queries[q] for q in qids], stopwords="en", show_progress=False),
                                 k=min(args.k, len(ids)), show_progress=False)
    lines = [json.dumps({"id": q, "retrieved": [ids[j] for j in row]}) for q, row in zip(qids, hits, strict=True)]
    out = args.out or Path(tempfile.mkstemp(suffix=".jsonl")[1])
    out.write_text("\n".join(lines) + "\n")
    print(f"BM25 (bm25s {bm25s.__version__}) over {len(ids)} passages, {len(qids)} questions with relevant "
          f"passages; ranking in {out}")
    result = score(args.dir, retrieved=out)
    print(score_table(result))
    print("\n| question type | questions | recall@1 | recall@5 | recall@10 | MRR |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for group, row in result.items():
        if "recall@5" in row:
            print(f"| {group} | {row['retrieval_questions']:.0f} | {row['recall@1']:.3f} | {row['recall@5']:.3f} | "
                  f"{row['recall@10']:.3f} | {row['mrr']:.3f} |")


if __name__ == "__main__":
    main()
