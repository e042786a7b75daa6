"""Measures of the sales funnel and the dealer pipeline: lead stages and sources, response
times, test drives, sales timing and mix, dealer openings, row and line counts.

Split from :mod:`sim.validate.measures` (whose selectors it uses) to keep each module small.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.schemas import CONTRACTS_DIR
from sim.validate.goals import Goal, between
from sim.validate.measures import months, ratio, rows_where, share_of
from sim.validate.tables import NotMeasurable, RunData
from sim.world.vocabulary import LEAD_STATUSES

if TYPE_CHECKING:
    from sim.world.config import World


def lead_stage_share(stage: str) -> Callable[[RunData], float]:
    """Share of leads that reached ``stage``: the furthest of its status and what its own rows
    show (contacted, test drive booked or completed), so a LOST lead counts up to its last
    visible stage."""
    rank = {s: i for i, s in enumerate(LEAD_STATUSES) if s != "LOST"}

    def measure(d: RunData) -> float:
        leads = d.table("leads")
        drives = d.table("test_drives")
        booked = leads["lead_id"].isin(drives["lead_id"])
        completed = leads["lead_id"].isin(drives.loc[drives["status"] == "COMPLETED", "lead_id"])
        contacted = leads["first_response_hours"].notna()
        seen = np.select([completed, booked, contacted], [rank["TD_COMPLETED"], rank["TD_BOOKED"], rank["CONTACTED"]],
                         default=rank["NEW"])
        level = np.maximum(leads["lead_status"].map(rank).fillna(rank["NEW"]).to_numpy(dtype=float), seen)
        return ratio(int((level >= rank[stage]).sum()), len(leads))
    return measure


def qualified_booking(d: RunData) -> float:
    """Leads with a test drive over leads that reached QUALIFIED (as :func:`lead_stage_share`)."""
    return ratio(lead_stage_share("TD_BOOKED")(d), lead_stage_share("QUALIFIED")(d))


def lead_source_share(sources: tuple[str, ...]) -> Callable[[RunData], float]:
    return share_of("leads", "source", sources)


def response_quantile(q: float) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        s = d.table("leads")["first_response_hours"].dropna().astype(float)
        if s.empty:
            raise NotMeasurable("no contacted leads")
        return float(s.quantile(q))
    return measure


def lead_score_correlation(d: RunData) -> float:
    leads = d.table("leads")
    won = (leads["lead_status"] == "WON").astype(float)
    score = leads["lead_score"].astype(float)
    if not (won.std() > 0 and score.std() > 0):  # NaN with fewer than two leads
        raise NotMeasurable("constant lead score or outcome, or fewer than two leads")
    return float(np.corrcoef(score, won)[0, 1])


def prelaunch_conversion_ratio(d: RunData) -> float:
    """WON rate of Jun-Aug leads over that of Sep-Oct leads (both had two months or more to
    convert before the horizon ends; later leads would compare censored outcomes)."""
    leads = d.table("leads")
    won = leads["lead_status"] == "WON"
    pre = leads["created_date"].dt.month.isin((6, 7, 8))
    post = leads["created_date"].dt.month.isin((9, 10))
    return ratio(ratio(won[pre].sum(), pre.sum()), ratio(won[post].sum(), post.sum()))


def resolved_drive_share(status: str) -> Callable[[RunData], float]:
    return share_of("test_drives", "status", (status,), status=("COMPLETED", "NO_SHOW", "CANCELLED"))


def weekend_share(d: RunData) -> float:
    drives = d.table("test_drives")
    return ratio(int((drives["test_drive_date"].dt.day_of_week >= 5).sum()), len(drives))


def feedback_std(d: RunData) -> float:
    s = d.table("test_drives")["feedback_score"].dropna().astype(float)
    if len(s) < 2:
        raise NotMeasurable("fewer than two feedback scores")
    return float(s.std())


def launch_dealer_share(month: int) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        sales = rows_where(d.table("vehicle_sales"), {"sale_date": months(month)})
        launch = set(d.table("dealers").loc[d.table("dealers")["is_launch_dealer"].fillna(False).astype(bool),
                                            "dealer_id"])
        return ratio(int(sales["dealer_id"].isin(launch).sum()), len(sales))
    return measure


def uk_sales_share(*month_numbers: int) -> Callable[[RunData], float]:
    return share_of("vehicle_sales", "sale_date", months(*month_numbers), market="UK")


def discount_goal(key: str) -> Callable[[World], Goal]:
    return lambda w: between(*w.sales.discount_pct[key])


def discount_months(key: str) -> tuple[int, ...]:
    first, last = (int(x) for x in key.split("-"))
    return tuple(range(first, last + 1))


def configurator_start_rate(d: RunData) -> float:
    return ratio(len(d.table("configurator_sessions")), d.table("website_analytics")["sessions"].sum())


def dealer_share(flag_launch: bool, rule: Callable[[pd.DataFrame, World], pd.Series]) -> Callable[[RunData], float]:
    def measure(d: RunData) -> float:
        dealers = rows_where(d.table("dealers"), {"market": "UK"})
        dealers = dealers[dealers["is_launch_dealer"].fillna(False).astype(bool) == flag_launch]
        return ratio(int(rule(dealers, d.world).sum()), len(dealers))
    return measure


def opens_on_launch(df: pd.DataFrame, w: World) -> pd.Series:
    return df["opening_date"] == pd.Timestamp(w.markets["UK"].launch_date)


def opens_sep_to_nov(df: pd.DataFrame, w: World) -> pd.Series:
    return df["opening_date"].dt.month.isin((9, 10, 11))


def row_count(name: str) -> Callable[[RunData], int]:
    return lambda d: len(d.table(name))


def contract_lines(file_name: str) -> Callable[[RunData], int]:
    def measure(d: RunData) -> int:
        path = d.out_dir / CONTRACTS_DIR / file_name
        if not path.exists():
            raise NotMeasurable(f"{CONTRACTS_DIR}/{file_name} is missing")
        return len(path.read_text(encoding="utf-8").splitlines())
    return measure


def count_ratio(num: str, den: str, num_where: dict | None = None,
                den_where: dict | None = None) -> Callable[[RunData], float]:
    return lambda d: ratio(len(rows_where(d.table(num), num_where or {})),
                           len(rows_where(d.table(den), den_where or {})))
