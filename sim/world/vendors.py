"""Vendor contract terms as data: the ``[vendors]`` section of a scenario.

The seven contracts of the extract (ITV, Sky, the Sky BVOD addendum, Channel 4, JCDecaux,
Clear Channel and the media agency) are declared in the scenario with every commercial
figure: parties, dates, commitments, rate cards, notice periods, SLA thresholds, fees.
Renderers and the SLA tracker read them from here; :mod:`sim.world.prices` turns them into
the deal rates and incident factors the media simulation prices its delivery with.

Commitments are written for a reference channel budget (``reference_budget_gbp``); a scenario
with another budget scales them by ``budget / reference``, so a "double TV" world has TV
contracts that commit twice the money.

A contract as declared is its first term. When the horizon runs past a term's end, the contract
renews for successive terms of the same length until the horizon is covered (:func:`contract_terms`,
the one home of the rule): renewal ``n`` starts ``n x term_months`` after the first term, is signed
as many days before its start as the first term was, carries the reference ``<reference>-R<n>``
and its own document ``<file stem>_Renewal_<n>.md``, and keeps every rate, service level and
notice period of the contract (the media simulation prices by them on every day). Only its dates
and its commitments change (the commitments of a renewal follow the channel's plan for the term:
``sim.exporters.contracts.measure``).

This module must not import :mod:`sim.world.config` (the World imports it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

Prob = Annotated[float, Field(ge=0, le=1)]
Money = Annotated[float, Field(ge=0)]
PositiveMoney = Annotated[float, Field(gt=0)]

CHANNEL_OWNER_COLUMN = {"tv": "broadcaster", "ooh": "vendor", "dv360": "exchange"}
"""Which column of the channel's raw table names the media owner a contract line covers."""

Measure = Literal["grp_delivery", "site_availability", "frequency_cap", "viewability",
                  "approved_supply", "report_timeliness"]
CEILING_MEASURES = frozenset({"frequency_cap", "report_timeliness"})
"""Measures whose contracted value is a maximum (all others are minimums)."""


class Terms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Party(Terms):
    legal_name: str
    name: str = Field(description="trading name used in tables (sla_tracking.vendor)")


class CommitmentLine(Terms):
    """Money the advertiser commits to one media owner over the contract term."""

    label: str
    channel: Literal["tv", "ooh"] = Field(description="media channel whose budget the line is part of")
    owners: list[str] = Field(min_length=1, description="values of the channel's owner column (broadcaster / vendor)")
    amount_gbp: Money = Field(description="commitment over the whole term, at the reference budget")
    in_year_share: Prob = Field(description="share of the commitment scheduled in the first calendar year of "
                                            "the first term (its Year-One Period: the launch year)")
    notice_weeks: int = Field(ge=0, description="cancellation notice for bookings on this line")


class SlaMetric(Terms):
    """One service level: the measure, what it is measured on, the contracted level, how often."""

    measure: Measure
    owners: list[str] = Field(default_factory=list, description="owner values measured; empty = all rows")
    target: float = Field(gt=0, description="contracted level; for *_delivery / availability the minimum delivered "
                                            "share of booked")
    cadence: Literal["monthly", "quarterly"]


class Incident(Terms):
    """A declared delivery failure. The media simulation applies it; the SLA tracker only measures.

    ``severity`` is the share of delivery lost on matching rows: GRPs (``grp_shortfall``), live
    sites and their impressions (``site_outage``, spend is billed as booked), viewable
    impressions (``viewability_dip``). ``late_report`` delays the agency's monthly report.
    """

    id: str
    kind: Literal["grp_shortfall", "site_outage", "viewability_dip", "late_report"]
    channel: Literal["tv", "ooh", "dv360", "agency"]
    owners: list[str] = Field(default_factory=list, description="owner values hit; empty = all")
    start: dt.date
    end: dt.date
    dayparts: list[str] = Field(default_factory=list)
    formats: list[str] = Field(default_factory=list)
    cities: list[str] = Field(default_factory=list)
    severity: Prob = 0.0
    delay_business_days: int = Field(0, ge=0)
    cause: str

    @model_validator(mode="after")
    def _check(self) -> Incident:
        if self.end < self.start:
            raise ValueError(f"incident {self.id}: end {self.end} is before start {self.start}")
        if self.kind == "late_report" and self.delay_business_days == 0:
            raise ValueError(f"incident {self.id}: a late_report needs delay_business_days > 0")
        if self.kind != "late_report" and self.severity == 0:
            raise ValueError(f"incident {self.id}: a {self.kind} needs severity > 0")
        return self


class Contract(Terms):
    """What every contract has: document, parties, dates, payment, audit, commitments, SLAs."""

    file: str = Field(pattern=r"^[A-Za-z0-9_]+\.md$")
    title: str
    reference: str
    vendor: Party
    contract_type: str = Field(description="sla_tracking.contract_type")
    signed: dt.date
    start: dt.date
    term_months: int = Field(gt=0)
    payment_days: int = Field(gt=0)
    audit_notice_days: int = Field(gt=0)
    liability_cap_share: Prob = Field(description="liability cap as a share of the charges of the term")
    commitments: dict[str, CommitmentLine] = Field(default_factory=dict)
    sla: dict[str, SlaMetric] = Field(default_factory=dict)
    brand_safety_exclusions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates(self) -> Contract:
        if self.signed > self.start:
            raise ValueError(f"{self.file}: signed {self.signed} after the start {self.start}")
        return self

    @property
    def end(self) -> dt.date:
        """Last day of the term."""
        return months_after(self.start, self.term_months) - dt.timedelta(days=1)


class AirtimeContract(Contract):
    """Linear TV airtime bought at a cost per point (CPP) by daypart, BVOD at a CPM."""

    cpp_gbp: dict[str, PositiveMoney] = Field(description="deal CPP (GBP per adult GRP) by daypart")
    premium_programmes: list[str] = Field(default_factory=list, description="programme-name prefixes with a surcharge")
    premium_share: Prob = Field(0.0, description="surcharge on the deal CPP for premium programmes")
    bvod_cpm_gbp: PositiveMoney | None = None
    make_good_weeks: int = Field(gt=0, description="weeks in which under-delivery is made good")
    late_cancellation_charge: Prob = Field(description="share of a booking charged when notice is short")
    share_of_broadcast: Prob = Field(description="minimum share of the advertiser's linear TV spend with this owner")


class PartnershipContract(AirtimeContract):
    """Airtime plus a content partnership (Channel 4)."""

    partnership_fee_gbp: Money = Field(description="content fee; not media spend, not scaled with the TV budget")
    deliverables: dict[str, int] = Field(description="branded content item -> number delivered")
    talent_usage_months: int = Field(gt=0)
    approval_days: int = Field(gt=0, description="business days for the advertiser to approve content")


class BvodAddendum(Contract):
    """Addendum to an airtime contract: addressable BVOD at CPMs, frequency caps, data terms."""

    parent: str = Field(description="key of the contract this amends")
    cpm_gbp: dict[str, PositiveMoney] = Field(description="targeting tier -> CPM")
    min_households: int = Field(gt=0, description="smallest addressable audience segment")
    data_retention_days: int = Field(gt=0)
    report_business_days: int = Field(gt=0, description="campaign report due after each flight")


class OohContract(Contract):
    """Outdoor sites priced per site per cycle (classic, digital, transport)."""

    site_rate_gbp: dict[str, PositiveMoney] = Field(description="format -> price per site per cycle")
    cycle_days: int = Field(gt=0)
    spot_seconds: int = Field(gt=0, description="digital spot length")
    loop_seconds: int = Field(gt=0, description="digital loop length")
    creative_rotation_minutes: int = Field(gt=0)
    artwork_days: int = Field(gt=0, description="business days before posting that artwork is due")
    impression_guarantee: Prob = Field(description="share of the estimated audience guaranteed")
    make_good_weeks: int = Field(gt=0)
    force_majeure: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _loop(self) -> OohContract:
        if self.spot_seconds > self.loop_seconds:
            raise ValueError(f"{self.file}: spot_seconds {self.spot_seconds} exceed loop_seconds {self.loop_seconds}")
        return self


class DoohContract(OohContract):
    """Digital out-of-home with programmatic access and sustainability commitments."""

    programmatic_platforms: list[str] = Field(min_length=1)
    programmatic_cap_share: Prob
    programmatic_floor_cpm_gbp: PositiveMoney
    renewable_energy_share: Prob
    dimming_share: Prob = Field(description="night-time brightness reduction")
    recycled_hardware_share: Prob


class AgencyTerms(Contract):
    """The media agency's terms of business: services, remuneration, KPIs, audit, exit."""

    markets: list[str] = Field(min_length=1)
    commission_media: Prob
    commission_production: Prob
    kpi_bonus_max: Prob = Field(description="maximum bonus as a share of annual commission")
    kpi_weights: dict[str, Prob]
    budget_pacing_tolerance: Prob
    cost_per_lead_target_gbp: PositiveMoney
    termination_notice_days: int = Field(gt=0)
    handover_days: int = Field(gt=0)
    audits_per_year: int = Field(gt=0)
    audit_lookback_years: int = Field(gt=0)
    approved_exchanges: list[str] = Field(min_length=1)
    report_business_days: tuple[int, int] = Field(description="range of business days after month end the report "
                                                              "usually takes")

    @model_validator(mode="after")
    def _kpis(self) -> AgencyTerms:
        total = sum(self.kpi_weights.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"{self.file}: kpi_weights must sum to 1, got {total:.4f}")
        lo, hi = self.report_business_days
        if not 0 < lo <= hi:
            raise ValueError(f"{self.file}: report_business_days must be 0 < low <= high, got "
                             f"{self.report_business_days}")
        return self


class VendorsConfig(Terms):
    """The ``[vendors]`` section: the client, the seven contracts and the declared incidents."""

    client: Party
    trading_as: str
    market: str = Field(description="the market the vendors trade in (UK broadcasters, contractors, agency)")
    reference_budget_gbp: dict[str,
                               PositiveMoney] = Field(description="channel budget the commitments were written for")
    commitment_tolerance: Prob = Field(description="allowed |delivered in-term spend / scheduled share - 1|")
    itv: AirtimeContract
    sky: AirtimeContract
    sky_bvod: BvodAddendum
    channel4: PartnershipContract
    jcdecaux: OohContract
    clear_channel: DoohContract
    agency: AgencyTerms
    incidents: list[Incident] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_checks(self) -> VendorsConfig:
        for key, contract in self.contracts().items():
            for name, line in contract.commitments.items():
                if line.channel not in self.reference_budget_gbp:
                    raise ValueError(f"vendors.{key}.commitments.{name}.channel {line.channel!r} has no "
                                     f"vendors.reference_budget_gbp entry")
        if self.sky_bvod.parent not in self.contracts():
            raise ValueError(f"vendors.sky_bvod.parent {self.sky_bvod.parent!r} is not a contract key")
        for key, share in self.scheduled_shares().items():
            if share > 1 + self.commitment_tolerance:
                raise ValueError(f"vendors: commitments scheduled in the year add up to {share:.1%} of "
                                 f"reference_budget_gbp.{key}; more than the budget they were written for")
        ids = [i.id for i in self.incidents]
        if len(ids) != len(set(ids)):
            raise ValueError("vendors.incidents: duplicate incident id")
        return self

    def contracts(self) -> dict[str, Contract]:
        """The seven contracts in document order."""
        return {k: getattr(self, k) for k in CONTRACT_KEYS}

    def scheduled_shares(self) -> dict[str, float]:
        """Per channel: commitments scheduled inside the year / reference budget.

        At most 1: the rest of a channel's budget is airtime bought before a term starts.
        """
        totals: dict[str, float] = {}
        for contract in self.contracts().values():
            for line in contract.commitments.values():
                totals[line.channel] = totals.get(line.channel, 0.0) + line.amount_gbp * line.in_year_share
        return {ch: totals.get(ch, 0.0) / ref for ch, ref in self.reference_budget_gbp.items() if ch in totals}


def months_after(day: dt.date, months: int) -> dt.date:
    """The date ``months`` calendar months after ``day``."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


@dataclass(frozen=True)
class ContractTerm:
    """One term of a contract: the first (``number`` 0, the contract as declared) or a renewal."""

    key: str
    contract: Contract
    number: int

    @property
    def start(self) -> dt.date:
        return months_after(self.contract.start, self.number * self.contract.term_months)

    @property
    def end(self) -> dt.date:
        """Last day of the term."""
        return months_after(self.contract.start, (self.number + 1) * self.contract.term_months) - dt.timedelta(days=1)

    @property
    def signed(self) -> dt.date:
        """A renewal is signed as many days before its start as the first term was."""
        return self.start - (self.contract.start - self.contract.signed)

    @property
    def renewal(self) -> bool:
        return self.number > 0

    @property
    def reference(self) -> str:
        return f"{self.contract.reference}-R{self.number}" if self.renewal else self.contract.reference

    @property
    def file(self) -> str:
        stem = self.contract.file.removesuffix(".md")
        return f"{stem}_Renewal_{self.number}.md" if self.renewal else self.contract.file

    def window(self, run_start: dt.date, run_end: dt.date) -> tuple[dt.date, dt.date] | None:
        """The part of the term inside the horizon (None if they do not meet)."""
        a, b = max(self.start, run_start), min(self.end, run_end)
        return (a, b) if a <= b else None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def contract_terms(vendors: VendorsConfig, key: str, run_end: dt.date) -> list[ContractTerm]:
    """The terms of a contract up to a horizon ending ``run_end``: the first term, then a renewal
    of the same length while the last term ends before ``run_end``."""
    contract = vendors.contracts()[key]
    terms = [ContractTerm(key, contract, 0)]
    while terms[-1].end < run_end:
        terms.append(ContractTerm(key, contract, len(terms)))
    return terms


def all_terms(vendors: VendorsConfig, run_end: dt.date) -> dict[str, list[ContractTerm]]:
    """Every contract's terms, in document order."""
    return {key: contract_terms(vendors, key, run_end) for key in CONTRACT_KEYS}


def coverage(terms: list[ContractTerm], run_start: dt.date, run_end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days of the horizon the terms cover (they are contiguous), or None."""
    a, b = max(terms[0].start, run_start), min(terms[-1].end, run_end)
    return (a, b) if a <= b else None


def term_on(terms: list[ContractTerm], day: dt.date) -> ContractTerm:
    """The term in force on ``day`` (the first term for a day before it, the last after the last)."""
    return next((t for t in terms if t.covers(day)), terms[0] if day < terms[0].start else terms[-1])


CONTRACT_KEYS = ("itv", "sky", "sky_bvod", "channel4", "jcdecaux", "clear_channel", "agency")


def scheduled_owner_shares(vendors: VendorsConfig, channel: str) -> dict[str, float]:
    """Each owner's share of the channel's commitments scheduled inside the year.

    A media plan whose owner weights follow these shares delivers every commitment line in
    the same proportion to its schedule, which is what the commitment reconciliation checks.
    """
    scheduled: dict[str, float] = {}
    for contract in vendors.contracts().values():
        for line in contract.commitments.values():
            if line.channel == channel:
                for owner in line.owners:
                    scheduled[owner] = scheduled.get(owner,
                                                     0.0) + line.amount_gbp * line.in_year_share / len(line.owners)
    total = sum(scheduled.values())
    return {owner: value / total for owner, value in scheduled.items()} if total > 0 else {}
