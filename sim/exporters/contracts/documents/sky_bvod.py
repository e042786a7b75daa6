"""C3: Sky BVOD / AdSmart Addendum: numbered paragraphs that cite the parent agreement's sections."""

STYLE = "paragraph"
FIELDS = ("bvod",)

TEMPLATE = """\
# ${title}

**to the ${parent_title} ${parent_reference} dated ${parent_signed} (the "Agreement")**

| | |
|---|---|
| Addendum reference | ${reference} |
| Parties | ${vendor_legal} ("**Sky**") and ${client_legal}, trading as ${trading_as} (the "**Advertiser**") |
| Date | ${signed} |
| Effective from | ${start} |
| Co-terminous with the Agreement until | ${end} |

## Purpose of this Addendum

The Agreement commits the Advertiser to ${parent_commitment} of AdSmart and Sky Go investment over its term (§sky:investment.amount) but leaves the prices and conditions of that investment to this Addendum. This Addendum sets them: CPM pricing in place of the cost-per-point pricing of the Agreement, addressable targeting, frequency capping, measurement, and the data each party may use. Except as amended here, the Agreement continues in full force, and words defined in the Agreement have the same meaning in this Addendum.

### @defs Definitions
@defs.list In this Addendum:
- "**AdSmart Household**" means a Sky household whose set-top box or app is able to receive addressable advertising and has not opted out of it;
- "**Business Day**" means a day other than a Saturday, Sunday or public holiday in England;
- "**BVOD Inventory**" means advertising impressions in Sky Go, NOW and on-demand programmes on Sky platforms;
- "**Campaign Report**" means the report described in §reporting.report;
- "**CPM**" means the net price per thousand Impressions set out in §prices_annex;
- "**Frequency Cap**" means the limit in §frequency.cap;
- "**Impression**" means one advertisement served to one AdSmart Household or BVOD viewer and started playing;
- "**Segment**" means a group of AdSmart Households selected by the targeting attributes in §targeting.

### @scope Scope and Commencement
@scope.start This Addendum applies to AdSmart and BVOD Inventory booked for transmission from ${start} until the end of the Agreement on ${end}.
@scope.commitment Investment under this Addendum counts towards the AdSmart and Sky Go commitment in §sky:investment.amount, of which ${parent_share} (${parent_scheduled}) is expected in Year One under §sky:investment.term.
@scope.precedence If this Addendum and the Agreement conflict on AdSmart or BVOD Inventory, this Addendum prevails.

### @pricing Pricing
@pricing.cpm AdSmart and BVOD Inventory is priced at the CPM for its targeting tier in §prices_annex, in place of the Deal CPP in §sky:pricing.cpp.
@pricing.billable Only Impressions of advertisements that started playing are billable. Impressions served to viewers outside the United Kingdom are not billable.
@pricing.fixed CPMs are fixed until ${end}.

### @targeting Addressable Targeting
@targeting.attributes The Advertiser may target Segments by geography (including dealer drive-time areas), household composition, affluence, life stage and in-market signals for a new car, using Sky's standard AdSmart attributes.
@targeting.minimum A Segment must contain at least ${min_households} AdSmart Households. Sky may decline a Segment that is smaller, so that no household can be singled out.
@targeting.exclusion The Advertiser may exclude existing customers only by a list matched in the data environment described in §data.cleanroom.

### @frequency Frequency Capping
@frequency.cap Sky shall apply a Frequency Cap so that the average weekly frequency of the Advertiser's Impressions per reached household does not exceed ${sla_frequency_cap} in any week.
@frequency.measure Compliance with §frequency.cap is reviewed for each calendar quarter, using the highest weekly average frequency in the quarter.
@frequency.credit Impressions served in a week in breach of §frequency.cap above the cap are not billable and are credited under §sky:delivery.credit as if they were undelivered GRPs.

### @creative Creative and Ad Serving
@creative.specs The Advertiser shall supply each advertisement in Sky's BVOD technical specification, cleared by Clearcast, before the flight starts. Sky may refuse copy that is not cleared or not in specification.
@creative.versions The Advertiser may supply different versions of an advertisement for different Segments (for example by nearest dealer), and Sky shall serve each version only to its Segment.
@creative.serving Sky serves all Impressions from its own ad server. Third-party tracking tags may be added only where Sky's specification allows them.

### @impressions Impression Delivery
@impressions.booking Each AdSmart and BVOD booking states the Impressions booked, which equal the net price of the booking divided by its CPM, multiplied by one thousand.
@impressions.pacing Sky shall pace delivery evenly across each flight unless the booking states otherwise.
@impressions.makegood If a flight delivers fewer Impressions than booked, Sky shall deliver the shortfall in an agreed later flight; if it cannot, the shortfall is credited, in each case on the basis set out in §sky:delivery.makegood and §sky:delivery.credit.
@impressions.live Impressions in live sport on Sky Go carry the sports inventory premium of §sky:pricing.sports.

### @reporting Measurement and Reporting
@reporting.measure BVOD Inventory is measured by Sky's ad server and reconciled each month to Sky's AdSmart campaign data. Linear delivery remains measured under §sky:measurement.barb.
@reporting.report Sky shall deliver a Campaign Report within ${report_business_days} Business Days after each flight, showing Impressions, reach, average weekly frequency, completion rate and Segment, by week.
@reporting.verify The Advertiser may appoint an independent verification provider, at its own cost, to measure BVOD Inventory.

### @data Data Sharing and Protection
@data.aggregate Sky shall share campaign data with the Advertiser in aggregated form only. No personal data passes between the parties under this Addendum.
@data.cleanroom Any matching of the Advertiser's customer data with Sky's data takes place in a data clean room controlled by Sky, in which neither party can see the other's records.
@data.retention Segment and campaign data created for the Advertiser is retained for no more than ${data_retention_days} days after the flight it relates to, then deleted.
@data.law Each party remains responsible for its own compliance with the UK General Data Protection Regulation and the Data Protection Act 2018.

### @safety Brand Safety
@safety.list In addition to §sky:standards.exclusions, Sky shall not serve the Advertiser's advertisements in BVOD Inventory within or adjacent to:

${brand_safety}

### @cancellation Cancellation
@cancellation.notice AdSmart and BVOD bookings may be cancelled on the notice required by §sky:bookings.adsmart; §sky:bookings.late applies to late cancellation.

### @confidentiality Confidentiality
@confidentiality.terms The CPMs, Segment definitions and campaign data under this Addendum are confidential information of the parties under §sky:confidentiality.

### @duration Term and Termination
@duration.coterminous This Addendum ends when the Agreement ends, for any reason.
@duration.breach A material breach of this Addendum is a material breach of the Agreement for the purposes of §sky:termination.breach.

### @general General
@general.payment Invoices under this Addendum are payable within ${payment_days} days of their date, as under §sky:charges.due.
@general.audit §sky:records.audit applies to BVOD Inventory, including ad-server logs, on ${audit_notice_days} Business Days' notice.
@general.law This Addendum is governed by the law of England and Wales.

Signed for ${vendor_legal}: ____________________ Name: [name] Title: Head of Addressable Sales Date: ${signed}

Signed for ${client_legal}: ____________________ Name: [name] Title: Head of Media Date: ${signed}

---

## @@prices_annex CPM Price Grid

${cpm_table}

"""
