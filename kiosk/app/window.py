"""The real-time loop shared by ``kiosk run`` and the simulator window."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pygame

from kiosk.app.devices import open_devices
from kiosk.app.display import close_screen, open_screen
from kiosk.app.loop import App
from kiosk.app.pacing import FramePacer
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.ops.signals import stop_on_signals

FPS = 60
Pointer = tuple[str, object, float, float]


def pointer_events(event: pygame.event.Event, size: tuple[int, int]) -> Iterator[Pointer]:
    """Mouse buttons and SDL finger events as ``(down|move|up, pointer id, x, y)``.

    Mouse events that SDL synthesises from touches are skipped: the finger events carry them.
    """
    if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
        if getattr(event, "touch", False):
            return
        if event.type == pygame.MOUSEMOTION:
            if event.buttons[0]:
                yield "move", "mouse", *event.pos
        elif event.button == 1:
            yield ("down" if event.type == pygame.MOUSEBUTTONDOWN else "up"), "mouse", *event.pos
    elif event.type in (pygame.FINGERDOWN, pygame.FINGERUP, pygame.FINGERMOTION):
        kind = {pygame.FINGERDOWN: "down", pygame.FINGERUP: "up",
                pygame.FINGERMOTION: "move"}[event.type]
        finger = ("finger", event.touch_id, event.finger_id)
        yield kind, finger, event.x * size[0], event.y * size[1]


def run_kiosk(config: KioskConfig, size: tuple[int, int] | None, data_dir: Path) -> int:
    """The kiosk on the table's screen (full screen unless ``size`` is given)."""
    screen = open_screen(size or (0, 0), fullscreen=size is None, title=config.store.store.name)
    start = time.monotonic()

    def now() -> float:
        return time.monotonic() - start

    catalog = Catalog.from_config(config)
    devices = open_devices(config, catalog, now, simulator=False)
    app = App(config, screen.get_size(), devices.sources, draw_products=False, catalog=catalog,
              data_dir=data_dir, watch=True, health=True)
    app.start()
    with stop_on_signals() as stopping:
        try:
            _frame_loop(app, screen, now, stopping)
        finally:
            app.stop()
            devices.close()
            close_screen()
    return 0


def _frame_loop(app: App, screen: pygame.Surface, now: Callable[[], float],
                stopping: threading.Event) -> None:
    """Draw frames until staff quit (staff mode) or a stop signal: no key or window event
    ends a kiosk that shoppers can reach."""
    pacer = FramePacer(FPS)
    while not stopping.is_set() and not app.quit_requested:
        for event in pygame.event.get():
            for kind, pointer, x, y in pointer_events(event, screen.get_size()):
                if kind == "down":
                    app.pointer_down(pointer, x, y, now())
                elif kind == "move":
                    app.pointer_move(pointer, x, y, now())
                elif kind == "up":
                    app.pointer_up(pointer, x, y, now())
        app.frame(screen, now(), dt.datetime.now())
        pygame.display.flip()
        pacer.wait(app.wake)
