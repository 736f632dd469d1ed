"""Sending products to shoppers' phones: links, the session's selection, limits, the outbox.

The send sheet asks this service; it never waits on the network nor on the disk: SMS and
e-mails are committed to the durable outbox by a writer thread (a synchronous commit takes
milliseconds on an SD card, seconds while ``kiosk outbox --flush`` holds the file), the shopper
is told "on its way" once the commit is done, and a worker delivers them. What the shopper
typed is handed to the writer and forgotten here at once.
"""

from __future__ import annotations

import concurrent.futures
import logging
import sqlite3
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from hardware.gtin import display_gtin
from kiosk import i18n
from kiosk.analytics.usage import Usage
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff.contact import email_address, phone_number
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.outbox.worker import OutboxWorker

log = logging.getLogger(__name__)

MINUTE = 60.0
OUTBOX_FILE = "outbox.sqlite3"
"""The outbox's SQLite file, in the kiosk's data folder (``--data``)."""


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

    def link(self, codes: tuple[str, ...]) -> str | None:
        """The web shop's page for one product, or for several (None when the store has no
        selection link)."""
        store_id = self._store.id
        if len(codes) == 1:
            return self._handoff.product_url.format(gtin=display_gtin(codes[0]),
                                                    store_id=store_id)
        if self._handoff.selection_url is None or not codes:
            return None
        gtins = ",".join(display_gtin(code) for code in codes)
        return self._handoff.selection_url.format(gtins=gtins, store_id=store_id)

    def send(self, channel: str, typed: str, codes: tuple[str, ...], locale: str) -> SendResult:
        """Check, then queue a link by SMS or e-mail; ContactError for what was typed."""
        url = self.link(codes)
        if self._outbox is None or channel not in self.channels or url is None:
            return SendResult(False, "send.unavailable")
        recipient = (phone_number(typed, self._store.country) if channel == "sms"
                     else email_address(typed))
        limits = self._handoff.limits
        now = self._clock()
        while self._recent and now - self._recent[0] > MINUTE:
            self._recent.popleft()
        if self._sent_in_session >= limits.per_session:
            return SendResult(False, "send.limit_session")
        if len(self._recent) >= limits.per_minute:
            return SendResult(False, "send.limit_minute")
        subject, text = self._wording(codes, url, locale)
        self._sent_in_session += 1
        self._recent.append(now)
        written = self._writer.submit(self._write, self._outbox, channel, recipient, subject,
                                      text, url, codes)
        self._writing = [*[f for f in self._writing if not f.done()], written]
        return SendResult(True, "send.queued", written)

    def settle(self, timeout: float) -> bool:
        """Wait for messages being committed (step-mode screenshots); True if there were."""
        writing, self._writing = self._writing, []
        concurrent.futures.wait(writing, timeout)
        return bool(writing)

    def close(self) -> None:
        """Finish the commits under way (before the outbox closes)."""
        self._writer.shutdown(wait=True)

    def _write(self, outbox: Outbox, channel: str, recipient: str, subject: str, text: str,
               url: str, codes: tuple[str, ...]) -> str:
        try:
            message_id = outbox.enqueue(channel, recipient, subject, text, url)
        except (sqlite3.Error, OSError) as exc:  # a full or failing disk: nothing queued
            log.error("the outbox could not store a %s message (%s); the shopper was asked to "
                      "scan the QR code instead", channel, exc)
            raise
        log.info("queued %s message %s", channel, message_id)
        self.note_sent(channel, codes)
        if self._worker is not None:
            self._worker.wake()
        return message_id

    def note_sent(self, channel: str, codes: tuple[str, ...]) -> None:
        """For the store's reports: which channel took a product away (never an address)."""
        if self._usage is not None:
            self._usage.send(channel, codes)

    def offer_nfc(self, codes: tuple[str, ...], done: Callable[[str], None]) -> bool:
        """Let a phone tapped on the reader take the link; False when NFC cannot."""
        url = self.link(codes)
        if self._nfc is None or not self._nfc.can_emulate or url is None:
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
