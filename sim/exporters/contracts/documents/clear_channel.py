"""C5: Clear Channel DOOH Media Agreement: key-terms table, then general terms, then appendices."""

STYLE = "terms"
FIELDS = ("ooh",)

TEMPLATE = """\
# ${title}

Agreement ${reference} made on ${signed}

## PART A: KEY COMMERCIAL TERMS

| Item | Agreed term |
|---|---|
| Media owner | ${vendor_legal} ("**Clear Channel**"), [registered office address] |
| Customer | ${client_legal}, trading as ${trading_as} (the "**Customer**"), [registered office address] |
| Term | ${start} to ${end} |
| Media | Digital out-of-home: large-format digital, digital 6-sheet and digital bus shelter screens, at the Screen Rates in §pricing_appendix |
| Annual commitment | ${commitment_total} net media, of which ${scheduled_total} is scheduled in ${year} |
| Slot | ${spot_seconds}-second spot in a ${loop_seconds}-second loop (share of time ${share_of_time}) |
| Screen availability | at least ${sla_site_availability} of contracted screens live, each calendar quarter |
| Audience guarantee | ${impression_guarantee} of planned impacts |
| Programmatic | via ${platforms}, up to ${programmatic_cap} of the commitment, floor CPM ${floor_cpm} |
| Payment | ${payment_days} days from invoice |
| Sustainability | screens on ${renewable} renewable electricity; night-time dimming of ${dimming}; ${recycled} of retired hardware refurbished or recycled |

Part B (General Terms) and the Appendices form part of this Agreement. If Part A and Part B conflict, Part A prevails.

## PART B: GENERAL TERMS

## @defs Definitions
@defs.list In this Agreement:
- "**Booking**" means an order for Slots on a set of Screens for one or more Cycles, whether placed directly or programmatically;
- "**Business Day**" means a day other than a Saturday, Sunday or public holiday in England;
- "**Contracted Screens**" means the net price of a Booking divided by the Screen Rate of its format, rounded to whole Screens, for each Cycle;
- "**Cycle**" means a ${cycle_days}-day booking period;
- "**Impacts**" means audience impacts as estimated by Route for a Screen and time;
- "**Live Screen**" means a Contracted Screen that played the Customer's content in every loop of a day;
- "**Programmatic Booking**" means a Booking transacted through a supply-side platform named in Part A;
- "**Screen**" means a digital advertising face operated by Clear Channel;
- "**Screen Rate**" means the net price per Screen per Cycle in §pricing_appendix;
- "**Slot**" means the Customer's share of a Screen's loop set out in Part A.

## @booking Booking and Scheduling
@booking.direct Direct Bookings are confirmed in writing by Clear Channel and priced at the Screen Rates.
@booking.content Content must be supplied to Clear Channel's content platform at least ${artwork_days} Business Days before the Cycle starts, in the formats in Clear Channel's specification.
@booking.rotation Clear Channel shall rotate the Customer's executions every ${rotation_minutes} minutes unless the Customer schedules them by daypart, weather or location triggers.

## @programmatic Programmatic DOOH
@programmatic.platforms The Customer's demand-side platform may buy Slots through ${platforms}. Programmatic Bookings count towards the commitment in §commitment.amount.
@programmatic.cap Programmatic Bookings may make up no more than ${programmatic_cap} of the commitment, so that the launch bursts are secured by direct Bookings.
@programmatic.floor Programmatic deals carry a floor CPM of ${floor_cpm} per thousand Impacts.
@programmatic.reporting Clear Channel shall reconcile programmatic play-out logs with the platform's reports each month.

## @audience Audience Measurement Methodology
@audience.route Impacts are estimated with Route, adjusted for each Screen's share of time and for the hours the Customer's content plays.
@audience.playout Delivery is evidenced by Screen-level proof-of-play logs, which record every play with its time stamp.
@audience.guarantee Clear Channel guarantees that each Booking delivers at least ${impression_guarantee} of its planned Impacts. A shortfall is made good under §availability.makegood.
@audience.change If Route publishes new audience data during the Term, planned Impacts for future Cycles are restated on the new data.

## @availability Screen Availability and Make-Good
@availability.level In each calendar quarter, Live Screens shall be at least ${sla_site_availability} of Contracted Screens, measured in screen-days.
@availability.makegood If the level in §availability.level is not met, Clear Channel shall provide make-good Slots of equivalent Impacts within ${make_good_weeks} weeks after the end of the quarter.
@availability.credit Screen-days not made good are credited at the Screen Rate, pro rata per day.

## @commitment Commitment
@commitment.amount The Customer commits to Bookings with a net price of at least ${commit_dooh} for Cycles within the Term.
@commitment.year Of the commitment, ${share_dooh} (${scheduled_dooh}) is scheduled for Cycles in ${year}. Delivered Bookings within ${tolerance} of the scheduled amount fulfil it; Clear Channel reports the delivered position after the end of each quarter.

## @cancellation Cancellation
@cancellation.notice A direct Booking may be cancelled on ${notice_dooh} weeks' written notice before its first Cycle. If less notice is given, the Booking remains payable in full.

## @content Content Standards and Brand Safety
@content.code All content must comply with the CAP Code and Clear Channel's copy policy.
@content.restrictions Clear Channel shall not schedule the Customer's content in the same loop as, or on a Screen adjacent to, advertising for:

${brand_safety}

## @sustainability Environmental and Sustainability Commitments
@sustainability.energy Clear Channel shall power the Screens used for the Customer on renewable electricity (${renewable}).
@sustainability.dimming Screen brightness shall be reduced by ${dimming} between late evening and early morning, subject to local planning conditions.
@sustainability.hardware At least ${recycled} of screen hardware retired during the Term shall be refurbished or recycled.
@sustainability.reporting Clear Channel shall report the estimated carbon emissions of the Customer's campaigns at the end of the Term, on a method it publishes.

## @charges Charges and Payment
@charges.invoice Direct Bookings are invoiced at the start of each Cycle, and Programmatic Bookings monthly in arrears.
@charges.terms Invoices are payable within ${payment_days} days of their date.

## @majeure Force Majeure
@majeure.list Neither party is liable for failure caused by events beyond its reasonable control, including:

${force_majeure}

@majeure.counting Screen-days lost to such events count towards §availability.level.

## @dataprotection Data Protection
@dataprotection.none Clear Channel does not process personal data for the Customer. Any location or weather triggers use anonymous, aggregated data.

## @audit Audit
@audit.right The Customer may audit proof-of-play logs, programmatic reports and invoices for its Bookings on ${audit_notice_days} Business Days' notice.

## @liability Liability
@liability.cap Each party's total liability is limited to ${liability_cap} of the charges payable in the Term.

## @termination Term and Termination
@termination.breach Either party may terminate this Agreement for material breach not remedied within the period stated in a notice to remedy, or immediately on the other's insolvency.

## @general General
@general.law English law governs this Agreement.

Signed for ${vendor_legal}: ____________________ [name], Head of Client Partnerships, ${signed}

Signed for ${client_legal}: ____________________ [name], Marketing Director, ${signed}

---

## @@pricing_appendix Screen Rates

${site_rates}

"""
