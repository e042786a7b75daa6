"""The sales pipeline: leads -> contact -> qualification -> test-drive bookings at open dealers ->
drives (completed / no-show / cancelled) -> sales; plus walk-in, fleet and referral sales.

A lead's fate is drawn once, at creation, from a generator keyed by (consumer, day, source):
the same lead has the same fate in every scenario in which it exists (common random numbers).
Dealers and availability decide *when* that fate can happen: a booking waits for an open
dealer, a sale for its model's availability, and nothing happens after the horizon.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.world.config import World
from sim.world.streams import Streams

Z90 = 1.2816  # the standard normal's 90th percentile: median and p90 give the lognormal's sigma
TD_SOURCE = {"dealer_walk_in": "dealer", "event_signup": "event", "fleet_enquiry": "fleet_day"}


@dataclass
class Lead:
    idx: int
    consumer: int
    created: int
    market: str
    region: str
    source: str
    model: str
    score: int
    u: np.ndarray                      # the lead's own uniforms (its fate)
    contacted: bool = False
    qualified: bool = False
    first_response_hours: float | None = None
    contact_attempts: int = 0
    status: str = "NEW"
    status_day: int = 0
    dealer_id: str | None = None
    drives: list[int] = field(default_factory=list)
    won: bool = False


class Pipeline:
    def __init__(self, world: World, streams: Streams, dealers: list, region_of_consumer: callable):
        self.world, self.streams = world, streams
        self.f = world.funnel
        self.day0 = world.run.start
        self.n_days = world.run.days
        self.dealers = dealers
        self.region_of_consumer = region_of_consumer
        self.leads: list[Lead] = []
        self.drives: list[dict] = []
        self.sales: list[dict] = []
        self.tasks: dict[int, list[tuple]] = defaultdict(list)
        self.dealer_drives: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.calib = world.calibration
        models = world.models
        self.model_keys = list(models)
        self.model_share = np.array([m.sales_share for m in models.values()])
        self.available_day = {k: (m.available_from - self.day0).days for k, m in models.items()}
        self.launch_day = {k: (m.launch_date - self.day0).days for k, m in world.markets.items()}
        self.model_cdf = (np.cumsum(self.model_share) / self.model_share.sum()).tolist()
        self.weekday0 = self.day0.weekday()
        # dealers' opening days never change, so who is open where (and how likely each is to be
        # chosen) is worked out once per (market, region, day) and reused by every lead
        self._open_cache: dict[tuple[str, str, int], list] = {}
        self._choice_cache: dict[tuple[str, str, int], tuple[list, list[float]]] = {}
        self._first_open: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers
    def date(self, day: int) -> dt.date:
        return self.day0 + dt.timedelta(days=int(day))

    def weekday(self, day: int) -> int:
        return (self.weekday0 + int(day)) % 7  # date(day).weekday(), without building a date

    def _open_dealers(self, market: str, region: str, day: int) -> list:
        key = (market, region, day)
        if key not in self._open_cache:
            in_market = [d for d in self.dealers if d.cfg.market == market and d.is_open(day)]
            local = [d for d in in_market if d.cfg.region == region]
            self._open_cache[key] = local or in_market
        return self._open_cache[key]

    def _dealer_choice(self, market: str, region: str, day: int) -> tuple[list, list[float]]:
        """The open candidate dealers and their cumulative choice probabilities."""
        key = (market, region, day)
        if key not in self._choice_cache:
            cands = self._open_dealers(market, region, day)
            pull = day - self.launch_day[market] < self.f.launch_dealer_pull_days
            w = np.array([self.f.launch_dealer_pull if (pull and d.cfg.launch) else 1.0 for d in cands])
            cdf = (np.cumsum(w) / w.sum()).tolist() if cands else []  # no open dealer: nothing to choose
            self._choice_cache[key] = cands, cdf
        return self._choice_cache[key]

    def _choose_dealer(self, lead: Lead, day: int, u: float):
        cands, cdf = self._dealer_choice(lead.market, lead.region, day)
        if not cands:
            return None
        return cands[bisect.bisect_left(cdf, u)]

    def _first_open_day(self, market: str) -> int:
        if market not in self._first_open:
            days = [d.opening_day for d in self.dealers if d.cfg.market == market]
            self._first_open[market] = min(days) if days else self.n_days
        return self._first_open[market]

    # ------------------------------------------------------------------ leads
    def new_lead(self, consumer: int, day: int, market: str, source: str, model: str | None = None) -> Lead:
        u = self.streams.generator("lead", consumer, day, source).random(24)
        if model is None:
            model = self.model_keys[bisect.bisect_left(self.model_cdf, u[0])]
        sc = self.f.scoring
        noise = sc.spread[0] * (u[1] - 0.5) * 2 + sc.spread[1] * (u[2] - 0.5) * 2
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
        lead.first_response_hours = float(f.response_hours_median * np.exp(sigma * _probit(u[3])))
        lead.contact_attempts = _span(u[4], f.timing.contact_attempts)
        if u[5] >= f.lead_contacted:
            lead.contacted = False
            lead.first_response_hours = None
            return
        lead.contacted = True
        self._set_status(lead, "CONTACTED", lead.created + int(lead.first_response_hours // 24))
        if u[6] >= min(1.0, f.lead_qualified * self._score_mult(lead)):
            return
        lead.qualified = True
        self._set_status(lead, "QUALIFIED", lead.created + _span(u[7], f.timing.qualify_days))
        prelaunch = lead.created < self.launch_day[lead.market]
        p_book = f.qualified_booking * (f.prelaunch_booking_factor if prelaunch else 1.0) * self._booking_mult(lead)
        if lead.source == "fleet_enquiry":
            self._fleet(lead)
        elif u[8] < min(1.0, p_book):
            delay = 0 if lead.source == "dealer_walk_in" else _span(u[9], f.booking_lead_days)
            when = max(lead.created + delay, self._first_open_day(lead.market))
            if when == lead.created:
                self._book(lead, when, 0)  # a walk-in drives today, at the showroom they walked into
            else:
                self.tasks[when].append(("book", lead.idx, 0))
        elif u[10] < (f.purchase_without_drive * self.calib.purchase_scale[lead.market] * self._score_mult(lead)
                      * (f.prelaunch_booking_factor if prelaunch else 1.0)):
            self._schedule_sale(lead, lead.created + _span(u[11], f.timing.purchase_without_drive_days), None, "website")

    def _booking_mult(self, lead: Lead) -> float:
        sc = self.f.scoring
        return sc.eager_booking_mult if lead.source in sc.eager_sources else 1.0

    def _set_status(self, lead: Lead, status: str, day: int) -> None:
        if day < self.n_days:
            lead.status, lead.status_day = status, max(day, lead.status_day)

    # ------------------------------------------------------------------ fleet
    def _fleet(self, lead: Lead) -> None:
        f, u = self.f, lead.u
        when = max(lead.created + _span(u[9], f.timing.fleet_day_days), self._first_open_day(lead.market))
        self.tasks[when].append(("fleet_day", lead.idx, 0))

    def _fleet_outcome(self, lead: Lead, dealer, day: int) -> None:
        f, u = self.f, lead.u
        if u[12] >= f.fleet_win:
            if u[13] < f.negotiation_without_sale:
                self._set_status(lead, "NEGOTIATION", day + f.timing.fleet_negotiation_days)
            else:
                self._set_status(lead, "LOST", day + f.timing.fleet_lost_days)
            return
        units = _span(u[14], f.fleet_units)
        sale_type = "salary_sacrifice" if u[15] < f.salary_sacrifice_share_of_fleet_wins else "fleet"
        t = f.timing
        start = day + _span(u[16], t.fleet_delivery_start_days)
        for k in range(units):
            self._schedule_sale(lead, start + (k * t.fleet_unit_spacing_days) % t.fleet_delivery_window_days, dealer.dealer_id, "fleet_enquiry", sale_type=sale_type,
                                unit=k)

    # ------------------------------------------------------------------ drives and sales
    def _book(self, lead: Lead, day: int, attempt: int, td_source: str | None = None) -> None:
        u = self.streams.generator("booking", lead.consumer, lead.created, attempt).random(8)
        dealer = self._choose_dealer(lead, day, u[0])
        if dealer is None:
            self.tasks[day + 7].append(("book", lead.idx, attempt))
            return
        weekend = u[1] < self.f.weekend_share
        same_day = (lead.source == "dealer_walk_in" and attempt == 0) or td_source == "event"
        earliest = day if same_day else day + _span(u[2], self.f.timing.drive_after_booking_days)
        slot = dealer.book(earliest, weekend, self.weekday)
        td = {"td": len(self.drives), "lead": lead.idx, "dealer": dealer.dealer_id, "booking_day": day,
              "drive_day": slot, "model": lead.model, "attempt": attempt, "u": u,
              "source": td_source or TD_SOURCE.get(lead.source, "website"), "status": "BOOKED", "sale_day": None}
        self.drives.append(td)
        lead.drives.append(td["td"])
        lead.dealer_id = dealer.dealer_id
        self._set_status(lead, "TD_BOOKED", day)
        self.dealer_drives[(dealer.dealer_id, slot)].append(td["td"])

    def book_at_event(self, lead: Lead, day: int) -> None:
        """A drive on the event's own demo fleet, recorded against the nearest open dealer."""
        self._book(lead, day, 20, td_source="event")

    def _drive(self, td: dict, day: int) -> None:
        lead = self.leads[td["lead"]]
        u, f = td["u"], self.f
        if u[3] < f.no_show:
            td["status"] = "NO_SHOW"
        elif u[3] < f.no_show + f.cancellation:
            td["status"] = "CANCELLED"
        else:
            td["status"] = "COMPLETED"
            self._set_status(lead, "TD_COMPLETED", day)
            scale = self.calib.purchase_scale[lead.market]
            p = min(f.purchase_after_drive * self._score_mult(lead) * scale, f.purchase_after_drive_max)
            if td["source"] == "dealer":
                p = max(p, f.walk_in_purchase * self.calib.purchase_scale[lead.market])
            if u[4] < p:
                delay = 1 + int(-np.log(1 - u[5]) * f.timing.purchase_delay_mean_days) % f.purchase_window_days
                td["sale_day"] = day + delay
                src = "walk_in" if lead.source == "dealer_walk_in" else "test_drive"
                self._set_status(lead, "NEGOTIATION", day + max(1, delay // 2))
                self._schedule_sale(lead, day + delay, td["dealer"], src, td=td)
            elif u[6] < f.negotiation_without_sale:
                self._set_status(lead, "NEGOTIATION", day + f.timing.negotiation_days)
            else:
                self._set_status(lead, "LOST", day + f.timing.lost_after_drive_days)
            return
        if u[7] < f.rebook_after_miss and td["attempt"] < f.timing.max_rebookings:
            self.tasks[day + f.timing.rebook_after_days].append(("book", lead.idx, td["attempt"] + 1))

    def _schedule_sale(self, lead: Lead | None, day: int, dealer_id: str | None, source: str, *,
                       sale_type: str = "retail", td: dict | None = None, unit: int = 0, market: str | None = None,
                       model: str | None = None) -> None:
        self.tasks[day].append(("sale", lead.idx if lead else -1,
                                {"dealer": dealer_id, "source": source, "sale_type": sale_type, "td": td,
                                 "unit": unit, "market": market, "model": model}))

    def _sell(self, lead_idx: int, info: dict, day: int) -> None:
        lead = self.leads[lead_idx] if lead_idx >= 0 else None
        market = lead.market if lead else info["market"]
        model = info["model"] or (lead.model if lead else self.model_keys[0])
        if day < self.available_day[model]:
            model = max((k for k in self.model_keys if self.available_day[k] <= day),
                        key=lambda k: self.world.models[k].sales_share, default=None)
            if model is None:
                return
        dealer_id = info["dealer"]
        if dealer_id is None or not self._dealer(dealer_id).is_open(day):
            region = lead.region if lead else ""
            cands = self._open_dealers(market, region, day)
            if not cands:
                return
            key = (lead.consumer if lead else len(self.sales), day)
            dealer_id = cands[int(self.streams.generator("sale_dealer", *key).integers(len(cands)))].dealer_id
        sale = {"sale": len(self.sales), "day": day, "market": market, "dealer": dealer_id, "model": model,
                "lead": lead_idx, "source": info["source"], "sale_type": info["sale_type"], "unit": info["unit"],
                "td": info["td"]["td"] if info["td"] else None,
                "consumer": lead.consumer if lead else -1}
        self.sales.append(sale)
        if lead is not None:
            lead.won = True
            self._set_status(lead, "WON", day)
        if info["source"] != "referral" and info["unit"] == 0:
            u = self.streams.generator("referral", sale["consumer"], day).random(2)
            if u[0] < self.f.referral_per_sale:
                self._schedule_sale(None, day + _span(u[1], self.f.timing.referral_days), dealer_id, "referral",
                                    market=market)

    def _dealer(self, dealer_id: str):
        return self.by_id[dealer_id]

    # ------------------------------------------------------------------ the day
    def start_of_day(self, day: int) -> None:
        """Bookings and fleet days that fall due today (before dealers serve)."""
        if not hasattr(self, "by_id"):
            self.by_id = {d.dealer_id: d for d in self.dealers}
        for kind, idx, arg in self._take(day, ("book", "fleet_day")):
            lead = self.leads[idx]
            if kind == "book":
                self._book(lead, day, arg)
            else:
                u = lead.u
                dealer = self._choose_dealer(lead, day, u[17])
                if dealer is None:
                    self.tasks[day + 7].append(("fleet_day", idx, 0))
                    continue
                drivers = _span(u[18], self.f.fleet_day_drivers)
                for k in range(drivers):
                    self._book(lead, day, 10 + k, td_source="fleet_day")
                self._fleet_outcome(lead, dealer, day)

    def _take(self, day: int, kinds: tuple[str, ...]) -> list[tuple]:
        todo = [t for t in self.tasks.get(day, []) if t[0] in kinds]
        self.tasks[day] = [t for t in self.tasks.get(day, []) if t[0] not in kinds]
        return todo

    def serve_dealer(self, dealer, day: int) -> None:
        """A dealer's day: the drives booked at it for today, in booking order."""
        for td in self.dealer_drives.pop((dealer.dealer_id, day), []):
            self._drive(self.drives[td], day)

    def end_of_day(self, day: int) -> None:
        for _kind, idx, arg in self._take(day, ("sale",)):
            self._sell(idx, arg, day)


def _span(u: float, span: tuple[int, int]) -> int:
    """An integer uniformly in [lo, hi] from one uniform draw."""
    lo, hi = span
    return lo + int(u * (hi - lo + 1))


def _probit(u: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(min(max(u, 1e-9), 1 - 1e-9)))
