"""Replicate worlds: the same scenario under independent root seeds (decision 12).

Replicate ``i`` of a world with root seed ``s`` has root seed
``int(numpy.random.SeedSequence(s).spawn(n)[i].generate_state(1)[0])``: the ``i``-th child of
the scenario's seed sequence, the same child whatever ``n`` (a child's spawn key is ``(i,)``),
so replicate ``i`` is reproducible on its own (``sim run --replicate i``).
"""

from __future__ import annotations

import numpy as np

from sim.world.config import World


def replicate_seed(seed: int, i: int) -> int:
    """The root seed of replicate ``i`` (from 0) of root seed ``seed``."""
    if i < 0:
        raise ValueError(f"replicate must be 0 or more, got {i}")
    return int(np.random.SeedSequence(seed, spawn_key=(i,)).generate_state(1)[0])


def replicate_world(world: World, i: int) -> World:
    """``world`` with the root seed of its replicate ``i``."""
    return world.model_copy(update={"run": world.run.model_copy(update={"seed": replicate_seed(world.run.seed, i)})})
