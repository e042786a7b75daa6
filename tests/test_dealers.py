"""DealerAgent on its own: its trading calendar, its test-drive calendar, how it serves a drive, and its day."""

from __future__ import annotations

from collections import Counter

import mesa
import numpy as np
import pytest

from sim.engine.dealers import (
    BOOKING_SEARCH_DAYS,
    CALENDAR_SLACK_DAYS,
    DealerAgent,
    Drive,
    attends,
    purchase_wait,
)
from sim.engine.draws import DRIVE_DRAWS, DriveDraw
from sim.world.calendar import trading_days
from sim.world.config import load_world
from sim.world.streams import Stream, Streams

TINY = ["run.population=2000"]
MONDAY, SATURDAY = 250, 255  # 2025-09-08 and 2025-09-13, after the UK launch (day 243)
SUNDAY = SATURDAY + 1
MON, THU, SAT, SUN = 0, 3, 5, 6  # days of the week, as date.weekday() numbers them
CHRISTMAS_MONDAY, CHRISTMAS, NEW_YEAR = 355, 358, 365  # 2025-12-22, 2025-12-25 (Thu), 2026-01-01 (Thu)


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
        trading = trading_days(world, cfg.market, world.run.days + CALENDAR_SLACK_DAYS)
        self.dealer = DealerAgent(self, cfg, (world.dealer_opening(cfg) - world.run.start).days, world.run.days,
                                  world.funnel, trading)
        self.streams, self.drives = Streams(world.run.seed), []

    def weekday(self, day):
        return (self.world.run.start.weekday() + day) % 7

    def _drive(self, earliest):
        i = len(self.drives)
        u = self.streams.generator(Stream.BOOKING, i, earliest, 0).random(DRIVE_DRAWS)
        drive = Drive(i, i, self.dealer.dealer_id, earliest, earliest, "DEEPAL_S07", 0, "website", u)
        self.drives.append(drive)
        return drive

    def book(self, earliest, weekday=MON, n=1):
        """``n`` drives with their own keyed uniforms, booked from ``earliest`` on ``weekday``; their days."""
        return [self.dealer.book(self._drive(earliest), earliest, weekday, self.weekday) for _ in range(n)]

    def book_on(self, day, n=1):
        """``n`` drives booked on ``day`` itself; their days."""
        return [self.dealer.book_on(self._drive(day), day) for _ in range(n)]

    def serve_booked(self, n, purchase_chance):
        """Book ``n`` drives from MONDAY and serve each on its day; the drives."""
        self.book(MONDAY, n=n)
        for drive in self.drives:
            self.dealer.serve(drive, drive.drive_day, purchase_chance)
        return self.drives


def test_a_dealer_is_open_from_its_opening_day_on_its_markets_trading_days():
    uk = Desk(dealer_id="DLR004")  # opens on day 264; UK showrooms trade every day but 25-26 Dec and 1 Jan
    opening = uk.dealer.opening_day
    assert not uk.dealer.is_open(opening - 1) and uk.dealer.is_open(opening) and uk.dealer.is_open(opening + 6)
    assert [uk.dealer.is_open(d) for d in (CHRISTMAS - 1, CHRISTMAS, CHRISTMAS + 1, CHRISTMAS + 2)] == [
        True, False, False, True]
    assert not uk.dealer.is_open(NEW_YEAR) and uk.dealer.is_open(NEW_YEAR + 1)  # past the horizon too
    de = Desk(dealer_id="DLR051")  # a DE launch dealer: closed on Sundays
    assert de.dealer.is_open(SATURDAY) and not de.dealer.is_open(SUNDAY) and de.dealer.is_open(SUNDAY + 1)
    assert not de.dealer.is_open(SUNDAY + 7 * 20)  # a Sunday past the horizon


def test_booking_never_exceeds_daily_capacity():
    desk = Desk(capacity=3)
    days = desk.book(MONDAY, MON, n=20) + desk.book(MONDAY, SAT, n=20) + desk.book(MONDAY, SUN, n=20)
    per_day = Counter(days)
    assert max(per_day.values()) == 3
    assert all(desk.dealer.booked[d] == n == len(desk.dealer.calendar[d]) for d, n in per_day.items())


def test_booking_takes_the_customers_day_of_the_week():
    desk = Desk(capacity=2)
    assert desk.book(MONDAY, SAT) == [SATURDAY]
    assert desk.book(MONDAY, SUN) == [SUNDAY]
    assert desk.book(MONDAY, THU) == [MONDAY + 3]
    assert desk.book(SATURDAY, MON) == [SATURDAY + 2]
    assert desk.book(MONDAY, MON) == [MONDAY]  # the earliest day itself, when it is the day asked for
    # a full Saturday moves the customer to the next Saturday, not to the Sunday after it
    assert desk.book(MONDAY, SAT, n=6) == [SATURDAY, SATURDAY + 7, SATURDAY + 7, SATURDAY + 14, SATURDAY + 14,
                                           SATURDAY + 21]


def test_booking_skips_the_days_a_market_does_not_trade():
    desk = Desk(capacity=5)
    # Christmas Day and New Year's Day are both Thursdays: the Thursday asked for is the one after
    assert desk.book(CHRISTMAS_MONDAY, THU) == [NEW_YEAR + 7]
    assert desk.book(CHRISTMAS_MONDAY, MON) == [CHRISTMAS_MONDAY]
    de = Desk(dealer_id="DLR051", capacity=1)  # DE showrooms close on Sundays
    assert de.book(MONDAY, SUN, n=3) == [MONDAY, MONDAY + 1, MONDAY + 2]  # no Sunday in reach: the first open free days
    assert de.book(SATURDAY, SUN) == [SATURDAY]
    assert de.book(SATURDAY, SUN) == [SUNDAY + 1]  # the Saturday is full and the Sunday closed
    assert de.dealer.booked[SUNDAY] == 0


def test_booking_falls_back_to_the_first_free_day_past_the_search_window():
    desk = Desk(capacity=1)
    weeks = BOOKING_SEARCH_DAYS // 7
    days = desk.book(MONDAY, SAT, n=weeks)
    assert days == [SATURDAY + 7 * k for k in range(weeks)]  # every Saturday in reach, in turn
    assert desk.book(MONDAY, SAT) == [MONDAY]  # every Saturday slot in reach is taken: the first free day
    assert desk.book(MONDAY, SAT) == [MONDAY + 1]


def test_booking_never_before_the_opening_day():
    desk = Desk(dealer_id="DLR004")  # opens on day 264, a Monday
    opening = desk.dealer.opening_day
    assert desk.weekday(opening) == MON
    assert desk.book(opening - 20, MON) == [opening]
    assert desk.book(opening - 20, SAT) == [opening + 5]
    assert desk.book(opening - 20, SUN) == [opening + 6]


def test_booking_on_a_day_takes_that_day_itself():
    desk = Desk(capacity=2)
    assert desk.book_on(SATURDAY, n=3) == [SATURDAY] * 3  # a walk-in, an event or a fleet day: no search
    assert desk.dealer.booked[SATURDAY] == 3 == len(desk.dealer.calendar[SATURDAY])
    assert all(d.drive_day == SATURDAY for d in desk.drives)
    assert desk.book(MONDAY, SAT) == [SATURDAY + 7]  # the day is full for a customer who books ahead


def test_attendance_is_neither_a_no_show_nor_a_cancellation():
    f = Desk().world.funnel
    u = np.zeros(DRIVE_DRAWS)
    for a, turns_up in [(0.0, False), (f.no_show - 1e-9, False), (f.no_show + f.cancellation - 1e-9, False),
                        (f.no_show + f.cancellation, True), (0.999, True)]:
        u[DriveDraw.ATTENDANCE] = a
        assert bool(attends(u, f)) is turns_up


def test_the_purchase_wait_is_a_truncated_exponential_in_the_buyers_uniform():
    mean, window = 18.0, 90
    u = np.linspace(0, 1, 2001, endpoint=False)
    waits = np.array([purchase_wait(x, mean, window) for x in u])
    assert waits[0] == 0 and waits.max() <= window - 1
    assert (np.diff(waits) >= 0).all()  # the buyer's uniform keeps its order: no wrap around the window
    assert purchase_wait(0.999999, mean, window) == window - 1
    # truncated below the window: a little shorter on average than the untruncated mean
    assert mean * 0.8 < waits.mean() < mean
    short = np.array([purchase_wait(x, mean, 10) for x in u])
    assert short.max() == 9 and (np.diff(short) >= 0).all() and 3 < short.mean() < 5


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
    days = desk.book(MONDAY, MON, n=6) + desk.book(MONDAY, SAT, n=2)  # 4 on Monday, 2 the Monday after, 2 Saturday
    desk.day = MONDAY
    desk.dealer.step()
    today = [i for i, d in enumerate(days) if d == MONDAY]
    assert [idx for _, idx, _ in desk.pipeline.followed] == today == [0, 1, 2, 3]
    assert all(day == MONDAY and status != "BOOKED" for day, _, status in desk.pipeline.followed)
    assert all(d.status == "BOOKED" for d in desk.drives if d.drive_day != MONDAY)
    assert MONDAY not in desk.dealer.calendar and len(desk.dealer.calendar[MONDAY + 7]) == 2
    assert len(desk.dealer.calendar[SATURDAY]) == 2
