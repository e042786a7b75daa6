"""What the platforms claim against what they caused (decision 9).

Each platform reports the leads or conversions inside its own attribution windows
(:mod:`sim.exporters.attribution`); the truth knows the leads each channel really caused
(``incr_leads`` of ``truth/channel_truth.csv``). Their ratio is the over- (or under-) claiming
an analyst who trusts the platform's numbers would inherit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sim.schemas import CHANNEL_TABLES

COLUMNS = ["platform", "metric", "claimed", "true_incremental_leads", "claimed_per_true_lead"]


def platform_claims(run: Path, truth: pd.DataFrame, metrics: Mapping[str, str]) -> pd.DataFrame:
    """Per platform with an attribution rule (``metrics``: platform -> its claims column): the
    claims summed over its export, the true incremental leads, and their ratio."""
    true = truth.set_index("channel")["incr_leads"] if "incr_leads" in truth else pd.Series(dtype=float)
    rows = []
    for platform, metric in sorted(metrics.items()):
        path = run / "raw" / f"{CHANNEL_TABLES.get(platform, platform)}.csv"
        if not path.is_file():
            continue
        claimed = float(pd.read_csv(path, usecols=[metric])[metric].sum())
        caused = float(true.get(platform, np.nan))
        rows.append({"platform": platform, "metric": metric, "claimed": claimed, "true_incremental_leads": caused,
                     "claimed_per_true_lead": claimed / caused if caused > 0 else np.nan})
    return pd.DataFrame(rows, columns=COLUMNS)
