"""The media plan briefs: one per market, dated before the year starts, from the approved plan.

What a brief says is known before any media runs: each channel's budget for the market (the
channel budget times the market's share of it, ``media.market_split``), the launch date, the
models. Two templates: the home market's full brief (a table of every channel, the contracts
it relies on) and a shorter brief for the other markets (a list of channels and amounts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sim.engine.plan import market_budgets
from sim.exporters.contracts.text import listing, long_date, md_table, money, pct
from sim.exporters.reports.common import REPORTS, place
from sim.exporters.spans import Document, Figure, mark


def plan_briefs(world: Any) -> list[Document]:
    dated = world.run.start - dt.timedelta(days=world.reporting.documents.brief_days_before)
    out = []
    for market, mk in world.markets.items():
        lines = _lines(world, market)
        if not lines:
            continue
        text = (_full if market == world.vendors.market else _short)(world, market, lines, dated)
        out.append(Document.from_marked(f"{REPORTS}/Media_Plan_Brief_{market}_{world.run.start.year}.md", "plan_brief",
                                        f"the {world.run.start.year} media plan brief for {mk.name}",
                                        dated.isoformat(), text))
    return out


def _lines(world: Any, market: str) -> list[tuple[str, Figure]]:
    out = []
    for name, ch in world.media.channels.items():
        if market not in ch.markets or ch.budget_gbp <= 0:
            continue
        shares = [{"config": f"media.market_split.{m}"} for m in ch.markets]
        source = {"op": "mul", "args": [{"config": f"media.channels.{name}.budget_gbp"},
                                        {"op": "div", "args": [{"config": f"media.market_split.{market}"},
                                                               {"op": "add", "args": shares}]}]}
        budget = market_budgets(world, name)[market]
        out.append((ch.label, money(budget, ask=f"the {ch.label} budget for {place(world, market)}",
                                    source=source)))
    return out


def _total(world: Any, market: str, lines: list[tuple[str, Figure]]) -> Figure:
    return money(sum(f.value for _, f in lines), ask=f"the total media budget for {place(world, market)}",
                 source={"op": "add", "args": [f.meta["source"] for _, f in lines]})


def _launch(world: Any, market: str) -> Figure:
    return long_date(world.markets[market].launch_date, ask=f"the launch date in {place(world, market)}",
                     source={"config": f"markets.{market}.launch_date"})


def _full(world: Any, market: str, lines: list[tuple[str, Figure]], dated: dt.date) -> str:
    total = _total(world, market, lines)
    rows = [[label, f, pct(f.value / total.value)] for label, f in lines]
    contracts = listing([c.vendor.name for c in world.vendors.contracts().values() if c.commitments])
    models = listing([m.replace("_", " ") for m in world.models])
    return "\n".join([
        f"# Media Plan Brief: {world.markets[market].name} {world.run.start.year}",
        "",
        f"*{world.vendors.client.legal_name} to {world.vendors.agency.vendor.legal_name}, "
        f"{mark(long_date(dated), 'issued')}*",
        "",
        "## 1. Objective",
        "",
        f"Launch the {models} vehicles in {place(world, market)} from "
        f"{mark(_launch(world, market), 'launch')}: build awareness before the launch, then leads, test drives "
        "and sales at the dealer network as it opens.",
        "",
        "## 2. Budget by channel",
        "",
        md_table(["Channel", "Budget", "Share of market budget"], rows, right={1, 2}, key="budget"),
        "",
        f"Total media budget for the market: {mark(total, 'total')}.",
        "",
        "## 3. Media owners",
        "",
        f"Television and out-of-home are bought under the annual agreements with {contracts}; their commitments "
        "and notice periods bind the plan, and any reduction needs the notice those agreements require.",
        "",
        "## 4. Measurement",
        "",
        "Weekly spend by channel feeds the marketing mix model; the agency reports monthly against this brief.",
        "",
    ])


def _short(world: Any, market: str, lines: list[tuple[str, Figure]], dated: dt.date) -> str:
    name = world.markets[market].name
    absent = [ch.label for ch in world.media.channels.values() if market not in ch.markets and ch.budget_gbp > 0]
    return "\n".join([
        f"# {name}: launch media brief {world.run.start.year}",
        "",
        f"Issued {mark(long_date(dated), 'issued')} by {world.vendors.client.name}. On sale from "
        f"{mark(_launch(world, market), 'launch')}.",
        "",
        f"Budget ({mark(_total(world, market, lines), 'total')} in all), by channel:",
        "",
        *[f"- {label}: {mark(f, 'budget/' + label)}" for label, f in lines],
        "",
        *([f"No {listing(absent)} is planned for {name}; reach comes from the channels above."] if absent else []),
        "Campaign names follow the plan's naming templates, so spend can be read by market in every platform.",
        "",
    ])
