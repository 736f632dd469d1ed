"""``kiosk validate``: check the config and media, and list every error (``kiosk.cli`` prints
them before this runs)."""

from __future__ import annotations

import argparse

from kiosk.commands.common import EXIT_OK, Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("validate", parents=[common],
                                 help="check the config and media; list every error")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """One line on what the valid config holds; with offers, which wallet channels are on
    and, for each one off, why."""
    import os

    from kiosk.catalog.catalog import Catalog
    from kiosk.offers.channels import wallet_channels

    catalog = Catalog.from_config(config)
    store = config.store
    print(f"{args.config}: valid — {store.store.name} ({store.store.id}): {len(catalog)} "
          f"products in {len(catalog.departments)} departments, locales "
          f"{', '.join(store.locales)}, camera {store.sources.camera.device}, "
          f"nfc {store.sources.nfc.device}"
          + (f" ({len(config.nfc_tags)} mapped tags)" if config.nfc_tags else ""))
    if config.offers.offers:
        pools = config.offers.pools or {}
        print(f"{len(config.offers.offers)} offers ({len(pools)} with single-use codes: "
              + (", ".join(f"{offer_id} {pool.count} codes" for offer_id, pool in pools.items())
                 or "none") + ")")
        for note in wallet_channels(config.store.wallet, os.environ).notes():
            print(f"  {note}")
    return EXIT_OK
