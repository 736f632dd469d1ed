"""The application: drains every device once per frame, keeps the table, draws the scene."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pygame

from hardware.events import HardwareEvent, Placed, SourceStatus
from hardware.gtin import normalise_code
from hardware.nfc_reader import NfcReaderSource
from hardware.source import EventSource
from kiosk.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff import OUTBOX_FILE, SendService
from kiosk.i18n import printable
from kiosk.outbox.senders import senders_from_config
from kiosk.outbox.store import Outbox
from kiosk.outbox.worker import OutboxWorker
from kiosk.scenes.attract import AttractLoop
from kiosk.scenes.table_scene import TableScene
from kiosk.table import Table
from kiosk.ui.images import ImageLoader
from kiosk.ui.look import Look
from kiosk.ui.text import TextRenderer
from kiosk.ui.theme import Theme

log = logging.getLogger(__name__)

class App:
    """One kiosk screen; ``frame`` is the whole per-frame work and never waits on I/O."""

    def __init__(self, config: KioskConfig, size: tuple[int, int],
                 sources: Sequence[EventSource], *, draw_products: bool,
                 locale: str | None = None, catalog: Catalog | None = None,
                 data_dir: Path | None = None) -> None:
        """``data_dir``: where the outbox lives; without it, only the QR code is offered."""
        self.config = config
        self.catalog = catalog or Catalog.from_config(config)
        self.table = Table()
        self.sources = list(sources)
        self.locale = locale or config.store.default_locale
        self._draw_products = draw_products
        self._images = ImageLoader(config.media_dir)
        self._pointers: set[object] = set()
        self._last_activity = 0.0
        self.size = size
        self.wake = threading.Event()
        """Set by every device event: a frame loop waiting on it draws without delay."""
        self.outbox = Outbox(data_dir / OUTBOX_FILE) if data_dir is not None else None
        self._outbox_worker = (OutboxWorker(self.outbox, senders_from_config(config.store.handoff))
                               if self.outbox is not None else None)
        nfc = next((source for source in self.sources if isinstance(source, NfcReaderSource)),
                   None)
        self.send = SendService(config, self.catalog, self.outbox, self._outbox_worker,
                                time.monotonic, nfc)
        self._build(size)

    def _build(self, size: tuple[int, int]) -> None:
        store = self.config.store
        media = self.config.media_dir
        theme = Theme.from_config(self.config, size[1])
        text = TextRenderer(media / store.theme.font, media / store.theme.font_bold)
        self.look = Look(theme, text, self._images, store.store.currency, store.locales)
        nfc = store.sources.nfc
        attract = AttractLoop(self.look, size, store.attract.media,
                              store.attract.seconds_per_image, store.table.edges,
                              store.default_locale, media_dir=media, logo=store.theme.logo,
                              hint=nfc.position if nfc.device != "none" else (0.5, 0.5),
                              reduced_motion=store.accessibility.reduced_motion)
        self.attract = attract
        self.scene = TableScene(self.look, size, self.catalog, store.table.edges, attract,
                                self._draw_products, self.send, on_locale=self._session_locale,
                                momentum=not store.accessibility.reduced_motion,
                                round_table=store.table.shape == "round")

    def resize(self, size: tuple[int, int]) -> None:
        """Lay the scene out again for a new screen size (the table keeps its products)."""
        self.size = size
        self.attract.close()
        self._build(size)

    def start(self) -> None:
        """Start every device thread and the outbox's delivery worker."""
        if self._outbox_worker is not None:
            self._outbox_worker.start()
        for source in self.sources:
            source.wake_on_event(self.wake)
            source.start()

    def stop(self) -> None:
        """Stop the devices, the image loader and the attract loop's video workers."""
        for source in self.sources:
            source.stop()
        self._images.close()
        self.attract.close()
        if self._outbox_worker is not None:
            self._outbox_worker.stop()
        if self.outbox is not None:
            self.outbox.close()

    def drain(self) -> list[HardwareEvent]:
        """Take what every source queued since the last frame."""
        events: list[HardwareEvent] = []
        for source in self.sources:
            events += source.poll()
        return events

    def frame(self, screen: pygame.Surface, now: float, today: dt.date) -> list[str]:
        """Apply device events, then draw; returns the codes whose panel is on screen."""
        self._images.poll()
        for event in self.drain():
            if isinstance(event, SourceStatus):
                log.info("device %s: %s %s", event.source, event.state.value, event.reason)
            elif isinstance(event, Placed) and self.table.get(event.code) is None and (
                    self.catalog.get(event.code) is None):
                log.warning("code %s from %s is not in the catalog: showing 'not found'",
                            printable(event.code), event.source)
            if self.table.apply(event):
                self._last_activity = now
                if isinstance(event, Placed):
                    self.send.note_placed(event.code)
        self._idle_reset(now)
        self.scene.sync(self.table, self.locale)
        return self.scene.draw(screen, now, today)

    def settle_media(self, timeout: float = 2.0) -> bool:
        """Wait for images being loaded and videos' first frames; True when some images were
        loading (the frame must be drawn again)."""
        self.attract.settle(timeout)
        if not self._images.loading:
            return False
        self._images.settle(timeout)
        return True

    def pointer_down(self, pointer: object, x: float, y: float, now: float) -> None:
        """A finger (or the mouse) touched the screen."""
        self._pointers.add(pointer)
        self._last_activity = now
        self.scene.touch.down(pointer, x, y, now)

    def pointer_move(self, pointer: object, x: float, y: float, now: float) -> None:
        """A finger moved on the screen."""
        self._last_activity = now
        self.scene.touch.move(pointer, x, y, now)

    def pointer_up(self, pointer: object, x: float, y: float, now: float) -> bool:
        """A finger lifted; True when it was a tap that something took."""
        self._pointers.discard(pointer)
        self._last_activity = now
        return self.scene.touch.up(pointer, x, y, now)

    def find_label(self, label: str, tappable: bool = True,
                   within: str | None = None) -> tuple[float, float] | None:
        """Centre of the topmost visible (tappable) widget labelled exactly ``label``;
        ``within``: only in that product's panel and what it opened."""
        if not len(self.table) and not self.scene.has_open_panels:
            for node in self.scene.tree():
                if node["label"] == label and (node.get("tappable") or not tappable):
                    x, y, width, height = node["rect"]  # type: ignore[misc]
                    return x + width / 2, y + height / 2
            return None
        code = normalise_code(within) if within else None
        return self.scene.find_label(label, code, tappable)

    def _session_locale(self, locale: str) -> None:
        """A shopper chose a language: products placed next open in it too."""
        self.locale = locale

    def _idle_reset(self, now: float) -> None:
        """Nobody there for ``idle_reset_s``: the session ends for the next shopper."""
        store = self.config.store
        if len(self.table) or self._pointers or now - self._last_activity <= store.idle_reset_s:
            return
        if (self.locale != store.default_locale or self.scene.has_open_panels
                or self.send.selection):
            log.info("idle for %.0f s: session ended, back to %s", store.idle_reset_s,
                     store.default_locale)
            self.locale = store.default_locale
            self.scene.reset()
            self.send.end_session()
