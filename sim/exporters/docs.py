"""Documentation of a run, generated from the same declarations as the data.

* ``docs/data_dictionary.md`` - every column of every table: meaning, type, unit, range
  (from :data:`sim.schemas.TABLES`, so it cannot drift from what the validator checks);
* ``datapackage.json`` - a Frictionless Data Package: one tabular resource per CSV with its
  Table Schema (fields, types, constraints, primary and foreign keys), plus the contracts;
* ``docs/data_card.md`` - how the data is produced, the decisions taken where the extract
  contradicts itself, known simplifications, intended and out-of-scope uses, with the
  scenario's own numbers.

Everything is a pure function of the schemas and the world: no timestamps, stable order,
so the same scenario gives byte-identical files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandera.pandas as pa

from sim import __version__
from sim.engine.plan import year_budgets
from sim.exporters.formats.panel import MEDIA_SOURCES, region_geography
from sim.schemas import CONTRACTS, CONTRACTS_DIR, TABLES, TableSpec, column_meta
from sim.world.calendar import horizon_years, n_weeks

if TYPE_CHECKING:
    from sim.world.config import World

DOCS_DIR = "docs"
DICTIONARY_FILE = "data_dictionary.md"
CARD_FILE = "data_card.md"
PACKAGE_FILE = "datapackage.json"


def write_docs(out_dir: Path, world: World) -> list[Path]:
    """Write the data dictionary, the data card and ``datapackage.json``; return their paths."""
    out_dir = Path(out_dir)
    (out_dir / DOCS_DIR).mkdir(parents=True, exist_ok=True)
    files = {
        out_dir / DOCS_DIR / DICTIONARY_FILE: data_dictionary(),
        out_dir / DOCS_DIR / CARD_FILE: data_card(world),
        out_dir / PACKAGE_FILE: json.dumps(datapackage(world), indent=2, ensure_ascii=False) + "\n",
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)


# =========================================================================== column facts
def _number(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def allowed(column: pa.Column) -> str:
    """The column's hard range in words, read from its pandera checks."""
    parts, low, high = [], None, None
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            parts.append("one of: " + ", ".join(f"`{v}`" for v in stats["allowed_values"]))
        elif check.name == "greater_than_or_equal_to":
            low = f"≥ {_number(stats['min_value'])}"
        elif check.name == "greater_than":
            low = f"> {_number(stats['min_value'])}"
        elif check.name == "less_than_or_equal_to":
            high = f"≤ {_number(stats['max_value'])}"
        elif check.name == "str_matches":
            parts.append(f"matches `{stats['pattern']}`")
    if low and high:
        parts.append(f"{low[2:]} to {high[2:]}" if low.startswith("≥") else f"{low}, {high}")
    elif low or high:
        parts.append(low or high)
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _presence(column: pa.Column) -> str:
    meta = column_meta(column)
    if meta.get("extra"):
        return "optional extra"
    return "may be empty" if column.nullable else "required"


# =========================================================================== data dictionary
DICTIONARY_INTRO = """# Data dictionary

Generated from `sim/schemas/`, the declarations the exporters and the validator use.

Conventions of every CSV: UTF-8, comma-separated, a header line, ISO 8601 dates (`YYYY-MM-DD`)
and months (`YYYY-MM`); an empty field is a missing value. Column names and their order are
the extract's; a table may add columns only after them ("optional extra"). All spend and cost
columns are GBP for every market, and columns named `*_gbp` are GBP for every market,
converted at the scenario's fixed rate (spec README decision 4). A *fraction* is 0-1 (CTR
0.012 = 1.2%); a *percent* is 0-100 (columns named `*_pct`). Ranges listed here are hard
rules the validator enforces; the extract's soft targets (CTR 0.5-1.5%, 22% no-shows) are in
`validation_report.md` with their achieved values.
"""


def _table_section(spec: TableSpec) -> list[str]:
    schema = spec.schema
    rows = f"~{spec.expected_rows:,}" if spec.expected_rows else spec.rows_rule
    lines = [f"## `{spec.name}`: {spec.title}", "",
             f"- file: `{spec.path}`",
             f"- one row: {spec.description.removeprefix('one row per ')}",
             f"- rows: {rows}",
             f"- primary key: {', '.join(f'`{c}`' for c in spec.primary_key)}"]
    for fk in spec.foreign_keys:
        lines.append(f"- foreign key: `{fk.column}` -> `{fk.ref_table}.{fk.ref_column}`")
    if spec.channel:
        lines.append(f"- media channel: `{spec.channel}` (its `spend` counts towards that channel's budget)")
    for check in schema.checks:
        lines.append(f"- row rule: {check.error}")
    lines += ["", "| # | column | type | unit | presence | allowed values / range | meaning |",
              "|---|---|---|---|---|---|---|"]
    for i, (name, column) in enumerate(schema.columns.items(), start=1):
        meta = column_meta(column)
        lines.append(f"| {i} | `{name}` | {meta.get('kind', '')} | {_cell(meta.get('unit', ''))} | "
                     f"{_presence(column)} | "
                     f"{_cell(allowed(column))} | {_cell(column.description or '')} |")
    return lines + [""]


def data_dictionary() -> str:
    lines = [DICTIONARY_INTRO, "## Tables", ""]
    lines += [f"- `{s.name}`: {s.title} (`{s.path}`)" for s in TABLES.values()]
    lines += ["", "Contracts (markdown, not tables): " + ", ".join(f"`{CONTRACTS_DIR}/{f}`" for f in CONTRACTS),
              "", "Documents written after the fact (markdown): `raw/reports/` (the agency's monthly reports, the "
              "broadcasters' post-campaign reports, make-good letters and SLA breach notices, the media plan briefs). "
              "The gold question set over all the documents, with its BEIR and RAGAS exports: `rag/` "
              "(`rag/gold_card.md` describes it).", ""]
    for spec in TABLES.values():
        lines += _table_section(spec)
    return "\n".join(lines)


# =========================================================================== datapackage.json
def _constraints(column: pa.Column, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not column.nullable and not column_meta(column).get("extra"):
        out["required"] = True
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            out["enum"] = list(stats["allowed_values"])
        elif check.name == "greater_than_or_equal_to":
            out["minimum"] = stats["min_value"]
        elif check.name == "greater_than":
            # Table Schema v1 has no exclusive bound: exact for integers, slightly looser for numbers
            out["minimum"] = stats["min_value"] + 1 if kind == "integer" else stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            out["maximum"] = stats["max_value"]
        elif check.name == "str_matches" and kind == "string":
            out["pattern"] = stats["pattern"]
    return out


def _field(name: str, column: pa.Column) -> dict[str, Any]:
    meta = column_meta(column)
    kind = meta.get("kind", "string")
    field: dict[str, Any] = {"name": name, "type": kind, "description": column.description or ""}
    if kind == "datetime":
        field["format"] = "any"  # ISO 8601 with or without a time zone
    if meta.get("unit"):
        field["unit"] = meta["unit"]
    constraints = _constraints(column, kind)
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(spec: TableSpec) -> dict[str, Any]:
    """The Frictionless Table Schema of one table."""
    return {
        "fields": [_field(n, c) for n, c in spec.schema.columns.items()],
        "primaryKey": list(spec.primary_key),
        "foreignKeys": [{"fields": [fk.column], "reference": {"resource": fk.ref_table, "fields": [fk.ref_column]}}
                        for fk in spec.foreign_keys],
        "missingValues": [""],
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-")


def datapackage(world: World) -> dict[str, Any]:
    """A Frictionless Data Package descriptor (tabular resources + the contracts)."""
    tables = [{"name": s.name, "path": s.path, "profile": "tabular-data-resource", "title": s.title,
               "description": s.description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
               "schema": table_schema(s)} for s in TABLES.values()]
    contracts = [{"name": _slug(f"contract-{f.removesuffix('.md')}"), "path": f"{CONTRACTS_DIR}/{f}", "format": "md",
                  "mediatype": "text/markdown", "encoding": "utf-8", "title": f.removesuffix(".md").replace("_", " ")}
                 for f in CONTRACTS]
    return {
        "profile": "data-package",  # the contracts are markdown: a tabular-data-package may list only tables
        "name": _slug(f"launch-sim-{world.name}"),
        "title": f"launch-sim: {world.name}",
        "description": world.description or f"Simulated launch year, scenario {world.name}",
        "version": __version__,
        "keywords": ["synthetic data", "marketing mix modelling", "agent-based simulation", "automotive launch"],
        "resources": tables + contracts,
    }


# =========================================================================== data card
def _gbp(x: float) -> str:
    return f"£{x:,.0f}"


def _markets_table(world: World) -> list[str]:
    lines = ["| market | name | currency | budget share | launch date | dealers (launch) | sales target (units) |",
             "|---|---|---|---|---|---|---|"]
    for key, m in world.markets.items():
        dealers = [d for d in world.dealers if d.market == key]
        launch = sum(d.launch for d in dealers)
        target = world.sales.target_units.get(key, 0)
        lines.append(f"| {key} | {m.name} | {m.currency} | {m.budget_share:.0%} | {m.launch_date} | "
                     f"{len(dealers)} ({launch}) | {target:,} |")
    return lines


def _channels_table(world: World) -> list[str]:
    lines = ["| channel | label | budget | markets | kind | true daily adstock retention | lag (days) |",
             "|---|---|---|---|---|---|---|"]
    for key, ch in world.media.channels.items():
        lo, hi = ch.response.lag_days
        lines.append(f"| `{key}` | {ch.label} | {_gbp(ch.budget_gbp)} | {', '.join(ch.markets)} | {ch.kind} | "
                     f"{ch.response.decay:.2f} | {lo}-{hi} |")
    total = sum(ch.budget_gbp for ch in world.media.channels.values())
    lines.append(f"| **total** | | **{_gbp(total)}** | | | | |")
    return lines


def _geo_panel(world: World) -> list[str]:
    """How ``mmm/geo_weekly.csv`` places each channel, outcome and control (the rules of the panel module)."""
    geography = region_geography(world)
    regional = sorted({geography.country_of[g] for g in geography.region_of})
    whole = [g for g in geography.geos if g not in geography.region_of]
    rows = ["| geo | market | adults | share of its market |", "|---|---|---|---|"]
    for geo in geography.geos:
        share = geography.share.get(geo, 1.0)
        rows.append(f"| {geo} | {geography.country_of[geo]} | {geography.population[geo]:,.0f} | {share:.2%} |")
    by_row = [k for k, s in MEDIA_SOURCES.items() if s.region]
    split = [k for k, s in MEDIA_SOURCES.items() if not s.region]
    return [
        f"`mmm/geo_weekly.csv` has one row per week and geo: the regions of {', '.join(regional)} "
        f"(`markets.<market>.regions`) and one geo per other market ({', '.join(whole)}). A region's adults are its "
        "market's adult population times its population weight over the sum of the market's weights (the weights "
        "as the simulation reads them), in whole adults that add up to the market's:", "", *rows, "",
        f"- **Spend and impressions, by the row's own region**: {', '.join(f'`{k}`' for k in by_row)} (the "
        "`region` column of their exports). A radio row of a national station (`region` National) names no region.",
        f"- **Split by population share**: {', '.join(f'`{k}`' for k in split)}, and every row that names no "
        "region: their exports report a market, not a region, and the simulation delivers them to every region of "
        "the market per head (age targeting is the same in every region), so a region's part of a delivery is its "
        "share of the market's adults. Spend is allotted in pennies, impressions in whole impressions, so each "
        "week's geos add up exactly to `weekly_channel_spend.csv` and to the raw exports.",
        "- **Outcomes, never split**: sales and completed test drives by the region of their dealer (`dealers.csv`); "
        "a lead by its dealer's region, else (no dealer assigned yet) by its `customer_region`. Web sessions are not "
        "in the file: `website_analytics.csv` reports sessions per country site, not by visitor region.",
        "- **Controls, declared national**: `bev_share` (percent), `consumer_confidence` (the country's survey "
        "minus its mean over the weeks, survey points) and `bank_rate` (percent, the currency area's policy rate) "
        "are published per country, so every region of a market carries the market's figure; no region has one of "
        "its own, and none is made up. Competitors' spend (a UK-only estimate) is left out of the geo file; it is "
        "in `model_ready.csv`.",
    ]


def _models_table(world: World) -> list[str]:
    lines = ["| model | brand | body | on sale from | sales share | trims (list price) |", "|---|---|---|---|---|---|"]
    for key, vm in world.models.items():
        trims = ", ".join(f"{t.name} ({_gbp(t.price_gbp)})" for t in vm.trims)
        until = f" to {vm.available_until}" if vm.available_until else ""
        lines.append(f"| `{key}` | {vm.brand} | {vm.body} | {vm.available_from}{until} | {vm.sales_share:.0%} | "
                     f"{trims} |")
    return lines


def _horizon_section(world: World) -> list[str]:
    """For a horizon of several calendar years: each year's plan and the rules that carry the
    launch year's world into the later years (a one-year horizon has no such section)."""
    years = horizon_years(world)
    if len(years) == 1:
        return []
    lines = ["## The horizon", "",
             f"{len(years)} calendar years, {n_weeks(world)} MMM weeks (7-day blocks from {world.run.start}; the "
             "trailing days fold into the last week). Budgets per year (GBP; a part year pro rata to its days):", "",
             "| channel | " + " | ".join(str(y) for y in years) + " |", "|---|" + "---|" * len(years)]
    budgets = {name: year_budgets(world, name) for name in world.media.channels}
    for name, by_year in budgets.items():
        lines.append(f"| `{name}` | " + " | ".join(_gbp(by_year[y]) for y in years) + " |")
    totals = [sum(b[y] for b in budgets.values()) for y in years]
    lines.append("| **total** | " + " | ".join(f"**{_gbp(t)}**" for t in totals) + " |")
    launch_years = sorted({m.launch_date.year for m in world.markets.values()})
    launch, mature = list(world.media.monthly_seasonality), world.media.mature_seasonality
    plates = {k: m.plate_months for k, m in world.markets.items() if m.plate_months}
    lines += ["", "- **Seasonality.** Up to a market's launch year "
              f"({', '.join(map(str, launch_years))}) spend follows the launch multipliers {launch}; after it, "
              + (f"the mature multipliers {list(mature)}." if mature else "the same multipliers."),
              f"- **Events.** {len(world.events)} events over the horizon; those marked `every_year` recur on the same "
              "dates each year, named for their year.",
              "- **Plate months.** " + (", ".join(f"{k}: months {v}" for k, v in plates.items()) if plates else "none")
              + f"; {world.sales.plate_wait_share:.0%} of the retail buyers due in the {world.sales.plate_wait_days} "
              "days before one wait for it; baseline demand follows registration seasonality with elasticity "
              f"{world.consumers.seasonal_demand_elasticity}.",
              f"- **Start.** Awareness on day 0 is {world.consumers.initial_awareness:.0%}"
              + ("; the brand launched before the horizon, so its pipeline starts empty on day 0 (no leads from "
                 "before the horizon are simulated) and the first weeks sell less."
                 if any(m.launch_date < world.run.start for m in world.markets.values()) else "."), ""]
    return lines


def _decisions(world: World) -> list[str]:
    total = sum(ch.budget_gbp for ch in world.media.channels.values())
    season = world.media.monthly_seasonality
    uk_only = [k for k, ch in world.media.channels.items() if ch.markets == [world.mmm.kpi_market]]
    by_market = {k: sum(d.market == k for d in world.dealers) for k in world.markets}
    return [
        f"1. **Budget.** The plan's channel budgets add up to {_gbp(total)} (the extract's per-channel table sums to "
        "£19.4M although its total line says £20M); the extract's own check, the sum of every `spend` column in "
        "`raw/` within £20M ± 5%, is reported as written. Budgets are each channel's total across markets, in GBP. "
        f"{', '.join(uk_only)} run in the UK only; the other channels are split so that the whole plan follows the "
        "market shares above.",
        f"2. **Seasonality.** The monthly multipliers sum to {sum(season):.2f}, not 12; they are normalised over each "
        "channel's active days so that annual totals equal the budgets. The quick-reference monthly figures are "
        "therefore approximate (reported as priority-5 targets), the annual totals exact up to noise.",
        "3. **Dealers.** The network has " + ", ".join(f"{n} dealers in {k}" for k, n in by_market.items())
        + "; UK dealers are DLR001-DLR050 and DE/FR continue from DLR051, so every `dealer_id` of sales, test drives "
        "and leads exists in `raw/dealers.csv`.",
        f"4. **Currency.** All spend and cost columns are GBP; `*_gbp` columns convert euros at a fixed "
        f"{world.run.eur_per_gbp} EUR per GBP. `vehicle_sales.csv` may add `currency` and `transaction_price_local` "
        "after the specified columns.",
        "5. **Economic indicators.** 12 months x UK, DE, FR = 36 rows; for DE and FR the `smmt_*` columns hold the "
        "country's national registration figures.",
        "6. **Funnel versus row counts.** The stage rates and the approximate row counts cannot all hold. Priority: "
        "hard invariants, then totals (spend ± 5%, sales ± 10%), then row counts (± 20%), then rates and shares, "
        "then the quick-reference figures. The validation report lists every target with its achieved value; a "
        "target that loses is labelled, not hidden. Walk-ins, fleet enquiries and referrals carry the sales that "
        "test drives alone do not explain.",
        "7. **Sales timing.** No sale before a model is on sale, before its market launches or before its dealer "
        "opens. Dealers open on a staggered schedule after launch; the Sep-Oct share of UK sales is a target, not "
        "a constraint.",
        "8. **Contracts versus 2025 spend.** Each contract's commitment covers its own term (e.g. 12 months from "
        "2025-07-01); the 2025 data shows the part delivered in 2025, pro rata, and the SLA tracking is measured "
        "against that part.",
        "9. **Further reconciliations found while building the data.** "
        "(a) `website_analytics.csv` is daily x 9 channels x 3 devices x 3 markets; with the platforms' clicks "
        "landing as sessions nearly every cell is non-empty, so the file has ~25,000 rows, not ~5,000: the "
        "media ranges that make the sessions win over this row count. "
        "(b) TV: 50-150 GRPs a week at GBP 25-40K per point would cost far more than the GBP 6M budget; the budget "
        "and the GRP range win, so linear TV is priced at the contracts' deal CPPs (GBP 1.5-3.7K). "
        "(c) Meta and LinkedIn cost per lead: with ~10,000 leads in all, lead forms cannot reach the GBP 15-40 / "
        "30-80 CPLs without most of the budget going to lead generation; CPLs are reported as achieved. "
        "(d) Test drives alone cannot explain the sales totals; the calibrated purchase chance of a completed "
        "drive (capped by `funnel.purchase_after_drive_max`) is above the extract's 15-25% where the sales totals "
        "need it. Every such loser is listed in `validation_report.md` with its achieved value.",
        "10. **Calibration.** Two families of free parameters have no value in the extract: how often consumers act "
        "and how readily retail leads buy, per market (`[calibration]`). `sim calibrate` tunes them by a "
        "deterministic fixed-point search against the leads total and the sales per market and writes them back "
        "to the scenario file.",
        *_clicks_and_sessions(world),
        "12. **One world when joined (hard invariants).** A lead's status is one state machine over dated steps "
        "(contact, qualification, booking, drive, sale), forward only: WON exactly when a sale links to the lead "
        "(`vehicle_sales.lead_id`, and `booking_id` for the drive it followed), at the selling dealer; LOST only "
        "without a sale (never reached, not qualified, no booking and no purchase, a missed drive not rebooked, "
        "or no purchase after a drive); TD_BOOKED only while a drive is still to come. Pre-launch \"register "
        "interest\" leads reach the dealers at launch; a pre-order is registered on the first day a car can be "
        "sold (hence the launch-day spike). Showrooms trade on their market's calendar: "
        + "; ".join(f"{k} closed on {_closed_days(m)}" for k, m in world.markets.items())
        + ". Drives and sales fall on trading days, on a day of the week each customer picks "
        "(`funnel.drive_weekday_weights`, `sale_weekday_weights`), and consumers browse and walk in with the "
        "weekly shapes of `consumers.weekday_activity`. Salary-sacrifice cars are leases; fleet cars are mostly "
        "leases or HP (`sales.finance_by_sale_type`), the retail mix chosen so that the mix over all sales stays "
        "close to the extract's (reported).",
    ]


WEEKDAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def _closed_days(market) -> str:
    days = [WEEKDAY_NAMES[d] for d in market.showroom_closed_weekdays] + list(market.showroom_closed_dates)
    return ", ".join(days) or "no day"


def _clicks_and_sessions(world: World) -> list[str]:
    """Decision 9 of the spec: what one consumer stands for, and how clicks become sessions."""
    web = world.reporting.web
    rows = ["| platform | click metric | website share of clicks | landing rate | analytics channel |",
            "|---|---|---|---|---|"]
    for name, cfg in sorted(world.media.click_sessions.items()):
        share, land = cfg.website_click_share, cfg.landing_rate
        channels = ", ".join(sorted(set(cfg.analytics_channel.values())))
        rows.append(f"| {name} | `{cfg.click_metric}` | {share[0]:.0%}-{share[1]:.0%} | {land[0]:.0%}-{land[1]:.0%} "
                    f"| {channels} |")
    claims = ["| platform | claims column | click window | view window | form leads lost before the CRM |",
              "|---|---|---|---|---|"]
    for name, rule in sorted(world.reporting.attribution.items()):
        claims.append(f"| {name} | `{rule.metric}` | {rule.click_window_days} days | {rule.view_window_days} days "
                      f"| {rule.form_sync_loss:.0%} |")
    consent = ", ".join(f"{k} {v:.0%}" for k, v in web.consent_rate.items())
    return [
        "11. **Clicks, sessions and what each source sees.** One simulated consumer is one car shopper of the "
        f"markets' in-market population ({world.run.population:,} in all); the platforms' clicks are counts, "
        "not agents. Per platform, market and day, the website clicks are a share of the clicks and the "
        "first-party sessions the share of those whose page loaded, on the same day, in the analytics channel of "
        "the campaign's objective (`[media.click_sessions]`). The simulated consumers are the visitors who go "
        "on to act: a consumer who comes through a paid channel takes one of that day's landed sessions (and "
        "arrives through `media.paid_fallback` when no ad of the channel ran), so every session in the files comes "
        "from one mechanism. Web analytics sees the sessions of visitors who accept cookies "
        f"(`reporting.web.consent_rate`: {consent}); the configurator and the CRM see every visitor. What the spend "
        "causes beyond its own clicks (the consumers it moves to come back and act) lags as the extract says; paid "
        "sessions follow their clicks on the day. The monthly session ranges and the 2-5% configurator start "
        "rate give way to the media ranges and the configurator row count (reported).",
        "", *rows, "",
        "Platforms claim leads and conversions inside their own attribution windows "
        "(`[reporting.attribution]`): all their on-platform form leads, conversions in a session that came "
        "through their click, and website leads of converters they clicked or saw before. They claim more than "
        "they cause; `recover/platform_claims.csv` shows by how much, beside the truth.",
        "", *claims, "",
    ]


CARD_SIMPLIFICATIONS = [
    "Consumers are a synthetic population; exposure is computed per capita against each market's adult "
    "population, so counts scale with the simulated population, not with real audiences.",
    "Platform delivery (CPM, CTR, view rates) is drawn inside the configured ranges per campaign and day; there "
    "is no auction or pacing algorithm.",
    "Media works through lagged, geometrically adstocked, Hill-saturating exposure with one response curve per "
    "channel; creative quality, wear-out and cross-channel synergies are not modelled.",
    "Economic indicators and competitor spend are exogenous inputs: they move baseline demand but do not react "
    "to the launch.",
    "The CRM export keeps each lead's latest status only; a lost lead's furthest stage is not recorded, so "
    "stage shares measured from `leads.csv` are lower bounds.",
    "Prices convert at one fixed EUR/GBP rate for the whole year; there is no inflation in list prices.",
    "Agency and vendor reports cover periods (TV weeks, OOH cycles, radio flights, event dates). The weekly MMM "
    "tables and `recover/formats/` spread a row's spend evenly over its days (the phasing rule, "
    "`sim/schemas/phasing.py`), so both rebuild from `raw/` alone; the simulation's day-to-day pacing inside a "
    "period is in no file.",
    "TV programmes air only in their broadcast seasons (`media.channels.tv.programme_seasons`, in broadcast weeks); "
    "the programme is part of the world, not a label, because premium programmes cost more per GRP.",
    "Website analytics (`[reporting.web]`): `new_users` are the consumers' first visits plus the returning visits "
    "analytics does not recognise (`returning_counted_as_new`: cookies cleared, expired or declined, another "
    "device); `goal_completions` counts configurator starts and website test-drive bookings from the CRM tables "
    "plus brochure downloads and dealer-locator uses drawn per session (`goals`); session duration is "
    "(1 - bounce rate) x the channel's engaged-session length, so paid social and display visits are short.",
    "A consumer acts at most once a day; the chance to act for a reason is (1 - exp(-interest x M)) x lambda / M "
    "with a fixed envelope M (thinning with reserved slots), which keeps counterfactuals exactly coupled at the "
    "cost of a slightly different curve than 1 - exp(-interest x sum lambda).",
    "Fleet wins deliver several units each (fleet and salary-sacrifice sales), so fleet-driving channels "
    "(LinkedIn, fleet events) have lumpy, high revenue per pound.",
    "The truth (`truth/`) and the scorecard (`recover/`) are written by `sim truth` and `sim compare`; they are "
    "not listed in `manifest.json`, which describes what `sim run` wrote.",
    "Vendor contracts are templates filled from the scenario; their legal wording is illustrative, not advice.",
    "Names of dealers, publications, stations and programmes are used for realism; all people are fictional and "
    "no row describes a real person or a real transaction.",
]

CARD_USES = [
    "Testing marketing mix models, attribution and incrementality methods against a known causal truth "
    "(`truth/ledger.csv`: true incremental effects and ROI per channel from counterfactual runs, by market and "
    "region, for the spend inside a window, along response curves, and over replicate worlds).",
    "Comparing scenarios (budget shifts, channels switched off, launch timing) with common random numbers.",
    "Teaching and exercising data pipelines: joining platform exports, CRM tables and contracts, checking keys.",
    "Testing document extraction (RAG) on the vendor contracts and reports against numbers the tables confirm, "
    "with the gold question set of `rag/` (`sim rag-score`).",
]

CARD_OUT_OF_SCOPE = [
    "Forecasting real sales, prices or market shares of DEEPAL, AVATR or any competitor.",
    "Estimating real competitors' media spend or real platforms' performance benchmarks.",
    "Economic analysis: the indicator series are plausible trajectories, not official statistics.",
    "Any decision about a real person, dealer or company.",
]


def data_card(world: World) -> str:
    run = world.run
    lines = [
        f"# Data card: launch-sim, scenario `{world.name}`", "",
        world.description or "A simulated launch year.", "",
        f"Seed {run.seed}; horizon {run.start} to {run.end} ({run.days} days); {run.population:,} simulated car "
        f"shoppers across {len(world.markets)} markets; package version {__version__}.", "",
        "## How the data is produced", "",
        "A scenario file (`scenarios/*.toml`) holds every number of the world. The simulation runs day by day: the "
        "media plan turns budgets into daily spend per campaign; delivery turns spend into impressions, clicks and "
        "views; simulated consumers, exposed in proportion to that delivery, carry adstocked and saturating media "
        "effects plus baseline demand driven by the economic context; they visit the website, use the configurator, "
        "submit leads, book and attend test drives at dealers that open on their schedule, and buy. Walk-ins, fleet "
        "enquiries and referrals are further paths to a sale. Exporters turn the event log into the raw CSVs (each "
        "shaped like a real platform or CRM export), the vendor contracts and the weekly MMM tables; they use their "
        "own random streams, so formatting never changes a causal fact.", "",
        "The truth is causal: the same run repeated with one channel's spend removed, sharing every random draw, "
        "gives that channel's true incremental units; true ROI is incremental revenue over spend.", "",
        "## The world in numbers", "", *_markets_table(world), "", *_channels_table(world), "",
        *_models_table(world), "", *_horizon_section(world),
        f"Funnel inputs: configurator completion {world.funnel.configurator_completion:.0%}, leads from completed "
        f"configurations {world.funnel.lead_from_completion:.0%}, test-drive no-show {world.funnel.no_show:.0%}, "
        f"cancellation {world.funnel.cancellation:.0%}, purchase within {world.funnel.purchase_window_days} days of a "
        f"completed drive {world.funnel.purchase_after_drive:.0%}. {len(world.events)} events and sponsorships.", "",
        "## Decisions where the extract contradicts itself", "", *_decisions(world), "",
        "## The weekly geo panel", "", *_geo_panel(world), "",
        "## Known simplifications", "", *[f"- {s}" for s in CARD_SIMPLIFICATIONS], "",
        "## Intended uses", "", *[f"- {s}" for s in CARD_USES], "",
        "## Out of scope", "", *[f"- {s}" for s in CARD_OUT_OF_SCOPE], "",
        "## Files", "",
        f"- `{DOCS_DIR}/{DICTIONARY_FILE}`: every column of every table (meaning, type, unit, range).",
        f"- `{PACKAGE_FILE}`: Frictionless Data Package (Table Schema per CSV, primary and foreign keys).",
        "- `validation_report.md`: the extract's checks and every numeric target with its achieved value.",
        "- `manifest.json`: scenario, resolved configuration hash, seed, sha256 and row count of every file.", "",
    ]
    return "\n".join(lines)
