"""Layers rendered off the frame loop: a card is not drawn until its first render is ready,
the last one stays on screen while a newer one renders, a render overtaken by a change is not
shown, scrolling survives a redraw, and the staff PIN is checked without holding a frame."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import TypeVar

import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.ops.health import FrameClock
from kiosk.scenes.product_panel import ProductPanel
from kiosk.simulator.stats import FrameStats
from kiosk.staff.gate import StaffGate
from kiosk.staff.screen import StaffActions, StaffFacts, StaffScreen
from kiosk.ui.look import Look
from kiosk.ui.render_worker import RenderWorker
from kiosk.ui.widgets import Layer, Rotation
from tests.kiosk.test_card_layouts import TODAY

TV = "3760000000017"
T = TypeVar("T")


class HeldWorker(RenderWorker):
    """A render worker whose renders wait for ``release``: the test decides when one ends."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def submit(self, render: Callable[[], T], *, urgent: bool = False) -> Future[T]:
        def held() -> T:
            assert self.release.wait(10)
            return render()
        return super().submit(held, urgent=urgent)


class FirstFree(HeldWorker):
    """The first render asked for (a new panel's outline) is not held."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def submit(self, render: Callable[[], T], *, urgent: bool = False) -> Future[T]:
        self.asked += 1
        if self.asked == 1:
            return RenderWorker.submit(self, render, urgent=urgent)
        return super().submit(render, urgent=urgent)


@pytest.fixture
def worker() -> Iterator[HeldWorker]:
    made = HeldWorker()
    made.start()
    yield made
    made.release.set()
    made.close()


@pytest.fixture(params=[False], ids=["normal"])
def look(request: pytest.FixtureRequest, demo_config: KioskConfig,
         worker: HeldWorker) -> Iterator[Look]:
    made = look_fixture(demo_config, worker)
    yield next(made)
    next(made, None)


def look_fixture(demo_config: KioskConfig, worker: RenderWorker) -> Iterator[Look]:
    """The demo's look rendering with ``worker``; its image loader closed when resumed."""
    from kiosk.ui.images import ImageLoader
    from kiosk.ui.text import TextRenderer
    from kiosk.ui.theme import Theme

    store = demo_config.store
    images = ImageLoader(demo_config.media_dir)
    yield Look(Theme.from_config(demo_config, 1080),
               TextRenderer(demo_config.media_dir / store.theme.font,
                            demo_config.media_dir / store.theme.font_bold),
               images, store.store.currency, store.locales, worker)
    images.close()


def rendered(panel: ProductPanel, worker: HeldWorker, rotation: Rotation = 0) -> Layer:
    """Let the panel's render (started here if need be) finish; the layer then drawn."""
    panel.layer(rotation, TODAY)
    worker.release.set()
    worker.settle(10)
    worker.release.clear()
    layer = panel.layer(rotation, TODAY)
    assert layer is not None
    return layer


def labels(layer: object) -> set[str]:
    return {widget.label for widget, _ in layer.visible_widgets()}  # type: ignore[attr-defined]


def test_a_card_shows_once_rendered_and_its_last_layer_while_a_newer_renders(
        look: Look, demo_config: KioskConfig, worker: HeldWorker) -> None:
    catalog = Catalog.from_config(demo_config)
    panel = ProductPanel(TV, catalog.get(TV), "fr", look, catalog)
    assert panel.layer(0, TODAY) is None and panel.rendering  # nothing to show yet
    first = rendered(panel, worker)
    assert not panel.rendering and panel.layer(0, TODAY) is first
    assert first.turned() is first._turned  # turned in the worker, not in a frame
    panel.select_tab("reviews")
    assert panel.layer(0, TODAY) is first  # the frame does not wait for the new tab
    second = rendered(panel, worker)
    assert second is not first and "Camille R." in labels(second)


def test_a_panel_shows_its_outline_while_its_first_render_is_under_way(
        demo_config: KioskConfig) -> None:
    worker = FirstFree()
    worker.start()
    look = next(look_fixture(demo_config, worker))
    catalog = Catalog.from_config(demo_config)
    panel = ProductPanel(TV, catalog.get(TV), "fr", look, catalog)
    try:
        assert panel.layer(0, TODAY) is None
        deadline = time.monotonic() + 10
        while (outline := panel.layer(0, TODAY)) is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert outline is not None and panel.rendering  # the whole card is still held
        assert {"Aperçu", "Avis", "Envoyer sur mon téléphone"} <= labels(outline)
        assert not outline.viewports or outline.viewports[0].content.get_height() < 100
        whole = rendered(panel, worker)
        assert whole is not outline and len(whole.viewports) > len(outline.viewports)
        assert rendered(panel, worker, 90) is not None  # turned later: no outline again
    finally:
        worker.release.set()
        worker.close()
        look.images.close()


def test_a_render_overtaken_by_a_change_is_not_shown(
        look: Look, demo_config: KioskConfig, worker: HeldWorker) -> None:
    catalog = Catalog.from_config(demo_config)
    panel = ProductPanel(TV, catalog.get(TV), "fr", look, catalog)
    rendered(panel, worker)
    panel.select_tab("reviews")
    panel.layer(0, TODAY)  # the reviews render starts...
    panel.select_tab("specs")  # ...and the shopper already chose another tab
    worker.release.set()
    worker.settle(10)
    stale = panel.layer(0, TODAY)
    assert stale is not None and "Camille R." not in labels(stale)
    worker.settle(10)
    shown = panel.layer(0, TODAY)
    assert shown is not None and "Diagonale" in labels(shown)


def test_scrolling_survives_a_redraw_made_in_the_worker(
        look: Look, demo_config: KioskConfig, worker: HeldWorker) -> None:
    catalog = Catalog.from_config(demo_config)
    panel = ProductPanel(TV, catalog.get(TV), "fr", look, catalog)
    panel.select_tab("reviews")
    layer = rendered(panel, worker)
    assert layer.viewports[0].scroll_by(120)
    assert panel.layer(90, TODAY) is layer  # turned: drawn again, with the same content
    layer.viewports[0].scroll_by(30)  # the shopper keeps scrolling meanwhile
    turned = rendered(panel, worker, 90)
    assert turned is not layer and turned.viewports[0].offset == layer.viewports[0].offset


def test_the_pin_is_checked_in_the_worker(look: Look, worker: HeldWorker,
                                          demo_config: KioskConfig) -> None:
    facts = StaffFacts((), 0, (), (), "fr")
    actions = StaffActions(lambda: facts, lambda: None, lambda: None, lambda: None,
                           lambda: None)
    gate = StaffGate(demo_config.store.staff.pin_hash, 300, lambda: 0.0)
    screen = StaffScreen(look, gate, actions, "fr")
    worker.release.set()
    worker.settle(10)
    for key in "2468":
        screen._key(key)
    worker.release.clear()
    screen._enter()  # the frame goes on while scrypt runs
    assert not screen.unlocked
    worker.release.set()
    worker.settle(10)
    screen.layer(0, TODAY)
    assert screen.unlocked


def test_a_card_never_drawn_is_rendered_before_redraws() -> None:
    worker = RenderWorker()
    done: list[str] = []
    worker.submit(lambda: done.append("redraw"))  # queued before the thread starts
    worker.submit(lambda: done.append("new panel"), urgent=True)
    worker.start()
    worker.settle(10)
    worker.close()
    assert done == ["new panel", "redraw"] and not worker.busy


def test_a_render_starts_between_frames_after_the_one_showing_the_last(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kiosk.ui.render_worker.BETWEEN_FRAMES_S", 10.0)
    worker = RenderWorker()
    worker.start()
    try:
        worker.frame_started()  # the frame loop is drawing
        job = worker.submit(lambda: "panel", urgent=True)
        time.sleep(0.05)
        assert not job.done(), "it waits for the frame to end"
        worker.frame_drawn()
        assert job.result(timeout=5) == "panel"
        following = worker.submit(lambda: "next")
        time.sleep(0.05)
        assert not following.done(), "it waits for the frame that shows the panel"
        worker.frame_started()
        worker.frame_drawn()
        assert following.result(timeout=5) == "next"
    finally:
        worker.close()


def test_frames_over_one_60hz_frame_are_counted() -> None:
    stats = FrameStats(frame_ms=[2.0, 16.0, 16.8, 40.0])
    assert stats.over_budget == 2 and stats.summary()["over_budget"] == 2
    clock = FrameClock()
    for seconds in (0.002, 0.0168, 0.015):
        clock.tick(seconds)
    assert clock.frames == 3 and clock.over_budget == 1

