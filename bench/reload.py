"""Hot reload: from saving a price edit in config/ to the first frame that shows it.

A running app (SDL's dummy driver, real watcher thread) over a copy of the demo config (with
``--products N``, made that big by ``bench.big_catalog``); the TV's price is edited back and
forth ``--count`` times. Each frame's time is kept from the save to the frame that shows the
edit: the swap must not stall the table.

Run from the repository root:  .venv/bin/python -m bench.reload [--count 10] [--products N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.big_catalog import write
from hardware.events import Placed
from kiosk.app.devices import Devices
from kiosk.app.display import close_screen, open_screen
from kiosk.app.loop import App
from kiosk.assembly import assemble
from kiosk.config import load_config
from kiosk.ops.health import FRAME_BUDGET_S

TV = "03760000000017"
CATALOG = "catalog/tv-audio.yaml"
TIMEOUT_S = 30.0


def price_shown(app: App, screen: object, frames: list[float]) -> str:
    """Draw one frame (its time appended to ``frames``, ms); the price on the TV's panel."""
    started = time.perf_counter()
    app.frame(screen, time.monotonic(), dt.date.today())  # type: ignore[arg-type]
    frames.append((time.perf_counter() - started) * 1000)
    return next((str(node["text"]) for node in app.tree() if node["role"] == "price"), "")


def run(count: int, products: int = 0) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if products:
            write(root, products, max(1, products // 2500))
        else:
            shutil.copytree("config", root / "config")
            shutil.copytree("media", root / "media")
        screen = open_screen((1920, 1080), headless=True)
        kiosk = assemble(load_config(root / "config", data_dir=root / "data"), (1920, 1080),
                         Devices(sources=[]), draw_products=True, data_dir=root / "data",
                         watch=True)
        app = kiosk.app
        app.run_in_real_time()  # as ``kiosk run`` does
        kiosk.start()
        app.table.apply(Placed(TV, "bench", (0.3, 0.7), 0.0, 0.0))
        delays: list[float] = []
        frames: list[float] = []
        path = root / "config" / CATALOG
        try:
            for index in range(count):
                old, new = ("1099.00", "999.00") if index % 2 == 0 else ("999.00", "1099.00")
                shown = new.replace(".", ",").replace("1099", "1\u00a0099")
                text = path.read_text(encoding="utf-8")
                saved = time.monotonic()
                path.write_text(text.replace(f"      price: {old}", f"      price: {new}", 1),
                                encoding="utf-8")
                while not price_shown(app, screen, frames).startswith(shown):
                    if time.monotonic() - saved > TIMEOUT_S:
                        raise SystemExit(f"edit {index} not shown within {TIMEOUT_S} s")
                    time.sleep(1 / 60)
                delays.append((time.monotonic() - saved) * 1000)
                time.sleep(0.5)
        finally:
            kiosk.stop()
            close_screen()
    ordered = sorted(delays)
    return {"edits": count, "products": products or "demo",
            "p50_ms": round(statistics.median(delays)), "max_ms": round(ordered[-1]),
            "target_ms": 2000, "slowest_frame_ms": round(max(frames), 1),
            "frames_over_16_7_ms": sum(1 for frame in frames if frame > FRAME_BUDGET_S * 1000)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--products", type=int, default=0,
                        help="catalog size (default: the demo's)")
    args = parser.parse_args()
    print(json.dumps(run(args.count, args.products)))


if __name__ == "__main__":
    main()
