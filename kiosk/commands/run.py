"""``kiosk run``: the kiosk on the table's screen, with its real devices, the config followed,
the status file written and the watchdogs on. Only staff mode or a stop signal ends it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, Subparsers, parse_size
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("run", parents=[common], help="the kiosk, full screen")
    parser.add_argument("--windowed", default=None, metavar="WxH",
                        help="a window of this size instead of full screen")
    parser.set_defaults(handler=run, keep_last_good=True)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """Run until stopped, logging to DATA/logs through a writer thread."""
    import pygame

    from kiosk.ops.logs import log_to_file

    size = parse_size(args.windowed) if args.windowed else None
    writer = log_to_file(args.data)
    try:
        return run_kiosk(config, size, args.data, args.config / "store.yaml")
    except pygame.error as exc:
        print(f"kiosk: cannot open the table's screen ({exc}). Run it from the table's graphical "
              "session, or choose SDL's video driver with SDL_VIDEODRIVER (kmsdrm without X).",
              file=sys.stderr)
        return EXIT_FAILED
    finally:
        writer.stop()


def run_kiosk(config: KioskConfig, size: tuple[int, int] | None, data_dir: Path,
              own_store: Path | None = None) -> int:
    """The kiosk on the table's screen (full screen unless ``size`` is given); ``own_store``:
    the table's own ``store.yaml`` (its ``fleet.sync`` is followed). The attract loop shows
    first: the camera opens in a thread of its own, beside the first frames."""
    from kiosk.app.devices import open_devices
    from kiosk.app.display import close_screen, open_screen
    from kiosk.app.window import run_frames
    from kiosk.assembly import assemble
    from kiosk.catalog.catalog import Catalog
    from kiosk.ops.signals import stop_on_signals

    screen = open_screen(size or (0, 0), fullscreen=size is None, title=config.store.store.name)
    start = time.monotonic()

    def now() -> float:
        return time.monotonic() - start

    catalog = Catalog.from_config(config)
    devices = open_devices(config, catalog, now, simulator=False, camera_later=True)
    kiosk = assemble(config, screen.get_size(), devices, draw_products=False, catalog=catalog,
                     data_dir=data_dir, watch=True, health=True, own_store=own_store)
    kiosk.start()
    with stop_on_signals() as stopping:
        try:
            run_frames(kiosk.app, screen, now, stopping)
        finally:
            kiosk.stop()
            close_screen()
    return EXIT_OK
