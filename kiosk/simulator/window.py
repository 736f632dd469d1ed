"""The simulator window: the table, and a tray of products to drag onto it.

The mouse acts as a finger on the table. Dragging a product from the tray places it through
the simulated device (the same event path as a real reader); dragging it off removes it.
Dropping it on the ring marked NFC lays its tag on the simulated NFC reader instead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pygame

from hardware.gtin import display_gtin, normalise_code
from kiosk.app.display import close_screen
from kiosk.app.kiosk import Kiosk
from kiosk.app.pacing import FramePacer
from kiosk.app.window import FPS, pointer_events
from kiosk.config import KioskConfig
from kiosk.ops.signals import stop_on_signals
from kiosk.scenes.table_scene import FOOTPRINT
from kiosk.simulator.tray import Tray

TRAY_SHARE = 0.2
ROTATE_STEP = 15.0
READER_RADIUS = 70


class Simulator:
    """Routes the window's input to the tray, to dragged products, or to the table."""

    def __init__(self, config: KioskConfig, screen: pygame.Surface, kiosk: Kiosk,
                 now: Callable[[], float]) -> None:
        """``kiosk``: put together for the table's part of ``screen`` (``table_size``) with
        the simulator's devices on the clock ``now``."""
        self._config = config
        self.screen = screen
        self.kiosk = kiosk
        self.app = kiosk.app
        self.devices = kiosk.devices
        self.now = now
        self.tray = Tray(self.app.look, self.app.catalog, config.store.default_locale,
                         self._tray_rect().width)
        self._dragging: str | None = None
        self._drag_pos = (0, 0)

    def _tray_rect(self) -> pygame.Rect:
        width, height = self.screen.get_size()
        tray = _tray_width(width)
        return pygame.Rect(width - tray, 0, tray, height)

    def _table_rect(self) -> pygame.Rect:
        return pygame.Rect((0, 0), table_size(self.screen.get_size()))

    def resize(self) -> None:
        """The window changed size: lay out the table and the tray again."""
        self.screen = pygame.display.get_surface()
        self.app.resize(self._table_rect().size)
        self.tray = Tray(self.app.look, self.app.catalog, self._config.store.default_locale,
                         self._tray_rect().width)

    def handle(self, event: pygame.event.Event) -> None:
        """One pygame event."""
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.resize()
        elif event.type == pygame.MOUSEWHEEL:
            self._wheel(event)
        for kind, pointer, x, y in pointer_events(event, self.screen.get_size()):
            self._pointer(kind, pointer, x, y)

    def _wheel(self, event: pygame.event.Event) -> None:
        x, y = pygame.mouse.get_pos()
        if self._tray_rect().collidepoint(x, y):
            self.tray.scroll_by(-event.y, self._tray_rect().height)
            return
        code = self._product_at(x, y)
        item = self.app.table.get(code) if code else None
        if item is not None and item.source != "nfc":
            self._place(item.code, *item.position, item.angle + ROTATE_STEP * event.y)

    def _pointer(self, kind: str, pointer: object, x: float, y: float) -> None:
        tray = self._tray_rect()
        if kind == "down" and pointer == "mouse":
            if tray.collidepoint(x, y):
                self._dragging = self.tray.code_at(y)
            else:
                self._dragging = self._product_at(x, y)
            self._drag_pos = (round(x), round(y))
            if self._dragging is None:
                self.app.pointer_down(pointer, x, y, self.now())
        elif kind == "move" and self._dragging and pointer == "mouse":
            self._drag_pos = (round(x), round(y))
        elif kind == "move":
            self.app.pointer_move(pointer, x, y, self.now())
        elif kind == "up" and self._dragging and pointer == "mouse":
            self._drop(self._dragging, x, y)
            self._dragging = None
        elif kind == "down":
            self.app.pointer_down(pointer, x, y, self.now())
        elif kind == "up":
            self.app.pointer_up(pointer, x, y, self.now())

    def _drop(self, code: str, x: float, y: float) -> None:
        table = self._table_rect()
        item = self.app.table.get(normalise_code(code))
        nfc = self.devices.virtual_nfc
        if nfc is not None and nfc.on_reader == normalise_code(code):
            nfc.lift()
            item = None
        if nfc is not None and self._on_reader(x, y):
            if item is not None:
                self._remove(code)
            nfc.place(code)
        elif table.collidepoint(x, y):
            angle = item.angle if item else 0.0
            self._place(code, x / table.width, y / table.height, angle)
        elif item is not None:
            self._remove(code)

    def _reader_centre(self) -> tuple[int, int]:
        table = self._table_rect()
        x, y = self._config.store.sources.nfc.position
        return round(x * table.width), round(y * table.height)

    def _on_reader(self, x: float, y: float) -> bool:
        centre = self._reader_centre()
        return math.hypot(x - centre[0], y - centre[1]) <= self.app.look.theme.px(READER_RADIUS)

    def _place(self, code: str, x: float, y: float, angle: float) -> None:
        """Through the virtual camera when the store's camera is simulated, else directly."""
        camera = self.devices.virtual_camera
        if camera is not None:
            camera.place(display_gtin(code), x, y, angle)
        else:
            assert self.devices.sim is not None
            self.devices.sim.place(code, x, y, angle)

    def _remove(self, code: str) -> None:
        nfc = self.devices.virtual_nfc
        if nfc is not None and nfc.on_reader == normalise_code(code):
            nfc.lift()
        camera = self.devices.virtual_camera
        if camera is not None:
            camera.remove(display_gtin(code))
        if self.devices.sim is not None:
            self.devices.sim.remove(code)

    def _product_at(self, x: float, y: float) -> str | None:
        """A product under the point, unless a panel covers it there."""
        if self.app.scene.tap_target(x, y):
            return None
        table = self._table_rect()
        reach = self.app.look.theme.px(FOOTPRINT)
        for item in reversed(self.app.table.items):
            cx, cy = item.position[0] * table.width, item.position[1] * table.height
            if math.hypot(x - cx, y - cy) <= reach:
                return item.code
        return None

    def frame(self) -> None:
        """Draw the table, the tray and the product being dragged."""
        table_surface = self.screen.subsurface(self._table_rect())
        self.app.scene.underlay = self._draw_reader if self.devices.virtual_nfc else None
        self.app.frame(table_surface, self.now(), dt.datetime.now())
        self.tray.draw(self.screen.subsurface(self._tray_rect()), self.app.table.statuses)
        if self._dragging:
            thumb = self.tray.thumbnail(self._dragging)
            if thumb is not None:
                self.screen.blit(thumb, thumb.get_rect(center=self._drag_pos))
            else:
                pygame.draw.circle(self.screen, self.app.look.theme.accent, self._drag_pos,
                                   self.app.look.theme.px(40), self.app.look.theme.px(5))

    def _draw_reader(self, surface: pygame.Surface) -> None:
        """The NFC reader's area, under the glass on a real table: a ring to drop products on."""
        theme, centre = self.app.look.theme, self._reader_centre()
        pygame.draw.circle(surface, theme.muted, centre, theme.px(READER_RADIUS), theme.px(3))
        label = self.app.look.text.render("NFC", theme.px(22), theme.muted, True)
        surface.blit(label, label.get_rect(midtop=(centre[0],
                                                  centre[1] + theme.px(READER_RADIUS) + 6)))


def wants_quit(event: pygame.event.Event) -> bool:
    """The simulator window closed, or Ctrl+Q (``kiosk run`` ignores both: only staff mode
    or a stop signal ends it)."""
    if event.type == pygame.QUIT:
        return True
    return (event.type == pygame.KEYDOWN and event.key == pygame.K_q
            and bool(event.mod & pygame.KMOD_CTRL))


def table_size(window: tuple[int, int]) -> tuple[int, int]:
    """The table's part of a simulator window of ``window`` pixels (the tray has the rest)."""
    return window[0] - _tray_width(window[0]), window[1]


def _tray_width(window_width: int) -> int:
    return max(260, round(window_width * TRAY_SHARE))


def run_window(simulator: Simulator) -> int:
    """Run the simulator window until it is closed (or a stop signal), then stop its kiosk."""
    pacer = FramePacer(FPS)
    simulator.app.run_in_real_time()
    simulator.kiosk.start()
    with stop_on_signals() as stopping:
        try:
            while not stopping.is_set():
                for event in pygame.event.get():
                    if wants_quit(event) or (event.type == pygame.KEYDOWN
                                             and event.key == pygame.K_ESCAPE):
                        return 0
                    simulator.handle(event)
                simulator.frame()
                pygame.display.flip()
                pacer.wait(simulator.app.wake)
        finally:
            simulator.kiosk.stop()
            close_screen()
    return 0
