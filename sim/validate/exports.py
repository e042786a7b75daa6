"""Checks that the exported views agree when joined (issue 11, exporter side; the CRM,
calendar and finance joins are in :mod:`sim.validate.joins`): the TV programme calendar, the
goals of website analytics, weekly spend rebuilt from ``raw/`` by the phasing rule, and the
realism targets of the analytics view (new users, session duration by channel, ratings per
TV spot).

Hard invariants (priority 1) are structural checks (:func:`check_tv_programmes`,
:func:`check_goal_completions`) or priority-1 targets (``mmm.spend_phasing``); the rest are
priority-4 targets, reported with their achieved values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.schemas import CHANNELS
from sim.validate.formatting import SHOWN_ROWS, rows_message
from sim.validate.goals import above, at_least, at_most, between
from sim.validate.results import CheckResult, Target
from sim.validate.tables import Measured, NotMeasurable, RunData
from sim.world.programmes import week_on_air

if TYPE_CHECKING:
    from sim.world.config import World

GOAL_TYPES = ("configurator_start", "test_drive_booking", "brochure_download", "dealer_locator")
PHASING_TOLERANCE_GBP = 0.01  # weekly values are written to the penny
REFERENCE_SPOT_SECONDS = 30  # a TV row's grps are 30-second equivalents
LAUNCH_MONTHS = (9, 10, 11, 12)
NEW_USER_SHARE = (0.60, 0.93)  # GA4: most users of a car-brand site are new, of a paid-heavy launch site more so
DURATION_SPREAD = 1.5  # longest / shortest channel mean session duration on real sites: 3-5x


# --------------------------------------------------------------------------- structural checks
def check_tv_programmes(frames: dict[str, pd.DataFrame], world: World) -> list[CheckResult]:
    """Every TV row's programme airs for the whole broadcast week of the row (decision 10)."""
    if "tv_performance" not in frames or "tv" not in world.media.channels:
        return []
    df = frames["tv_performance"]
    seasons = world.media.channels["tv"].programme_seasons
    off = pd.Series([isinstance(p, str) and pd.notna(w) and not week_on_air(p, w.date(), seasons)
                     for p, w in zip(df["programme_name"], df["date_week_start"], strict=True)], index=df.index)
    msg = (rows_message("tv_performance.programme_name", "airs outside its broadcast season "
                        "(media.channels.tv.programme_seasons)", df, off, ["date_week_start", "programme_name"]),) \
        if off.any() else ()
    return [CheckResult("TV programmes air only in their broadcast season", 1, not msg, msg)]


def check_goal_completions(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """goal_completions counts four goal types, each at most once per session."""
    if "website_analytics" not in frames:
        return []
    df = frames["website_analytics"]
    over = (df["goal_completions"] > len(GOAL_TYPES) * df["sessions"]).fillna(False).astype(bool)
    msg = (rows_message("website_analytics.goal_completions", f"above {len(GOAL_TYPES)} goals per session", df,
                        over, ["sessions", "goal_completions"]),) if over.any() else ()
    return [CheckResult(f"goal_completions: at most one of each of the {len(GOAL_TYPES)} goals per session", 1,
                        not msg, msg)]


# --------------------------------------------------------------------------- measures
def spend_phasing_gap(d: RunData) -> Measured:
    """Largest |weekly_channel_spend - raw/ spread by the phasing rule and binned into its weeks| (GBP)."""
    weekly = d.table("weekly_channel_spend")
    starts = pd.DatetimeIndex(weekly["week_start"])
    daily = d.daily_spend
    week = np.clip(np.searchsorted(starts.values, daily.index.values, side="right") - 1, 0, len(starts) - 1)
    rebuilt = daily.groupby(week).sum().reindex(range(len(starts)), fill_value=0.0)
    gaps = {c: (weekly[f"{c}_spend"].astype(float).to_numpy() - rebuilt[c].to_numpy()) for c in CHANNELS
            if f"{c}_spend" in weekly}
    worst = {c: float(np.abs(g).max()) if len(g) else 0.0 for c, g in gaps.items()}
    details = tuple(f"{c}_spend: week {starts[int(np.abs(gaps[c]).argmax())].date()} differs from raw/ by "
                    f"£{worst[c]:,.2f}" for c in sorted(worst, key=worst.get, reverse=True)[:SHOWN_ROWS]
                    if worst[c] > PHASING_TOLERANCE_GBP)
    return Measured(max(worst.values(), default=0.0), details)


def tv_spot_rating(key: str):
    """Adult TVR per spot of the linear (or BVOD) rows of one ``spot_rating`` key:
    sum of 30-second-equivalent GRPs / spot length x 30 / sum of spots."""
    def measure(d: RunData) -> float:
        df = d.table("tv_performance")
        if "tv" not in d.world.media.channels:
            raise NotMeasurable("no TV channel")
        objective = {(ln.attributes.get("broadcaster"), ln.attributes.get("daypart")): ln.objective
                     for ln in d.world.media.channels["tv"].campaigns}
        rep = d.world.reporting.media.tv
        keys = [rep.spot_rating_key(objective.get((b, p), ""), p) for b, p in zip(df["broadcaster"], df["daypart"],
                                                                                   strict=True)]
        rows = df[np.array(keys) == key] if len(df) else df
        if rows.empty or rows["spots_aired"].sum() == 0:
            raise NotMeasurable(f"no TV rows rated as {key}")
        tvr = rows["grps"].astype(float) * rows["spot_length_seconds"].astype(float) / REFERENCE_SPOT_SECONDS
        return float(tvr.sum() / rows["spots_aired"].astype(float).sum())
    return measure


def new_user_share(d: RunData) -> float:
    df = d.table("website_analytics")
    df = df[df["date"].dt.month.isin(LAUNCH_MONTHS)]
    if df["users"].sum() == 0:
        raise NotMeasurable("no users after launch")
    return float(df["new_users"].sum() / df["users"].sum())


def duration_spread(d: RunData) -> Measured:
    """Longest over shortest session-weighted mean duration among the channels with sessions."""
    df = d.table("website_analytics")
    df = df[df["sessions"] > 0]
    seconds = (df["avg_session_duration_seconds"].astype(float) * df["sessions"]).groupby(df["channel"]).sum()
    means = (seconds / df.groupby("channel")["sessions"].sum()).dropna().sort_values()
    if len(means) < 2 or means.iloc[0] <= 0:
        raise NotMeasurable("fewer than two channels with sessions and duration")
    return Measured(float(means.iloc[-1] / means.iloc[0]),
                    tuple(f"{c}: {v:.0f} s" for c, v in means.items()))


def goals_per_configurator_start(d: RunData) -> float:
    starts = len(d.table("configurator_sessions"))
    if not starts:
        raise NotMeasurable("no configurator sessions")
    return float(d.table("website_analytics")["goal_completions"].sum() / starts)


# --------------------------------------------------------------------------- targets
def export_targets() -> list[Target]:
    t = Target
    out = [
        t("mmm.spend_phasing", "weekly_channel_spend rebuilds from raw/ by the phasing rule (issue 11)", 1,
          at_most(PHASING_TOLERANCE_GBP), "largest |weekly <channel>_spend - the channel's raw rows spread evenly over "
          "their days (sim/schemas/phasing.py) and summed by week|", spend_phasing_gap, "gbp2"),
        t("web.goals_vs_configurator", "goal_completions (configurator_start/test_drive_booking/brochure_download/"
          "dealer_locator)", 4, above(1.0), "sum of goal_completions / configurator sessions (four goal types count "
          "more than configurator starts)", goals_per_configurator_start, "number"),
        t("web.new_users", "new vs returning users realistic: most users of a launch site are new (issue 11)", 4,
          between(*NEW_USER_SHARE), "new_users / users, Sep-Dec, all markets", new_user_share, "share"),
        t("web.duration_by_channel", "session duration realistic and different across channels (issue 11)", 4,
          at_least(DURATION_SPREAD), "longest / shortest session-weighted avg_session_duration_seconds by channel",
          duration_spread, "number"),
    ]
    out += [t(f"tv.spot_rating.{key}", f"TV GRPs per spot plausible for the daypart: {key} (issue 11)", 4,
              lambda w, key=key: between(*w.reporting.media.tv.spot_rating[key]),
              "sum(grps x spot_length_seconds / 30) / sum(spots_aired), TV rows of that daypart (BVOD: bvod rows)",
              tv_spot_rating(key), "number") for key in ("peak", "daytime", "off-peak", "late_night", "bvod")]
    return out
