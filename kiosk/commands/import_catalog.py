"""``kiosk import-catalog``: catalog files from a staff spreadsheet (CSV or XLSX), read as a
stream: a progress bar on a terminal, memory that does not grow with the rows."""

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
    """Check every row as it is read; write the catalog files when they are all good (or with
    --skip-bad). The files are compiled into the catalog index in ``--data`` while they are
    checked, so the kiosk's next start or reload does not compile them again."""
    from kiosk.catalog.importing.spreadsheet import import_catalog

    return import_catalog(args.file, args.config, skip_bad=args.skip_bad, data_dir=args.data)
