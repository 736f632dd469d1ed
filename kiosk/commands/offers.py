"""``kiosk offers``: each offer, whether it runs now, codes left, wallet channels on, and the
products it applies to."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os

from kiosk.commands.common import EXIT_OK, Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("offers", parents=[common],
                                 help="the offers: running or not, codes left, wallet channels")
    parser.add_argument("--json", action="store_true", help="one JSON object per offer and line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Print each offer of ``offers.yaml`` (nothing when there is none)."""
    from kiosk.offers.channels import wallet_channels
    from kiosk.offers.status import offer_states

    channels = wallet_channels(config.store.wallet, os.environ)
    if not args.json:
        for note in channels.notes():
            print(note)
    locale = config.store.default_locale
    for record in offer_states(config, args.data, channels, dt.datetime.now()):
        if args.json:
            record = {key: value for key, value in record.items() if key != "title"}
            print(json.dumps(record, ensure_ascii=False), flush=True)
            continue
        left = "" if record["codes_left"] is None else f", {record['codes_left']} codes left"
        print(f"{record['id']}: {record['state']}{left} — {record['title'][locale]} "
              f"({len(record['gtins'])} products now)", flush=True)
    if not config.offers.offers and not args.json:
        print(f"no offers: add {config.config_dir / 'offers.yaml'} to have some")
    return EXIT_OK
