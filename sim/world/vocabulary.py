"""The words of the simulated world, each defined once.

Markets, channels, models and dealers are the scenario's own (read them from the
:class:`~sim.world.config.World`); what is fixed is how a visitor arrives, what a lead,
a drive and a sale can be. The schemas of the output tables and the engine both read these.
"""

from __future__ import annotations

# website channels of the analytics export (the extract's list), in the order of the sessions array
WEB_CHANNELS: tuple[str, ...] = ("organic_search", "paid_search", "social_paid", "social_organic", "direct",
                                 "display", "email", "referral", "video")
# website channels whose sessions are clicks on an ad (a platform's clicks that landed, decision 9)
PAID_WEB: tuple[str, ...] = ("paid_search", "social_paid", "display", "video")
# actions that are not a website visit: lead forms on platforms, showroom walk-ins, phone and fleet enquiries
LEAD_ARRIVALS: tuple[str, ...] = ("meta_lead_form", "google_lead", "linkedin_lead", "dealer_walk_in",
                                  "phone_enquiry", "fleet_enquiry")
ARRIVALS: tuple[str, ...] = WEB_CHANNELS + LEAD_ARRIVALS
DEALER_ARRIVALS: tuple[str, ...] = ("dealer_walk_in", "phone_enquiry")  # need an open showroom
# markets whose regions are geos of the regional (13-geo) panel and of the truth: the only regional media
REGIONAL_MARKETS: tuple[str, ...] = ("UK",)

LEAD_SOURCES: tuple[str, ...] = ("website_configurator", "website_test_drive", "meta_lead_form", "google_lead",
                                 "linkedin_lead", "event_signup", "dealer_walk_in", "phone_enquiry", "fleet_enquiry")
LEAD_STATUSES: tuple[str, ...] = ("NEW", "CONTACTED", "QUALIFIED", "TD_BOOKED", "TD_COMPLETED", "NEGOTIATION", "WON",
                                  "LOST")
TEST_DRIVE_STATUSES: tuple[str, ...] = ("BOOKED", "CONFIRMED", "COMPLETED", "NO_SHOW", "CANCELLED")
DRIVE_SOURCES: tuple[str, ...] = ("website", "dealer", "event", "fleet_day")
SALE_SOURCES: tuple[str, ...] = ("website", "test_drive", "walk_in", "fleet_enquiry", "referral")
SALE_TYPES: tuple[str, ...] = ("retail", "fleet", "salary_sacrifice")
