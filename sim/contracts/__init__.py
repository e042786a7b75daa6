"""Vendor contracts: the terms (scenario data), the seven documents and the SLA tracker.

- :class:`~sim.contracts.terms.VendorsConfig` validates the scenario's ``[vendors]`` section;
- :func:`render_contracts` writes ``raw/contracts/*.md`` from the terms and the year's media data;
- :func:`sla_tracking` builds ``raw/sla_tracking.csv`` by measuring delivery in the media data;
- :func:`commitment_reconciliation` checks each commitment against the spend delivered in its term;
- :func:`deal_cpp`, :func:`site_rate`, :func:`incident_factor` and :func:`scheduled_owner_shares`
  let the media simulation price and split its delivery by the same contracts.
"""

from sim.contracts.measure import commitment_reconciliation
from sim.contracts.pricing import deal_cpp, incident_factor, site_rate
from sim.contracts.render import render_contracts
from sim.contracts.sla import agency_report_log, sla_tracking
from sim.contracts.terms import VendorsConfig, scheduled_owner_shares

__all__ = ["VendorsConfig", "agency_report_log", "commitment_reconciliation", "deal_cpp", "incident_factor",
           "render_contracts", "scheduled_owner_shares", "site_rate", "sla_tracking"]
