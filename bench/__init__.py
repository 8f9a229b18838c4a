"""Benchmarks: `python -m bench` prints one table of measured figures beside their budgets."""
