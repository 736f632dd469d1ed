"""The frame loop: drains every device once per frame, keeps the table, draws the scene. It is
handed its services (``kiosk.app.services``) ready made, and never waits on them."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pygame

from hardware.events import HardwareEvent
from hardware.gtin import normalise_code
from kiosk.app.device_events import apply_event
from kiosk.app.screen import Screen, content_version, health_facts, staff_facts
from kiosk.app.services import Services
from kiosk.catalog.catalog import Catalog
from kiosk.config import ConfigError, KioskConfig
from kiosk.config.watcher import Reloaded
from kiosk.handoff.outbox.senders import senders_from_config
from kiosk.i18n import next_locale
from kiosk.scenes.attract import AttractLoop
from kiosk.scenes.stack import Aim
from kiosk.scenes.table import Table
from kiosk.scenes.table_scene import TableScene
from kiosk.staff.gate import StaffGate
from kiosk.staff.mode import StaffMode
from kiosk.staff.screen import StaffActions
from kiosk.ui.images import ImageLoader
from kiosk.ui.look import Look
from kiosk.ui.render_worker import RenderWorker
from kiosk.ui.text import TextRenderer
from kiosk.ui.theme import Theme

log = logging.getLogger(__name__)

SCHEDULE_CHECK_S = 30.0
LOOK_SETTINGS = ("store", "locales", "default_locale", "theme", "table", "attract",
                 "accessibility", "staff")
"""Parts of store.yaml the screen is built from: a reload that changes none of them (a price,
a product, a link) updates what is shown in place, so shoppers keep their tab and scroll, and
staff their screen."""


class App:
    """One kiosk screen; ``frame`` is the whole per-frame work and never waits on I/O."""

    def __init__(self, config: KioskConfig, size: tuple[int, int], services: Services, *,
                 draw_products: bool, locale: str | None = None) -> None:
        """``services``: what ``kiosk.assembly`` built for this kiosk; ``draw_products``: draw
        the products themselves (the simulator), not only their halo."""
        self.config = config
        self.services = services
        self.catalog = services.catalog
        self.content_loaded_at = time.time()
        services.metrics.content(content_version(config), self.content_loaded_at)
        self.table = Table()
        self.locale = locale or config.store.default_locale
        self._draw_products = draw_products
        self._images = ImageLoader(config.media_dir, remote_dir=services.live.photos_dir)
        self._media_real = config.media_dir.resolve()
        self._pointers: set[object] = set()
        self._last_activity = 0.0
        self.size = size
        self.wake = threading.Event()
        """Set by every device event: a frame loop waiting on it draws without delay."""
        self.quit_requested = False
        """Staff chose to quit: the frame loop ends."""
        self.default_locale = config.store.default_locale
        self._staff_gate: StaffGate | None = None
        self._schedules_checked = 0.0
        self._quiet_since: float | None = None  # the quiet spell the idle reset last ended
        self.reload_errors: tuple[ConfigError, ...] = config.problems
        """Why content is not as written (staff mode shows it): the last edit not taken, or
        the catalog files running on their last good content."""
        self.reload_failed_at: float | None = None
        """When an edit (or a synced version) was last refused by the hot reload."""
        self._indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalog-index")
        self._indexing: tuple[KioskConfig, Future[Catalog]] | None = None
        """A reloaded config whose catalog is being opened off the frame loop; it is swapped
        in once ready."""
        self._renderer = RenderWorker(on_ready=self.wake.set)
        self._coming_attract: Future[AttractLoop] | None = None
        """A scheduled attract loop being made in the render worker, shown once ready."""
        self._coming_screen: tuple[Future[Screen], ImageLoader | None] | None = None
        """A screen being made in the render worker after a reload of the look, and the image
        loader it replaces (closed with the old screen)."""
        self._build(size)

    def _build(self, size: tuple[int, int]) -> None:
        self._install(self._screen(size))

    def _screen(self, size: tuple[int, int]) -> Screen:
        """Everything drawn, made for ``size`` from the config: no frame uses it until it is
        installed, so the render worker can make it after a reload of the look."""
        store = self.config.store
        media = self.config.media_dir
        theme = Theme.from_config(self.config, min(size))  # a portrait table too
        text = TextRenderer(media / store.theme.font, media / store.theme.font_bold)
        look = Look(theme, text, self._images, store.store.currency, store.locales,
                    self._renderer)
        attract_media = store.attract.active_media(dt.datetime.now())
        attract = self._make_attract(look, attract_media)
        scene = TableScene(look, size, self.catalog, store.table.edges, attract,
                           self._draw_products, self.services.send, self.services.usage,
                           on_locale=self._session_locale,
                           momentum=not store.accessibility.reduced_motion,
                           round_table=store.table.shape == "round",
                           hold_s=store.idle_panel_s, on_variant=self.services.live.request,
                           offers=self.services.offers)
        actions = StaffActions(lambda: staff_facts(self), self._staff_reload,
                               self._next_default_locale, self._staff_quit,
                               lambda: self.staff.close())
        staff = StaffMode(store.staff, look, size, actions, store.default_locale,
                          self._staff_gate)
        return Screen(look, attract_media, attract, scene, staff)

    def _install(self, screen: Screen) -> None:
        self.look, self.attract, self.scene = screen.look, screen.attract, screen.scene
        self._attract_media = screen.attract_media
        self.staff = screen.staff
        self._staff_gate = screen.staff.gate
        if self._coming_attract is not None:  # made for the old look: its videos stop too
            self._coming_attract.add_done_callback(lambda made: self._retire(made.result()))
        self._coming_attract = None

    def _drop_coming_screen(self) -> None:
        """A screen still being made is overtaken: once made, what it made and what it
        replaced are let go."""
        if self._coming_screen is not None:
            coming, replaced = self._coming_screen
            coming.add_done_callback(lambda made: self._retire(made.result().attract, replaced))
            self._coming_screen = None

    def _retire(self, attract: AttractLoop, images: ImageLoader | None = None) -> None:
        """Stop what a replaced screen used (its video workers are joined: in the worker).
        What the start froze out of the garbage collector (``run_in_real_time``) is handed
        back to it: a replaced screen is among it, and only the collector frees its cycles."""
        gc.unfreeze()

        def close() -> None:
            try:
                attract.close()
                if images is not None:
                    images.close()
            except Exception:  # a close that fails must not go unseen, nor stop the thread
                log.exception("closing a replaced screen failed")
        if self._renderer.enabled:
            self._renderer.submit(close)
        else:
            close()

    def _refresh_catalog(self) -> None:
        """Remote content arrived: products get today's prices and stock, panels show them."""
        self.catalog = self.services.live.catalog(self.services.catalog)
        self.services.send.reconfigure(self.config, self.catalog)
        self.scene.use_catalog(self.catalog, self.services.live.freshness)

    def _make_attract(self, look: Look, media: tuple[str, ...]) -> AttractLoop:
        store = self.config.store
        nfc = store.sources.nfc
        attract = AttractLoop(look, self.size, media, store.attract.seconds_per_image,
                              store.table.edges, store.default_locale,
                              media_dir=self.config.media_dir, logo=store.theme.logo,
                              hint=nfc.position if nfc.device != "none" else (0.5, 0.5),
                              reduced_motion=store.accessibility.reduced_motion)
        attract.prepare()
        return attract

    def _follow_schedules(self, moment: dt.date) -> None:
        """Scheduled attract media come and go with the clock (checked twice a minute)."""
        media = self.config.store.attract.active_media(moment)
        if media != self._attract_media:
            self._attract_media = media
            if self._renderer.enabled:  # made in the worker, shown once ready
                look = self.look
                self._coming_attract = self._renderer.submit(
                    lambda: self._make_attract(look, media))
            else:
                self._show_attract(self._make_attract(self.look, media))

    def _show_attract(self, attract: AttractLoop) -> None:
        self._retire(self.attract)
        self.attract = attract
        self.scene.set_attract(attract)

    def resize(self, size: tuple[int, int]) -> None:
        """Lay the scene out again for a new screen size (the table keeps its products)."""
        self.size = size
        self._drop_coming_screen()
        self._retire(self.attract)
        self._build(size)

    def run_in_real_time(self) -> None:
        """What a real-time frame loop wants before its first frame (step mode and tests do
        without: each frame shows every change at once). Panels, sheets and the staff screen
        render in a worker thread from now on, so no frame waits for a render; and what the
        start made (modules, config, catalog) is left out of the garbage collector's full
        passes, which took 12-20 ms of a frame each time, until a screen is replaced
        (``_retire``)."""
        self._renderer.start()
        gc.collect()
        gc.freeze()

    def close(self) -> None:
        """Release what the screen holds: the image loader, the attract loop's videos and the
        catalog indexer."""
        self._indexer.shutdown(wait=False, cancel_futures=True)
        self._renderer.close()
        self._images.close()
        self.attract.close()
        if self._renderer.enabled:  # frozen by ``run_in_real_time``: collectable again
            gc.unfreeze()

    def drain(self) -> list[HardwareEvent]:
        """Take what every source queued since the last frame."""
        events: list[HardwareEvent] = []
        for source in self.services.sources:
            events += source.poll()
        return events

    def frame(self, screen: pygame.Surface, now: float, today: dt.date) -> list[str]:
        """Apply device events, then draw; returns the codes whose panel is on screen."""
        started = time.perf_counter()
        self._renderer.frame_started()
        self._images.poll()
        if self.services.watcher is not None:
            for result in self.services.watcher.results():
                if isinstance(result, Reloaded):
                    self._indexing = (result.config,
                                      self._indexer.submit(Catalog.from_config, result.config))
                else:
                    self.reload_errors = result.errors
                    self.reload_failed_at = time.time()
        if self._indexing is not None and self._indexing[1].done():
            config, index = self._indexing
            self._indexing = None
            self.apply_config(config, index.result())
        for event in self.drain():
            if apply_event(event, self.table, self.catalog, self.services,
                           self.config.store.idle_reset_s, self._last_activity):
                self._last_activity = now
        if self.services.live.poll():
            self._refresh_catalog()
        self._idle_reset(now)
        if self._coming_screen is not None and self._coming_screen[0].done():
            made, replaced = self._coming_screen
            self._coming_screen = None
            retired = self.attract
            self._install(made.result())
            self._retire(retired, replaced)
        if self._coming_attract is not None and self._coming_attract.done():
            self._show_attract(self._coming_attract.result())
            self._coming_attract = None
        if now - self._schedules_checked >= SCHEDULE_CHECK_S:
            self._schedules_checked = now
            self._follow_schedules(today)
        self.staff.update(now)
        self.scene.sync(self.table, self.locale, now)
        drawn = self.scene.draw(screen, now, today)
        self.staff.draw(screen, today)
        self._renderer.frame_drawn()
        took = time.perf_counter() - started
        self.services.frame_clock.tick(took)
        self.services.metrics.frame(took)
        return drawn

    def apply_config(self, config: KioskConfig, catalog: Catalog | None = None) -> None:
        """Swap in a new, valid config between two frames (with its ``catalog``, when already
        indexed): products and panels show the new content at once; what lies on the table
        stays (see ``LOOK_SETTINGS`` for what else does). Devices keep their settings until
        the kiosk restarts."""
        if config.store.sources != self.config.store.sources:
            log.warning("device settings changed in store.yaml: restart the kiosk to use them")
        if config.store.staff != self.config.store.staff:
            self._staff_gate = None
        real_media = config.media_dir.resolve()
        new_media = real_media != self._media_real
        rebuild = new_media or any(getattr(config.store, name) != getattr(self.config.store, name)
                                   for name in LOOK_SETTINGS)
        self.config = config
        self.services.catalog = catalog if catalog is not None else Catalog.from_config(config)
        self.catalog = self.services.live.catalog(self.services.catalog)
        self.services.send.reconfigure(config, self.catalog)
        if self.services.offers is not None:
            self.services.offers.reconfigure(config)
        if self.services.outbox_worker is not None:
            self.services.outbox_worker.use_senders(senders_from_config(config.store.handoff))
        self.reload_errors = config.problems
        self.content_loaded_at = time.time()
        self.services.metrics.content(content_version(config), self.content_loaded_at)
        if not rebuild:
            self.scene.use_catalog(self.catalog, self.services.live.freshness)
            return
        replaced = None
        if new_media:  # another folder (a synced version): no image of the old one is kept
            replaced = self._images
            self._images = ImageLoader(config.media_dir, remote_dir=self.services.live.photos_dir)
            self._media_real = real_media
        if self._renderer.enabled:  # made off the frame loop, shown once ready
            size = self.size
            self._drop_coming_screen()
            self._coming_screen = (self._renderer.submit(lambda: self._screen(size)), replaced)
            return
        self._retire(self.attract, replaced)
        self._build(self.size)

    def settle(self, timeout: float = 2.0) -> bool:
        """Wait for images being loaded, videos' first frames, messages being written to the
        outbox, a reloaded catalog and the staff screen's figures; True when the frame must be
        drawn again."""
        if self._indexing is not None:
            self._indexing[1].result(timeout)
            return True
        if self._renderer.busy:
            self._renderer.settle(timeout)
            return True
        writing = self.attract.settle(timeout)
        writing |= self.services.send.settle(timeout)
        if self.services.offers is not None:
            writing |= self.services.offers.settle(timeout)
        if self.staff.is_open:
            services = self.services
            if services.events is not None:
                services.events.flush(timeout)
            for refreshed in (services.waiting, services.figures):
                writing |= refreshed is not None and refreshed.refresh_now(timeout)
        if not self._images.loading:
            return writing
        self._images.settle(timeout)
        return True

    def pointer_down(self, pointer: object, x: float, y: float, now: float) -> None:
        """A finger (or the mouse) touched the screen."""
        self._pointers.add(pointer)
        self._last_activity = now
        if not self.staff.pointer_down(pointer, x, y, now):
            self.scene.touch.down(pointer, x, y, now)

    def pointer_move(self, pointer: object, x: float, y: float, now: float) -> None:
        """A finger moved on the screen."""
        self._last_activity = now
        self.staff.pointer_move(pointer, x, y)
        self.scene.touch.move(pointer, x, y, now)

    def pointer_up(self, pointer: object, x: float, y: float, now: float) -> bool:
        """A finger lifted; True when it was a tap that something took."""
        self._pointers.discard(pointer)
        self._last_activity = now
        if self.staff.pointer_up(pointer, x, y):
            return True
        return self.scene.touch.up(pointer, x, y, now)

    def tree(self) -> list[dict[str, object]]:
        """Every visible widget, as last drawn, staff screen on top."""
        return self.scene.tree() + self.staff.tree()

    def find_label(self, label: str, tappable: bool = True,
                   within: str | None = None) -> Aim:
        """Where to tap the topmost widget labelled exactly ``label`` (one in view before one
        a layer hides); ``within``: only in that product's panel and what it opened."""
        if self.staff.is_open or (not len(self.table) and not self.scene.has_open_panels):
            nodes = self.staff.tree() if self.staff.is_open else self.scene.tree()
            for node in nodes:
                if node["label"] == label and (node.get("tappable") or not tappable):
                    x, y, width, height = node["rect"]  # type: ignore[misc]
                    return Aim((x + width / 2, y + height / 2))
            return Aim(None)
        code = normalise_code(within) if within else None
        return self.scene.find_label(label, code, tappable)

    def _session_locale(self, locale: str) -> None:
        """A shopper chose a language (the scene keeps it for that shopper's panels)."""
        self.services.usage.language(locale)

    def _idle_reset(self, now: float) -> None:
        """Nobody there for ``idle_reset_s``: the session ends for the next shopper, once per
        quiet spell. Products left on the table stay, their panels back to the first tab in
        the default language; what was opened from them closes, and what was typed goes."""
        store = self.config.store
        if (self._pointers or now - self._last_activity <= store.idle_reset_s
                or self._quiet_since == self._last_activity):
            return
        self._quiet_since = self._last_activity
        if self.staff.is_open:
            self.staff.close()
        if (self.locale != self.default_locale or self.scene.has_open_panels
                or self.services.send.selection or self.services.usage.session is not None):
            log.info("idle for %.0f s: session ended, back to %s", store.idle_reset_s,
                     self.default_locale)
            self.locale = self.default_locale
            self.scene.reset(self.default_locale)
            self.services.send.end_session()
            if self.services.offers is not None:
                self.services.offers.end_session()
            self.services.usage.end_session()

    def health_facts(self) -> dict[str, object]:
        """What ``kiosk status`` shows besides frames (read from the health thread)."""
        return health_facts(self)

    def is_idle(self) -> bool:
        """Nothing on the table, nothing open, nobody touching it: content may change now
        (read from the sync thread: memory only)."""
        return not len(self.table) and not self._pointers and not self.scene.has_open_panels

    def healthy_since(self, moment: float) -> bool:
        """Frames are drawn and no reload was refused since ``moment`` (the last switch of
        synced content): what the sync's probation watches."""
        failed = self.reload_failed_at is not None and self.reload_failed_at >= moment
        return not failed and time.time() - self.services.frame_clock.last_frame_at < 30.0

    def _staff_reload(self) -> None:
        if self.services.watcher is not None:
            self.services.watcher.reload_now()

    def _next_default_locale(self) -> None:
        self.default_locale = next_locale(self.default_locale, self.config.store.locales)

    def _staff_quit(self) -> None:
        log.info("staff quit the kiosk")
        self.quit_requested = True
