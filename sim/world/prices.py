"""Deal rates and incidents from the vendor terms, for the media simulation and the SLA tracker.

The simulation prices what it delivers with the same numbers the contracts state: linear GRPs
at the deal CPP (:func:`deal_cpp`), outdoor sites at the site rate (:func:`site_rate`), and the
delivery lost to declared incidents (:func:`incident_factor`). The SLA tracker then measures
delivered against booked, so a miss in ``sla_tracking.csv`` is one the simulation produced.
"""

from __future__ import annotations

import datetime as dt

from sim.world.vendors import AirtimeContract, OohContract, VendorsConfig


def commitment_scale(vendors: VendorsConfig, channel: str, budget_gbp: float) -> float:
    """Factor applied to a channel's commitments in a world whose budget differs from the reference."""
    return budget_gbp / vendors.reference_budget_gbp[channel]


def airtime_contract_of(vendors: VendorsConfig, broadcaster: str) -> AirtimeContract:
    """The airtime contract whose commitments cover a broadcaster value (e.g. ``ITV_BVOD`` -> ITV)."""
    for contract in vendors.contracts().values():
        if isinstance(contract, AirtimeContract) and any(
                broadcaster in line.owners for line in contract.commitments.values()):
            return contract
    raise KeyError(f"no airtime contract covers broadcaster {broadcaster!r}")


def deal_cpp(vendors: VendorsConfig, broadcaster: str, daypart: str, programme: str = "") -> float:
    """Contracted GBP per GRP for a linear spot: the daypart's deal CPP plus any programme surcharge.

    Booked GRPs = spend / deal CPP; the TV simulation delivers GRPs around that and the SLA
    tracker compares what was delivered with what was booked.
    """
    contract = airtime_contract_of(vendors, broadcaster)
    if daypart not in contract.cpp_gbp:
        raise KeyError(f"{contract.file}: no deal CPP for daypart {daypart!r}; dayparts: {sorted(contract.cpp_gbp)}")
    premium = any(programme.startswith(p) for p in contract.premium_programmes)
    return contract.cpp_gbp[daypart] * (1 + contract.premium_share * premium)


def ooh_contract_of(vendors: VendorsConfig, vendor: str) -> OohContract:
    """The outdoor contract whose commitments cover an ``ooh_performance.vendor`` value."""
    for contract in (vendors.jcdecaux, vendors.clear_channel):
        if any(vendor in line.owners for line in contract.commitments.values()):
            return contract
    raise KeyError(f"no outdoor contract covers vendor {vendor!r}")


def site_rate(vendors: VendorsConfig, vendor: str, fmt: str) -> float:
    """Contracted price of one site for one cycle; contracted sites = spend / site rate."""
    contract = ooh_contract_of(vendors, vendor)
    if fmt not in contract.site_rate_gbp:
        raise KeyError(f"{contract.file}: no site rate for format {fmt!r}; formats: {sorted(contract.site_rate_gbp)}")
    return contract.site_rate_gbp[fmt]


def incident_factor(vendors: VendorsConfig, channel: str, day: dt.date, owner: str = "", *,
                    daypart: str = "", fmt: str = "", city: str = "") -> float:
    """Share of normal delivery that survives the declared incidents on one row (1.0 = none)."""
    factor = 1.0
    for inc in vendors.incidents:
        if inc.channel != channel or not inc.start <= day <= inc.end:
            continue
        if (inc.owners and owner not in inc.owners) or (inc.dayparts and daypart not in inc.dayparts):
            continue
        if (inc.formats and fmt not in inc.formats) or (inc.cities and city not in inc.cities):
            continue
        factor *= 1 - inc.severity
    return factor
