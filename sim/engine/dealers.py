"""Dealer agents: a showroom opens on its date and trades on its market's calendar, fills its
test-drive calendar up to capacity on the days customers ask for, and on each day serves the
drives booked for it: whether the customer turns up, and whether a completed drive ends in a
purchase and when."""

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


def attends(u: np.ndarray, funnel: FunnelConfig) -> bool:
    """Whether the customer of a booking (its uniforms ``u``) turns up: neither a no-show nor a cancellation."""
    return u[DriveDraw.ATTENDANCE] >= funnel.no_show + funnel.cancellation


def purchase_wait(u: float, mean: float, window: int) -> int:
    """Days from the day after a drive to the purchase: an exponential wait of the given mean,
    truncated to the purchase window (inverse CDF, so the buyer's uniform keeps its order)."""
    cut = -np.expm1(-window / mean)  # P(wait < window) before truncation
    return min(int(-mean * np.log1p(-u * cut)), window - 1)


class DealerAgent(mesa.Agent):
    """One showroom: its opening day, its capacity and calendar, and the drives it serves."""

    def __init__(self, model: mesa.Model, cfg: DealerConfig, opening_day: int, n_days: int, funnel: FunnelConfig,
                 trading: np.ndarray):
        super().__init__(model)
        self.trading = trading  # per day from the start (past the horizon too): whether the showroom trades
        self.cfg = cfg
        self.dealer_id = cfg.id
        self.opening_day = opening_day
        self.capacity = cfg.daily_test_drive_capacity
        self.funnel = funnel
        self.booked = np.zeros(n_days + CALENDAR_SLACK_DAYS, dtype=np.int32)  # drives booked per day
        self.calendar: dict[int, list[Drive]] = defaultdict(list)

    def is_open(self, day: int) -> bool:
        """Open for business: on or after its opening day, on a trading day of its market."""
        return day >= self.opening_day and (day >= len(self.trading) or bool(self.trading[day]))

    def book(self, drive: Drive, earliest: int, weekday: int, weekday_of: Callable[[int], int]) -> int:
        """Put ``drive`` on the first open day >= earliest with a free slot on the day of the week
        the customer asks for (else the first open day with a free slot); returns that day."""
        return self.book_on(drive, self._free_slot(earliest, weekday, weekday_of))

    def book_on(self, drive: Drive, day: int) -> int:
        """Put ``drive`` on ``day`` itself (a walk-in, an event's demo drive, a fleet day)."""
        self.booked[min(day, len(self.booked) - 1)] += 1
        drive.drive_day = day
        self.calendar[day].append(drive)
        return day

    def _free(self, day: int) -> bool:
        return self.is_open(day) and self.booked[day] < self.capacity

    def _free_slot(self, earliest: int, weekday: int, weekday_of: Callable[[int], int]) -> int:
        first = max(earliest, self.opening_day)
        last = len(self.booked) - 1
        day = first + (weekday - weekday_of(first)) % 7
        for _ in range(BOOKING_SEARCH_DAYS // 7):
            if day > last:
                break
            if self._free(day):
                return day
            day += 7
        day = first
        while day < last and not self._free(day):
            day += 1
        return day

    def serve(self, drive: Drive, day: int, purchase_chance: float) -> None:
        """Today's outcome of one drive: attendance, then (if completed) purchase and its day."""
        f, u = self.funnel, drive.u
        if u[DriveDraw.ATTENDANCE] < f.no_show:
            drive.status = "NO_SHOW"
        elif not attends(u, f):
            drive.status = "CANCELLED"
        else:
            drive.status = "COMPLETED"
            if u[DriveDraw.BUYS] < purchase_chance:
                drive.sale_day = day + 1 + purchase_wait(u[DriveDraw.PURCHASE_DELAY], f.timing.purchase_delay_mean_days,
                                                         f.purchase_window_days)

    def step(self) -> None:
        """Serve today's drives in booking order; the pipeline follows each one up."""
        day, pipeline = self.model.day, self.model.pipeline
        for drive in self.calendar.pop(day, []):
            self.serve(drive, day, pipeline.purchase_chance(drive))
            pipeline.after_drive(drive, day)
