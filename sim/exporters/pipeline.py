"""Views of the funnel log: website_analytics, configurator_sessions, leads, test_drives,
vehicle_sales, events and the dealer reference table.

What a sale is worth (trim, colour, discount, price) is decided by :func:`sale_terms`, keyed by
the sale itself, so the truth module prices a sale exactly as vehicle_sales.csv does.
Reporting-only details (bounce rates, free text, configurator options) use the exporter's rng.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

import numpy as np
import pandas as pd

from sim.world.config import World
from sim.engine.consumers import WEB_CHANNELS
from sim.world.streams import Streams

# Reporting ranges from the extract (GA4-style session metrics); they never feed the simulation.
BOUNCE = {"paid_search": (0.35, 0.50), "social_paid": (0.55, 0.70), "social_organic": (0.55, 0.70),
          "direct": (0.25, 0.40)}
BOUNCE_DEFAULT = (0.35, 0.55)
UTM = {"google": ("google", "cpc"), "meta": ("facebook", "paid_social"), "tiktok": ("tiktok", "paid_social"),
       "linkedin": ("linkedin", "paid_social"), "dv360": ("dv360", "display"), "youtube": ("youtube", "video")}
FEEDBACK = {5: "Loved the drive, very refined", 4: "Impressive range and tech", 3: "Good but wants a second look",
            2: "Ride firmer than expected", 1: "Not for me"}


@functools.lru_cache(maxsize=8)
def _calendar(start: dt.date, n: int) -> np.ndarray:
    """ISO date strings of day 0 .. n-1 (days past the horizon occur: bookings, scheduled sales)."""
    return np.array([(start + dt.timedelta(days=i)).isoformat() for i in range(n)])


def _date(world: World, day) -> np.ndarray:
    days = np.asarray(day, dtype=int)
    return _calendar(world.run.start, world.run.days + 400)[days]


def website_analytics(world: World, model, rng: np.random.Generator) -> pd.DataFrame:
    d, m, c, v = np.nonzero(model.sessions)
    sessions = model.sessions[d, m, c, v]
    new = model.new_users[d, m, c, v]
    cfg = pd.DataFrame(model.configurator)
    goals = np.zeros_like(sessions)
    if len(cfg):
        key = cfg.groupby(["day", "market", "arrival", "device"]).size()
        lookup = {k: n for k, n in key.items()}
        goals = np.array([lookup.get((int(a), model.markets[b], WEB_CHANNELS[cc], int(dd)), 0)
                          for a, b, cc, dd in zip(d, m, c, v)])
    users = np.maximum(new, np.round(sessions * rng.uniform(0.80, 0.92, len(sessions)))).astype(int)
    channel = np.array(WEB_CHANNELS)[c]
    lo = np.array([BOUNCE.get(ch, BOUNCE_DEFAULT)[0] for ch in channel])
    hi = np.array([BOUNCE.get(ch, BOUNCE_DEFAULT)[1] for ch in channel])
    pages = rng.uniform(2.0, 6.0, len(sessions))
    return pd.DataFrame({
        "date": _date(world, d), "channel": channel, "device": np.array(model.population.devices)[v],
        "market": np.array(model.markets)[m], "sessions": sessions, "users": np.minimum(users, sessions),
        "new_users": np.minimum(new, np.minimum(users, sessions)),
        "bounce_rate": np.round(rng.uniform(lo, hi), 4), "pages_per_session": np.round(pages, 2),
        "avg_session_duration_seconds": np.round(rng.uniform(120, 300, len(sessions)), 1),
        "goal_completions": goals, "events_count": np.round(sessions * pages * rng.uniform(1.2, 1.8, len(sessions))).astype(int),
    })


def _choice_cdf(weights) -> np.ndarray:
    """Cumulative probabilities exactly as ``Generator.choice(n, p=weights / sum)`` builds them,
    so ``cdf.searchsorted(rng.random(), side="right")`` is the same draw without choice's overhead."""
    p = np.asarray(weights, dtype=float)
    cdf = (p / p.sum()).cumsum()
    cdf /= cdf[-1]
    return cdf


def _pick(rng: np.random.Generator, cdf: np.ndarray) -> int:
    return int(cdf.searchsorted(rng.random(), side="right"))


def _time_of_day(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def configurator_sessions(world: World, model, rng: np.random.Generator) -> pd.DataFrame:
    """One row per configurator session; its options are drawn in a fixed order per session."""
    cfg = model.configurator
    models = list(world.models)
    model_cdf = _choice_cdf([m.sales_share for m in world.models.values()])
    trim_cdf = {k: _choice_cdf([t.share for t in vm.trims]) for k, vm in world.models.items()}
    colours = list(world.sales.colours)
    colour_cdf = _choice_cdf(list(world.sales.colours.values()))
    dates = _date(world, [s["day"] for s in cfg]) if cfg else []
    rows = []
    for i, s in enumerate(cfg):
        # a session that became a lead configured the lead's model; others browse by model appeal
        key = s["model"] or models[_pick(rng, model_cdf)]
        vm = world.models[key]
        trim = vm.trims[_pick(rng, trim_cdf[key])]
        finance = bool(rng.random() < (0.6 if s["completed"] else 0.3))
        platform, camp = s["platform"], s["campaign"]
        src, medium = UTM.get(platform, (None, None)) if camp is not None else (None, None)
        if platform == "meta" and camp is not None:
            src = camp[2].lower() or src
        started = f"{dates[i]}T{_time_of_day(int(rng.integers(7 * 3600, 23 * 3600)))}"
        rows.append({
            "session_id": f"CFG-{i + 1:06d}", "start_timestamp": started,
            "market": s["market"], "device": model.population.devices[s["device"]], "referral_source": s["arrival"],
            "model_selected": key, "trim_selected": trim.name,
            "colour_selected": colours[_pick(rng, colour_cdf)],
            "wheels_selected": vm.wheels[int(rng.random() < 0.35)] if len(vm.wheels) > 1 else vm.wheels[0],
            "interior_selected": vm.interiors[int(rng.integers(len(vm.interiors)))],
            "accessories_added": int(rng.poisson(1.2)), "finance_option_viewed": finance,
            "monthly_payment_viewed": round(float(trim.price_gbp * rng.uniform(0.011, 0.016)), 2) if finance else None,
            "completed": s["completed"],
            "completion_time_seconds": round(float(rng.uniform(240, 480)), 0) if s["completed"] else None,
            "lead_submitted": s["lead"] is not None,
            "utm_source": src, "utm_medium": medium, "utm_campaign": camp[1] if camp is not None else None,
        })
    return pd.DataFrame(rows)


def lead_ids(model) -> list[str]:
    return [f"LD-{i + 1:06d}" for i in range(len(model.pipeline.leads))]


def leads(world: World, model, rng: np.random.Generator) -> pd.DataFrame:
    crm = model.pipeline.leads
    created = np.array([lead.created for lead in crm], dtype=int)
    status_day = np.array([lead.status_day for lead in crm], dtype=int)
    dealer = [lead.dealer_id for lead in crm]
    hours = [lead.first_response_hours for lead in crm]
    return pd.DataFrame({
        "lead_id": lead_ids(model), "created_date": _date(world, created), "market": [lead.market for lead in crm],
        "source": [lead.source for lead in crm], "model_interest": [lead.model for lead in crm],
        "dealer_id": dealer, "lead_status": [lead.status for lead in crm], "status_date": _date(world, status_day),
        "days_in_pipeline": status_day - created, "assigned_dealer": dealer,
        "lead_score": [lead.score for lead in crm],
        "contact_attempts": [lead.contact_attempts if lead.contacted else 0 for lead in crm],
        "first_response_hours": [round(h, 1) if h is not None else None for h in hours],
    })


def test_drives(world: World, model, rng: np.random.Generator) -> pd.DataFrame:
    ids = lead_ids(model)
    names = {d.id: d.name for d in world.dealers}
    market_of = {d.id: d.market for d in world.dealers}
    n_days = world.run.days
    drives = model.pipeline.drives
    booked = _date(world, [td["booking_day"] for td in drives]) if drives else []
    driven = _date(world, [td["drive_day"] for td in drives]) if drives else []
    rows = []
    for i, td in enumerate(drives):
        status = td["status"]
        if td["drive_day"] >= n_days or status == "BOOKED":
            status = "CONFIRMED" if td["drive_day"] - n_days < 3 else "BOOKED"
        done = status == "COMPLETED"
        score = min(max(round(rng.normal(4.2, 0.6)), 1), 5) if done else None
        sold = td["sale_day"] is not None and td["sale_day"] < n_days
        rows.append({
            "booking_id": f"TD-{td['td'] + 1:06d}", "booking_date": booked[i],
            "test_drive_date": driven[i], "market": market_of[td["dealer"]],
            "dealer_id": td["dealer"], "dealer_name": names[td["dealer"]], "model": td["model"],
            "source": td["source"], "status": status, "lead_id": ids[td["lead"]],
            "feedback_score": score, "feedback_text": FEEDBACK[score] if score else None,
            "duration_minutes": int(rng.integers(30, 61)) if done else None,
            "sale_within_90_days": bool(done and sold),
            "days_to_sale": td["sale_day"] - td["drive_day"] if (done and sold) else None,
        })
    return pd.DataFrame(rows)


def _cdf(shares: list[float]) -> list[float]:
    """Cumulative shares scaled to end at 1 (a list: bisect on a few floats beats numpy's call overhead)."""
    cum = np.cumsum(shares)
    return (cum / cum[-1]).tolist()


class SalePricing:
    """The world's price lists as :func:`sale_terms` reads them, prepared once for many sales."""

    def __init__(self, world: World):
        self.world = world
        self.trims = {key: (vm.trims, _cdf([t.share for t in vm.trims])) for key, vm in world.models.items()}
        self.colours = list(world.sales.colours)
        self.colour_cdf = _cdf(list(world.sales.colours.values()))
        self.finance = list(world.sales.finance)
        self.finance_cdf = _cdf(list(world.sales.finance.values()))
        self.discount = {month: next((r for k, r in world.sales.discount_pct.items()
                                      if int(k.split("-")[0]) <= month <= int(k.split("-")[1])), (0.0, 0.0))
                         for month in range(1, 13)}

    def terms(self, streams: Streams, sale: dict) -> dict:
        """Trim, colour, price, discount and finance of one sale, keyed by the sale itself."""
        world = self.world
        u = streams.generator("sale_terms", sale["consumer"], sale["day"], sale["unit"], sale["source"]).random(8)
        trims, trim_cdf = self.trims[sale["model"]]
        trim = trims[min(bisect.bisect_left(trim_cdf, u[0]), len(trims) - 1)]
        colour = self.colours[min(bisect.bisect_left(self.colour_cdf, u[1]), len(self.colours) - 1)]
        month = (world.run.start + dt.timedelta(days=sale["day"])).month
        lo, hi = self.discount[month]
        discount = round(lo + (hi - lo) * u[2], 2)
        finance = self.finance[min(bisect.bisect_left(self.finance_cdf, u[3]), len(self.finance) - 1)]
        terms = world.sales.finance_terms[finance]
        price = trim.price_gbp * (1 - discount / 100)
        return {"trim": trim.name, "colour": colour, "list_price_gbp": trim.price_gbp, "discount_pct": discount,
                "transaction_price_gbp": round(price, 2), "finance_type": finance,
                "finance_term_months": terms[min(int(u[4] * len(terms)), len(terms) - 1)], "u": u}


def sale_terms(world: World, streams: Streams, sale: dict) -> dict:
    """Trim, colour, price, discount and finance of one sale, keyed by the sale itself."""
    return SalePricing(world).terms(streams, sale)


def sale_revenue(world: World, streams: Streams, sales: list[dict]) -> np.ndarray:
    pricing = SalePricing(world)
    return np.array([pricing.terms(streams, s)["transaction_price_gbp"] for s in sales])


def vehicle_sales(world: World, model, rng: np.random.Generator) -> pd.DataFrame:
    dealers = {d.id: d for d in world.dealers}
    leads_ = model.pipeline.leads
    drives = model.pipeline.drives
    seg_region = model.population.segments["region"].to_numpy()
    pricing = SalePricing(world)
    sales = model.pipeline.sales
    dates = _date(world, [s["day"] for s in sales]) if sales else []
    rows = []
    for i, s in enumerate(sales):
        t = pricing.terms(model.streams, s)
        d = dealers[s["dealer"]]
        lead = leads_[s["lead"]] if s["lead"] >= 0 else None
        region = seg_region[model.population.segment[s["consumer"]]] if s["consumer"] >= 0 else d.region
        areas = world.markets[s["market"]].postcode_areas.get(region) or world.markets[s["market"]].postcode_areas[d.region]
        rate = 1.0 if world.markets[s["market"]].currency == "GBP" else world.run.eur_per_gbp
        rows.append({
            "sale_id": f"SL-{s['sale'] + 1:06d}", "sale_date": dates[i], "market": s["market"],
            "dealer_id": d.id, "dealer_name": d.name, "dealer_region": d.region, "model": s["model"],
            "trim": t["trim"], "colour": t["colour"], "sale_type": s["sale_type"],
            "list_price_gbp": t["list_price_gbp"], "transaction_price_gbp": t["transaction_price_gbp"],
            "discount_pct": t["discount_pct"], "finance_type": t["finance_type"],
            "finance_term_months": t["finance_term_months"], "lead_source": s["source"],
            "days_from_lead": s["day"] - lead.created if lead else None,
            "days_from_test_drive": s["day"] - drives[s["td"]]["drive_day"] if s["td"] is not None else None,
            "customer_postcode_area": areas[int(t["u"][5] * len(areas)) % len(areas)],
            "currency": world.markets[s["market"]].currency,
            "transaction_price_local": round(t["transaction_price_gbp"] * rate, 2),
        })
    return pd.DataFrame(rows)


def events(world: World, model, rng: np.random.Generator) -> pd.DataFrame:
    spend = model.delivered[model.delivered["channel"] == "events"]
    ev_spend = {}
    for a, v in zip(spend["attributes"], spend["spend"]):
        ev_spend[a["event_index"]] = ev_spend.get(a["event_index"], 0.0) + v
    imps = {}
    for a, v in zip(spend["attributes"], spend["impressions"]):
        imps[a["event_index"]] = imps.get(a["event_index"], 0) + int(v)
    drives = model.pipeline.drives
    rows = []
    for i, ev in enumerate(world.events):
        lead_set = set(model.event_leads[i])
        completed = sum(1 for td in drives if td["lead"] in lead_set and td["source"] == "event"
                        and td["status"] == "COMPLETED")
        rows.append({
            "event_name": ev.name, "event_type": ev.type, "start_date": ev.start.isoformat(),
            "end_date": ev.end.isoformat(), "location": ev.location, "market": ev.market,
            "estimated_attendance": ev.attendance if i in ev_spend else 0, "media_impressions": imps.get(i, 0),
            "spend": round(ev_spend.get(i, 0.0), 2), "leads_generated": len(lead_set),
            "test_drives_completed": completed, "description": ev.description,
        })
    return pd.DataFrame(rows)


def dealers(world: World, model, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame([{
        "dealer_id": d.id, "dealer_name": d.name, "dealer_group": d.group, "market": d.market, "region": d.region,
        "city": d.city, "is_launch_dealer": d.launch, "opening_date": world.dealer_opening(d).isoformat(),
        "daily_test_drive_capacity": d.daily_test_drive_capacity,
    } for d in world.dealers])
