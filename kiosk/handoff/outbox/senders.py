"""How a queued message reaches a phone: the store's SMS webhook, or its SMTP server; and how
a reservation request reaches the store's stock system.

A sender either returns (the provider accepted the message) or raises one of two failures,
whatever the network or the provider does: ``TemporaryFailure`` (try again later) or
``PermanentFailure`` (it will never work; the worker gives up and erases the recipient). Their
texts are short and written here, never copied from a library's exception, which may quote the
recipient, the URL (with a token in it) or a password. Secrets are read from the environment
variables the config names, at send time, so a fixed variable takes effect without a restart.

A reservation's sender is the one that reads an answer: a small JSON body (a code and a
deadline, or a refusal's reason), each field checked and cut short, since it ends up in an SMS
and on the screen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate, parseaddr
from typing import TYPE_CHECKING, Protocol

from kiosk.handoff.outbox.store import FollowUp, Message
from kiosk.handoff.reserve import (
    CODE_CHARS,
    REASON_CHARS,
    UNTIL_CHARS,
    clean,
    confirmed_text,
    refused_text,
)
from kiosk.ops.delivery import PermanentFailure, TemporaryFailure, post_json, post_json_reply

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

    from kiosk.config.handoff import Handoff, ReserveWebhook, SmsWebhook, SmtpEmail


@dataclass(frozen=True)
class Delivered:
    """What a provider answered besides "accepted": kept with the message (``reply``), and an
    SMS to send to the same recipient (``follow_up``)."""

    reply: dict[str, str] = field(default_factory=dict)
    follow_up: FollowUp | None = None


class GivenUp(PermanentFailure):
    """A permanent failure that still answers the recipient: the ``follow_up`` SMS tells the
    shopper, ``reply`` keeps what the provider said."""

    def __init__(self, text: str, reply: dict[str, str], follow_up: FollowUp | None) -> None:
        super().__init__(text)
        self.reply = reply
        self.follow_up = follow_up


class Refused(GivenUp):
    """The provider answered and said no (a 4xx): the reservation is refused, not failed."""


class Sender(Protocol):
    """Delivers one message or raises TemporaryFailure / PermanentFailure."""

    def send(self, message: Message) -> Delivered | None:
        """Hand the message to the provider; return only once it has accepted it."""


def _secret(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise PermanentFailure(f"{name} is not set")
    return value


def _recipient(message: Message) -> str:
    if not message.recipient:
        raise PermanentFailure("the recipient has already been erased")
    return message.recipient


class WebhookSender:
    """SMS through the store's provider: a JSON POST, the message id as idempotency key so
    the provider can drop a duplicate. Redirects are not followed (the token must not travel
    elsewhere) and the response body is never read (a hostile one cannot hurt)."""

    def __init__(self, config: SmsWebhook, environ: Mapping[str, str] = os.environ) -> None:
        self._config = config
        self._environ = environ

    def send(self, message: Message) -> None:
        """POST the message; a 2xx answer means the provider has it."""
        payload = {"to": _recipient(message), "text": message.text, "url": message.url,
                   "idempotency_key": message.id}
        headers = {"Idempotency-Key": message.id}
        if self._config.token_env:
            headers["Authorization"] = f"Bearer {_secret(self._environ, self._config.token_env)}"
        status = post_json(self._config.url, payload, headers, self._config.timeout_s, "webhook")
        if 200 <= status < 300:
            return
        if status in (408, 429) or status >= 500:
            raise TemporaryFailure(f"webhook answered {status}")
        if 400 <= status < 500:
            raise PermanentFailure(f"webhook refused the message ({status})")
        # 1xx/3xx: not an answer we can act on; a captive portal or a move, maybe temporary.
        raise TemporaryFailure(f"webhook answered {status} (redirects are not followed)")


class SmtpSender:
    """E-mail through the store's SMTP server. The Message-ID is derived from the message id,
    so a copy sent twice (see the worker's note) is recognisably the same mail."""

    def __init__(self, config: SmtpEmail, environ: Mapping[str, str] = os.environ) -> None:
        self._config = config
        self._environ = environ

    def send(self, message: Message) -> None:
        """Connect, STARTTLS and log in as configured, and send; return once accepted.
        smtplib (and its TLS) is imported here: a store without e-mail never loads it."""
        import smtplib

        config = self._config
        credentials: tuple[str, str] | None = None
        if config.username_env:
            user = _secret(self._environ, config.username_env)
            if not config.password_env:
                raise PermanentFailure("password_env is not configured")
            credentials = (user, _secret(self._environ, config.password_env))
        mail = self._compose(message)
        try:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_s)
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"SMTP server unreachable ({type(exc).__name__})") from None
        try:
            self._deliver(smtp, mail, credentials)
        except BaseException:
            smtp.close()  # no polite QUIT: after a timeout it would wait as long again
            raise
        try:
            smtp.quit()  # after an accepted DATA, a failing QUIT changes nothing
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _compose(self, message: Message) -> EmailMessage:
        from email.message import EmailMessage

        recipient = _recipient(message)
        domain = parseaddr(self._config.sender)[1].rpartition("@")[2] or "kiosk.invalid"
        try:
            mail = EmailMessage()
            mail["From"] = self._config.sender
            mail["To"] = recipient
            mail["Subject"] = message.subject
            mail["Date"] = formatdate(localtime=True)
            mail["Message-ID"] = f"<{message.id}@{domain}>"
            mail.set_content(message.text)
            if message.attachment is not None:
                maintype, subtype = _content_type(message.attachment_name)
                mail.add_attachment(message.attachment, maintype=maintype, subtype=subtype,
                                    filename=message.attachment_name)
        except (ValueError, TypeError) as exc:
            raise PermanentFailure(f"cannot write the e-mail ({type(exc).__name__})") from None
        return mail

    def _deliver(self, smtp: smtplib.SMTP, mail: EmailMessage,
                 credentials: tuple[str, str] | None) -> None:
        import smtplib
        import ssl

        try:
            if self._config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if credentials is not None:
                smtp.login(*credentials)
            smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            shown = ",".join(str(code) for code in codes)
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"SMTP server refused the recipient ({shown})") from None
            raise TemporaryFailure(f"SMTP server deferred the recipient ({shown})") from None
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure(f"SMTP server refused the message ({exc.smtp_code})"
                                       ) from None
            raise TemporaryFailure(f"SMTP server deferred the message ({exc.smtp_code})"
                                   ) from None
        except smtplib.SMTPAuthenticationError as exc:
            # Staff can fix the credentials; until the message expires, keep it.
            raise TemporaryFailure(f"SMTP login refused ({exc.smtp_code})") from None
        except smtplib.SMTPResponseException as exc:
            raise TemporaryFailure(f"SMTP server answered {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            raise TemporaryFailure(f"SMTP failed ({type(exc).__name__})") from None


class ReserveSender:
    """Reservations through the store's stock system: a JSON POST of the product, the store
    holding it, the quantity and the shopper's number, the message id as idempotency key (a
    request sent twice is one reservation). It reads the answer (16 KiB at most), so the
    shopper's SMS can carry the code and deadline, or the reason of a refusal."""

    def __init__(self, config: ReserveWebhook, environ: Mapping[str, str] = os.environ) -> None:
        self._config = config
        self._environ = environ

    def send(self, message: Message) -> Delivered:
        """POST the request; a 2xx answer means reserved, a 4xx refused (both answered by an
        SMS), anything else is tried again."""
        data = message.data
        recipient = _recipient(message)
        payload = {"gtin": data.get("gtin"), "store_id": data.get("store_id"),
                   "quantity": data.get("quantity"), "to": recipient,
                   "locale": data.get("locale"), "idempotency_key": message.id}
        headers = {"Idempotency-Key": message.id}
        try:
            if self._config.token_env:
                headers["Authorization"] = (
                    f"Bearer {_secret(self._environ, self._config.token_env)}")
        except PermanentFailure as exc:
            raise GivenUp(str(exc), {}, FollowUp(refused_text(data, None))) from None
        status, body = post_json_reply(self._config.url, payload, headers,
                                       self._config.timeout_s, "reservation service")
        answer = _answer(body)
        if 200 <= status < 300:
            reply = {key: value for key in ("code", "until") if (value := clean(
                answer.get(key), CODE_CHARS if key == "code" else UNTIL_CHARS))}
            return Delivered(reply, FollowUp(confirmed_text(data, reply.get("code"),
                                                            reply.get("until"))))
        if status in (408, 429) or status >= 500:
            raise TemporaryFailure(f"reservation service answered {status}")
        if 400 <= status < 500:
            reason = next((found for key in ("error", "reason", "message")
                           if (found := clean(answer.get(key), REASON_CHARS))), None)
            if reason:
                reason = _without(reason, recipient)
            reply = {"reason": reason} if reason else {}
            raise Refused(f"reservation refused ({status})", reply,
                          FollowUp(refused_text(data, reason)))
        raise TemporaryFailure(f"reservation service answered {status} (redirects are not "
                               "followed)")


ATTACHMENT_TYPES = {".pkpass": ("application", "vnd.apple.pkpass")}


def _content_type(name: str) -> tuple[str, str]:
    """The MIME type of an attached file by its name: a wallet pass opens in Wallet only when
    it is marked as one."""
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    return ATTACHMENT_TYPES.get(suffix, ("application", "octet-stream"))


def _answer(body: bytes | None) -> dict[str, object]:
    """The answer's JSON object, or nothing (no body, not JSON, not an object)."""
    if not body:
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _without(text: str, recipient: str) -> str:
    """``text`` with the shopper's number blanked out, in E.164 and national forms: it is kept
    in the outbox after the number is erased, so it must not quote it."""
    digits = recipient.lstrip("+")
    for form in (recipient, digits, "0" + digits[-9:], digits[-9:]):
        if len(form) >= 8:
            text = text.replace(form, "•••")
    return text


def senders_from_config(handoff: Handoff, environ: Mapping[str, str] = os.environ
                        ) -> dict[str, Sender]:
    """A sender for each channel the store configured (and only those)."""
    senders: dict[str, Sender] = {}
    if handoff.sms is not None:
        senders["sms"] = WebhookSender(handoff.sms, environ)
    if handoff.email is not None:
        senders["email"] = SmtpSender(handoff.email, environ)
    if handoff.reserve is not None:
        senders["reserve"] = ReserveSender(handoff.reserve, environ)
    return senders
