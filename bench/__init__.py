"""Benchmarks: measurements to run by hand (``python -m bench.scan``), not tests."""
