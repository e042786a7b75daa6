"""The context CSVs: economic_indicators and competitor_spend.

Both are the very series the consumers reacted to (:mod:`sim.world.context` builds them from
the world's context stream); competitor_spend's share of voice also counts what our brand
spent in the estimate's market, read from the log.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.log import EventLog
from sim.world import context
from sim.world.config import World


def economic_indicators(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    return context.economic_indicators(world, rng)


def our_monthly_spend(world: World, log: EventLog) -> pd.DataFrame:
    """Our spend per month and competitor-report channel in the market of the ad-intelligence estimate."""
    mine = log.media[log.media["market"] == world.context.estimate_market]
    kinds = {name: ch.kind for name, ch in world.media.channels.items()}
    group = mine["channel"].map(lambda c: context.channel_group(kinds[c], c))
    df = pd.DataFrame({"year_month": mine["date"].dt.strftime("%Y-%m"), "channel": group, "spend_gbp": mine["spend"]})
    return df.dropna().groupby(["year_month", "channel"], as_index=False)["spend_gbp"].sum()


def competitor_spend(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    return context.competitor_spend(world, rng, our_monthly_spend=our_monthly_spend(world, log))
