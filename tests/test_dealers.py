"""DealerAgent on its own: its test-drive calendar, how it serves a drive, and its day."""

from __future__ import annotations

from collections import Counter

import mesa
import pytest

from sim.engine.dealers import BOOKING_SEARCH_DAYS, DealerAgent, Drive
from sim.engine.draws import DRIVE_DRAWS, DriveDraw
from sim.world.config import load_world
from sim.world.streams import Stream, Streams

TINY = ["run.population=2000"]
MONDAY, SATURDAY = 250, 255  # 2025-09-08 and 2025-09-13, after the UK launch (day 243)


class FollowUp:
    """Stands in for the pipeline: a fixed purchase chance, and the drives it is asked to follow up."""

    def __init__(self, purchase_chance=0.0):
        self.chance, self.followed = purchase_chance, []

    def purchase_chance(self, drive):
        return self.chance

    def after_drive(self, drive, day):
        self.followed.append((day, drive.idx, drive.status))


class Desk(mesa.Model):
    """One real dealer in a minimal mesa model: the model's ``day`` and ``pipeline`` are all it reads."""

    def __init__(self, overrides=(), dealer_id="DLR001", capacity=None, purchase_chance=0.0):
        super().__init__()
        world = load_world("baseline", TINY + list(overrides))
        cfg = next(d for d in world.dealers if d.id == dealer_id)
        if capacity is not None:
            cfg = cfg.model_copy(update={"daily_test_drive_capacity": capacity})
        self.world, self.day, self.pipeline = world, 0, FollowUp(purchase_chance)
        self.dealer = DealerAgent(self, cfg, (world.dealer_opening(cfg) - world.run.start).days, world.run.days,
                                  world.funnel)
        self.streams, self.drives = Streams(world.run.seed), []

    def weekday(self, day):
        return (self.world.run.start.weekday() + day) % 7

    def book(self, earliest, weekend=False, n=1):
        """``n`` drives with their own keyed uniforms, booked from ``earliest``; their days."""
        days = []
        for _ in range(n):
            i = len(self.drives)
            u = self.streams.generator(Stream.BOOKING, i, earliest, 0).random(DRIVE_DRAWS)
            drive = Drive(i, i, self.dealer.dealer_id, earliest, earliest, "DEEPAL_S07", 0, "website", u)
            self.drives.append(drive)
            days.append(self.dealer.book(drive, earliest, weekend, self.weekday))
        return days

    def serve_booked(self, n, purchase_chance):
        """Book ``n`` drives from MONDAY and serve each on its day; the drives."""
        self.book(MONDAY, n=n)
        for drive in self.drives:
            self.dealer.serve(drive, drive.drive_day, purchase_chance)
        return self.drives


def is_weekend(desk, day):
    return desk.weekday(day) >= 5


def test_booking_never_exceeds_daily_capacity():
    desk = Desk(capacity=3)
    days = desk.book(MONDAY, n=20) + desk.book(MONDAY, weekend=True, n=20)
    per_day = Counter(days)
    assert max(per_day.values()) == 3
    assert all(desk.dealer.booked[d] == n == len(desk.dealer.calendar[d]) for d, n in per_day.items())


def test_booking_prefers_the_customers_kind_of_day():
    desk = Desk(capacity=2)
    assert desk.book(MONDAY, weekend=True) == [SATURDAY]
    assert desk.book(SATURDAY, weekend=False) == [SATURDAY + 2]
    weekend_days = desk.book(MONDAY, weekend=True, n=6)
    assert weekend_days == [SATURDAY, SATURDAY + 1, SATURDAY + 1, SATURDAY + 7, SATURDAY + 7, SATURDAY + 8]


def test_booking_falls_back_to_the_first_free_day_past_the_search_window():
    desk = Desk(capacity=1)
    window = range(MONDAY, MONDAY + BOOKING_SEARCH_DAYS)
    n_weekend = sum(is_weekend(desk, d) for d in window)
    days = desk.book(MONDAY, weekend=True, n=n_weekend)
    assert all(is_weekend(desk, d) for d in days) and sorted(days) == days and days[-1] in window
    assert desk.book(MONDAY, weekend=True) == [MONDAY]  # every weekend slot in reach is taken


def test_booking_never_before_the_opening_day():
    desk = Desk(dealer_id="DLR004")  # opens on day 264, a Monday
    opening = desk.dealer.opening_day
    assert desk.book(opening - 20) == [opening]
    assert desk.book(opening - 20, weekend=True) == [opening + 5]


@pytest.mark.parametrize("no_show, cancellation, status", [(1.0, 0.0, "NO_SHOW"), (0.0, 1.0, "CANCELLED"),
                                                           (0.0, 0.0, "COMPLETED")])
def test_serving_a_drive_follows_no_show_and_cancellation(no_show, cancellation, status):
    desk = Desk([f"funnel.no_show={no_show}", f"funnel.cancellation={cancellation}"])
    drives = desk.serve_booked(30, purchase_chance=1.0)
    assert {d.status for d in drives} == {status}
    window = desk.world.funnel.purchase_window_days
    if status == "COMPLETED":  # a certain purchase: a day inside the purchase window after the drive
        assert all(d.drive_day < d.sale_day <= d.drive_day + window for d in drives)
    else:
        assert all(d.sale_day is None for d in drives)


def test_serving_reads_attendance_and_purchase_from_the_drives_own_draws():
    desk = Desk()
    f = desk.world.funnel
    drives = desk.serve_booked(200, purchase_chance=0.5)
    expected = {d.idx: "NO_SHOW" if d.u[DriveDraw.ATTENDANCE] < f.no_show else
                "CANCELLED" if d.u[DriveDraw.ATTENDANCE] < f.no_show + f.cancellation else "COMPLETED"
                for d in drives}
    assert {d.idx: d.status for d in drives} == expected
    assert set(expected.values()) == {"NO_SHOW", "CANCELLED", "COMPLETED"}
    buyers = [d for d in drives if d.sale_day is not None]
    assert buyers and all(d.status == "COMPLETED" and d.u[DriveDraw.BUYS] < 0.5 for d in buyers)
    assert all(d.u[DriveDraw.BUYS] >= 0.5 for d in drives if d.status == "COMPLETED" and d.sale_day is None)


def test_no_purchase_without_a_purchase_chance():
    desk = Desk(["funnel.no_show=0.0", "funnel.cancellation=0.0"])
    drives = desk.serve_booked(30, purchase_chance=0.0)
    assert all(d.status == "COMPLETED" and d.sale_day is None for d in drives)


def test_a_dealers_day_serves_exactly_todays_drives_in_booking_order():
    desk = Desk(capacity=4)
    days = desk.book(MONDAY, n=6) + desk.book(MONDAY, weekend=True, n=2)  # 4 on Monday, 2 on Tuesday, 2 Saturday
    desk.day = MONDAY
    desk.dealer.step()
    today = [i for i, d in enumerate(days) if d == MONDAY]
    assert [idx for _, idx, _ in desk.pipeline.followed] == today == [0, 1, 2, 3]
    assert all(day == MONDAY and status != "BOOKED" for day, _, status in desk.pipeline.followed)
    assert all(d.status == "BOOKED" for d in desk.drives if d.drive_day != MONDAY)
    assert MONDAY not in desk.dealer.calendar and len(desk.dealer.calendar[MONDAY + 1]) == 2
