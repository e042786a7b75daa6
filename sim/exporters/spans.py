"""Facts a generated document writes, with their exact character spans.

A document generator writes each fact it states through :func:`mark`: the text is wrapped in
invisible control characters carrying the fact's key, typed value, unit, the question phrase
that asks for it and how to recompute it (``source``). Formatting passes (template
substitution, clause numbering, reference resolution) move the markers along with the text;
:func:`resolve` removes them at the very end and returns the clean text with every fact's
``start``/``end`` offsets in it. The offsets are therefore exact by construction: nothing is
searched for afterwards.

Markers nest (a table's marker encloses its cells'); each :class:`Span` lists the keys of the
markers around it (``parents``). The payload is hex-encoded JSON, so upper-casing a heading that
holds a marker does not break it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

OPEN, MID, CLOSE = "\x01", "\x02", "\x03"
TOKEN = re.compile("\x01([0-9a-fA-F]*)\x02|\x03")


class Figure(str):
    """The text of a figure as a document writes it, carrying its typed value, unit and source.

    It is a ``str`` (templates and f-strings use it as text); :func:`mark` reads the rest.
    ``meta`` holds ``ask`` (the noun phrase a question asks for it with) and ``source`` (how to
    recompute the value from the resolved scenario and the CSVs, in the derivation language of
    :mod:`sim.exporters.gold.derive`).
    """

    value: Any
    unit: str | None
    meta: dict

    def __new__(cls, text: str, value: Any = None, unit: str | None = None, **meta: Any) -> Figure:
        out = super().__new__(cls, text)
        out.value, out.unit, out.meta = value, unit, {k: v for k, v in meta.items() if v is not None}
        return out

    def but(self, **meta: Any) -> Figure:
        """The same figure with more meta (``ask``, ``source``, ...)."""
        return Figure(str(self), self.value, self.unit, **{**self.meta, **meta})


def mark(text: str, key: str, **meta: Any) -> str:
    """``text`` wrapped in a marker for the fact ``key`` (meta: value, unit, ask, source, ...).

    A :class:`Figure` brings its own value, unit and source unless ``meta`` gives them.
    """
    if isinstance(text, Figure):
        meta = {"value": text.value, "unit": text.unit, **text.meta, **meta}
    payload = {"key": key, **{k: v for k, v in meta.items() if v is not None}}
    encoded = json.dumps(payload, sort_keys=True, default=str).encode().hex()
    return f"{OPEN}{encoded}{MID}{text}{CLOSE}"


@dataclass(frozen=True)
class Span:
    """One marked fact in the clean text: ``text == document[start:end]``."""

    key: str
    start: int
    end: int
    text: str
    meta: dict = field(default_factory=dict)
    parents: tuple[str, ...] = ()

    @property
    def value(self) -> Any:
        return self.meta.get("value", self.text)

    @property
    def unit(self) -> str | None:
        return self.meta.get("unit")


def resolve(marked: str) -> tuple[str, list[Span]]:
    """The text without markers, and the span of every marked fact (in order of their start)."""
    pieces: list[str] = []
    length = 0
    stack: list[tuple[dict, int]] = []
    found: list[Span] = []
    pos = 0
    for hit in TOKEN.finditer(marked):
        chunk = marked[pos:hit.start()]
        pieces.append(chunk)
        length += len(chunk)
        pos = hit.end()
        if hit.group(0) == CLOSE:
            if not stack:
                raise ValueError(f"unbalanced span marker at offset {length}")
            meta, start = stack.pop()
            key = meta.pop("key")
            text = "".join(pieces)[start:length]
            found.append(Span(key, start, length, text, meta, tuple(m["key"] for m, _ in stack)))
        else:
            stack.append((json.loads(bytes.fromhex(hit.group(1)).decode()), length))
    if stack:
        raise ValueError(f"unclosed span marker {stack[-1][0].get('key')!r}")
    pieces.append(marked[pos:])
    found.sort(key=lambda s: (s.start, -s.end))
    return "".join(pieces), found


def strip(marked: str) -> str:
    """The text without markers."""
    return resolve(marked)[0]


@dataclass(frozen=True)
class Document:
    """A generated document: where it is written, what it is, its text and the spans of its facts."""

    path: str          # relative to the output folder, e.g. raw/contracts/ITV_Airtime_Agreement.md
    doc_type: str      # contract, agency_report, post_campaign_report, ...
    title: str         # how a question names it
    date: str          # ISO date the document is dated
    text: str
    spans: tuple[Span, ...]

    @property
    def doc_id(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")

    @classmethod
    def from_marked(cls, path: str, doc_type: str, title: str, date: str, marked: str) -> Document:
        text, spans = resolve(marked)
        return cls(path, doc_type, title, date, text, tuple(spans))
