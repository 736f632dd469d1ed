"""Benchmarks: measurements to run by hand (``python -m bench.scan``), not tests."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # their output is read by scripts
