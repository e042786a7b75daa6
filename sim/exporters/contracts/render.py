"""The seven vendor contracts as markdown, filled from the vendor terms and the year's media data.

Each contract has its own template (``sim/contracts/documents``): its own clause order, defined
terms, numbering style and schedules. A template names its clauses and cites them by name;
:mod:`sim.exporters.contracts.numbering` numbers them and resolves the citations, including an addendum's
citations of its parent agreement. Values come from :mod:`sim.exporters.contracts.fields`.
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
from sim.exporters.spans import Document, mark

DOCUMENTS: dict[str, ModuleType] = {
    "itv": itv, "sky": sky, "sky_bvod": sky_bvod, "channel4": channel4,
    "jcdecaux": jcdecaux, "clear_channel": clear_channel, "agency": agency,
}
FIELD_BUILDERS: dict[str, Callable[[Facts], dict[str, str]]] = {
    "airtime": airtime_fields, "bvod": bvod_fields, "ooh": ooh_fields, "agency": agency_fields,
}


def render_contract(facts: Facts, cited: dict[str, Numbered]) -> Numbered:
    """Fill one contract's template and number it; ``cited`` holds documents it may refer to."""
    doc = DOCUMENTS[facts.key]
    fields = common_fields(facts)
    for name in doc.FIELDS:
        fields |= FIELD_BUILDERS[name](facts)
    try:
        text = Template(doc.TEMPLATE).substitute({name: mark(v, name) for name, v in fields.items()})
    except KeyError as exc:
        raise KeyError(f"{facts.contract.file}: template field {exc} has no value") from None
    try:
        return number_document(text, doc.STYLE, cited)
    except (KeyError, ValueError) as exc:
        raise type(exc)(f"{facts.contract.file}: {exc}") from None


def contract_documents(world: Any, media: dict[str, pd.DataFrame]) -> list[Document]:
    """Every contract (``raw/contracts/``) with the spans of its facts, in document order."""
    reconciliation = commitment_reconciliation(world, media)
    numbered: dict[str, Numbered] = {}
    for key, contract in world.vendors.contracts().items():
        facts = Facts(world, key, contract, reconciliation, media)
        numbered[key] = render_contract(facts, numbered)
    contracts = world.vendors.contracts()
    return [Document.from_marked(f"raw/contracts/{contracts[k].file}", "contract",
                                 f"the {contracts[k].vendor.name} {contracts[k].title} ({contracts[k].reference})",
                                 contracts[k].signed.isoformat(), doc.text) for k, doc in numbered.items()]


def render_contracts(world: Any, media: dict[str, pd.DataFrame]) -> dict[str, str]:
    """File name -> markdown of every contract (``raw/contracts/``), in document order."""
    return {d.path.removeprefix("raw/contracts/"): d.text for d in contract_documents(world, media)}
