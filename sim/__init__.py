"""launch-sim: a causal, agent-based simulator of a car brand's 2025 launch year."""

__version__ = "0.1.0"
