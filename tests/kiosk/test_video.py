"""Video players reuse their buffers: a table that loops a clip for months must not allocate a
new full-screen frame for every frame it decodes, nor overwrite the one being drawn."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pygame
import pytest

from kiosk.ui.video import IDLE_S, SLOTS, VideoPlayer, cover
from tests.kiosk.test_attract import write_video

SIZE = (320, 180)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    write_video(path, frames=24, fps=24)  # one second, a new colour every frame
    return path


@pytest.fixture
def player(clip: Path) -> VideoPlayer:
    made = VideoPlayer(clip, SIZE, darken=0.3)
    assert made.wait_ready(3.0)
    yield made
    made.close()


def test_a_looping_video_draws_from_a_fixed_set_of_surfaces(player: VideoPlayer) -> None:
    surfaces: list[pygame.Surface] = []  # kept alive, so a new Surface cannot reuse an id
    colours = set()
    player.play()
    deadline = time.monotonic() + 2.5  # the one-second clip loops twice
    while time.monotonic() < deadline:
        surface = player.frame()
        assert surface is not None
        if not any(surface is seen for seen in surfaces):
            surfaces.append(surface)
        colours.add(tuple(surface.get_at((5, 5))))
        time.sleep(0.01)
    assert len(colours) >= 20, "the clip played, looping"
    assert 2 <= len(surfaces) <= SLOTS + 1


def test_the_frame_being_drawn_is_never_written(player: VideoPlayer) -> None:
    player.play()
    for _ in range(10):
        held = player.frame()
        assert held is not None
        pixels = pygame.surfarray.array3d(held)
        time.sleep(0.15)  # the worker decodes three or four frames meanwhile
        assert np.array_equal(pygame.surfarray.array3d(held), pixels)
        assert player.frame() is not None


def test_cover_writes_into_the_array_it_is_given() -> None:
    image = np.random.default_rng(7).integers(0, 255, (90, 200, 3), np.uint8)
    out = np.empty((180, 320, 3), np.uint8)
    assert cover(image, SIZE, out) is out
    assert np.array_equal(out, cover(image, SIZE))
    wrong = np.empty((10, 10, 3), np.uint8)
    assert cover(image, SIZE, wrong).shape == (180, 320, 3)


def test_a_player_nobody_draws_lets_go_of_its_frames_and_comes_back_on_its_first(
        player: VideoPlayer) -> None:
    first = player.frame()
    assert first is not None
    first_colour = tuple(first.get_at((5, 5)))
    player.play()
    deadline = time.monotonic() + 0.4
    while time.monotonic() < deadline:
        assert player.frame() is not None
        time.sleep(0.02)
    assert tuple(player.frame().get_at((5, 5))) != first_colour, "it played on"
    time.sleep(IDLE_S + 0.7)  # nobody draws it: the table has products
    assert player.ready, "resting, it keeps nobody waiting"
    assert player.frame() is None, "it rests, its frames given back"
    assert not player.ready  # asked again: its first frame comes in its own thread
    assert player.wait_ready(3.0)
    again = player.frame()
    assert again is not None
    assert tuple(again.get_at((5, 5))) == first_colour
