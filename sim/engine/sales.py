"""What a sale is worth: trim, colour, discount, price, finance and the customer's postcode area.

Decided in the engine when the sale happens, from the stream keyed by the sale itself
(customer, day, unit, source), so a sale has the same terms in every world in which it
happens, and ``vehicle_sales.csv`` and the truth read the same price from the log.
"""

from __future__ import annotations

import bisect
import datetime as dt

import numpy as np

from sim.engine.draws import SALE_DRAWS, SaleDraw
from sim.engine.log import SaleTerms
from sim.world.config import World
from sim.world.streams import Stream, Streams
from sim.world.vocabulary import SALE_TYPES


def _cdf(shares: list[float]) -> list[float]:
    """Cumulative shares scaled to end at 1 (a list: bisect on a few floats beats numpy's call overhead)."""
    cum = np.cumsum(shares)
    return (cum / cum[-1]).tolist()


def _pick(items: list, cdf: list[float], u: float):
    return items[min(bisect.bisect_left(cdf, u), len(items) - 1)]


class SalePricing:
    """The world's price lists, discounts and finance mix, prepared once for many sales."""

    def __init__(self, world: World, streams: Streams):
        self.world, self.streams = world, streams
        self.trims = {key: (vm.trims, _cdf([t.share for t in vm.trims])) for key, vm in world.models.items()}
        self.colours = list(world.sales.colours)
        self.colour_cdf = _cdf(list(world.sales.colours.values()))
        # each sale type has its own finance mix (a salary-sacrifice car is a lease); a type the
        # scenario gives no mix for takes the overall one
        mixes = {t: world.sales.finance_by_sale_type.get(t, world.sales.finance) for t in SALE_TYPES}
        self.finance = {t: (list(mix), _cdf(list(mix.values()))) for t, mix in mixes.items()}
        self.discount = {month: next((r for k, r in world.sales.discount_pct.items()
                                      if int(k.split("-")[0]) <= month <= int(k.split("-")[1])), (0.0, 0.0))
                         for month in range(1, 13)}

    def terms(self, *, consumer: int, day: int, unit: int, source: str, sale_type: str, model: str, market: str,
              region: str, dealer_region: str) -> SaleTerms:
        """The terms of one sale, keyed by the sale itself."""
        world = self.world
        u = self.streams.generator(Stream.SALE_TERMS, consumer, day, unit, source).random(SALE_DRAWS)
        trims, trim_cdf = self.trims[model]
        trim = _pick(trims, trim_cdf, u[SaleDraw.TRIM])
        month = (world.run.start + dt.timedelta(days=day)).month
        lo, hi = self.discount[month]
        discount = round(lo + (hi - lo) * u[SaleDraw.DISCOUNT], 2)
        finance = _pick(*self.finance[sale_type], u[SaleDraw.FINANCE])
        terms = world.sales.finance_terms[finance]
        areas = world.markets[market].postcode_areas
        areas = areas.get(region) or areas[dealer_region]
        return SaleTerms(
            trim=trim.name, colour=_pick(self.colours, self.colour_cdf, u[SaleDraw.COLOUR]),
            list_price_gbp=trim.price_gbp, discount_pct=discount,
            transaction_price_gbp=round(trim.price_gbp * (1 - discount / 100), 2), finance_type=finance,
            finance_term_months=terms[min(int(u[SaleDraw.FINANCE_TERM] * len(terms)), len(terms) - 1)],
            postcode_area=areas[int(u[SaleDraw.POSTCODE_AREA] * len(areas)) % len(areas)])
