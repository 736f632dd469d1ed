"""The sheet a shopper opens with "Réserver": where to collect the product shown (this store,
or another one with stock, each with its stock), their mobile number on the table's keypad with
the consent box, then what became of the request: waiting (kept while the network is down),
the code and pick-up deadline, or the refusal said plainly.

The number lives only in this sheet until it is handed to the send service (or the sheet
closes); the widget tree shows it masked. The answer is read from memory each frame
(``SendService.reservation``): the sheet is drawn again only when it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pygame

from kiosk import i18n
from kiosk.catalog.catalog import Catalog
from kiosk.handoff.contact import ContactError
from kiosk.handoff.reserve import Place, Reservation
from kiosk.handoff.service import SendService
from kiosk.scenes.cached_layer import SHADOW, CachedLayer
from kiosk.scenes.keyboards import KeypadEntry
from kiosk.scenes.panel_frame import BUTTON, button, button_width
from kiosk.scenes.panel_sections import BODY, SMALL
from kiosk.scenes.send_bodies import Typing, typing_body
from kiosk.scenes.send_sheet import MAX_TYPED, SHEET_STEPS, described
from kiosk.ui.draw import card
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Widget

PAD = 24
TITLE = 28
STATUS = 30
CODE = 44
PLACE_WIDTH = 720  # design pixels: the widest a place button gets
SLOW_S = 8.0
"""Seconds without an answer after which the sheet says the network may be down (the request
is kept in the outbox and goes when it is back)."""
QUANTITY = 1
StatusKey = tuple[object, ...]


class ReserveSheet(CachedLayer, KeypadEntry):
    """One shopper's reservation of one product (the variant their panel shows)."""

    def __init__(self, code: str, locale: str, look: Look, catalog: Catalog,
                 service: SendService, on_close: Callable[[], None],
                 clock: Callable[[], float]) -> None:
        """``clock``: the scene's time in seconds (how long an answer has been awaited)."""
        super().__init__(look)
        self.code = code
        self.locale = locale
        self.stage = "where"  # then "phone", then "status"
        self.place: Place | None = None
        self._catalog = catalog
        self._service = service
        self._on_close = on_close
        self._clock = clock
        self._typed = ""
        self._consent = False
        self._notice: tuple[str, str] | None = None
        self._sent_at = 0.0
        self._shown_status: StatusKey = ()

    @property
    def steps(self) -> tuple[tuple[int, int], ...]:
        """The send sheet's sizes (the layout treats both alike)."""
        return SHEET_STEPS

    @property
    def places(self) -> tuple[Place, ...]:
        """Where the product can be reserved, this store first."""
        return self._service.reserve_places(self.code, self._catalog.get(self.code))

    def forget(self) -> None:
        """Drop what was typed."""
        self._typed = ""
        self._consent = False

    def leave(self) -> None:
        """The sheet closes (or the session ends): typing is dropped."""
        self.forget()

    def _status(self) -> StatusKey:
        """What the status shows: the request's state, and whether the wait is long."""
        found = self._service.reservation(self.code)
        slow = self._clock() - self._sent_at >= SLOW_S
        if found is None:
            return (None, slow)
        return (found.state, found.code, found.until, found.reason,
                slow and found.state == "waiting")

    def _outdated(self, today: dt.date) -> bool:
        """The answer came (or the wait got long) since the sheet was drawn."""
        return self.stage == "status" and self._status() != self._shown_status

    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        width, height = self.design
        surface, inner = card((px(width), px(height)), theme.surface, px(28), px(SHADOW))
        title = i18n.text("action.reserve", self.locale)
        widgets = [Widget("sheet", inner.copy(), label=title, text=self.code)]
        area = inner.inflate(-2 * px(PAD), -2 * px(PAD))
        top = self._header(surface, area, widgets, title)
        body = pygame.Rect(area.left, top + px(16), area.width, area.bottom - top - px(16))
        if self.stage == "where":
            self._where(surface, body, widgets)
        elif self.stage == "phone" and self.place is not None:
            typing_body(look, surface, body, widgets, Typing(
                "sms", self.locale, self._typed, self._consent, self._notice, self._key,
                self._toggle_consent, self._send, "reserve.confirm", "reserve.consent"))
        else:
            self._shown_status = self._status()
            self._answer(surface, body, widgets, self._service.reservation(self.code), today)
        return Layer(surface, widgets, rotation)

    def _header(self, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
                title: str) -> int:
        """Title, the product and (once chosen) where; buttons on the right: back to the
        choice of store when there is one, and close. Returns the bottom."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        label = i18n.text("action.close", self.locale)
        right = area.right
        close = pygame.Rect(right - button_width(look, label), area.top - px(6),
                            button_width(look, label), px(BUTTON))
        button(look, surface, close, label, self._on_close, widgets, filled=False)
        right = close.left - px(12)
        back = i18n.text("reserve.back", self.locale)
        if self._may_go_back():
            rect = pygame.Rect(right - button_width(look, back), close.top,
                               button_width(look, back), px(BUTTON))
            button(look, surface, rect, back, self._back, widgets, filled=False)
            right = rect.left - px(12)
        text = pygame.Rect(area.left, area.top, right - px(4) - area.left, px(80))
        heading = look.paragraph(surface, title, text, TITLE, theme.text, bold=True,
                                 max_lines=1)
        widgets.append(Widget("heading", heading, text=title, size=TITLE))
        product = self._catalog.get(self.code)
        what = described(product, self.locale) if product is not None else self.code
        top = heading.bottom + px(4)
        room = (right if top < close.bottom else area.right) - px(4) - area.left
        if look.text.width(what, px(SMALL)) > room and top < close.bottom:
            top, room = close.bottom + px(4), area.width  # under the buttons, whole
        line = look.write(surface, look.text.fit(what, px(SMALL), room), (area.left, top),
                          SMALL, theme.muted)
        widgets.append(Widget("text", line, text=what, size=SMALL))
        bottom = max(line.bottom, close.bottom - px(6))
        if self.place is not None and self.stage != "where":
            where = " · ".join(part for part in (
                i18n.text("reserve.at", self.locale, where=self.place.name),
                self._stock(self.place)) if part)
            rect = look.write(surface, look.text.fit(where, px(BODY), area.width, True),
                              (area.left, bottom + px(8)), BODY, theme.text, True)
            widgets.append(Widget("place", rect, text=where, size=BODY))
            bottom = rect.bottom
        return bottom

    def _may_go_back(self) -> bool:
        if len(self.places) < 2:
            return False
        if self.stage == "phone":
            return True
        found = self._service.reservation(self.code)
        return self.stage == "status" and found is not None and found.state in (
            "refused", "failed")

    def _stock(self, place: Place) -> str:
        """``ce magasin · 14 en stock``, ``2 en stock``: what the shopper reads of a place."""
        parts = [i18n.text("reserve.here", self.locale)] if place.here else []
        if place.stock is not None:
            parts.append(i18n.text("reserve.stock", self.locale, n=place.stock))
        return " · ".join(parts)

    def _where(self, surface: pygame.Surface, body: pygame.Rect,
               widgets: list[Widget]) -> None:
        """The question, then a button per place: its name, and its stock on the right (in two
        columns on a wide sheet when there are many)."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        question = i18n.text("reserve.where", self.locale)
        heading = look.paragraph(surface, question, body, STATUS, theme.text, bold=True,
                                 max_lines=2)
        widgets.append(Widget("text", heading, text=question, size=STATUS))
        top = heading.bottom + px(16)
        places = self.places
        if not places:  # sold out everywhere since the panel offered it
            gone = i18n.text("reserve.unavailable", self.locale)
            rect = look.paragraph(surface, gone, pygame.Rect(body.left, top, body.width,
                                                             body.bottom - top), BODY,
                                  theme.promo, bold=True, max_lines=3)
            widgets.append(Widget("notice", rect, label="unavailable", text=gone, size=BODY))
        rows = max(1, (body.bottom - top + px(12)) // (px(BUTTON) + px(12)))
        columns = 2 if len(places) > rows and body.width >= px(PLACE_WIDTH) + px(24) else 1
        width = min(px(PLACE_WIDTH), (body.width - (columns - 1) * px(24)) // columns)
        for index, place in enumerate(places[:rows * columns]):
            column, row = divmod(index, rows)
            rect = pygame.Rect(body.left + column * (width + px(24)),
                               top + row * (px(BUTTON) + px(12)), width, px(BUTTON))
            self._place_button(surface, rect, place, widgets)

    def _place_button(self, surface: pygame.Surface, rect: pygame.Rect, place: Place,
                      widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        pygame.draw.rect(surface, theme.surface, rect, border_radius=px(16))
        pygame.draw.rect(surface, theme.accent, rect, px(2), border_radius=px(16))
        stock = self._stock(place)
        stock_width = look.text.width(stock, px(BODY)) if stock else 0
        room = rect.width - 2 * px(20) - (stock_width + px(16) if stock else 0)
        name = look.text.render(look.text.fit(place.name, px(BODY), room, True), px(BODY),
                                theme.text, True)
        surface.blit(name, name.get_rect(midleft=(rect.left + px(20), rect.centery)))
        if stock:
            fitted = look.text.fit(stock, px(BODY), rect.width - px(40) - name.get_width())
            rendered = look.text.render(fitted, px(BODY), theme.muted)
            surface.blit(rendered, rendered.get_rect(midright=(rect.right - px(20),
                                                               rect.centery)))
        widgets.append(Widget("button", rect, label=place.name, text=stock, size=BODY,
                              on_tap=lambda: self._choose(place)))

    def _answer(self, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget],
                found: Reservation | None, today: dt.date) -> None:
        """What became of the request, in plain words."""
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        where = self.place.name if self.place is not None else ""
        state = "waiting" if found is None else found.state
        lines: list[tuple[str, str, int, pygame.Color]] = []  # role, text, size, colour
        if state == "confirmed" and found is not None:
            heading, tone = i18n.text("reserve.confirmed", self.locale, where=where), theme.ok
            if found.code:
                lines.append(("code", i18n.text("reserve.code", self.locale, code=found.code),
                              CODE, theme.text))
            day = today.date() if isinstance(today, dt.datetime) else today
            until = found.until_text(self.locale, day)
            if until:
                lines.append(("text", i18n.text("reserve.until", self.locale, until=until),
                              STATUS, theme.text))
            lines.append(("text", i18n.text("reserve.sms_too", self.locale), BODY,
                          theme.muted))
        elif state == "refused" and found is not None:
            tone = theme.promo
            reason = found.reason or ""
            if "stock" in reason.lower():
                heading = i18n.text("reserve.no_stock", self.locale, where=where)
            else:
                heading = i18n.text("reserve.refused", self.locale, where=where)
                if reason:
                    lines.append(("text", i18n.text("reserve.reason", self.locale,
                                                    reason=reason), BODY, theme.text))
            lines.append(("text", i18n.text("reserve.ask_staff", self.locale), BODY,
                          theme.muted))
        elif state == "failed":
            heading, tone = i18n.text("reserve.failed", self.locale), theme.promo
        else:
            heading, tone = i18n.text("reserve.waiting", self.locale, where=where), theme.text
            lines.append(("text", i18n.text("reserve.waiting_note", self.locale), BODY,
                          theme.muted))
            if self._shown_status[-1] is True:
                lines.append(("text", i18n.text("reserve.offline", self.locale), BODY,
                              theme.text))
        rect = look.paragraph(surface, heading, body, STATUS, tone, bold=True, max_lines=2)
        widgets.append(Widget("notice", rect, label=state, text=heading, size=STATUS))
        top = rect.bottom + px(16)
        for role, text, size, color in lines:
            if body.bottom - top < look.text.line_height(px(size)):
                break
            shown = look.paragraph(surface, text, pygame.Rect(body.left, top, body.width,
                                                              body.bottom - top),
                                   size, color, bold=size > BODY, max_lines=3)
            widgets.append(Widget(role, shown, text=text, size=size))
            top = shown.bottom + px(12)

    def _choose(self, place: Place) -> None:
        self.place, self.stage, self._notice = place, "phone", None
        self.invalidate()

    def _back(self) -> None:
        self.stage, self._notice = "where", None
        self.forget()
        self.invalidate()

    def _key(self, key: str) -> None:
        self._type(key, self.locale, MAX_TYPED["sms"])

    def _send(self) -> None:
        if self.place is None:
            return
        if not self._consent:
            self._notice = ("error", i18n.text("reserve.need_consent", self.locale))
        else:
            try:
                result = self._service.reserve(self._typed, self.code, self.place.store_id,
                                               QUANTITY, self.locale)
            except ContactError as refused:
                self._notice = ("error", i18n.text(refused.key, self.locale, **refused.values))
            else:
                if result.ok:
                    self.stage, self._notice, self._sent_at = "status", None, self._clock()
                    self.forget()
                else:
                    self._notice = ("error", i18n.text(result.key, self.locale))
        self.invalidate()
