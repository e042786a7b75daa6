"""Dealer agents: they open on their date, take test-drive bookings up to capacity, serve the
drives booked for today and sell the cars whose purchase falls today."""

from __future__ import annotations

import datetime as dt

import mesa
import numpy as np

from sim.world.config import DealerConfig


class DealerAgent(mesa.Agent):
    """One showroom. Capacity is test drives per day; bookings fill the calendar in order."""

    def __init__(self, model: mesa.Model, cfg: DealerConfig, opening: dt.date, day0: dt.date, n_days: int):
        super().__init__(model)
        self.cfg = cfg
        self.dealer_id = cfg.id
        self.opening_day = (opening - day0).days
        self.booked = np.zeros(n_days + 120, dtype=np.int32)

    def is_open(self, day: int) -> bool:
        return day >= self.opening_day

    def book(self, earliest: int, weekend: bool, weekday_of: callable) -> int:
        """First day >= earliest with a free slot, on a weekend day if the customer prefers one."""
        day = max(earliest, self.opening_day)
        for _ in range(60):
            if day >= len(self.booked):
                break
            if (weekday_of(day) >= 5) == weekend and self.booked[day] < self.cfg.daily_test_drive_capacity:
                self.booked[day] += 1
                return day
            day += 1
        day = max(earliest, self.opening_day)
        while day < len(self.booked) - 1 and self.booked[day] >= self.cfg.daily_test_drive_capacity:
            day += 1
        self.booked[day] += 1
        return day

    def step(self) -> None:
        """Serve today's drives and sales (the pipeline keeps the calendar of what falls today)."""
        self.model.pipeline.serve_dealer(self, self.model.day)
