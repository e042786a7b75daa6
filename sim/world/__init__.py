"""What a scenario says: the validated world and everything it is made of.

The bottom layer of the package: the pydantic configuration (:mod:`~sim.world.config`), the
vocabulary, the calendar, the context inputs (economy, competitors), the vendor terms and
prices the media is bought at, the analyst's MMM assumptions, the exports' reporting conventions
(:mod:`~sim.world.reporting`), and the named random streams.
Nothing here imports the engine, the exporters, the truth or the MMM.
"""
