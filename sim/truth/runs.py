"""Which counterfactual worlds a truth request needs, and which of them are the same world.

Per world (the scenario's own and each replicate): the plan, all media off, and per channel the
world without it and with +10% spend; with curves, the channel at each spend multiplier of
:data:`MULTIPLIERS` (0 is the world without it, 1 the plan); per window, the world without the
channel's spend on the window's days (:class:`sim.engine.model.Interventions` with a window).

Two requests that change the plan the same way are one simulated world: a window in which a
channel spends nothing leaves the plan as it is, and a window that holds all of a channel's
spending days removes the channel. :func:`distinct_runs` finds them from the plan, so each
world is simulated once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from sim.engine.model import Interventions
from sim.engine.plan import build_plan
from sim.world.config import ConfigError, World
from sim.world.streams import Streams

MARGINAL_STEP = 0.10
MULTIPLIERS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # spend multipliers of the response curves
CURVE_MARGINAL = (0.75, 1.25)  # marginal ROI from the curve: central difference over these multipliers


@dataclass(frozen=True)
class Window:
    """Days of spend whose effect the truth measures (first and last day, inclusive)."""

    name: str
    start: dt.date
    end: dt.date

    def as_range(self) -> str:
        return f"{self.start}:{self.end}"


@dataclass(frozen=True)
class RunSpec:
    label: str
    spend_scale: dict[str, float]
    window: Window | None = None

    def interventions(self) -> Interventions:
        return Interventions(self.spend_scale, (self.window.start, self.window.end) if self.window else None)


@dataclass(frozen=True)
class Request:
    """What a truth computes for each world: ``channels``, response ``curves``, ``windows``."""

    channels: tuple[str, ...]
    curves: bool = False
    windows: tuple[Window, ...] = field(default_factory=tuple)


def default_windows(world: World) -> list[Window]:
    """Pre-launch and post-launch of the KPI market (``mmm.kpi_market``), the ones inside the horizon."""
    launch = world.markets[world.mmm.kpi_market].launch_date
    start, end = world.run.start, world.run.end
    out = []
    if launch > start:
        out.append(Window("pre_launch", start, min(end, launch - dt.timedelta(days=1))))
    if launch <= end:
        out.append(Window("post_launch", max(start, launch), end))
    return out


def parse_window(text: str, world: World) -> Window:
    """``START:END`` (ISO dates, inclusive, inside the horizon) as a window named by its range."""
    try:
        first, last = (dt.date.fromisoformat(part) for part in text.split(":"))
    except ValueError:
        raise ConfigError(f"--window {text!r}: expected START:END, two ISO dates, e.g. 2025-09-01:2025-12-31") from None
    if last < first:
        raise ConfigError(f"--window {text!r}: END is before START")
    if first < world.run.start or last > world.run.end:
        raise ConfigError(f"--window {text!r}: outside the horizon {world.run.start}..{world.run.end}")
    return Window(f"{first}:{last}", first, last)


def curve_label(channel: str, multiplier: float) -> str:
    if multiplier == 0:
        return f"without:{channel}"
    if multiplier == 1:
        return "plan"
    return f"curve:{channel}@{multiplier:g}"


def window_label(channel: str, window: Window) -> str:
    return f"without:{channel}@{window.name}"


def run_specs(world: World, channels: list[str], curves: bool = False, windows=()) -> list[RunSpec]:
    specs = [RunSpec("plan", {}), RunSpec("all_off", {c: 0.0 for c in world.media.channels})]
    for c in channels:
        specs.append(RunSpec(f"without:{c}", {c: 0.0}))
        specs.append(RunSpec(f"plus:{c}", {c: 1.0 + MARGINAL_STEP}))
        if curves:
            specs += [RunSpec(curve_label(c, m), {c: m}) for m in MULTIPLIERS if m not in (0, 1)]
        specs += [RunSpec(window_label(c, w), {c: 0.0}, w) for w in windows]
    return specs


def spending_days(world: World) -> pd.DataFrame:
    """The plan's spend per channel, market and date (rows with spend only)."""
    plan = build_plan(world, Streams(world.run.seed))
    plan = plan[plan["spend"] > 0]
    return plan.groupby(["channel", "market", "date"], as_index=False)["spend"].sum()


def _effect(spec: RunSpec, days: dict[str, pd.Series]) -> tuple:
    """What a spec does to the plan: (channel, scale, first, last affected spending day) per channel changed."""
    key = []
    for c, s in sorted(spec.spend_scale.items()):
        when = days.get(c)
        if s == 1 or when is None or when.empty:
            continue
        if spec.window is not None:
            when = when[(when >= pd.Timestamp(spec.window.start)) & (when <= pd.Timestamp(spec.window.end))]
            if when.empty:
                continue
        key.append((c, s, when.iloc[0], when.iloc[-1]))
    return tuple(key)


def distinct_runs(specs: list[RunSpec], spend: pd.DataFrame) -> dict[str, str]:
    """Label -> the label of the first spec that changes the plan the same way (the run that gives it)."""
    days = {c: pd.Series(sorted(g["date"].unique())) for c, g in spend.groupby("channel")}
    first: dict[tuple, str] = {}
    return {s.label: first.setdefault(_effect(s, days), s.label) for s in specs}


def window_spend(spend: pd.DataFrame, window: Window | None) -> pd.DataFrame:
    """Spend per channel and market on the window's days (all days without one)."""
    if window is not None:
        spend = spend[(spend["date"] >= pd.Timestamp(window.start)) & (spend["date"] <= pd.Timestamp(window.end))]
    return spend.groupby(["channel", "market"])["spend"].sum()
