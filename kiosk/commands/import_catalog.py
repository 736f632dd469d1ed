"""``kiosk import-catalog``: a catalog file from a staff spreadsheet (CSV or XLSX)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.commands.common import Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("import-catalog", parents=[common],
                                 help="catalog YAML from a spreadsheet (.csv, .xlsx)")
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--skip-bad", action="store_true",
                        help="write the good rows, skip (and list) the bad ones")
    parser.set_defaults(handler=run, needs_config=False)


def run(args: argparse.Namespace, config: KioskConfig | None) -> int:
    """Check every row; write the catalog file when they are all good (or with --skip-bad)."""
    from kiosk.catalog.importing.spreadsheet import import_catalog

    return import_catalog(args.file, args.config, skip_bad=args.skip_bad)
