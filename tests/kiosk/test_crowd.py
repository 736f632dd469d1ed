"""Several shoppers at one table, in step-mode scenarios: every panel beside its product, facing
its shopper, covering no product and no other shopper's panel; nothing moves under a finger;
what is hidden cannot be tapped; one shopper's language stays theirs."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pygame

from hardware.gtin import normalise_code
from kiosk.config import KioskConfig
from kiosk.scenes.layout_audit import Audit, audit
from kiosk.scenes.table_scene import FOOTPRINT
from kiosk.ui.widgets import union_area
from tests.kiosk.scenarios import find, run, tree

TV, CLARA, SHOE, PAN = "3760000000017", "3760000000024", "3760000000093", "3760000000208"
GRINDER, KETTLE = "3760000000178", "3760000000185"
REACH = 150


def table(config: KioskConfig, edges: tuple[str, ...], shape: str = "rectangle",
          large_text: bool = False) -> KioskConfig:
    store = config.store
    return dataclasses.replace(config, store=store.model_copy(update={
        "table": store.table.model_copy(update={"edges": edges, "shape": shape}),
        "accessibility": store.accessibility.model_copy(update={"large_text": large_text})}))


def placed(spots: dict[str, tuple[float, ...]]) -> list[dict[str, Any]]:
    return [{"at": 0.1 + index * 0.2, "place": {"gtin": code, "x": spot[0], "y": spot[1],
                                                 "angle": spot[2] if len(spot) > 2 else 0}}
            for index, (code, spot) in enumerate(spots.items())]


def judged(config: KioskConfig, folder: Path, name: str) -> Audit:
    store = config.store
    scale = 1.0
    return audit(tree(folder, name), (1920, 1080), store.table.edges,
                 store.table.shape == "round", FOOTPRINT * scale, scale)


def assert_clean(found: Audit, layers: int) -> None:
    assert found.layers == layers
    assert not found.overlapping, found.overlapping
    assert not found.covered_products, found.covered_products
    assert not found.wrong_facing, found.wrong_facing
    assert not found.off_screen, found.off_screen
    assert found.farthest <= REACH


def test_two_shoppers_side_by_side_on_one_edge(demo_config: KioskConfig,
                                                tmp_path: Path) -> None:
    config = table(demo_config, ("bottom", "top"))
    result = run(config, tmp_path, [*placed({TV: (0.25, 0.82), CLARA: (0.62, 0.82)}),
                                    {"at": 0.8, "screenshot": "side"}])
    assert result.ok, result.stats.errors
    assert_clean(judged(config, tmp_path, "side"), 2)
    for panel in find(tree(tmp_path, "side"), role="panel"):
        assert panel["rotation"] == 0
        for control in ("price", "button"):
            shown = [node for node in find(tree(tmp_path, "side"), role=control,
                                           shopper=panel["shopper"])]
            assert shown and not any(node["covered"] for node in shown)


def test_four_shoppers_on_four_edges(demo_config: KioskConfig, tmp_path: Path) -> None:
    config = table(demo_config, ("bottom", "top", "left", "right"))
    result = run(config, tmp_path, [
        *placed({TV: (0.5, 0.86), CLARA: (0.5, 0.14, 180), SHOE: (0.07, 0.5, 270),
                 PAN: (0.93, 0.5, 90)}),
        {"at": 1.2, "screenshot": "four"}])
    assert result.ok, result.stats.errors
    assert_clean(judged(config, tmp_path, "four"), 4)
    rotations = {node["shopper"]: node["rotation"] for node in
                 find(tree(tmp_path, "four"), role="panel")}
    assert rotations == {normalise_code(TV): 0, normalise_code(CLARA): 180,
                         normalise_code(SHOE): 270, normalise_code(PAN): 90}


def test_three_side_by_side_take_narrow_panels_and_grow_back_when_one_leaves(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    config = table(demo_config, ("bottom", "top"))
    result = run(config, tmp_path, [
        *placed({TV: (0.18, 0.85), CLARA: (0.5, 0.85), SHOE: (0.82, 0.85)}),
        {"at": 1.0, "screenshot": "three"},
        {"at": 1.2, "remove": {"gtin": CLARA}},
        {"at": 1.4, "remove": {"gtin": SHOE}},
        {"at": 2.0, "screenshot": "one"}])
    assert result.ok, result.stats.errors
    assert_clean(judged(config, tmp_path, "three"), 3)
    narrow = [node["rect"][2] for node in find(tree(tmp_path, "three"), role="panel")]
    assert all(width < 600 for width in narrow), narrow
    (alone,) = find(tree(tmp_path, "one"), role="panel")
    assert alone["rect"][2:] == [780, 500]


def test_six_products_in_the_middle_each_panel_in_sight(demo_config: KioskConfig,
                                                        tmp_path: Path) -> None:
    """Six products in two rows in the middle leave no room for any panel, even compact, in
    front of or beside them (the benchmark argues it). Panels may then overlap, but none is
    hidden under another or drawn at the same place, and each faces its shopper."""
    config = table(demo_config, ("bottom", "top"))
    result = run(config, tmp_path, [
        *placed({TV: (0.2, 0.36), CLARA: (0.5, 0.36), SHOE: (0.8, 0.36), PAN: (0.2, 0.64),
                 GRINDER: (0.5, 0.64), KETTLE: (0.8, 0.64)}),
        {"at": 1.6, "screenshot": "six"}])
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "six")
    found = judged(config, tmp_path, "six")
    assert found.layers == 6 and not found.wrong_facing and not found.off_screen
    panels = find(nodes, role="panel")
    assert len({tuple(node["rect"]) for node in panels}) == 6
    for index, panel in enumerate(panels):
        card = pygame.Rect(panel["rect"])
        hidden = union_area([pygame.Rect(other["rect"]).clip(card)
                              for other in panels[index + 1:]])
        assert hidden <= card.width * card.height / 3, panel["shopper"]


def test_a_round_table_hides_no_product_under_its_panel(demo_config: KioskConfig,
                                                         tmp_path: Path) -> None:
    config = table(demo_config, ("bottom", "top", "left", "right"), shape="round")
    result = run(config, tmp_path, [
        *placed({TV: (0.5, 0.8), CLARA: (0.5, 0.2, 180), SHOE: (0.25, 0.5, 270),
                 PAN: (0.75, 0.5, 90)}),
        {"at": 1.2, "screenshot": "round"}])
    assert result.ok, result.stats.errors
    assert_clean(judged(config, tmp_path, "round"), 4)


def test_large_text_scales_everything_and_nothing_overlaps(demo_config: KioskConfig,
                                                            tmp_path: Path) -> None:
    config = table(demo_config, ("bottom", "top"), large_text=True)
    result = run(config, tmp_path, [
        *placed({TV: (0.3, 0.78), CLARA: (0.7, 0.22, 180)}),
        {"at": 0.6, "tap": {"label": "Envoyer sur mon téléphone", "within": TV}},
        {"at": 0.8, "tap": {"label": "E-mail", "within": TV}},
        {"at": 1.2, "screenshot": "large"}])
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "large")
    assert_clean(judged(config, tmp_path, "large"), 3)
    for node in nodes:
        if node["role"] in ("tab", "button", "key", "toggle"):
            assert node["text_px"] >= 30, node
        if node["text_px"]:
            assert node["text_px"] >= 25, node
    (sheet,) = find(nodes, role="sheet")
    (other,) = find(nodes, role="panel", shopper=normalise_code(CLARA))
    assert not any(node["covered"] for node in nodes if node["shopper"] == other["shopper"])
    assert sheet["rotation"] == 0 and other["rotation"] == 180
