"""Products placed through the virtual camera, decoded and tracked by the real pipeline."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import KioskConfig
from tests.kiosk.scenarios import find, run, tree

TV = "3760000000017"
SHOE = "3760000000109"
UNKNOWN = "2000000000008"


def test_camera_placements_open_and_close_panels(demo_config: KioskConfig,
                                                 tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.2, "place": {"gtin": TV, "x": 0.25, "y": 0.7, "angle": 30, "via": "camera"}},
        {"at": 0.4, "place": {"gtin": SHOE, "x": 0.75, "y": 0.3, "angle": 200,
                              "via": "camera"}},
        {"at": 1.2, "screenshot": "two"},
        {"at": 1.4, "remove": {"gtin": TV, "via": "camera"}},
        {"at": 2.6, "screenshot": "one"},
    ])
    assert result.ok, result.stats.errors
    two = tree(tmp_path, "two")
    assert {node["text"] for node in find(two, role="panel")} == {TV, SHOE}
    products = {node["text"]: node for node in find(two, role="product")}
    x, y, width, height = products[TV]["rect"]
    assert abs((x + width / 2) / 1920 - 0.25) < 0.03 and abs((y + height / 2) / 1080 - 0.7) < 0.03
    panels = {node["text"]: node for node in find(two, role="panel")}
    assert panels[SHOE]["rotation"] == 180 and panels[TV]["rotation"] == 0
    one = tree(tmp_path, "one")
    assert {node["text"] for node in find(one, role="panel")} == {SHOE}
    assert all(delay is not None and delay <= 100 for delay in result.stats.recognition_ms)


def test_an_unknown_code_through_the_camera_shows_not_found(demo_config: KioskConfig,
                                                             tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.2, "place": {"gtin": UNKNOWN, "x": 0.5, "y": 0.5, "via": "camera"}},
        {"at": 1.0, "screenshot": "unknown"},
    ], locale="en")
    assert result.ok, result.stats.errors
    assert find(tree(tmp_path, "unknown"), role="heading", text="Product not found")
