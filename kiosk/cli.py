"""kiosk: validate the config, list the catalog, run the table or its simulator, and check
its camera."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import sys
from pathlib import Path

from kiosk.catalog.catalog import Catalog
from kiosk.config import ConfigInvalid, KioskConfig, load_config
from kiosk.ops.memory import tune_malloc

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
DEMO_SCENARIO = "scenarios/demo.yaml"


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
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__,
                                     parents=[_common_options(defaults=True)])
    common = _common_options(defaults=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser("validate", parents=[common],
                                   help="check the config and media; list every error")
    validate.set_defaults(handler=_validate)

    catalog = commands.add_parser("catalog", parents=[common], help="list the products")
    catalog.add_argument("--json", action="store_true", help="one JSON object per line")
    catalog.set_defaults(handler=_catalog)

    simulate = commands.add_parser("simulate", parents=[common],
                                   help="the simulator window, or a headless scenario")
    simulate.add_argument("--headless", action="store_true",
                          help="no window: play --scenario with SDL's dummy driver")
    simulate.add_argument("--scenario", type=Path, help="YAML timeline to play")
    simulate.add_argument("--screenshots", type=Path,
                          help="where screenshots go (default: DATA/screenshots/SCENARIO)")
    simulate.add_argument("--stats", type=Path, help="write frame statistics as JSON")
    simulate.add_argument("--step", action="store_true",
                          help="advance the clock exactly 1/60 s per frame (deterministic)")
    simulate.add_argument("--size", default="1600x900", help="window size (default 1600x900)")
    simulate.set_defaults(handler=_simulate)

    scan = commands.add_parser("scan", parents=[common],
                               help="decode barcodes in images, folders and videos")
    scan.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    scan.add_argument("--json", action="store_true", help="one JSON object per line")
    scan.set_defaults(handler=_scan)

    listen = commands.add_parser("listen", parents=[common],
                                 help="print what the table's devices see, as events")
    listen.add_argument("--camera", metavar="NAME", help="camera device instead of the config's "
                                                        "(none turns it off)")
    listen.add_argument("--nfc", metavar="NAME", help="NFC device instead of the config's")
    listen.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    listen.add_argument("--json", action="store_true", help="one JSON object per line")
    listen.set_defaults(handler=_listen)

    calibrate = commands.add_parser("calibrate", parents=[common],
                                    help="map the camera to the table with ArUco markers")
    calibrate.add_argument("--headless", action="store_true",
                           help="draw the markers off-screen (with the simulator's camera)")
    calibrate.add_argument("--timeout", type=float, default=20.0, metavar="S",
                           help="give up after S seconds (default 20)")
    calibrate.set_defaults(handler=_calibrate)

    run = commands.add_parser("run", parents=[common], help="the kiosk, full screen")
    run.add_argument("--windowed", default=None, metavar="WxH",
                     help="a window of this size instead of full screen")
    run.set_defaults(handler=_run)

    schema = commands.add_parser("schema", parents=[common],
                                 help="JSON Schemas of the config files, and the staff reference")
    schema.add_argument("--out", type=Path, default=Path("docs/schema"), metavar="DIR",
                        help="where the .schema.json files go (default docs/schema)")
    schema.add_argument("--docs", type=Path, metavar="FILE",
                        help="also write the Markdown reference (docs/configuration.md)")
    schema.set_defaults(handler=_schema, needs_config=False)

    staff_pin = commands.add_parser("staff-pin", parents=[common],
                                    help="make the hash of a staff PIN for store.yaml")
    staff_pin.set_defaults(handler=_staff_pin, needs_config=False)

    import_catalog = commands.add_parser("import-catalog", parents=[common],
                                         help="catalog YAML from a spreadsheet (.csv, .xlsx)")
    import_catalog.add_argument("file", type=Path, metavar="FILE")
    import_catalog.add_argument("--skip-bad", action="store_true",
                                help="write the good rows, skip (and list) the bad ones")
    import_catalog.set_defaults(handler=_import_catalog, needs_config=False)

    status = commands.add_parser("status", parents=[common],
                                 help="is the kiosk running well? (from its status file)")
    status.add_argument("--json", action="store_true", help="the status as one JSON object")
    status.set_defaults(handler=_status, needs_config=False)

    report = commands.add_parser("report", parents=[common],
                                 help="what shoppers did: products, dwell, compares, sends")
    report.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    report.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
    report.add_argument("--json", action="store_true", help="the figures as one JSON object")
    report.add_argument("--out", type=Path, metavar="DIR", help="also write charts and a page")
    report.add_argument("--locale", metavar="LOCALE",
                        help="language of the charts and page: one of the store's locales "
                             "(default: its default_locale)")
    report.set_defaults(handler=_report)

    outbox = commands.add_parser("outbox", parents=[common],
                                 help="SMS and e-mails waiting to be sent (addresses masked)")
    outbox.add_argument("--json", action="store_true", help="one JSON object per line")
    outbox.add_argument("--flush", action="store_true", help="deliver what is due now")
    outbox.set_defaults(handler=_outbox)

    doctor = commands.add_parser("doctor", parents=[common],
                                 help="list cameras and NFC readers, and how to fix what is "
                                      "missing")
    doctor.add_argument("--root", type=Path, default=Path("/"), help=argparse.SUPPRESS)
    doctor.set_defaults(handler=_doctor)
    return parser


def _schema(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.config.reference import markdown, write_schemas

    for path in write_schemas(args.out):
        print(f"wrote {path}")
    if args.docs:
        args.docs.write_text(markdown(args.config), encoding="utf-8")
        print(f"wrote {args.docs}")
    return EXIT_OK


def _staff_pin(args: argparse.Namespace, config: KioskConfig | None) -> int:
    import getpass

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


def _import_catalog(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.catalog.importing.spreadsheet import import_catalog

    return import_catalog(args.file, args.config, skip_bad=args.skip_bad)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None


def _status(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.commands.status import show_status

    return show_status(args.data, args.json, sys.stdout)


def _report(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.commands.report import show_report

    return show_report(config, args.data, args.since, args.until, args.json, args.out,
                       sys.stdout, args.locale)


def _outbox(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.commands.outbox import show_outbox

    return show_outbox(config, args.data, args.json, args.flush, sys.stdout)


def _validate(args: argparse.Namespace, config: KioskConfig) -> int:
    catalog = Catalog.from_config(config)
    store = config.store
    print(f"{args.config}: valid — {store.store.name} ({store.store.id}): {len(catalog)} "
          f"products in {len(catalog.departments)} departments, locales "
          f"{', '.join(store.locales)}, camera {store.sources.camera.device}, "
          f"nfc {store.sources.nfc.device}"
          + (f" ({len(config.nfc_tags)} mapped tags)" if config.nfc_tags else ""))
    return EXIT_OK


def _catalog(args: argparse.Namespace, config: KioskConfig) -> int:
    catalog = Catalog.from_config(config)
    locale = config.store.default_locale
    for gtin, product in catalog.products.items():
        department = catalog.department_of[gtin]
        if args.json:
            print(json.dumps({
                "gtin": product.gtin, "gtin14": gtin, "name": product.name[locale],
                "names": product.name, "brand": product.brand, "department": department.id,
                "price": float(product.price), "currency": config.store.store.currency,
                "promo": None if product.promo is None else {
                    "price": float(product.promo.price),
                    "until": product.promo.until.isoformat()},
                "in_store_stock": product.availability.in_store.stock,
            }, ensure_ascii=False))
        else:
            print(f"{product.gtin:>14}  {department.id:<10}  {product.price:>9}  "
                  f"{product.brand} — {product.name[locale]}")
    return EXIT_OK


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"kiosk: size {text!r} should look like 1600x900") from None
    return width, height


def _simulate(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.app.display import has_display

    if args.headless or args.scenario or not has_display():
        return _play(args, config)
    from kiosk.simulator.window import run_simulator

    return run_simulator(config, _size(args.size), args.data)


def _play(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.simulator.player import play
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
    result = play(config, scenario, screenshots, step_mode=args.step, data_dir=args.data)
    if args.stats:
        result.stats.write(args.stats)
    print(result.stats.headline())
    print(f"Screenshots: {screenshots.resolve()} ({len(result.screenshots)} images with their "
          "widget trees)")
    for error in result.stats.errors:
        print(f"step failed: {error}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def _run(args: argparse.Namespace, config: KioskConfig) -> int:
    import pygame

    from kiosk.app.window import run_kiosk
    from kiosk.ops.logs import log_to_file

    size = _size(args.windowed) if args.windowed else None
    writer = log_to_file(args.data)
    try:
        return run_kiosk(config, size, args.data)
    except pygame.error as exc:
        print(f"kiosk: cannot open the table's screen ({exc}). Run it from the table's graphical "
              "session, or choose SDL's video driver with SDL_VIDEODRIVER (kmsdrm without X).",
              file=sys.stderr)
        return EXIT_FAILED
    finally:
        writer.stop()


def _scan(args: argparse.Namespace, config: KioskConfig) -> int:
    from hardware.decode import Decoder
    from kiosk.install.trials import scan_files

    decoder = Decoder(config.store.sources.camera.formats)
    return scan_files(args.paths, decoder, args.json, sys.stdout)


def _listen(args: argparse.Namespace, config: KioskConfig) -> int:
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


def _calibrate(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.install.calibrate import run_calibration

    return run_calibration(config, headless=args.headless, timeout=args.timeout, out=sys.stdout)


def _doctor(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.install.doctor import run_doctor

    return run_doctor(config, root=args.root, out=sys.stdout)
