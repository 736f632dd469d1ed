"""The cards of sizes and colours, ordering and reserving, drawn directly: every size of panel
and sheet in both languages and in large text (nothing overlapping, nothing too small), what a
reservation's answer looks like (against a real outbox, worker and stock service on
127.0.0.1), and that nothing is drawn again or read again while nothing changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.senders import senders_from_config
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.outbox.worker import OutboxWorker
from kiosk.handoff.reserve import Place, Reservation
from kiosk.handoff.service import SendResult, SendService
from kiosk.scenes.cached_layer import CachedLayer
from kiosk.scenes.product_panel import ProductPanel
from kiosk.scenes.reserve_sheet import SLOW_S, ReserveSheet
from kiosk.scenes.send_sheet import SendSheet
from kiosk.ui.look import Look
from tests.handoff.configs import local
from tests.handoff.servers import WebhookServer, wait_until
from tests.kiosk.test_card_layouts import TODAY, each_step, faults, sheet_faults

PULSE_42, PULSE_43 = "3760000000093", "3760000010146"
PULSE_44, PULSE_42_BLACK = "3760000010153", "3760000010221"
LYON = Place("lyon-part-dieu", "Lyon Part-Dieu", 2, False)


def widgets(card: CachedLayer) -> list[Any]:
    return [widget for widget, _ in card.layer(0, TODAY).visible_widgets()]


def press(card: CachedLayer, label: str) -> None:
    """Tap the card's widget labelled ``label``."""
    (widget,) = [w for w in widgets(card) if w.label == label and w.on_tap is not None]
    widget.on_tap()


def texts(card: CachedLayer, role: str) -> list[str]:
    return [widget.text for widget in widgets(card) if widget.role == role]


def shoe_panel(look: Look, catalog: Catalog, service: SendService, locale: str
               ) -> ProductPanel:
    return ProductPanel(PULSE_42, catalog.get(PULSE_42), locale, look, catalog, send=service,
                        on_order=lambda origin, code: None,
                        on_reserve=lambda origin, code: None)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_family_panels_at_every_size(look: Look, demo_config: KioskConfig,
                                     service: SendService, locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    panel = shoe_panel(look, catalog, service, locale)
    panel.compare_with = ("3760000000017",)
    problems = []
    for variant in (None, PULSE_44, PULSE_43, PULSE_42_BLACK):
        panel.show_variant(catalog.get(variant or PULSE_42))
        for step in each_step(panel):
            for tab in ("specs", "overview"):
                panel.select_tab(tab)
                problems += [f"{variant} step {step} {tab}: {fault}"
                             for fault in faults(panel, look)]
            roles = {widget.role for widget in widgets(panel)}
            assert "chip" in roles, (variant, step)  # at every size, compact included
            assert ("not_on_table" in roles) == (variant is not None), (variant, step)
    assert not problems, "\n".join(problems)


def test_the_compact_panel_shows_chips_and_offers_on_a_strip(
        look: Look, demo_config: KioskConfig, service: SendService) -> None:
    catalog = Catalog.from_config(demo_config)
    panel = shoe_panel(look, catalog, service, "fr")
    panel.show_variant(catalog.get(PULSE_43))
    panel.set_step(2)
    layer = panel.layer(0, TODAY)
    strip = layer.viewports[-1]
    assert strip.axis == "x" and strip.max_offset > 0
    labels = [widget.label for widget in strip.widgets if widget.label]
    assert labels[:9] == [str(size) for size in range(38, 47)]
    assert labels[-1] == "Réserver" and "Commander" not in labels
    assert not [widget for widget in layer.widgets if widget.role == "tab"]
    shown = {widget.label for widget, _ in layer.visible_widgets() if widget.role == "chip"}
    assert "43" in shown  # the size shown is scrolled into view


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_order_sheets_at_every_size_and_channel(look: Look, demo_config: KioskConfig,
                                                service: SendService, locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    sheet = SendSheet(PULSE_44, locale, look, catalog, service, lambda: None, kind="cart")
    problems = sheet_faults(sheet, look, service.channels)
    assert not problems, "\n".join(problems)
    sheet._choose("qr")
    (qr,) = [widget for widget in widgets(sheet) if widget.role == "qr"]
    assert qr.text == service.cart_link((PULSE_44,))


class Answers:
    """A send service whose reservation is whatever the test says (layouts only)."""

    def __init__(self, service: SendService) -> None:
        self._service = service
        self.answer: Reservation | None = None

    def reserve_places(self, code: str, product: object = None) -> tuple[Place, ...]:
        return (Place("paris-rivoli", "Maison Rivoli", 14, True), LYON,
                Place("bordeaux-sainte-catherine", "Bordeaux Sainte-Catherine", 5, False))

    def reserve(self, *args: object) -> SendResult:
        self.answer = Reservation("waiting", LYON.store_id, 1)
        return SendResult(True, "reserve.queued")

    def reservation(self, code: str) -> Reservation | None:
        return self.answer


ANSWERS = [Reservation("waiting", LYON.store_id, 1),
           Reservation("confirmed", LYON.store_id, 1, "LY-7Q2K", "2026-12-05T19:00:00"),
           Reservation("refused", LYON.store_id, 1, reason="Plus de stock en magasin"),
           Reservation("refused", LYON.store_id, 1, reason="Quantité refusée par le magasin, "
                                                           "voir avec un vendeur du rayon"),
           Reservation("failed", LYON.store_id, 1, reason="not_stored")]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_reserve_sheets_at_every_size_and_stage(look: Look, demo_config: KioskConfig,
                                                service: SendService, locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    answers = Answers(service)
    now = [0.0]
    sheet = ReserveSheet(PULSE_42, locale, look, catalog, answers,  # type: ignore[arg-type]
                         lambda: None, lambda: now[0])
    problems = []
    for step in each_step(sheet):
        sheet.stage, sheet.place = "where", None
        sheet.invalidate()
        problems += [f"step {step} where: {fault}" for fault in faults(sheet, look)]
        sheet._choose(LYON)
        for digit in "0612345678":
            sheet._key(digit)
        sheet._toggle_consent()
        problems += [f"step {step} phone: {fault}" for fault in faults(sheet, look)]
        sheet._send()
        for answer in ANSWERS:
            answers.answer = answer
            for moment in (0.0, SLOW_S + 1):
                now[0] = moment
                problems += [f"step {step} {answer.state} at {moment}: {fault}"
                             for fault in faults(sheet, look)]
    assert not problems, "\n".join(problems)


@pytest.fixture
def reserving(demo_config: KioskConfig, tmp_path: Path, webhook: WebhookServer
              ) -> Iterator[Callable[[Any], tuple[SendService, WebhookServer]]]:
    """A send service with its outbox and running worker, posting reservations to a stock
    service on 127.0.0.1 that answers as told (``None``: the service is down)."""
    made: list[tuple[Outbox, OutboxWorker, SendService]] = []
    servers: list[WebhookServer] = []

    def build(answer: Any) -> tuple[SendService, WebhookServer]:
        stock = WebhookServer()
        stock.start()
        servers.append(stock)
        if answer is None:
            stock.stop()
        else:
            stock.default = answer
        config = local(demo_config, webhook, stock)
        outbox = Outbox(tmp_path / "outbox.sqlite3")
        worker = OutboxWorker(outbox, senders_from_config(config.store.handoff),
                              backoff_initial=0.05, backoff_max=0.2)
        service = SendService(config, Catalog.from_config(config), outbox, worker,
                              time.monotonic)
        worker.start()
        made.append((outbox, worker, service))
        return service, stock

    yield build
    for outbox, worker, service in made:
        service.close()
        worker.stop()
        outbox.close()
    for stock in servers:
        stock.stop()


def reserve_in_lyon(look: Look, demo_config: KioskConfig, service: SendService, locale: str,
                    clock: Callable[[], float]) -> ReserveSheet:
    sheet = ReserveSheet(PULSE_43, locale, look, Catalog.from_config(demo_config), service,
                         lambda: None, clock)
    assert texts(sheet, "place") == []
    press(sheet, "Lyon Part-Dieu")
    for digit in "0612345678":
        press(sheet, digit)
    press(sheet, "J'accepte" if locale == "fr" else "I agree")
    press(sheet, "Confirmer" if locale == "fr" else "Confirm")
    assert sheet.stage == "status"
    return sheet


@pytest.mark.parametrize(("locale", "heading", "lines"), [
    ("fr", "C'est réservé à Lyon Part-Dieu\u00a0!",
     ["Code de retrait : LY-7Q2K", "À retirer avant le 5 déc. 19:00"]),
    ("en", "Reserved at Lyon Part-Dieu!", ["Pick-up code: LY-7Q2K", "Collect it by 5 Dec 19:00"]),
])
def test_a_confirmed_reservation_shows_its_code_and_deadline(
        look: Look, demo_config: KioskConfig, reserving: Callable[..., Any], locale: str,
        heading: str, lines: list[str]) -> None:
    service, stock = reserving((201, {"code": "LY-7Q2K", "until": "2026-12-05T19:00:00"}))
    sheet = reserve_in_lyon(look, demo_config, service, locale, time.monotonic)
    wait_until(lambda: service.reservation(PULSE_43).state == "confirmed")
    assert texts(sheet, "notice") == [heading]
    assert texts(sheet, "code") == lines[:1]
    assert lines[1] in texts(sheet, "text")
    assert stock.received()[0].json()["store_id"] == "lyon-part-dieu"


@pytest.mark.parametrize(("answer", "heading", "said"), [
    ((409, {"error": "Plus de stock en magasin"}), "Plus de stock à Lyon Part-Dieu", None),
    ((422, {"error": "Trop d'articles demandés"}),
     "Lyon Part-Dieu n'a pas pu réserver cet article", "Motif : Trop d'articles demandés"),
])
def test_a_refusal_is_said_plainly(look: Look, demo_config: KioskConfig,
                                   reserving: Callable[..., Any], answer: Any, heading: str,
                                   said: str | None) -> None:
    service, _ = reserving(answer)
    sheet = reserve_in_lyon(look, demo_config, service, "fr", time.monotonic)
    wait_until(lambda: service.reservation(PULSE_43).state == "refused")
    (notice,) = [w for w in widgets(sheet) if w.role == "notice"]
    assert (notice.label, notice.text) == ("refused", heading)
    if said is not None:
        assert said in texts(sheet, "text")
    assert any("vendeur" in text for text in texts(sheet, "text"))


def test_while_the_service_is_down_it_waits_and_says_so(
        look: Look, demo_config: KioskConfig, reserving: Callable[..., Any]) -> None:
    service, _ = reserving(None)
    now = [100.0]
    sheet = reserve_in_lyon(look, demo_config, service, "fr", lambda: now[0])
    service.settle(5.0)
    first = sheet.layer(0, TODAY)
    assert sheet.layer(0, TODAY) is first  # nothing changed: not drawn again
    (notice,) = [w for w in first.widgets if w.role == "notice"]
    assert notice.label == "waiting" and "Lyon Part-Dieu" in notice.text
    assert not any("réseau" in text for text in texts(sheet, "text"))
    time.sleep(0.3)  # the worker tried and failed: still waiting
    now[0] += SLOW_S
    later = sheet.layer(0, TODAY)
    assert later is not first
    assert any("réseau" in text for text in texts(sheet, "text"))
    assert service.reservation(PULSE_43).state == "waiting"


def test_a_panel_reads_its_family_once_and_draws_only_on_change(
        look: Look, demo_config: KioskConfig, service: SendService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = Catalog.from_config(demo_config)
    calls: list[str] = []
    original = Catalog.variants

    def counted(self: Catalog, code: str) -> list[Any]:
        calls.append(code)
        return original(self, code)

    monkeypatch.setattr(Catalog, "variants", counted)
    chosen: list[str] = []
    panel = ProductPanel(PULSE_42, catalog.get(PULSE_42), "fr", look, catalog, send=service,
                         on_order=lambda origin, code: None,
                         on_reserve=lambda origin, code: None, on_variant=chosen.append)
    first = panel.layer(0, TODAY)
    assert all(panel.layer(0, TODAY) is first for _ in range(5))
    press(panel, "44")
    second = panel.layer(0, TODAY)
    assert second is not first and panel.layer(0, TODAY) is second
    assert chosen == ["03760000010153"]
    panel.select_tab("specs")
    panel.select_tab("overview")
    press(panel, "42")
    panel.layer(0, TODAY)
    assert panel.variant is None
    assert len(calls) == 1
