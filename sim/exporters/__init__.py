"""Exporters: views of an event log, in the shape of real platform, CRM and vendor files.

:func:`export_tables` is the registry of every file a run writes from its log: the ten media
tables, the funnel and reference tables, the context tables, the SLA tracker, the contracts
and the documents written after the fact (reports, notices, briefs: ``raw/reports/``), with the
spans of the facts they state, the weekly MMM tables and the gold question set
built from the documents and the tables (``rag/``). Each table draws its reporting noise from its own stream
(``("export", name)``), so formatting one file never moves a number of another, nor a
causal fact.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.engine.log import EventLog
from sim.exporters import context, digital, mmm, pipeline, traditional, web
from sim.exporters.attribution import claimed_outcomes
from sim.exporters.contracts import contract_documents, sla_tracking
from sim.exporters.gold import rag_files
from sim.exporters.reports import report_documents
from sim.schemas import columns
from sim.world.config import World
from sim.world.streams import Stream, Streams

MEDIA_TABLES = {**digital.TABLES, **traditional.TABLES}
LogTable = Callable[[World, EventLog, np.random.Generator], pd.DataFrame]
LOG_TABLES: dict[str, LogTable] = {
    "website_analytics": web.website_analytics,
    "configurator_sessions": pipeline.configurator_sessions,
    "leads": pipeline.leads,
    "test_drives": pipeline.test_drives,
    "vehicle_sales": pipeline.vehicle_sales,
    "events": pipeline.events,
    "dealers": pipeline.dealers,
}
# the context tables are the very series the simulation drew from the context stream
CONTEXT_TABLES: dict[str, LogTable] = {
    "economic_indicators": context.economic_indicators,
    "competitor_spend": context.competitor_spend,
}


def platform_outcomes(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    """What the platforms claim (leads, conversions) per date x channel x market x campaign:
    their own counts inside their attribution windows (:mod:`sim.exporters.attribution`)."""
    claimed = claimed_outcomes(world, log, rng)
    df = claimed.assign(date=log.start + pd.to_timedelta(claimed["day"], unit="D"))
    return df.groupby(["date", "channel", "market", "campaign_id", "metric"], as_index=False)["value"].sum()


def export_media(world: World, delivered: pd.DataFrame, outcomes: pd.DataFrame | None,
                 rng_for: Callable[[str], np.random.Generator]) -> dict[str, pd.DataFrame]:
    """The ten media tables keyed by file stem; each draws its noise from its own generator."""
    return {name: table(world, delivered, outcomes, rng_for(name)) for name, table in MEDIA_TABLES.items()}


def _declared(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """A table built from no records has no columns either: give it its declared ones (a header, no rows)."""
    return table if len(table.columns) else pd.DataFrame(columns=columns(name))


def export_tables(world: World, log: EventLog) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Every raw and mmm table (keyed by relative path), and the contract documents, of one world."""
    streams = Streams(world.run.seed)

    def rng_for(name: str) -> np.random.Generator:
        return streams.generator(Stream.EXPORT, name)

    raw = export_media(world, log.media, platform_outcomes(world, log, rng_for("attribution")), rng_for)
    raw.update({name: _declared(name, table(world, log, rng_for(name))) for name, table in LOG_TABLES.items()})
    raw.update({name: table(world, log, streams.generator(Stream.CONTEXT)) for name, table in CONTEXT_TABLES.items()})
    raw["sla_tracking"] = sla_tracking(world, raw)
    documents = contract_documents(world, raw) + report_documents(world, raw)
    weekly_spend = mmm.weekly_channel_spend(world, raw)
    weekly_sales = mmm.weekly_sales(world, raw)
    tables = {f"raw/{k}.csv": v for k, v in raw.items()}
    tables["mmm/weekly_channel_spend.csv"] = weekly_spend
    tables["mmm/weekly_sales.csv"] = weekly_sales
    tables["mmm/model_ready.csv"] = mmm.model_ready(world, weekly_spend, weekly_sales, raw)
    tables["mmm/geo_weekly.csv"] = mmm.geo_weekly(world, raw, weekly_spend)
    files = {d.path: d.text for d in documents}
    files.update(rag_files(world, documents, tables))
    return tables, files
