"""Media transformations shared by the simulation's true response and the analyst's MMM:
one module per transformation, each documenting its formula (PyMC-Marketing's layout)."""

from sim.transforms.adstock import geometric_adstock, half_life
from sim.transforms.awareness import awareness
from sim.transforms.lag import lag_kernel
from sim.transforms.saturation import hill

__all__ = ["awareness", "geometric_adstock", "half_life", "hill", "lag_kernel"]
