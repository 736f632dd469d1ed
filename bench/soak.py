"""Soak: thousands of place/remove cycles with the event log on, in step mode.

Targets: resident memory grows by at most 10 MB between the end of the warm-up and the end;
frame-time p99 of the last cycles within 10 % of the first (after warm-up); every placement and
removal is in the event log.

Run from the repository root:  .venv/bin/python -m bench.soak [--cycles 10000]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from hardware.sim import SimulatedSource
from kiosk.analytics.usage import EVENTS_FILE
from kiosk.app.devices import Devices
from kiosk.app.display import close_screen, open_screen
from kiosk.assembly import assemble
from kiosk.catalog.catalog import Catalog
from kiosk.config import load_config
from kiosk.config.fields import is_video
from kiosk.ops.memory import tune_malloc

FPS = 60
FRAMES_PER_STEP = 2
WARM_UP = 500
WINDOW = 1000
SAMPLE_EVERY = 1000
TODAY = dt.date(2026, 11, 26)


def rss_mb() -> float:
    """Resident memory of this process, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 1e6


def p99(values: np.ndarray) -> float:
    ordered = np.sort(values)
    return float(ordered[int(0.99 * (len(ordered) - 1))])


def run(cycles: int, images_only: bool = False) -> dict[str, object]:
    config = load_config(Path("config"))
    if images_only:  # isolates the attract loop's video (see the README's figures)
        attract = config.store.attract
        stills = tuple(item for item in attract.media if not is_video(item))
        config = dataclasses.replace(config, store=config.store.model_copy(
            update={"attract": attract.model_copy(update={"media": stills})}))
    catalog = Catalog.from_config(config)
    codes = catalog.codes()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        screen = open_screen((1920, 1080), headless=True)
        clock = [0.0]
        sim = SimulatedSource("sim", lambda: clock[0])
        kiosk = assemble(config, (1920, 1080), Devices(sources=[sim]), draw_products=True,
                         catalog=catalog, data_dir=data)
        app = kiosk.app
        kiosk.start()
        frame_ms = np.zeros(cycles * 2 * FRAMES_PER_STEP)  # allocated up front: not growth
        drawn = [0]
        memory: dict[str, float] = {}

        def frames() -> None:
            for _ in range(FRAMES_PER_STEP):
                clock[0] += 1 / FPS
                started = time.perf_counter()
                app.frame(screen, clock[0], TODAY)
                frame_ms[drawn[0]] = (time.perf_counter() - started) * 1000
                drawn[0] += 1

        try:
            for cycle in range(cycles):
                code = codes[cycle % len(codes)]
                sim.place(code, 0.3 + 0.4 * ((cycle * 7) % 10) / 10, 0.6)
                sim.settle()
                frames()
                sim.remove(code)
                sim.settle()
                frames()
                if cycle + 1 == WARM_UP:
                    memory["after_warm_up"] = rss_mb()
                if (cycle + 1) % SAMPLE_EVERY == 0:
                    memory[f"cycle_{cycle + 1}"] = rss_mb()
            memory["end"] = rss_mb()
            assert app.services.events is not None
            app.services.events.flush(30)
        finally:
            kiosk.stop()
            close_screen()
        with sqlite3.connect(data / EVENTS_FILE) as db:
            counts = dict(db.execute("SELECT kind, COUNT(*) FROM events GROUP BY kind"))
    per_cycle = 2 * FRAMES_PER_STEP
    start = frame_ms[WARM_UP * per_cycle:(WARM_UP + WINDOW) * per_cycle]
    end = frame_ms[-WINDOW * per_cycle:]
    return {
        "cycles": cycles, "frames": drawn[0],
        "rss_mb": {key: round(value, 1) for key, value in memory.items()},
        "rss_growth_mb": round(memory["end"] - memory.get("after_warm_up", memory["end"]), 1),
        "frame_ms": {"start_p50": round(float(np.median(start)), 2),
                     "start_p99": round(p99(start), 2),
                     "end_p50": round(float(np.median(end)), 2), "end_p99": round(p99(end), 2)},
        "p99_change_pct": round((p99(end) / p99(start) - 1) * 100, 1),
        "events": {"placed": counts.get("placed", 0), "removed": counts.get("removed", 0)},
        "events_lost": 2 * cycles - counts.get("placed", 0) - counts.get("removed", 0),
    }


def main() -> None:
    tune_malloc()  # as ``kiosk run`` does
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--images-only", action="store_true",
                        help="leave the demo's video out of the attract loop")
    args = parser.parse_args()
    print(json.dumps(run(args.cycles, args.images_only), indent=1))


if __name__ == "__main__":
    main()
