"""The simulator window: drag a product from the tray onto the table, and off again.

Dragging goes through the virtual camera and the real decoder and tracker.
"""

from __future__ import annotations

import time
from pathlib import Path

import pygame
import pytest

from kiosk.commands.simulate import open_simulator
from kiosk.config import KioskConfig
from kiosk.simulator.window import Simulator


@pytest.fixture
def simulator(demo_config: KioskConfig):  # noqa: ANN201
    simulator = open_simulator(demo_config, (1600, 900))
    simulator.kiosk.start()
    yield simulator
    simulator.kiosk.stop()
    pygame.display.quit()


def mouse(kind: int, pos: tuple[int, int]) -> pygame.event.Event:
    if kind == pygame.MOUSEMOTION:
        return pygame.event.Event(kind, pos=pos, rel=(0, 0), buttons=(1, 0, 0), touch=False)
    return pygame.event.Event(kind, pos=pos, button=1, touch=False)


def drag(simulator: Simulator, start: tuple[int, int], end: tuple[int, int]) -> None:
    simulator.handle(mouse(pygame.MOUSEBUTTONDOWN, start))
    simulator.handle(mouse(pygame.MOUSEMOTION, end))
    simulator.frame()
    simulator.handle(mouse(pygame.MOUSEBUTTONUP, end))


def frames_until(simulator: Simulator, predicate, limit: int = 200,  # noqa: ANN001
                 pause: float = 0.005) -> None:
    for _ in range(limit):
        simulator.frame()
        if predicate():
            return
        time.sleep(pause)
    raise AssertionError("not reached")


def tray_row(simulator: Simulator) -> tuple[tuple[int, int], str]:
    tray = simulator._tray_rect()
    for y in range(tray.top, tray.bottom):
        code = simulator.tray.code_at(y)
        if code:
            return (tray.centerx, y + 10), code
    raise AssertionError("no product in the tray")


def test_drag_from_tray_places_then_dragging_off_removes(simulator: Simulator) -> None:
    start, code = tray_row(simulator)
    drag(simulator, start, (300, 450))
    frames_until(simulator, lambda: len(simulator.app.table) == 1)
    (item,) = simulator.app.table.items
    table = simulator._table_rect()
    assert item.code.endswith(code) and item.source == "camera"
    assert item.position == pytest.approx((300 / table.width, 450 / table.height), abs=0.03)
    assert any(node["role"] == "panel" for node in simulator.app.scene.tree())
    drag(simulator, (300, 450), (500, 600))
    frames_until(simulator, lambda: simulator.app.table.items[0].position[0] > 0.35)
    frames_until(simulator, lambda: not simulator.app.scene.moving)  # its panel glides away
    drag(simulator, (500, 600), (table.right + 40, 300))
    frames_until(simulator, lambda: len(simulator.app.table) == 0)


def test_mouse_taps_reach_the_panel(simulator: Simulator) -> None:
    start, _ = tray_row(simulator)
    drag(simulator, start, (250, 450))
    frames_until(simulator, lambda: simulator.app.find_label("English").point is not None)
    x, y = simulator.app.find_label("English").point  # type: ignore[misc]
    simulator.handle(mouse(pygame.MOUSEBUTTONDOWN, (round(x), round(y))))
    simulator.handle(mouse(pygame.MOUSEBUTTONUP, (round(x), round(y))))
    simulator.frame()
    assert simulator.app.find_label("Français").point is not None


def test_tray_lists_every_product_and_scrolls(simulator: Simulator) -> None:
    codes = {simulator.tray.code_at(y) for y in range(0, 4000)} - {None}
    assert len(codes) >= 25
    simulator.tray.scroll_by(3, simulator._tray_rect().height)
    assert simulator.tray.scroll > 0
    simulator.tray.scroll_by(-100, simulator._tray_rect().height)
    assert simulator.tray.scroll == 0


@pytest.mark.timeout(60)
def test_dropping_on_the_nfc_ring_reads_the_tag_and_dragging_away_lifts_it(
        simulator: Simulator) -> None:
    start, code = tray_row(simulator)
    reader = simulator._reader_centre()
    drag(simulator, start, reader)
    frames_until(simulator, lambda: len(simulator.app.table) == 1, limit=500, pause=0.02)
    (item,) = simulator.app.table.items
    assert item.code.endswith(code) and item.source == "nfc"
    assert simulator.devices.virtual_nfc is not None
    assert simulator.devices.virtual_nfc.on_reader == item.code
    drag(simulator, reader, (250, 300))
    frames_until(simulator, lambda: [i.source for i in simulator.app.table.items] == ["camera"],
                 limit=500, pause=0.02)
    assert simulator.devices.virtual_nfc.on_reader is None


@pytest.mark.timeout(60)
def test_in_the_simulator_a_shopper_sends_an_sms_with_the_mouse(
        demo_config: KioskConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.handoff.servers import WebhookServer, wait_until
    from tests.kiosk.test_send_to_phone import local_handoff

    monkeypatch.setenv("KIOSK_TEST_SMS", "token")
    webhook = WebhookServer()
    webhook.start()
    simulator = open_simulator(local_handoff(demo_config, webhook), (1600, 900), tmp_path)
    simulator.kiosk.start()
    try:
        start, code = tray_row(simulator)
        drag(simulator, start, (300, 450))
        frames_until(simulator, lambda: simulator.app.find_label("Envoyer sur mon téléphone").point
                     is not None)

        def click(label: str) -> None:
            frames_until(simulator, lambda: simulator.app.find_label(label).point is not None)
            x, y = simulator.app.find_label(label).point  # type: ignore[misc]
            simulator.handle(mouse(pygame.MOUSEBUTTONDOWN, (round(x), round(y))))
            simulator.handle(mouse(pygame.MOUSEBUTTONUP, (round(x), round(y))))
            simulator.frame()

        for label in ["Envoyer sur mon téléphone", "SMS", *"0612345678", "J'accepte",
                      "Envoyer"]:
            click(label)
        wait_until(lambda: len(webhook.received()) == 1)
        (post,) = webhook.received()
        assert post.json()["to"] == "+33612345678" and code in post.json()["url"]
    finally:
        simulator.kiosk.stop()
        pygame.display.quit()
        webhook.stop()


def test_the_nfc_ring_is_drawn_under_the_panels(simulator: Simulator,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.ui.widgets import Layer

    start, _ = tray_row(simulator)
    drag(simulator, start, (300, 450))
    frames_until(simulator, lambda: any(node["role"] == "panel"
                                        for node in simulator.app.scene.tree()))
    drawn: list[str] = []
    monkeypatch.setattr(simulator, "_draw_reader", lambda surface: drawn.append("ring"))
    real_draw = Layer.draw
    monkeypatch.setattr(Layer, "draw", lambda layer, *args: (drawn.append("panel"),
                                                             real_draw(layer, *args)))
    simulator.frame()
    assert drawn and drawn[0] == "ring" and "panel" in drawn
