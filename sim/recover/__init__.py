"""Recover: a transparent baseline MMM fitted to the weekly tables, scored against the truth.

* :mod:`sim.transforms.adstock`, :mod:`sim.transforms.saturation`: the transformations, one
  module each, formulas in their docstrings.
* :mod:`sim.recover.fit`: ``fit_mmm``, ``predict``, ``predicted_effect``.
* :mod:`sim.recover.scorecard`: recovered-versus-true tables, Spearman rank agreement,
  scenario checks, and the scorecard files (csv, md, png).
* :mod:`sim.recover.pipeline`: ``recover`` / ``recover_run`` tie them together for a run.
* :mod:`sim.world.mmm`: ``RecoverConfig``, the ``[mmm.recover]`` section.
"""

from sim.recover.fit import FittedMMM, fit_mmm, predict, predicted_effect
from sim.recover.pipeline import Recovery, ScenarioOutcome, fit_targets, recover, recover_run
from sim.recover.scorecard import scenario_check, scenario_table, scorecard, summarise, write_scorecard
from sim.world.mmm import RecoverConfig

__all__ = [
    "RecoverConfig", "FittedMMM", "fit_mmm", "predict", "predicted_effect",
    "Recovery", "ScenarioOutcome", "fit_targets", "recover", "recover_run",
    "scorecard", "summarise", "scenario_check", "scenario_table", "write_scorecard",
]
