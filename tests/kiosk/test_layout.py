"""The layout solver on its own: pure geometry, no screen."""

from __future__ import annotations

import math

import pygame
import pytest

from kiosk.scenes.layout import Anchor, Footprint, Placement, Request, Surface, solve
from kiosk.ui.widgets import covered, union_area

SIZE = (1920, 1080)
PANEL = ((804, 524), (564, 564), (724, 344))  # full, narrow, compact, shadow included
ROTATION = {"bottom": 0, "top": 180, "left": 270, "right": 90}
RADIUS = 135


def product(code: str, x: float, y: float) -> Footprint:
    return Footprint(code, (x * SIZE[0], y * SIZE[1]), RADIUS)


def panel(found: Footprint, edge: str, **options: object) -> Request:
    rotation = ROTATION[edge]
    sizes = tuple((h, w) if rotation in (90, 270) else (w, h) for w, h in PANEL)
    return Request(found.group, found.group, sizes,
                   Anchor(found.center, found.radius, edge), **options)  # type: ignore[arg-type]


def table(*products: Footprint, edges: tuple[str, ...] = ("bottom", "top")) -> Surface:
    return Surface(SIZE, edges, 1.0, products)


def rect(placement: Placement) -> pygame.Rect:
    return pygame.Rect(placement.box)


def gap(placement: Placement, found: Footprint) -> float:
    box = rect(placement)
    x = min(max(found.center[0], box.left), box.right)
    y = min(max(found.center[1], box.top), box.bottom)
    return max(0.0, math.dist((x, y), found.center) - found.radius)


def assert_clean(result: dict[str, Placement], products: list[Footprint]) -> None:
    boxes = list(result.values())
    for index, first in enumerate(boxes):
        assert pygame.Rect(0, 0, *SIZE).contains(rect(first))
        for second in boxes[index + 1:]:
            assert not rect(first).colliderect(rect(second)), (first, second)
        for found in products:
            assert gap(first, found) > 0, (first, found)


def test_one_product_gets_a_full_panel_beside_it_pulled_toward_its_shopper() -> None:
    tv = product("tv", 0.5, 0.5)
    result = solve(table(tv), [panel(tv, "bottom")])
    placed = result["tv"]
    assert placed.step == 0
    assert_clean(result, [tv])
    assert gap(placed, tv) <= 150
    assert rect(placed).centery > tv.center[1]  # nearer the bottom edge than the product


def test_two_shoppers_side_by_side_get_full_panels_that_do_not_overlap() -> None:
    products = [product("a", 0.25, 0.82), product("b", 0.62, 0.82)]
    result = solve(table(*products), [panel(found, "bottom") for found in products])
    assert_clean(result, products)
    assert {placement.step for placement in result.values()} == {0}
    assert all(gap(result[found.group], found) <= 150 for found in products)


def test_three_side_by_side_shrink_to_narrow_panels_rather_than_overlap() -> None:
    products = [product("a", 0.18, 0.85), product("b", 0.5, 0.85), product("c", 0.82, 0.85)]
    result = solve(table(*products), [panel(found, "bottom") for found in products])
    assert_clean(result, products)
    assert all(placement.step != 0 for placement in result.values())


def test_four_shoppers_on_four_edges_find_room_facing_their_edges() -> None:
    spots = {"bottom": (0.5, 0.86), "top": (0.5, 0.14), "left": (0.07, 0.5),
             "right": (0.93, 0.5)}
    products = [product(edge, *spot) for edge, spot in spots.items()]
    result = solve(table(*products, edges=tuple(spots)),
                   [panel(found, found.group) for found in products])
    assert_clean(result, products)
    assert all(gap(result[found.group], found) <= 150 for found in products)


def test_a_pinned_panel_stays_exactly_and_the_others_make_room() -> None:
    products = [product("a", 0.3, 0.8), product("b", 0.55, 0.8)]
    held = Placement((420, 556, 804, 524), 0)
    result = solve(table(*products), [panel(products[0], "bottom", current=held, pinned=True),
                                      panel(products[1], "bottom")])
    assert result["a"] == held
    assert not rect(result["b"]).colliderect(rect(held))


def test_a_panel_already_placed_stays_when_nothing_pushes_it() -> None:
    tv = product("tv", 0.5, 0.5)
    first = solve(table(tv), [panel(tv, "bottom")])["tv"]
    again = solve(table(tv), [panel(tv, "bottom", current=first)])["tv"]
    assert again == first


def test_a_panel_may_not_grow_past_what_fits_when_told_its_sizes() -> None:
    tv = product("tv", 0.5, 0.5)
    result = solve(table(tv), [panel(tv, "bottom", steps=(2,))])
    assert result["tv"].step == 2


def test_a_sheet_takes_its_panel_s_place_and_never_another_shopper_s() -> None:
    mine, theirs = product("a", 0.3, 0.8), product("b", 0.75, 0.2)
    panels = solve(table(mine, theirs), [panel(mine, "bottom"), panel(theirs, "top")])
    sheet = Request("send:a", "a", ((924, 624), (1364, 514), (644, 804)),
                    Anchor(mine.center, RADIUS, "bottom"), first=True,
                    over=panels["a"].box)
    result = solve(table(mine, theirs), [
        panel(mine, "bottom", current=panels["a"]),
        panel(theirs, "top", current=panels["b"]), sheet])
    assert not rect(result["send:a"]).colliderect(rect(result["b"]))
    assert gap(result["send:a"], theirs) > 0
    assert rect(result["send:a"]).colliderect(rect(result["a"]))  # over its own panel


def test_the_same_table_gives_the_same_layout() -> None:
    products = [product(name, 0.1 + 0.15 * index, 0.2 + 0.6 * (index % 2))
                for index, name in enumerate("abcdef")]
    requests = [panel(found, "top" if found.center[1] < 540 else "bottom")
                for found in products]
    assert solve(table(*products), requests) == solve(table(*products), requests)


@pytest.mark.parametrize(("above", "expected"), [
    ([(0, 0, 50, 50)], True),           # hides the centre
    ([(0, 0, 100, 26)], True),          # half of it, not the centre
    ([(0, 0, 100, 20)], False),         # a strip
    ([(0, 0, 30, 50), (0, 0, 100, 10)], False),  # 44 % in all
    ([(0, 0, 40, 50), (0, 0, 100, 20)], True),   # 64 % in all
    ([], False)])
def test_a_widget_is_covered_when_its_centre_or_half_of_it_is_hidden(
        above: list[tuple[int, int, int, int]], expected: bool) -> None:
    widget = pygame.Rect(0, 0, 100, 50)
    assert covered(widget, [pygame.Rect(card) for card in above]) is expected


def test_union_area_counts_overlapping_rectangles_once() -> None:
    rects = [pygame.Rect(0, 0, 10, 10), pygame.Rect(5, 5, 10, 10), pygame.Rect(0, 0, 10, 10)]
    assert union_area(rects) == 100 + 100 - 25
