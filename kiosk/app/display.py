"""Opening the screen: a window, the fullscreen table, or SDL's dummy driver."""

from __future__ import annotations

import os
import sys

import pygame


def has_display() -> bool:
    """Whether a window can open here: an X11 or Wayland session, a real SDL video driver
    chosen by hand (kmsdrm on a table without a desktop), or not Linux."""
    if not sys.platform.startswith("linux"):
        return True
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or (driver and driver not in ("dummy", "offscreen")))


def open_screen(size: tuple[int, int], *, headless: bool = False, resizable: bool = False,
                fullscreen: bool = False, title: str = "Smart table") -> pygame.Surface:
    """Initialise pygame's display and return the screen surface."""
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption(title)
    flags = 0
    if fullscreen:
        flags |= pygame.FULLSCREEN
        size = (0, 0)
    elif resizable:
        flags |= pygame.RESIZABLE
    return pygame.display.set_mode(size, flags)


def close_screen() -> None:
    """Release the display (tests open several screens in one process)."""
    pygame.display.quit()
