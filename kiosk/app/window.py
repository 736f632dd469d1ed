"""The real-time loop of ``kiosk run``, and the pointer events it shares with the simulator
window."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pygame

from kiosk.app.loop import App
from kiosk.app.pacing import FramePacer

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


def run_frames(app: App, screen: pygame.Surface, now: Callable[[], float],
               stopping: threading.Event) -> None:
    """Draw frames until staff quit (staff mode) or a stop signal: no key or window event
    ends a kiosk that shoppers can reach."""
    pacer = FramePacer(FPS)
    app.run_in_real_time()
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
