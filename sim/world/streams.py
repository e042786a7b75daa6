"""Named, keyed random streams: the basis of common random numbers.

Every draw in the simulation comes from a generator keyed by (root seed, component, ...).
A consumer's decision on a day is element ``i`` of an array drawn from the generator keyed
by that day, so the same consumer on the same day sees the same uniform number in every
scenario that shares the root seed and population size. Differences between two such worlds
are then caused by the intervention, not by reshuffled noise (DESIGN principle 4).
"""

from __future__ import annotations

import zlib
from enum import StrEnum

import numpy as np


class Stream(StrEnum):
    """The named streams; the name is part of every generator's key (its text, so the
    numbers do not depend on this enum's order)."""

    POPULATION = "population"      # who the consumers are
    IN_MARKET = "in_market"        # per day: entering and leaving the market
    ACT = "act"                    # per day: who acts, because of what, how they arrive
    SESSION = "session"            # per day: device and website session of each visitor
    LEAD_FORM = "lead_form"        # per (consumer, day): which campaign a platform lead form belongs to
    EVENT = "event"                # per (event, day): sign-ups and event drives
    LEAD = "lead"                  # per (consumer, day, source): a lead's fate
    BOOKING = "booking"            # per (consumer, lead day, attempt): a drive booking and its outcome
    SALE_DEALER = "sale_dealer"    # the dealer that takes over a sale whose dealer is closed
    SALE_TERMS = "sale_terms"      # per sale: trim, colour, discount, finance, postcode
    REFERRAL = "referral"          # per sale: does the customer refer a friend
    PLAN = "plan"                  # media plan noise per channel and market, radio flights
    DELIVERY = "delivery"          # delivered rates per campaign line and day
    PROGRAMME = "programme"        # the programme a TV line's spots sit in, per week
    LANDING = "landing"            # per platform and market: clicks that land as website sessions
    CONTEXT = "context"            # economy and competitor series
    EXPORT = "export"              # per output table: reporting-only noise
    CONTRACTS = "contracts"        # reporting detail of the contract documents


def _key_int(part: object) -> int:
    if isinstance(part, (int, np.integer)):
        return int(part) & 0xFFFFFFFF
    return zlib.crc32(str(part).encode())


class Streams:
    """Factory of independent generators, one per key."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def generator(self, stream: Stream, *key: object) -> np.random.Generator:
        if not isinstance(stream, Stream):
            raise TypeError(f"stream must be a sim.world.streams.Stream, got {stream!r}")
        entropy = [self.seed, _key_int(stream), *(_key_int(k) for k in key)]
        return np.random.default_rng(np.random.SeedSequence(entropy))

    def uniform(self, n: int, stream: Stream, *key: object) -> np.ndarray:
        return self.generator(stream, *key).random(n)


def stable_id(*parts: object, digits: int = 10) -> str:
    """A deterministic numeric ID (platform-style) from a name; independent of any seed."""
    h = zlib.crc32("|".join(map(str, parts)).encode())
    h2 = zlib.adler32("|".join(map(str, parts)).encode())
    return str((h << 32 | h2) % 10**digits).zfill(digits)
