"""The SMS webhook and SMTP senders against real servers on 127.0.0.1: what they send, and
how every answer (or silence) maps onto a temporary or permanent failure."""

from __future__ import annotations

import json
import time

import pytest

from kiosk.config.handoff import Handoff, ReserveWebhook, SmsWebhook, SmtpEmail
from kiosk.handoff.outbox.senders import (
    Refused,
    ReserveSender,
    SmtpSender,
    WebhookSender,
    senders_from_config,
)
from kiosk.handoff.outbox.store import Message
from kiosk.ops.delivery import PermanentFailure, TemporaryFailure
from tests.handoff.servers import SmtpServer, WebhookServer, free_port

PHONE = "+33612345678"
EMAIL = "claire@example.com"
TOKEN_ENV = "KIOSK_TEST_SMS_TOKEN"
URL = "https://shop.example.com/p/3017620422003"


def message(recipient: str | None = PHONE, channel: str = "sms") -> Message:
    return Message(id="0123456789abcdef0123456789abcdef", channel=channel, recipient=recipient,
                   subject="Maison Rivoli : Nutella 1 kg", text=f"Voici le lien : {URL}", url=URL,
                   created_at=0.0, attempts=0, next_try_at=0.0, state="queued", last_error="")


def sms(server: WebhookServer, token_env: str | None = TOKEN_ENV,
        timeout_s: float = 2.0) -> WebhookSender:
    return WebhookSender(SmsWebhook(provider="webhook", url=server.url, token_env=token_env,
                                    timeout_s=timeout_s))


def email(port: int, **overrides: object) -> SmtpSender:
    fields: dict[str, object] = {"provider": "smtp", "host": "127.0.0.1", "port": port,
                                 "starttls": False, "sender": "Maison Rivoli <shop@example.com>",
                                 "timeout_s": 2.0}
    return SmtpSender(SmtpEmail(**{**fields, **overrides}))


# -- webhook -----------------------------------------------------------------------------


def test_webhook_posts_exactly_the_fields_with_the_token(webhook: WebhookServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "s3cret-token")
    sms(webhook).send(message())
    (post,) = webhook.received()
    assert post.path == "/send"
    assert post.json() == {"to": PHONE, "text": f"Voici le lien : {URL}", "url": URL,
                           "idempotency_key": "0123456789abcdef0123456789abcdef"}
    assert post.headers["Authorization"] == "Bearer s3cret-token"
    assert post.headers["Content-Type"] == "application/json"


def test_the_token_is_read_when_sending(webhook: WebhookServer,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    sender = sms(webhook)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(PermanentFailure, match=f"{TOKEN_ENV} is not set"):
        sender.send(message())
    assert webhook.received() == []
    monkeypatch.setenv(TOKEN_ENV, "late-token")
    sender.send(message())
    assert webhook.received()[0].headers["Authorization"] == "Bearer late-token"


def test_no_token_configured_sends_no_authorization(webhook: WebhookServer) -> None:
    sms(webhook, token_env=None).send(message())
    assert "Authorization" not in webhook.received()[0].headers


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
def test_server_trouble_is_temporary(webhook: WebhookServer, status: int) -> None:
    webhook.answer(status)
    with pytest.raises(TemporaryFailure, match=str(status)):
        sms(webhook, token_env=None).send(message())


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a_refusal_is_permanent(webhook: WebhookServer, status: int) -> None:
    webhook.answer(status)
    with pytest.raises(PermanentFailure, match=str(status)):
        sms(webhook, token_env=None).send(message())


def test_a_redirect_is_not_followed(webhook: WebhookServer) -> None:
    webhook.answer(302)
    with pytest.raises(TemporaryFailure, match="302"):
        sms(webhook, token_env=None).send(message())
    assert len(webhook.received()) == 1


@pytest.mark.parametrize("answer", ["garbage", "huge"])
def test_a_strange_body_with_200_is_a_delivery(webhook: WebhookServer, answer: str) -> None:
    webhook.answer(answer)
    started = time.monotonic()
    sms(webhook, token_env=None).send(message())
    assert time.monotonic() - started < 2.0  # the 64 MiB body is not read


def test_a_reply_that_is_not_http_is_temporary(webhook: WebhookServer) -> None:
    webhook.answer("nonsense")
    with pytest.raises(TemporaryFailure):
        sms(webhook, token_env=None).send(message())


def test_a_server_that_never_answers_times_out(webhook: WebhookServer) -> None:
    webhook.answer("timeout")
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match="timed out"):
        sms(webhook, token_env=None, timeout_s=0.5).send(message())
    assert time.monotonic() - started < 2.0


def test_a_server_that_is_down_is_temporary(webhook: WebhookServer) -> None:
    webhook.stop()
    with pytest.raises(TemporaryFailure, match="unreachable"):
        sms(webhook, token_env=None).send(message())


def test_an_erased_recipient_is_never_sent(webhook: WebhookServer) -> None:
    with pytest.raises(PermanentFailure):
        sms(webhook, token_env=None).send(message(recipient=None))
    assert webhook.received() == []


# -- SMTP --------------------------------------------------------------------------------


def test_smtp_delivers_the_mail(smtp: SmtpServer) -> None:
    email(smtp.port).send(message(EMAIL, "email"))
    (mail,) = smtp.mails
    assert mail.rcpt_tos == [EMAIL] and mail.mail_from == "shop@example.com"
    assert mail.message["To"] == EMAIL
    assert mail.message["From"] == "Maison Rivoli <shop@example.com>"
    assert mail.message["Subject"] == "Maison Rivoli : Nutella 1 kg"
    assert mail.message["Message-ID"] == "<0123456789abcdef0123456789abcdef@example.com>"
    assert URL in mail.message.get_content()


def test_smtp_logs_in_with_the_secrets_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    server = SmtpServer(credentials=("kiosk", "pa55"))
    server.start()
    try:
        monkeypatch.setenv("KIOSK_SMTP_USER", "kiosk")
        monkeypatch.setenv("KIOSK_SMTP_PASSWORD", "wrong")
        sender = email(server.port, username_env="KIOSK_SMTP_USER",
                       password_env="KIOSK_SMTP_PASSWORD")
        with pytest.raises(TemporaryFailure, match="login"):
            sender.send(message(EMAIL, "email"))
        monkeypatch.setenv("KIOSK_SMTP_PASSWORD", "pa55")
        sender.send(message(EMAIL, "email"))
        assert server.logins == ["kiosk"] and len(server.mails) == 1
    finally:
        server.stop()


def test_smtp_without_the_password_is_permanent(smtp: SmtpServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_SMTP_USER", "kiosk")
    monkeypatch.delenv("KIOSK_SMTP_PASSWORD", raising=False)
    sender = email(smtp.port, username_env="KIOSK_SMTP_USER", password_env="KIOSK_SMTP_PASSWORD")
    with pytest.raises(PermanentFailure, match=r"^KIOSK_SMTP_PASSWORD is not set$"):
        sender.send(message(EMAIL, "email"))
    assert smtp.mails == []


@pytest.mark.parametrize(("reply", "failure"), [
    ("550 5.1.1 no such mailbox", PermanentFailure),
    ("450 4.2.1 mailbox busy, try later", TemporaryFailure),
])
def test_smtp_recipient_refusals(smtp: SmtpServer, reply: str,
                                 failure: type[Exception]) -> None:
    smtp.handler.refuse[EMAIL] = reply
    with pytest.raises(failure, match=reply[:3]) as raised:
        email(smtp.port).send(message(EMAIL, "email"))
    assert EMAIL not in str(raised.value)
    assert smtp.mails == []


def test_smtp_server_down_is_temporary() -> None:
    with pytest.raises(TemporaryFailure, match="unreachable"):
        email(free_port()).send(message(EMAIL, "email"))


def test_starttls_refused_by_the_server_is_temporary(smtp: SmtpServer) -> None:
    with pytest.raises(TemporaryFailure):
        email(smtp.port, starttls=True).send(message(EMAIL, "email"))
    assert smtp.mails == []


def test_a_header_injection_is_refused(smtp: SmtpServer) -> None:
    with pytest.raises(PermanentFailure):
        email(smtp.port).send(message(f"{EMAIL}\r\nBcc: all@example.com", "email"))
    assert smtp.mails == []


# -- config ------------------------------------------------------------------------------


def test_senders_only_for_configured_channels() -> None:
    hook = SmsWebhook(provider="webhook", url="https://sms.example.com/send")
    mail = SmtpEmail(provider="smtp", host="smtp.example.com", sender="s <s@example.com>")
    link = "https://shop.example.com/p/{gtin}"
    assert senders_from_config(Handoff(product_url=link)) == {}
    only_sms = senders_from_config(Handoff(product_url=link, sms=hook))
    assert set(only_sms) == {"sms"} and isinstance(only_sms["sms"], WebhookSender)
    both = senders_from_config(Handoff(product_url=link, sms=hook, email=mail))
    assert isinstance(both["email"], SmtpSender) and set(both) == {"sms", "email"}
    stock = ReserveWebhook(provider="webhook", url="https://stock.example.com/r")
    all_three = senders_from_config(Handoff(product_url=link, sms=hook, reserve=stock))
    assert set(all_three) == {"sms", "reserve"} and isinstance(all_three["reserve"],
                                                               ReserveSender)


# -- reservations --------------------------------------------------------------------------

RESERVATION = {"gtin": "3760000000093", "store_id": "paris-rivoli", "quantity": 1,
               "locale": "en", "what": "Trevia Pulse 3 (42, Blue)", "where": "Maison Rivoli",
               "store": "Maison Rivoli"}


def reservation() -> Message:
    return Message(id="fedcba9876543210fedcba9876543210", channel="reserve", recipient=PHONE,
                   subject="", text="", url=URL, created_at=0.0, attempts=0, next_try_at=0.0,
                   state="queued", last_error="", payload=json.dumps(RESERVATION))


def reserve(server: WebhookServer, token_env: str | None = None,
            timeout_s: float = 2.0) -> ReserveSender:
    return ReserveSender(ReserveWebhook(provider="webhook", url=server.url, token_env=token_env,
                                        timeout_s=timeout_s))


def test_reserve_posts_the_request_with_the_token(webhook: WebhookServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "s3cret")
    webhook.answer((201, {"code": "R-1", "until": "2026-12-05", "extra": [1, 2]}))
    answer = reserve(webhook, TOKEN_ENV).send(reservation())
    (post,) = webhook.received()
    assert post.json() == {"gtin": "3760000000093", "store_id": "paris-rivoli", "quantity": 1,
                           "to": PHONE, "locale": "en",
                           "idempotency_key": "fedcba9876543210fedcba9876543210"}
    assert post.headers["Authorization"] == "Bearer s3cret"
    assert answer.reply == {"code": "R-1", "until": "2026-12-05"}
    assert answer.follow_up is not None and answer.follow_up.text == (
        "Maison Rivoli: Trevia Pulse 3 (42, Blue) is waiting for you at Maison Rivoli. "
        "Reservation code: R-1. Collect it by 5 Dec.")


@pytest.mark.parametrize(("body", "reply"), [
    ({"code": "R\u202e-1\n\x00", "until": "tomorrow"}, {"code": "R -1", "until": "tomorrow"}),
    ({"code": "X" * 500}, {"code": "X" * 40}),
    ({"code": ["R-1"], "until": {"a": 1}}, {}),
    ([1, 2, 3], {}),
    (b"", {}),
])
def test_whatever_the_answer_holds_only_short_text_is_kept(webhook: WebhookServer,
                                                           body: object,
                                                           reply: dict[str, str]) -> None:
    webhook.answer((200, body))
    assert reserve(webhook).send(reservation()).reply == reply


@pytest.mark.parametrize("answer", ["garbage", "huge"])
def test_a_strange_body_with_200_is_a_reservation_without_code(webhook: WebhookServer,
                                                                answer: str) -> None:
    webhook.answer(answer)
    started = time.monotonic()
    assert reserve(webhook).send(reservation()).reply == {}
    assert time.monotonic() - started < 2.0  # the 64 MiB body is not read


@pytest.mark.parametrize("answer", [500, 503, 429, 408, 302, "nonsense"])
def test_reserve_trouble_is_temporary(webhook: WebhookServer, answer: int | str) -> None:
    webhook.answer(answer)
    with pytest.raises(TemporaryFailure):
        reserve(webhook).send(reservation())


def test_a_silent_stock_service_times_out(webhook: WebhookServer) -> None:
    webhook.answer("timeout")
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match="timed out"):
        reserve(webhook, timeout_s=0.3).send(reservation())
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(("body", "reason"), [
    ({"error": "Out of stock"}, "Out of stock"),
    ({"message": "Store closed"}, "Store closed"),
    ({"error": ""}, None),
    (b"<html>Not found</html>", None),
])
def test_a_4xx_is_a_refusal_with_its_reason(webhook: WebhookServer, body: object,
                                            reason: str | None) -> None:
    webhook.answer((404, body))
    with pytest.raises(Refused) as refused:
        reserve(webhook).send(reservation())
    assert refused.value.reply == ({"reason": reason} if reason else {})
    assert refused.value.follow_up is not None
    assert refused.value.follow_up.text.startswith(
        "Maison Rivoli: sorry, Trevia Pulse 3 (42, Blue) could not be reserved at Maison Rivoli.")
    assert (f" Reason: {reason}." in refused.value.follow_up.text) == bool(reason)
