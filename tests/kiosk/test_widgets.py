"""Layers turned to face each table edge map taps and the tree dump correctly."""

from __future__ import annotations

import pygame
import pytest

from kiosk.ui.widgets import Layer, Viewport, Widget


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_points_round_trip(rotation: int) -> None:
    layer = Layer(pygame.Surface((300, 100)), rotation=rotation, topleft=(50, 40))
    for point in [(0, 0), (299, 99), (120, 30)]:
        screen = layer.to_screen_point(*point)
        assert layer.screen_rect.inflate(2, 2).collidepoint(screen)
        assert layer.to_local_point(*screen) == pytest.approx(point)


def test_a_button_in_a_panel_facing_the_top_edge_is_hit_where_it_is_drawn() -> None:
    surface = pygame.Surface((300, 100))
    taps: list[str] = []
    button = Widget("button", pygame.Rect(0, 0, 60, 40), label="English",
                    on_tap=lambda: taps.append("en"))
    layer = Layer(surface, [Widget("panel", surface.get_rect()), button], 180, (100, 100))
    # Local top-left corner lands at the screen's bottom-right of the turned panel.
    (node,) = [n for n in layer.tree() if n["label"] == "English"]
    assert node["rect"] == [340, 160, 60, 40]
    assert layer.hit(370, 180) is button
    assert layer.hit(110, 110) is None
    assert layer.turned().get_size() == (300, 100)


def test_quarter_turns_swap_width_and_height() -> None:
    layer = Layer(pygame.Surface((300, 100)), rotation=90)
    assert layer.screen_rect.size == (100, 300)
    assert layer.turned().get_size() == (100, 300)


def test_a_layer_waiting_for_an_image_is_redone_once_it_arrives(tmp_path) -> None:  # noqa: ANN001
    from kiosk.ui.images import ImageLoader, MediaWait

    pygame.image.save(pygame.Surface((40, 30)), str(tmp_path / "a.png"))
    images = ImageLoader(tmp_path)
    wait = MediaWait(images)
    wait.begin()
    assert images.get("a.png", (20, 20)) is None
    wait.missing()
    assert not wait.stale
    images.settle(2.0)
    assert wait.stale
    wait.begin()
    assert images.get("a.png", (20, 20)).get_size() == (20, 15)
    assert not wait.stale
    images.close()


def test_an_image_taken_in_while_a_worker_render_runs_still_redoes_it(tmp_path) -> None:  # noqa: ANN001
    from kiosk.ui.images import ImageLoader, MediaWait

    pygame.image.save(pygame.Surface((40, 30)), str(tmp_path / "a.png"))
    images = ImageLoader(tmp_path)
    wait = MediaWait(images)
    wait.begin()  # in the render worker
    assert images.get("a.png", (20, 20)) is None
    images.settle(2.0)  # meanwhile the frame loop takes the image in
    wait.missing()  # the render, drawn without it, ends
    assert wait.stale, "the render missed it: it is redone"
    images.close()


def test_an_unreadable_image_draws_as_missing(tmp_path) -> None:  # noqa: ANN001
    from kiosk.ui.images import ImageLoader

    (tmp_path / "bad.png").write_bytes(b"\x89PNG garbage")
    images = ImageLoader(tmp_path)
    assert images.get("bad.png", (10, 10)) is None
    assert images.loading
    images.settle(2.0)
    assert not images.loading
    assert images.get("bad.png", (10, 10)) is None
    assert not images.loading
    images.close()


def test_ready_images_are_bounded_in_bytes_the_latest_kept(tmp_path) -> None:  # noqa: ANN001
    from kiosk.ui.images import ImageLoader

    for name in "abc":
        pygame.image.save(pygame.Surface((100, 100)), str(tmp_path / f"{name}.png"))
    probe = ImageLoader(tmp_path)
    probe.get("a.png", (100, 100))
    probe.settle(2.0)
    made = probe.get("a.png", (100, 100))
    one = made.get_pitch() * made.get_height()
    probe.close()
    images = ImageLoader(tmp_path, cache_bytes=2 * one + one // 2)  # room for two, not three
    for name in "abc":
        assert images.get(f"{name}.png", (100, 100)) is None
        images.settle(2.0)
    assert images.get("c.png", (100, 100)) is not None
    assert images.get("b.png", (100, 100)) is not None
    assert images.get("a.png", (100, 100)) is None  # let go, so prepared again
    tiny = ImageLoader(tmp_path, cache_bytes=1)  # even over budget, the newest one stays
    tiny.get("a.png", (100, 100))
    tiny.settle(2.0)
    assert tiny.get("a.png", (100, 100)) is not None
    images.close()
    tiny.close()


@pytest.mark.parametrize("rotation", [0, 180])
def test_content_running_past_an_edge_fades_into_the_card_there(rotation: int) -> None:
    card = pygame.Color(250, 250, 245)
    content = pygame.Surface((200, 600))
    content.fill((0, 0, 0))
    window = pygame.Rect(0, 0, 200, 300)
    viewport = Viewport(window, content, fade=card)
    layer = Layer(pygame.Surface((200, 300)), rotation=rotation, viewports=[viewport])

    def ends() -> tuple[int, int]:
        """Brightness of the window's first and last row of pixels, as the shopper sees it."""
        screen = pygame.Surface((200, 300))
        layer.draw(screen)
        first, last = (screen.get_at((100, y)).r for y in (0, 299))
        return (first, last) if rotation == 0 else (last, first)

    start, end = ends()
    assert start == 0 and end > 200, "more below: the bottom edge fades"
    viewport.scroll_by(150)
    start, end = ends()
    assert start > 200 and end > 200, "more on both sides"
    viewport.scroll_by(1000)
    start, end = ends()
    assert start > 200 and end == 0, "at the end: only the top fades"
