"""Sending products to shoppers' phones: links (a product, a selection, a filled cart), the
session's selection, reservations, limits, the outbox.

The send sheet asks this service; it never waits on the network nor on the disk: SMS and
e-mails are committed to the durable outbox by a writer thread (a synchronous commit takes
milliseconds on an SD card, seconds while ``kiosk outbox --flush`` holds the file), the shopper
is told "on its way" once the commit is done, and a worker delivers them. What the shopper
typed is handed to the writer and forgotten here at once. A reservation is queued the same
way; its answer comes back from the worker's thread into ``Reservations``, which the sheet
polls each frame (``reservation``).
"""

from __future__ import annotations

import concurrent.futures
import logging
import sqlite3
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, Protocol
from uuid import uuid4

from hardware.gtin import display_gtin
from kiosk import i18n
from kiosk.analytics.usage import Usage
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.config.catalog import Product
from kiosk.handoff.cart import cart_link
from kiosk.handoff.contact import email_address, phone_number
from kiosk.handoff.outbox.store import OUTBOX_FILE as OUTBOX_FILE  # kept importable here
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.outbox.worker import OutboxWorker, Outcome
from kiosk.handoff.reserve import Place, Reservation, Reservations

log = logging.getLogger(__name__)

MINUTE = 60.0
LinkKind = Literal["product", "cart"]
"""Which link a send carries: the product's page (or the selection's), or the filled cart."""


@dataclass(frozen=True)
class SendResult:
    """How a send request ended: ``key`` is the message for the shopper (i18n)."""

    ok: bool
    key: str
    written: Future[str] | None = None
    """While set and not done, the message is being committed; it resolves to the message id,
    or raises when the disk refused it (the shopper is then told to scan the QR code)."""


class NfcOffer(Protocol):
    """What the NFC reader can do for a handoff (the reader source implements it)."""

    @property
    def can_emulate(self) -> bool:
        """The reader can present a tag to a phone."""

    def offer_link(self, url: str, seconds: float, done: Callable[[str], None]) -> bool:
        """Present ``url`` as a tag for ``seconds``; ``done`` gets "read", "timeout"..."""


class SendService:
    """Links, selection, limits and queueing for the send sheets of every panel."""

    def __init__(self, config: KioskConfig, catalog: Catalog, outbox: Outbox | None,
                 worker: OutboxWorker | None, clock: Callable[[], float],
                 nfc: NfcOffer | None = None, usage: Usage | None = None) -> None:
        self._handoff = config.store.handoff
        self._store = config.store.store
        self._catalog = catalog
        self._outbox = outbox
        self._worker = worker
        self._clock = clock
        self._nfc = nfc
        self._usage = usage
        self._selection: list[str] = []
        self._sent_in_session = 0
        self._recent: deque[float] = deque()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-write")
        self._writing: list[Future[str]] = []  # touched by the frame loop only
        self._reservations = Reservations()
        if worker is not None:
            worker.listen(self._answered)

    def reconfigure(self, config: KioskConfig, catalog: Catalog) -> None:
        """The config was reloaded: new links, limits and catalog; the session goes on."""
        self._handoff = config.store.handoff
        self._store = config.store.store
        self._catalog = catalog

    @property
    def channels(self) -> tuple[str, ...]:
        """What the sheet offers: the QR code always, SMS and e-mail when configured (and an
        outbox is there), NFC when the reader can present a tag."""
        offered = ["qr"]
        if self._outbox is not None:
            offered += [name for name in ("sms", "email") if getattr(self._handoff, name)]
        if self._nfc is not None and self._nfc.can_emulate:
            offered.append("nfc")
        return tuple(offered)

    @property
    def selection(self) -> tuple[str, ...]:
        """Products placed on the table during this session, in order, once each."""
        return tuple(self._selection)

    def note_placed(self, code: str) -> None:
        """A product was placed: it joins the session's selection (if the catalog knows it)."""
        if self._catalog.get(code) is not None and code not in self._selection:
            self._selection.append(code)

    def end_session(self) -> None:
        """The session ended (idle reset): a new shopper starts with nothing."""
        self._selection.clear()
        self._sent_in_session = 0
        self._reservations.clear()

    def link(self, codes: tuple[str, ...], kind: LinkKind = "product") -> str | None:
        """The web shop's page for one product, or for several (None when the store has no
        selection link); with ``kind="cart"``, the cart link (``cart_link``)."""
        if kind == "cart":
            return self.cart_link(codes)
        store_id = self._store.id
        if len(codes) == 1:
            return self._handoff.product_url.format(gtin=display_gtin(codes[0]),
                                                    store_id=store_id)
        if self._handoff.selection_url is None or not codes:
            return None
        gtins = ",".join(display_gtin(code) for code in codes)
        return self._handoff.selection_url.format(gtins=gtins, store_id=store_id)

    def cart_link(self, codes: tuple[str, ...]) -> str | None:
        """The web shop's cart holding ``codes`` (a code listed twice: two of it; codes the
        catalog does not know are left out); None when the store has no ``cart_url`` or no
        code is known. What the QR code of "Order it" shows."""
        if self._handoff.cart_url is None:
            return None
        items: list[tuple[Product, int]] = [
            (product, 1) for code in codes if (product := self._catalog.get(code)) is not None]
        return cart_link(self._handoff, self._store.id, items) if items else None

    def send(self, channel: str, typed: str, codes: tuple[str, ...], locale: str,
             kind: LinkKind = "product") -> SendResult:
        """Check, then queue a link by SMS or e-mail; ContactError for what was typed.
        ``kind="cart"`` sends the cart link ("Order it") instead of the product's page."""
        url = self.link(codes, kind)
        if self._outbox is None or channel not in self.channels or url is None:
            return SendResult(False, "send.unavailable")
        recipient = (phone_number(typed, self._store.country) if channel == "sms"
                     else email_address(typed))
        refused = self.over_limits()
        if refused is not None:
            return SendResult(False, refused)
        subject, text = self._wording(codes, url, locale)
        written = self._writer.submit(self._write, self._outbox, channel, recipient, subject,
                                      text, url, codes, kind)
        self._writing = [*[f for f in self._writing if not f.done()], written]
        return SendResult(True, "send.queued", written)

    def over_limits(self) -> str | None:
        """The i18n key of the limit one more SMS or e-mail would pass, or None (and then it
        is counted): reservations and offers count too, since each ends in a message."""
        limits = self._handoff.limits
        now = self._clock()
        while self._recent and now - self._recent[0] > MINUTE:
            self._recent.popleft()
        if self._sent_in_session >= limits.per_session:
            return "send.limit_session"
        if len(self._recent) >= limits.per_minute:
            return "send.limit_minute"
        self._sent_in_session += 1
        self._recent.append(now)
        return None

    # -- reservations ----------------------------------------------------------------------

    @property
    def can_reserve(self) -> bool:
        """The store takes reservations here: a reservation service and SMS are configured,
        and there is an outbox to queue them in."""
        return (self._outbox is not None and self._handoff.reserve is not None
                and self._handoff.sms is not None)

    def reserve_places(self, code: str, product: Product | None = None) -> tuple[Place, ...]:
        """Where ``code`` can be reserved: this store when it has stock (or does not know),
        then other stores with an id and stock; empty when reservations are off. ``product``:
        the one the panel shows (live stock), else the catalog's."""
        product = product or self._catalog.get(code)
        if not self.can_reserve or product is None:
            return ()
        stock = product.availability.in_store.stock
        places = [Place(self._store.id, self._store.name, stock, True)] if stock != 0 else []
        places += [Place(other.id, other.name, other.stock, False)
                   for other in product.availability.other_stores
                   if other.id is not None and other.stock > 0 and other.id != self._store.id]
        return tuple(places)

    def reserve(self, typed_phone: str, code: str, store_id: str, quantity: int,
                locale: str) -> SendResult:
        """Check, then queue a reservation of ``quantity`` of ``code`` at ``store_id`` (this
        store's id or another store's, from ``reserve_places``); the code, or the refusal,
        reaches the shopper by SMS. Returns once the request is handed to the writer, never
        waiting on the disk or the network; ``reservation(code)`` tells what became of it.
        ContactError for the number, like ``send``."""
        product = self._catalog.get(code)
        config = self._handoff.reserve
        where = self._place_name(product, store_id) if product is not None else None
        if (not self.can_reserve or config is None or product is None or where is None
                or not 1 <= quantity <= config.max_quantity):
            return SendResult(False, "reserve.unavailable")
        assert self._outbox is not None
        recipient = phone_number(typed_phone, self._store.country)
        refused = self.over_limits()
        if refused is not None:
            return SendResult(False, refused)
        payload = {"gtin": display_gtin(product.gtin14), "store_id": store_id,
                   "quantity": quantity, "locale": locale, "what": _described(product, locale),
                   "where": where, "store": self._store.name}
        message_id = uuid4().hex
        url = self.link((code,)) or ""
        self._reservations.track(code, message_id, store_id, quantity)
        written = self._writer.submit(self._write_reservation, self._outbox, message_id,
                                      recipient, payload, url, code)
        self._reservations.writing(code, message_id, written)
        self._writing = [*[f for f in self._writing if not f.done()], written]
        return SendResult(True, "reserve.queued", written)

    def reservation(self, code: str) -> Reservation | None:
        """The latest reservation of ``code`` in this session (None if none): ``waiting``,
        ``confirmed`` (with ``code`` and ``until``), ``refused`` (with ``reason``) or
        ``failed``. Reads memory only: safe to call every frame."""
        return self._reservations.get(code)

    def _place_name(self, product: Product, store_id: str) -> str | None:
        if store_id == self._store.id:
            return self._store.name
        return next((other.name for other in product.availability.other_stores
                     if other.id == store_id), None)

    def _answered(self, outcome: Outcome) -> None:
        """The worker's thread: a reservation was answered."""
        if outcome.channel == "reserve":
            self._reservations.answered(outcome.message_id, outcome.state, outcome.reply)

    def _write_reservation(self, outbox: Outbox, message_id: str, recipient: str,
                           payload: dict[str, object], url: str, code: str) -> str:
        try:
            outbox.enqueue("reserve", recipient, "", "", url, payload=payload,
                           message_id=message_id)
        except (sqlite3.Error, OSError) as exc:
            log.error("the outbox could not store a reservation (%s); the shopper was asked "
                      "to see the staff", exc)
            raise
        log.info("queued reservation %s", message_id)
        if self._usage is not None:
            self._usage.reserved(code, "sms")
        if self._worker is not None:
            self._worker.wake()
        return message_id

    def settle(self, timeout: float) -> bool:
        """Wait for messages being committed (step-mode screenshots); True if there were."""
        writing, self._writing = self._writing, []
        concurrent.futures.wait(writing, timeout)
        return bool(writing)

    def close(self) -> None:
        """Finish the commits under way (before the outbox closes)."""
        self._writer.shutdown(wait=True)

    def _write(self, outbox: Outbox, channel: str, recipient: str, subject: str, text: str,
               url: str, codes: tuple[str, ...], kind: LinkKind = "product") -> str:
        try:
            message_id = outbox.enqueue(channel, recipient, subject, text, url)
        except (sqlite3.Error, OSError) as exc:  # a full or failing disk: nothing queued
            log.error("the outbox could not store a %s message (%s); the shopper was asked to "
                      "scan the QR code instead", channel, exc)
            raise
        log.info("queued %s message %s", channel, message_id)
        self.note_sent(channel, codes, kind)
        if self._worker is not None:
            self._worker.wake()
        return message_id

    def note_sent(self, channel: str, codes: tuple[str, ...],
                  kind: LinkKind = "product") -> None:
        """For the store's reports: which channel took a product (or, ``kind="cart"``, an
        order) away; never an address."""
        if self._usage is None:
            return
        if kind == "cart":
            for code in dict.fromkeys(codes):
                self._usage.ordered(code, channel)
        else:
            self._usage.send(channel, codes)

    def offer_nfc(self, codes: tuple[str, ...], done: Callable[[str], None],
                  kind: LinkKind = "product") -> bool:
        """Let a phone tapped on the reader take the link (``kind="cart"``: the cart link);
        False when NFC cannot."""
        url = self.link(codes, kind)
        return url is not None and self.present_link(url, done)

    def present_link(self, url: str, done: Callable[[str], None]) -> bool:
        """Let a phone tapped on the reader take ``url`` (an offer's link); False when NFC
        cannot."""
        if self._nfc is None or not self._nfc.can_emulate:
            return False
        return self._nfc.offer_link(url, self._handoff.nfc_seconds, done)

    def _wording(self, codes: tuple[str, ...], url: str, locale: str) -> tuple[str, str]:
        """Subject and text in the shopper's language: the product (or selection) and link."""
        names = [product.name[locale] for code in codes
                 if (product := self._catalog.get(code)) is not None]
        what = names[0] if len(names) == 1 else i18n.text("send.selection_of", locale,
                                                          n=len(names))
        subject = i18n.text("send.subject", locale, store=self._store.name, what=what)
        text = i18n.text("send.text", locale, store=self._store.name, what=what, url=url)
        return subject, text


def _described(product: Product, locale: str) -> str:
    """The product as the SMS names it: its name and, for a variant, its options
    (``Trevia Pulse 3 (42, Bleu)``)."""
    name = product.name.get(locale) or next(iter(product.name.values()), "")
    options = product.options.get(locale) or next(iter(product.options.values()), {})
    return f"{name} ({', '.join(options.values())})" if options else name
