"""``kiosk simulate``: the simulator window, or a scripted scenario played headless. Both put a
kiosk together with the simulator's devices: the window on the wall clock, a scenario on a
clock that steps exactly 1/60 s per frame (``--step``) or on the wall clock."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.commands.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, Subparsers, parse_size
from kiosk.config import ConfigInvalid, KioskConfig

if TYPE_CHECKING:
    from kiosk.simulator.player import PlayResult
    from kiosk.simulator.scenario import Scenario
    from kiosk.simulator.window import Simulator

DEMO_SCENARIO = "scenarios/demo.yaml"


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("simulate", parents=[common],
                                 help="the simulator window, or a headless scenario")
    parser.add_argument("--headless", action="store_true",
                        help="no window: play --scenario with SDL's dummy driver")
    parser.add_argument("--scenario", type=Path, help="YAML timeline to play")
    parser.add_argument("--screenshots", type=Path,
                        help="where screenshots go (default: DATA/screenshots/SCENARIO)")
    parser.add_argument("--stats", type=Path, help="write frame statistics as JSON")
    parser.add_argument("--watch", action="store_true",
                        help="headless too, follow edits of config/ and media/ as kiosk run "
                             "does (a scenario played in real time can show a reload)")
    parser.add_argument("--step", action="store_true",
                        help="advance the clock exactly 1/60 s per frame (deterministic)")
    parser.add_argument("--size", default="1600x900", help="window size (default 1600x900)")
    parser.set_defaults(handler=run, keep_last_good=True)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """The window where there is a display, else (or with --headless) a scenario."""
    from kiosk.app.display import has_display
    from kiosk.simulator.window import run_window

    if args.headless or args.scenario or not has_display():
        return _play(args, config)
    return run_window(open_simulator(config, parse_size(args.size), args.data))


def open_simulator(config: KioskConfig, size: tuple[int, int],
                   data_dir: Path | None = None) -> Simulator:
    """The simulator window of ``size`` with its kiosk (not started); ``data_dir``: where the
    outbox and the event log go, and the config and media are followed (None: neither). The
    virtual camera opens beside the first frames, as ``kiosk run``'s camera does."""
    from kiosk.app.devices import open_devices
    from kiosk.app.display import open_screen
    from kiosk.assembly import assemble
    from kiosk.catalog.catalog import Catalog
    from kiosk.simulator.window import Simulator, table_size

    start = time.monotonic()

    def now() -> float:
        return time.monotonic() - start

    catalog = Catalog.from_config(config)
    devices = open_devices(config, catalog, now, simulator=True, camera_later=True)
    screen = open_screen(size, resizable=True, title=f"{config.store.store.name} — simulator")
    kiosk = assemble(config, table_size(screen.get_size()), devices, draw_products=True,
                     catalog=catalog, data_dir=data_dir, watch=data_dir is not None)
    return Simulator(config, screen, kiosk, now)


def play_scenario(config: KioskConfig, scenario: Scenario, screenshots: Path,
                  step_mode: bool = False, today: dt.date | None = None,
                  data_dir: Path | None = None, watch: bool = False) -> PlayResult:
    """Play ``scenario`` on SDL's dummy driver with the simulator's devices; screenshots go to
    ``screenshots``; the outbox (SMS and e-mails sent) and the event log live in
    ``data_dir``; ``watch``: follow edits of the config and media folders. In real time the
    virtual camera opens beside the first frames, as ``kiosk run``'s does; in step mode before
    the first frame, so that every run is the same."""
    from kiosk.app.devices import open_devices
    from kiosk.app.display import close_screen, open_screen
    from kiosk.assembly import assemble
    from kiosk.catalog.catalog import Catalog
    from kiosk.simulator.player import RealClock, StepClock, play

    screen = open_screen(scenario.size, headless=True)
    clock: StepClock | RealClock = StepClock() if step_mode else RealClock()
    catalog = Catalog.from_config(config)
    devices = open_devices(config, catalog, clock.now, simulator=True, lockstep=step_mode,
                           camera_later=not step_mode)
    kiosk = assemble(config, scenario.size, devices, draw_products=True,
                     locale=scenario.locale, catalog=catalog, data_dir=data_dir, watch=watch)
    try:
        return play(kiosk, screen, clock, scenario, screenshots, step_mode, today)
    finally:
        close_screen()


def _play(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.simulator.scenario import load_scenario

    scenario_path = args.scenario
    if scenario_path is None:
        scenario_path = args.config / DEMO_SCENARIO
        print(f"No display here: playing the demo scenario {scenario_path} headless.")
    try:
        scenario = load_scenario(scenario_path, config.store.locales)
    except ConfigInvalid as invalid:
        print(invalid.report(), file=sys.stderr)
        return EXIT_INVALID
    screenshots = args.screenshots or args.data / "screenshots" / scenario_path.stem
    result = play_scenario(config, scenario, screenshots, step_mode=args.step,
                           data_dir=args.data, watch=args.watch)
    if args.stats:
        result.stats.write(args.stats)
    print(result.stats.headline())
    print(f"Screenshots: {screenshots.resolve()} ({len(result.screenshots)} images with their "
          "widget trees)")
    for error in result.stats.errors:
        print(f"step failed: {error}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED
