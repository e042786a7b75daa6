"""Reporting conventions as data: the ``[reporting]`` section of a scenario.

The exports carry details that no consumer ever sees and no causal fact depends on: the
reach and frequency a platform reports, how clicks split into link clicks, bounce rates,
pages per session, configurator options, test-drive feedback. The exporters draw them from
their own random streams inside the ranges declared here, so changing a convention changes
the look of a file and never what happened. A scenario overrides them like any other section
(``[reporting.media.meta]``, ``--set reporting.web.pages_per_session=[2.0,5.0]``).

A range is ``[low, high]`` with low <= high; a share range lies inside [0, 1].

This module must not import :mod:`sim.world.config` (the World imports it).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sim.world.vocabulary import WEB_CHANNELS

LINEAR = "linear"  # delivery keys of linear TV airtime start with it (linear_peak, linear_offpeak)
Prob = Annotated[float, Field(ge=0, le=1)]
NonNeg = Annotated[float, Field(ge=0)]


def _ordered(bounds: tuple[Any, Any]) -> tuple[Any, Any]:
    if bounds[0] > bounds[1]:
        raise ValueError(f"low {bounds[0]} is above high {bounds[1]}")
    return bounds


Range = Annotated[tuple[NonNeg, NonNeg], AfterValidator(_ordered)]
ShareRange = Annotated[tuple[Prob, Prob], AfterValidator(_ordered)]
IntRange = Annotated[tuple[int, int], AfterValidator(_ordered)]
TimeRange = Annotated[tuple[dt.time, dt.time], AfterValidator(_ordered)]


def _seconds(clock: dt.time) -> int:
    return (clock.hour * 60 + clock.minute) * 60 + clock.second


class Convention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --------------------------------------------------------------------------- media exports
class MetaReporting(Convention):
    daily_frequency: Range = Field(description="impressions per reached person in a day")


class EngagementMix(Convention):
    """How TikTok's engagements split into likes, shares and comments (in this order)."""

    likes: Prob = Field(description="share of engagements that are likes")
    shares: Prob = Field(description="share of engagements that are shares")
    comments: Prob = Field(description="share of engagements that are comments")

    @model_validator(mode="after")
    def _sums_to_one(self) -> EngagementMix:
        total = self.likes + self.shares + self.comments
        if abs(total - 1) > 1e-6:
            raise ValueError(f"engagement shares must sum to 1, got {total:.4f}")
        return self


class TiktokReporting(Convention):
    engagement_mix: EngagementMix = Field(description="split of the delivery's engagements")


class YoutubeReporting(Convention):
    past_25_without_view: ShareRange = Field(description="impressions without a paid view that pass 25%")
    quartile_retention: ShareRange = Field(description="viewers reaching the next quartile")
    earned_view_share: ShareRange = Field(description="earned views per paid view (the extract: 5-10%)")
    earned_subscriber_rate: ShareRange = Field(description="subscribers per paid view")


class LinkedinReporting(Convention):
    follower_gain_rate: ShareRange = Field(description="follows per social action")


class TvReporting(Convention):
    high_grps: float = Field(gt=0, description="weekly GRPs from which a week is a heavy one (the extract: 50-150)")
    reach_pct: Range = Field(description="weekly campaign reach (% of adults) in heavy weeks")
    frequency: Range = Field(description="weekly campaign average frequency in heavy weeks")
    frequency_jitter: Prob = Field(description="relative half-width of the uniform jitter of a week's frequency")
    spot_rating: dict[str, Range] = Field(
        description="daypart of linear TV, or a delivery key that is not linear (bvod) -> adult TVR of one spot "
                    "(30-second equivalent)")

    def spot_rating_key(self, objective: str, daypart: str) -> str:
        """The ``spot_rating`` entry of a TV row: its daypart for linear airtime, else its delivery key."""
        return daypart if objective.startswith(LINEAR) else objective


class OohReporting(Convention):
    cycle_frequency: Range = Field(description="sightings per reached adult in a campaign cycle")
    max_reach_share: Prob = Field(description="largest share of the region's adults a cycle reaches")


class PrintReporting(Convention):
    page_range: IntRange = Field(description="first and last page an insertion can run on (inclusive)")


class RadioReporting(Convention):
    spot_rating: ShareRange = Field(description="share of the area's adults hearing one 30s spot of the station")
    flight_frequency: Range = Field(description="spots heard per reached adult in a flight")
    max_reach_share: Prob = Field(description="largest share of the area's adults a flight reaches")


class MediaReporting(Convention):
    """Per-channel conventions of the ten media exports (channels without any have no entry)."""

    meta: MetaReporting = Field(description="meta_ads.csv: reach, link clicks, landing page views")
    tiktok: TiktokReporting = Field(description="tiktok_ads.csv: engagements, website clicks")
    youtube: YoutubeReporting = Field(description="youtube_ads.csv: quartiles, earned views and subscribers")
    linkedin: LinkedinReporting = Field(description="linkedin_ads.csv: follower gains, company page clicks")
    tv: TvReporting = Field(description="tv_performance.csv: weekly reach and frequency, spots")
    ooh: OohReporting = Field(description="ooh_performance.csv: reach and frequency of a cycle")
    print: PrintReporting = Field(description="print_performance.csv: page numbers")
    radio: RadioReporting = Field(description="radio_performance.csv: spots, reach and frequency of a flight")


# --------------------------------------------------------------------------- website analytics
class WebGoals(Convention):
    """Goals of ``website_analytics.csv`` that no simulated decision records: per-session rates."""

    brochure_download: ShareRange = Field(description="sessions that download a brochure")
    dealer_locator: ShareRange = Field(description="sessions that use the dealer locator")


class WebReporting(Convention):
    """GA4-style session metrics of ``website_analytics.csv``, drawn per row."""

    users_per_session: ShareRange = Field(description="users as a share of sessions")
    returning_counted_as_new: ShareRange = Field(
        description="share of a returning visitor's sessions that analytics counts as a new user (cookies cleared, "
                    "expired or declined before, another device or browser)")
    bounce_rate_by_channel: dict[str, ShareRange] = Field(description="website channel -> bounce rate range")
    bounce_rate_other: ShareRange = Field(description="bounce rate range of the channels not listed")
    pages_per_session: Range = Field(description="pages viewed per session")
    engaged_session_seconds_by_channel: dict[str, Range] = Field(
        description="website channel -> length of a session that does not bounce, seconds")
    engaged_session_seconds_other: Range = Field(description="that length for the channels not listed")
    events_per_page_view: Range = Field(description="analytics events per page view")
    consent_rate: dict[str, Prob] = Field(
        description="market -> share of sessions whose visitor accepts analytics cookies; web analytics sees only "
                    "those, while the configurator and the CRM see every visitor (decision 9)")
    goals: WebGoals = Field(description="per-session rates of the goals no simulated decision records")

    @model_validator(mode="after")
    def _known_channels(self) -> WebReporting:
        for name, table in (("bounce_rate_by_channel", self.bounce_rate_by_channel),
                            ("engaged_session_seconds_by_channel", self.engaged_session_seconds_by_channel)):
            unknown = sorted(set(table) - set(WEB_CHANNELS))
            if unknown:
                raise ValueError(f"{name}: unknown website channels {unknown}; expected some of {list(WEB_CHANNELS)}")
        return self

    def bounce_rate(self, channel: str) -> tuple[float, float]:
        """The bounce rate range of a website channel."""
        return self.bounce_rate_by_channel.get(channel, self.bounce_rate_other)

    def engaged_seconds(self, channel: str) -> tuple[float, float]:
        """How long a session of the channel that does not bounce lasts (a bounced session lasts 0 s)."""
        return self.engaged_session_seconds_by_channel.get(channel, self.engaged_session_seconds_other)


# --------------------------------------------------------------------------- CRM exports
class UtmTag(Convention):
    source: str = Field(description="utm_source")
    medium: str = Field(description="utm_medium")


class ConfiguratorReporting(Convention):
    """Options of ``configurator_sessions.csv`` that the funnel does not decide."""

    finance_viewed_if_completed: Prob = Field(description="P(finance option viewed | session completed)")
    finance_viewed_otherwise: Prob = Field(description="P(finance option viewed | session not completed)")
    start_time_of_day: TimeRange = Field(description="session start clock time, uniform by the second, end exclusive")
    second_wheel_option: Prob = Field(description="P(the model's second wheel option) when it has several")
    accessories_mean: NonNeg = Field(description="Poisson mean of accessories added")
    monthly_payment_share_of_price: ShareRange = Field(description="monthly payment viewed / trim list price")
    completion_seconds: Range = Field(description="time to complete a configuration, seconds")
    utm: dict[str, UtmTag] = Field(description="ad platform -> UTM source and medium of its campaign links")

    @property
    def start_seconds_of_day(self) -> tuple[int, int]:
        """``start_time_of_day`` as seconds after midnight (``rng.integers(lo, hi)``: hi exclusive)."""
        lo, hi = self.start_time_of_day
        return _seconds(lo), _seconds(hi)


class DriveReporting(Convention):
    """Feedback and duration of completed drives in ``test_drives.csv``."""

    feedback_score_mean: float = Field(description="mean of the normal draw of a feedback score")
    feedback_score_sd: NonNeg = Field(description="standard deviation of that draw")
    feedback_score_range: IntRange = Field(description="scores are rounded and clipped to [low, high]")
    feedback_text: dict[int, str] = Field(description="score -> the free-text comment given with it")
    duration_minutes: IntRange = Field(description="drive duration, minutes, uniform (both ends inclusive)")

    @model_validator(mode="after")
    def _text_for_every_score(self) -> DriveReporting:
        lo, hi = self.feedback_score_range
        if set(self.feedback_text) != set(range(lo, hi + 1)):
            raise ValueError(f"feedback_text must give a text for every score {lo}..{hi}, "
                             f"got {sorted(self.feedback_text)}")
        return self


class CrmReporting(Convention):
    """Reporting-only details of the CRM exports."""

    configurator: ConfiguratorReporting = Field(description="configurator_sessions.csv")
    test_drives: DriveReporting = Field(description="test_drives.csv")


class PlatformAttribution(Convention):
    """How a platform claims conversions (decision 9): inside its own windows, so it claims more
    than it causes. A website lead (configurator or test-drive form) is claimed with probability
    ``1 - exp(-(click_credit x clicks + view_credit x impressions) per adult of its market in the
    window before it)``; on-platform form leads are all claimed, and some never reach the CRM."""

    metric: Literal["leads", "conversions"] = Field(description="the export's column the claims are reported in")
    click_window_days: int = Field(ge=0, description="days after a click in which a conversion is claimed")
    view_window_days: int = Field(ge=0, description="days after an impression in which a conversion is claimed")
    click_credit: float = Field(ge=0, description="claim intensity per click per adult of the market in the window")
    view_credit: float = Field(ge=0, description="claim intensity per impression per adult of the market in the window")
    form_sync_loss: Prob = Field(
        description="on-platform form leads that never reach the CRM (claimed, not in leads.csv)")


# --------------------------------------------------------------------------- documents and the gold question set
class DocumentReporting(Convention):
    """How the documents count business days and how the gold question set is cut into passages."""

    holiday_calendars: dict[str, str] = Field(description="market -> public-holiday calendar of its business days "
                                                          "(a `holidays` country code, optionally -subdivision)")
    post_campaign_business_days: int = Field(gt=0, description="business days after the year ends that a "
                                                               "broadcaster's post-campaign report is dated")
    notice_business_days: int = Field(gt=0, description="business days after a missed period that its SLA notice "
                                                        "or make-good letter is dated")
    brief_days_before: int = Field(gt=0, description="days before the year starts that the media plan briefs are dated")
    chunk_chars: int = Field(gt=0, description="largest passage of the BEIR corpus, in characters (a paragraph "
                                               "longer than this is one passage of its own)")


class ReportingConfig(Convention):
    """Reporting-only conventions of the exports: they shape files, never what happened."""

    attribution: dict[str, PlatformAttribution] = Field(
        default_factory=dict, description="platform channel -> its attribution windows and claims")
    media: MediaReporting = Field(description="the media exports, per channel")
    web: WebReporting = Field(description="website_analytics.csv")
    crm: CrmReporting = Field(description="the CRM exports: configurator sessions and test drives")
    documents: DocumentReporting = Field(description="the documents (business days) and the gold question set")
