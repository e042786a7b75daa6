"""The media plan briefs: one per market and calendar year, dated before the year starts, from the approved plan.

What a brief says is known before any media runs: each channel's budget for the market in the
year (the year's channel budget times the market's share of it, ``media.market_split``), the launch date, the
models. Two templates: the home market's full brief (a table of every channel, the contracts
it relies on) and a shorter brief for the other markets (a list of channels and amounts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sim.engine.plan import market_year_budgets
from sim.exporters.contracts.measure import planned_budget
from sim.exporters.contracts.text import listing, long_date, md_table, money, pct
from sim.exporters.reports.common import REPORTS, place
from sim.exporters.spans import Document, Figure, mark
from sim.world.calendar import horizon_years


def plan_briefs(world: Any) -> list[Document]:
    """One brief per market and calendar year of the horizon, dated before the year starts."""
    out = []
    for year in horizon_years(world):
        first = max(dt.date(year, 1, 1), world.run.start)
        dated = first - dt.timedelta(days=world.reporting.documents.brief_days_before)
        for market, mk in world.markets.items():
            lines = _lines(world, market, year)
            if not lines:
                continue
            text = (_full if market == world.vendors.market else _short)(world, market, lines, dated, year)
            out.append(Document.from_marked(f"{REPORTS}/Media_Plan_Brief_{market}_{year}.md", "plan_brief",
                                            f"the {year} media plan brief for {mk.name}", dated.isoformat(), text))
    return out


def _lines(world: Any, market: str, year: int) -> list[tuple[str, Figure]]:
    """Each channel's budget for the market in the year: the year's channel budget (pro rata to
    its days in the horizon) times the market's share of it."""
    out = []
    first, last = max(dt.date(year, 1, 1), world.run.start), min(dt.date(year, 12, 31), world.run.end)
    for name, ch in world.media.channels.items():
        if market not in ch.markets or ch.budget_gbp <= 0:
            continue
        shares = [{"config": f"media.market_split.{m}"} for m in ch.markets]
        _, year_source = planned_budget(world, name, first, last)
        source = {"op": "mul", "args": [year_source,
                                        {"op": "div", "args": [{"config": f"media.market_split.{market}"},
                                                               {"op": "add", "args": shares}]}]}
        budget = market_year_budgets(world, name)[market][year]
        out.append((ch.label, money(budget, ask=f"the {ch.label} budget for {place(world, market)}",
                                    source=source)))
    return out


def _total(world: Any, market: str, lines: list[tuple[str, Figure]]) -> Figure:
    return money(sum(f.value for _, f in lines), ask=f"the total media budget for {place(world, market)}",
                 source={"op": "add", "args": [f.meta["source"] for _, f in lines]})


def _launch(world: Any, market: str) -> Figure:
    return long_date(world.markets[market].launch_date, ask=f"the launch date in {place(world, market)}",
                     source={"config": f"markets.{market}.launch_date"})


def _objective(world: Any, market: str, year: int, models: str) -> str:
    """The launch objective in the launch year; growth on the open network in the years after it."""
    launch = mark(_launch(world, market), "launch")
    if year <= world.markets[market].launch_date.year:
        return (f"Launch the {models} vehicles in {place(world, market)} from {launch}: build awareness before the "
                "launch, then leads, test drives and sales at the dealer network as it opens.")
    return (f"Grow the {models} vehicles in {place(world, market)}, on sale since {launch}: keep awareness, and "
            f"turn it into leads, test drives and sales at the dealer network through {year}.")


def _full(world: Any, market: str, lines: list[tuple[str, Figure]], dated: dt.date, year: int) -> str:
    total = _total(world, market, lines)
    rows = [[label, f, pct(f.value / total.value)] for label, f in lines]
    contracts = listing([c.vendor.name for c in world.vendors.contracts().values() if c.commitments])
    models = listing([m.replace("_", " ") for m in world.models])
    return "\n".join([
        f"# Media Plan Brief: {world.markets[market].name} {year}",
        "",
        f"*{world.vendors.client.legal_name} to {world.vendors.agency.vendor.legal_name}, "
        f"{mark(long_date(dated), 'issued')}*",
        "",
        "## 1. Objective",
        "",
        _objective(world, market, year, models),
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


def _short(world: Any, market: str, lines: list[tuple[str, Figure]], dated: dt.date, year: int) -> str:
    name = world.markets[market].name
    kind = "launch media brief" if year <= world.markets[market].launch_date.year else "media brief"
    absent = [ch.label for ch in world.media.channels.values() if market not in ch.markets and ch.budget_gbp > 0]
    return "\n".join([
        f"# {name}: {kind} {year}",
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
