"""Dealer agents: a showroom opens on its date, fills its test-drive calendar up to capacity,
and on each day serves the drives booked for it: whether the customer turns up, and whether
a completed drive ends in a purchase and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import mesa
import numpy as np

from sim.engine.draws import DriveDraw
from sim.world.config import DealerConfig, FunnelConfig

BOOKING_SEARCH_DAYS = 60  # how far ahead a customer looks for a slot on their preferred kind of day
CALENDAR_SLACK_DAYS = 120  # bookings may run past the horizon by this much


@dataclass(slots=True)
class Drive:
    """A test-drive booking while the world runs (frozen into a DriveRecord at the end)."""

    idx: int
    lead: int
    dealer: str
    booking_day: int
    drive_day: int
    model: str
    attempt: int
    source: str
    u: np.ndarray               # the booking's own uniforms (DriveDraw)
    status: str = "BOOKED"
    sale_day: int | None = None


class DealerAgent(mesa.Agent):
    """One showroom: its opening day, its capacity and calendar, and the drives it serves."""

    def __init__(self, model: mesa.Model, cfg: DealerConfig, opening_day: int, n_days: int, funnel: FunnelConfig):
        super().__init__(model)
        self.cfg = cfg
        self.dealer_id = cfg.id
        self.opening_day = opening_day
        self.capacity = cfg.daily_test_drive_capacity
        self.funnel = funnel
        self.booked = np.zeros(n_days + CALENDAR_SLACK_DAYS, dtype=np.int32)  # drives booked per day
        self.calendar: dict[int, list[Drive]] = defaultdict(list)

    def is_open(self, day: int) -> bool:
        return day >= self.opening_day

    def book(self, drive: Drive, earliest: int, weekend: bool, weekday_of: Callable[[int], int]) -> int:
        """Put ``drive`` on the first day >= earliest with a free slot, on a weekend day if the
        customer prefers one (else the first free day at all); returns that day."""
        day = self._free_slot(earliest, weekend, weekday_of)
        self.booked[day] += 1
        drive.drive_day = day
        self.calendar[day].append(drive)
        return day

    def _free_slot(self, earliest: int, weekend: bool, weekday_of: Callable[[int], int]) -> int:
        day = max(earliest, self.opening_day)
        for _ in range(BOOKING_SEARCH_DAYS):
            if day >= len(self.booked):
                break
            if (weekday_of(day) >= 5) == weekend and self.booked[day] < self.capacity:
                return day
            day += 1
        day = max(earliest, self.opening_day)
        while day < len(self.booked) - 1 and self.booked[day] >= self.capacity:
            day += 1
        return day

    def serve(self, drive: Drive, day: int, purchase_chance: float) -> None:
        """Today's outcome of one drive: attendance, then (if completed) purchase and its day."""
        f, u = self.funnel, drive.u
        if u[DriveDraw.ATTENDANCE] < f.no_show:
            drive.status = "NO_SHOW"
        elif u[DriveDraw.ATTENDANCE] < f.no_show + f.cancellation:
            drive.status = "CANCELLED"
        else:
            drive.status = "COMPLETED"
            if u[DriveDraw.BUYS] < purchase_chance:
                wait = int(-np.log(1 - u[DriveDraw.PURCHASE_DELAY]) * f.timing.purchase_delay_mean_days)
                drive.sale_day = day + 1 + wait % f.purchase_window_days

    def step(self) -> None:
        """Serve today's drives in booking order; the pipeline follows each one up."""
        day, pipeline = self.model.day, self.model.pipeline
        for drive in self.calendar.pop(day, []):
            self.serve(drive, day, pipeline.purchase_chance(drive))
            pipeline.after_drive(drive, day)
