"""C2: Sky Media Advertising Sales Agreement: sections with lettered sub-clauses, appendices."""

STYLE = "section"
FIELDS = ("airtime",)

TEMPLATE = """\
# Sky Media: ${title}

| Key terms | |
|---|---|
| Agreement number | ${reference} |
| Sky | ${vendor_legal} |
| Advertiser | ${client_legal} (trading as ${trading_as}) |
| Effective date | ${start} |
| Expiry date | ${end} |
| Investment commitment | ${commitment_total} over the Term |
| Payment terms | ${payment_days} days from invoice |
| Governing law | England and Wales |

This Advertising Sales Agreement (the "**Agreement**") is entered into on ${signed} between ${vendor_legal}, whose registered office is at [registered office address] ("**Sky**"), and ${client_legal}, whose registered office is at [registered office address] (the "**Advertiser**").

## Background

Sky sells advertising on the channels it owns or represents (the "**Sky Portfolio**") and on its addressable and on-demand platforms, Sky Go, NOW and Sky AdSmart. The Advertiser is launching the ${models} vehicles in the UK from ${uk_launch}. The parties agree as follows.

## @interp Interpretation
@interp.defs The following definitions apply in this Agreement:

| Term | Meaning |
|---|---|
| **AdSmart** | Sky's addressable advertising service, which serves different advertisements to different households watching the same programme |
| **Business Day** | a day other than a Saturday, Sunday or public holiday in England |
| **Addendum** | the BVOD and AdSmart addendum to this Agreement, which sets the prices and conditions for AdSmart and Sky Go impressions |
| **Booked GRPs** | for any spot, the net price of the spot divided by the Deal CPP applicable to it |
| **Deal CPP** | the net price per adult gross rating point for a daypart, set out in §pricing_appendix |
| **Delivered GRPs** | adult gross rating points achieved, as reported by BARB (consolidated) |
| **Investment** | the net amount invoiced for advertising under this Agreement, after discounts and before VAT |
| **Sports Inventory** | spots in or around programmes whose titles begin with ${premium_programmes} |
| **Term** | the period set out in §appointment.term |
| **Year One** | the part of the Term that falls on or before ${year_end} |

@interp.rules Headings are for convenience only. Words in the singular include the plural. A reference to a Section or Appendix is to a section of or an appendix to this Agreement.

## @appointment Appointment and Term
@appointment.sale Sky agrees to sell, and the Advertiser agrees to buy, advertising across the Sky Portfolio on the terms of this Agreement and, for AdSmart and Sky Go, the Addendum.
@appointment.term This Agreement takes effect on ${start} and expires on ${end} (the "**Term**"), unless terminated earlier under §termination.
@appointment.prior Advertising bought from Sky before ${start} was bought on Sky's standard terms. It is outside the Investment commitment.

## @investment Investment Commitment
@investment.amount The Advertiser shall invest at least ${commitment_total} with Sky over the Term, comprising:
- ${label_linear}: ${commit_linear}; and
- ${label_adsmart}: ${commit_adsmart}, bought under the Addendum.
@investment.term The commitment in §investment.amount applies to the Term as a whole. The parties expect ${share_linear} of the linear commitment (${scheduled_linear}) and ${share_adsmart} of the AdSmart and Sky Go commitment (${scheduled_adsmart}) to be invested in Year One, ${phasing}, with the remainder invested after Year One.
@investment.reconcile Sky shall provide a post-campaign investment and delivery report after the end of Year One. Investment within ${tolerance} of the Year One expectation in §investment.term is treated as on plan.
@investment.share The Advertiser shall place at least ${share_of_broadcast} of its UK linear television investment in the Term with Sky.
@investment.shortfall Any shortfall against the commitment at the end of the Term is payable by the Advertiser, reduced by the value of any spots Sky failed to deliver under §delivery.

## @pricing Pricing
@pricing.cpp Linear spots are priced at the Deal CPPs in §pricing_appendix for the whole Term.
@pricing.sports Sports Inventory is priced at the Deal CPP plus a sports inventory premium of ${premium_pct}.
@pricing.length The Deal CPP applies to all spot lengths.
@pricing.adsmart AdSmart and Sky Go impressions are priced under the Addendum and not under this Section.

## @bookings Bookings and Cancellation
@. Bookings are made through Sky's trading platform by the Advertiser or its appointed media agency, and are confirmed when Sky accepts them.
@bookings.linear The Advertiser may cancel a linear booking by giving Sky at least ${notice_linear} weeks' written notice before transmission.
@bookings.adsmart The Advertiser may cancel an AdSmart or Sky Go booking by giving Sky at least ${notice_adsmart} weeks' written notice before the campaign starts.
@bookings.late If the Advertiser gives less notice than §bookings.linear or §bookings.adsmart requires, Sky may charge ${late_cancel_pct} of the net price of the cancelled booking.
@. Copy must be cleared by Clearcast and delivered to Sky's specification before transmission.

## @delivery Delivery Guarantee and Make-Goods
@delivery.report Sky shall report Delivered GRPs against Booked GRPs for linear spots each calendar month.
@delivery.guarantee Sky guarantees that, in each calendar month, Delivered GRPs will be at least ${sla_grp_delivery} of Booked GRPs.
@delivery.makegood If Sky does not meet the guarantee in §delivery.guarantee, Sky shall provide additional spots of equivalent value, approved by the Advertiser, within ${make_good_weeks} weeks after the end of the month.
@delivery.credit Where additional spots cannot be provided in time, Sky shall credit the net price of the undelivered GRPs at the Deal CPP.

## @standards Content Standards and Brand Safety
@standards.exclusions Sky shall not place the Advertiser's spots adjacent to advertising for, or in programmes sponsored by, any of the following categories:

${brand_safety}

@standards.remedy A spot placed in breach of §standards.exclusions counts as undelivered under §delivery.guarantee.
@. Sky may refuse any advertisement that does not comply with the BCAP Code or Sky's published advertising standards.

## @measurement Audience Data and Measurement
@measurement.barb Linear delivery is measured by BARB. AdSmart and Sky Go delivery is measured as set out in the Addendum.
@measurement.data Sky shall share campaign performance data in aggregated form. Neither party shares personal data under this Agreement.

## @charges Charges and Payment
@. Sky invoices monthly in arrears.
@charges.due Invoices are payable within ${payment_days} days of the invoice date.
@. Sky may charge interest on overdue sums at the rate set by the Late Payment of Commercial Debts (Interest) Act 1998.

## @records Records and Audit
@records.keep Sky shall keep complete records of transmissions, audience data and invoices for the Advertiser's campaigns.
@records.audit The Advertiser may audit those records on ${audit_notice_days} Business Days' notice, either itself or through an independent auditor bound by confidentiality.

## @ip Intellectual Property
The Advertiser retains all rights in its advertisements and grants Sky a non-exclusive licence to transmit them on the Sky Portfolio and, under the Addendum, on AdSmart and Sky Go during the Term.

## @confidentiality Confidentiality
@. Each party shall keep confidential the terms of this Agreement, including the Deal CPPs and the commitment, and any information about the other party's business it receives.
@. This Section does not prevent disclosure required by law or to a party's auditors and professional advisers.

## @liability Limitation of Liability
@liability.cap Each party's total liability under this Agreement is limited to ${liability_cap} of the Investment payable in the Term.
@. Nothing in this Agreement limits liability for death or personal injury caused by negligence, or for fraud.

## @termination Termination
@termination.breach Either party may terminate this Agreement on written notice if the other party materially breaches it and fails to remedy the breach within the period stated in a notice to remedy.
@termination.insolvency Either party may terminate this Agreement immediately if the other party becomes insolvent.
@termination.effect On early termination, the commitment in §investment.amount is reduced pro rata to the part of the Term that has elapsed.

## @misc Miscellaneous
@. This Agreement and the Addendum are the entire agreement between the parties about their subject matter.
@. This Agreement is governed by the law of England and Wales.

| Signed for ${vendor_legal} | Signed for ${client_legal} |
|---|---|
| Signature: ____________________ | Signature: ____________________ |
| Name: [name] | Name: [name] |
| Title: Head of Agency Trading | Title: Head of Media |
| Date: ${signed} | Date: ${signed} |

---

## @@pricing_appendix Pricing

Deal CPPs (see §pricing.cpp):

${rate_card}

Sports Inventory premium (§pricing.sports): ${premium_pct} on the Deal CPP.

## @@commitment_appendix Investment and Notice Periods

${commitment_table}

"""
