"""The seven vendor contracts as markdown, filled from the vendor terms and the year's media data.

Each contract has its own template (``sim/contracts/documents``): its own clause order, defined
terms, numbering style and schedules. A template names its clauses and cites them by name;
:mod:`sim.exporters.contracts.numbering` numbers them and resolves the citations, including an addendum's
citations of its parent agreement. Values come from :mod:`sim.exporters.contracts.fields`.

Each term of a contract (:func:`sim.world.vendors.contract_terms`) is a document: a renewal is the
same template filled with the renewal's reference, dates and commitments, opened by a paragraph
naming the agreement it renews; an addendum's renewal cites its parent's term in force at its start.
"""

from __future__ import annotations

from collections.abc import Callable
from string import Template
from types import ModuleType
from typing import Any

import pandas as pd

from sim.exporters.contracts.documents import agency, channel4, clear_channel, itv, jcdecaux, sky, sky_bvod
from sim.exporters.contracts.facts import Facts
from sim.exporters.contracts.fields import agency_fields, airtime_fields, bvod_fields, common_fields, ooh_fields
from sim.exporters.contracts.measure import commitment_reconciliation
from sim.exporters.contracts.numbering import Numbered, number_document
from sim.exporters.contracts.text import long_date
from sim.exporters.spans import Document, mark
from sim.world.vendors import all_terms, term_on

DOCUMENTS: dict[str, ModuleType] = {
    "itv": itv, "sky": sky, "sky_bvod": sky_bvod, "channel4": channel4,
    "jcdecaux": jcdecaux, "clear_channel": clear_channel, "agency": agency,
}
FIELD_BUILDERS: dict[str, Callable[[Facts], dict[str, str]]] = {
    "airtime": airtime_fields, "bvod": bvod_fields, "ooh": ooh_fields, "agency": agency_fields,
}


def render_contract(facts: Facts, cited: dict[str, Numbered]) -> Numbered:
    """Fill one contract term's template and number it; ``cited`` holds documents it may refer to."""
    doc = DOCUMENTS[facts.key]
    fields = common_fields(facts)
    for name in doc.FIELDS:
        fields |= FIELD_BUILDERS[name](facts)
    try:
        text = Template(doc.TEMPLATE).substitute({name: mark(v, name) for name, v in fields.items()})
    except KeyError as exc:
        raise KeyError(f"{facts.term.file}: template field {exc} has no value") from None
    if facts.term.renewal:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{renewal_note(facts, fields)}\n{rest}"
    try:
        return number_document(text, doc.STYLE, cited)
    except (KeyError, ValueError) as exc:
        raise type(exc)(f"{facts.term.file}: {exc}") from None


def renewal_note(facts: Facts, fields: dict[str, str]) -> str:
    """The paragraph a renewal opens with: what it renews, and that only dates and commitments change."""
    t = facts.term
    first = t.contract
    return (f"_Renewal {t.number} of the {first.title} {first.reference} dated {long_date(first.signed)}. The parties "
            f"renew it for a further term of {first.term_months} months from {fields['start']} "
            f"on the same terms, rates and service levels; the reference, the dates and the commitments below are "
            f"those of this renewal._\n")


def contract_documents(world: Any, media: dict[str, pd.DataFrame]) -> list[Document]:
    """Every term of every contract (``raw/contracts/``) with the spans of its facts: each contract's
    first term, then its renewals, in document order."""
    reconciliation = commitment_reconciliation(world, media)
    terms = all_terms(world.vendors, world.run.end)
    numbered: dict[str, list[Numbered]] = {}
    out = []
    for key, mine in terms.items():
        for term in mine:
            cited = {k: numbered[k][term_on(terms[k], term.start).number] for k in numbered if k != key}
            doc = render_contract(Facts(world, term, reconciliation, media), cited)
            numbered.setdefault(key, []).append(doc)
            c = term.contract
            out.append(Document.from_marked(f"raw/contracts/{term.file}", "contract",
                                            f"the {c.vendor.name} {c.title} ({term.reference})",
                                            term.signed.isoformat(), doc.text))
    return out


def render_contracts(world: Any, media: dict[str, pd.DataFrame]) -> dict[str, str]:
    """File name -> markdown of every contract term (``raw/contracts/``), in document order."""
    return {d.path.removeprefix("raw/contracts/"): d.text for d in contract_documents(world, media)}
