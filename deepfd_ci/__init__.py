"""deepfd-ci: catch deep-learning training faults in code review."""

__version__ = "0.1.0"
