"""NFC: the kiosk's own cost from nfcpy's ``on-connect`` to the panel's first frame.

The real reader source runs on nfcpy's udp driver (127.0.0.1) against the simulator's emulated
tag, and the real app draws at 60 fps on SDL's dummy driver. Each placement is split into:

- detection: tag laid until nfcpy calls ``on-connect`` (the udp driver's polling, not ours);
- NDEF read: inside ``on-connect``, reading the tag's memory over the driver (radio time);
- kiosk: from ``on-connect`` to the end of the first frame that shows the product's panel,
  which includes the NDEF read, the frame loop waking (``frame_wait``: ``kiosk run`` draws as
  soon as a device reports, see ``kiosk/app/pacing.py``) and that frame (``panel_frame``).

Run from the repository root:  .venv/bin/python -m bench.nfc [--count 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from pathlib import Path

import pygame

from hardware.events import HardwareEvent, Placed
from hardware.nfc_reader import NfcReaderSource
from hardware.registry import UDP_TARGETS
from hardware.virtual_nfc import VirtualNfc, install_loopback
from kiosk.app.devices import Devices
from kiosk.app.display import close_screen, open_screen
from kiosk.app.pacing import FramePacer
from kiosk.app.window import FPS
from kiosk.assembly import assemble
from kiosk.catalog.catalog import Catalog
from kiosk.config import load_config

SIZE = (1920, 1080)
PANEL_TIMEOUT_S = 5.0
GAP_S = 0.3


class TimedReader(NfcReaderSource):
    """The kiosk's reader, noting when each ``Placed`` left ``on-connect``."""

    def __init__(self, device: str) -> None:
        super().__init__(device, time.monotonic, targets=UDP_TARGETS)
        self.emitted: dict[str, float] = {}
        self.placed: dict[str, Placed] = {}

    def emit(self, event: HardwareEvent) -> None:
        if isinstance(event, Placed):
            self.emitted[event.code] = time.monotonic()
            self.placed[event.code] = event
        super().emit(event)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values), 2), "p95": round(percentile(values, 0.95), 2),
            "max": round(max(values), 2)}


def run(count: int, config_dir: Path) -> dict[str, object]:
    config = load_config(config_dir)
    catalog = Catalog.from_config(config)
    codes = catalog.codes()
    install_loopback()
    tags = VirtualNfc()
    reader = TimedReader(tags.device)
    screen = open_screen(SIZE, headless=True)
    kiosk = assemble(config, SIZE, Devices(sources=[reader]), draw_products=True, catalog=catalog)
    app = kiosk.app
    kiosk.start()
    tags.start()
    rows: list[dict[str, float]] = []
    missed = 0
    pacer = FramePacer(FPS)
    frame_started = 0.0

    def frame() -> set[str]:
        """One turn of ``kiosk run``'s loop."""
        nonlocal frame_started
        pacer.wait(app.wake)
        frame_started = time.monotonic()
        drawn = set(app.frame(screen, frame_started, dt.date.today()))
        pygame.event.pump()
        return drawn

    try:
        for index in range(count):
            code = codes[index % len(codes)]
            laid = time.monotonic()
            tags.place(code)
            shown = None
            while time.monotonic() - laid < PANEL_TIMEOUT_S:
                if code in frame():
                    shown = time.monotonic()
                    break
            if shown is None or code not in reader.placed:
                missed += 1
            else:
                connected = reader.placed[code].t
                rows.append({"detection": (connected - laid) * 1000,
                             "ndef": (reader.emitted[code] - connected) * 1000,
                             "kiosk": (shown - connected) * 1000,
                             "frame_wait": (frame_started - reader.emitted[code]) * 1000,
                             "panel_frame": (shown - frame_started) * 1000})
            tags.lift()
            settle = time.monotonic()
            while app.table.get(code) is not None and time.monotonic() - settle < PANEL_TIMEOUT_S:
                frame()
            end_gap = time.monotonic() + GAP_S
            while time.monotonic() < end_gap:
                frame()
    finally:
        kiosk.stop()
        tags.close()
        close_screen()
    parts = ("detection", "ndef", "kiosk", "frame_wait", "panel_frame")
    figures = {key: summary([row[key] for row in rows]) for key in parts} if rows else {}
    return {"placements": count, "missed": missed, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="placements (default 30)")
    parser.add_argument("--config", type=Path, default=Path("config"))
    args = parser.parse_args()
    print(json.dumps(run(args.count, args.config), indent=1))


if __name__ == "__main__":
    main()
