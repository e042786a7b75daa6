"""What a contract document is written from: one term of one contract in one world, and the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.world.vendors import Contract, ContractTerm, VendorsConfig


@dataclass(frozen=True)
class Facts:
    """One term of a contract in one world: its terms, its commitment reconciliation and the media tables."""

    world: Any
    term: ContractTerm
    reconciliation: pd.DataFrame
    media: dict[str, pd.DataFrame]

    @property
    def key(self) -> str:
        return self.term.key

    @property
    def contract(self) -> Contract:
        return self.term.contract

    @property
    def vendors(self) -> VendorsConfig:
        return self.world.vendors

    @property
    def commitments(self) -> pd.DataFrame:
        """This term's rows of the commitment reconciliation."""
        rec = self.reconciliation
        return rec[(rec["contract"] == self.key) & (rec["term"] == self.term.number)]

    @property
    def window(self) -> tuple[dt.date, dt.date] | None:
        return self.term.window(self.world.run.start, self.world.run.end)
