"""``kiosk schema``: JSON Schemas of the config files for editors, and the Markdown reference
for staff (``docs/configuration.md``), both from the models that check the files."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.commands.common import EXIT_OK, Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("schema", parents=[common],
                                 help="JSON Schemas of the config files, and the staff reference")
    parser.add_argument("--out", type=Path, default=Path("docs/schema"), metavar="DIR",
                        help="where the .schema.json files go (default docs/schema)")
    parser.add_argument("--docs", type=Path, metavar="FILE",
                        help="also write the Markdown reference (docs/configuration.md)")
    parser.set_defaults(handler=run, needs_config=False)


def run(args: argparse.Namespace, config: KioskConfig | None) -> int:
    """Write the schemas (and the reference)."""
    from kiosk.config.reference import markdown, write_schemas

    for path in write_schemas(args.out):
        print(f"wrote {path}")
    if args.docs:
        args.docs.write_text(markdown(args.config), encoding="utf-8")
        print(f"wrote {args.docs}")
    return EXIT_OK
