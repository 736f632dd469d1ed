"""``kiosk scan``: decode barcodes in images, folders of images and videos, as the table's camera
would (for installers checking labels and lighting)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.commands.common import Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("scan", parents=[common],
                                 help="decode barcodes in images, folders and videos")
    parser.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Every code found in every file, with the store's barcode formats."""
    from hardware.decoding.pipeline import Decoder
    from kiosk.install.trials import scan_files

    decoder = Decoder(config.store.sources.camera.formats)
    return scan_files(args.paths, decoder, args.json, sys.stdout)
