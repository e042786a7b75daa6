"""C1: ITV Airtime Sales Agreement (linear ITV and ITVX), numbered clauses and schedules."""

STYLE = "clause"
FIELDS = ("airtime",)

TEMPLATE = """\
# ${title}

- **Agreement reference:** ${reference}
- **Date of this Agreement:** ${signed}
- **Status:** executed version

---

**THIS AGREEMENT** is made on ${signed}

**BETWEEN:**

1. **${vendor_legal}**, a company incorporated in England and Wales with company number [company number] whose registered office is at [registered office address] ("**ITV**"); and
2. **${client_legal}**, trading as ${trading_as}, a company incorporated in England and Wales with company number [company number] whose registered office is at [registered office address] (the "**Advertiser**"),

each a "**Party**" and together the "**Parties**".

## RECITALS

(A) ITV sells advertising airtime on the ITV Network channels and on ITVX, its broadcaster video-on-demand service.

(B) The Advertiser will launch the ${models} vehicles in the United Kingdom from ${uk_launch} and wishes to secure airtime for the launch and the months that follow it.

(C) In return for the Deal CPPs in §rates, the Advertiser is willing to commit to a minimum value of airtime over the Term on the terms of this Agreement.

**IT IS AGREED** as follows:

## @defs Definitions and Interpretation
@defs.terms In this Agreement:
- "**Airtime**" means advertising time on the ITV Network (linear) and advertising impressions on ITVX (BVOD) bought under this Agreement;
- "**BARB**" means the Broadcasters' Audience Research Board, or any successor audience measurement body;
- "**Booked GRPs**" means, for any Spot, its Net Cost divided by the Deal CPP that applies to it under §prices;
- "**Business Day**" means a day other than a Saturday, Sunday or public holiday in England;
- "**BVOD**" means broadcaster video-on-demand advertising, here on ITVX;
- "**Commitment**" means the minimum Net Cost set out in §commit.amount;
- "**Deal CPP**" means the cost per adult gross rating point set out in §rates for the Daypart concerned;
- "**Daypart**" means each of the time bands listed in §rates;
- "**Delivered GRPs**" means the adult gross rating points achieved by a Spot as reported by BARB (consolidated);
- "**Make-Good Airtime**" has the meaning given in §makegood.trigger;
- "**Net Cost**" means the price of Airtime after all discounts and before VAT;
- "**Spot**" means one transmission of one advertisement in linear Airtime;
- "**Year-One Period**" means the period from the Commencement Date to ${year_end}.
@defs.interp Clause, Schedule and paragraph headings do not affect interpretation. A reference to a Clause or Schedule is to a clause of, or a schedule to, this Agreement. "Including" means including without limitation.
@defs.priority If there is a conflict between the Clauses and the Schedules, the Clauses prevail, except that §rates prevails on any question of price.

## @term Commencement and Term
@term.period This Agreement starts on ${start} (the "**Commencement Date**") and continues for ${term_months} months, ending on ${end} (the "**Term**"), unless terminated earlier under §termination.
@term.preterm Airtime transmitted before the Commencement Date was bought on ITV's standard terms and conditions of sale. It does not count towards the Commitment.

## @commit Commitment
@commit.amount The Advertiser commits to buy Airtime with a total Net Cost over the Term of not less than ${commitment_total} (the "**Commitment**"), made up of ${commit_linear} of linear Airtime and ${commit_itvx} of ITVX Airtime.
@commit.phasing The Commitment is a commitment for the whole Term and not for any calendar year. The Parties have agreed ${phasing} under which ${share_linear} of the linear Commitment (${scheduled_linear}) and ${share_itvx} of the ITVX Commitment (${scheduled_itvx}) are scheduled in the Year-One Period, and the balance between 1 January ${next_year} and the end of the Term.
@commit.review Within one month after the end of the Year-One Period the Parties shall compare the Net Cost of Airtime transmitted with the phasing in §commit.phasing. A difference of not more than ${tolerance} of the scheduled amount is within plan; a larger difference is carried into the phasing for the rest of the Term.
@commit.share The Advertiser shall place not less than ${share_of_broadcast} of its UK linear television spend in the Term with ITV.
@commit.shortfall If, at the end of the Term, the Net Cost of Airtime transmitted is less than the Commitment, ITV may invoice the shortfall, less the Net Cost of any Airtime that ITV failed to deliver under §makegood.

## @prices Prices
@prices.cpp Linear Airtime is priced at the Deal CPPs in §rates, which are fixed for the Term and are not subject to ITV's seasonal rate card changes.
@prices.premium Spots in ${premium_programmes} carry a surcharge of ${premium_pct} on the Deal CPP of their Daypart.
@prices.length The Deal CPP applies to every spot length; ITV's standard time-length factors do not apply to this Agreement.
@prices.bvod ITVX Airtime is priced at a CPM of ${bvod_cpm} for impressions served in full to UK viewers.

## @booking Booking, Copy and Transmission
@. The Advertiser, or its media agency on its behalf, shall submit booking requests through ITV's trading system. A booking is binding when ITV confirms it.
@. All copy shall be cleared by Clearcast before transmission. ITV is not obliged to transmit copy that has not been cleared.
@. ITV shall use reasonable endeavours to achieve the break and programme positions requested in a booking, but does not guarantee any position other than as stated in §prices.premium.

## @cancel Cancellation
@cancel.linear A linear booking may be cancelled or reduced on not less than ${notice_linear} weeks' written notice before the first transmission concerned.
@cancel.bvod An ITVX booking may be cancelled or reduced on not less than ${notice_itvx} weeks' written notice before the campaign start date.
@cancel.late If less notice is given than §cancel.linear or §cancel.bvod requires, the Advertiser shall pay ${late_cancel_pct} of the Net Cost of the Airtime cancelled.
@cancel.count Airtime cancelled on full notice does not count towards the Commitment; Airtime paid for under §cancel.late does.

## @makegood Delivery and Make-Good
@makegood.measure ITV shall report Delivered GRPs against Booked GRPs for linear Airtime for each calendar month.
@makegood.trigger If, in any calendar month, Delivered GRPs are less than ${sla_grp_delivery} of Booked GRPs, ITV shall provide further linear Airtime of equivalent audience value ("**Make-Good Airtime**") in Dayparts approved by the Advertiser.
@makegood.timing Make-Good Airtime shall be transmitted within ${make_good_weeks} weeks after the end of the month concerned.
@makegood.credit If Make-Good Airtime is not transmitted within the period in §makegood.timing, ITV shall issue a credit note for the Net Cost of the undelivered GRPs at the Deal CPP.
@makegood.count Make-Good Airtime is provided at no charge and does not reduce the Commitment.

## @safety Brand Safety
@safety.exclusions ITV shall not transmit the Advertiser's Spots in a break adjacent to advertising for, or within a programme sponsored by a brand promoting, any of the following:

${brand_safety}

@safety.breach A Spot transmitted in breach of §safety.exclusions is treated as not delivered for the purposes of §makegood.trigger.

## @invoicing Invoicing and Payment
@. ITV shall invoice the Advertiser (or its media agency as agent for the Advertiser) monthly in arrears for Airtime transmitted in the month.
@invoicing.terms The Advertiser shall pay each valid invoice within ${payment_days} days of its date.
@invoicing.disputes The Advertiser may withhold the disputed part of an invoice in good faith, provided it pays the undisputed part in accordance with §invoicing.terms.

## @audit Audit
@audit.right On not less than ${audit_notice_days} Business Days' written notice, the Advertiser or an independent auditor it appoints may inspect ITV's transmission logs, BARB data and invoices relating to the Advertiser's Airtime.
@audit.cost Each Party bears its own costs of an audit, unless the audit reveals an overcharge, in which case ITV refunds the overcharge and the reasonable cost of the audit.

## @data Data and Intellectual Property
@data.copy The Advertiser owns, or is licensed to use, all intellectual property in its advertisements, and grants ITV a licence to transmit them during the Term.
@data.itvx ITV shall provide ITVX campaign data (impressions, completion rates and audience segments) in aggregated form only. No personal data is shared under this Agreement.
@data.law Each Party shall comply with the UK General Data Protection Regulation and the Data Protection Act 2018 in performing this Agreement.

## @liability Liability
@liability.cap Each Party's total liability under this Agreement is limited to ${liability_cap} of the Net Cost payable in the Term.
@liability.excluded Neither Party limits liability for death or personal injury caused by negligence, for fraud, or for any liability that cannot lawfully be limited.

## @termination Termination
@termination.breach Either Party may terminate this Agreement by written notice if the other commits a material breach that is not remedied within the period stated in a notice requiring it to be remedied.
@termination.insolvency Either Party may terminate this Agreement immediately by written notice if the other becomes insolvent.
@termination.effect On early termination the Commitment is reduced in proportion to the unexpired part of the Term, and §commit.shortfall applies to the reduced Commitment.

## @general General
@. This Agreement is the entire agreement between the Parties about its subject matter.
@. Notices shall be in writing and sent to the addresses in this Agreement or to an address later notified.
@. This Agreement is governed by the law of England and Wales, and the courts of England have exclusive jurisdiction.

**Signed** for and on behalf of **${vendor_legal}**

Signature: ______________________ Name: [name] Title: Director of Agency and Client Sales Date: ${signed}

**Signed** for and on behalf of **${client_legal}**

Signature: ______________________ Name: [name] Title: Marketing Director Date: ${signed}

---

## @@rates Rate Card

Deal CPPs for linear Airtime, fixed for the Term (see §prices.cpp):

${rate_card}

- Premium programmes (§prices.premium): ${premium_programmes}, surcharge ${premium_pct}.
- ITVX CPM (§prices.bvod): ${bvod_cpm}.

## @@commitments Commitment and Notice Periods

${commitment_table}

"""
