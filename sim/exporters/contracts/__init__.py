"""Vendor contracts as documents: the seven contracts and the SLA tracker.

The terms themselves (scenario data, prices, incidents) live in :mod:`sim.world.vendors` and
:mod:`sim.world.prices`, because the media simulation buys by them; this package only writes:

- :func:`contract_documents` writes ``raw/contracts/*.md`` from the terms and the year's media data,
  one document per contract term (the first and its renewals, :func:`sim.world.vendors.contract_terms`),
  with the spans of the facts each states (:func:`render_contracts`: the texts alone);
- :func:`sla_tracking` builds ``raw/sla_tracking.csv`` by measuring delivery in the media data;
- :func:`commitment_reconciliation` checks each commitment of each term against the spend delivered in it.
"""

from sim.exporters.contracts.measure import commitment_reconciliation
from sim.exporters.contracts.render import contract_documents, render_contracts
from sim.exporters.contracts.sla import agency_report_log, sla_tracking

__all__ = ["agency_report_log", "commitment_reconciliation", "contract_documents", "render_contracts", "sla_tracking"]
