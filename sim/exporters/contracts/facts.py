"""What a contract document is written from: the terms of one contract in one world, and the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.exporters.contracts.measure import term_window
from sim.world.vendors import Contract, VendorsConfig


@dataclass(frozen=True)
class Facts:
    """One contract in one world: its terms, its commitment reconciliation and the media tables."""

    world: Any
    key: str
    contract: Contract
    reconciliation: pd.DataFrame
    media: dict[str, pd.DataFrame]

    @property
    def vendors(self) -> VendorsConfig:
        return self.world.vendors

    @property
    def commitments(self) -> pd.DataFrame:
        """This contract's rows of the commitment reconciliation."""
        return self.reconciliation[self.reconciliation["contract"] == self.key]

    @property
    def window(self) -> tuple[dt.date, dt.date] | None:
        return term_window(self.contract, self.world.run.start, self.world.run.end)
