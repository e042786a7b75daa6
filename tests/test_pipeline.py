"""The sales pipeline on its own: a Pipeline and a few real DealerAgents in a minimal mesa
model (no consumers, no media), driven day by day with new leads."""

from __future__ import annotations

import bisect
from collections import defaultdict

import mesa
import pytest

from sim.engine.dealers import DealerAgent
from sim.engine.draws import LEAD_DRAWS, LeadDraw
from sim.engine.pipeline import Pipeline
from sim.world.config import load_world
from sim.world.streams import Stream, Streams
from sim.world.vocabulary import LEAD_STATUSES

TINY = ["run.population=2000"]  # the pipeline never sees the population; only the world's rules matter
# every lead is contacted and qualified (a score multiplier of 1 makes lead_qualified exact)
QUALIFIES = ["funnel.lead_contacted=1.0", "funnel.lead_qualified=1.0", "funnel.scoring.effect=[1.0, 0.0]"]
# ... books a drive (post-launch), turns up, and buys the day after the drive
# ... buys without a drive, 7 days after the lead, pre-launch leads too; nobody refers a friend
BUYS_WITHOUT_DRIVE = QUALIFIES + ["funnel.qualified_booking=0.0", "funnel.purchase_without_drive=1.0",
                                  "funnel.prelaunch_booking_factor=1.0", "funnel.referral_per_sale=0.0",
                                  "funnel.timing.purchase_without_drive_days=[7, 7]"]
BUYS_AFTER_DRIVE = QUALIFIES + ["funnel.qualified_booking=1.0", "funnel.no_show=0.0", "funnel.cancellation=0.0",
                                "funnel.purchase_after_drive=1.0", "funnel.purchase_after_drive_max=1.0",
                                "funnel.purchase_window_days=1"]
LONDON = ("DLR001", "DLR004", "DLR005")   # open on days 243 (UK launch), 264 and 278
BAYERN = ("DLR051", "DLR052")
UK_LAUNCH = 243
REGION = {"UK": "London", "DE": "Bayern"}
DE_CONSUMERS = 10_000  # consumers from here on live in Bayern, below it in London
SOURCES = ("website_configurator", "website_test_drive", "meta_lead_form", "google_lead", "dealer_walk_in",
           "phone_enquiry")  # the sources of a single drive booking (no fleet days, no event demo drives)


class Showroom(mesa.Model):
    """A Pipeline and real DealerAgents; one :meth:`next_day` is the pipeline's part of a LaunchModel day."""

    def __init__(self, world, dealer_ids=LONDON):
        super().__init__()
        self.world, self.day = world, 0
        for cfg in world.dealers:
            if cfg.id in dealer_ids:
                DealerAgent(self, cfg, (world.dealer_opening(cfg) - world.run.start).days, world.run.days, world.funnel)
        self.dealers = list(self.agents_by_type[DealerAgent])
        self.pipeline = Pipeline(world, Streams(world.run.seed), self.dealers,
                                 lambda c: REGION["DE" if c >= DE_CONSUMERS else "UK"])
        self.paths: dict[int, list[tuple[str, int]]] = defaultdict(list)  # lead -> statuses in the order set
        set_status = self.pipeline._set_status

        def recording(lead, status, day):
            set_status(lead, status, day)
            if day < self.pipeline.n_days:  # a status due past the horizon is never taken
                self.paths[lead.idx].append((lead.status, lead.status_day))

        self.pipeline._set_status = recording

    def next_day(self, new_leads=(), demo_drives=False):
        """Bookings due, today's new leads (consumer, source) -- event sign-ups with a drive on the
        event's demo fleet if ``demo_drives`` -- then dealers serve, then sales due."""
        d, p = self.day, self.pipeline
        p.start_of_day(d)
        leads = [p.new_lead(c, d, "DE" if c >= DE_CONSUMERS else "UK", source) for c, source in new_leads]
        for lead in leads:
            if demo_drives and lead.source == "event_signup":
                p.book_at_event(lead, d)
        self.agents_by_type[DealerAgent].do("step")
        p.end_of_day(d)
        self.day += 1
        return leads

    def run_to(self, day, leads_by_day=None):
        """Step up to (not including) ``day``; ``leads_by_day``: day -> [(consumer, source)]."""
        while self.day < day:
            self.next_day((leads_by_day or {}).get(self.day, ()))
        return self


def showroom(overrides=(), dealer_ids=LONDON):
    return Showroom(load_world("baseline", TINY + list(overrides)), dealer_ids)


def daily_leads(first, last, per_day=3, sources=SOURCES, consumer0=0):
    """A few leads a day from ``first`` to ``last``, cycling through ``sources``; distinct consumers."""
    out, c = {}, consumer0
    for day in range(first, last + 1):
        out[day] = [(c + k, sources[(c + k) % len(sources)]) for k in range(per_day)]
        c += per_day
    return out


def fate(room, lead):
    """What happened to a lead, without the numbering that depends on what else happened."""
    drives = [room.pipeline.drives[i] for i in lead.drives]
    sales = [(s.day, s.dealer, s.model, s.terms.transaction_price_gbp)
             for s in room.pipeline.sales if s.lead == lead.idx]
    return (lead.model, lead.score, lead.contacted, lead.first_response_hours, lead.status, lead.status_day,
            tuple(room.paths[lead.idx]),
            tuple((d.dealer, d.booking_day, d.drive_day, d.status, d.sale_day) for d in drives), tuple(sales))


def test_a_leads_fate_is_keyed_by_consumer_day_and_source():
    uk = daily_leads(236, 250)
    alone = showroom(BUYS_AFTER_DRIVE, LONDON + BAYERN).run_to(330, uk)
    # the same UK leads, with German leads (other dealers) created before them on the same days
    crowded = {d: daily_leads(d, d, 4, consumer0=DE_CONSUMERS + 4 * d)[d] + uk[d] for d in uk}
    busy = showroom(BUYS_AFTER_DRIVE, LONDON + BAYERN).run_to(330, crowded)
    mine = [lead for lead in busy.pipeline.leads if lead.market == "UK"]
    assert [lead.idx for lead in mine] != [lead.idx for lead in alone.pipeline.leads]  # renumbered...
    assert [fate(alone, lead) for lead in alone.pipeline.leads] == [fate(busy, lead) for lead in mine]  # ...same fate
    assert sum(lead.won for lead in mine) > 0  # fates that went all the way to a sale
    # another day or another source is another lead: other uniforms
    p = alone.pipeline
    u = p.streams.generator(Stream.LEAD, 0, 236, SOURCES[0]).random(LEAD_DRAWS)
    assert (u == p.leads[0].u).all()
    assert (p.streams.generator(Stream.LEAD, 0, 237, SOURCES[0]).random(len(u)) != u).all()
    assert (p.streams.generator(Stream.LEAD, 0, 236, SOURCES[1]).random(len(u)) != u).all()


def forward_only(path) -> bool:
    """Statuses in the order of LEAD_STATUSES (LOST, last, may follow any of them)."""
    ranks = [LEAD_STATUSES.index(status) for status, _ in path]
    return ranks == sorted(ranks)


def test_lead_statuses_only_move_forward():
    room = showroom().run_to(365, daily_leads(150, 340, per_day=4))
    paths = [room.paths[lead.idx] for lead in room.pipeline.leads]
    assert {s for path in paths for s, _ in path} == set(LEAD_STATUSES) - {"NEW"}  # every stage was reached
    backwards = [path for path in paths if not forward_only(path)]
    assert not backwards, backwards[:3]
    for lead, path in zip(room.pipeline.leads, paths, strict=True):
        assert (lead.status, lead.status_day) == (path[-1] if path else ("NEW", lead.created))


@pytest.mark.xfail(strict=True, reason="engine: a lead with two drives (an event demo drive and its own booking) "
                                       "steps back from WON/LOST to TD_BOOKED and can buy twice")
def test_an_event_lead_with_a_demo_drive_only_moves_forward():
    room = showroom(BUYS_AFTER_DRIVE + ["funnel.booking_lead_days=[5, 5]"]).run_to(250)
    (lead,) = room.next_day([(7, "event_signup")], demo_drives=True)
    room.run_to(300)
    assert len(lead.drives) == 2
    assert len([s for s in room.pipeline.sales if s.lead == lead.idx]) == 1
    assert forward_only(room.paths[lead.idx]), room.paths[lead.idx]


def test_lead_contacted_decides_contact_through_its_named_draw():
    never = showroom(["funnel.lead_contacted=0.0"]).run_to(300, daily_leads(240, 260))
    assert never.pipeline.leads and not any(lead.contacted for lead in never.pipeline.leads)
    assert {lead.status for lead in never.pipeline.leads} == {"NEW"}
    assert not never.pipeline.drives and not never.pipeline.sales
    assert all(lead.first_response_hours is None for lead in never.pipeline.leads)
    always = showroom(["funnel.lead_contacted=1.0"]).run_to(300, daily_leads(240, 260))
    assert all(lead.contacted and lead.status != "NEW" for lead in always.pipeline.leads)
    # at the scenario's own rate the lead's CONTACTED uniform decides, and its MODEL uniform picks the model
    room = showroom().run_to(300, daily_leads(240, 260))
    p, rate = room.pipeline, room.world.funnel.lead_contacted
    assert 0 < sum(lead.contacted for lead in p.leads) < len(p.leads)
    assert all(lead.contacted == (lead.u[LeadDraw.CONTACTED] < rate) for lead in p.leads)
    assert all(lead.model == p.model_keys[bisect.bisect_left(p.model_cdf, lead.u[LeadDraw.MODEL])] for lead in p.leads)


def test_qualified_leads_book_only_when_qualified_booking_says_so():
    books = showroom(QUALIFIES + ["funnel.qualified_booking=1.0"]).run_to(300, daily_leads(250, 260))
    assert all(lead.drives for lead in books.pipeline.leads)
    never = showroom(QUALIFIES + ["funnel.qualified_booking=0.0"]).run_to(300, daily_leads(250, 260))
    assert not never.pipeline.drives
    assert {lead.status for lead in never.pipeline.leads} <= {"QUALIFIED", "WON"}


def test_a_booking_waits_for_the_markets_first_open_dealer():
    # London's launch dealer is left out: its market's first open dealer is DLR004, on day 264
    room = showroom(BUYS_AFTER_DRIVE + ["funnel.booking_lead_days=[1, 1]"], ("DLR004", "DLR005"))
    room.run_to(264, daily_leads(245, 255))
    leads = room.pipeline.leads
    assert all(lead.status == "QUALIFIED" for lead in leads) and not room.pipeline.drives
    room.next_day()
    assert {room.pipeline.drives[lead.drives[0]].booking_day for lead in leads} == {264}
    assert all(lead.dealer_id == "DLR004" for lead in leads)  # DLR005 opens on day 278


def test_no_sale_before_its_models_availability_nor_at_a_closed_dealer():
    # qualified leads buy without a drive 7 days after the lead: due from launch day on, while
    # two of London's dealers and two models are not open / on sale yet
    room = showroom(BUYS_WITHOUT_DRIVE).run_to(365, daily_leads(UK_LAUNCH - 7, 300))
    p = room.pipeline
    opening = {d.dealer_id: d.opening_day for d in p.dealers}
    assert len(p.sales) == len(p.leads)
    assert all(s.day >= p.available_day[s.model] and s.day >= opening[s.dealer] for s in p.sales)
    assert all(s.day == p.leads[s.lead].created + 7 for s in p.sales)
    sold_early = [s for s in p.sales if s.day < opening["DLR004"]]
    assert sold_early and {s.dealer for s in sold_early} == {"DLR001"}
    assert any(p.leads[s.lead].model != s.model for s in p.sales)  # a model not yet on sale was swapped


@pytest.mark.xfail(strict=True, reason="engine: a sale due before any model is on sale is dropped, "
                                       "not held until availability as the pipeline's docstring says")
def test_a_purchase_due_before_launch_waits_for_availability():
    room = showroom(BUYS_WITHOUT_DRIVE).run_to(300, {200: [(1, "website_configurator")]})
    assert [s.day for s in room.pipeline.sales] == [UK_LAUNCH]


def test_a_won_lead_has_its_sale_at_list_price_less_discount():
    room = showroom().run_to(365, daily_leads(236, 330, per_day=4))
    p = room.pipeline
    sold = defaultdict(list)
    for s in p.sales:
        sold[s.lead].append(s)
    won = [lead for lead in p.leads if lead.status == "WON"]
    assert won and all(sold[lead.idx] for lead in won)
    assert {lead.idx for lead in p.leads if lead.won} == set(sold) - {-1}
    prices = {(m, t.name): t.price_gbp for m, vm in room.world.models.items() for t in vm.trims}
    for s in p.sales:
        assert s.terms.list_price_gbp == prices[(s.model, s.terms.trim)]
        assert s.terms.transaction_price_gbp == round(s.terms.list_price_gbp * (1 - s.terms.discount_pct / 100), 2)
    assert any(s.terms.discount_pct > 0 for s in p.sales)
