"""Grading a RAG pipeline against the gold question set of a run (``rag/`` of its output folder).

:func:`score` reads ``DIR/rag/gold.jsonl`` (and, for retrieval, ``DIR/rag/beir/corpus.jsonl``),
an answers file and optionally a retrieval file, and reports per question type:

* answer accuracy: ``exact`` (the normalised text equals the reference: case, spacing,
  punctuation, thousands separators and the currency word ignored) and ``correct`` (exact, or a
  number within the question's tolerance (at least ``rel_tol`` of the reference), or the same
  date, or for an unanswerable question an abstention);
* retrieval: ``recall@k`` (share of a question's relevant passages among the first k retrieved),
  ``MRR`` (reciprocal rank of the first relevant passage, within the first ``max(ks)``) and
  ``span overlap@k`` (share of the characters of the question's text evidence covered by the
  first k retrieved passages). Unanswerable questions have no relevant passage and are left out
  of the retrieval metrics.

File formats (JSON lines, one object a line):

* answers:   ``{"id": "q0001", "answer": "GBP 3,700"}`` (``answer`` a string, a number or null;
  null or an empty string is an abstention);
* retrieved: ``{"id": "q0001", "retrieved": ["ITV_Airtime_Agreement#004", ...]}`` (BEIR corpus ids,
  best first).

A bad file is a :class:`ScoreError` with one line naming the file, the line and the problem.
"""

from sim.rag.score import ScoreError, load_gold, score, score_table

__all__ = ["ScoreError", "load_gold", "score", "score_table"]
