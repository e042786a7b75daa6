"""The sales pipeline on its own: a Pipeline and a few real DealerAgents in a minimal mesa
model (no consumers, no media), driven day by day with new leads."""

from __future__ import annotations

import bisect
from collections import defaultdict

import mesa

from sim.engine.dealers import CALENDAR_SLACK_DAYS, DealerAgent
from sim.engine.draws import DRIVE_DRAWS, LEAD_DRAWS, DriveDraw, LeadDraw
from sim.engine.pipeline import Pipeline
from sim.world.calendar import trading_days
from sim.world.config import load_world
from sim.world.streams import Stream, Streams
from sim.world.vocabulary import LEAD_STATUSES

TINY = ["run.population=2000"]  # the pipeline never sees the population; only the world's rules matter
# every lead is contacted and qualified (a score multiplier of 1 makes lead_qualified exact)
QUALIFIES = ["funnel.lead_contacted=1.0", "funnel.lead_qualified=1.0", "funnel.scoring.effect=[1.0, 0.0]"]
# ... books a drive (post-launch), turns up, and buys at once: the sale falls due the day after the
# drive (a one-day purchase window) and is signed on the first trading day of the buyer's day of the week
# ... buys without a drive, due 7 days after qualification (after the lead itself, for a pre-launch
# lead: a pre-order, registered on the first day cars can be sold); nobody refers a friend
BUYS_WITHOUT_DRIVE = QUALIFIES + ["funnel.qualified_booking=0.0", "funnel.purchase_without_drive=1.0",
                                  "funnel.prelaunch_booking_factor=1.0", "funnel.referral_per_sale=0.0",
                                  "funnel.timing.purchase_without_drive_days=[7, 7]"]
BUYS_AFTER_DRIVE = QUALIFIES + ["funnel.qualified_booking=1.0", "funnel.no_show=0.0", "funnel.cancellation=0.0",
                                "funnel.purchase_after_drive=1.0", "funnel.purchase_after_drive_max=1.0",
                                "funnel.purchase_window_days=1"]
LONDON = ("DLR001", "DLR004", "DLR005")   # open on days 243 (UK launch), 264 and 278
BAYERN = ("DLR051", "DLR052")
UK_LAUNCH = 243  # 2025-09-01, a Monday: the first day cars can be sold in the UK
REGION = {"UK": "London", "DE": "Bayern"}
DE_CONSUMERS = 10_000  # consumers from here on live in Bayern, below it in London
SOURCES = ("website_configurator", "website_test_drive", "meta_lead_form", "google_lead", "dealer_walk_in",
           "phone_enquiry")  # the sources of a single drive booking (no fleet days, no event demo drives)


class Showroom(mesa.Model):
    """A Pipeline and real DealerAgents; one :meth:`next_day` is the pipeline's part of a LaunchModel day."""

    def __init__(self, world, dealer_ids=LONDON):
        super().__init__()
        self.world, self.day = world, 0
        n = world.run.days + CALENDAR_SLACK_DAYS
        trading = {m: trading_days(world, m, n) for m in world.markets}
        for cfg in world.dealers:
            if cfg.id in dealer_ids:
                DealerAgent(self, cfg, (world.dealer_opening(cfg) - world.run.start).days, world.run.days, world.funnel,
                            trading[cfg.market])
        self.dealers = list(self.agents_by_type[DealerAgent])
        self.pipeline = Pipeline(world, Streams(world.run.seed), self.dealers,
                                 lambda c: REGION["DE" if c >= DE_CONSUMERS else "UK"])

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
            tuple(lead.path()),
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


def steps_in_time_order(lead) -> list[tuple[str, int]]:
    """The lead's dated steps in the horizon, by day, up to and including its first WON or LOST."""
    out = []
    for day, status in sorted(lead.steps, key=lambda s: (s[0], LEAD_STATUSES.index(s[1]))):
        if day >= lead.horizon:
            break
        out.append((status, day))
        if status in ("WON", "LOST"):
            break
    return out


def sales_by_lead(pipeline):
    sold = defaultdict(list)
    for s in pipeline.sales:
        sold[s.lead].append(s)
    return sold


def test_lead_statuses_only_move_forward_and_end_with_the_sale():
    room = showroom().run_to(365, daily_leads(150, 340, per_day=4))
    p, sold = room.pipeline, sales_by_lead(room.pipeline)
    paths = [lead.path() for lead in p.leads]
    assert {s for path in paths for s, _ in path} == set(LEAD_STATUSES) - {"NEW"}  # every stage was reached
    backwards = [path for path in paths if not forward_only(path)]
    assert not backwards, backwards[:3]
    for lead, path in zip(p.leads, paths, strict=True):
        days = [day for _, day in path]
        assert days == sorted(days) and all(day < p.n_days for day in days)
        assert all(status not in ("WON", "LOST") for status, _ in path[:-1])  # nothing after WON or LOST
        assert (lead.status, lead.status_day) == (path[-1] if path else ("NEW", lead.created))
        # WON exactly when a sale links to the lead, on the day of its sale, with the selling dealer;
        # LOST only without one; a lead buys once
        assert lead.won == bool(sold[lead.idx]) == (lead.status == "WON")
        if lead.won:
            (sale,) = sold[lead.idx]
            assert (lead.status_day, lead.dealer_id) == (sale.day, sale.dealer)
    # a lead created after launch takes its steps one after another: none is dated before an earlier stage
    after_launch = [lead for lead in p.leads if lead.created >= UK_LAUNCH]
    assert after_launch and all(lead.path() == steps_in_time_order(lead) for lead in after_launch)


def test_an_event_lead_whose_demo_drive_ends_in_a_sale_buys_once_and_books_no_more():
    room = showroom(BUYS_AFTER_DRIVE + ["funnel.booking_lead_days=[5, 5]"]).run_to(250)
    (lead,) = room.next_day([(7, "event_signup")], demo_drives=True)
    room.run_to(300)
    p = room.pipeline
    (demo,) = [p.drives[i] for i in lead.drives]  # the lead's own booking, due 5 days after qualification, is not made
    assert (demo.source, demo.booking_day, demo.drive_day, demo.status) == ("event", 250, 250, "COMPLETED")
    (sale,) = [s for s in p.sales if s.lead == lead.idx]
    assert sale.day == demo.sale_day > 250 and sale.drive == demo.idx
    assert forward_only(lead.path()), lead.path()
    assert (lead.status, lead.status_day, lead.dealer_id) == ("WON", sale.day, sale.dealer)
    assert lead.path()[:3] == [("CONTACTED", 250), ("TD_BOOKED", 250), ("TD_COMPLETED", 250)] or \
        lead.path()[:2] == [("TD_BOOKED", 250), ("TD_COMPLETED", 250)]


def test_a_missed_demo_drive_brings_the_leads_own_booking_forward_to_the_day_of_the_miss():
    overrides = BUYS_AFTER_DRIVE + ["funnel.booking_lead_days=[5, 5]", "funnel.no_show=0.22",
                                    "funnel.cancellation=0.10", "funnel.rebook_after_miss=0.0"]
    world = load_world("baseline", TINY + overrides)
    f, streams = world.funnel, Streams(world.run.seed)

    def attends(consumer, attempt):
        u = streams.generator(Stream.BOOKING, consumer, 250, attempt).random(DRIVE_DRAWS)
        return u[DriveDraw.ATTENDANCE] >= f.no_show + f.cancellation

    # a visitor who misses the event's demo drive (attempt 20) but turns up for their own booking (attempt 0)
    consumer = next(c for c in range(1000) if not attends(c, 20) and attends(c, 0))
    room = Showroom(world).run_to(250)
    (lead,) = room.next_day([(consumer, "event_signup")], demo_drives=True)
    room.run_to(300)
    p = room.pipeline
    demo, own = [p.drives[i] for i in lead.drives]
    assert (demo.attempt, demo.drive_day, demo.status) in {(20, 250, "NO_SHOW"), (20, 250, "CANCELLED")}
    # booked on the day of the miss (so a TD_BOOKED lead always has a drive to come), driven later
    assert (own.attempt, own.status) == (0, "COMPLETED") and own.booking_day == 250 and own.drive_day > 250
    (sale,) = [s for s in p.sales if s.lead == lead.idx]
    assert sale.drive == own.idx and lead.status == "WON" and forward_only(lead.path())
    assert "LOST" not in [status for _, status in lead.steps]


def test_a_lead_with_a_sale_is_won_even_with_two_drives_booked():
    # a pre-launch event sign-up: no showroom is open to record the event's demo drive against, so
    # there is none; the lead's own booking goes ahead after launch, one drive at a time, and the
    # lead is WON exactly when its sale links to it
    room = showroom().run_to(200)
    (lead,) = room.next_day([(65, "event_signup")], demo_drives=True)
    room.run_to(365)
    sold = [s for s in room.pipeline.sales if s.lead == lead.idx]
    assert sold and lead.won
    assert lead.status == "WON", lead.steps


def test_lead_contacted_decides_contact_through_its_named_draw():
    t = load_world("baseline", TINY).funnel.timing
    never = showroom(["funnel.lead_contacted=0.0"]).run_to(300, daily_leads(240, 260))
    walk_ins = [lead for lead in never.pipeline.leads if lead.source == "dealer_walk_in"]
    others = [lead for lead in never.pipeline.leads if lead.source != "dealer_walk_in"]
    assert others and not any(lead.contacted for lead in others)
    # never reached: LOST unreachable_days after the lead reached the dealers (at launch, for a pre-launch lead)
    assert all((lead.status, lead.status_day) == ("LOST", max(lead.created, UK_LAUNCH) + t.unreachable_days)
               for lead in others)
    assert all(lead.path() == [("LOST", lead.status_day)] for lead in others)
    assert all(lead.first_response_hours is None and not lead.drives for lead in others)
    assert not {s.lead for s in never.pipeline.sales} & {lead.idx for lead in others}
    # a walk-in is in the showroom: contacted on the day whatever the rate
    assert walk_ins and all(lead.contacted and lead.path()[0] == ("CONTACTED", lead.created) for lead in walk_ins)
    always = showroom(["funnel.lead_contacted=1.0"]).run_to(300, daily_leads(240, 260))
    assert all(lead.contacted and lead.status != "NEW" for lead in always.pipeline.leads)
    # at the scenario's own rate the lead's CONTACTED uniform decides, and its MODEL uniform picks the model
    room = showroom().run_to(300, daily_leads(240, 260))
    p, rate = room.pipeline, room.world.funnel.lead_contacted
    assert 0 < sum(lead.contacted for lead in p.leads) < len(p.leads)
    assert all(lead.contacted == (lead.source == "dealer_walk_in" or lead.u[LeadDraw.CONTACTED] < rate)
               for lead in p.leads)
    assert all(lead.model == p.model_keys[bisect.bisect_left(p.model_cdf, lead.u[LeadDraw.MODEL])] for lead in p.leads)


def step_day(lead, status):
    (day,) = [d for d, s in lead.steps if s == status]
    return day


def test_contact_counts_from_launch_and_qualification_from_contact():
    room = showroom(QUALIFIES + ["funnel.qualified_booking=0.0", "funnel.purchase_without_drive=0.0"])
    room.run_to(365, daily_leads(UK_LAUNCH - 10, UK_LAUNCH + 10))
    t = room.world.funnel.timing
    leads = room.pipeline.leads
    assert {lead.created < UK_LAUNCH for lead in leads} == {True, False}
    for lead in leads:
        contacted, qualified = step_day(lead, "CONTACTED"), step_day(lead, "QUALIFIED")
        if lead.source == "dealer_walk_in":  # contacted and qualified on the day
            assert contacted == qualified == lead.created
        else:  # the response time counts from the day the lead reaches the dealers
            assert contacted == max(lead.created, UK_LAUNCH) + int(lead.first_response_hours // 24)
            assert t.qualify_days[0] <= qualified - contacted <= t.qualify_days[1]
        # neither books nor buys: LOST lost_without_drive_days after qualification
        assert (lead.status, lead.status_day) == ("LOST", qualified + t.lost_without_drive_days)
        assert [status for status, _ in lead.path()] == ["CONTACTED", "QUALIFIED", "LOST"]


def test_a_lead_that_does_not_qualify_is_lost_after_disqualified_days():
    room = showroom(["funnel.lead_contacted=1.0", "funnel.lead_qualified=0.0"])
    room.run_to(365, daily_leads(UK_LAUNCH - 10, UK_LAUNCH + 10))
    t = room.world.funnel.timing
    assert room.pipeline.leads and not room.pipeline.drives and not room.pipeline.sales
    for lead in room.pipeline.leads:
        contacted = step_day(lead, "CONTACTED")
        assert lead.path() == [("CONTACTED", contacted), ("LOST", contacted + t.disqualified_days)]


def test_qualified_leads_book_only_when_qualified_booking_says_so():
    books = showroom(QUALIFIES + ["funnel.qualified_booking=1.0"]).run_to(300, daily_leads(250, 260))
    assert all(lead.drives for lead in books.pipeline.leads)
    never = showroom(QUALIFIES + ["funnel.qualified_booking=0.0"]).run_to(300, daily_leads(250, 260))
    assert not never.pipeline.drives
    # buying without a drive (a sale still to come by day 300, or made), or LOST for lack of either
    assert {lead.status for lead in never.pipeline.leads} <= {"QUALIFIED", "WON", "LOST"}
    assert all(lead.committed for lead in never.pipeline.leads if lead.status == "QUALIFIED")


def test_a_booking_counts_from_qualification_and_a_walk_in_drives_at_once():
    room = showroom(QUALIFIES + ["funnel.qualified_booking=1.0", "funnel.booking_lead_days=[4, 4]"])
    room.run_to(320, daily_leads(280, 300))
    p = room.pipeline
    for lead in p.leads:
        first = p.drives[lead.drives[0]]
        if lead.source == "dealer_walk_in":
            assert (first.source, first.booking_day, first.drive_day) == ("dealer", lead.created, lead.created)
            assert lead.dealer_id == first.dealer
        else:
            assert first.booking_day == step_day(lead, "QUALIFIED") + 4
            assert first.drive_day > first.booking_day


def test_a_booking_waits_for_the_markets_first_open_dealer():
    # London's launch dealer is left out: its market's first open dealer is DLR004, on day 264
    room = showroom(BUYS_AFTER_DRIVE + ["funnel.booking_lead_days=[1, 1]"], ("DLR004", "DLR005"))
    room.run_to(264, daily_leads(245, 255))
    leads = room.pipeline.leads
    assert all(lead.status == "QUALIFIED" for lead in leads) and not room.pipeline.drives
    room.next_day()
    assert {room.pipeline.drives[lead.drives[0]].booking_day for lead in leads} == {264}
    assert all(lead.dealer_id == "DLR004" for lead in leads)  # DLR005 opens on day 278


def test_a_missed_drive_is_rebooked_on_the_day_of_the_miss_or_the_lead_is_lost_that_day():
    t = load_world("baseline", TINY).funnel.timing
    misses = QUALIFIES + ["funnel.qualified_booking=1.0", "funnel.no_show=1.0"]
    rebooks = showroom(misses + ["funnel.rebook_after_miss=1.0"]).run_to(365, daily_leads(250, 260))
    p = rebooks.pipeline
    for lead in p.leads:
        drives = [p.drives[i] for i in lead.drives]
        assert [d.attempt for d in drives] == list(range(t.max_rebookings + 1))
        assert all(d.status == "NO_SHOW" for d in drives)
        for missed, again in zip(drives, drives[1:], strict=False):
            earliest = missed.drive_day + t.rebook_after_days  # on the customer's day of the week from then
            assert again.booking_day == missed.drive_day and earliest <= again.drive_day < earliest + 7
        assert (lead.status, lead.status_day) == ("LOST", drives[-1].drive_day)  # out of rebookings
    lost = showroom(misses + ["funnel.rebook_after_miss=0.0"]).run_to(365, daily_leads(250, 260))
    p = lost.pipeline
    assert p.leads and not p.sales
    for lead in p.leads:
        (drive,) = [p.drives[i] for i in lead.drives]
        assert (lead.status, lead.status_day) == ("LOST", drive.drive_day)


def test_fleet_day_drivers_book_at_the_fleet_day_dealer_on_the_day_and_never_buy_retail():
    room = showroom(BUYS_AFTER_DRIVE + ["funnel.fleet_win=1.0"])
    room.run_to(365, daily_leads(250, 270, per_day=2, sources=("fleet_enquiry",)))
    p, sold = room.pipeline, sales_by_lead(room.pipeline)
    lo, hi = room.world.funnel.fleet_day_drivers
    assert p.leads
    for lead in p.leads:
        drives = [p.drives[i] for i in lead.drives]
        assert lo <= len(drives) <= hi
        assert {(d.source, d.booking_day == d.drive_day, d.dealer) for d in drives} == {
            ("fleet_day", True, drives[0].dealer)}
        assert len({d.drive_day for d in drives}) == 1 and all(d.sale_day is None for d in drives)
        assert all(s.drive is None and s.sale_type in ("fleet", "salary_sacrifice") for s in sold[lead.idx])
        if sold[lead.idx]:  # the order is placed with the fleet day's dealer
            assert {s.dealer for s in sold[lead.idx]} == {drives[0].dealer} == {lead.dealer_id}
            assert lead.status == "WON" and lead.status_day == min(s.day for s in sold[lead.idx])
    assert any(sold[lead.idx] for lead in p.leads)


def drawn_weekday(world, market, u):
    """The day of the week a buyer with uniform ``u`` signs on (sale_weekday_weights, trading weekdays)."""
    days = [d for d in range(7) if d not in world.markets[market].showroom_closed_weekdays]
    w = [world.funnel.sale_weekday_weights[d] for d in days]
    cdf = [sum(w[:k + 1]) / sum(w) for k in range(len(w))]
    return days[min(bisect.bisect_left(cdf, u), len(days) - 1)]


def test_no_sale_before_its_models_availability_nor_at_a_closed_dealer():
    # qualified leads buy without a drive, due 7 days after qualification (after the lead, before
    # launch): due from launch day on, while two of London's dealers and two models are not open /
    # on sale yet
    room = showroom(BUYS_WITHOUT_DRIVE).run_to(365, daily_leads(UK_LAUNCH - 14, 300))
    p = room.pipeline
    opening = {d.dealer_id: d.opening_day for d in p.dealers}
    assert len(p.sales) == len(p.leads)
    assert all(s.day >= p.available_day[s.model] and s.day >= opening[s.dealer] for s in p.sales)
    assert p.first_sale_day["UK"] == UK_LAUNCH
    preorders = 0
    for s in p.sales:
        lead = p.leads[s.lead]
        due = step_day(lead, "QUALIFIED") + 7  # a pre-launch reservation is handled when it is made
        if due <= UK_LAUNCH:  # a pre-order: registered on the first day cars can be sold
            assert s.day == UK_LAUNCH
            preorders += 1
        else:  # the first day from when it is due on the buyer's day of the week
            assert due <= s.day < due + 7
            assert p.weekday(s.day) == drawn_weekday(room.world, "UK", lead.u[LeadDraw.SALE_WEEKDAY])
        assert (lead.status, lead.status_day, lead.dealer_id) == ("WON", s.day, s.dealer)
    assert preorders and preorders < len(p.sales)
    sold_early = [s for s in p.sales if s.day < opening["DLR004"]]
    assert sold_early and {s.dealer for s in sold_early} == {"DLR001"}
    assert any(p.leads[s.lead].model != s.model for s in p.sales)  # a model not yet on sale was swapped


def test_sales_and_drives_fall_on_trading_days():
    # DE showrooms close on Sundays, UK showrooms on 25-26 December (and 1 January)
    leads = daily_leads(250, 355, per_day=3)
    for day, extra in daily_leads(250, 355, per_day=3, consumer0=DE_CONSUMERS).items():
        leads[day] = leads[day] + extra
    room = showroom(QUALIFIES, LONDON + BAYERN).run_to(365, leads)
    p = room.pipeline
    market = {d.dealer_id: d.cfg.market for d in p.dealers}
    de_sales = [s for s in p.sales if s.market == "DE"]
    assert de_sales and all(p.weekday(s.day) != 6 for s in de_sales)
    assert all(p.weekday(d.drive_day) != 6 for d in p.drives if market[d.dealer] == "DE")
    christmas = (358, 359)
    assert not [s for s in p.sales if s.market == "UK" and s.day in christmas]
    assert not [d for d in p.drives if market[d.dealer] == "UK" and d.drive_day in christmas]
    assert any(s.market == "UK" and s.day > 359 for s in p.sales)  # the UK kept selling after Christmas
    assert all(p.trades(s.market, s.day) for s in p.sales)


def test_a_purchase_due_before_launch_waits_for_availability():
    # a pre-order: due on day 207, registered on the first day a car can be sold (the UK launch)
    room = showroom(BUYS_WITHOUT_DRIVE).run_to(300, {200: [(1, "website_configurator")]})
    p = room.pipeline
    assert p.first_sale_day["UK"] == UK_LAUNCH and p.weekday(UK_LAUNCH) == 0 and p.trades("UK", UK_LAUNCH)
    (sale,) = p.sales
    assert (sale.day, sale.source, sale.dealer) == (UK_LAUNCH, "website", "DLR001")  # the only dealer open
    (lead,) = p.leads
    assert (lead.status, lead.status_day, lead.dealer_id, lead.won) == ("WON", UK_LAUNCH, "DLR001", True)


def test_a_won_lead_has_its_sale_at_list_price_less_discount():
    room = showroom().run_to(365, daily_leads(236, 330, per_day=4))
    p = room.pipeline
    sold = sales_by_lead(p)
    won = [lead for lead in p.leads if lead.status == "WON"]
    assert won and all(sold[lead.idx] for lead in won)
    assert {lead.idx for lead in p.leads if lead.won} == set(sold) - {-1}
    prices = {(m, t.name): t.price_gbp for m, vm in room.world.models.items() for t in vm.trims}
    for s in p.sales:
        assert s.terms.list_price_gbp == prices[(s.model, s.terms.trim)]
        assert s.terms.transaction_price_gbp == round(s.terms.list_price_gbp * (1 - s.terms.discount_pct / 100), 2)
    assert any(s.terms.discount_pct > 0 for s in p.sales)
