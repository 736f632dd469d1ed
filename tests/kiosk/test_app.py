"""The event flow: device threads queue events, the app drains them once per frame."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pygame
import pytest

from hardware.backoff import Backoff
from hardware.events import Placed, Removed, SourceState
from hardware.source import ThreadedSource
from kiosk.app.devices import Devices
from kiosk.app.loop import App
from kiosk.assembly import assemble
from kiosk.config import KioskConfig

TV = "03760000000017"


class ScriptedReader(ThreadedSource):
    """A fake device: emits what the test tells it, or fails like an unplugged reader."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__("scripted", Backoff(initial=0.05, maximum=0.05))
        self.fail = fail
        self.outbox: list[Placed | Removed] = []
        self.ready = threading.Event()

    def run(self, stop: threading.Event) -> None:
        if self.fail:
            raise OSError("no such device")
        self.status(SourceState.OK)
        while not stop.is_set():
            while self.outbox:
                self.emit(self.outbox.pop(0))
            self.ready.set()
            stop.wait(0.01)


@pytest.fixture
def screen():  # noqa: ANN201
    pygame.display.init()
    yield pygame.display.set_mode((1280, 720))
    pygame.display.quit()


def frames_until(app: App, screen: pygame.Surface, predicate, limit: int = 200) -> list[str]:  # noqa: ANN001
    for frame in range(limit):
        drawn = app.frame(screen, frame / 60, dt.date(2026, 11, 26))
        if predicate(drawn):
            return drawn
        time.sleep(0.005)
    raise AssertionError("condition not reached within the frame limit")


def test_placed_event_from_a_device_thread_opens_a_panel(demo_config: KioskConfig,
                                                         screen: pygame.Surface) -> None:
    reader = ScriptedReader()
    kiosk = assemble(demo_config, screen.get_size(), Devices(sources=[reader]), draw_products=False)
    app = kiosk.app
    kiosk.start()
    try:
        reader.outbox.append(Placed(TV, "scripted", (0.3, 0.5), 0.0, 0.0))
        frames_until(app, screen, lambda drawn: TV in drawn)
        assert [node for node in app.scene.tree() if node["role"] == "panel"]
        reader.outbox.append(Removed(TV, "scripted", 1.0))
        frames_until(app, screen, lambda drawn: not drawn)
        assert app.table.statuses["scripted"].state == SourceState.OK
    finally:
        kiosk.stop()


def test_a_failing_device_leaves_a_working_kiosk(demo_config: KioskConfig,
                                                 screen: pygame.Surface) -> None:
    reader = ScriptedReader(fail=True)
    kiosk = assemble(demo_config, screen.get_size(), Devices(sources=[reader]), draw_products=False)
    app = kiosk.app
    kiosk.start()
    try:
        frames_until(app, screen, lambda _: "scripted" in app.table.statuses
                     and app.table.statuses["scripted"].state == SourceState.UNAVAILABLE)
        assert "no such device" in app.table.statuses["scripted"].reason
        assert any(node["role"] == "invite" for node in app.scene.tree())
    finally:
        kiosk.stop()


def test_frame_drains_each_source_once_and_never_blocks(demo_config: KioskConfig,
                                                        screen: pygame.Surface) -> None:
    reader = ScriptedReader()
    kiosk = assemble(demo_config, screen.get_size(), Devices(sources=[reader]), draw_products=False)
    app = kiosk.app
    for index in range(260):
        reader.emit(Placed(f"code-{index}", "scripted", (0.5, 0.5), 0.0, 0.0))
    app.frame(screen, 0.0, dt.date(2026, 11, 26))
    assert len(app.table) == 256
    app.frame(screen, 0.1, dt.date(2026, 11, 26))
    assert len(app.table) == 260
