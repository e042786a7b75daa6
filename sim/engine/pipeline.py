"""The sales pipeline: leads -> contact -> qualification -> test-drive bookings at open dealers ->
drives (served by the dealers) -> sales; plus walk-in, fleet and referral sales.

A lead's fate is drawn once, at creation, from a generator keyed by (consumer, day, source)
and read by name (:class:`~sim.engine.draws.LeadDraw`): the same lead has the same fate in
every scenario in which it exists (common random numbers). Dealers and availability decide
*when* that fate can happen: a booking waits for an open dealer, a sale for its model's
availability, and nothing happens after the horizon. The dealer that serves a drive decides
its outcome (:meth:`~sim.engine.dealers.DealerAgent.serve`); the pipeline follows it up.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from sim.engine.dealers import DealerAgent, Drive
from sim.engine.draws import DRIVE_DRAWS, LEAD_DRAWS, REFERRAL_DRAWS, DriveDraw, LeadDraw, probit, span
from sim.engine.log import NO_CONSUMER, NO_LEAD, DriveRecord, LeadRecord, SaleRecord
from sim.engine.sales import SalePricing
from sim.world.config import World
from sim.world.streams import Stream, Streams

Z90 = 1.2816  # the standard normal's 90th percentile: median and p90 give the lognormal's sigma
TD_SOURCE = {"dealer_walk_in": "dealer", "event_signup": "event", "fleet_enquiry": "fleet_day"}
EVENT_ATTEMPT = 20        # drive-stream key of a drive on an event's demo fleet
FLEET_DAY_ATTEMPT = 10    # drive-stream keys of a fleet day's drivers start here
RETRY_DAYS = 7            # a booking or fleet day that finds no open dealer tries again a week later


@dataclass(slots=True)
class Lead:
    """A lead while the world runs (frozen into a LeadRecord at the end)."""

    idx: int
    consumer: int
    created: int
    market: str
    region: str
    source: str
    model: str
    score: int
    u: np.ndarray                      # the lead's own uniforms (LeadDraw)
    contacted: bool = False
    first_response_hours: float | None = None
    contact_attempts: int = 0
    status: str = "NEW"
    status_day: int = 0
    dealer_id: str | None = None
    drives: list[int] = field(default_factory=list)
    won: bool = False

    def record(self) -> LeadRecord:
        return LeadRecord(self.idx, self.consumer, self.created, self.market, self.region, self.source, self.model,
                          self.score, self.contacted, self.first_response_hours, self.contact_attempts, self.status,
                          self.status_day, self.dealer_id, tuple(self.drives), self.won)


@dataclass(slots=True)
class PendingSale:
    """A sale scheduled for a day: who buys, where, and through which path."""

    lead: int
    dealer: str | None
    source: str
    sale_type: str = "retail"
    drive: Drive | None = None
    unit: int = 0
    market: str | None = None


class Pipeline:
    def __init__(self, world: World, streams: Streams, dealers: list[DealerAgent], region_of_consumer: callable):
        self.world, self.streams = world, streams
        self.f = world.funnel
        self.n_days = world.run.days
        self.dealers = dealers
        self.by_id = {d.dealer_id: d for d in dealers}
        self.region_of_consumer = region_of_consumer
        self.pricing = SalePricing(world, streams)
        self.leads: list[Lead] = []
        self.drives: list[Drive] = []
        self.sales: list[SaleRecord] = []
        self.tasks: dict[int, list[tuple]] = defaultdict(list)
        self.calib = world.calibration
        day0 = world.run.start
        self.model_keys = list(world.models)
        shares = np.array([m.sales_share for m in world.models.values()])
        self.available_day = {k: (m.available_from - day0).days for k, m in world.models.items()}
        self.launch_day = {k: (m.launch_date - day0).days for k, m in world.markets.items()}
        self.model_cdf = (np.cumsum(shares) / shares.sum()).tolist()
        self.weekday0 = day0.weekday()
        # dealers' opening days never change, so who is open where (and how likely each is to be
        # chosen) is worked out once per (market, region, day) and reused by every lead
        self._open_cache: dict[tuple[str, str, int], list[DealerAgent]] = {}
        self._choice_cache: dict[tuple[str, str, int], tuple[list[DealerAgent], list[float]]] = {}
        self._first_open: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers
    def weekday(self, day: int) -> int:
        return (self.weekday0 + int(day)) % 7  # date(day).weekday(), without building a date

    def _open_dealers(self, market: str, region: str, day: int) -> list[DealerAgent]:
        key = (market, region, day)
        if key not in self._open_cache:
            in_market = [d for d in self.dealers if d.cfg.market == market and d.is_open(day)]
            local = [d for d in in_market if d.cfg.region == region]
            self._open_cache[key] = local or in_market
        return self._open_cache[key]

    def _dealer_choice(self, market: str, region: str, day: int) -> tuple[list[DealerAgent], list[float]]:
        """The open candidate dealers and their cumulative choice probabilities."""
        key = (market, region, day)
        if key not in self._choice_cache:
            cands = self._open_dealers(market, region, day)
            pull = day - self.launch_day[market] < self.f.launch_dealer_pull_days
            w = np.array([self.f.launch_dealer_pull if (pull and d.cfg.launch) else 1.0 for d in cands])
            cdf = (np.cumsum(w) / w.sum()).tolist() if cands else []  # no open dealer: nothing to choose
            self._choice_cache[key] = cands, cdf
        return self._choice_cache[key]

    def _choose_dealer(self, lead: Lead, day: int, u: float) -> DealerAgent | None:
        cands, cdf = self._dealer_choice(lead.market, lead.region, day)
        if not cands:
            return None
        return cands[bisect.bisect_left(cdf, u)]

    def _first_open_day(self, market: str) -> int:
        if market not in self._first_open:
            days = [d.opening_day for d in self.dealers if d.cfg.market == market]
            self._first_open[market] = min(days) if days else self.n_days
        return self._first_open[market]

    def _prelaunch(self, lead: Lead) -> bool:
        return lead.created < self.launch_day[lead.market]

    # ------------------------------------------------------------------ leads
    def new_lead(self, consumer: int, day: int, market: str, source: str, model: str | None = None) -> Lead:
        u = self.streams.generator(Stream.LEAD, consumer, day, source).random(LEAD_DRAWS)
        if model is None:
            model = self.model_keys[bisect.bisect_left(self.model_cdf, u[LeadDraw.MODEL])]
        sc = self.f.scoring
        noise = (sc.spread[0] * (u[LeadDraw.SCORE_NOISE_A] - 0.5) * 2
                 + sc.spread[1] * (u[LeadDraw.SCORE_NOISE_B] - 0.5) * 2)
        score = min(max(round(sc.base_by_source[source] + noise), 1), 100)
        lead = Lead(len(self.leads), consumer, day, market, self.region_of_consumer(consumer), source, model, score, u,
                    status_day=day)
        self.leads.append(lead)
        self._contact(lead)
        return lead

    def _score_mult(self, lead: Lead) -> float:
        lo, slope = self.f.scoring.effect
        return lo + slope * lead.score / 100

    def _contact(self, lead: Lead) -> None:
        f, u = self.f, lead.u
        sigma = np.log(f.response_hours_p90 / f.response_hours_median) / Z90
        lead.first_response_hours = float(f.response_hours_median * np.exp(sigma * probit(u[LeadDraw.RESPONSE_HOURS])))
        lead.contact_attempts = span(u[LeadDraw.CONTACT_ATTEMPTS], f.timing.contact_attempts)
        if u[LeadDraw.CONTACTED] >= f.lead_contacted:
            lead.contacted = False
            lead.first_response_hours = None
            return
        lead.contacted = True
        self._set_status(lead, "CONTACTED", lead.created + int(lead.first_response_hours // 24))
        if u[LeadDraw.QUALIFIED] >= min(1.0, f.lead_qualified * self._score_mult(lead)):
            return
        self._set_status(lead, "QUALIFIED", lead.created + span(u[LeadDraw.QUALIFY_DAYS], f.timing.qualify_days))
        if lead.source == "fleet_enquiry":
            self._fleet(lead)
        elif u[LeadDraw.BOOKS_DRIVE] < min(1.0, self._booking_chance(lead)):
            self._plan_booking(lead)
        elif u[LeadDraw.BUYS_WITHOUT_DRIVE] < self._purchase_without_drive_chance(lead):
            days = span(u[LeadDraw.PURCHASE_WITHOUT_DRIVE_DAYS], f.timing.purchase_without_drive_days)
            self._schedule_sale(lead.created + days, PendingSale(lead.idx, None, "website"))

    def _prelaunch_factor(self, lead: Lead) -> float:
        return self.f.prelaunch_booking_factor if self._prelaunch(lead) else 1.0

    def _booking_chance(self, lead: Lead) -> float:
        sc = self.f.scoring
        eager = sc.eager_booking_mult if lead.source in sc.eager_sources else 1.0
        return self.f.qualified_booking * self._prelaunch_factor(lead) * eager

    def _purchase_without_drive_chance(self, lead: Lead) -> float:
        return (self.f.purchase_without_drive * self.calib.purchase_scale[lead.market] * self._score_mult(lead)
                * self._prelaunch_factor(lead))

    def _plan_booking(self, lead: Lead) -> None:
        delay = 0 if lead.source == "dealer_walk_in" else span(lead.u[LeadDraw.BOOKING_DELAY], self.f.booking_lead_days)
        when = max(lead.created + delay, self._first_open_day(lead.market))
        if when == lead.created:
            self._book(lead, when, 0)  # a walk-in drives today, at the showroom they walked into
        else:
            self.tasks[when].append(("book", lead.idx, 0))

    def _set_status(self, lead: Lead, status: str, day: int) -> None:
        if day < self.n_days:
            lead.status, lead.status_day = status, max(day, lead.status_day)

    # ------------------------------------------------------------------ fleet
    def _fleet(self, lead: Lead) -> None:
        days = span(lead.u[LeadDraw.BOOKING_DELAY], self.f.timing.fleet_day_days)
        when = max(lead.created + days, self._first_open_day(lead.market))
        self.tasks[when].append(("fleet_day", lead.idx, 0))

    def _fleet_day(self, lead: Lead, day: int) -> None:
        """A fleet customer's drivers test drive at a dealer; the deal is decided on the day."""
        dealer = self._choose_dealer(lead, day, lead.u[LeadDraw.FLEET_DAY_DEALER])
        if dealer is None:
            self.tasks[day + RETRY_DAYS].append(("fleet_day", lead.idx, 0))
            return
        for k in range(span(lead.u[LeadDraw.FLEET_DAY_DRIVERS], self.f.fleet_day_drivers)):
            self._book(lead, day, FLEET_DAY_ATTEMPT + k, td_source="fleet_day")
        self._fleet_outcome(lead, dealer, day)

    def _fleet_outcome(self, lead: Lead, dealer: DealerAgent, day: int) -> None:
        f, u, t = self.f, lead.u, self.f.timing
        if u[LeadDraw.FLEET_WINS] >= f.fleet_win:
            if u[LeadDraw.FLEET_NEGOTIATES] < f.negotiation_without_sale:
                self._set_status(lead, "NEGOTIATION", day + t.fleet_negotiation_days)
            else:
                self._set_status(lead, "LOST", day + t.fleet_lost_days)
            return
        units = span(u[LeadDraw.FLEET_UNITS], f.fleet_units)
        sacrifice = u[LeadDraw.SALARY_SACRIFICE] < f.salary_sacrifice_share_of_fleet_wins
        sale_type = "salary_sacrifice" if sacrifice else "fleet"
        start = day + span(u[LeadDraw.FLEET_DELIVERY_START], t.fleet_delivery_start_days)
        for k in range(units):
            when = start + (k * t.fleet_unit_spacing_days) % t.fleet_delivery_window_days
            self._schedule_sale(when, PendingSale(lead.idx, dealer.dealer_id, "fleet_enquiry", sale_type, unit=k))

    # ------------------------------------------------------------------ drives
    def _book(self, lead: Lead, day: int, attempt: int, td_source: str | None = None) -> None:
        u = self.streams.generator(Stream.BOOKING, lead.consumer, lead.created, attempt).random(DRIVE_DRAWS)
        dealer = self._choose_dealer(lead, day, u[DriveDraw.DEALER])
        if dealer is None:
            self.tasks[day + RETRY_DAYS].append(("book", lead.idx, attempt))
            return
        weekend = u[DriveDraw.WEEKEND] < self.f.weekend_share
        same_day = (lead.source == "dealer_walk_in" and attempt == 0) or td_source == "event"
        earliest = day if same_day else day + span(u[DriveDraw.DRIVE_DELAY], self.f.timing.drive_after_booking_days)
        drive = Drive(len(self.drives), lead.idx, dealer.dealer_id, day, earliest, lead.model, attempt,
                      td_source or TD_SOURCE.get(lead.source, "website"), u)
        dealer.book(drive, earliest, weekend, self.weekday)
        self.drives.append(drive)
        lead.drives.append(drive.idx)
        lead.dealer_id = dealer.dealer_id
        self._set_status(lead, "TD_BOOKED", day)

    def book_at_event(self, lead: Lead, day: int) -> None:
        """A drive on the event's own demo fleet, recorded against the nearest open dealer."""
        self._book(lead, day, EVENT_ATTEMPT, td_source="event")

    def purchase_chance(self, drive: Drive) -> float:
        """P(a completed drive ends in a purchase): the lead's score, calibrated per market."""
        f, lead = self.f, self.leads[drive.lead]
        scale = self.calib.purchase_scale[lead.market]
        p = min(f.purchase_after_drive * self._score_mult(lead) * scale, f.purchase_after_drive_max)
        if drive.source == "dealer":
            p = max(p, f.walk_in_purchase * scale)
        return p

    def after_drive(self, drive: Drive, day: int) -> None:
        """Follow up a drive its dealer has served: the lead's status, the sale, or a rebooking."""
        lead, f, u = self.leads[drive.lead], self.f, drive.u
        if drive.status == "COMPLETED":
            self._set_status(lead, "TD_COMPLETED", day)
            if drive.sale_day is not None:
                self._set_status(lead, "NEGOTIATION", day + max(1, (drive.sale_day - day) // 2))
                source = "walk_in" if lead.source == "dealer_walk_in" else "test_drive"
                self._schedule_sale(drive.sale_day, PendingSale(lead.idx, drive.dealer, source, drive=drive))
            elif u[DriveDraw.NEGOTIATES] < f.negotiation_without_sale:
                self._set_status(lead, "NEGOTIATION", day + f.timing.negotiation_days)
            else:
                self._set_status(lead, "LOST", day + f.timing.lost_after_drive_days)
        elif u[DriveDraw.REBOOKS] < f.rebook_after_miss and drive.attempt < f.timing.max_rebookings:
            self.tasks[day + f.timing.rebook_after_days].append(("book", lead.idx, drive.attempt + 1))

    # ------------------------------------------------------------------ sales
    def _schedule_sale(self, day: int, sale: PendingSale) -> None:
        self.tasks[day].append(("sale", sale.lead, sale))

    def _sale_model(self, lead: Lead | None, day: int) -> str | None:
        """The lead's model, or the best-selling model on sale that day if it is not yet available."""
        model = lead.model if lead else self.model_keys[0]
        if day >= self.available_day[model]:
            return model
        return max((k for k in self.model_keys if self.available_day[k] <= day),
                   key=lambda k: self.world.models[k].sales_share, default=None)

    def _sale_dealer(self, lead: Lead | None, pending: PendingSale, market: str, day: int) -> str | None:
        """The pending sale's dealer if it is open, else an open dealer near the customer."""
        if pending.dealer is not None and self.by_id[pending.dealer].is_open(day):
            return pending.dealer
        cands = self._open_dealers(market, lead.region if lead else "", day)
        if not cands:
            return None
        key = (lead.consumer if lead else len(self.sales), day)
        return cands[int(self.streams.generator(Stream.SALE_DEALER, *key).integers(len(cands)))].dealer_id

    def _sell(self, pending: PendingSale, day: int) -> None:
        lead = self.leads[pending.lead] if pending.lead != NO_LEAD else None
        market = lead.market if lead else pending.market
        model = self._sale_model(lead, day)
        if model is None:
            return
        dealer_id = self._sale_dealer(lead, pending, market, day)
        if dealer_id is None:
            return
        consumer = lead.consumer if lead else NO_CONSUMER
        dealer_region = self.by_id[dealer_id].cfg.region
        region = lead.region if lead else dealer_region
        terms = self.pricing.terms(consumer=consumer, day=day, unit=pending.unit, source=pending.source, model=model,
                                   market=market, region=region, dealer_region=dealer_region)
        self.sales.append(SaleRecord(
            idx=len(self.sales), day=day, market=market, dealer=dealer_id, model=model, lead=pending.lead,
            source=pending.source, sale_type=pending.sale_type, unit=pending.unit,
            drive=pending.drive.idx if pending.drive else None, consumer=consumer, customer_region=region,
            terms=terms))
        if lead is not None:
            lead.won = True
            self._set_status(lead, "WON", day)
        if pending.source != "referral" and pending.unit == 0:
            self._referral(consumer, day, dealer_id, market)

    def _referral(self, consumer: int, day: int, dealer_id: str, market: str) -> None:
        u = self.streams.generator(Stream.REFERRAL, consumer, day).random(REFERRAL_DRAWS)
        if u[0] < self.f.referral_per_sale:
            self._schedule_sale(day + span(u[1], self.f.timing.referral_days),
                                PendingSale(NO_LEAD, dealer_id, "referral", market=market))

    # ------------------------------------------------------------------ the day
    def start_of_day(self, day: int) -> None:
        """Bookings and fleet days that fall due today (before dealers serve)."""
        for kind, idx, arg in self._take(day, ("book", "fleet_day")):
            lead = self.leads[idx]
            if kind == "book":
                self._book(lead, day, arg)
            else:
                self._fleet_day(lead, day)

    def _take(self, day: int, kinds: tuple[str, ...]) -> list[tuple]:
        todo = [t for t in self.tasks.get(day, []) if t[0] in kinds]
        self.tasks[day] = [t for t in self.tasks.get(day, []) if t[0] not in kinds]
        return todo

    def end_of_day(self, day: int) -> None:
        for _kind, _lead, pending in self._take(day, ("sale",)):
            self._sell(pending, day)

    # ------------------------------------------------------------------ the record
    def lead_records(self) -> tuple[LeadRecord, ...]:
        return tuple(lead.record() for lead in self.leads)

    def drive_records(self) -> tuple[DriveRecord, ...]:
        return tuple(DriveRecord(d.idx, d.lead, d.dealer, d.booking_day, d.drive_day, d.model, d.attempt, d.source,
                                 d.status, d.sale_day) for d in self.drives)
