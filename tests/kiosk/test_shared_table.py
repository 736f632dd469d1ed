"""One table, several shoppers, in step-mode scenarios: nothing moves under a finger, a layer
that must move glides there, a smaller panel grows back when touched, what a layer hides cannot
be tapped, and a language chosen by one shopper stays with that shopper."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hardware.gtin import normalise_code
from kiosk.config import KioskConfig
from kiosk.scenes.layout_audit import audit
from kiosk.scenes.table_scene import FOOTPRINT
from tests.kiosk.scenarios import find, run, tree

TV, CLARA, SHOE = "3760000000017", "3760000000024", "3760000000093"
PAN, GRINDER = "3760000000208", "3760000000178"


def rect_of(folder: Path, name: str, role: str, code: str) -> list[int]:
    (node,) = find(tree(folder, name), role=role, shopper=normalise_code(code))
    return node["rect"]


def test_a_product_lifted_does_not_move_the_keypad_another_shopper_types_on(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.25, "y": 0.8}},
        {"at": 0.1, "place": {"gtin": SHOE, "x": 0.75, "y": 0.8}},
        {"at": 0.1, "place": {"gtin": CLARA, "x": 0.72, "y": 0.2, "angle": 180}},
        {"at": 0.5, "tap": {"label": "Envoyer sur mon téléphone", "within": TV}},
        {"at": 0.7, "tap": {"label": "SMS", "within": TV}},
        {"at": 0.8, "tap": {"label": "0", "within": TV}},
        {"at": 0.9, "tap": {"label": "6", "within": TV}},
        {"at": 1.0, "screenshot": "typing"},
        {"at": 1.2, "remove": {"gtin": SHOE}},
        {"at": 1.3, "remove": {"gtin": CLARA}},
        {"at": 1.9, "screenshot": "lifted"},
        {"at": 2.0, "tap": {"label": "1", "within": TV}},
        {"at": 2.2, "screenshot": "typed"},
    ])
    assert result.ok, result.stats.errors
    before = rect_of(tmp_path, "typing", "sheet", TV)
    assert rect_of(tmp_path, "lifted", "sheet", TV) == before
    assert rect_of(tmp_path, "typed", "sheet", TV) == before
    keys = {node["label"]: node["rect"] for node in find(tree(tmp_path, "typing"), role="key")}
    assert keys == {node["label"]: node["rect"]
                    for node in find(tree(tmp_path, "lifted"), role="key")}
    (typed,) = find(tree(tmp_path, "typed"), role="input")
    assert typed["text"].endswith("1") or typed["text"].count("•") == 3


def test_a_panel_in_use_stays_and_the_others_make_room(demo_config: KioskConfig,
                                                       tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.8}},
        {"at": 0.4, "tap": {"label": "Avis", "within": TV}},
        {"at": 0.5, "screenshot": "alone"},
        {"at": 0.6, "place": {"gtin": SHOE, "x": 0.62, "y": 0.8}},
        {"at": 0.9, "place": {"gtin": PAN, "x": 0.88, "y": 0.8}},
        {"at": 1.5, "screenshot": "crowded"},
    ])
    assert result.ok, result.stats.errors
    assert rect_of(tmp_path, "crowded", "panel", TV) == rect_of(tmp_path, "alone", "panel", TV)
    nodes = tree(tmp_path, "crowded")
    assert not any(node["covered"] for node in nodes
                   if node["shopper"] == normalise_code(TV))


def test_a_panel_no_longer_in_use_moves_when_it_must_and_glides_there(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    store = demo_config.store.model_copy(update={"idle_panel_s": 0.5})
    config = dataclasses.replace(demo_config, store=store)
    steps: list[dict[str, object]] = [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.8}},
        {"at": 0.4, "tap": {"label": "Avis", "within": TV}},
        {"at": 0.5, "screenshot": "before"},
        {"at": 0.6, "place": {"gtin": SHOE, "x": 0.62, "y": 0.8}},
        {"at": 0.7, "screenshot": "held"},
    ]
    steps += [{"at": round(0.95 + index / 60, 3), "screenshot": f"glide-{index}"}
              for index in range(0, 24, 2)]
    result = run(config, tmp_path, steps)
    assert result.ok, result.stats.errors
    before = rect_of(tmp_path, "before", "panel", TV)
    assert rect_of(tmp_path, "held", "panel", TV) == before
    path = [rect_of(tmp_path, f"glide-{index}", "panel", TV) for index in range(0, 24, 2)]
    settled = path[-1]
    assert settled != before, "the held panel never made room once released"
    between = [rect for rect in path if rect not in (before, settled)]
    assert between, path
    for rect in between:
        for axis in (0, 1):
            low, high = sorted((before[axis], settled[axis]))
            assert low <= rect[axis] <= high


def test_a_smaller_panel_grows_back_when_its_shopper_touches_it(demo_config: KioskConfig,
                                                               tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.18, "y": 0.85}},
        {"at": 0.1, "place": {"gtin": CLARA, "x": 0.5, "y": 0.85}},
        {"at": 0.1, "place": {"gtin": SHOE, "x": 0.82, "y": 0.85}},
        {"at": 0.6, "screenshot": "narrow"},
        {"at": 0.7, "remove": {"gtin": SHOE}},
        {"at": 0.7, "remove": {"gtin": CLARA}},
        {"at": 0.8, "place": {"gtin": CLARA, "x": 0.5, "y": 0.85}},
        {"at": 1.2, "tap": {"label": "Avis", "within": TV}},
        {"at": 1.8, "screenshot": "grown"},
    ])
    assert result.ok, result.stats.errors
    narrow = rect_of(tmp_path, "narrow", "panel", TV)
    grown = rect_of(tmp_path, "grown", "panel", TV)
    assert grown[2] * grown[3] > narrow[2] * narrow[3]
    assert find(tree(tmp_path, "grown"), role="tab", label="Avis", text="selected",
                shopper=normalise_code(TV))
    nodes = tree(tmp_path, "grown")
    assert not any(node["covered"] for node in nodes if node["role"] == "panel")


def test_a_covered_button_is_a_missed_tap_with_its_reason(demo_config: KioskConfig,
                                                          tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.25, "y": 0.8}},
        {"at": 0.1, "place": {"gtin": CLARA, "x": 0.75, "y": 0.8}},
        {"at": 0.4, "tap": {"label": "Avis", "within": CLARA}},  # in use: it stays
        {"at": 0.6, "drag": {"label": "Aperçu", "within": TV, "dx": 0.45, "seconds": 0.3}},
        {"at": 1.2, "screenshot": "dragged"},
        {"at": 1.3, "tap": {"label": "Envoyer sur mon téléphone", "within": CLARA}},
    ])
    nodes = tree(tmp_path, "dragged")
    clara = [node for node in nodes if node["shopper"] == normalise_code(CLARA)]
    hidden = [node for node in clara if node["covered"]]
    assert hidden, "the dragged panel should lie over the other one"
    assert all(not node["tappable"] for node in hidden)
    (send,) = [node for node in clara if node["label"] == "Envoyer sur mon téléphone"]
    assert send["covered"]
    assert not result.ok
    (missed,) = result.stats.missed_taps
    assert missed["label"] == "Envoyer sur mon téléphone"
    assert "covered by" in str(missed["reason"]) and "Lumina Vista" in str(missed["reason"])


def test_a_tap_where_two_layers_overlap_reaches_the_one_drawn_on_top(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    overlapping = [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.25, "y": 0.8}},
        {"at": 0.1, "place": {"gtin": CLARA, "x": 0.75, "y": 0.8}},
        {"at": 0.4, "tap": {"label": "Avis", "within": CLARA}},
        {"at": 0.6, "drag": {"label": "Aperçu", "within": TV, "dx": 0.45, "seconds": 0.3}}]
    result = run(demo_config, tmp_path, [*overlapping, {"at": 1.2, "screenshot": "dragged"}])
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "dragged")
    top = [node for node in nodes if node["shopper"] == normalise_code(TV)
           and node["role"] == "tab" and not node["covered"]]
    clara = next(node for node in nodes if node["shopper"] == normalise_code(CLARA)
             and node["role"] == "panel")["rect"]
    inside = [node for node in top if clara[0] < node["rect"][0] + node["rect"][2] // 2
              < clara[0] + clara[2] and clara[1] < node["rect"][1] < clara[1] + clara[3]]
    assert inside, "a tab of the top panel should lie over the other panel"
    x, y, width, height = inside[0]["rect"]
    again = run(demo_config, tmp_path / "again", [
        *overlapping,
        {"at": 1.2, "tap": {"x": (x + width / 2) / 1920, "y": (y + height / 2) / 1080}},
        {"at": 1.4, "screenshot": "tapped"},
    ])
    assert again.ok, again.stats.errors
    assert find(tree(tmp_path / "again", "tapped"), role="tab", label=inside[0]["label"],
                text="selected", shopper=normalise_code(TV))


def test_a_language_chosen_by_one_shopper_stays_with_that_shopper(demo_config: KioskConfig,
                                                                 tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.8}},
        {"at": 0.4, "tap": {"label": "English", "within": TV}},
        {"at": 0.6, "place": {"gtin": CLARA, "x": 0.7, "y": 0.2, "angle": 180}},
        {"at": 0.7, "place": {"gtin": GRINDER, "x": 0.9, "y": 0.82}},
        {"at": 0.8, "place": {"gtin": SHOE, "x": 0.45, "y": 0.84}},
        {"at": 1.2, "screenshot": "after"},
    ], locale="fr")
    assert result.ok, result.stats.errors
    nodes = tree(tmp_path, "after")

    def language_button(code: str) -> str:
        (node,) = [node for node in nodes if node["shopper"] == normalise_code(code)
                   and node["role"] == "button" and node["label"] in ("English", "Français")]
        return str(node["label"])

    assert language_button(TV) == "Français"  # in English: the button offers French
    assert language_button(SHOE) == "Français"  # the same shopper's next product
    assert language_button(CLARA) == "English"  # across the table: the store's language
    assert language_button(GRINDER) == "English"  # further along the edge: someone else


def test_a_sheet_left_by_a_lifted_product_stays_while_used_then_closes(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    store = demo_config.store.model_copy(update={"idle_panel_s": 1.0})
    config = dataclasses.replace(demo_config, store=store)
    result = run(config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.8}},
        {"at": 0.3, "tap": {"label": "Envoyer sur mon téléphone", "within": TV}},
        {"at": 0.5, "tap": {"label": "SMS", "within": TV}},
        {"at": 0.6, "tap": {"label": "0", "within": TV}},
        {"at": 0.7, "remove": {"gtin": TV}},
        {"at": 1.0, "screenshot": "lifted"},
        {"at": 1.2, "tap": {"label": "6"}},
        {"at": 1.8, "screenshot": "still-typing"},
        {"at": 2.6, "screenshot": "left-alone"},
    ])
    assert result.ok, result.stats.errors
    assert find(tree(tmp_path, "lifted"), role="sheet")
    (typed,) = find(tree(tmp_path, "still-typing"), role="input")
    assert typed["text"].count("•") + typed["text"].count("6") >= 2
    assert not find(tree(tmp_path, "left-alone"), role="sheet")


def test_a_panel_moved_by_its_shopper_stays_until_a_product_is_put_under_it(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    store = demo_config.store.model_copy(update={"idle_panel_s": 0.5})
    config = dataclasses.replace(demo_config, store=store)
    moving = [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.25, "y": 0.8}},
        {"at": 0.4, "drag": {"label": "Aperçu", "within": TV, "dx": 0.2, "dy": -0.2,
                             "seconds": 0.3}},
        {"at": 1.0, "screenshot": "moved"}]
    assert run(config, tmp_path / "first", moving).ok
    x, y, width, height = rect_of(tmp_path / "first", "moved", "panel", TV)
    under = {"gtin": SHOE, "x": (x + width / 2) / 1920, "y": (y + height / 2) / 1080}
    result = run(config, tmp_path, [
        *moving,
        {"at": 1.5, "place": {"gtin": CLARA, "x": 0.1, "y": 0.15, "angle": 180}},
        {"at": 1.8, "screenshot": "still"},
        {"at": 2.0, "place": under},
        {"at": 2.6, "screenshot": "made-way"},
    ])
    assert result.ok, result.stats.errors
    moved = rect_of(tmp_path, "moved", "panel", TV)
    assert rect_of(tmp_path, "still", "panel", TV) == moved
    assert rect_of(tmp_path, "made-way", "panel", TV) != moved
    found = audit(tree(tmp_path, "made-way"), (1920, 1080), ("bottom", "top"), False, FOOTPRINT)
    assert normalise_code(SHOE) not in found.covered_products


def test_with_reduced_motion_a_panel_that_must_move_jumps_there(demo_config: KioskConfig,
                                                               tmp_path: Path) -> None:
    calm = demo_config.store.accessibility.model_copy(update={"reduced_motion": True})
    store = demo_config.store.model_copy(update={"idle_panel_s": 0.5, "accessibility": calm})
    config = dataclasses.replace(demo_config, store=store)
    steps: list[dict[str, object]] = [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.8}},
        {"at": 0.4, "tap": {"label": "Avis", "within": TV}},
        {"at": 0.5, "screenshot": "before"},
        {"at": 0.6, "place": {"gtin": SHOE, "x": 0.62, "y": 0.8}},
    ]
    steps += [{"at": round(0.9 + index / 60, 3), "screenshot": f"after-{index}"}
              for index in range(0, 24, 2)]
    result = run(config, tmp_path, steps)
    assert result.ok, result.stats.errors
    path = [rect_of(tmp_path, f"after-{index}", "panel", TV) for index in range(0, 24, 2)]
    before = rect_of(tmp_path, "before", "panel", TV)
    assert set(map(tuple, path)) <= {tuple(before), tuple(path[-1])}
    assert path[-1] != before
