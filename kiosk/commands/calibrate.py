"""``kiosk calibrate``: map the camera to the table with ArUco markers drawn on the screen."""

from __future__ import annotations

import argparse
import sys

from kiosk.commands.common import Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("calibrate", parents=[common],
                                 help="map the camera to the table with ArUco markers")
    parser.add_argument("--headless", action="store_true",
                        help="draw the markers off-screen (with the simulator's camera)")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="S",
                        help="give up after S seconds (default 20)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Calibrate and write the homography into store.yaml."""
    from kiosk.install.calibrate import run_calibration

    return run_calibration(config, headless=args.headless, timeout=args.timeout, out=sys.stdout)
