"""What shoppers see and touch, played as step-mode scenarios and read from the widget tree."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskConfig
from tests.kiosk.scenarios import find, overlaps, run, tree

TV = "3760000000017"
CLARA = "3760000000024"
SHOE = "3760000000109"
LABELS = {
    "fr": ["Aperçu", "Caractéristiques", "Avis", "Social", "Suggestions", "Comparer", "Fermer",
           "Envoyer sur mon téléphone", "Fermer"],
    "en": ["Overview", "Specs", "Reviews", "Social", "Suggestions", "Compare", "Close",
           "Send to my phone", "Close"],
}
BODY_ROLES = {"description", "availability", "spec", "review", "post", "difference",
              "comparison"}


def with_store(config: KioskConfig, **changes: Any) -> KioskConfig:
    """The demo config with store-level fields replaced (``accessibility``, ``table``...)."""
    return dataclasses.replace(config, store=config.store.model_copy(update=changes))


def two_products() -> list[dict[str, Any]]:
    return [{"at": 0.1, "place": {"gtin": TV, "x": 0.22, "y": 0.72}},
            {"at": 0.15, "place": {"gtin": CLARA, "x": 0.8, "y": 0.25, "angle": 180}}]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_label_can_be_tapped_in_both_languages(demo_config: KioskConfig, tmp_path: Path,
                                                     locale: str) -> None:
    steps = two_products()
    at = 0.5
    for label in LABELS[locale]:
        steps.append({"at": at, "tap": {"label": label, "within": TV}})
        steps.append({"at": at + 0.1, "screenshot": f"after-{len(steps)}"})
        at += 0.3
    result = run(demo_config, tmp_path, steps, locale=locale)
    assert result.ok, result.stats.errors
    assert result.stats.missed_taps == []
    shots = sorted(tmp_path.glob("after-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    trees = [tree(tmp_path, shot.stem) for shot in shots]
    selected = [{n["label"] for n in find(nodes, role="tab", text="selected")} for nodes in trees]
    for label, chosen in zip(LABELS[locale][:5], selected, strict=False):
        assert label in chosen
    assert find(trees[5], role="compare") and not find(trees[6], role="compare")
    assert find(trees[7], role="qr") and not find(trees[8], role="qr")


def test_compare_puts_two_products_side_by_side_and_tints_differences(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        *two_products(),
        {"at": 0.5, "tap": {"label": "Comparer", "within": TV}},
        {"at": 0.8, "screenshot": "compare"},
    ])
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "compare")
    (view,) = find(nodes, role="compare")
    assert view["text"] == f"0{TV} | 0{CLARA}" and view["rotation"] == 0
    differences = {node["label"]: node["text"] for node in find(nodes, role="difference")}
    same = {node["label"] for node in find(nodes, role="comparison")}
    assert differences["Prix"] == "1\u00a0099,00\u00a0€ | 449,00\u00a0€"
    assert differences["Diagonale"] == "55 pouces (139 cm) | 43 pouces (108 cm)"
    assert "Définition" in same and "Définition" not in differences
    assert {"Note", "Disponibilité"} <= differences.keys() | same


def test_with_three_products_the_shopper_picks_which_two(demo_config: KioskConfig,
                                                         tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        *two_products(),
        {"at": 0.2, "place": {"gtin": SHOE, "x": 0.75, "y": 0.8}},
        {"at": 0.5, "tap": {"label": "Comparer", "within": TV}},
        {"at": 0.7, "screenshot": "pick"},
        {"at": 0.8, "tap": {"label": "Chaussures de trail Kairn Summit", "within": TV}},
        {"at": 1.1, "screenshot": "compare"},
    ])
    assert result.ok, result.stats.errors
    choices = {node["label"] for node in find(tree(tmp_path, "pick"), role="button")}
    assert {"Téléviseur LED 4K Lumina Clara 43\"", "Chaussures de trail Kairn Summit"} <= choices
    (view,) = find(tree(tmp_path, "compare"), role="compare")
    assert view["text"] == f"0{TV} | 0{SHOE}"


def test_three_shoppers_on_three_edges_get_panels_facing_them_without_overlap(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    table = demo_config.store.table.model_copy(update={"edges": ("bottom", "top", "left")})
    config = with_store(demo_config, table=table)
    result = run(config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.92, "y": 0.8}},
        {"at": 0.1, "place": {"gtin": CLARA, "x": 0.92, "y": 0.2, "angle": 180}},
        {"at": 0.1, "place": {"gtin": SHOE, "x": 0.06, "y": 0.5, "angle": 270}},
        {"at": 0.6, "screenshot": "three"},
    ])
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "three")
    panels = {node["text"]: node for node in find(nodes, role="panel")}
    assert {code: panels[code]["rotation"] for code in (TV, CLARA, SHOE)} == {
        TV: 0, CLARA: 180, SHOE: 270}
    rects = [panels[code]["rect"] for code in (TV, CLARA, SHOE)]
    for index, first in enumerate(rects):
        x, y, width, height = first
        assert x >= 0 and y >= 0 and x + width <= 1920 and y + height <= 1080
        for second in rects[index + 1:]:
            assert not overlaps(first, second), (first, second)
    for product in find(nodes, role="product"):
        assert not any(overlaps(product["rect"], rect) for rect in rects), product["text"]


def test_targets_and_text_are_big_enough_to_use_from_a_metre(demo_config: KioskConfig,
                                                             tmp_path: Path) -> None:
    steps = two_products()
    names = []
    for index, tab in enumerate(["Aperçu", "Caractéristiques", "Avis", "Social", "Suggestions",
                                 "Comparer", "Fermer", "Envoyer sur mon téléphone", "SMS",
                                 "E-mail"]):
        steps.append({"at": 0.4 + index * 0.3, "tap": {"label": tab, "within": TV}})
        steps.append({"at": 0.5 + index * 0.3, "screenshot": f"s{index}"})
        names.append(f"s{index}")
    result = run(demo_config, tmp_path, steps)
    assert result.ok, result.stats.errors
    for name in names:
        for node in tree(tmp_path, name):
            width, height = node["rect"][2:]
            if node["tappable"]:
                assert min(width, height) >= 48, (name, node)
            if node["text_px"]:
                assert node["text_px"] >= 20, (name, node)
            if node["role"] in BODY_ROLES:
                assert node["text_px"] >= 24, (name, node)


def test_photos_swipe_zoom_and_panels_turn_with_two_fingers(demo_config: KioskConfig,
                                                           tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.5, "drag": {"label": "Photo 1 sur 2", "dx": -0.1, "seconds": 0.1}},
        {"at": 0.8, "screenshot": "swiped"},
        {"at": 0.9, "pinch": {"label": "Photo 2 sur 2", "scale": 1.8}},
        {"at": 1.5, "screenshot": "zoomed"},
        {"at": 1.6, "pinch": {"label": "Avis", "rotate": 180, "seconds": 0.4}},
        {"at": 2.2, "screenshot": "turned"},
    ])
    assert result.ok, result.stats.errors
    assert find(tree(tmp_path, "swiped"), role="gallery", label="Photo 2 sur 2")
    normal = find(tree(tmp_path, "swiped"), role="gallery")[0]["rect"]
    zoomed = find(tree(tmp_path, "zoomed"), role="gallery")[0]["rect"]
    assert zoomed[2] > 1.5 * normal[2]
    (panel,) = find(tree(tmp_path, "turned"), role="panel")
    assert panel["rotation"] == 180


def test_a_panel_can_be_dragged_and_lists_glide_after_a_flick(demo_config: KioskConfig,
                                                             tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "screenshot": "before"},
        {"at": 0.5, "drag": {"label": "Aperçu", "dx": 0.1, "dy": -0.2, "seconds": 0.3}},
        {"at": 1.0, "tap": {"label": "Avis"}},
        {"at": 1.2, "screenshot": "reviews"},
        {"at": 1.3, "drag": {"label": "Camille R.", "dy": -0.05, "seconds": 0.05}},
        {"at": 1.36, "screenshot": "released"},
        {"at": 2.5, "screenshot": "glided"},
    ])
    assert result.ok, result.stats.errors
    before = find(tree(tmp_path, "before"), role="panel")[0]["rect"]
    after = find(tree(tmp_path, "reviews"), role="panel")[0]["rect"]
    assert after[0] - before[0] == pytest.approx(192, abs=4)
    assert before[1] - after[1] == pytest.approx(216, abs=4)

    def first_review_bottom(name: str) -> int:
        """Where the first review ends on the screen (0 once it scrolled out of sight)."""
        shown = find(tree(tmp_path, name), role="review", label="Camille R.")
        return shown[0]["rect"][1] + shown[0]["rect"][3] if shown else 0

    assert 0 < first_review_bottom("released") < first_review_bottom("reviews")
    assert first_review_bottom("glided") < first_review_bottom("released") - 20


def test_reduced_motion_stops_lists_when_the_finger_lifts(demo_config: KioskConfig,
                                                          tmp_path: Path) -> None:
    calm = demo_config.store.accessibility.model_copy(update={"reduced_motion": True})
    result = run(with_store(demo_config, accessibility=calm), tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "tap": {"label": "Avis"}},
        {"at": 0.6, "drag": {"label": "Camille R.", "dy": -0.05, "seconds": 0.05}},
        {"at": 0.7, "screenshot": "released"},
        {"at": 1.8, "screenshot": "later"},
    ])
    assert result.ok, result.stats.errors
    assert tree(tmp_path, "released") == tree(tmp_path, "later")


def test_large_text_makes_panels_and_their_text_bigger(demo_config: KioskConfig,
                                                       tmp_path: Path) -> None:
    large = demo_config.store.accessibility.model_copy(update={"large_text": True})
    steps = [{"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.5}},
             {"at": 0.4, "screenshot": "panel"}]
    run(demo_config, tmp_path / "normal", steps)
    run(with_store(demo_config, accessibility=large), tmp_path / "large", steps)
    normal = find(tree(tmp_path / "normal", "panel"), role="heading")[0]["rect"]
    bigger = find(tree(tmp_path / "large", "panel"), role="heading")[0]["rect"]
    assert bigger[3] >= 1.2 * normal[3]


def test_a_suggestion_opens_its_product_marked_not_on_the_table(demo_config: KioskConfig,
                                                                tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "tap": {"label": "Suggestions"}},
        {"at": 0.6, "screenshot": "cards"},
        {"at": 0.7, "tap": {"label": "Box de streaming Lumina Stream 4K"}},
        {"at": 1.0, "screenshot": "opened"},
        {"at": 1.1, "tap": {"label": "Fermer"}},
        {"at": 1.3, "screenshot": "closed"},
    ])
    assert result.ok, result.stats.errors
    assert len(find(tree(tmp_path, "cards"), role="suggestion")) == 2
    opened = tree(tmp_path, "opened")
    assert [node["label"] for node in find(opened, role="heading")][-1] == (
        "Box de streaming Lumina Stream 4K") or find(opened, role="where")
    (where,) = find(opened, role="where")
    assert "Pas sur la table · rayon" in where["text"]
    assert len(find(tree(tmp_path, "closed"), role="panel")) == 1


def test_idle_reset_closes_what_was_opened_and_goes_back_to_french(demo_config: KioskConfig,
                                                                   tmp_path: Path) -> None:
    config = with_store(demo_config, idle_reset_s=1.0)
    result = run(config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.3, "tap": {"label": "English"}},
        {"at": 0.5, "tap": {"label": "Suggestions"}},
        {"at": 0.7, "tap": {"label": "Lumina Stream 4K Media Player"}},
        {"at": 0.9, "remove": {"gtin": TV}},
        {"at": 1.2, "screenshot": "still-open"},
        {"at": 2.5, "screenshot": "reset"},
    ])
    assert result.ok, result.stats.errors
    assert find(tree(tmp_path, "still-open"), role="panel")
    reset = tree(tmp_path, "reset")
    assert not find(reset, role="panel")
    assert find(reset, role="invite")[0]["text"] == "Posez un produit sur la table"


def test_on_a_round_table_panels_face_outward_from_the_centre(demo_config: KioskConfig,
                                                              tmp_path: Path) -> None:
    edges = ("bottom", "top", "left", "right")
    steps = [{"at": 0.1, "place": {"gtin": TV, "x": 0.2, "y": 0.85}},
             {"at": 0.4, "screenshot": "table"}]
    rotations = {}
    for shape in ("rectangle", "round"):
        table = demo_config.store.table.model_copy(update={"edges": edges, "shape": shape})
        run(with_store(demo_config, table=table), tmp_path / shape, steps)
        (panel,) = find(tree(tmp_path / shape, "table"), role="panel")
        rotations[shape] = panel["rotation"]
    assert rotations == {"rectangle": 0, "round": 270}


def test_two_shoppers_drag_their_own_panels_at_the_same_time(demo_config: KioskConfig,
                                                            tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        *two_products(),
        {"at": 0.4, "screenshot": "before"},
        {"at": 0.5, "drag": {"label": "Aperçu", "within": TV, "dx": 0.05, "seconds": 0.3}},
        {"at": 0.5, "drag": {"label": "Aperçu", "within": CLARA, "dx": -0.05, "seconds": 0.3}},
        {"at": 1.0, "screenshot": "after"},
    ])
    assert result.ok, result.stats.errors
    moved = {}
    for name in ("before", "after"):
        moved[name] = {node["text"]: node["rect"][0] for node in find(tree(tmp_path, name),
                                                                    role="panel")}
    assert moved["after"][TV] - moved["before"][TV] == pytest.approx(96, abs=2)
    assert moved["after"][CLARA] - moved["before"][CLARA] == pytest.approx(-96, abs=2)
