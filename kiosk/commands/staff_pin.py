"""``kiosk staff-pin``: the hash of a staff PIN, to paste into store.yaml."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("staff-pin", parents=[common],
                                 help="make the hash of a staff PIN for store.yaml")
    parser.set_defaults(handler=run, needs_config=False)


def run(args: argparse.Namespace, config: KioskConfig | None) -> int:
    """Ask for the PIN twice; print the line for store.yaml."""
    from kiosk.config.pin_hash import hash_pin

    pin = getpass.getpass("Staff PIN (4 to 12 digits): ")
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        print("kiosk: the PIN must be 4 to 12 digits (the staff pad has digits only)",
              file=sys.stderr)
        return EXIT_FAILED
    if getpass.getpass("Same PIN again: ") != pin:
        print("kiosk: the two PINs differ; nothing changed", file=sys.stderr)
        return EXIT_FAILED
    print("Paste this line under staff: in store.yaml:")
    print(f'  pin_hash: "{hash_pin(pin)}"')
    return EXIT_OK
