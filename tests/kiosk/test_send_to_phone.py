"""Send to phone, end to end: the send sheet in step-mode scenarios, the outbox, and real SMS
webhook and SMTP servers on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import cv2
import pytest
import zxingcpp

from kiosk.config import KioskConfig
from kiosk.config.handoff import SmsWebhook, SmtpEmail
from kiosk.handoff.outbox.store import Outbox
from tests.handoff.servers import SmtpServer, WebhookServer, wait_until
from tests.kiosk.scenarios import find, run, tree

TV = "3760000000017"
CLARA = "3760000000024"
TV_LINK = ("https://shop.example.com/p/3760000000017?utm_source=kiosk&utm_medium=smart-table"
           "&utm_campaign=paris-rivoli")


@pytest.fixture(autouse=True)
def sms_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider's token, from the environment as in production."""
    monkeypatch.setenv("KIOSK_TEST_SMS", "secret-token")


def local_handoff(config: KioskConfig, webhook: WebhookServer | None = None,
                  smtp: SmtpServer | None = None, **changes: Any) -> KioskConfig:
    """The demo store sending to the test's own servers (never to the Internet)."""
    handoff = config.store.handoff
    update: dict[str, Any] = {
        "sms": SmsWebhook(provider="webhook", url=webhook.url, token_env="KIOSK_TEST_SMS")
        if webhook else None,
        "email": SmtpEmail(provider="smtp", host="127.0.0.1", port=smtp.port, starttls=False,
                           sender="Maison Rivoli <no-reply@example.com>") if smtp else None,
        **changes}
    store = config.store.model_copy(update={"handoff": handoff.model_copy(update=update)})
    return dataclasses.replace(config, store=store)


def typed(text: str, within: str, at: float) -> list[dict[str, Any]]:
    """Tap each character of ``text`` on the sheet's keypad, 50 ms apart."""
    return [{"at": round(at + index * 0.05, 2), "tap": {"label": key, "within": within}}
            for index, key in enumerate(text)]


def test_a_shopper_sends_a_product_by_sms_and_the_provider_gets_the_link(
        demo_config: KioskConfig, tmp_path: Path, webhook: WebhookServer,
        caplog: pytest.LogCaptureFixture) -> None:
    config = local_handoff(demo_config, webhook)
    result = run(config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "tap": {"label": "Envoyer sur mon téléphone", "within": TV}},
        {"at": 0.6, "tap": {"label": "SMS", "within": TV}},
        *typed("0612345678", TV, 0.8),
        {"at": 1.5, "tap": {"label": "J'accepte", "within": TV}},
        {"at": 1.6, "tap": {"label": "Envoyer", "within": TV}},
        {"at": 1.8, "screenshot": "sent"},
        {"at": 2.5, "screenshot": "later"},
    ])
    assert result.ok, result.stats.errors
    wait_until(lambda: len(webhook.received()) == 1)
    (post,) = webhook.received()
    body = post.json()
    assert body["to"] == "+33612345678" and body["url"] == TV_LINK
    assert TV_LINK in body["text"] and "Téléviseur OLED Lumina Vista 55" in body["text"]
    assert post.headers["Authorization"] == "Bearer secret-token"
    (notice,) = find(tree(tmp_path, "sent"), role="notice")
    assert notice["label"] == "ok" and notice["text"].startswith("C'est parti")
    (field,) = find(tree(tmp_path, "sent"), role="input")
    assert field["text"] == ""
    outbox = Outbox(tmp_path / "data" / "outbox.sqlite3")
    try:
        wait_until(lambda: outbox.messages()[0].state == "sent")
        assert [m.recipient for m in outbox.messages()] == [None]
    finally:
        outbox.close()
    everything = caplog.text + "".join(p.read_text() for p in tmp_path.glob("*.json"))
    assert "612345678" not in everything and "secret-token" not in everything


def test_an_email_reaches_the_smtp_server(demo_config: KioskConfig, tmp_path: Path,
                                          smtp: SmtpServer) -> None:
    config = local_handoff(demo_config, smtp=smtp)
    result = run(config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "tap": {"label": "Envoyer sur mon téléphone"}},
        {"at": 0.6, "tap": {"label": "E-mail"}},
        *typed("claire", TV, 0.8),
        {"at": 1.2, "tap": {"label": "@", "within": TV}},
        *typed("example", TV, 1.3),
        {"at": 1.8, "tap": {"label": ".com", "within": TV}},
        {"at": 1.9, "tap": {"label": "J'accepte"}},
        {"at": 2.0, "tap": {"label": "Envoyer"}},
        {"at": 2.3, "screenshot": "sent"},
    ])
    assert result.ok, result.stats.errors
    wait_until(lambda: len(smtp.mails) == 1)
    (mail,) = smtp.mails
    assert mail.rcpt_tos == ["claire@example.com"]
    assert TV_LINK in mail.message.get_content()
    assert "Téléviseur OLED Lumina Vista 55" in mail.message["Subject"]


@pytest.mark.parametrize(("number", "message"), [
    ("0612", "Ce numéro n'est pas valide : tapez-le comme 06 12 34 56 78"),
    ("0123456789", "Un SMS ne part que vers un portable, comme 06 12 34 56 78"),
])
def test_a_bad_number_is_refused_with_a_clear_message_and_nothing_is_queued(
        demo_config: KioskConfig, tmp_path: Path, webhook: WebhookServer, number: str,
        message: str) -> None:
    result = run(local_handoff(demo_config, webhook), tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "tap": {"label": "Envoyer sur mon téléphone"}},
        {"at": 0.6, "tap": {"label": "SMS"}},
        *typed(number, TV, 0.8),
        {"at": 1.5, "tap": {"label": "J'accepte"}},
        {"at": 1.6, "tap": {"label": "Envoyer"}},
        {"at": 1.8, "screenshot": "refused"},
    ])
    assert result.ok, result.stats.errors
    (notice,) = find(tree(tmp_path, "refused"), role="notice")
    assert (notice["label"], notice["text"]) == ("error", message)
    outbox = Outbox(tmp_path / "data" / "outbox.sqlite3")
    try:
        assert outbox.messages() == []
    finally:
        outbox.close()


def test_without_consent_nothing_is_sent(demo_config: KioskConfig, tmp_path: Path,
                                         webhook: WebhookServer) -> None:
    result = run(local_handoff(demo_config, webhook), tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "tap": {"label": "Envoyer sur mon téléphone"}},
        {"at": 0.6, "tap": {"label": "SMS"}},
        *typed("0612345678", TV, 0.8),
        {"at": 1.6, "tap": {"label": "Envoyer"}},
        {"at": 1.8, "screenshot": "refused"},
    ])
    assert result.ok, result.stats.errors
    (notice,) = find(tree(tmp_path, "refused"), role="notice")
    assert notice["text"] == "Cochez « J'accepte » pour recevoir le lien"
    time.sleep(0.3)
    assert webhook.received() == []


def test_the_session_limit_stops_a_spammer(demo_config: KioskConfig, tmp_path: Path,
                                           webhook: WebhookServer) -> None:
    limits = demo_config.store.handoff.limits.model_copy(update={"per_session": 1})
    steps: list[dict[str, Any]] = [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.3, "tap": {"label": "Envoyer sur mon téléphone"}},
        {"at": 0.4, "tap": {"label": "SMS"}}]
    for attempt in range(2):
        start = 0.5 + attempt * 1.2
        steps += [*typed("0612345678", TV, start),
                  {"at": round(start + 0.6, 2), "tap": {"label": "J'accepte"}},
                  {"at": round(start + 0.7, 2), "tap": {"label": "Envoyer"}},
                  {"at": round(start + 0.9, 2), "screenshot": f"attempt-{attempt}"}]
    result = run(local_handoff(demo_config, webhook, limits=limits), tmp_path, steps)
    assert result.ok, result.stats.errors
    second = find(tree(tmp_path, "attempt-1"), role="notice")[0]
    assert second["label"] == "error" and "nombre d'envois" in second["text"]
    wait_until(lambda: len(webhook.received()) == 1)
    time.sleep(0.3)
    assert len(webhook.received()) == 1


@pytest.mark.parametrize("what", ["product", "selection"])
def test_the_qr_code_on_screen_decodes_to_exactly_the_link(demo_config: KioskConfig,
                                                           tmp_path: Path, what: str) -> None:
    steps: list[dict[str, Any]] = [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.22, "y": 0.72}},
        {"at": 0.15, "place": {"gtin": CLARA, "x": 0.8, "y": 0.25, "angle": 180}},
        {"at": 0.4, "tap": {"label": "Envoyer sur mon téléphone", "within": TV}}]
    if what == "selection":
        steps.append({"at": 0.5, "tap": {"label": "Ma sélection", "within": TV}})
    steps.append({"at": 0.7, "screenshot": "qr"})
    result = run(demo_config, tmp_path, steps)
    assert result.ok, result.stats.errors
    expected = TV_LINK if what == "product" else (
        "https://shop.example.com/list?items=3760000000017,3760000000024&utm_source=kiosk"
        "&utm_campaign=paris-rivoli")
    (qr,) = find(tree(tmp_path, "qr"), role="qr")
    assert qr["text"] == expected
    decoded = [code.text for code in zxingcpp.read_barcodes(cv2.imread(str(tmp_path / "qr.png")))
               if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert decoded == [expected]
    width = qr["rect"][2]
    assert width >= 300  # 8 px modules at least: about 19 cm on a 55" table, read from 40 cm


def test_the_nfc_choice_waits_for_a_phone_then_gives_up(demo_config: KioskConfig,
                                                        tmp_path: Path) -> None:
    config = local_handoff(demo_config, nfc_seconds=1.0)
    result = run(config, tmp_path, [
        {"at": 0.1, "place": {"gtin": TV, "x": 0.3, "y": 0.7}},
        {"at": 0.4, "tap": {"label": "Envoyer sur mon téléphone"}},
        {"at": 0.6, "tap": {"label": "NFC"}},
        {"at": 0.7, "tap": {"label": "Commencer"}},
        {"at": 0.8, "screenshot": "waiting"},
    ])
    assert result.ok, result.stats.errors
    (notice,) = find(tree(tmp_path, "waiting"), role="notice")
    assert notice["label"] == "waiting"


def test_kiosk_outbox_lists_masked_and_flush_delivers(store_copy: Path, tmp_path: Path,
                                                      webhook: WebhookServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    store = store_copy / "store.yaml"
    store.write_text(store.read_text(encoding="utf-8").replace(
        "https://sms.example.com/send", webhook.url).replace("KIOSK_SMS_TOKEN", "KIOSK_TEST_SMS"),
        encoding="utf-8")
    data = tmp_path / "data"
    outbox = Outbox(data / "outbox.sqlite3")
    outbox.enqueue("sms", "+33612345678", "Maison Rivoli", f"Maison Rivoli {TV_LINK}", TV_LINK)
    outbox.close()
    args = ["outbox", "--config", str(store_copy), "--data", str(data)]
    assert main([*args, "--json"]) == 1
    (listed,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert listed["state"] == "queued" and listed["url"] == TV_LINK
    assert "612345678" not in listed["to"] and listed["to"].endswith("78")
    assert main([*args, "--flush"]) == 0
    shown = capsys.readouterr().out
    assert "delivered 1 message(s)" in shown and "612345678" not in shown
    assert [post.json()["to"] for post in webhook.received()] == ["+33612345678"]
