"""Offers for the frame loop: which offer a product's panel shows, a shopper's copy of it
prepared in the background, and its delivery through the durable outbox.

Why a worker thread: giving a pool's code is a committed write, a Google Wallet link may need
Google's API, a pass is signed; the panel asks (``prepare``) and polls (``grant``), so the
frame loop never waits. Why grants are kept per panel: a shopper who closes the sheet and
opens it again sees the same code, and two shoppers at the table never share a single-use
code. Everything is forgotten when the session ends.

What the panel reads each frame (``offer_for``, ``left``) is memory only: the schedule is
evaluated at most every ``SCHEDULE_S`` and pool counts are refreshed by the worker.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from kiosk.analytics.usage import Usage
from kiosk.config import KioskConfig
from kiosk.config.offers import Offer, read_codes
from kiosk.handoff.contact import email_address, phone_number
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.outbox.worker import OutboxWorker
from kiosk.handoff.service import SendResult, SendService
from kiosk.offers.channels import WalletChannels, wallet_channels
from kiosk.offers.passes import Grant, OfferGone, PassMaker
from kiosk.offers.pool import CodePool

log = logging.getLogger(__name__)

SCHEDULE_S = 20.0
"""How often the offers' schedules are evaluated again (hours and days start on time to
within this)."""


class OfferService:
    """The store's offers, as the panels and the offer sheet use them."""

    def __init__(self, config: KioskConfig, send: SendService, pool: CodePool | None,
                 outbox: Outbox | None, worker: OutboxWorker | None,
                 usage: Usage | None = None, environ: Mapping[str, str] = os.environ,
                 now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        self._send = send
        self._pool = pool
        self._outbox = outbox
        self._worker = worker
        self._usage = usage
        self._environ = environ
        self._now = now
        self._config = config
        self._offers = config.offers.offers
        self._left: dict[str, int] = {}
        self._active: tuple[Offer, ...] = ()
        self._checked_at: dt.datetime | None = None
        self._grants: dict[tuple[str, str], Future[Grant]] = {}
        self._working: list[Future[Any]] = []  # touched by the frame loop only
        self._maker = PassMaker(config, WalletChannels(), pool)
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="offers")
        self._ready = self._executor.submit(self._sync, config)

    # -- config ------------------------------------------------------------------------

    def reconfigure(self, config: KioskConfig) -> None:
        """New offers or pools: import changed codes files and load the credentials again,
        in the worker; grants already given stay valid."""
        self._config = config
        self._offers = config.offers.offers
        self._checked_at = None
        self._ready = self._executor.submit(self._sync, config)

    def _sync(self, config: KioskConfig) -> None:
        """Worker: the pools' codes files imported when they changed, counts, credentials."""
        channels = wallet_channels(config.store.wallet, self._environ)
        for note in channels.notes():
            log.info("offers: %s", note)
        if self._pool is not None:
            for offer_id, code_file in (config.offers.pools or {}).items():
                try:
                    if self._pool.imported(offer_id) != code_file.digest:
                        codes, problems = read_codes(code_file.path)
                        if not problems:
                            self._pool.load(offer_id, codes, code_file.digest)
                            log.info("offer %s: %d codes imported", offer_id, len(codes))
                except (sqlite3.Error, OSError) as exc:
                    log.error("offer %s: its codes could not be imported (%s)", offer_id, exc)
        self._count(config)
        with self._lock:
            self._maker = PassMaker(config, channels, self._pool)

    def _count(self, config: KioskConfig) -> None:
        pools = list(config.offers.pools or {})
        if self._pool is None or not pools:
            self._left = {}
            return
        try:
            self._left = self._pool.left(pools)
        except sqlite3.Error as exc:
            log.error("offer codes cannot be counted (%s)", exc)

    @property
    def channels(self) -> WalletChannels:
        """The wallet channels on now (after the worker has loaded them)."""
        return self._maker.channels

    def settle(self, timeout: float) -> bool:
        """Wait for the worker's import and counts, grants being prepared and offers being
        written (start-up, tests, step mode); True if there were any."""
        pending = [future for future in (self._ready, *self._working) if not future.done()]
        self._working = []
        concurrent.futures.wait(pending, timeout)
        if self._ready.done() and self._ready.exception() is not None:
            log.error("offers could not be prepared (%s)", self._ready.exception())
        return bool(pending)

    # -- what panels show --------------------------------------------------------------

    def offer_for(self, gtin14: str, department: str | None) -> Offer | None:
        """The offer a product's panel shows: active now, with a code left, covering the
        product; its own offer before its department's, before the store's (in file order
        within each). Memory only."""
        candidates = [offer for offer in self.active() if offer.covers(gtin14, department)]
        return min(candidates, key=Offer.specificity) if candidates else None

    def active(self) -> tuple[Offer, ...]:
        """Offers running now whose pool (if any) still has a code."""
        now = self._now()
        if self._checked_at is None or abs((now - self._checked_at).total_seconds()) >= (
                SCHEDULE_S):
            self._checked_at = now
            self._active = tuple(offer for offer in self._offers if offer.active(now))
        return tuple(offer for offer in self._active
                     if offer.code is not None or self._left.get(offer.id, 0) > 0)

    def left(self, offer_id: str) -> int | None:
        """Codes left in the offer's pool (None: a shared code)."""
        offer = self._find(offer_id)
        if offer is None or offer.code is not None:
            return None
        return self._left.get(offer_id, 0)

    def offer(self, offer_id: str) -> Offer | None:
        return self._find(offer_id)

    def _find(self, offer_id: str) -> Offer | None:
        return next((offer for offer in self._offers if offer.id == offer_id), None)

    # -- a shopper's copy --------------------------------------------------------------

    def prepare(self, owner: str, offer_id: str, locale: str) -> Future[Grant]:
        """The grant of ``offer_id`` for the panel ``owner``, prepared in the worker (once per
        panel and session). It raises OfferGone when no code is left."""
        key = (owner, offer_id)
        future = self._grants.get(key)
        if future is None or (future.done() and future.exception() is not None):
            future = self._executor.submit(self._grant, offer_id, locale)
            self._grants[key] = future
            self._working.append(future)
        return future

    def _grant(self, offer_id: str, locale: str) -> Grant:
        offer = self._find(offer_id)
        if offer is None or not offer.active(self._now()):
            raise OfferGone(f"offer {offer_id} has ended")
        with self._lock:
            maker = self._maker
        try:
            return maker.grant(offer, locale)
        finally:
            if offer.codes_file is not None:
                self._count(self._config)

    def end_session(self) -> None:
        """The session ended: the next shopper starts with no grant."""
        self._grants.clear()

    # -- delivery ----------------------------------------------------------------------

    def send(self, channel: str, typed: str, grant: Grant, code: str | None) -> SendResult:
        """Check, then queue the offer by SMS or e-mail (ContactError for what was typed);
        ``code`` is the product whose panel it came from, for the reports."""
        if self._outbox is None or channel not in self._send.channels or channel == "qr":
            return SendResult(False, "send.unavailable")
        country = self._config.store.store.country
        recipient = phone_number(typed, country) if channel == "sms" else email_address(typed)
        refused = self._send.over_limits()
        if refused is not None:
            return SendResult(False, refused)
        written = self._executor.submit(self._write, self._outbox, channel, recipient, grant,
                                        code)
        self._working.append(written)
        return SendResult(True, "offer.queued", written)

    def _write(self, outbox: Outbox, channel: str, recipient: str, grant: Grant,
               code: str | None) -> str:
        offer = self._find(grant.offer_id)
        if offer is None:
            raise OfferGone(f"offer {grant.offer_id} is no longer configured")
        with self._lock:
            maker = self._maker
        if channel == "email":
            subject, text, attachment = maker.email(offer, grant)
        else:
            subject, text, attachment = "", maker.sms(offer, grant), None
        try:
            message_id = outbox.enqueue(channel, recipient, subject, text, grant.link,
                                        attachment=attachment)
        except (sqlite3.Error, OSError) as exc:
            log.error("the outbox could not store an offer (%s); the shopper was asked to scan "
                      "the QR code instead", exc)
            raise
        log.info("queued offer %s by %s: message %s", grant.offer_id, channel, message_id)
        self.note_sent(grant.offer_id, channel, code)
        if self._worker is not None:
            self._worker.wake()
        return message_id

    def present(self, grant: Grant, done: Callable[[str], None]) -> bool:
        """Let a phone tapped on the reader take the grant's link; False when NFC cannot."""
        return self._send.present_link(grant.link, done)

    def note_sent(self, offer_id: str, channel: str, code: str | None) -> None:
        """For the store's reports: which channel took an offer away (never an address)."""
        if self._usage is not None:
            self._usage.offer_sent(offer_id, channel, code)

    def close(self) -> None:
        """Finish what the worker holds (before the outbox and the pool close)."""
        self._executor.shutdown(wait=True)
        if self._pool is not None:
            self._pool.close()
