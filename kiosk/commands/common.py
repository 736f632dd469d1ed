"""What every command shares: exit codes, and the parsing of sizes, dates and folders."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
"""141, what a shell reports for a program its reader stopped reading (``kiosk ... | head``):
scripts with ``set -o pipefail`` see the same code as for ``yes | head``."""
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


def data_folder(text: str) -> Path:
    """``--data``, for argparse: a folder, or a path where one can be created (``run`` and
    ``simulate`` make it). A file there would only fail later, after a half-done start."""
    path = Path(text)
    try:
        existing = next((where for where in (path, *path.parents) if where.exists()), None)
    except OSError:  # not allowed to look: the command says so when it opens its files
        return path
    if existing is not None and not existing.is_dir():
        what = "is a file" if existing == path else f"is inside {existing}, which is a file"
        raise argparse.ArgumentTypeError(f"{text} {what}, not a folder: give the folder where "
                                         "the kiosk keeps its state")
    return path
