"""C4: JCDecaux Outdoor Advertising Contract: articles and annexes, classic, digital and transport."""

STYLE = "article"
FIELDS = ("ooh",)

TEMPLATE = """\
# ${title}

**Contract No. ${reference}**

between

**${vendor_legal}**, registered in England and Wales under number [company number], with its registered office at [registered office address] (the "**Contractor**")

and

**${client_legal}**, trading as ${trading_as}, registered in England and Wales under number [company number], with its registered office at [registered office address] (the "**Client**").

Signed on ${signed}.

## Preamble

The Contractor operates advertising sites in the United Kingdom, including roadside 48-sheet and 96-sheet panels, digital 6-sheet (D6) screens in shopping centres and high streets, and advertising in London Underground and rail stations. The Client will launch the ${models} vehicles from ${uk_launch} and wishes to buy advertising on those sites throughout ${year}, with an always-on digital presence near its dealers and heavy launch bursts. The parties therefore agree the following.

## @defs Definitions
@defs.list In this Contract:
- **Business Day** means a day other than a Saturday, Sunday or public holiday in England;
- **Campaign Cycle** means a period of ${cycle_days} consecutive days, the unit in which Sites are sold;
- **Classic Site** means a paper-and-paste 48-sheet or 96-sheet panel;
- **Contracted Sites** means, for any booking, the price of the booking divided by the Site Rate of its format, rounded to whole Sites, for each Campaign Cycle;
- **Copy** means the Client's advertisements, as posters or as digital files;
- **Digital Site** means a screen showing Copy in a loop, including D6 screens;
- **Live Site** means a Contracted Site that is posted or playing Copy for the whole of a day;
- **Route** means the audience measurement currency of the UK out-of-home industry;
- **Site** means an advertising face operated by the Contractor;
- **Site Rate** means the price per Site per Campaign Cycle in §rates;
- **Transport Site** means a Site in a London Underground or rail station.
@defs.reading References to Articles and Annexes are to articles of and annexes to this Contract.

## @object Object of the Contract
@object.sale The Contractor sells to the Client advertising space on the Sites booked under this Contract, for the display of the Client's Copy, on the terms of this Contract and its Annexes.
@object.package Sites are booked by format and city, Campaign Cycle by Campaign Cycle, at the Site Rates in §rates. The Contractor may substitute a Site with another of the same format and equivalent Route audience in the same city, with the Client's consent.

## @duration Duration
@duration.term This Contract applies to Campaign Cycles beginning between ${start} and ${end}.

## @commitment Commitment
@commitment.amount The Client commits to book Sites with a total price of at least ${commit_media} for Campaign Cycles in the term of this Contract.
@commitment.year Of the commitment, ${share_media} (${scheduled_media}) is scheduled for Campaign Cycles in ${year}. Bookings within ${tolerance} of the scheduled amount are treated as fulfilling it; the Contractor reports the delivered position after each Campaign Cycle.

## @rates Prices
@rates.site Sites are priced at the Site Rates in §rates, per Site and per Campaign Cycle, fixed for the term.
@rates.production Site Rates include posting and digital scheduling, but not the printing of posters, which is the Client's responsibility under §installation.print.

## @installation Installation and Production
@installation.print The Client is responsible for producing Copy. Posters shall be delivered to the Contractor's depot, and digital files uploaded to the Contractor's content platform, at least ${artwork_days} Business Days before the first day of the Campaign Cycle.
@installation.post The Contractor shall post Classic Sites and Transport Sites by the first day of the Campaign Cycle and keep them in good condition, replacing damaged posters promptly.
@installation.proof The Contractor shall provide photographic proof of posting for Classic Sites and Transport Sites, and proof-of-play logs for Digital Sites, for each Campaign Cycle.
@installation.late If Copy is delivered late, the Contractor will use reasonable endeavours to post it, but the days lost are not Contractor failures under §availability.

## @digital Digital Content
@digital.loop On Digital Sites, Copy plays as a spot of ${spot_seconds} seconds in a loop of ${loop_seconds} seconds, a share of time of ${share_of_time}.
@digital.rotation Where the Client supplies several executions, the Contractor shall rotate them every ${rotation_minutes} minutes, or as scheduled by the Client in the content platform.
@digital.changes The Client may change digital Copy during a Campaign Cycle without charge, subject to §installation.print.

## @impressions Impression Guarantee
@impressions.basis Audiences for each booking are estimated in advance using Route.
@impressions.guarantee The Contractor guarantees that each booking will deliver at least ${impression_guarantee} of its estimated Route impacts, adjusted for any days on which a Site was not a Live Site for reasons in §majeure.
@impressions.remedy A shortfall against §impressions.guarantee is made good with additional Sites or Digital Site plays of equivalent audience, at no charge.

## @availability Site Availability and Make-Good
@availability.level In each calendar month, Live Sites shall be at least ${sla_site_availability} of Contracted Sites, measured in site-days.
@availability.makegood If §availability.level is not met, the Contractor shall provide make-good Sites of the same format and equivalent audience within ${make_good_weeks} weeks after the end of the month.
@availability.credit Site-days that are not made good under §availability.makegood are credited at the Site Rate, pro rata per day.

## @cancellation Cancellation
@cancellation.notice The Client may cancel a booking on at least ${notice_media} weeks' written notice before the first day of the Campaign Cycle. With shorter notice, the full price of the booking remains payable.

## @majeure Force Majeure
@majeure.events Neither party is liable for a failure caused by events beyond its reasonable control, including:

${force_majeure}

@majeure.sites Days lost at a Site because of an event in §majeure.events are still counted in §availability, so that the Client receives make-good Sites or a credit for them.

## @safety Placement Restrictions and Brand Safety
@safety.list The Contractor shall observe the following restrictions when placing the Client's Copy:

${brand_safety}

@safety.copy The Contractor may refuse Copy that does not comply with the CAP Code or the Contractor's content policy, giving reasons.

## @payment Invoicing and Payment
@payment.invoice The Contractor invoices each Campaign Cycle at its start.
@payment.terms Invoices are payable within ${payment_days} days of their date.

## @audit Audit and Proof of Delivery
@audit.right The Client may audit the Contractor's booking, posting and proof-of-play records for its campaigns on ${audit_notice_days} Business Days' notice, directly or through an independent auditor.

## @data Data
@data.none No personal data is exchanged under this Contract. Audience data is supplied in aggregate as published by Route.

## @liability Liability and Insurance
@liability.cap Each party's total liability is limited to ${liability_cap} of the price of the bookings in the term.
@liability.insurance The Contractor maintains public liability insurance for its Sites.

## @termination Termination
@termination.breach Either party may terminate this Contract for a material breach by the other which is not remedied within the period in a notice to remedy, or immediately on the other's insolvency.

## @law Governing Law
@law.courts This Contract is governed by the law of England and Wales; the courts of England have exclusive jurisdiction.

For the Contractor: ____________________ [name], Commercial Director, ${signed}

For the Client: ____________________ [name], Head of Marketing, ${signed}

---

## @@rates Site Rates

${site_rates}

"""
