"""``kiosk listen``: what the table's devices see, printed as events (for installers)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from kiosk.commands.common import EXIT_INVALID, Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("listen", parents=[common],
                                 help="print what the table's devices see, as events")
    parser.add_argument("--camera", metavar="NAME", help="camera device instead of the config's "
                                                        "(none turns it off)")
    parser.add_argument("--nfc", metavar="NAME", help="NFC device instead of the config's")
    parser.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Listen to the config's devices, or to those named on the command line."""
    from hardware.registry import device_problem
    from kiosk.install.trials import listen

    sources = config.store.sources
    camera = sources.camera
    nfc = sources.nfc
    for role, name in (("camera", args.camera), ("nfc", args.nfc)):
        problem = name and device_problem(role, name, Path.cwd())
        if problem:
            print(f"kiosk listen: {problem}", file=sys.stderr)
            return EXIT_INVALID
    if args.camera:
        camera = camera.model_copy(update={"device": str(Path(args.camera).absolute())
                                           if Path(args.camera).exists() else args.camera})
    if args.nfc:
        nfc = nfc.model_copy(update={"device": args.nfc})
    store = config.store.model_copy(update={"sources": sources.model_copy(
        update={"camera": camera, "nfc": nfc})})
    return listen(dataclasses.replace(config, store=store), args.duration, args.json, sys.stdout)
