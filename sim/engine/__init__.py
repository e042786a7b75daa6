"""The simulation: :class:`~sim.engine.model.LaunchModel` (Mesa) and the parts of its day.

Media plan and delivery, the response of consumers to exposure, the vectorised consumer
crowd, dealer agents and the sales pipeline. A run returns an :class:`~sim.engine.log.EventLog`;
everything downstream reads the log, never the model.
"""
