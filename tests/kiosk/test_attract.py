"""The attract loop: images and videos, reduced motion, the invitation and the placement hint."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pygame
import pytest

from kiosk.app.devices import Devices
from kiosk.assembly import assemble
from kiosk.config import KioskConfig, load_config
from kiosk.scenes import attract
from kiosk.scenes.attract import AttractLoop
from kiosk.ui.images import ImageLoader
from kiosk.ui.look import Look
from kiosk.ui.text import TextRenderer
from kiosk.ui.theme import Theme
from tests.kiosk.scenarios import find

SIZE = (640, 360)  # a third of 1080p: the hint's spot has a radius of 31 px, its dot 5 px
PROBE = (20, 180)  # left middle: only the slide shows there (no text, hint, logo or shade)
WHITE = (255, 255, 255)


def write_video(path: Path, frames: int = 48, fps: int = 24) -> None:
    """A clip whose colour changes every frame, so any pixel tells the time."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (160, 90))
    assert writer.isOpened()
    for index in range(frames):
        image = np.zeros((90, 160, 3), np.uint8)
        image[:] = (40, 5 * index, 255 - 5 * index)
        writer.write(image)
    writer.release()


def write_image(path: Path, color: tuple[int, int, int]) -> None:
    surface = pygame.Surface((160, 90))
    surface.fill(color)
    pygame.image.save(surface, str(path))


@pytest.fixture
def media(tmp_path: Path) -> Path:
    """A media folder with a clip and two flat images (red and blue)."""
    write_video(tmp_path / "clip.mp4")
    write_image(tmp_path / "red.png", (250, 40, 40))
    write_image(tmp_path / "blue.png", (40, 40, 250))
    return tmp_path


class Loops:
    """Builds attract loops on a media folder with the demo store's theme and fonts."""

    def __init__(self, config: KioskConfig, media: Path) -> None:
        store, fonts = config.store, config.media_dir
        self.media = media
        self.images = ImageLoader(media)
        self.background = Theme.from_config(config, SIZE[1]).background
        self.look = Look(Theme.from_config(config, SIZE[1]),
                         TextRenderer(fonts / store.theme.font, fonts / store.theme.font_bold),
                         self.images, store.store.currency, store.locales)
        self.built: list[AttractLoop] = []

    def make(self, items: tuple[str, ...], seconds: float = 2.0, **options: Any) -> AttractLoop:
        loop = AttractLoop(self.look, SIZE, items, seconds, ("bottom", "top"), "fr",
                           media_dir=self.media, **options)
        self.built.append(loop)
        return loop

    def shot(self, loop: AttractLoop, now: float) -> pygame.Surface:
        """The loop drawn at ``now`` once its media arrived (settling is for tests only)."""
        screen = pygame.Surface(SIZE)
        loop.draw(screen, now)
        loop.settle(3.0)
        self.images.settle(3.0)
        loop.draw(screen, now)
        return screen

    def close(self) -> None:
        for loop in self.built:
            loop.close()
        self.images.close()


@pytest.fixture
def loops(demo_config: KioskConfig, media: Path) -> Iterator[Loops]:
    harness = Loops(demo_config, media)
    yield harness
    harness.close()


def same(a: pygame.Surface, b: pygame.Surface) -> bool:
    return bool(np.array_equal(pygame.surfarray.array3d(a), pygame.surfarray.array3d(b)))


def until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_a_video_slide_plays(loops: Loops) -> None:
    loop = loops.make(("clip.mp4",))
    first = loops.shot(loop, 0.0).get_at(PROBE)
    assert first != loops.background, "the clip's first frame is drawn"
    screen = pygame.Surface(SIZE)
    moments = iter(range(1, 10_000))

    def moved() -> bool:
        loop.draw(screen, next(moments) / 60)
        return screen.get_at(PROBE) != first

    until(moved)


def test_images_and_videos_take_turns(loops: Loops) -> None:
    loop = loops.make(("red.png", "clip.mp4", "blue.png"))
    red = loops.shot(loop, 0.0).get_at(PROBE)  # the first draw starts the loop's clock
    assert red.r > 3 * red.b
    video = loops.shot(loop, 2.5).get_at(PROBE)
    assert video != red and video != loops.background
    blue = loops.shot(loop, 2.0 + 48 / 24 + 0.5).get_at(PROBE)  # the clip lasts its own 2 s
    assert blue.b > 3 * blue.r


def test_a_video_starts_from_its_first_frame_each_time_round(
        loops: Loops, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attract, "MAX_VIDEO_S", 0.5)  # the 2 s clip is cut after 0.5 s
    loop = loops.make(("clip.mp4", "red.png"), seconds=0.5)
    first = loops.shot(loop, 0.0).get_at(PROBE)
    screen = pygame.Surface(SIZE)
    start = time.monotonic()
    while time.monotonic() - start < 0.99:  # in real time: the clip, then the image
        loop.draw(screen, time.monotonic() - start)
        time.sleep(0.01)
    again = loops.shot(loop, 1.0).get_at(PROBE)
    assert all(abs(a - b) <= 12 for a, b in zip(again, first, strict=True)), (again, first)


def test_reduced_motion_freezes_the_screen(loops: Loops) -> None:
    loop = loops.make(("clip.mp4", "red.png"), reduced_motion=True)
    start = loops.shot(loop, 0.1)  # the first slide shows from 0.1 to 2.1 s
    time.sleep(0.3)  # a playing clip would have moved on by now
    assert same(start, loops.shot(loop, 1.0)), "no pulse, no video"
    assert same(start, loops.shot(loop, 1.95)), "no crossfade into the next slide"
    assert not same(start, loops.shot(loop, 2.2)), "a plain cut to the next slide"


def test_without_reduced_motion_the_hint_pulses_and_slides_fade(loops: Loops) -> None:
    loop = loops.make(("red.png", "blue.png"))
    start = loops.shot(loop, 0.1)
    red = start.get_at(PROBE)
    assert not same(start, loops.shot(loop, 0.6)), "the rings pulse"
    fading = loops.shot(loop, 1.5).get_at(PROBE)
    blue = loops.shot(loop, 2.5).get_at(PROBE)
    assert red.r > fading.r > blue.r and red.b < fading.b < blue.b, "red fades into blue"


def test_invitations_face_each_edge_french_first(loops: Loops) -> None:
    loop = loops.make(("red.png",))
    nodes = [node for layer in loop.invitations() for node in layer.tree()]
    invites = find(nodes, role="invite")
    assert [node["text"] for node in invites] == ["Posez un produit sur la table",
                                                 "Place a product on the table"] * 2
    assert {node["rotation"] for node in invites} == {0, 180}
    lines = [node["text"] for node in find(nodes, role="text")]
    assert lines == ["Prix, avis et conseils s'affichent à côté",
                     "Prices, reviews and advice appear beside it"] * 2  # every line in both


def test_the_hint_is_drawn_where_it_is_placed(loops: Loops) -> None:
    loop = loops.make(("red.png",), hint=(0.25, 0.7), reduced_motion=True)
    screen = loops.shot(loop, 0.0)
    assert tuple(screen.get_at((160, 252)))[:3] == WHITE, "the spot's centre dot"
    assert tuple(screen.get_at((320, 180)))[:3] != WHITE
    nodes = [node for layer in loop.invitations() for node in layer.tree()]
    (caption,) = find(nodes, role="hint", text="Posez-le ici", rotation=0)
    x, y, width, _ = caption["rect"]
    assert abs(x + width / 2 - 160) <= 2 and 252 < y < 252 + 60


def test_a_corrupt_video_is_skipped_with_one_warning(loops: Loops,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    (loops.media / "clip.mp4").write_bytes(os.urandom(4096))
    loop = loops.make(("clip.mp4", "red.png"))
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.video"):
        for frame in range(30):
            screen = loops.shot(loop, frame / 10)
    assert screen.get_at(PROBE).r > 3 * screen.get_at(PROBE).b, "the image shows instead"
    assert len([r for r in caplog.records if "clip.mp4" in r.getMessage()]) == 1


def test_a_video_replaced_by_garbage_keeps_playing_then_is_skipped_by_the_next_loop(
        loops: Loops, caplog: pytest.LogCaptureFixture) -> None:
    """The player keeps its file open (it seeks back at each loop); the loop built after a
    content reload meets the broken file, warns once and skips it."""
    write_video(loops.media / "short.mp4", frames=6)
    loop = loops.make(("short.mp4",))
    assert loops.shot(loop, 0.0).get_at(PROBE) != loops.background
    garbage = loops.media / "garbage.mp4"
    garbage.write_bytes(os.urandom(4096))
    os.replace(garbage, loops.media / "short.mp4")
    screen = pygame.Surface(SIZE)
    for frame in range(60):
        loop.draw(screen, 1 + frame / 60)
    assert screen.get_at(PROBE) != loops.background
    reloaded = loops.make(("short.mp4",))
    moments = iter(range(1, 10_000))

    def warned() -> bool:
        reloaded.draw(screen, next(moments) / 60)
        return any("short.mp4 cannot be played" in r.getMessage() for r in caplog.records)

    with caplog.at_level(logging.WARNING, logger="kiosk.ui.video"):
        until(warned)
        for frame in range(30):
            reloaded.draw(screen, 10 + frame / 60)
    assert screen.get_at(PROBE) == loops.background


@pytest.mark.parametrize(("device", "center"), [("sim", (480, 108)), ("none", (320, 180))])
def test_the_app_puts_the_hint_over_the_nfc_reader(store_copy: Path, device: str,
                                                   center: tuple[int, int]) -> None:
    store = store_copy / "store.yaml"
    text = store.read_text(encoding="utf-8")
    text = text.replace("position: [0.5, 0.5]", "position: [0.75, 0.3]")
    text = re.sub(r"(kiosk doctor\n    device: )sim", rf"\g<1>{device}", text)
    store.write_text(text, encoding="utf-8")
    config = load_config(store_copy)
    assert config.store.sources.nfc.device == device
    kiosk = assemble(config, SIZE, Devices(sources=[]), draw_products=False)
    app = kiosk.app
    try:
        app.frame(pygame.Surface(SIZE), 0.0, dt.date(2026, 11, 26))
        (caption,) = find(app.scene.tree(), role="hint", text="Posez-le ici", rotation=0)
        x, y, width, _ = caption["rect"]
        assert abs(x + width / 2 - center[0]) <= 2 and center[1] < y < center[1] + 60
    finally:
        kiosk.stop()
