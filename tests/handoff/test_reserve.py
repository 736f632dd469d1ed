"""Reservations ("Reserve it") end to end: the send service queues the request in the real
outbox file, the worker posts it to a stock service on 127.0.0.1, the answer reaches the UI
through ``SendService.reservation`` and the shopper by SMS, and the number leaves the file.
The stock service is up, down, refusing, slow; processes are killed with -9 on the way."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.analytics.log import EventLog
from kiosk.analytics.usage import Usage
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.config.handoff import ReserveWebhook, SendLimits
from kiosk.handoff.contact import ContactError
from kiosk.handoff.outbox.senders import senders_from_config
from kiosk.handoff.outbox.store import Outbox, follow_up_id
from kiosk.handoff.outbox.worker import OutboxWorker
from kiosk.handoff.reserve import Place, Reservation
from kiosk.handoff.service import SendService
from tests.handoff.configs import PULSE_42_BLUE, PULSE_43_BLUE, TV, local
from tests.handoff.conftest import RESERVED
from tests.handoff.servers import WebhookServer, wait_until

PHONE = "+33612345678"
TYPED = "06 12 34 56 78"
HERE = "paris-rivoli"
LYON = "lyon-part-dieu"
CODE = RESERVED
WAIT_S = 10.0


class Kiosk:
    """A send service with its outbox file, worker and event log, as ``assemble`` builds them
    (the worker started or not)."""

    def __init__(self, config: KioskConfig, data: Path, start: bool = True) -> None:
        self.outbox = Outbox(data / "outbox.sqlite3")
        self.worker = OutboxWorker(self.outbox, senders_from_config(config.store.handoff),
                                   backoff_initial=0.05, backoff_max=0.2)
        self.events = EventLog(data / "events.sqlite3")
        self.usage = Usage(self.events)
        self.service = SendService(config, Catalog.from_config(config), self.outbox,
                                   self.worker, time.monotonic, None, self.usage)
        if start:
            self.worker.start()

    def state(self, code: str) -> Callable[[], bool]:
        return lambda: (found := self.service.reservation(code)) is not None and (
            found.state != "waiting")

    def close(self) -> None:
        self.service.close()
        self.worker.stop()
        self.events.close()
        self.outbox.close()


@pytest.fixture
def make(tmp_path: Path, demo_config: KioskConfig) -> Iterator[Callable[..., Kiosk]]:
    made: list[Kiosk] = []

    def build(sms: WebhookServer | None, stock: WebhookServer | None, start: bool = True,
              **changes: object) -> Kiosk:
        made.append(Kiosk(local(demo_config, sms, stock, **changes), tmp_path, start))
        return made[-1]

    yield build
    for kiosk in made:
        kiosk.close()


def on_disk(path: Path) -> bytes:
    """Every byte of the SQLite file and its journals."""
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-journal")
                    if Path(f"{path}{suffix}").exists())


def number_gone(path: Path) -> bool:
    raw = on_disk(path)
    return all(form.encode() not in raw for form in (PHONE, PHONE[1:], PHONE[3:]))


def test_a_confirmed_reservation_reaches_the_ui_and_the_shopper(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer) -> None:
    kiosk = make(webhook, stock)
    assert kiosk.service.reservation(PULSE_42_BLUE) is None
    result = kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr")
    assert (result.ok, result.key) == (True, "reserve.queued")
    assert kiosk.service.reservation(PULSE_42_BLUE) == Reservation("waiting", HERE, 1) or (
        kiosk.state(PULSE_42_BLUE)())
    assert result.written is not None
    message_id = result.written.result(WAIT_S)
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    found = kiosk.service.reservation(PULSE_42_BLUE)
    assert found == Reservation("confirmed", HERE, 1, "R-7Q2K", "2026-12-05T19:00:00")
    assert found is not None and found.until_text("fr") == "5 déc. 19:00"
    assert kiosk.service.reservation("3760000000017") is None  # another product: none
    (post,) = stock.received()
    assert post.json() == {"gtin": PULSE_42_BLUE, "store_id": HERE, "quantity": 1, "to": PHONE,
                           "locale": "fr", "idempotency_key": message_id}
    assert post.headers["Idempotency-Key"] == message_id
    wait_until(lambda: len(webhook.received()) == 1, WAIT_S)
    sms = webhook.received()[0].json()
    assert sms["to"] == PHONE and sms["idempotency_key"] == follow_up_id(message_id)
    assert sms["text"] == ("Maison Rivoli : Chaussures de running Trevia Pulse 3 (42, Bleu) "
                           "vous attend à Maison Rivoli. Code de réservation : R-7Q2K. À "
                           "retirer avant le 5 déc. 19:00.")
    wait_until(lambda: not kiosk.outbox.messages(include_done=False), WAIT_S)
    reserve, answer = kiosk.outbox.messages()
    assert (reserve.channel, reserve.state, reserve.recipient) == ("reserve", "sent", None)
    assert reserve.answer == {"code": "R-7Q2K", "until": "2026-12-05T19:00:00"}
    assert (answer.channel, answer.parent, answer.state, answer.recipient) == (
        "sms", message_id, "sent", None)
    assert number_gone(kiosk.outbox.path)


def test_another_store_in_english_and_two_of_them(make: Callable[..., Kiosk],
                                                  webhook: WebhookServer,
                                                  stock: WebhookServer) -> None:
    stock.answer((200, {"code": "LY-1", "until": "2026-12-07"}))
    kiosk = make(webhook, stock)
    assert kiosk.service.reserve("+33 7 00 00 00 01", PULSE_43_BLUE, LYON, 2, "en").ok
    wait_until(lambda: len(webhook.received()) == 1, WAIT_S)
    assert stock.received()[0].json()["store_id"] == LYON
    assert stock.received()[0].json()["quantity"] == 2
    assert webhook.received()[0].json()["text"] == (
        "Maison Rivoli: Trevia Pulse 3 Road Running Shoes (43, Blue) (×2) is waiting for you at "
        "Lyon Part-Dieu. Reservation code: LY-1. Collect it by 7 Dec.")


def test_down_it_waits_in_the_outbox_and_goes_when_the_service_is_back(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer) -> None:
    stock.stop()
    kiosk = make(webhook, stock)
    result = kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr")
    assert result.written is not None
    message_id = result.written.result(WAIT_S)
    wait_until(lambda: kiosk.outbox.messages()[0].attempts >= 3, WAIT_S)
    (waiting,) = kiosk.outbox.messages()
    assert waiting.state == "queued" and "unreachable" in waiting.last_error
    assert waiting.recipient == PHONE  # kept while it may still go
    assert not number_gone(kiosk.outbox.path)  # (and the check does see it)
    assert kiosk.service.reservation(PULSE_42_BLUE) == Reservation("waiting", HERE, 1)
    assert webhook.received() == []
    stock.start()
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    assert kiosk.service.reservation(PULSE_42_BLUE).state == "confirmed"  # type: ignore[union-attr]
    wait_until(lambda: len(webhook.received()) == 1, WAIT_S)
    time.sleep(0.3)  # longer than the largest backoff: a second send would happen now
    assert [post.json()["idempotency_key"] for post in stock.received()] == [message_id]
    assert len(webhook.received()) == 1
    wait_until(lambda: number_gone(kiosk.outbox.path), WAIT_S)


def test_a_refusal_keeps_the_reason_and_tells_the_shopper(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer) -> None:
    stock.answer((409, {"error": "Plus de stock en magasin"}))
    kiosk = make(webhook, stock)
    assert kiosk.service.reserve(TYPED, PULSE_43_BLUE, LYON, 1, "fr").ok
    wait_until(kiosk.state(PULSE_43_BLUE), WAIT_S)
    assert kiosk.service.reservation(PULSE_43_BLUE) == Reservation(
        "refused", LYON, 1, reason="Plus de stock en magasin")
    wait_until(lambda: len(webhook.received()) == 1, WAIT_S)
    assert webhook.received()[0].json()["text"] == (
        "Maison Rivoli : désolé, Chaussures de running Trevia Pulse 3 (43, Bleu) n'a pas pu être "
        "réservé à Lyon Part-Dieu. Motif : Plus de stock en magasin.")
    time.sleep(0.3)
    assert len(stock.received()) == 1  # a refusal is not tried again
    wait_until(lambda: not kiosk.outbox.messages(include_done=False), WAIT_S)
    reserve = kiosk.outbox.messages()[0]
    assert (reserve.state, reserve.recipient, reserve.last_error) == (
        "failed", None, "reservation refused (409)")
    assert number_gone(kiosk.outbox.path)


def test_a_refusal_quoting_the_number_leaves_no_trace_of_it(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer) -> None:
    stock.answer((422, {"reason": f"{PHONE} is blocked\x1b[31m", "error": 42}))
    kiosk = make(webhook, stock)
    assert kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr").ok
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    found = kiosk.service.reservation(PULSE_42_BLUE)
    assert found is not None and found.state == "refused"
    assert found.reason == "42"  # "error" first; numbers are text too
    stock.answer((422, {"reason": f"{PHONE} is blocked\x1b[31m"}))
    assert kiosk.service.reserve(TYPED, PULSE_43_BLUE, LYON, 1, "fr").ok
    wait_until(kiosk.state(PULSE_43_BLUE), WAIT_S)
    assert kiosk.service.reservation(PULSE_43_BLUE).reason == "••• is blocked [31m"  # type: ignore[union-attr]
    wait_until(lambda: len(webhook.received()) == 2, WAIT_S)
    wait_until(lambda: not kiosk.outbox.messages(include_done=False), WAIT_S)
    assert number_gone(kiosk.outbox.path)


def test_a_slow_service_times_out_and_is_tried_again(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer,
        demo_config: KioskConfig) -> None:
    stock.answer("timeout")
    kiosk = make(webhook, stock, reserve=ReserveWebhook(provider="webhook", url=stock.url,
                                                        timeout_s=0.3))
    started = time.monotonic()
    result = kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr")
    assert time.monotonic() - started < 0.5  # never waits on the network
    assert result.written is not None
    message_id = result.written.result(WAIT_S)
    assert kiosk.service.reservation(PULSE_42_BLUE).state == "waiting"  # type: ignore[union-attr]
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    assert kiosk.service.reservation(PULSE_42_BLUE).code == "R-7Q2K"  # type: ignore[union-attr]
    assert [post.json()["idempotency_key"] for post in stock.received()] == [message_id] * 2
    reserve = next(m for m in kiosk.outbox.messages() if m.id == message_id)
    assert reserve.attempts == 2


def test_an_answer_without_a_usable_body_is_still_a_reservation(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer) -> None:
    stock.answer("garbage")
    kiosk = make(webhook, stock)
    assert kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr").ok
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    assert kiosk.service.reservation(PULSE_42_BLUE) == Reservation("confirmed", HERE, 1)
    wait_until(lambda: len(webhook.received()) == 1, WAIT_S)
    assert webhook.received()[0].json()["text"].endswith("vous attend à Maison Rivoli.")


def test_a_missing_token_gives_up_and_still_tells_the_shopper(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer,
        demo_config: KioskConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_TEST_RESERVE", raising=False)
    kiosk = make(webhook, stock, reserve=ReserveWebhook(provider="webhook", url=stock.url,
                                                        token_env="KIOSK_TEST_RESERVE"))
    assert kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr").ok
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    assert kiosk.service.reservation(PULSE_42_BLUE) == Reservation(
        "failed", HERE, 1, reason="KIOSK_TEST_RESERVE is not set")
    assert stock.received() == []
    wait_until(lambda: len(webhook.received()) == 1, WAIT_S)
    assert "n'a pas pu être réservé" in webhook.received()[0].json()["text"]


def test_a_request_the_disk_refuses_is_failed_not_stored(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer) -> None:
    kiosk = make(webhook, stock, start=False)
    kiosk.outbox.close()
    result = kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr")
    assert result.ok and result.written is not None
    with pytest.raises(sqlite3.Error):
        result.written.result(WAIT_S)
    assert kiosk.service.reservation(PULSE_42_BLUE) == Reservation(
        "failed", HERE, 1, reason="not_stored")


def test_what_is_refused_before_anything_is_queued(make: Callable[..., Kiosk],
                                                   webhook: WebhookServer,
                                                   stock: WebhookServer) -> None:
    kiosk = make(webhook, stock, start=False, limits=SendLimits(per_session=2))
    service = kiosk.service
    with pytest.raises(ContactError):
        service.reserve("01 23 45 67 89", PULSE_42_BLUE, HERE, 1, "fr")  # not a mobile
    for store_id, quantity in [("marseille", 1), (HERE, 0), (HERE, 3)]:
        assert service.reserve(TYPED, PULSE_42_BLUE, store_id, quantity, "fr").key == (
            "reserve.unavailable")
    assert service.reserve(TYPED, "3017620422003", HERE, 1, "fr").key == "reserve.unavailable"
    assert kiosk.outbox.messages() == []
    assert service.reserve(TYPED, PULSE_42_BLUE, HERE, 2, "fr").ok
    assert service.send("sms", TYPED, (TV,), "fr").ok  # reservations and SMS share the limit
    assert service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr").key == "send.limit_session"
    service.end_session()
    assert service.reservation(PULSE_42_BLUE) is None  # the next shopper sees nothing
    assert service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr").ok


def test_reservations_off_without_the_service_or_sms(make: Callable[..., Kiosk],
                                                     webhook: WebhookServer,
                                                     stock: WebhookServer) -> None:
    for sms, reserve in [(webhook, None), (None, stock)]:
        service = make(sms, reserve, start=False).service
        assert not service.can_reserve
        assert service.reserve_places(PULSE_42_BLUE) == ()
        assert service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr").key == "reserve.unavailable"


def test_where_a_product_can_be_reserved(make: Callable[..., Kiosk], webhook: WebhookServer,
                                         stock: WebhookServer) -> None:
    service = make(webhook, stock, start=False).service
    assert service.can_reserve
    assert service.reserve_places(PULSE_42_BLUE) == (
        Place(HERE, "Maison Rivoli", 14, True), Place(LYON, "Lyon Part-Dieu", 9, False),
        Place("bordeaux-sainte-catherine", "Bordeaux Sainte-Catherine", 5, False))
    assert service.reserve_places(PULSE_43_BLUE) == (Place(LYON, "Lyon Part-Dieu", 2, False),)
    assert service.reserve_places("3017620422003") == ()
    shown = service._catalog.get(PULSE_42_BLUE)
    assert shown is not None
    availability = shown.availability.model_copy(update={
        "in_store": shown.availability.in_store.model_copy(update={"stock": 0})})
    live = shown.model_copy(update={"availability": availability})  # what the panel shows
    assert [place.store_id for place in service.reserve_places(PULSE_42_BLUE, live)] == [
        LYON, "bordeaux-sainte-catherine"]


def test_the_event_log_says_reserved_never_the_number(make: Callable[..., Kiosk],
                                                      webhook: WebhookServer,
                                                      stock: WebhookServer) -> None:
    kiosk = make(webhook, stock)
    kiosk.usage.placed(PULSE_42_BLUE)
    result = kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr")
    assert result.written is not None
    result.written.result(WAIT_S)
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    assert kiosk.events.flush(WAIT_S)
    with sqlite3.connect(kiosk.events.path) as conn:
        rows = conn.execute("SELECT kind, gtin, value FROM events WHERE kind = 'reserved'"
                            ).fetchall()
        everything = " ".join(str(value) for row in conn.execute("SELECT * FROM events")
                              for value in row)
    assert rows == [("reserved", "0" + PULSE_42_BLUE, "sms")]
    assert "612345678" not in everything and "R-7Q2K" not in everything


def test_a_locked_outbox_never_holds_up_the_frame_loop(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer) -> None:
    kiosk = make(webhook, stock)
    other = sqlite3.connect(kiosk.outbox.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as ``kiosk outbox --flush`` in another process does
    try:
        started = time.monotonic()
        result = kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr")
        for _ in range(10):  # frames polling the state
            assert kiosk.service.reservation(PULSE_42_BLUE) == Reservation("waiting", HERE, 1)
        assert time.monotonic() - started < 0.5
        assert result.written is not None and not result.written.done()
    finally:
        other.execute("ROLLBACK")
        other.close()
    wait_until(kiosk.state(PULSE_42_BLUE), WAIT_S)
    assert kiosk.service.reservation(PULSE_42_BLUE).state == "confirmed"  # type: ignore[union-attr]


def test_logs_never_name_the_number_or_the_reservation_code(
        make: Callable[..., Kiosk], webhook: WebhookServer, stock: WebhookServer,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stock.answer((201, CODE), 500, (409, {"error": f"no stock for {PHONE}"}))
    kiosk = make(webhook, stock)
    assert kiosk.service.reserve(TYPED, PULSE_42_BLUE, HERE, 1, "fr").ok
    assert kiosk.service.reserve(TYPED, PULSE_43_BLUE, LYON, 1, "fr").ok
    wait_until(lambda: kiosk.state(PULSE_42_BLUE)() and kiosk.state(PULSE_43_BLUE)(), WAIT_S)
    wait_until(lambda: len(webhook.received()) == 2, WAIT_S)
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "queued reservation" in text and "given up" in text  # the logs do speak
    for secret in (PHONE, PHONE[1:], PHONE[3:], "R-7Q2K", "no stock"):
        assert secret not in text
