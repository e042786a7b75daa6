"""Structural (priority-1) checks that are code rather than numbers: files exist, foreign
keys resolve, the dealer list is the scenario's, dates lie in the horizon and in causal
order, models and trims are the scenario's, spend stays in its markets, nothing negative.

Every failure message names table, column and CSV lines (line 1 is the header).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.schemas import CHANNEL_TABLES, CONTRACTS, CONTRACTS_DIR, RAW_TABLES, TABLES
from sim.validate.formatting import SHOWN_ROWS, quote, rows_message
from sim.validate.results import CheckResult

if TYPE_CHECKING:
    from sim.world.config import World


def check_files(out_dir: Path) -> list[CheckResult]:
    raw = [TABLES[n].path for n in RAW_TABLES] + [f"{CONTRACTS_DIR}/{f}" for f in CONTRACTS]
    ours = [s.path for n, s in TABLES.items() if n not in RAW_TABLES]
    out = []
    for name, paths in (("files: 19 raw CSVs and 7 contracts", raw), ("files: dealers.csv and the 3 MMM tables", ours)):
        missing = [p for p in paths if not (out_dir / p).is_file()]
        out.append(CheckResult(name, 1, not missing, tuple(f"missing {p}" for p in missing), 1))
    return out


def check_foreign_keys(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    out = []
    for name, spec in TABLES.items():
        for fk in spec.foreign_keys:
            if name not in frames or fk.ref_table not in frames or fk.column not in frames[name]:
                continue
            df = frames[name]
            known = set(frames[fk.ref_table][fk.ref_column].dropna())
            orphan = df[fk.column].notna() & ~df[fk.column].isin(known)
            msg = (rows_message(f"{name}.{fk.column}", f"not in {fk.ref_table}.{fk.ref_column}", df, orphan,
                                [fk.column]),) \
                if orphan.any() else ()
            out.append(CheckResult(f"foreign key {name}.{fk.column} -> {fk.ref_table}.{fk.ref_column}", 1, not msg,
                                   msg, 6))
    return out


def check_utm_campaigns(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """utm_campaign of configurator sessions must be a campaign of the media CSVs."""
    if "configurator_sessions" not in frames:
        return []
    known = set()
    for name in CHANNEL_TABLES.values():
        df = frames.get(name)
        for column in ("campaign_name", "insertion_order"):
            if df is not None and column in df:
                known |= set(df[column].dropna())
    df = frames["configurator_sessions"]
    orphan = df["utm_campaign"].notna() & ~df["utm_campaign"].isin(known)
    msg = (rows_message("configurator_sessions.utm_campaign", "not a campaign of the media CSVs", df, orphan,
                        ["utm_campaign"]),) if orphan.any() else ()
    return [CheckResult("foreign key configurator_sessions.utm_campaign -> media campaign names", 1, not msg, msg, 6)]


def check_dealer_list(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """dealers.csv is the scenario's dealer list: same IDs, opening dates and launch flags."""
    if "dealers" not in frames:
        return []
    df = frames["dealers"].set_index("dealer_id", drop=False)
    msgs = []
    ids = [d.id for d in world.dealers]
    missing, extra = sorted(set(ids) - set(df.index)), sorted(set(df.index.dropna()) - set(ids))
    if missing:
        msgs.append(f"dealers.dealer_id: {len(missing)} dealers of the scenario are missing, e.g. "
                    f"{missing[:SHOWN_ROWS]}")
    if extra:
        msgs.append(f"dealers.dealer_id: {len(extra)} dealers are not in the scenario, e.g. {extra[:SHOWN_ROWS]}")
    for d in world.dealers:
        if d.id in df.index and df.at[d.id, "opening_date"] != pd.Timestamp(world.dealer_opening(d)):
            msgs.append(f"dealers.opening_date: {d.id} opens {quote(df.at[d.id, 'opening_date'])}, "
                        f"the scenario says {world.dealer_opening(d).isoformat()}")
    return [CheckResult("dealers.csv matches the scenario's dealer list", 1, not msgs, tuple(msgs), 6)]


def check_dealer_names(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    if "dealers" not in frames:
        return []
    names = frames["dealers"].set_index("dealer_id")["dealer_name"]
    out = []
    for table in ("vehicle_sales", "test_drives"):
        if table in frames:
            df = frames[table]
            wrong = df["dealer_id"].isin(names.index) & (df["dealer_id"].map(names) != df["dealer_name"])
            msg = (rows_message(f"{table}.dealer_name", "differs from dealers.csv", df, wrong,
                                ["dealer_id", "dealer_name"]),) \
                if wrong.any() else ()
            out.append(CheckResult(f"{table}.dealer_name matches dealers.csv", 1, not msg, msg, 6))
    return out


def check_horizon(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """Each table's period column lies in the run horizon (a week may start up to 6 days before)."""
    start, end = pd.Timestamp(world.run.start), pd.Timestamp(world.run.end)
    out = []
    for name, spec in TABLES.items():
        if name not in frames or spec.period_column not in frames[name]:
            continue
        df = frames[name]
        col = df[spec.period_column]
        if spec.period == "month":
            when = pd.to_datetime(col, format="%Y-%m", errors="coerce")
            outside = when.notna() & ((when < start.replace(day=1)) | (when > end))
        elif "end_date" in df.columns:  # a period counts if it overlaps the horizon
            outside = col.notna() & ((df["end_date"] < start) | (col > end))
        else:
            first = start - pd.Timedelta(days=6) if spec.period == "week" else start
            outside = col.notna() & ((col < first) | (col > end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)))
        msg = (rows_message(f"{name}.{spec.period_column}", f"outside the horizon {start.date()}..{end.date()}", df,
                            outside,
                            [spec.period_column]),) if outside.any() else ()
        out.append(CheckResult(f"dates within horizon: {name}", 1, not msg, msg, 5))
    return out


def check_sales_timing(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """No sale before its model is available, its market has launched or its dealer has opened."""
    if "vehicle_sales" not in frames:
        return []
    df = frames["vehicle_sales"]
    avail = df["model"].map({k: pd.Timestamp(m.available_from) for k, m in world.models.items()})
    until = df["model"].map({k: pd.Timestamp(m.available_until) if m.available_until else pd.NaT
                             for k, m in world.models.items()})
    launch = df["market"].map({k: pd.Timestamp(m.launch_date) for k, m in world.markets.items()})
    msgs = []
    rules = [("sale_date", "before the model is available", df["sale_date"] < avail, ["sale_date", "model"]),
             ("sale_date", "after the model's availability ended", df["sale_date"] > until, ["sale_date", "model"]),
             ("sale_date", "before the market's launch date", df["sale_date"] < launch, ["sale_date", "market"])]
    if "dealers" in frames:
        opening = df["dealer_id"].map(frames["dealers"].set_index("dealer_id")["opening_date"])
        rules.append(("sale_date", "before the dealer opened", df["sale_date"] < opening, ["sale_date", "dealer_id"]))
    for column, what, mask, cols in rules:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            msgs.append(rows_message(f"vehicle_sales.{column}", what, df, mask, cols))
    return [CheckResult("no sale before its model, market launch or dealer opening", 1, not msgs, tuple(msgs))]


def check_pipeline_order(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Test drives after their lead, at open dealers; the 90-day flag agrees with days_to_sale."""
    if "test_drives" not in frames:
        return []
    df = frames["test_drives"]
    if df.empty:  # no drives, none out of order (and pandas cannot map dates onto no rows)
        return [CheckResult("test drives in causal order", 1, True)]
    msgs = []
    if "leads" in frames:
        created = df["lead_id"].map(frames["leads"].drop_duplicates("lead_id").set_index("lead_id")["created_date"])
        early = (df["booking_date"] < created).fillna(False)
        if early.any():
            frame = df.assign(lead_created_date=created)
            msgs.append(rows_message("test_drives.booking_date", "before its lead was created", frame, early,
                                     ["booking_date", "lead_id", "lead_created_date"]))
    if "dealers" in frames:
        opening = df["dealer_id"].map(frames["dealers"].set_index("dealer_id")["opening_date"])
        at_dealer = df["source"] != "event"  # event drives happen at the event, not the showroom
        closed = (at_dealer & (df["status"] == "COMPLETED") & (df["test_drive_date"] < opening)).fillna(False)
        if closed.any():
            msgs.append(rows_message("test_drives.test_drive_date", "completed at a dealer before it opened",
                                     df.assign(opening_date=opening), closed, ["test_drive_date", "dealer_id",
                                                                               "opening_date"]))
    days = df["days_to_sale"].astype(float)
    flag = df["sale_within_90_days"].astype("boolean")
    disagree = (flag.fillna(False) != (days <= 90).fillna(False))
    if disagree.any():
        msgs.append(rows_message("test_drives.sale_within_90_days", "disagrees with days_to_sale", df, disagree,
                                 ["sale_within_90_days", "days_to_sale"]))
    return [CheckResult("test drives in causal order", 1, not msgs, tuple(msgs))]


def check_catalogue(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """Model columns hold the scenario's model keys; a sale's trim belongs to its model."""
    models = set(world.models)
    msgs = []
    for name, df in sorted(frames.items()):
        for column in ("model", "model_selected", "model_interest"):
            if column in df.columns and column in TABLES[name].schema.columns:
                unknown = df[column].notna() & ~df[column].isin(models)
                if unknown.any():
                    msgs.append(rows_message(f"{name}.{column}", "not a model of the scenario", df, unknown, [column]))
    if "vehicle_sales" in frames:
        df = frames["vehicle_sales"]
        trims = {k: {t.name for t in m.trims} for k, m in world.models.items()}
        wrong = pd.Series([m in trims and t not in trims[m] for m, t in zip(df["model"], df["trim"], strict=True)],
                          index=df.index)
        if wrong.any():
            msgs.append(rows_message("vehicle_sales.trim", "not a trim of the model", df, wrong, ["model", "trim"]))
    return [CheckResult("models and trims are the scenario's", 1, not msgs, tuple(msgs))]


def check_channel_markets(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    msgs = []
    for channel, name in CHANNEL_TABLES.items():
        if name in frames and channel in world.media.channels:
            df = frames[name]
            planned = world.media.channels[channel].markets
            wrong = df["market"].notna() & ~df["market"].isin(planned) & (df["spend"] > 0).fillna(False)
            if wrong.any():
                msgs.append(rows_message(f"{name}.market", f"spend outside the channel's markets {planned}", df, wrong,
                                         ["market", "spend"]))
    return [CheckResult("spend only in each channel's markets", 1, not msgs, tuple(msgs))]


def check_negatives(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """The extract's check 9: spend, impressions and clicks are never negative."""
    msgs = []
    for name, df in frames.items():
        for column in df.columns:
            if column in ("spend", "impressions", "clicks") or column.endswith("_spend"):
                values = pd.to_numeric(df[column], errors="coerce")
                negative = (values < 0).fillna(False)
                if negative.any():
                    msgs.append(rows_message(f"{name}.{column}", "negative value", df, negative, [column]))
    return [CheckResult("no negative spend, impressions or clicks", 1, not msgs, tuple(msgs), 9)]
