"""The sheet a shopper opens with "Envoyer sur mon téléphone": a QR code (nothing to give), an
SMS or e-mail typed on the table's own keypad, or a tap of the phone on the NFC reader.

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
from kiosk.catalog import Catalog
from kiosk.contact import ContactError
from kiosk.handoff import SendService
from kiosk.outbox.store import mask
from kiosk.scenes.cached_layer import SHADOW, CachedLayer
from kiosk.scenes.keyboards import KEY_GAP, keyboard
from kiosk.scenes.panel_sections import BODY, SMALL
from kiosk.scenes.panel_views import qr_surface
from kiosk.ui.draw import card, pill
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Widget

SHEET_SIZE = (900, 600)
PAD = 24
BUTTON = 58
BODY_TOP = 176
CHANNEL_KEYS = {"qr": "send.qr_code", "sms": "send.sms", "email": "send.email", "nfc": "send.nfc"}
MAX_TYPED = {"sms": 20, "email": 64}
QR_SCAN_S = 4.0
"""A QR code shown this long (seconds) counts as taken: time to raise a phone and scan."""


class SendSheet(CachedLayer):
    """One shopper's send sheet for one product (or their selection)."""

    def __init__(self, code: str, locale: str, look: Look, catalog: Catalog,
                 service: SendService, on_close: Callable[[], None]) -> None:
        super().__init__(look)
        self.code = code
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
    def size(self) -> tuple[int, int]:
        """Screen size before turning, shadow included."""
        return self.outer_size(SHEET_SIZE)

    @property
    def codes(self) -> tuple[str, ...]:
        """What would be sent: this product, or the session's selection."""
        selection = self._service.selection
        if self.what == "selection" and len(selection) > 1:
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
            self._service.note_sent("qr", self.codes)

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
                        else ("ok", i18n.text("send.queued", self.locale)))
        return True

    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        px, theme = self._look.theme.px, self._look.theme
        self._shown_channels = self._service.channels
        surface, inner = card((px(SHEET_SIZE[0]), px(SHEET_SIZE[1])), theme.surface, px(28),
                              px(SHADOW))
        title = i18n.text("action.send", self.locale)
        widgets = [Widget("sheet", inner.copy(), label=title, text=" | ".join(self.codes))]
        self._header(surface, inner, widgets, title)
        self._choices(surface, inner, widgets)
        body = pygame.Rect(inner.left + px(PAD), inner.top + px(BODY_TOP),
                           inner.width - 2 * px(PAD), inner.height - px(BODY_TOP) - px(PAD))
        {"qr": self._qr, "sms": self._typing, "email": self._typing,
         "nfc": self._nfc}[self.channel](surface, body, widgets)
        return Layer(surface, widgets, rotation)

    def _header(self, surface: pygame.Surface, inner: pygame.Rect, widgets: list[Widget],
                title: str) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        heading = look.write(surface, title, (inner.left + px(PAD), inner.top + px(PAD)), 28,
                             theme.text, True)
        widgets.append(Widget("heading", heading, text=title, size=28))
        products = [p for code in self.codes if (p := self._catalog.get(code)) is not None]
        what = (products[0].name[self.locale] if len(self.codes) == 1 and products else
                i18n.text("send.selection_of", self.locale, n=len(self.codes)))
        line = look.write(surface, look.text.fit(what, px(SMALL), px(600)),
                          (heading.left, heading.bottom + px(6)), SMALL, theme.muted)
        widgets.append(Widget("text", line, text=what, size=SMALL))
        self._button(surface, widgets, i18n.text("action.close", self.locale),
                     self._close, topright=(inner.right - px(PAD), inner.top + px(PAD) - px(6)))

    def _choices(self, surface: pygame.Surface, inner: pygame.Rect,
                 widgets: list[Widget]) -> None:
        """Channels on the left; this product or the whole selection on the right."""
        px = self._look.theme.px
        left, top = inner.left + px(PAD), inner.top + px(100)
        for channel in self._service.channels:
            label = i18n.text(CHANNEL_KEYS[channel], self.locale)
            rect = self._button(surface, widgets, label, lambda c=channel: self._choose(c),
                                topleft=(left, top), selected=channel == self.channel)
            left = rect.right + px(10)
        if len(self._service.selection) > 1 and self._service.link(self._service.selection):
            right = inner.right - px(PAD)
            for what, label in (("selection", i18n.text("send.my_selection", self.locale)),
                                ("product", i18n.text("send.this_product", self.locale))):
                rect = self._button(surface, widgets, label, lambda w=what: self._pick(w),
                                    topright=(right, top), selected=what == self.what)
                right = rect.left - px(10)

    def _qr(self, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        url = self._service.link(self.codes) or ""
        code = qr_surface(url, min(body.height, px(380)))
        frame = surface.blit(code, code.get_rect(midleft=(body.left, body.centery)))
        widgets.append(Widget("qr", frame, label=i18n.text("send.qr", self.locale), text=url))
        text = pygame.Rect(frame.right + px(36), body.top + px(30),
                           body.right - frame.right - px(36), body.height)
        hint = look.paragraph(surface, i18n.text("send.qr", self.locale), text, 30, theme.text,
                              bold=True, max_lines=3)
        widgets.append(Widget("text", hint, text=i18n.text("send.qr", self.locale), size=30))
        note = i18n.text("send.qr_note", self.locale)
        rect = look.paragraph(surface, note, pygame.Rect(text.left, hint.bottom + px(18),
                                                         text.width, px(120)), BODY, theme.muted)
        widgets.append(Widget("text", rect, text=note, size=BODY))

    def _typing(self, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget]) -> None:
        """The typed value, the keypad, the consent toggle and the send button."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        keys = keyboard(self.channel, self.locale)
        key_area = pygame.Rect(body.left, body.top + px(76), px(640) if self.channel == "email"
                               else px(330), body.height - px(76))
        if self.channel == "sms":
            key_area.right = body.right
        field = pygame.Rect(body.left, body.top, (body.width if self.channel == "email"
                                                  else key_area.left - px(24) - body.left),
                            px(64))
        pygame.draw.rect(surface, theme.subtle, field, border_radius=px(14))
        shown = self._typed or i18n.text(f"send.{self.channel}_placeholder", self.locale)
        value = look.text.render(look.text.fit(shown, px(30), field.width - px(32), True),
                                 px(30), theme.text if self._typed else theme.muted, True)
        surface.blit(value, value.get_rect(midleft=(field.left + px(16), field.centery)))
        widgets.append(Widget("input", field, label=i18n.text(f"send.{self.channel}", self.locale),
                              text=mask(self._typed) if self._typed else "", size=30))
        key_height = 54 if self.channel == "email" else 64
        for row_index, row in enumerate(keys):
            left = key_area.left
            for label, width in row:
                rect = pygame.Rect(left, key_area.top + row_index * (px(key_height) + px(KEY_GAP)),
                                   px(width), px(key_height))
                pill(surface, rect, theme.subtle, theme.line, px(2))
                size = 26 if len(label) <= 4 else 20
                rendered = look.text.render(label, px(size), theme.text, True)
                surface.blit(rendered, rendered.get_rect(center=rect.center))
                widgets.append(Widget("key", rect, label=label, size=26,
                                      on_tap=lambda key=label: self._key(key)))
                left = rect.right + px(KEY_GAP)
        side = (pygame.Rect(key_area.right + px(24), key_area.top, body.right - key_area.right
                            - px(24), key_area.height) if self.channel == "email" else
                pygame.Rect(body.left, key_area.top, field.width, key_area.height))
        self._consent_and_send(surface, side, widgets)

    def _consent_and_send(self, surface: pygame.Surface, area: pygame.Rect,
                          widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        top = area.top
        if self._notice is not None:
            tone, message = self._notice
            rect = look.paragraph(surface, message, pygame.Rect(area.left, top, area.width,
                                                                px(96)),
                                  BODY - 2, {"ok": theme.ok, "wait": theme.muted}.get(
                                      tone, theme.promo), bold=True, max_lines=3)
            widgets.append(Widget("notice", rect, label=tone, text=message, size=BODY - 2))
            top = rect.bottom + px(10)
        row = pygame.Rect(area.left, top, area.width, px(BUTTON))
        box = pygame.Rect(row.left, 0, px(40), px(40))
        box.centery = row.centery
        pygame.draw.rect(surface, theme.accent if self._consent else theme.surface, box,
                         border_radius=px(8))
        pygame.draw.rect(surface, theme.accent if self._consent else theme.muted, box, px(3),
                         border_radius=px(8))
        if self._consent:
            pygame.draw.lines(surface, theme.surface, False, [
                (box.left + px(9), box.centery), (box.left + px(17), box.bottom - px(10)),
                (box.right - px(8), box.top + px(10))], px(5))
        agree = i18n.text("send.agree", self.locale)
        look.write(surface, agree, (box.right + px(14), box.centery - px(15)), BODY, theme.text,
                   True)
        widgets.append(Widget("toggle", row, label=agree, size=BODY,
                              text="on" if self._consent else "off",
                              on_tap=self._toggle_consent))
        why = i18n.text(f"send.{self.channel}_consent", self.locale)
        room = area.bottom - px(BUTTON) - px(10) - row.bottom - px(4)  # all of it, to the button
        small = look.paragraph(surface, why, pygame.Rect(area.left, row.bottom + px(4),
                                                         area.width, max(room, px(60))),
                               SMALL - 1, theme.muted, max_lines=10)
        widgets.append(Widget("text", small, text=why, size=SMALL - 1))
        label_text = i18n.text("send.send", self.locale)
        ready = self._consent and bool(self._typed)
        self._button(surface, widgets, label_text, self._send, selected=ready,
                     topleft=(area.left, max(small.bottom + px(10),
                                             area.bottom - px(BUTTON))))

    def _nfc(self, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        hint = look.paragraph(surface, i18n.text("send.nfc_hint", self.locale),
                              pygame.Rect(body.left, body.top + px(20), body.width, px(90)), 30,
                              theme.text, bold=True, max_lines=2)
        widgets.append(Widget("text", hint, text=i18n.text("send.nfc_hint", self.locale),
                              size=30))
        state = self._nfc_state or "idle"
        status = i18n.text(f"send.nfc_{state}", self.locale)
        rect = look.paragraph(surface, status, pygame.Rect(body.left, hint.bottom + px(16),
                                                           body.width, px(70)), BODY,
                              theme.ok if state == "read" else theme.muted)
        widgets.append(Widget("notice", rect, label=state, text=status, size=BODY))
        if state != "waiting":
            self._button(surface, widgets, i18n.text("send.nfc_start", self.locale),
                         self._start_nfc, topleft=(body.left, rect.bottom + px(20)),
                         selected=True)

    def _button(self, surface: pygame.Surface, widgets: list[Widget], label: str,
                action: Callable[[], None], topleft: tuple[int, int] | None = None,
                topright: tuple[int, int] | None = None, selected: bool = False) -> pygame.Rect:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        rendered = look.text.render(label, px(22), theme.surface if selected else theme.text,
                                    True)
        rect = pygame.Rect(0, 0, rendered.get_width() + px(48), px(BUTTON))
        if topright is not None:
            rect.topright = topright
        else:
            rect.topleft = topleft or (0, 0)
        if selected:
            pill(surface, rect, theme.accent)
        else:
            pill(surface, rect, theme.surface, theme.line, px(2))
        surface.blit(rendered, rendered.get_rect(center=rect.center))
        widgets.append(Widget("button", rect, label=label, size=22,
                              text="selected" if selected else "", on_tap=action))
        return rect

    def _choose(self, channel: str) -> None:
        if channel != self.channel:
            self._count_qr()
            self._qr_since = time.monotonic()
        self.channel = channel
        self.forget()
        self._notice = None
        self.invalidate()

    def _pick(self, what: str) -> None:
        self.what = what
        self.invalidate()

    def _key(self, key: str) -> None:
        if key == i18n.text("send.delete", self.locale):
            self._typed = self._typed[:-1]
        elif len(self._typed) + len(key) <= MAX_TYPED.get(self.channel, 0):
            self._typed += key
        self._notice = None
        self.invalidate()

    def _toggle_consent(self) -> None:
        self._consent = not self._consent
        self.invalidate()

    def _send(self) -> None:
        if not self._consent:
            self._notice = ("error", i18n.text("send.need_consent", self.locale))
        else:
            try:
                result = self._service.send(self.channel, self._typed, self.codes, self.locale)
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
                self._service.note_sent("nfc", self.codes)
            self._nfc_state = state
            self.invalidate()

        self._nfc_state = "waiting" if self._service.offer_nfc(self.codes, done) else (
            "unsupported")
        self.invalidate()

    def _close(self) -> None:
        self._on_close()
