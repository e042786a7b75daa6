"""The sales pipeline: leads -> contact -> qualification -> test-drive bookings at open dealers ->
drives (served by the dealers) -> sales; plus walk-in, fleet and referral sales.

A lead's fate is drawn once, at creation, from a generator keyed by (consumer, day, source)
and read by name (:class:`~sim.engine.draws.LeadDraw`): the same lead has the same fate in
every scenario in which it exists (common random numbers). Dealers and availability decide
*when* that fate can happen: a booking waits for an open dealer, a sale for its model's
availability (a pre-order is registered on the first day the car can be sold), and nothing
happens after the horizon. The dealer that serves a drive decides its outcome
(:meth:`~sim.engine.dealers.DealerAgent.serve`); the pipeline follows it up.

Steps follow one another in time: contact (pre-launch "register interest" leads reach the
dealers at launch), then qualification, then a booking, the drive and the sale. A lead's
status is one state machine over the dated steps (:data:`RANK`): it only moves forward, and
WON and LOST are final; a lead buys once, WON exactly when a sale links to it (with the
selling dealer), LOST only without one. Showrooms trade on their market's calendar
(:func:`~sim.world.calendar.trading_days`): drives and sales fall on trading days, on the day
of the week the customer picks (``funnel.drive_weekday_weights``, ``sale_weekday_weights``).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from sim.engine.dealers import DealerAgent, Drive, attends
from sim.engine.draws import DRIVE_DRAWS, LEAD_DRAWS, REFERRAL_DRAWS, DriveDraw, LeadDraw, probit, span
from sim.engine.log import NO_CONSUMER, NO_LEAD, DriveRecord, LeadRecord, SaleRecord
from sim.engine.sales import SalePricing
from sim.world.calendar import plate_change_days, trading_days
from sim.world.config import World
from sim.world.streams import Stream, Streams
from sim.world.vocabulary import LEAD_STATUSES

Z90 = 1.2816  # the standard normal's 90th percentile: median and p90 give the lognormal's sigma
TD_SOURCE = {"dealer_walk_in": "dealer", "event_signup": "event", "fleet_enquiry": "fleet_day"}
EVENT_ATTEMPT = 20        # drive-stream key of a drive on an event's demo fleet
FLEET_DAY_ATTEMPT = 10    # drive-stream keys of a fleet day's drivers start here
RETRY_DAYS = 7            # a booking or fleet day that finds no open dealer tries again a week later
GOLDEN = 0.6180339887498949  # rotates one uniform into well-spread others (a fleet order's units)
RANK = {status: i for i, status in enumerate(LEAD_STATUSES)}
FINAL = frozenset({"WON", "LOST"})
CALENDAR_DAYS_PAST_HORIZON = 400  # scheduled sales and bookings may fall after the horizon


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
    horizon: int                       # days of the run: a step dated later is never taken
    contacted: bool = False
    first_response_hours: float | None = None
    contact_attempts: int = 0
    steps: list[tuple[int, str]] = field(default_factory=list)  # (day, status) in the order decided
    dealer_id: str | None = None
    drives: list[int] = field(default_factory=list)
    won: bool = False
    committed: bool = False            # a sale is scheduled or made: no further bookings or purchases
    booking_planned: bool = False      # its own first booking is still to be made

    def path(self) -> list[tuple[str, int]]:
        """The statuses the lead takes by the end of the horizon, in time order: forward only
        (by :data:`RANK`), and nothing after WON or LOST."""
        state, out = "NEW", []
        for day, status in sorted(self.steps, key=lambda s: (s[0], RANK[s[1]])):
            if day >= self.horizon or state in FINAL:
                break
            if RANK[status] >= RANK[state]:
                state = status
                out.append((status, day))
        return out

    @property
    def status(self) -> str:
        path = self.path()
        return path[-1][0] if path else "NEW"

    @property
    def status_day(self) -> int:
        path = self.path()
        return path[-1][1] if path else self.created

    @property
    def lost(self) -> bool:
        return any(status == "LOST" for _, status in self.steps)

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
        # the first day a car can be sold in a market: its launch, and a model on sale
        self.first_sale_day = {k: max(day, min(self.available_day.values())) for k, day in self.launch_day.items()}
        self.model_cdf = (np.cumsum(shares) / shares.sum()).tolist()
        self.weekday0 = day0.weekday()
        self.trading = {m: trading_days(world, m, self.n_days + CALENDAR_DAYS_PAST_HORIZON) for m in world.markets}
        open_weekdays = {m: [wd for wd in range(7) if wd not in cfg.showroom_closed_weekdays]
                         for m, cfg in world.markets.items()}
        self.drive_days = {m: (_weekday_cdf(self.f.drive_weekday_weights, [w for w in wds if w < 5]),
                               _weekday_cdf(self.f.drive_weekday_weights, [w for w in wds if w >= 5]))
                           for m, wds in open_weekdays.items()}
        self.sale_days = {m: _weekday_cdf(self.f.sale_weekday_weights, wds) for m, wds in open_weekdays.items()}
        self.plate_days = {m: plate_change_days(world, m, self.n_days + CALENDAR_DAYS_PAST_HORIZON)
                           for m in world.markets}
        # dealers' opening days never change, so who is open where (and how likely each is to be
        # chosen) is worked out once per (market, region, day) and reused by every lead
        self._open_cache: dict[tuple[str, str, int], list[DealerAgent]] = {}
        self._choice_cache: dict[tuple[str, str, int], tuple[list[DealerAgent], list[float]]] = {}
        self._first_open: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers
    def weekday(self, day: int) -> int:
        return (self.weekday0 + int(day)) % 7  # date(day).weekday(), without building a date

    def trades(self, market: str, day: int) -> bool:
        """Whether the market's showrooms trade on ``day`` (opening dates aside)."""
        return bool(self.trading[market][day]) if day < len(self.trading[market]) else True

    def next_trading_day(self, market: str, day: int) -> int:
        while not self.trades(market, day):
            day += 1
        return day

    def drive_weekday(self, market: str, u_weekend: float, u_day: float) -> int:
        """The day of the week a customer wants their drive on (a trading day of the market)."""
        weekdays, weekend = self.drive_days[market]
        wants_weekend = bool(weekend[0]) and u_weekend < self.f.weekend_share
        days, cdf = weekend if wants_weekend or not weekdays[0] else weekdays
        return days[min(bisect.bisect_left(cdf, u_day), len(days) - 1)]

    def _sale_day(self, market: str, nominal: int, u: float | None, u_wait: float | None = None) -> int:
        """The day a sale due on ``nominal`` is signed: a pre-order on the first day cars can be
        sold; otherwise the first trading day from ``nominal`` on the day of the week the
        customer picks with ``u`` (``None``: the next trading day). A retail buyer due in the
        ``sales.plate_wait_days`` before a plate month waits for the new plate with chance
        ``sales.plate_wait_share`` (drawn with ``u_wait``) and signs in the plate month."""
        if u_wait is not None and u_wait < self.world.sales.plate_wait_share:
            plates = self.plate_days[market]
            k = bisect.bisect_right(plates, nominal)
            if k < len(plates) and plates[k] - nominal <= self.world.sales.plate_wait_days:
                nominal = plates[k]
        first = self.first_sale_day[market]
        if nominal <= first or u is None:
            return self.next_trading_day(market, max(nominal, first))
        days, cdf = self.sale_days[market]
        if not days:
            return self.next_trading_day(market, nominal)
        weekday = days[min(bisect.bisect_left(cdf, u), len(days) - 1)]
        day = nominal + (weekday - self.weekday(nominal)) % 7
        return self.next_trading_day(market, day)

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

    def _retry_day(self, market: str, day: int) -> int:
        """When a booking that found no open dealer tries again: the next trading day if the
        showrooms are closed today, else a week later (none is open yet near the customer)."""
        return self.next_trading_day(market, day + 1) if not self.trades(market, day) else day + RETRY_DAYS

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
                    self.n_days)
        self.leads.append(lead)
        self._contact(lead)
        return lead

    def _score_mult(self, lead: Lead) -> float:
        lo, slope = self.f.scoring.effect
        return lo + slope * lead.score / 100

    def _contact(self, lead: Lead) -> None:
        """Contact, qualification and what the qualified lead does next, each dated after the last.

        A walk-in is in the showroom: contacted and qualified on the spot. A pre-launch lead
        reaches the dealers at launch, and its response time counts from then, unless it
        reserves a car: the brand's order desk handles a reservation when it is made, and the
        car is registered on the first day cars can be sold (a pre-order)."""
        f, t, u = self.f, self.f.timing, lead.u
        sigma = np.log(f.response_hours_p90 / f.response_hours_median) / Z90
        hours = float(f.response_hours_median * np.exp(sigma * probit(u[LeadDraw.RESPONSE_HOURS])))
        lead.contact_attempts = span(u[LeadDraw.CONTACT_ATTEMPTS], t.contact_attempts)
        walk_in, fleet = lead.source == "dealer_walk_in", lead.source == "fleet_enquiry"
        # the lead's fate, from its own uniforms; the timing follows from it
        reached = walk_in or u[LeadDraw.CONTACTED] < f.lead_contacted
        qualifies = u[LeadDraw.QUALIFIED] < min(1.0, f.lead_qualified * self._score_mult(lead))
        books = not fleet and u[LeadDraw.BOOKS_DRIVE] < min(1.0, self._booking_chance(lead))
        reserves = (not fleet and not books
                    and u[LeadDraw.BUYS_WITHOUT_DRIVE] < self._purchase_without_drive_chance(lead))
        launch = self.launch_day[lead.market]
        routed = lead.created if walk_in or (reached and qualifies and reserves) else max(lead.created, launch)
        if not reached:
            self._set_status(lead, "LOST", routed + t.unreachable_days)  # never reached
            return
        lead.contacted, lead.first_response_hours = True, hours
        contacted = lead.created if walk_in else routed + int(hours // 24)
        self._set_status(lead, "CONTACTED", contacted)
        if not qualifies:
            self._set_status(lead, "LOST", contacted + t.disqualified_days)
            return
        qualified = contacted if walk_in else contacted + span(u[LeadDraw.QUALIFY_DAYS], t.qualify_days)
        self._set_status(lead, "QUALIFIED", qualified)
        if fleet:
            self._fleet(lead, qualified)
        elif books:
            self._plan_booking(lead, qualified)
        elif reserves:
            nominal = qualified + span(u[LeadDraw.PURCHASE_WITHOUT_DRIVE_DAYS], t.purchase_without_drive_days)
            lead.committed = True
            self._schedule_sale(self._sale_day(lead.market, nominal, u[LeadDraw.SALE_WEEKDAY], u[LeadDraw.PLATE_WAIT]),
                                PendingSale(lead.idx, None, "website"))
        else:
            self._set_status(lead, "LOST", qualified + t.lost_without_drive_days)

    def _prelaunch_factor(self, lead: Lead) -> float:
        return self.f.prelaunch_booking_factor if self._prelaunch(lead) else 1.0

    def _booking_chance(self, lead: Lead) -> float:
        sc = self.f.scoring
        eager = sc.eager_booking_mult if lead.source in sc.eager_sources else 1.0
        return self.f.qualified_booking * self._prelaunch_factor(lead) * eager

    def _purchase_without_drive_chance(self, lead: Lead) -> float:
        return (self.f.purchase_without_drive * self.calib.purchase_scale[lead.market] * self._score_mult(lead)
                * self._prelaunch_factor(lead))

    def _plan_booking(self, lead: Lead, qualified: int) -> None:
        delay = 0 if lead.source == "dealer_walk_in" else span(lead.u[LeadDraw.BOOKING_DELAY], self.f.booking_lead_days)
        when = max(qualified + delay, self._first_open_day(lead.market))
        if when == lead.created:
            self._book(lead, when, 0)  # a walk-in drives today, at the showroom they walked into
        else:
            lead.booking_planned = True
            self.tasks[when].append(("book", lead.idx, 0))

    def _set_status(self, lead: Lead, status: str, day: int) -> None:
        """A dated step of the lead (:meth:`Lead.path` turns the steps into its statuses)."""
        lead.steps.append((int(day), status))

    # ------------------------------------------------------------------ fleet
    def _fleet(self, lead: Lead, qualified: int) -> None:
        """The fleet day falls on a day of the week picked as a drive's is (company-car drivers
        choose their car and drive it in their own time, often at the weekend)."""
        u = lead.u
        days = span(u[LeadDraw.BOOKING_DELAY], self.f.timing.fleet_day_days)
        when = max(qualified + days, self._first_open_day(lead.market))
        weekday = self.drive_weekday(lead.market, u[LeadDraw.FLEET_DAY_WEEKEND], u[LeadDraw.FLEET_DAY_WEEKDAY])
        when += (weekday - self.weekday(when)) % 7
        self.tasks[when].append(("fleet_day", lead.idx, 0))

    def _fleet_day(self, lead: Lead, day: int) -> None:
        """A fleet customer's drivers test drive at a dealer; the deal is decided on the day."""
        dealer = self._choose_dealer(lead, day, lead.u[LeadDraw.FLEET_DAY_DEALER])
        if dealer is None:
            self.tasks[self._retry_day(lead.market, day)].append(("fleet_day", lead.idx, 0))
            return
        for k in range(span(lead.u[LeadDraw.FLEET_DAY_DRIVERS], self.f.fleet_day_drivers)):
            self._book(lead, day, FLEET_DAY_ATTEMPT + k, td_source="fleet_day", dealer=dealer)
        if any(attends(self.drives[i].u, self.f) for i in lead.drives):
            self._fleet_outcome(lead, dealer, day)
        else:
            self._set_status(lead, "LOST", day)  # none of the fleet's drivers came

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
        lead.committed = True
        self._set_status(lead, "NEGOTIATION", day + min(t.fleet_negotiation_days, start - day - 1))
        for k in range(units):
            nominal = start + (k * t.fleet_unit_spacing_days) % t.fleet_delivery_window_days
            # each unit is registered on a day of the week of its own (the lead's uniform, rotated per unit)
            when = self._sale_day(lead.market, nominal, (u[LeadDraw.SALE_WEEKDAY] + k * GOLDEN) % 1.0)
            self._schedule_sale(when, PendingSale(lead.idx, dealer.dealer_id, "fleet_enquiry", sale_type, unit=k))

    # ------------------------------------------------------------------ drives
    def _book(self, lead: Lead, day: int, attempt: int, td_source: str | None = None,
              dealer: DealerAgent | None = None, earliest: int | None = None) -> None:
        if attempt == 0:
            lead.booking_planned = False
        if td_source != "fleet_day" and (lead.committed or lead.lost or self._drove(lead) or self._booked(lead)):
            return  # a lead that is buying, lost, has driven or has a drive to come books no further drive
        u = self.streams.generator(Stream.BOOKING, lead.consumer, lead.created, attempt).random(DRIVE_DRAWS)
        dealer = dealer or self._choose_dealer(lead, day, u[DriveDraw.DEALER])
        if dealer is None and td_source == "event":
            return  # no showroom to record the event's demo drive against: the lead's own booking goes on
        if dealer is None:  # showrooms closed today, or none open yet in the region
            if attempt == 0:
                lead.booking_planned = True
            self.tasks[self._retry_day(lead.market, day)].append(("book", lead.idx, attempt))
            return
        same_day = (lead.source == "dealer_walk_in" and attempt == 0) or td_source in ("event", "fleet_day")
        if earliest is None:
            earliest = day if same_day else day + span(u[DriveDraw.DRIVE_DELAY],
                                                       self.f.timing.drive_after_booking_days)
        drive = Drive(len(self.drives), lead.idx, dealer.dealer_id, day, earliest, lead.model, attempt,
                      td_source or TD_SOURCE.get(lead.source, "website"), u)
        if same_day:
            dealer.book_on(drive, day)
        else:
            weekday = self.drive_weekday(lead.market, u[DriveDraw.WEEKEND], u[DriveDraw.DRIVE_WEEKDAY])
            dealer.book(drive, earliest, weekday, self.weekday)
        self.drives.append(drive)
        lead.drives.append(drive.idx)
        lead.dealer_id = dealer.dealer_id
        self._set_status(lead, "TD_BOOKED", day)

    def _drove(self, lead: Lead) -> bool:
        return any(self.drives[i].status == "COMPLETED" for i in lead.drives)

    def _booked(self, lead: Lead) -> bool:
        """Whether one of the lead's drives is still to come (a lead has one booking at a time)."""
        return any(self.drives[i].status == "BOOKED" for i in lead.drives)

    def book_at_event(self, lead: Lead, day: int) -> None:
        """A drive on the event's own demo fleet, recorded against the nearest open dealer."""
        self._book(lead, day, EVENT_ATTEMPT, td_source="event")

    def purchase_chance(self, drive: Drive) -> float:
        """P(a completed drive ends in a purchase): the lead's score, calibrated per market. A
        fleet driver does not buy (the fleet deal is decided at the fleet day), nor does a
        lead that is already buying."""
        f, lead = self.f, self.leads[drive.lead]
        if drive.source == "fleet_day" or lead.committed:
            return 0.0
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
        if drive.source == "fleet_day" or lead.committed:
            return  # the fleet deal was decided at the fleet day; a buying lead is followed up by its sale
        if drive.status == "COMPLETED":
            if drive.sale_day is not None:
                drive.sale_day = self._sale_day(lead.market, drive.sale_day, u[DriveDraw.SALE_WEEKDAY],
                                                u[DriveDraw.PLATE_WAIT])
                lead.committed = True
                if drive.sale_day - day > 1:
                    self._set_status(lead, "NEGOTIATION", day + max(1, (drive.sale_day - day) // 2))
                source = "walk_in" if lead.source == "dealer_walk_in" else "test_drive"
                self._schedule_sale(drive.sale_day, PendingSale(lead.idx, drive.dealer, source, drive=drive))
            elif u[DriveDraw.NEGOTIATES] < f.negotiation_without_sale:
                self._set_status(lead, "NEGOTIATION", day + f.timing.negotiation_days)
            else:
                self._set_status(lead, "LOST", day + f.timing.lost_after_drive_days)
        elif u[DriveDraw.REBOOKS] < f.rebook_after_miss and drive.attempt < f.timing.max_rebookings:
            self._book(lead, day, drive.attempt + 1, earliest=day + f.timing.rebook_after_days)  # rebooked at once
        elif lead.booking_planned:  # a missed demo drive at an event: the lead's own booking is made at once
            self._book(lead, day, 0)
        else:
            self._set_status(lead, "LOST", day)

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
        dealer_id = self._sale_dealer(lead, pending, market, day) if model is not None else None
        if dealer_id is None:  # no car on sale or no showroom open yet: the sale waits for the next trading day
            self._schedule_sale(self.next_trading_day(market, day + 1), pending)
            return
        if pending.drive is not None:
            pending.drive.sale_day = day
        consumer = lead.consumer if lead else NO_CONSUMER
        dealer_region = self.by_id[dealer_id].cfg.region
        region = lead.region if lead else dealer_region
        terms = self.pricing.terms(consumer=consumer, day=day, unit=pending.unit, source=pending.source,
                                   sale_type=pending.sale_type, model=model, market=market, region=region,
                                   dealer_region=dealer_region)
        self.sales.append(SaleRecord(
            idx=len(self.sales), day=day, market=market, dealer=dealer_id, model=model, lead=pending.lead,
            source=pending.source, sale_type=pending.sale_type, unit=pending.unit,
            drive=pending.drive.idx if pending.drive else None, consumer=consumer, customer_region=region,
            terms=terms))
        if lead is not None:
            if not lead.won:
                lead.dealer_id = dealer_id  # the selling dealer (a fleet order's first unit)
            lead.won = True
            self._set_status(lead, "WON", day)
        if pending.source != "referral" and pending.unit == 0:
            self._referral(consumer, day, dealer_id, market)

    def _referral(self, consumer: int, day: int, dealer_id: str, market: str) -> None:
        u = self.streams.generator(Stream.REFERRAL, consumer, day).random(REFERRAL_DRAWS)
        if u[0] < self.f.referral_per_sale:
            nominal = day + span(u[1], self.f.timing.referral_days)
            self._schedule_sale(self._sale_day(market, nominal, None),
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


def _weekday_cdf(weights: list[float], days: list[int]) -> tuple[list[int], list[float]]:
    """The weekdays ``days`` and the cumulative shares of their ``weights`` (empty if none)."""
    w = np.array([weights[d] for d in days], dtype=float)
    if not len(days) or w.sum() <= 0:
        return [], []
    return days, (np.cumsum(w) / w.sum()).tolist()
