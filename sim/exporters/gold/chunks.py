"""How the documents are cut into the passages of the BEIR corpus.

A document is split at blank lines into blocks (a paragraph, a list, a table, a heading). A
heading starts a new passage; blocks are then added to the passage while it stays within
``reporting.documents.chunk_chars`` characters; a block longer than that is a passage of its
own. A passage's text is exactly ``document[start:end]``, so gold evidence spans map onto the
passages that overlap them (the qrels). Its title is the document's title and the heading it
sits under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.exporters.spans import Document

BLOCK = re.compile(r"[^\n](?:[^\n]|\n(?!\n))*")


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    path: str
    start: int
    end: int
    title: str
    text: str


def chunk_document(doc: Document, max_chars: int) -> list[Chunk]:
    blocks = [(m.start(), m.end()) for m in BLOCK.finditer(doc.text) if m.group(0).strip()]
    groups: list[list[tuple[int, int]]] = []
    headings: list[str] = []
    heading = ""
    for a, b in blocks:
        text = doc.text[a:b]
        is_heading = text.startswith("#")
        if is_heading:
            heading = text.lstrip("#").strip()
        current = groups[-1] if groups else None
        if current is None or is_heading or (b - current[0][0]) > max_chars and not _only_heading(doc, current):
            groups.append([(a, b)])
            headings.append(heading)
        else:
            current.append((a, b))
    out = []
    for n, (group, head) in enumerate(zip(groups, headings, strict=True)):
        a, b = group[0][0], group[-1][1]
        title = f"{doc.title}: {head}" if head else doc.title
        out.append(Chunk(f"{doc.doc_id}#{n:03d}", doc.doc_id, doc.path, a, b, title, doc.text[a:b]))
    return out


def _only_heading(doc: Document, group: list[tuple[int, int]]) -> bool:
    """A passage holding only its heading takes the next block whatever its length."""
    return len(group) == 1 and doc.text[group[0][0]:group[0][1]].startswith("#")
