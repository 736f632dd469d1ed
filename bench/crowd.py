"""Crowd: panels laid out for two to six shoppers around the table, judged from the widget tree.

For each layout of ``bench/crowd.yaml`` (shoppers on two or four edges, a round table, large
text, send sheets open) the demo store's products are placed in step mode and the table is
audited: layers of different shoppers overlapping, products covered, the largest distance
between a panel and its product, panels facing the wrong edge, parts off the screen, layers
drawn smaller than full, and the time each layout took. Targets: no overlap and no product
covered wherever the compact panels fit; at most 150 px from panel to product; a layout in at
most 2 ms with six products.

Run from the repository root:  .venv/bin/python -m bench.crowd [--shots DIR] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import yaml

from hardware.sim import SimulatedSource
from kiosk.app.devices import Devices
from kiosk.app.display import close_screen, open_screen
from kiosk.app.loop import App
from kiosk.assembly import assemble
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig, load_config
from kiosk.i18n import text
from kiosk.scenes.layout_audit import audit
from kiosk.scenes.table_scene import FOOTPRINT

SIZE = (1920, 1080)
FPS = 60
SETTLE_FRAMES = 30
TODAY = dt.date(2026, 11, 26)
LAYOUTS = Path(__file__).with_name("crowd.yaml")


def variant(config: KioskConfig, layout: dict[str, Any]) -> KioskConfig:
    """The demo store with the layout's edges, shape and text size."""
    store = config.store
    table = store.table.model_copy(update={"edges": tuple(layout["edges"]),
                                           "shape": layout.get("shape", "rectangle")})
    access = store.accessibility.model_copy(update={"large_text": layout.get("large_text",
                                                                             False)})
    return dataclasses.replace(config, store=store.model_copy(
        update={"table": table, "accessibility": access}))


def measure(config: KioskConfig, layout: dict[str, Any], shots: Path | None) -> dict[str, Any]:
    """Place the layout's products one by one, then audit the table."""
    config = variant(config, layout)
    catalog = Catalog.from_config(config)
    codes = catalog.codes()
    screen = open_screen(SIZE, headless=True)
    clock = [0.0]
    sim = SimulatedSource("sim", lambda: clock[0])
    kiosk = assemble(config, SIZE, Devices(sources=[sim]), draw_products=True, catalog=catalog)
    app = kiosk.app
    kiosk.start()
    try:
        def frames() -> None:
            for _ in range(SETTLE_FRAMES):
                clock[0] += 1 / FPS
                app.frame(screen, clock[0], TODAY)

        placed = []
        for index, spot in enumerate(layout["products"]):
            placed.append(codes[index * 3 % len(codes)])
            sim.place(placed[-1], spot[0], spot[1], spot[2] if len(spot) > 2 else 0.0)
            sim.settle()
            frames()
        for index in layout.get("send", []):
            label = text("action.send", config.store.default_locale)
            aim = app.find_label(label, within=placed[index])
            assert aim.point is not None and not aim.hidden_by, (layout["name"], aim)
            app.pointer_down("bench", *aim.point, clock[0])
            app.pointer_up("bench", *aim.point, clock[0])
            frames()
        app.settle()
        app.frame(screen, clock[0], TODAY)
        nodes = app.tree()
        unit = app.look.theme.screen_scale
        found = audit(nodes, SIZE, config.store.table.edges, config.store.table.shape == "round",
                      FOOTPRINT * unit, unit)
        times = app.scene.arrangement.layout_ms
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            name = layout["name"].replace(" ", "-").replace(",", "")
            pygame.image.save(screen, str(shots / f"{name}.png"))
    finally:
        kiosk.stop()
        close_screen()
    return {"layout": layout["name"], "products": len(layout["products"]),
            "overlapping": len(found.overlapping), "covered": len(found.covered_products),
            "farthest_px": round(found.farthest), "wrong_facing": len(found.wrong_facing),
            "off_screen": len(found.off_screen),
            "smaller": sum(1 for step in _steps(app) if step > 0), "layers": found.layers,
            "layout_ms": round(float(np.max(times)), 2) if times else 0.0,
            "layout_ms_p50": round(float(np.median(times)), 2) if times else 0.0}


def _steps(app: App) -> list[int]:
    return [place.step for place in app.scene.arrangement.places.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="save a screenshot of each layout here")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    config = load_config(Path("config"))
    layouts = yaml.safe_load(LAYOUTS.read_text(encoding="utf-8"))["layouts"]
    started = time.perf_counter()
    rows = [measure(config, layout, args.shots) for layout in layouts]
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print("| layout | products | layers | smaller | overlapping | covered | farthest px "
          "| wrong facing | off screen | layout ms p50 / max |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['layout']} | {row['products']} | {row['layers']} | {row['smaller']} "
              f"| {row['overlapping']} | {row['covered']} | {row['farthest_px']} "
              f"| {row['wrong_facing']} | {row['off_screen']} "
              f"| {row['layout_ms_p50']} / {row['layout_ms']} |")
    print(f"\n{len(rows)} layouts in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
