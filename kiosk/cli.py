"""kiosk: validate the config, list the catalog, run the table or its simulator, and check
its camera.

Each command is a module of ``kiosk.commands``; this only wires them."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk.commands import (
    calibrate,
    catalog,
    doctor,
    import_catalog,
    listen,
    outbox,
    report,
    run,
    scan,
    schema,
    simulate,
    staff_pin,
    status,
    validate,
)
from kiosk.commands.common import EXIT_INVALID
from kiosk.config import ConfigInvalid, load_config
from kiosk.ops.memory import tune_malloc

COMMANDS = (validate, catalog, simulate, scan, listen, calibrate, run, schema, staff_pin,
            import_catalog, status, report, outbox, doctor)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kiosk`` command."""
    tune_malloc()
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _quiet_opencv(args.verbose)
    if not args.verbose:  # its retry warnings quote URLs, which may carry store identifiers
        logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    if args.command is None:
        parser.print_help()
        return EXIT_INVALID
    if not getattr(args, "needs_config", True):
        return args.handler(args, None)
    try:
        config = load_config(args.config)
    except ConfigInvalid as invalid:
        print(invalid.report(), file=sys.stderr)
        return EXIT_INVALID
    return args.handler(args, config)


def _common_options(defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (defaults set once, on top)."""
    common = argparse.ArgumentParser(add_help=False)

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    common.add_argument("--config", type=Path, default=default(Path("config")),
                        help="config folder (default: config/)")
    common.add_argument("--data", type=Path, default=default(Path("data")),
                        help="where the kiosk keeps its state (default: data/)")
    common.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="log what happens")
    return common


def _quiet_opencv(verbose: bool) -> None:
    """OpenCV prints its own warnings for every failed camera open; ours say it plainly."""
    import cv2

    level = cv2.utils.logging.LOG_LEVEL_WARNING if verbose else cv2.utils.logging.LOG_LEVEL_ERROR
    cv2.utils.logging.setLogLevel(level)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__.split("\n\n")[0],
                                     parents=[_common_options(defaults=True)])
    common = _common_options(defaults=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands, common)
    return parser
