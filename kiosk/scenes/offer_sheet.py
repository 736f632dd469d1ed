"""The sheet a shopper opens with "Recevoir l'offre": the same channels as the send sheet, but
what leaves is the shopper's own copy of the offer (its code, its wallet pass).

The copy is prepared in the offer service's worker (a pool's code given, a pass link signed):
until it is ready the sheet says so where the QR code goes, and SMS or e-mail wait for it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future

import pygame

from kiosk import i18n
from kiosk.catalog.catalog import Catalog
from kiosk.handoff.service import SendResult, SendService
from kiosk.offers.passes import Grant, OfferGone
from kiosk.offers.service import OfferService
from kiosk.scenes.send_bodies import qr_body, waiting_body
from kiosk.scenes.send_sheet import SendSheet
from kiosk.ui.look import Look
from kiosk.ui.widgets import Widget


class OfferSheet(SendSheet):
    """One shopper's sheet for one offer, from the panel ``owner`` showing product ``code``."""

    queued_key = "offer.queued"

    def __init__(self, code: str, offer_id: str, owner: str, locale: str, look: Look,
                 catalog: Catalog, service: SendService, offers: OfferService,
                 on_close: Callable[[], None]) -> None:
        super().__init__(code, locale, look, catalog, service, on_close)
        self.offer_id = offer_id
        self._offers = offers
        self._grant: Future[Grant] = offers.prepare(owner, offer_id, locale)
        self._grant_shown = False

    @property
    def grant(self) -> Grant | None:
        """The shopper's copy, once ready (None while it is prepared or when it failed)."""
        if not self._grant.done() or self._grant.exception() is not None:
            return None
        return self._grant.result()

    def _outdated(self, today: dt.date) -> bool:
        ready = self._grant.done() and not self._grant_shown
        return ready or super()._outdated(today)

    def _title(self) -> str:
        return i18n.text("action.get_offer", self.locale)

    def _what(self) -> str:
        offer = self._offers.offer(self.offer_id)
        if offer is None:
            return ""
        return offer.title.get(self.locale) or next(iter(offer.title.values()))

    def _selection_offered(self) -> bool:
        return False

    def _qr(self, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget]) -> None:
        self._grant_shown = self._grant.done()
        grant = self.grant
        if grant is not None:
            qr_body(self._look, surface, body, widgets, grant.link, self.locale,
                    ("offer.qr", "offer.qr_note"), code=grant.code)
        elif not self._grant.done():
            waiting_body(self._look, surface, body, widgets,
                         i18n.text("offer.preparing", self.locale))
        else:
            waiting_body(self._look, surface, body, widgets, self._failure(), "error")

    def _failure(self) -> str:
        gone = isinstance(self._grant.exception(), OfferGone)
        return i18n.text("offer.gone" if gone else "offer.failed", self.locale)

    def _consent_key(self) -> str | None:
        return f"offer.{self.channel}_consent"

    def _deliver(self, channel: str, typed: str) -> SendResult:
        grant = self.grant
        if grant is None:
            key = "offer.preparing" if not self._grant.done() else (
                "offer.gone" if isinstance(self._grant.exception(), OfferGone)
                else "offer.failed")
            return SendResult(False, key)
        return self._offers.send(channel, typed, grant, self.code)

    def _present(self, done: Callable[[str], None]) -> bool:
        grant = self.grant
        return grant is not None and self._offers.present(grant, done)

    def _note_sent(self, channel: str) -> None:
        if self.grant is not None:
            self._offers.note_sent(self.offer_id, channel, self.code)
