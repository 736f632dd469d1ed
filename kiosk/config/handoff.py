"""The ``handoff`` section of ``store.yaml``: links to the web shop, and how the kiosk sends
them to a shopper's phone (SMS webhook, SMTP), with limits against abuse.

Secrets are never written in ``config/``: the file names the environment variables that hold
them, and the kiosk reads those when it sends.
"""

from __future__ import annotations

import re
import string
from email.utils import parseaddr
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from kiosk.config.fields import Strict, Text

PRODUCT_PLACEHOLDERS = {"gtin", "store_id"}
SELECTION_PLACEHOLDERS = {"gtins", "store_id"}
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def _web_link(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the link must start with https:// or http:// and name a server, not "
                         f"{value!r}")
    return value


def _template(allowed: set[str], required: str) -> AfterValidator:
    """A link with ``{placeholders}`` among ``allowed``, ``required`` among them."""

    def check(value: str) -> str:
        _web_link(value)
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value)
                     if name is not None}
        except ValueError as exc:
            raise ValueError(f"broken placeholder in {value!r}: {exc}") from exc
        unknown = names - allowed
        if unknown:
            raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}; use "
                             + ", ".join(f"{{{name}}}" for name in sorted(allowed)))
        if required not in names:
            raise ValueError(f"the link must contain {{{required}}}")
        return value

    return AfterValidator(check)


def _env_name(value: str) -> str:
    if not ENV_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not an environment variable name (capitals, digits and "
                         "_, e.g. KIOSK_SMS_TOKEN); put the secret itself in the environment, "
                         "never in this file")
    return value


def _sender(value: str) -> str:
    address = parseaddr(value)[1]
    if "@" not in address or " " in address:
        raise ValueError(f"{value!r} is not a sender address; write it like "
                         "\"Ma Boutique <no-reply@example.com>\"")
    return value


WebLink = Annotated[str, AfterValidator(_web_link)]
EnvName = Annotated[str, AfterValidator(_env_name)]
Sender = Annotated[str, AfterValidator(_sender)]


class SmsWebhook(Strict):
    """SMS through the store's provider: a JSON POST of ``to``, ``text``, ``url`` and
    ``idempotency_key``, with ``Authorization: Bearer <token>`` when ``token_env`` is set."""

    provider: Literal["webhook"]
    url: WebLink
    token_env: EnvName | None = None
    timeout_s: float = Field(default=10.0, gt=0, le=120)


class SmtpEmail(Strict):
    """E-mail through an SMTP server."""

    provider: Literal["smtp"]
    host: Text
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    username_env: EnvName | None = None
    password_env: EnvName | None = None
    sender: Sender
    timeout_s: float = Field(default=15.0, gt=0, le=120)


class SendLimits(Strict):
    """Caps on SMS and e-mails, so nobody turns the table into a spam cannon."""

    per_session: int = Field(default=5, ge=1, le=100)
    per_minute: int = Field(default=10, ge=1, le=1000)


class Handoff(Strict):
    product_url: Annotated[Text, _template(PRODUCT_PLACEHOLDERS, "gtin")]
    selection_url: Annotated[Text, _template(SELECTION_PLACEHOLDERS, "gtins")] | None = None
    sms: SmsWebhook | None = None
    email: SmtpEmail | None = None
    limits: SendLimits = SendLimits()
    nfc_seconds: float = Field(default=20.0, gt=0, le=120,
                               description="how long the reader offers the link to a phone")
