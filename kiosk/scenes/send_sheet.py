"""The sheet a shopper opens with "Envoyer sur mon téléphone": a QR code (nothing to give), an
SMS or e-mail typed on the table's own keypad, or a tap of the phone on the NFC reader. The same
sheet, opened with "Commander", carries the web shop's cart holding the product shown instead
of its page.

What the shopper types lives only in this sheet until it is sent (or the sheet closes); the
widget tree shows it masked.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Future

import pygame

from kiosk import i18n
from kiosk.catalog.catalog import Catalog
from kiosk.config.catalog import Product
from kiosk.handoff.contact import ContactError
from kiosk.handoff.service import LinkKind, SendResult, SendService
from kiosk.scenes.cached_layer import SHADOW, CachedLayer
from kiosk.scenes.keyboards import KeypadEntry
from kiosk.scenes.panel_frame import BUTTON, button, button_width
from kiosk.scenes.panel_sections import SMALL
from kiosk.scenes.panel_variants import options_of
from kiosk.scenes.send_bodies import Typing, nfc_body, qr_body, typing_body
from kiosk.ui.draw import card
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Widget

SHEET_STEPS = ((900, 600), (1340, 490), (620, 780))
PAD = 24
CHIP_PAD = 24  # design pixels each side of a channel's label
CHANNEL_KEYS = {"qr": "send.qr_code", "sms": "send.sms", "email": "send.email", "nfc": "send.nfc"}
MAX_TYPED = {"sms": 20, "email": 64}
QR_SCAN_S = 4.0
"""A QR code shown this long (seconds) counts as taken: time to raise a phone and scan."""

HEADER_MOST = 420
"""Design width the title column may take beside the channels, so what is sent (a variant's
size and colour at the end of its name) is not cut to a few letters under a short title."""


class SendSheet(CachedLayer, KeypadEntry):
    """One shopper's send sheet for one product (or their selection)."""

    queued_key = "send.queued"
    """What the shopper is told once the message is on disk."""

    def __init__(self, code: str, locale: str, look: Look, catalog: Catalog,
                 service: SendService, on_close: Callable[[], None],
                 kind: LinkKind = "product") -> None:
        """``kind="cart"``: "Order", the cart link of ``code`` (no selection)."""
        super().__init__(look)
        self.code = code
        self.kind: LinkKind = kind
        self.locale = locale
        self.channel = "qr"
        self.what = "product"
        self._catalog = catalog
        self._service = service
        self._on_close = on_close
        self._typed = ""
        self._consent = False
        self._notice: tuple[str, str] | None = None
        self._written: Future[str] | None = None  # a message being committed to the outbox
        self._nfc_state = ""
        self._shown_channels: tuple[str, ...] = ()
        self._qr_since = time.monotonic()

    @property
    def steps(self) -> tuple[tuple[int, int], ...]:
        """Design sizes, full first: a wide, short one (title and choices on one row) for a
        shopper near an edge with another across the table, a narrow, tall one for shoppers
        side by side; the keypad keeps keys of 48 pixels at least in all of them."""
        return SHEET_STEPS

    @property
    def codes(self) -> tuple[str, ...]:
        """What would be sent: this product, or the session's selection."""
        selection = self._service.selection
        if self.kind == "product" and self.what == "selection" and len(selection) > 1:
            return selection
        return (self.code,)

    def forget(self) -> None:
        """Drop what was typed."""
        self._typed = ""
        self._consent = False

    def leave(self) -> None:
        """The sheet closes (or the session ends): typing is dropped, and a QR code shown long
        enough to be scanned counts as sent (the table cannot see the scan itself)."""
        self._count_qr()
        self.forget()

    def _count_qr(self) -> None:
        if self.channel == "qr" and time.monotonic() - self._qr_since >= QR_SCAN_S:
            self._note_sent("qr")

    def _note_sent(self, channel: str) -> None:
        """For the reports: ``channel`` took what the sheet sends."""
        self._service.note_sent(channel, self.codes, self.kind)

    def _outdated(self, today: dt.date) -> bool:
        """The NFC reader came (or went), or a message being written reached the disk."""
        return self._service.channels != self._shown_channels or self._written_now()

    def _written_now(self) -> bool:
        """Once the outbox has the message, "on its way"; if the disk refused it, the QR code."""
        if self._written is None or not self._written.done():
            return False
        failed = self._written.exception() is not None
        self._written = None
        self._notice = (("error", i18n.text("send.not_stored", self.locale)) if failed
                        else ("ok", i18n.text(self.queued_key, self.locale)))
        return True

    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        self._shown_channels = self._service.channels
        width, height = self.design
        surface, inner = card((px(width), px(height)), theme.surface, px(28), px(SHADOW))
        title = self._title()
        widgets = [Widget("sheet", inner.copy(), label=title, text=" | ".join(self.codes))]
        area = inner.inflate(-2 * px(PAD), -2 * px(PAD))
        label = i18n.text("action.close", self.locale)
        close = pygame.Rect(0, area.top - px(6), button_width(look, label), px(BUTTON))
        close.right = area.right
        button(look, surface, close, label, self._close, widgets, filled=False)
        room = close.left - px(16) - area.left - px(24) - self._choices_width()
        title_width = max(look.text.width(title, px(28), True), min(room, px(HEADER_MOST)))
        beside = area.left + title_width + px(24)
        if beside + self._choices_width() <= close.left - px(16):
            bottom = self._header(surface, pygame.Rect(area.left, area.top, title_width,
                                                       px(80)), widgets, title)
            row = pygame.Rect(beside, area.top - px(6), close.left - px(16) - beside,
                              px(BUTTON))
            top = max(bottom, self._choices(surface, row, widgets))
        else:
            bottom = self._header(surface, pygame.Rect(area.left, area.top,
                                                       close.left - px(16) - area.left,
                                                       px(80)), widgets, title)
            top = self._choices(surface, pygame.Rect(area.left, max(bottom, close.bottom)
                                                     + px(14), area.width, px(BUTTON)),
                                widgets)
        body = pygame.Rect(area.left, top + px(16), area.width, area.bottom - top - px(16))
        if self.channel == "qr":
            self._qr(surface, body, widgets)
        elif self.channel == "nfc":
            nfc_body(look, surface, body, widgets, self.locale, self._nfc_state or "idle",
                     self._start_nfc)
        else:
            typing_body(look, surface, body, widgets, Typing(
                self.channel, self.locale, self._typed, self._consent, self._notice, self._key,
                self._toggle_consent, self._send, consent_key=self._consent_key()))
        return Layer(surface, widgets, rotation)

    def _title(self) -> str:
        return i18n.text("action.order" if self.kind == "cart" else "action.send", self.locale)

    def _qr(self, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget]) -> None:
        """The QR code of the link, with what to do beside it."""
        keys = ("send.cart_qr", "send.cart_qr_note") if self.kind == "cart" else (
            "send.qr", "send.qr_note")
        qr_body(self._look, surface, body, widgets,
                self._service.link(self.codes, self.kind) or "", self.locale, keys)

    def _consent_key(self) -> str | None:
        """The fine print under the consent box (None: the channel's own)."""
        return None

    def _deliver(self, channel: str, typed: str) -> SendResult:
        """Queue what the sheet sends to what was typed (ContactError for a bad one)."""
        return self._service.send(channel, typed, self.codes, self.locale, self.kind)

    def _present(self, done: Callable[[str], None]) -> bool:
        """Offer the link on the NFC reader; False when it cannot."""
        return self._service.offer_nfc(self.codes, done, self.kind)

    def _header(self, surface: pygame.Surface, text: pygame.Rect, widgets: list[Widget],
                title: str) -> int:
        """Title and what is being sent; returns the bottom."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        heading = look.paragraph(surface, title, text, 28, theme.text, bold=True, max_lines=2)
        widgets.append(Widget("heading", heading, text=title, size=28))
        what = self._what()
        line = look.write(surface, look.text.fit(what, px(SMALL), text.width),
                          (text.left, heading.bottom + px(4)), SMALL, theme.muted)
        widgets.append(Widget("text", line, text=what, size=SMALL))
        return line.bottom

    def _what(self) -> str:
        """What is being sent, under the title."""
        products = [p for code in self.codes if (p := self._catalog.get(code)) is not None]
        return (described(products[0], self.locale) if len(self.codes) == 1 and products else
                i18n.text("send.selection_of", self.locale, n=len(self.codes)))

    def _selection_offered(self) -> bool:
        return self.kind == "product" and len(self._service.selection) > 1 and self._service.link(
            self._service.selection) is not None

    def _choices_width(self) -> int:
        """Width of the channels and the selection choice side by side."""
        look, px = self._look, self._look.theme.px
        labels = [i18n.text(CHANNEL_KEYS[channel], self.locale)
                  for channel in self._service.channels]
        if self._selection_offered():
            labels.append(i18n.text("send.my_selection", self.locale))
        return (sum(button_width(look, label, CHIP_PAD) for label in labels)
                + px(10) * len(labels) + px(14))

    def _choices(self, surface: pygame.Surface, row: pygame.Rect,
                 widgets: list[Widget]) -> int:
        """Channels, then the choice of sending the whole selection: on the same row when it
        fits, on a row of its own otherwise. Returns the bottom."""
        look, px = self._look, self._look.theme.px
        left = row.left
        for channel in self._service.channels:
            label = i18n.text(CHANNEL_KEYS[channel], self.locale)
            rect = pygame.Rect(left, row.top, button_width(look, label, CHIP_PAD), row.height)
            button(look, surface, rect, label, lambda c=channel: self._choose(c), widgets,
                   filled=False, selected=channel == self.channel)
            left = rect.right + px(10)
        bottom = row.bottom
        if self._selection_offered():
            label = i18n.text("send.my_selection", self.locale)
            rect = pygame.Rect(0, row.top, button_width(look, label, CHIP_PAD), row.height)
            rect.right = row.right
            if rect.left < left + px(14):
                rect.topleft = (row.left, row.bottom + px(10))
                bottom = rect.bottom
            button(look, surface, rect, label, self._toggle_selection, widgets, filled=False,
                   selected=self.what == "selection")
        return bottom

    def _choose(self, channel: str) -> None:
        if channel != self.channel:
            self._count_qr()
            self._qr_since = time.monotonic()
        self.channel = channel
        self.forget()
        self._notice = None
        self.invalidate()

    def _toggle_selection(self) -> None:
        self.what = "product" if self.what == "selection" else "selection"
        self.invalidate()

    def _key(self, key: str) -> None:
        self._type(key, self.locale, MAX_TYPED.get(self.channel, 0))

    def _send(self) -> None:
        if not self._consent:
            self._notice = ("error", i18n.text("send.need_consent", self.locale))
        else:
            try:
                result = self._deliver(self.channel, self._typed)
            except ContactError as refused:
                self._notice = ("error", i18n.text(refused.key, self.locale, **refused.values))
            else:
                self._notice = ("ok" if result.ok else "error",
                                i18n.text(result.key, self.locale))
                if result.written is not None:
                    self._written = result.written
                    self._notice = ("wait", i18n.text("send.storing", self.locale))
                if result.ok:
                    self.forget()
        self.invalidate()

    def _start_nfc(self) -> None:
        def done(state: str) -> None:
            if state == "read":
                self._note_sent("nfc")
            self._nfc_state = state
            self.invalidate()

        offered = self._present(done)
        self._nfc_state = "waiting" if offered else "unsupported"
        self.invalidate()

    def _close(self) -> None:
        self._on_close()


def described(product: Product, locale: str) -> str:
    """The product's name, and for a variant what makes it: ``… Pulse 3 · 44, Bleu``."""
    options = options_of(product, locale)
    name = product.name[locale]
    return f"{name} · {', '.join(options.values())}" if options else name
