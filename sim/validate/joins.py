"""Hard invariants of the files joined together (decision 10: one world when joined).

A lead's status agrees with its drives and sales; a sale links to the lead and booking it came
from; showrooms trade on their market's calendar; a salary-sacrifice car is a lease. Each
check names the table, the column and the first rows that break it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from sim.validate.formatting import rows_message
from sim.validate.results import CheckResult

if TYPE_CHECKING:
    from sim.world.config import World

AFTER_A_DRIVE = ("TD_COMPLETED", "NEGOTIATION")
FUTURE_DRIVE = ("BOOKED", "CONFIRMED")
LINK_COLUMNS = ("lead_id", "booking_id")


def _has(frames: dict[str, pd.DataFrame], *names: str) -> bool:
    return all(name in frames for name in names)


def check_lead_lifecycle(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """WON exactly when a sale links to the lead (at the lead's dealer); a lead that has driven
    is past TD_BOOKED; TD_COMPLETED and NEGOTIATION only after a completed drive; a retail
    lead buys once; a sale's booking is a completed drive of the same lead."""
    if not _has(frames, "leads", "test_drives", "vehicle_sales"):
        return []
    leads, drives, sales = frames["leads"], frames["test_drives"], frames["vehicle_sales"]
    missing = [c for c in LINK_COLUMNS if c not in sales]
    if missing:  # the links are optional columns; without them the statuses cannot be joined to sales
        return [CheckResult("one lifecycle: lead statuses agree with drives and sales", 1, False,
                            (f"vehicle_sales: no {' or '.join(missing)} column: sales cannot be joined to their "
                             "leads and drives",))]
    msgs = []

    def rule(mask: pd.Series, df: pd.DataFrame, where: str, what: str, cols: list[str]) -> None:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            msgs.append(rows_message(where, what, df, mask, cols))

    sold = sales.dropna(subset=["lead_id"]).sort_values(["sale_date", "sale_id"], kind="stable")
    first_dealer = sold.drop_duplicates("lead_id").set_index("lead_id")["dealer_id"]
    has_sale = leads["lead_id"].isin(first_dealer.index)
    won = leads["lead_status"] == "WON"
    rule(won & ~has_sale, leads, "leads.lead_status", "WON without a sale in vehicle_sales.lead_id",
         ["lead_id", "lead_status"])
    rule(~won & has_sale, leads, "leads.lead_status", "not WON although a sale links to the lead",
         ["lead_id", "lead_status"])
    dealer = leads["lead_id"].map(first_dealer)
    rule(won & (leads["dealer_id"] != dealer), leads.assign(selling_dealer=dealer), "leads.dealer_id",
         "of a WON lead is not the dealer that sold to it", ["lead_id", "dealer_id", "selling_dealer"])

    completed = drives[drives["status"] == "COMPLETED"]
    future = drives[drives["status"].isin(FUTURE_DRIVE)]
    drove = leads["lead_id"].isin(completed["lead_id"])
    status = leads["lead_status"]
    rule((status == "TD_BOOKED") & drove, leads, "leads.lead_status", "TD_BOOKED after a completed drive",
         ["lead_id", "lead_status"])
    rule((status == "TD_BOOKED") & ~leads["lead_id"].isin(future["lead_id"]), leads, "leads.lead_status",
         "TD_BOOKED without a drive still to come", ["lead_id", "lead_status"])
    rule(status.isin(AFTER_A_DRIVE) & ~drove, leads, "leads.lead_status", "past a drive without a completed one",
         ["lead_id", "lead_status"])

    retail = sold[sold["sale_type"] == "retail"]
    rule(retail["lead_id"].duplicated(keep=False).reindex(sales.index, fill_value=False), sales,
         "vehicle_sales.lead_id", "a retail lead that bought twice", ["sale_id", "lead_id"])
    linked = sales.dropna(subset=["booking_id"])
    booking = drives.set_index("booking_id")
    drive_lead = linked["booking_id"].map(booking["lead_id"])
    drive_status = linked["booking_id"].map(booking["status"])
    drive_date = linked["booking_id"].map(booking["test_drive_date"])
    frame = sales.assign(drive_lead=drive_lead, drive_status=drive_status, test_drive_date=drive_date)
    bad = (drive_lead != linked["lead_id"]) | (drive_status != "COMPLETED") | (linked["sale_date"] < drive_date)
    rule(bad.reindex(sales.index, fill_value=False), frame, "vehicle_sales.booking_id",
         "not a completed drive of the sale's lead, before the sale",
         ["sale_id", "booking_id", "lead_id", "drive_lead", "drive_status"])
    flagged = drives[drives["sale_within_90_days"].astype("boolean").fillna(False)]
    rule(drives.index.isin(flagged.index) & ~drives["booking_id"].isin(linked["booking_id"]), drives,
         "test_drives.sale_within_90_days", "true without a sale linked to the booking", ["booking_id", "lead_id"])
    return [CheckResult("one lifecycle: lead statuses agree with drives and sales", 1, not msgs, tuple(msgs))]


def _closed(dates: pd.Series, markets: pd.Series, world: World) -> pd.Series:
    """Whether each date is a day the showrooms of its market do not trade."""
    when = pd.to_datetime(dates)
    weekday = when.dt.day_of_week
    month_day = when.dt.strftime("%m-%d")
    out = pd.Series(False, index=dates.index)
    for market, cfg in world.markets.items():
        mine = markets == market
        out |= mine & (weekday.isin(cfg.showroom_closed_weekdays) | month_day.isin(cfg.showroom_closed_dates))
    return out


def check_trading_calendar(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """No sale and no completed showroom drive on a day its market's showrooms are closed
    (an event's demo drive happens at the event)."""
    msgs = []
    if "vehicle_sales" in frames:
        df = frames["vehicle_sales"]
        mask = _closed(df["sale_date"], df["market"], world)
        if mask.any():
            msgs.append(rows_message("vehicle_sales.sale_date", "on a day the market's showrooms are closed", df,
                                     mask, ["sale_date", "market"]))
    if "test_drives" in frames:
        df = frames["test_drives"]
        mask = (df["status"] == "COMPLETED") & (df["source"] != "event")
        mask &= _closed(df["test_drive_date"], df["market"], world)
        if mask.any():
            msgs.append(rows_message("test_drives.test_drive_date", "a completed drive on a day the showrooms are "
                                     "closed", df, mask, ["test_drive_date", "market", "source"]))
    return [CheckResult("showrooms trade on their market's calendar", 1, not msgs, tuple(msgs))]


def check_finance_by_sale_type(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """A salary-sacrifice car is a lease."""
    if "vehicle_sales" not in frames:
        return []
    df = frames["vehicle_sales"]
    mask = (df["sale_type"] == "salary_sacrifice") & (df["finance_type"] != "lease")
    msgs = (rows_message("vehicle_sales.finance_type", "not lease for a salary-sacrifice car", df, mask,
                         ["sale_id", "sale_type", "finance_type"]),) if mask.any() else ()
    return [CheckResult("salary-sacrifice cars are leases", 1, not msgs, msgs)]
