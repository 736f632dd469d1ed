"""``kiosk doctor``: the cameras and NFC readers this machine has, and how to fix what is
missing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.commands.common import Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("doctor", parents=[common],
                                 help="list cameras and NFC readers, and how to fix what is "
                                      "missing")
    parser.add_argument("--root", type=Path, default=Path("/"), help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Report on the devices."""
    from kiosk.install.doctor import run_doctor

    return run_doctor(config, root=args.root, out=sys.stdout)
