"""Views of the funnel in the event log: configurator_sessions, leads, test_drives,
vehicle_sales, events and the dealer reference table (website_analytics: :mod:`sim.exporters.web`).

What a sale is worth (trim, colour, discount, price) was decided in the engine
(:mod:`sim.engine.sales`) and is read from the log, so the truth values a sale exactly as
vehicle_sales.csv does. Reporting-only details (free text, configurator options) use the
exporter's rng, inside the conventions of ``[reporting.crm]``.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from sim.engine.log import NO_LEAD, EventLog
from sim.world.config import World


@functools.lru_cache(maxsize=8)
def _calendar(start: dt.date, n: int) -> np.ndarray:
    """ISO date strings of day 0 .. n-1 (days past the horizon occur: bookings, scheduled sales)."""
    return np.array([(start + dt.timedelta(days=i)).isoformat() for i in range(n)])


def _date(world: World, day) -> np.ndarray:
    days = np.asarray(day, dtype=int)
    return _calendar(world.run.start, world.run.days + 400)[days]


def whole_numbers(table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Integer columns that may be empty as pandas' nullable ``Int64``: built from rows with
    ``None``, they would otherwise be floats and be written as ``5.0``."""
    return table.astype({c: "Int64" for c in names if c in table.columns})


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


def configurator_sessions(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    """One row per configurator session; its options are drawn in a fixed order per session."""
    cfg = log.configurator
    rep = world.reporting.crm.configurator
    models = list(world.models)
    model_cdf = _choice_cdf([m.sales_share for m in world.models.values()])
    trim_cdf = {k: _choice_cdf([t.share for t in vm.trims]) for k, vm in world.models.items()}
    colours = list(world.sales.colours)
    colour_cdf = _choice_cdf(list(world.sales.colours.values()))
    dates = _date(world, [s.day for s in cfg]) if cfg else []
    rows = []
    for i, s in enumerate(cfg):
        # a session that became a lead configured the lead's model; others browse by model appeal
        key = s.model or models[_pick(rng, model_cdf)]
        vm = world.models[key]
        trim = vm.trims[_pick(rng, trim_cdf[key])]
        finance_chance = rep.finance_viewed_if_completed if s.completed else rep.finance_viewed_otherwise
        finance = bool(rng.random() < finance_chance)
        platform, camp = s.platform, s.campaign
        tag = rep.utm.get(platform) if camp is not None else None
        src, medium = (tag.source, tag.medium) if tag is not None else (None, None)
        if platform == "meta" and camp is not None:
            src = camp.breakdown.lower() or src
        started = f"{dates[i]}T{_time_of_day(int(rng.integers(*rep.start_seconds_of_day)))}"
        rows.append({
            "session_id": f"CFG-{i + 1:06d}", "start_timestamp": started,
            "market": s.market, "device": log.devices[s.device], "referral_source": s.arrival,
            "model_selected": key, "trim_selected": trim.name,
            "colour_selected": colours[_pick(rng, colour_cdf)],
            "wheels_selected": (vm.wheels[int(rng.random() < rep.second_wheel_option)] if len(vm.wheels) > 1
                                else vm.wheels[0]),
            "interior_selected": vm.interiors[int(rng.integers(len(vm.interiors)))],
            "accessories_added": int(rng.poisson(rep.accessories_mean)), "finance_option_viewed": finance,
            "monthly_payment_viewed": round(float(trim.price_gbp * rng.uniform(*rep.monthly_payment_share_of_price)),
                                            2) if finance else None,
            "completed": s.completed,
            "completion_time_seconds": round(float(rng.uniform(*rep.completion_seconds)), 0) if s.completed else None,
            "lead_submitted": s.lead is not None,
            "utm_source": src, "utm_medium": medium, "utm_campaign": camp.campaign_name if camp is not None else None,
        })
    return pd.DataFrame(rows)


def lead_id(idx: int) -> str:
    return f"LD-{idx + 1:06d}"


def leads(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    crm = log.leads
    created = np.array([lead.created for lead in crm], dtype=int)
    status_day = np.array([lead.status_day for lead in crm], dtype=int)
    dealer = [lead.dealer_id for lead in crm]
    names = {d.id: d.name for d in world.dealers}
    hours = [lead.first_response_hours for lead in crm]
    return pd.DataFrame({
        "lead_id": [lead_id(lead.idx) for lead in crm], "created_date": _date(world, created),
        "market": [lead.market for lead in crm],
        "source": [lead.source for lead in crm], "model_interest": [lead.model for lead in crm],
        "dealer_id": dealer, "lead_status": [lead.status for lead in crm], "status_date": _date(world, status_day),
        "days_in_pipeline": status_day - created, "assigned_dealer": [names.get(d) for d in dealer],
        "lead_score": [lead.score for lead in crm],
        "contact_attempts": [lead.contact_attempts if lead.contacted else 0 for lead in crm],
        "first_response_hours": [round(h, 1) if h is not None else None for h in hours],
        "customer_region": [lead.region for lead in crm],
    })


SALE_WITHIN_DAYS = 90  # test_drives.sale_within_90_days


def drive_id(idx: int) -> str:
    return f"TD-{idx + 1:06d}"


def test_drives(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    rep = world.reporting.crm.test_drives
    low, high = rep.feedback_score_range
    names = {d.id: d.name for d in world.dealers}
    market_of = {d.id: d.market for d in world.dealers}
    n_days = world.run.days
    drives = log.drives
    sold_on = {s.drive: s.day for s in log.sales if s.drive is not None}  # the sale that followed a drive
    booked = _date(world, [td.booking_day for td in drives]) if drives else []
    driven = _date(world, [td.drive_day for td in drives]) if drives else []
    rows = []
    for i, td in enumerate(drives):
        status = td.status
        if td.drive_day >= n_days or status == "BOOKED":
            status = "CONFIRMED" if td.drive_day - n_days < 3 else "BOOKED"
        done = status == "COMPLETED"
        score = min(max(round(rng.normal(rep.feedback_score_mean, rep.feedback_score_sd)), low), high) if done else None
        sale_day = sold_on.get(td.idx)
        sold = sale_day is not None and sale_day - td.drive_day <= SALE_WITHIN_DAYS
        rows.append({
            "booking_id": drive_id(td.idx), "booking_date": booked[i],
            "test_drive_date": driven[i], "market": market_of[td.dealer],
            "dealer_id": td.dealer, "dealer_name": names[td.dealer], "model": td.model,
            "source": td.source, "status": status, "lead_id": lead_id(td.lead),
            "feedback_score": score, "feedback_text": rep.feedback_text[score] if score else None,
            "duration_minutes": int(rng.integers(rep.duration_minutes[0],
                                                 rep.duration_minutes[1] + 1)) if done else None,
            "sale_within_90_days": bool(done and sold),
            "days_to_sale": sale_day - td.drive_day if (done and sold) else None,
        })
    return whole_numbers(pd.DataFrame(rows), ["feedback_score", "duration_minutes", "days_to_sale"])


def vehicle_sales(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    dealers = {d.id: d for d in world.dealers}
    dates = _date(world, [s.day for s in log.sales]) if log.sales else []
    rows = []
    for i, s in enumerate(log.sales):
        d, t = dealers[s.dealer], s.terms
        market = world.markets[s.market]
        rate = 1.0 if market.currency == "GBP" else world.run.eur_per_gbp
        rows.append({
            "sale_id": f"SL-{s.idx + 1:06d}", "sale_date": dates[i], "market": s.market,
            "dealer_id": d.id, "dealer_name": d.name, "dealer_region": d.region, "model": s.model,
            "trim": t.trim, "colour": t.colour, "sale_type": s.sale_type,
            "list_price_gbp": t.list_price_gbp, "transaction_price_gbp": t.transaction_price_gbp,
            "discount_pct": t.discount_pct, "finance_type": t.finance_type,
            "finance_term_months": t.finance_term_months, "lead_source": s.source,
            "days_from_lead": s.day - log.leads[s.lead].created if s.lead != NO_LEAD else None,
            "days_from_test_drive": s.day - log.drives[s.drive].drive_day if s.drive is not None else None,
            "customer_postcode_area": t.postcode_area,
            "currency": market.currency,
            "transaction_price_local": round(t.transaction_price_gbp * rate, 2),
            "lead_id": lead_id(s.lead) if s.lead != NO_LEAD else None,
            "booking_id": drive_id(s.drive) if s.drive is not None else None,
        })
    return whole_numbers(pd.DataFrame(rows), ["days_from_lead", "days_from_test_drive"])


def events(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    spend = log.media[log.media["channel"] == "events"]
    ev_spend = {}
    for a, v in zip(spend["attributes"], spend["spend"], strict=True):
        ev_spend[a["event_index"]] = ev_spend.get(a["event_index"], 0.0) + v
    imps = {}
    for a, v in zip(spend["attributes"], spend["impressions"], strict=True):
        imps[a["event_index"]] = imps.get(a["event_index"], 0) + int(v)
    rows = []
    for i, ev in enumerate(world.events):
        lead_set = set(log.event_leads.get(i, ()))
        completed = sum(1 for td in log.drives if td.lead in lead_set and td.source == "event"
                        and td.status == "COMPLETED")
        rows.append({
            "event_name": ev.name, "event_type": ev.type, "start_date": ev.start.isoformat(),
            "end_date": ev.end.isoformat(), "location": ev.location, "market": ev.market,
            "estimated_attendance": ev.attendance if i in ev_spend else 0, "media_impressions": imps.get(i, 0),
            "spend": round(ev_spend.get(i, 0.0), 2), "leads_generated": len(lead_set),
            "test_drives_completed": completed, "description": ev.description, "region": ev.region or None,
        })
    return pd.DataFrame(rows)


def dealers(world: World, log: EventLog, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame([{
        "dealer_id": d.id, "dealer_name": d.name, "dealer_group": d.group, "market": d.market, "region": d.region,
        "city": d.city, "is_launch_dealer": d.launch,
        "opening_date": (log.start + pd.Timedelta(days=log.dealer_opening_days[d.id])).date().isoformat(),
        "daily_test_drive_capacity": d.daily_test_drive_capacity,
    } for d in world.dealers])
