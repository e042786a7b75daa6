"""Recover: a transparent baseline MMM fitted to the weekly tables, scored against the truth.

* :mod:`sim.transforms.adstock`, :mod:`sim.transforms.saturation`: the transformations, one
  module each, formulas in their docstrings.
* :mod:`sim.recover.fit`: ``fit_mmm``, ``predict``, ``predicted_effect``.
* :mod:`sim.recover.scorecard`: recovered-versus-true tables, Spearman rank agreement,
  scenario checks, and the scorecard files (csv, md, png).
* :mod:`sim.recover.pipeline`: ``recover`` / ``recover_run`` tie them together for a run.
* :mod:`sim.recover.config`: ``RecoverConfig``, the ``[mmm.recover]`` section.
"""

import importlib

# Lazy exports (PEP 562): the scenario loader needs only RecoverConfig, and importing the
# fitting code (scipy.optimize) on every `sim run` would slow start-up for nothing.
_EXPORTS = {
    "RecoverConfig": "config", "FittedMMM": "fit", "fit_mmm": "fit", "predict": "fit", "predicted_effect": "fit",
    "Recovery": "pipeline", "ScenarioOutcome": "pipeline", "fit_targets": "pipeline", "recover": "pipeline",
    "recover_run": "pipeline", "scorecard": "scorecard", "summarise": "scorecard", "scenario_check": "scorecard",
    "scenario_table": "scorecard", "write_scorecard": "scorecard",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"sim.recover.{_EXPORTS[name]}"), name)
