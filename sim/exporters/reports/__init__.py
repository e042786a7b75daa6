"""Documents written after the fact (``raw/reports/``): what happened, dated after the period it reports.

The contracts hold only what was known when they were signed; delivery, spend and service
levels are reported here, each document dated after the period it covers:

* the agency's **monthly reports** (:mod:`.agency`), one per month of the horizon in the agency's
  terms (first and renewals), issued the business day the report log records (the same log
  ``sla_tracking.csv`` measures timeliness from);
* the broadcasters' **post-campaign reports** (:mod:`.broadcast`), one per calendar year, after it ends;
* **SLA breach notices and make-good letters** (:mod:`.notices`), one per month or quarter
  ``sla_tracking.csv`` marks out of compliance, after that period, under the term then in force;
* the **media plan briefs** (:mod:`.brief`), one per market and calendar year, before the year starts.

Every figure is computed from the raw tables or the scenario when the document is written, and
marked with how to recompute it (:mod:`sim.exporters.spans`), so the gold set covers these
documents like the contracts. Each type has two templates of different structure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.exporters.reports.agency import agency_reports
from sim.exporters.reports.brief import plan_briefs
from sim.exporters.reports.broadcast import post_campaign_reports
from sim.exporters.reports.notices import sla_notices
from sim.exporters.spans import Document

__all__ = ["report_documents"]


def report_documents(world: Any, raw: dict[str, pd.DataFrame]) -> list[Document]:
    """Every document of ``raw/reports/``, in date order (then path)."""
    docs = plan_briefs(world) + agency_reports(world, raw) + sla_notices(world, raw) + post_campaign_reports(world, raw)
    return sorted(docs, key=lambda d: (d.date, d.path))
