"""The event log: what happened in one simulated world, as typed records.

:meth:`sim.engine.model.LaunchModel.run` returns an :class:`EventLog`. Exporters, the truth,
calibration and diagnostics read the log (and the world), never the model: every causal fact
(a lead's fate, a drive's outcome, a sale's price) is decided in the engine and recorded
here; a view of the log only formats it and adds reporting-only detail from its own streams.

Days are numbers from ``run.start`` (day 0); a day at or past ``n_days`` is a booking or a
scheduled event beyond the horizon. Lead, drive and sale records are numbered from 0 in the
order they happened (``LD-000001`` is lead 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

NO_LEAD = -1  # a sale that came through no lead (referrals)
NO_CONSUMER = -1  # a sale to a customer outside the simulated crowd (referred friends)


@dataclass(frozen=True, slots=True)
class Campaign:
    """The campaign a paid visitor came through."""

    campaign_id: str
    campaign_name: str
    breakdown: str  # the row dimension of the platform's export (Meta's platform, ...)


@dataclass(frozen=True, slots=True)
class ConfiguratorSession:
    day: int
    consumer: int
    market: str
    device: int              # index into EventLog.devices
    arrival: str             # the website channel the visit came through
    origin: str              # what caused the visit: baseline, awareness, fleet or a channel
    completed: bool
    lead: int | None         # the lead it submitted
    platform: str | None     # the ad platform the visit clicked through
    campaign: Campaign | None
    model: str | None        # the lead's model, when it became a lead


@dataclass(frozen=True, slots=True)
class LeadRecord:
    idx: int
    consumer: int
    created: int
    market: str
    region: str
    source: str
    model: str
    score: int
    contacted: bool
    first_response_hours: float | None
    contact_attempts: int
    status: str              # the status at the end of the horizon
    status_day: int          # the day it took that status
    dealer_id: str | None    # the dealer of its last booking
    drives: tuple[int, ...]  # its drive bookings, in order
    won: bool


@dataclass(frozen=True, slots=True)
class DriveRecord:
    idx: int
    lead: int
    dealer: str
    booking_day: int
    drive_day: int
    model: str
    attempt: int             # 0 first booking, 1.. rebookings, 10.. fleet-day drivers, 20 event drives
    source: str              # website, dealer, event or fleet_day
    status: str              # BOOKED (not yet served), COMPLETED, NO_SHOW, CANCELLED
    sale_day: int | None     # the purchase it led to


@dataclass(frozen=True, slots=True)
class SaleTerms:
    """What a sale was worth and how it was paid (decided by :mod:`sim.engine.sales`)."""

    trim: str
    colour: str
    list_price_gbp: float
    discount_pct: float
    transaction_price_gbp: float
    finance_type: str
    finance_term_months: int
    postcode_area: str       # the customer's postcode area


@dataclass(frozen=True, slots=True)
class SaleRecord:
    idx: int
    day: int
    market: str
    dealer: str
    model: str
    lead: int                # NO_LEAD for referrals
    source: str              # test_drive, walk_in, website, fleet_enquiry, referral
    sale_type: str           # retail, fleet, salary_sacrifice
    unit: int                # the unit of a multi-unit fleet order (0 for retail)
    drive: int | None        # the drive it followed
    consumer: int            # NO_CONSUMER for referred friends
    customer_region: str
    terms: SaleTerms


@dataclass(frozen=True)
class EventLog:
    """Everything one world recorded. Arrays are indexed as their docstrings say."""

    start: pd.Timestamp
    n_days: int
    markets: tuple[str, ...]
    web_channels: tuple[str, ...]
    devices: tuple[str, ...]
    media: pd.DataFrame          # delivered plan: one row per day x campaign line x breakdown, with spend and delivery
    sessions: np.ndarray         # days x markets x web_channels x devices: first-party website sessions
    new_users: np.ndarray        # same axes: sessions of visitors new to the site
    visitors: np.ndarray         # days x markets x web_channels: the simulated consumers among the sessions
    configurator: tuple[ConfiguratorSession, ...]
    platform_outcomes: pd.DataFrame  # day, channel, market, campaign_id, metric, value: what platforms count
    leads: tuple[LeadRecord, ...]
    drives: tuple[DriveRecord, ...]
    sales: tuple[SaleRecord, ...]
    dealer_opening_days: dict[str, int]
    event_leads: dict[int, tuple[int, ...]] = field(default_factory=dict)  # event index -> its sign-ups' leads

    def market_index(self, market: str) -> int:
        return self.markets.index(market)

    def spend_by_channel(self) -> dict[str, float]:
        return self.media.groupby("channel")["spend"].sum().to_dict()

    def completed_drives(self) -> list[DriveRecord]:
        """Drives that happened inside the horizon."""
        return [td for td in self.drives if td.status == "COMPLETED" and td.drive_day < self.n_days]
