"""One call for a run folder: fit the baseline MMMs, score them, write the scorecard.

Reads ``DIR/mmm/model_ready.csv`` and ``DIR/truth/channel_truth.csv``; the MMM itself
sees only the weekly table, never the truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.recover.claims import platform_claims
from sim.recover.fit import FittedMMM, fit_mmm, predicted_effect, spend_column
from sim.recover.scorecard import (
    KPI_TRUTH,
    KpiSpec,
    scenario_check,
    scenario_table,
    scorecard,
    summarise,
    write_scorecard,
)
from sim.world.mmm import RecoverConfig


@dataclass(frozen=True)
class ScenarioOutcome:
    """A plan change run through the simulator: its weekly table and its true effects."""

    name: str
    model_ready: pd.DataFrame  # the scenario run's mmm/model_ready.csv
    true_effect: Mapping[str, float] = field(default_factory=dict)  # target -> scenario minus base (two runs)


@dataclass
class Recovery:
    fits: dict[str, FittedMMM]
    card: pd.DataFrame
    summary: pd.DataFrame
    scenarios: pd.DataFrame
    claims: pd.DataFrame | None = None


def model_channels(model_ready: pd.DataFrame) -> list[str]:
    """Channels of the weekly table: those with both a ``_spend`` and an ``_adstock`` column."""
    return [c.removesuffix("_adstock") for c in model_ready.columns
            if c.endswith("_adstock") and spend_column(c.removesuffix("_adstock")) in model_ready.columns]


def fit_targets(model_ready: pd.DataFrame, cfg: RecoverConfig, channels: list[str] | None = None
                ) -> dict[str, FittedMMM]:
    """One MMM per ``cfg.targets`` column, all on the same channels and controls."""
    channels = channels or model_channels(model_ready)
    return {target: fit_mmm(model_ready, target, channels, cfg.controls, cfg) for target in cfg.targets}


def recover(model_ready: pd.DataFrame, truth: pd.DataFrame, cfg: RecoverConfig | None = None,
            scenarios: list[ScenarioOutcome] = (), channels: list[str] | None = None,
            kpis: Mapping[str, KpiSpec] = KPI_TRUTH) -> Recovery:
    """Fit, score against the truth, and check the MMM's predictions of scenario effects."""
    cfg = cfg or RecoverConfig()
    fits = fit_targets(model_ready, cfg, channels)
    card = scorecard(fits, truth, kpis)
    checks = [scenario_check(s.name, target, predicted_effect(fits[target], model_ready, s.model_ready), true)
              for s in scenarios for target, true in s.true_effect.items() if target in fits]
    return Recovery(fits, card, summarise(card, fits, truth, kpis), scenario_table(checks))


def recover_run(run_dir: str | Path, out_dir: str | Path | None = None, cfg: RecoverConfig | None = None,
                scenarios: list[ScenarioOutcome] = (), claims: Mapping[str, str] | None = None) -> Recovery:
    """``recover`` on a run folder; writes the scorecard into ``out_dir`` (default DIR/recover).
    ``claims`` (platform -> its claims column) adds what the platforms claim beside the truth."""
    run = Path(run_dir)
    model_ready = pd.read_csv(run / "mmm" / "model_ready.csv")
    truth = pd.read_csv(run / "truth" / "channel_truth.csv")
    result = recover(model_ready, truth, cfg, scenarios)
    if claims:
        result.claims = platform_claims(run, truth, claims)
    write_scorecard(out_dir or run / "recover", result.card, result.summary, result.scenarios, result.claims)
    return result
