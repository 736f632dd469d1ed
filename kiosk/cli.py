"""kiosk: validate the config, list the catalog, run the table or its simulator, and check
its camera.

Each command is a module of ``kiosk.commands``; this only wires them."""

from __future__ import annotations

import argparse
import logging
import os
import select
import sys
from pathlib import Path

from kiosk.commands import (
    calibrate,
    catalog,
    doctor,
    import_catalog,
    listen,
    offers,
    outbox,
    publish,
    report,
    run,
    scan,
    schema,
    simulate,
    staff_pin,
    status,
    sync,
    validate,
)
from kiosk.commands.common import EXIT_BROKEN_PIPE, EXIT_INVALID, data_folder
from kiosk.config import ConfigInvalid, load_config
from kiosk.fleet.content import content_folders
from kiosk.ops.memory import tune_malloc

COMMANDS = (validate, catalog, simulate, scan, listen, calibrate, run, schema, staff_pin,
            import_catalog, status, report, outbox, offers, publish, sync, doctor)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kiosk`` command.

    A reader that stops reading (``kiosk catalog --json | head -1``) ends the command quietly
    with exit code 141 (``EXIT_BROKEN_PIPE``, 128 + SIGPIPE, as a shell reports for ``yes |
    head``): no traceback, and nothing more is written. Handled here once for every command.
    """
    try:
        code = _run(argv)
        sys.stdout.flush()  # a pipe closed early fails here, not in the interpreter's exit
    except BrokenPipeError:
        if not _stdout_unread():
            raise  # a socket or another pipe broke: that is a real error, with its traceback
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE
    return code


def _stdout_unread() -> bool:
    """Whether the standard output is a pipe or socket that nobody reads any more."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError):  # no real descriptor (captured by a test)
        return False


def _stdout_to_devnull() -> None:
    """Point the standard output at /dev/null, so the interpreter's final flush of what is
    still buffered does not fail again (and print "Exception ignored")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real descriptor (captured by a test): nothing to flush
        pass


def _run(argv: list[str] | None) -> int:
    """Parse the command line, load the config when the command needs it, and run it."""
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
    content = content_folders(args.config, args.data, booting=args.command == "run")
    try:
        config = load_config(content.config_dir, content.media_dir, data_dir=args.data,
                             keep_last_good=getattr(args, "keep_last_good", False))
    except ConfigInvalid as invalid:
        print(invalid.report(), file=sys.stderr)
        return EXIT_INVALID
    for problem in config.problems:
        print(f"warning: {problem} (the kiosk runs without it)", file=sys.stderr)
    if config.catalog.problem:
        print(f"warning: {config.catalog.problem}", file=sys.stderr)
    return args.handler(args, config)


def _common_options(defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (defaults set once, on top)."""
    common = argparse.ArgumentParser(add_help=False)

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    common.add_argument("--config", type=Path, default=default(Path("config")),
                        help="config folder (default: config/)")
    common.add_argument("--data", type=data_folder, default=default("data"),
                        help="where the kiosk keeps its state, a folder (default: data/)")
    common.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="log what happens")
    return common


def _quiet_opencv(verbose: bool) -> None:
    """OpenCV prints its own warnings for every failed camera open; ours say it plainly.

    Through its environment variable, read when OpenCV loads: importing OpenCV here would cost
    every command a tenth of a second, and the kiosk's first frame does not need it."""
    if "cv2" in sys.modules:  # already loaded (an earlier call in the same process)
        import cv2

        logging_ = cv2.utils.logging
        logging_.setLogLevel(logging_.LOG_LEVEL_WARNING if verbose else logging_.LOG_LEVEL_ERROR)
        return
    os.environ["OPENCV_LOG_LEVEL"] = "WARNING" if verbose else "ERROR"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__.split("\n\n")[0],
                                     parents=[_common_options(defaults=True)])
    common = _common_options(defaults=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands, common)
    return parser
