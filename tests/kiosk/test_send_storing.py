"""Storing a message never holds up the frame loop: the outbox commit runs in a writer thread,
and the send sheet says "Envoi en cours…" until the message is on disk, or offers the QR code
when the disk refused it. The disk is made slow the way it is in a store: another process
(``kiosk outbox --flush``) holds the outbox's write lock."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.service import SendService
from kiosk.scenes.send_sheet import SendSheet
from kiosk.ui.images import ImageLoader
from kiosk.ui.look import Look
from kiosk.ui.text import TextRenderer
from kiosk.ui.theme import Theme
from tests.handoff.servers import WebhookServer, wait_until
from tests.kiosk.test_send_to_phone import TV, local_handoff

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    box = Outbox(tmp_path / "outbox.sqlite3")
    yield box
    box.close()


@pytest.fixture
def service(demo_config: KioskConfig, webhook: WebhookServer,
            outbox: Outbox) -> Iterator[SendService]:
    config = local_handoff(demo_config, webhook)
    made = SendService(config, Catalog.from_config(config), outbox, None, time.monotonic)
    yield made
    made.close()


@pytest.fixture
def sheet(demo_config: KioskConfig, service: SendService) -> Iterator[SendSheet]:
    store, fonts = demo_config.store, demo_config.media_dir
    images = ImageLoader(demo_config.media_dir)
    look = Look(Theme.from_config(demo_config, 1080),
                TextRenderer(fonts / store.theme.font, fonts / store.theme.font_bold), images,
                store.store.currency, store.locales)
    yield SendSheet(TV, "fr", look, Catalog.from_config(demo_config), service, lambda: None)
    images.close()


def locked(outbox: Outbox) -> sqlite3.Connection:
    """Another process's connection holding the outbox's write lock."""
    other = sqlite3.connect(outbox.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def tap(sheet: SendSheet, label: str) -> None:
    (widget,) = [w for w in sheet.layer(0, TODAY).widgets if w.label == label and w.on_tap]
    assert widget.on_tap is not None
    widget.on_tap()


def notice(sheet: SendSheet) -> tuple[str, str]:
    (found,) = [w for w in sheet.layer(0, TODAY).widgets if w.role == "notice"]
    return found.label, found.text


def fill_in(sheet: SendSheet) -> None:
    tap(sheet, "SMS")
    for key in "0612345678":
        tap(sheet, key)
    tap(sheet, "J'accepte")


def test_a_send_returns_while_the_outbox_is_locked_and_lands_once_it_is_free(
        service: SendService, outbox: Outbox) -> None:
    other = locked(outbox)
    try:
        result = service.send("sms", "06 12 34 56 78", (TV,), "fr")
        assert result.ok and result.written is not None
        time.sleep(0.2)
        assert not result.written.done(), "the commit waits for the lock, not the caller"
    finally:
        other.rollback()
        other.close()
    message_id = result.written.result(timeout=10)
    assert [(m.id, m.recipient) for m in outbox.messages()] == [(message_id, "+33612345678")]


def test_the_sheet_says_sending_until_the_message_is_on_disk(sheet: SendSheet,
                                                             outbox: Outbox) -> None:
    fill_in(sheet)
    other = locked(outbox)
    try:
        tap(sheet, "Envoyer")
        assert notice(sheet) == ("wait", "Envoi en cours…")
        time.sleep(0.2)
        assert notice(sheet) == ("wait", "Envoi en cours…")
    finally:
        other.rollback()
        other.close()
    wait_until(lambda: notice(sheet)[0] == "ok")
    assert notice(sheet)[1].startswith("C'est parti")
    assert len(outbox.messages()) == 1


def test_a_disk_that_refuses_the_message_sends_the_shopper_to_the_qr_code(
        sheet: SendSheet, outbox: Outbox, caplog: pytest.LogCaptureFixture) -> None:
    fill_in(sheet)
    outbox.close()  # what a failed disk leaves: every write raises
    tap(sheet, "Envoyer")
    wait_until(lambda: notice(sheet)[0] == "error")
    assert notice(sheet)[1].startswith("Désolé, l'envoi n'a pas pu être enregistré")
    assert "could not store a sms message" in caplog.text
    assert "612345678" not in caplog.text
