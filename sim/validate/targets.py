"""The one table of numeric targets: every number the extract states, as a :class:`Target`.

Each row carries the extract's words, its priority, the goal with its tolerance and how the
achieved value is measured, so the report can show all four. Extract-level constants (the
plan's figures the extract quotes) and shared tolerances are named here, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.schemas import CHANNEL_TABLES, CHANNELS, CONTRACTS, CONTRACTS_DIR, TABLES
from sim.validate.consistency import (
    adstock_decay,
    column_sum_deviation,
    ctr_deviation,
    mmm_spend_vs_raw,
    mmm_units_vs_raw,
    model_ready_deviation,
)
from sim.validate.exports import export_targets
from sim.validate.formatting import MONTH_NAMES
from sim.validate.funnel import (
    configurator_start_rate,
    contract_lines,
    count_ratio,
    dealer_share,
    discount_goal,
    discount_months,
    feedback_std,
    launch_dealer_share,
    lead_score_correlation,
    lead_source_share,
    lead_stage_share,
    opens_on_launch,
    opens_sep_to_nov,
    prelaunch_conversion_ratio,
    qualified_booking,
    resolved_drive_share,
    response_quantile,
    row_count,
    uk_sales_share,
    weekend_share,
)
from sim.validate.goals import Goal, about, above, at_least, at_most, below, between, equals
from sim.validate.measures import (
    channel_spend,
    competitor_annual,
    contains,
    count_of,
    horizon_months,
    market_spend_share,
    mean_of,
    mode_of,
    month_spend,
    month_spend_share,
    months,
    months_with_rows,
    most_on_one_day,
    normalised_multiplier,
    not_measured,
    organic_growth,
    other_than,
    ours_over_biggest_competitor,
    paid_sessions_per_click,
    ratio_of,
    raw_spend_total,
    share_of,
    span_of,
    startswith,
    top_two_months,
    tv_span,
    uk_econ,
    uk_registration_peaks,
    uk_registrations,
    web_month_span,
    web_monthly,
    web_spend_correlation,
)
from sim.validate.results import Target
from sim.world.vocabulary import PAID_WEB

if TYPE_CHECKING:
    from sim.world.config import World

# Tolerances used by many rows of the table below (shares are fractions: 0.05 = 5 pp).
SHARE_PP = 0.05
SMALL_SHARE_PP = 0.02
ROW_COUNT_REL = 0.20
BUDGET_REL = 0.05
SALES_REL = 0.10
CTR_ROUNDING = 0.00005  # half a unit of the 4th decimal: ctr written with >= 4 decimals
SUM_ROUNDING = 2e-5  # relative: values are written to 6 significant digits
MMM_REL = 0.01  # weekly tables vs raw files (a week calendar may clip a day at either end)
EXTRACT_BUDGET_GBP = 20_000_000
DIGITAL = ("meta", "google", "dv360", "tiktok", "youtube", "linkedin")
EXTRACT_DECAY = {"tv": 0.85, "ooh": 0.70, "print": 0.60, "radio": 0.50, **{c: 0.40 for c in DIGITAL}}
QUICK_REFERENCE = {  # channel: (Sep, Jan) monthly figures of the quick-reference budget table
    "tv": (1_250_000, 150_000), "ooh": (625_000, 75_000), "youtube": (500_000, 60_000),
    "meta": (417_000, 50_000), "google": (333_000, 40_000), "dv360": (292_000, 35_000),
    "tiktok": (208_000, 25_000), "events": (125_000, 15_000), "print": (125_000, 15_000),
    "radio": (83_000, 10_000), "linkedin": (83_000, 10_000), None: (4_167_000, 500_000),
}
LEAD_STAGES = {"CONTACTED": 0.85, "QUALIFIED": 0.60, "TD_BOOKED": 0.45, "TD_COMPLETED": 0.35, "NEGOTIATION": 0.20,
               "WON": 0.12}
LEAD_SOURCE_GROUPS = {  # the extract's groups, over the source values of leads.csv
    "website": (("website_configurator", "website_test_drive"), 0.40),
    "social": (("meta_lead_form", "google_lead", "linkedin_lead"), 0.25),
    "events": (("event_signup",), 0.10),
    "dealer": (("dealer_walk_in", "phone_enquiry"), 0.15),
    "fleet": (("fleet_enquiry",), 0.10),
}
SALE_TYPES = {"retail": 0.55, "fleet": 0.30, "salary_sacrifice": 0.15}
COMPETITOR_ANNUAL = {"BYD": 30_000_000, "Tesla": 5_000_000, "MG": 15_000_000, "Hyundai_Ioniq": 20_000_000,
                     "Xpeng": 8_000_000}
RADIO_DAYPARTS = {"breakfast_drive": 0.60, "daytime": 0.25, "evening_drive": 0.15}
SHARE_OF_VOICE_REL = 0.15
MARKET_SPLIT_PP = 0.03


def _share_tol(share: float) -> float:
    return SHARE_PP if share >= 0.10 else SMALL_SHARE_PP


def _hard_targets() -> list[Target]:
    ctr_tables = [n for n, s in TABLES.items() if {"ctr", "clicks", "impressions"} <= set(s.schema.columns)]
    spend_parts = tuple(f"{c}_spend" for c in CHANNELS)
    out = [Target(f"ctr.{n}", "CTR = clicks/impressions (within rounding tolerance)", 1, at_most(CTR_ROUNDING),
                  "largest |ctr - clicks / impressions| over the rows (0 expected without impressions)",
                  ctr_deviation(n), "number", 10) for n in ctr_tables]
    out += [
        Target("mmm.total_spend", "total_spend (weekly_channel_spend.csv)", 1, at_most(SUM_ROUNDING),
               "largest |total_spend - sum of the 11 channel columns| / total_spend over the weeks",
               column_sum_deviation("weekly_channel_spend", "total_spend", spend_parts), "number"),
        Target("mmm.total_units", "total_units (weekly_sales.csv)", 1, at_most(0),
               "largest |total_units - (uk + de + fr units)| over the weeks (relative)",
               column_sum_deviation("weekly_sales", "total_units", ("uk_units", "de_units", "fr_units")), "number"),
        Target("mmm.total_revenue", "total_revenue (weekly_sales.csv)", 1, at_most(SUM_ROUNDING),
               "largest |total_revenue - (uk + de + fr revenue)| / total_revenue over the weeks",
               column_sum_deviation("weekly_sales", "total_revenue",
                                    ("uk_revenue", "de_revenue", "fr_revenue")), "number"),
        Target("mmm.model_ready_join", "model_ready: week_start + channel spend + sales columns, fully joined", 1,
               at_most(SUM_ROUNDING), "largest relative difference between a model_ready column and the same column of "
               "weekly_channel_spend / weekly_sales in the same week", model_ready_deviation, "number"),
    ]
    return out


def _total_targets() -> list[Target]:
    out = [
        Target("budget.total.extract", "Total annual spend across all channel CSVs must sum to ~£20M (±5%)", 2,
               about(EXTRACT_BUDGET_GBP, rel=BUDGET_REL), "sum of the spend column of every CSV in raw/",
               raw_spend_total, "gbp", 3),
        Target("budget.total.plan", "TOTAL: £20,000,000 (the plan's channel budgets)", 2,
               lambda w: about(sum(c.budget_gbp for c in w.media.channels.values()), rel=BUDGET_REL),
               "sum of the spend column of every CSV in raw/, against the scenario's channel budgets",
               raw_spend_total, "gbp", 3),
    ]
    out += [Target(f"budget.{c}", f"{c} annual spend ~ its channel budget (±5%)", 2,
                   lambda w, c=c: about(w.media.channels[c].budget_gbp if c in w.media.channels else 0.0,
                                        rel=BUDGET_REL),
                   f"sum of spend in {TABLES[CHANNEL_TABLES[c]].path}", channel_spend(c), "gbp", 3) for c in CHANNELS]
    out += [Target(f"sales.{m}", f"Total units: {m} (±10%)", 2,
                   lambda w, m=m: about(w.sales.target_units.get(m, 0), rel=SALES_REL),
                   f"rows of vehicle_sales.csv with market {m}", count_of("vehicle_sales", market=m), "count", 4)
            for m in ("UK", "DE", "FR")]
    out += [
        Target("sales.total", "Total units ~4,600 (±10%)", 2,
               lambda w: about(sum(w.sales.target_units.values()), rel=SALES_REL),
               "rows of vehicle_sales.csv", row_count("vehicle_sales"), "count", 4),
        Target("mmm.spend_vs_raw", "Aggregate daily digital spend to weekly; sum traditional media to weekly", 2,
               at_most(MMM_REL),
               "largest relative gap between a channel's weekly_channel_spend total and its raw spend",
               mmm_spend_vs_raw, "share"),
        Target("mmm.units_vs_raw", "weekly_sales: units per week from vehicle_sales", 2, at_most(MMM_REL),
               "relative gap between the sum of weekly total_units and the rows of vehicle_sales.csv",
               mmm_units_vs_raw, "share"),
    ]
    return out


def _row_targets() -> list[Target]:
    out = [Target(f"rows.{n}", f"{s.path}: ~{s.expected_rows:,} rows (±20%)", 3,
                  about(s.expected_rows, rel=ROW_COUNT_REL),
                  "data rows of the file", row_count(n), "count", 2)
           for n, s in TABLES.items() if s.expected_rows is not None]
    out += [Target(f"rows.contract.{f.removesuffix('.md')}", f"{CONTRACTS_DIR}/{f}: ~{n} lines (±20%)", 3,
                   about(n, rel=ROW_COUNT_REL), "lines of the markdown file", contract_lines(f), "count", 2)
            for f, n in CONTRACTS.items()]
    out += [
        Target("rows.uk_dealers", "UK DEALER LIST (50 dealers): DLR001-DLR050", 3, between(50, 50),
               "UK rows of dealers.csv", count_of("dealers", market="UK"), "count", 2),
        Target("funnel.leads_over_test_drives", "Leads > test drives > sales", 3, above(1.0),
               "rows of leads.csv / rows of test_drives.csv", count_ratio("leads", "test_drives"), "number", 7),
        Target("funnel.test_drives_over_sales", "Leads > test drives > sales", 3, above(1.0),
               "rows of test_drives.csv / rows of vehicle_sales.csv", count_ratio("test_drives",
                                                                                  "vehicle_sales"), "number", 7),
        Target("funnel.sessions_over_completed", "Configurator sessions > completed > lead_submitted", 3, above(1.0),
               "configurator sessions / completed sessions",
               count_ratio("configurator_sessions", "configurator_sessions",
                           den_where={"completed": True}), "number", 7),
        Target("funnel.completed_over_leads", "Configurator sessions > completed > lead_submitted", 3, above(1.0),
               "completed sessions / sessions with lead_submitted",
               count_ratio("configurator_sessions", "configurator_sessions", {"completed": True},
                           {"lead_submitted": True}),
               "number", 7),
    ]
    return out


def _media_rate_targets() -> list[Target]:
    t = Target
    split = [t(f"budget.market.{m}", f"Markets & budget split: {m} {share:.0%} of total budget", 4,
               lambda w, m=m: about(w.markets[m].budget_share, tol=MARKET_SPLIT_PP),
               f"share of the channel tables' spend with market {m}", market_spend_share(m), "share", 3)
             for m, share in (("UK", 0.72), ("DE", 0.20), ("FR", 0.08))]
    return split + [
        t("meta.awareness.ctr", "Meta awareness campaigns: CTR 0.5-1.5%", 4, between(0.005, 0.015),
          "clicks / impressions, objective awareness", ratio_of("meta_ads", "clicks", "impressions",
                                                                objective="awareness"), "share"),
        t("meta.awareness.cpm", "Meta awareness campaigns: CPM £4-6", 4, between(4, 6),
          "1000 x spend / impressions, objective awareness",
          ratio_of("meta_ads", "spend", "impressions", 1000, objective="awareness"), "gbp2"),
        t("meta.lead_gen.ctr", "Meta lead gen campaigns: CTR 1-3%", 4, between(0.01, 0.03),
          "clicks / impressions, objective lead_gen", ratio_of("meta_ads", "clicks", "impressions",
                                                               objective="lead_gen"), "share"),
        t("meta.lead_gen.cpm", "Meta lead gen campaigns: CPM £6-10", 4, between(6, 10),
          "1000 x spend / impressions, objective lead_gen",
          ratio_of("meta_ads", "spend", "impressions", 1000, objective="lead_gen"), "gbp2"),
        t("meta.lead_gen.cpl", "Meta lead gen campaigns: cost_per_lead £15-40", 4, between(15, 40),
          "spend / leads, objective lead_gen", ratio_of("meta_ads", "spend", "leads", objective="lead_gen"), "gbp2"),
        t("meta.traffic.ctr", "Meta traffic campaigns: CTR 1-2%", 4, between(0.01, 0.02),
          "clicks / impressions, objective traffic", ratio_of("meta_ads", "clicks", "impressions",
                                                              objective="traffic"), "share"),
        t("meta.traffic.cpc", "Meta traffic campaigns: CPC £0.30-0.80", 4, between(0.30, 0.80),
          "spend / clicks, objective traffic", ratio_of("meta_ads", "spend", "clicks", objective="traffic"), "gbp2"),
        t("meta.prelaunch_awareness", "Meta pre-launch (Jan-Aug): only awareness + teaser", 4, at_least(0.999),
          "share of Jan-Aug Meta spend with objective awareness",
          share_of("meta_ads", "objective", ("awareness",), "spend", date=months(*range(1, 9))), "share"),
        t("meta.campaigns_active", "Meta: ~10 campaigns active at various times", 4, about(10, rel=0.5),
          "largest number of distinct campaign_id on one day (all markets)",
          most_on_one_day("meta_ads", "campaign_id"), "count"),
        t("google.brand.ctr", "Google brand search: CTR 5-15%", 4, between(0.05, 0.15),
          "clicks / impressions, search rows with keyword_group brand*",
          ratio_of("google_ads", "clicks", "impressions", campaign_type="search",
                   keyword_group=startswith("brand")), "share"),
        t("google.brand.cpc", "Google brand search: CPC £0.50-1.50", 4, between(0.50, 1.50),
          "spend / clicks, brand search", ratio_of("google_ads", "spend", "clicks", campaign_type="search",
                                                   keyword_group=startswith("brand")), "gbp2"),
        t("google.brand.quality", "Google brand search: quality score 7-9", 4, between(7, 9),
          "mean quality_score, brand search", mean_of("google_ads", "quality_score", campaign_type="search",
                                                      keyword_group=startswith("brand")), "number"),
        t("google.generic.ctr", "Google generic search (\"electric SUV\"): CTR 1-3%", 4, between(0.01, 0.03),
          "clicks / impressions, search rows not brand*",
          ratio_of("google_ads", "clicks", "impressions", campaign_type="search",
                   keyword_group=lambda s: ~s.str.startswith("brand")), "share"),
        t("google.generic.cpc", "Google generic search: CPC £2-5", 4, between(2, 5), "spend / clicks, generic search",
          ratio_of("google_ads", "spend", "clicks", campaign_type="search",
                   keyword_group=lambda s: ~s.str.startswith("brand")),
          "gbp2"),
        t("google.generic.quality", "Google generic search: quality score 5-7", 4, between(5, 7),
          "mean quality_score, generic search", mean_of("google_ads", "quality_score", campaign_type="search",
                                                        keyword_group=lambda s: ~s.str.startswith("brand")), "number"),
        t("google.pmax.ctr", "Google PMax: blended metrics, CTR 2-5%", 4, between(0.02, 0.05),
          "clicks / impressions, campaign_type pmax", ratio_of("google_ads", "clicks", "impressions",
                                                               campaign_type="pmax"), "share"),
        t("dv360.display.ctr", "DV360 display CTR: 0.05-0.30%", 4, between(0.0005, 0.003),
          "clicks / impressions, creative sizes other than video_pre-roll",
          ratio_of("dv360", "clicks", "impressions", creative_size=other_than("video_pre-roll")), "share"),
        t("dv360.video.completion", "DV360 video completion rate: 60-80%", 4, between(0.60, 0.80),
          "video_completions / impressions, video_pre-roll rows that report completions",
          ratio_of("dv360", "video_completions", "impressions", creative_size="video_pre-roll",
                   video_completion_rate=lambda s: s.notna()), "share"),
        t("dv360.viewability", "DV360 viewability: 70%+ (target)", 4, at_least(0.70),
          "viewable_impressions / impressions",
          ratio_of("dv360", "viewable_impressions", "impressions"), "share"),
        t("tiktok.cpm", "TikTok CPM: £1-3 (cheapest reach)", 4, between(1, 3), "1000 x spend / impressions",
          ratio_of("tiktok_ads", "spend", "impressions", 1000), "gbp2"),
        t("tiktok.ctr", "TikTok CTR: 0.3-1.0% (low click intent)", 4, between(0.003, 0.010), "clicks / impressions",
          ratio_of("tiktok_ads", "clicks", "impressions"), "share"),
        t("tiktok.view_rate", "TikTok video view rate: 15-30%", 4, between(0.15, 0.30), "video_views / impressions",
          ratio_of("tiktok_ads", "video_views", "impressions"), "share"),
        t("tiktok.watch_time", "TikTok avg watch time: 3-8 seconds", 4, between(3, 8),
          "mean avg_watch_time_seconds weighted by video_views",
          mean_of("tiktok_ads", "avg_watch_time_seconds", "video_views"), "seconds"),
        t("youtube.trueview.view_rate", "YouTube TrueView: view rate 30-50%", 4, between(0.30, 0.50),
          "views / impressions, format TrueView", ratio_of("youtube_ads", "views", "impressions",
                                                           format="TrueView"), "share"),
        t("youtube.trueview.cpv", "YouTube TrueView: CPV £0.01-0.04", 4, between(0.01, 0.04), "spend / views, TrueView",
          ratio_of("youtube_ads", "spend", "views", format="TrueView"), "gbp2"),
        t("youtube.bumper.cpm", "YouTube Bumper (6s): CPM £3-6", 4, between(3, 6), "1000 x spend / impressions, Bumper",
          ratio_of("youtube_ads", "spend", "impressions", 1000, format="Bumper"), "gbp2"),
        t("youtube.shorts.cpm", "YouTube Shorts: CPM £1-2", 4, between(1, 2), "1000 x spend / impressions, Shorts",
          ratio_of("youtube_ads", "spend", "impressions", 1000, format="Shorts"), "gbp2"),
        t("youtube.shorts.view_rate", "YouTube Shorts: view rate 10-20%", 4, between(0.10, 0.20),
          "views / impressions, Shorts", ratio_of("youtube_ads", "views", "impressions", format="Shorts"), "share"),
        t("youtube.earned_views", "YouTube earned views ~5-10% of paid views", 4, between(0.05, 0.10),
          "earned_views / views", ratio_of("youtube_ads", "earned_views", "views"), "share"),
        t("linkedin.cpm", "LinkedIn CPM: £12-25 (premium B2B)", 4, between(12, 25), "1000 x spend / impressions",
          ratio_of("linkedin_ads", "spend", "impressions", 1000), "gbp2"),
        t("linkedin.ctr", "LinkedIn CTR: 0.3-0.8%", 4, between(0.003, 0.008), "clicks / impressions",
          ratio_of("linkedin_ads", "clicks", "impressions"), "share"),
        t("linkedin.cpl", "LinkedIn cost per lead: £30-80", 4, between(30, 80), "spend / leads",
          ratio_of("linkedin_ads", "spend", "leads"), "gbp2"),
    ]


def _traditional_targets() -> list[Target]:
    t = Target
    linear = lambda s: ~s.str.endswith("_BVOD")  # noqa: E731 - a selector, read as a word
    out = [
        t("tv.bvod_share", "TV split: Linear ~70%, BVOD ~30%", 4, about(0.30, tol=SHARE_PP),
          "share of TV spend on *_BVOD broadcasters",
          share_of("tv_performance", "broadcaster", lambda s: s.str.endswith("_BVOD"), "spend"), "share"),
        t("tv.weekly_grps", "TV GRPs: 50-150 per week during active flights", 4, between(50, 150),
          "min … max over weeks with TV spend of the week's summed grps", tv_span("grps"), "number"),
        t("tv.weekly_reach", "TV reach: 20-40% of adult population per week", 4, between(20, 40),
          "min … max over active weeks of 1 - prod(1 - reach_pct) across the week's rows", tv_span("reach"), "pct"),
        t("tv.weekly_frequency", "TV frequency: 3-6 per week", 4, between(3, 6),
          "min … max over active weeks of weekly GRPs / weekly reach", tv_span("frequency"), "number"),
        # CPP x 50-150 GRPs a week over the flights costs several times the TV budget: CPP yields
        t("tv.peak_cpp", "TV peak CPP: £25,000-40,000", 4, between(25_000, 40_000), "spend / grps, linear peak rows",
          ratio_of("tv_performance", "spend", "grps", daypart="peak", broadcaster=linear), "gbp",
          yields_to=("budget.tv",)),
        t("tv.offpeak_cpp", "TV off-peak CPP: £8,000-15,000", 4, between(8_000, 15_000),
          "spend / grps, linear rows outside peak", ratio_of("tv_performance", "spend", "grps",
                                                             daypart=other_than("peak"), broadcaster=linear), "gbp",
          yields_to=("budget.tv",)),
        t("ooh.digital_share", "OOH: Digital ~55%, Classic ~45%", 4, about(0.55, tol=SHARE_PP),
          "share of OOH spend on digital_d6 and digital_large",
          share_of("ooh_performance", "format", ("digital_d6", "digital_large"), "spend"), "share"),
        t("print.negotiated", "Print: negotiated cost = 50-70% of rate card", 4, between(0.50, 0.70),
          "sum negotiated_cost / sum rate_card_cost", ratio_of("print_performance", "negotiated_cost",
                                                               "rate_card_cost"), "share"),
        t("print.teasers", "Print: some pre-launch teaser ads in Jul-Aug automotive press", 4, at_least(1),
          "insertions dated Jul-Aug", count_of("print_performance", date=months(7, 8)), "count"),
    ]
    out += [t(f"radio.daypart.{dp}", f"Radio daypart: {dp.replace('_', ' ')} {share:.0%}", 4,
              about(share, tol=SHARE_PP),
              f"share of radio total_spots in daypart {dp}", share_of("radio_performance", "daypart", (dp,),
                                                                      "total_spots"),
              "share") for dp, share in RADIO_DAYPARTS.items()]
    return out


def _context_targets() -> list[Target]:
    t = Target
    out = [t(f"competitor.{name}", f"Competitor {name}: ~£{amount / 1e6:g}M annual", 4,
             about(amount, rel=SHARE_OF_VOICE_REL),
             "sum of estimated_spend_gbp, channel total", competitor_annual(name), "gbp")
           for name, amount in COMPETITOR_ANNUAL.items()]
    out += [
        t("competitor.not_biggest", "Our brand should be competitive but not the biggest spender", 4, below(1.0),
          "our raw spend total / the biggest competitor's annual total", ours_over_biggest_competitor, "number"),
        t("econ.bank_rate_start", "Bank rate: start 4.50%", 4, about(4.50, tol=0.05), "UK bank_rate_pct in January",
          uk_econ("bank_rate_pct", 1), "pct"),
        t("econ.bank_rate_end", "Bank rate: declining to ~3.75% by Dec", 4, about(3.75, tol=0.25),
          "UK bank_rate_pct in December",
          uk_econ("bank_rate_pct", 12), "pct"),
        t("econ.bev_start", "BEV share: ~22% in Jan", 4, about(22, tol=2), "UK bev_market_share_pct in January",
          uk_econ("bev_market_share_pct", 1), "pct"),
        t("econ.bev_end", "BEV share: trending toward 28% by Dec", 4, about(28, tol=2),
          "UK bev_market_share_pct in December",
          uk_econ("bev_market_share_pct", 12), "pct"),
        t("econ.confidence", "Consumer confidence: -15 to -8 (improving slowly)", 4, between(-15, -8),
          "min … max of UK consumer_confidence_index", uk_econ("consumer_confidence_index"), "index"),
        t("econ.petrol", "Petrol: 140-155p/litre", 4, between(140, 155), "min … max of UK avg_petrol_price_ppl",
          uk_econ("avg_petrol_price_ppl"), "pence"),
        t("econ.electricity", "Electricity: 24-28p/kWh", 4, between(24, 28),
          "min … max of UK avg_electricity_price_pkwh",
          uk_econ("avg_electricity_price_pkwh"), "pence"),
        t("econ.registrations", "SMMT total registrations: ~1.8M annual", 4,
          lambda w: about(w.markets["UK"].national_registrations_k * 1000, rel=0.10),
          "sum of UK smmt_total_registrations", uk_registrations, "count"),
        t("econ.registration_peaks", "SMMT registrations seasonal (Mar and Sep peaks)", 4, equals("Mar, Sep"),
          "the two months with the most UK registrations", uk_registration_peaks, "text"),
        t("events.dealer_launch", "5 dealer launch events (Sep-Oct, major cities)", 4, between(5, 5),
          "dealer_launch events starting Sep-Oct", count_of("events", event_type="dealer_launch",
                                                            start_date=months(9, 10)), "count"),
        t("events.fleet", "2 fleet showcase events (Oct-Nov)", 4, between(2, 2), "fleet_event events starting Oct-Nov",
          count_of("events", event_type="fleet_event", start_date=months(10, 11)), "count"),
        t("events.press", "2 press launch events (Aug-Sep)", 4, between(2, 2), "press_event events starting Aug-Sep",
          count_of("events", event_type="press_event", start_date=months(8, 9)), "count"),
        t("events.goodwood", "Goodwood Festival of Speed: Jul 2025 (pre-launch reveal)", 4, at_least(1),
          "events named *Goodwood* starting in July", count_of("events", event_name=contains("Goodwood"),
                                                               start_date=months(7)), "count"),
        t("events.christmas", "1 Christmas showcase (Dec, shopping centres)", 4, between(1, 1),
          "events named *Christmas* starting in December",
          count_of("events", event_name=contains("Christmas"), start_date=months(12)), "count"),
        t("sla.compliance", "SLA: most months in compliance (85%+)", 4, at_least(0.85), "share of rows in_compliance",
          share_of("sla_tracking", "in_compliance", (True,)), "share"),
        t("sla.misses", "SLA: a few realistic misses", 4, at_least(1), "rows not in compliance",
          count_of("sla_tracking", in_compliance=(False,)), "count"),
    ]
    return out


def _sales_targets() -> list[Target]:
    t = Target
    out = [
        t("sales.uk_sep_oct", "Sep: launch spike (~30% of annual UK sales in Sep-Oct)", 4, about(0.30, tol=SHARE_PP),
          "share of UK sales dated Sep-Oct", uk_sales_share(9, 10), "share"),
        t("sales.launch_dealers_sep", "Launch dealers get 60% of Sep sales", 4, about(0.60, tol=SHARE_PP),
          "share of September sales at dealers with is_launch_dealer", launch_dealer_share(9), "share"),
    ]
    out += [t(f"sales.model.{k}", f"Model split: {k} ~{s:.0%}", 4, lambda w, k=k: about(w.models[k].sales_share,
                                                                                      tol=_share_tol(w.models[k].sales_share)),
              f"share of sales with model {k}", share_of("vehicle_sales", "model", (k,)), "share")
            for k, s in (("DEEPAL_S07", 0.70), ("AVATR_12", 0.20), ("AVATR_11", 0.08), ("DEEPAL_S05", 0.02))]
    out += [t(f"sales.sale_type.{k}", f"Sale type: {k} {s:.0%}", 4, about(s, tol=_share_tol(s)),
              f"share of sales with sale_type {k}", share_of("vehicle_sales", "sale_type", (k,)), "share")
            for k, s in SALE_TYPES.items()]
    out += [t(f"sales.finance.{k}", f"Finance: {k} {s:.0%}", 4,
              lambda w, k=k: about(w.sales.finance.get(k, 0.0), tol=_share_tol(w.sales.finance.get(k, 0.0))),
              f"share of sales with finance_type {k}", share_of("vehicle_sales", "finance_type", (k,)), "share")
            for k, s in (("pcp", 0.45), ("lease", 0.25), ("hp", 0.15), ("cash", 0.15))]
    out += [t(f"sales.colour.{k.replace(' ', '_')}", f"Colour: {k} ({s:.0%})", 4,
              lambda w, k=k: about(w.sales.colours.get(k, 0.0), tol=_share_tol(w.sales.colours.get(k, 0.0))),
              f"share of sales in {k}", share_of("vehicle_sales", "colour", (k,)), "share")
            for k, s in (("Aurora Green", 0.25), ("Pearl White", 0.20), ("Nebula Grey", 0.20), ("Midnight Black", 0.15),
                         ("Cosmos Blue", 0.12), ("Sunset Orange", 0.08))]
    out += [t(f"sales.discount.{key}", f"Discounts: {'0-3% in Sep-Oct' if key == '9-10' else '3-7% in Nov-Dec'}", 4,
              discount_goal(key), f"mean discount_pct of sales in months {key}",
              mean_of("vehicle_sales", "discount_pct", sale_date=months(*discount_months(key))), "pct")
            for key in ("9-10", "11-12")]
    return out


def _funnel_targets() -> list[Target]:
    t = Target
    completed = {"completed": True}
    out = [
        t("configurator.completion", "Configurator: 30-40% completion rate", 4, between(0.30, 0.40),
          "share of sessions completed", share_of("configurator_sessions", "completed", (True,)), "share"),
        t("configurator.finance_viewed", "Finance calculator viewed by 60% of completers", 4, about(0.60, tol=SHARE_PP),
          "share of completed sessions with finance_option_viewed",
          share_of("configurator_sessions", "finance_option_viewed", (True,), **completed), "share"),
        t("configurator.completion_time", "Average completion time: 4-8 minutes", 4, between(240, 480),
          "mean completion_time_seconds of completed sessions",
          mean_of("configurator_sessions", "completion_time_seconds", **completed), "seconds"),
        t("configurator.lead_rate", "Lead submitted by 25% of completers", 4, about(0.25, tol=SHARE_PP),
          "share of completed sessions with lead_submitted",
          share_of("configurator_sessions", "lead_submitted", (True,), **completed), "share"),
        t("configurator.popular_trim", "Most popular config: S07 Design", 4, equals("DEEPAL_S07 Design"),
          "most frequent model_selected + trim_selected of completed sessions",
          mode_of("configurator_sessions", ("model_selected", "trim_selected"), **completed), "text"),
        t("configurator.popular_colour", "Most popular config: Aurora Green", 4, equals("Aurora Green"),
          "most frequent colour_selected of completed sessions",
          mode_of("configurator_sessions", ("colour_selected",), **completed), "text"),
        t("configurator.popular_wheels", "Most popular config: 19\" wheels", 4, equals('19"'),
          "most frequent wheels_selected of completed sessions",
          mode_of("configurator_sessions", ("wheels_selected",), **completed), "text"),
        t("funnel.configurator_starts", "Configurator starts: 2-5% of sessions", 4, between(0.02, 0.05),
          "configurator sessions / website sessions", configurator_start_rate, "share",
          yields_to=("rows.configurator_sessions", "rows.website_analytics")),
    ]
    out += [t(f"leads.stage.{stage}", f"Lead pipeline: {stage} ({share:.0%})", 4, about(share, tol=SHARE_PP),
              f"share of leads that reached {stage} (a LOST lead counts up to the furthest stage its rows show: "
              "contacted, test drive booked / completed)", lead_stage_share(stage), "share",
              yields_to=("rows.test_drives",) if stage.startswith("TD_") else ())
            for stage, share in LEAD_STAGES.items()]
    out += [t(f"leads.source.{g}", f"Lead source distribution: {g} {share:.0%}", 4, about(share, tol=SHARE_PP),
              f"share of leads with source in {', '.join(values)}", lead_source_share(values), "share")
            for g, (values, share) in LEAD_SOURCE_GROUPS.items()]
    out += [
        t("leads.response_median", "First response time: median 2 hours", 4, about(2, tol=0.5),
          "median first_response_hours", response_quantile(0.5), "hours"),
        t("leads.response_p90", "First response time: 90th percentile 24 hours", 4, about(24, tol=6),
          "90th percentile of first_response_hours", response_quantile(0.9), "hours"),
        t("leads.score_correlation", "Lead score correlates with conversion probability", 4, above(0.0),
          "Pearson correlation of lead_score with lead_status == WON", lead_score_correlation, "number"),
        t("leads.prelaunch_conversion", "Pre-launch leads (Jun-Aug) are 'register interest' - convert at lower rate", 4,
          below(1.0), "WON rate of leads created Jun-Aug / WON rate of leads created Sep-Oct",
          prelaunch_conversion_ratio, "number"),
        t("test_drives.no_show", "22% no-show rate", 4, about(0.22, tol=SHARE_PP),
          "share of NO_SHOW among resolved bookings (COMPLETED, NO_SHOW, CANCELLED)", resolved_drive_share("NO_SHOW"),
          "share"),
        t("test_drives.cancellation", "10% cancellation rate", 4, about(0.10, tol=SHARE_PP),
          "share of CANCELLED among resolved bookings", resolved_drive_share("CANCELLED"), "share"),
        t("test_drives.completion", "68% completion rate", 4, about(0.68, tol=SHARE_PP),
          "share of COMPLETED among resolved bookings", resolved_drive_share("COMPLETED"), "share"),
        t("test_drives.sale_90d", "Of completed: 15-25% convert to sale within 90 days", 4, between(0.15, 0.25),
          "share of completed drives with sale_within_90_days",
          share_of("test_drives", "sale_within_90_days", (True,), status="COMPLETED"), "share"),
        t("test_drives.feedback_mean", "Feedback score: mean 4.2", 4, about(4.2, tol=0.1), "mean feedback_score",
          mean_of("test_drives", "feedback_score"), "number"),
        t("test_drives.feedback_std", "Feedback score: std 0.6", 4, about(0.6, tol=0.1),
          "standard deviation of feedback_score",
          feedback_std, "number"),
        t("test_drives.weekend", "Weekend bookings: 45% of total", 4, about(0.45, tol=SHARE_PP),
          "share of bookings whose test_drive_date is a Saturday or Sunday", weekend_share, "share"),
        t("test_drives.duration", "Duration: 30-60 minutes", 4, between(30, 60),
          "min … max duration_minutes of completed drives",
          span_of("test_drives", "duration_minutes", status="COMPLETED"), "minutes"),
        t("funnel.qualified_booking", "Test Drives Booked (45% of qualified leads)", 5, about(0.45, tol=SHARE_PP),
          "leads with a test drive / leads that reached QUALIFIED", qualified_booking, "share",
          yields_to=("rows.test_drives",)),
    ]
    return out


def _landing_band(channel: str):
    """The band a paid channel's analytics sessions per reported click must lie in: the landing
    rate (and, for a platform whose click metric counts every click, the website share) times
    the consent rate, at their lowest and highest (decision 9; see [media.click_sessions])."""
    def goal(w: World) -> Goal:
        consent = w.reporting.web.consent_rate.values()
        lows, highs = [], []
        for cfg in w.media.click_sessions.values():
            if channel not in cfg.analytics_channel.values():
                continue
            share = cfg.website_click_share if cfg.click_metric == "clicks" else (1.0, 1.0)
            lows.append(cfg.landing_rate[0] * share[0] * min(consent))
            highs.append(cfg.landing_rate[1] * share[1] * max(consent))
        if not lows:
            raise KeyError(f"media.click_sessions landing in {channel}")
        return between(round(min(lows), 4), round(max(highs), 4))
    return goal


def _web_targets() -> list[Target]:
    t = Target
    out = [t(f"web.sessions_per_click.{ch}", f"Paid sessions are landed clicks: {ch} analytics sessions per platform "
             "click inside the landing x consent band (decision 9)", 4, _landing_band(ch),
             f"website_analytics sessions of {ch} / the platforms' click metric for it", paid_sessions_per_click(ch),
             "share") for ch in PAID_WEB]
    out += [
        t("web.sessions_postlaunch", "Monthly sessions: 80K-150K (post-launch)", 4, between(80_000, 150_000),
          "min … max of monthly sessions, Sep-Dec, all markets", web_month_span(9, 12), "count"),
        t("web.sessions_prelaunch", "Monthly sessions: 10K-30K (pre-launch)", 4, between(10_000, 30_000),
          "min … max of monthly sessions, Jan-Aug, all markets", web_month_span(1, 8), "count"),
        t("web.bounce.paid_search", "Bounce rate: paid search 35-50%", 4, between(0.35, 0.50),
          "session-weighted bounce_rate, channel paid_search",
          mean_of("website_analytics", "bounce_rate", "sessions", channel="paid_search"), "share"),
        t("web.bounce.social", "Bounce rate: social 55-70%", 4, between(0.55, 0.70),
          "session-weighted bounce_rate, social_paid + social_organic",
          mean_of("website_analytics", "bounce_rate", "sessions", channel=("social_paid", "social_organic")), "share"),
        t("web.bounce.direct", "Bounce rate: direct 25-40%", 4, between(0.25, 0.40),
          "session-weighted bounce_rate, channel direct",
          mean_of("website_analytics", "bounce_rate", "sessions", channel="direct"), "share"),
        t("web.session_duration", "Avg session duration: 2-5 minutes", 4, between(120, 300),
          "session-weighted avg_session_duration_seconds", mean_of("website_analytics", "avg_session_duration_seconds",
                                                                   "sessions"), "seconds"),
        t("web.organic_growth", "Organic search grows over time as brand awareness increases", 4, above(1.0),
          "organic_search sessions Oct-Dec / Jan-Mar", organic_growth, "number"),
        t("web.paid_search_vs_google", "Paid search traffic correlates with Google Ads spend", 4, at_least(0.5),
          "weekly correlation of paid_search sessions with Google spend",
          web_spend_correlation(("paid_search",), ("google",)), "number"),
        t("web.social_vs_meta_tiktok", "Social paid correlates with Meta + TikTok spend", 4, at_least(0.5),
          "weekly correlation of social_paid sessions with Meta + TikTok spend",
          web_spend_correlation(("social_paid",), ("meta", "tiktok")), "number"),
        t("web.display_vs_dv360", "Display correlates with DV360 spend", 4, at_least(0.5),
          "weekly correlation of display sessions with DV360 spend", web_spend_correlation(("display",),
                                                                                           ("dv360",)), "number"),
        t("quickref.sessions", "Website Sessions (post-launch ~120K/month)", 5, about(120_000, rel=0.15),
          "mean monthly sessions Sep-Dec, all markets",
          lambda d: float(web_monthly()(d).reindex([9, 10, 11, 12], fill_value=0).mean()), "count"),
    ]
    out += [t(f"web.device.{dev}", f"Device: {dev} {share:.0%}", 4, lambda w,
              dev=dev: about(w.consumers.device.get(dev, 0.0),
                                                                                          tol=SHARE_PP),
              f"share of sessions on {dev}", share_of("website_analytics", "device", (dev,), "sessions"), "share")
            for dev, share in (("desktop", 0.35), ("mobile", 0.55), ("tablet", 0.10))]
    return out


def _season_targets() -> list[Target]:
    t = Target
    out = [
        t("season.peak_spend", "Seasonal pattern present: Sep-Oct should have highest activity (spend)", 4,
          equals("Sep, Oct"),
          "the two months with the most spend (all raw spend, periods spread over their days)",
          top_two_months(lambda d: d.monthly_spend), "text", 8),
        t("season.peak_sessions", "Seasonal pattern present: Sep-Oct should have highest activity (sessions)", 4,
          equals("Sep, Oct"), "the two months with the most website sessions", top_two_months(web_monthly()), "text",
          8),
    ]
    out += [t(f"season.month.{MONTH_NAMES[m - 1]}",
              f"Seasonal multiplier {MONTH_NAMES[m - 1]} (normalised, decision 2)", 4,
              normalised_multiplier(m), "the month's share of all raw spend vs multiplier / sum of multipliers (±20%)",
              month_spend_share(m), "share", 8) for m in range(1, 13)]
    out += [t(f"dates.{n}", "Date ranges: all files cover 2025-01-01 to 2025-12-31", 4, horizon_months,
              f"months of the horizon with rows ({s.period_column})", months_with_rows(n), "count", 5)
            for n, s in TABLES.items() if s.spans_year]
    out += [t(f"mmm.decay.{c}", f"Adstock decay {c}: {decay:.2f}", 4, about(decay, tol=0.02),
              "weekly decay implied by model_ready (least squares of adstock_t on spend_t and adstock_t-1)",
              adstock_decay(c), "number") for c, decay in EXTRACT_DECAY.items()]
    return out


def _dealer_targets() -> list[Target]:
    return [
        Target("dealers.launch_count", "is_launch_dealer: True for ~15 dealers (London + major cities, open Sep 1)", 4,
               about(15, tol=3), "UK dealers with is_launch_dealer", count_of("dealers", market="UK",
                                                                              is_launch_dealer=(True,)),
               "count"),
        Target("dealers.launch_opening", "Launch dealers = 2025-09-01", 4, at_least(1.0),
               "share of UK launch dealers opening on the UK launch date", dealer_share(True,
                                                                                        opens_on_launch), "share"),
        Target("dealers.staggered", "Others staggered Sep-Nov 2025", 4, at_least(1.0),
               "share of other UK dealers opening in Sep-Nov", dealer_share(False, opens_sep_to_nov), "share"),
    ]


def _quick_reference_targets() -> list[Target]:
    out = []
    for channel, (sep, jan) in QUICK_REFERENCE.items():
        name = channel or "total"
        winner = (f"budget.{channel}",) if channel else ("budget.total.plan",)
        for month, figure in ((9, sep), (1, jan)):
            out.append(Target(f"quickref.{MONTH_NAMES[month - 1].lower()}.{name}",
                              f"Quick reference: {name} {MONTH_NAMES[month - 1]} ~£{figure:,}", 5, about(figure,
                                                                                                         rel=0.15),
                              f"{name} spend in {MONTH_NAMES[month - 1]} (periods spread over their days)",
                              month_spend(channel, month), "gbp", yields_to=(*winner,
                                                                             f"season.month.{MONTH_NAMES[month - 1]}")))
    return out


def _unmeasured_targets() -> list[Target]:
    return [
        Target("media.daily_noise", "get_daily_budget: adds ±15% daily noise", 4, between(0, 0.15),
               "not measured from the files", not_measured("the plan's daily noise is not separable from flights and "
                                                           "campaign mix in the exports; it is a scenario input "
                                                           "(media.channels.*.daily_noise)"), "share"),
        Target("media.lag", "Ad spend -> website traffic (7-14 day lag digital, 1-3 day TV)", 4, between(0, 14),
               "not measured from the files", not_measured("lags are scenario inputs (response.lag_days); their "
                                                           "effect is "
                                                           "measured causally by the truth module, not from "
                                                           "correlations"),
               "number"),
        Target("pipeline.noise", "Add 20-30% unexplained variance (noise) to all relationships", 4, between(0.20, 0.30),
               "not measured from the files", not_measured("unexplained variance is relative to a model; the truth "
                                                           "module "
                                                           "and the MMM scorecard quantify it"), "share"),
    ]


TARGETS: list[Target] = [
    *_hard_targets(), *_total_targets(), *_row_targets(), *_media_rate_targets(), *_traditional_targets(),
    *_context_targets(), *_sales_targets(), *_funnel_targets(), *_web_targets(), *_season_targets(),
    *_dealer_targets(), *_quick_reference_targets(), *_unmeasured_targets(), *export_targets(),
]
