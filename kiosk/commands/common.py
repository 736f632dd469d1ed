"""What every command shares: exit codes, and the parsing of sizes and dates."""

from __future__ import annotations

import argparse
import datetime as dt

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
Subparsers = argparse._SubParsersAction
"""The ``add_subparsers`` action that commands register with."""


def parse_size(text: str) -> tuple[int, int]:
    """``1600x900`` as (1600, 900); anything else stops the command with a plain message."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"kiosk: size {text!r} should look like 1600x900") from None
    return width, height


def parse_date(text: str) -> dt.date:
    """``2026-11-26`` as a date, for argparse."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None
