"""C6: Channel 4 Media Partnership Agreement: airtime, All 4 streaming and branded content."""

STYLE = "partnership"
FIELDS = ("airtime",)

TEMPLATE = """\
# ${title}

### Channel 4 x ${trading_as}: Launch Partnership

Reference ${reference}. This Agreement is dated ${signed}.

**Parties**

(1) **${vendor_legal}**, a statutory corporation established under the Broadcasting Act 1990, of [registered office address] ("**Channel 4**").

(2) **${client_legal}**, a company incorporated in England and Wales with company number [company number], of [registered office address], trading as ${trading_as} (the "**Brand Partner**").

**Background**

(A) Channel 4 is a publicly owned, commercially funded public service broadcaster with a remit to champion unheard voices, to innovate and to inspire change, including on environmental sustainability.

(B) The Brand Partner is launching the ${models} electric vehicles in the United Kingdom from ${uk_launch} and wishes to reach Channel 4's audiences through airtime, All 4 streaming and a branded content partnership consistent with Channel 4's brand values.

(C) The parties have agreed to enter into a media partnership on the terms below.

## @defs Definitions
@defs.words In this Agreement the following words have these meanings.
- **Airtime Commitment**: the minimum net spend on linear airtime and All 4 streaming in §commitment.amount.
- **All 4**: Channel 4's streaming service, on any platform on which it is available.
- **Business Day**: a day other than a Saturday, Sunday or public holiday in England.
- **Branded Content**: the content deliverables listed in §deliverables_schedule, made by Channel 4's in-house creative team for the Brand Partner.
- **Deal CPP**: the net price per adult gross rating point for each daypart in §rate_schedule.
- **Delivered GRPs** and **Booked GRPs**: adult GRPs reported by BARB, and net spend divided by the Deal CPP, respectively.
- **Partnership Fee**: the fee in §fee.amount for the Branded Content and the partnership rights.
- **Partnership Period**: the period in §term.period.
- **Talent**: any presenter, contributor or performer who appears in the Branded Content.
- **Usage Period**: the period in §talent.period.
@defs.reading Headings do not affect interpretation, and a reference to a Clause or Schedule means a clause of or schedule to this Agreement.

## @term Partnership Period
@term.period The partnership runs from ${start} to ${end} (the "**Partnership Period**").
@term.before Airtime bought from Channel 4 before ${start} was bought on Channel 4's standard terms and is not part of this Agreement.

## @commitment Airtime Commitment
@commitment.amount The Brand Partner commits to spend at least ${commitment_total} net with Channel 4 in the Partnership Period on airtime, of which ${commit_airtime} is linear airtime on Channel 4, E4 and More4 and ${commit_streaming} is All 4 streaming.
@commitment.phasing The Airtime Commitment runs for the whole Partnership Period. The parties plan that ${share_airtime} of the linear commitment (${scheduled_airtime}) and ${share_streaming} of the All 4 commitment (${scheduled_streaming}) will be spent in ${year}, ${phasing}, with the rest spent in ${next_year}.
@commitment.check After ${year_end} the parties shall compare actual spend in the Partnership Period with §commitment.phasing. Spend within ${tolerance} of plan needs no action; otherwise the parties shall re-phase the balance in good faith.
@commitment.share The Brand Partner will place at least ${share_of_broadcast} of its UK linear television spend in the Partnership Period with Channel 4.
@commitment.excluded The Partnership Fee does not count towards the Airtime Commitment.

## @fee Partnership Fee
@fee.amount The Brand Partner shall pay Channel 4 a Partnership Fee of ${partnership_fee} for the Branded Content and the rights in §talent and §ip.
@fee.invoicing Channel 4 shall invoice the Partnership Fee in instalments as each Deliverable is approved under §content.approval, each instalment in proportion to the agreed value of the Deliverable.
@fee.scale The Partnership Fee is a fixed fee. It does not change if the Airtime Commitment changes.

## @content Branded Content
@content.make Channel 4 shall develop and produce the Branded Content listed in §deliverables_schedule, working with the Brand Partner's creative agency.
@content.control Channel 4 keeps editorial control of the Branded Content, which must comply with the Ofcom Broadcasting Code and the BCAP Code.
@content.approval The Brand Partner shall approve or give reasoned comments on each cut of the Branded Content within ${approval_days} Business Days of receiving it. A cut not commented on in that time is treated as approved.
@content.credit Branded Content will carry a clear "in partnership with" credit so that viewers can recognise it as advertising.

## @streaming All 4 Streaming
@streaming.inclusion The Branded Content and the Brand Partner's spots will be included in All 4, both in advertising breaks and, for the Branded Content, as standalone content on the All 4 partnership hub.
@streaming.price All 4 spots are priced at a CPM of ${bvod_cpm} for impressions started by UK viewers.
@streaming.cancel All 4 bookings may be cancelled on ${notice_streaming} weeks' written notice before the campaign start.

## @sustainability Sustainability Messaging
@sustainability.claims Every environmental claim in the Branded Content or the spots must be substantiated and comply with the CMA Green Claims Code and the CAP and BCAP Codes. The Brand Partner shall supply the evidence for a claim on request.
@sustainability.values Channel 4 may decline content that, in its reasonable opinion, is inconsistent with its sustainability commitments or its brand values.
@sustainability.production The Branded Content will be produced to the albert certification standard for sustainable production.

## @talent Talent and Usage Rights
@talent.period The Brand Partner may use the Branded Content, including the Talent's name, likeness and performance in it, for ${talent_usage_months} months from first transmission (the "**Usage Period**").
@talent.media Use under §talent.period is limited to the United Kingdom and to television, streaming, online video, social media and the Brand Partner's own websites and showrooms.
@talent.clearance Channel 4 shall clear the rights of the Talent for the uses in §talent.media and pay all Talent fees and repeat fees for those uses.
@talent.extension Any use after the Usage Period, or outside the media in §talent.media, needs a new agreement with the Talent, negotiated by Channel 4 at the Brand Partner's cost.

## @pricing Airtime Pricing
@pricing.cpp Linear airtime is priced at the Deal CPPs in §rate_schedule, fixed for the Partnership Period and for every spot length.

## @delivery Delivery and Make-Good
@delivery.report Channel 4 shall report Delivered GRPs against Booked GRPs for each calendar month.
@delivery.floor If Delivered GRPs in a month fall below ${sla_grp_delivery} of Booked GRPs, Channel 4 shall provide make-good airtime of equal audience value within ${make_good_weeks} weeks after that month.
@delivery.credit Undelivered GRPs not made good under §delivery.floor are credited at the Deal CPP.

## @cancellation Cancellation of Airtime
@cancellation.linear Linear bookings may be cancelled on ${notice_airtime} weeks' written notice before transmission.
@cancellation.late Shorter notice than §cancellation.linear or §streaming.cancel requires makes ${late_cancel_pct} of the net price of the booking payable.

## @safety Brand Safety
@safety.list Channel 4 shall not place the Brand Partner's spots or Branded Content adjacent to advertising for, or sponsorship by, any of:

${brand_safety}

## @ip Intellectual Property
@ip.channel4 Channel 4 owns the copyright in the Branded Content. The Brand Partner owns its trade marks, vehicle designs and any materials it supplies.
@ip.licence Channel 4 grants the Brand Partner a licence to use the Branded Content as set out in §talent, and the Brand Partner grants Channel 4 a licence to use its trade marks in the Branded Content.

## @payment Payment
@payment.terms Channel 4 invoices airtime monthly in arrears. All invoices are payable within ${payment_days} days.

## @audit Records and Audit
@audit.right The Brand Partner may audit Channel 4's records of transmission, All 4 delivery and invoicing on ${audit_notice_days} Business Days' notice.

## @liability Liability
@liability.cap Each party's total liability is limited to ${liability_cap} of the sums payable under this Agreement.

## @termination Termination
@termination.breach Either party may terminate this Agreement for the other's material breach not remedied within the period stated in a notice to remedy, or immediately if the other becomes insolvent.
@termination.reputation Either party may terminate this Agreement on written notice if the other party does something that brings it into serious public disrepute.
@termination.effect On early termination the Airtime Commitment is reduced pro rata to the expired part of the Partnership Period, and the Partnership Fee is payable for Deliverables already approved.

## @general General
@general.law This Agreement is governed by the law of England and Wales.

Signed for **Channel Four Television Corporation** by [name], Head of Partnerships: ____________________ Date: ${signed}

Signed for **${client_legal}** by [name], Marketing Director: ____________________ Date: ${signed}

---

## @@rate_schedule Rate Card

${rate_card}

All 4 streaming CPM (§streaming.price): ${bvod_cpm}.

## @@deliverables_schedule Branded Content Deliverables

${deliverables}

## @@commitment_schedule Airtime Commitment and Notice

${commitment_table}

"""
