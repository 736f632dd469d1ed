"""The ``handoff`` section of ``store.yaml``: links to the web shop (a product, a selection, a
cart), how the kiosk sends them to a shopper's phone (SMS webhook, SMTP), the reservation
webhook, and limits against abuse.

Secrets are never written in ``config/``: the file names the environment variables that hold
them, and the kiosk reads those when it sends.
"""

from __future__ import annotations

import re
import string
from email.utils import parseaddr
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from kiosk.config.fields import Strict, Text

PRODUCT_PLACEHOLDERS = {"gtin", "store_id"}
SELECTION_PLACEHOLDERS = {"gtins", "store_id"}
CART_PLACEHOLDERS = {"items", "store_id", "ref"}
CART_ITEM_PLACEHOLDERS = {"gtin", "sku", "quantity"}
OFFER_PLACEHOLDERS = {"offer_id", "code", "store_id", "locale"}
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def _web_link(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the link must start with https:// or http:// and name a server, not "
                         f"{value!r}")
    return value


def _placeholders(value: str, allowed: set[str]) -> set[str]:
    """The ``{names}`` in ``value``, each one of ``allowed`` (no ``{0}``, ``{a.b}``, ``{a!r}``)."""
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValueError(f"broken placeholder in {value!r}: {exc}") from exc
    names = {name for _, name, _, _ in parsed if name is not None}
    unknown = names - allowed
    if unknown:
        raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}; use "
                         + ", ".join(f"{{{name}}}" for name in sorted(allowed)))
    if any(spec or conversion for _, name, spec, conversion in parsed if name is not None):
        raise ValueError(f"write placeholders plainly, like {{{sorted(allowed)[0]}}}, in "
                         f"{value!r}")
    return names


def _template(allowed: set[str], required: str) -> AfterValidator:
    """A link with ``{placeholders}`` among ``allowed``, ``required`` among them."""

    def check(value: str) -> str:
        _web_link(value)
        if required not in _placeholders(value, allowed):
            raise ValueError(f"the link must contain {{{required}}}")
        return value

    return AfterValidator(check)


def _cart_item(value: str) -> str:
    """One cart item: ``{sku}`` or ``{gtin}`` (which product), usually with ``{quantity}``."""
    names = _placeholders(value, CART_ITEM_PLACEHOLDERS)
    if not names & {"sku", "gtin"}:
        raise ValueError("a cart item must contain {sku} or {gtin}")
    if "," in value:
        raise ValueError("a cart item cannot contain a comma: items are joined by commas")
    return value


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


class ReserveWebhook(Strict):
    """Reservations through the store's stock system: a JSON POST of ``gtin``, ``store_id``,
    ``quantity``, ``to`` (the shopper's mobile, E.164), ``locale`` and ``idempotency_key``,
    with ``Authorization: Bearer <token>`` when ``token_env`` is set. A 2xx answer may give
    ``code`` and ``until`` (ISO 8601); a 4xx answer is a refusal, its ``error`` (or ``reason``
    or ``message``) shown to the shopper; 5xx and timeouts are tried again. The shopper gets
    the code, or the refusal, by SMS: ``sms`` must be configured too."""

    provider: Literal["webhook"]
    url: WebLink
    token_env: EnvName | None = None
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_quantity: int = Field(default=2, ge=1, le=20, description=(
        "most units one shopper may reserve of one product"))


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
    cart_url: Annotated[Text, _template(CART_PLACEHOLDERS, "items")] | None = Field(
        default=None, description=(
            "the web shop's cart, filled: {items} is replaced by the items (each written as "
            "cart_item, joined by commas), {ref} by ref, {store_id} by store.id; without it, "
            "the table offers no \"Order\""))
    cart_item: Annotated[Text, AfterValidator(_cart_item)] = Field(
        default="{sku}:{quantity}", description=(
            "one item of the cart link: {sku} (the product's sku, or its GTIN when it has "
            "none), {gtin}, {quantity}; values are URL-encoded, the rest is kept as written"))
    ref: Text | None = Field(default=None, description=(
        "the attribution code of this table in cart links ({ref}); store.id when left out"))
    offer_url: Annotated[Text, _template(OFFER_PLACEHOLDERS, "code")] | None = Field(
        default=None, description=(
            "the web shop's page of an offer taken at the table: {code} is the shopper's code "
            "(needed: a single-use code reaches them this way), {offer_id}, {store_id} and "
            "{locale} may be used too"))
    sms: SmsWebhook | None = None
    email: SmtpEmail | None = None
    reserve: ReserveWebhook | None = None
    limits: SendLimits = SendLimits()
    nfc_seconds: float = Field(default=20.0, gt=0, le=120,
                               description="how long the reader offers the link to a phone")

    @model_validator(mode="after")
    def _reserve_needs_sms(self) -> Handoff:
        if self.reserve is not None and self.sms is None:
            raise ValueError("reserve needs sms: the shopper gets the reservation code by SMS")
        return self
