"""Hot reload: from saving a price edit in config/ to the first frame that shows it.

A running app (SDL's dummy driver, real watcher thread) over a copy of the demo config; the
TV's promotional price is edited back and forth ``--count`` times.

Run from the repository root:  .venv/bin/python -m bench.reload [--count 10]
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

from hardware.events import Placed
from kiosk.app.devices import Devices
from kiosk.app.display import close_screen, open_screen
from kiosk.app.loop import App
from kiosk.assembly import assemble
from kiosk.config import load_config

TV = "03760000000017"
CATALOG = "catalog/tv-audio.yaml"
TIMEOUT_S = 10.0


def price_shown(app: App, screen: object) -> str:
    app.frame(screen, time.monotonic(), dt.date.today())  # type: ignore[arg-type]
    return next((str(node["text"]) for node in app.tree() if node["role"] == "price"), "")


def run(count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree("config", root / "config")
        shutil.copytree("media", root / "media")
        screen = open_screen((1920, 1080), headless=True)
        kiosk = assemble(load_config(root / "config"), (1920, 1080), Devices(sources=[]),
                         draw_products=True, data_dir=root / "data", watch=True)
        app = kiosk.app
        kiosk.start()
        app.table.apply(Placed(TV, "bench", (0.3, 0.7), 0.0, 0.0))
        delays: list[float] = []
        path = root / "config" / CATALOG
        try:
            for index in range(count):
                old, new = ("1099.00", "999.00") if index % 2 == 0 else ("999.00", "1099.00")
                shown = new.replace(".", ",").replace("1099", "1\u00a0099")
                text = path.read_text(encoding="utf-8")
                saved = time.monotonic()
                path.write_text(text.replace(f"      price: {old}", f"      price: {new}", 1),
                                encoding="utf-8")
                while not price_shown(app, screen).startswith(shown):
                    if time.monotonic() - saved > TIMEOUT_S:
                        raise SystemExit(f"edit {index} not shown within {TIMEOUT_S} s")
                    time.sleep(1 / 60)
                delays.append((time.monotonic() - saved) * 1000)
                time.sleep(0.5)
        finally:
            kiosk.stop()
            close_screen()
    ordered = sorted(delays)
    return {"edits": count, "p50_ms": round(statistics.median(delays)),
            "max_ms": round(ordered[-1]), "target_ms": 2000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10)
    print(json.dumps(run(parser.parse_args().count)))


if __name__ == "__main__":
    main()
