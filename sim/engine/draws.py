"""Named positions of the pipeline's keyed uniforms, and the two ways they are turned into values.

A lead's fate is one block of uniforms drawn at its creation from the stream keyed by
(consumer, day, source); a drive booking's from the stream keyed by (consumer, lead day,
attempt); a sale's terms from the stream keyed by the sale. Each decision reads its own
position, so the same lead makes the same decision in every world in which it exists
(common random numbers), whatever else changes.
"""

from __future__ import annotations

from enum import IntEnum

from scipy.special import ndtri


class LeadDraw(IntEnum):
    MODEL = 0                # which model the lead is interested in
    SCORE_NOISE_A = 1        # the two uniform noise terms of the lead score
    SCORE_NOISE_B = 2
    RESPONSE_HOURS = 3       # hours to first response (lognormal)
    CONTACT_ATTEMPTS = 4
    CONTACTED = 5
    QUALIFIED = 6
    QUALIFY_DAYS = 7
    BOOKS_DRIVE = 8
    BOOKING_DELAY = 9        # lead to booking; for fleet enquiries, lead to the fleet day
    BUYS_WITHOUT_DRIVE = 10
    PURCHASE_WITHOUT_DRIVE_DAYS = 11
    FLEET_WINS = 12
    FLEET_NEGOTIATES = 13    # a lost fleet deal stays in negotiation
    FLEET_UNITS = 14
    SALARY_SACRIFICE = 15
    FLEET_DELIVERY_START = 16
    FLEET_DAY_DEALER = 17
    FLEET_DAY_DRIVERS = 18
    SALE_WEEKDAY = 19        # the day of the week a purchase without a drive (or a fleet unit) is signed
    FLEET_DAY_WEEKEND = 20   # the fleet's drivers want a weekend day
    FLEET_DAY_WEEKDAY = 21   # which day of the week
    PLATE_WAIT = 22          # a purchase due just before a plate month waits for the new plate


LEAD_DRAWS = 24  # block size (positions past PLATE_WAIT are reserved)


class DriveDraw(IntEnum):
    DEALER = 0
    WEEKEND = 1              # the customer prefers a weekend slot
    DRIVE_DELAY = 2          # booking to the drive
    ATTENDANCE = 3           # no-show, cancellation or a completed drive
    BUYS = 4
    PURCHASE_DELAY = 5
    NEGOTIATES = 6           # a driver who does not buy stays in negotiation
    REBOOKS = 7              # after a missed drive
    DRIVE_WEEKDAY = 8        # which day of the week, among the weekdays or weekend days wanted
    SALE_WEEKDAY = 9         # the day of the week the deal is signed
    PLATE_WAIT = 10          # a purchase due just before a plate month waits for the new plate


DRIVE_DRAWS = 11


class SaleDraw(IntEnum):
    TRIM = 0
    COLOUR = 1
    DISCOUNT = 2
    FINANCE = 3
    FINANCE_TERM = 4
    POSTCODE_AREA = 5


SALE_DRAWS = 8

REFERRAL_DRAWS = 2  # (refers a friend, days until the friend buys)


def span(u: float, bounds: tuple[int, int]) -> int:
    """An integer uniformly in [lo, hi] from one uniform draw."""
    lo, hi = bounds
    return lo + int(u * (hi - lo + 1))


def probit(u: float) -> float:
    """The standard normal quantile of ``u`` (clipped away from 0 and 1)."""
    return float(ndtri(min(max(u, 1e-9), 1 - 1e-9)))
