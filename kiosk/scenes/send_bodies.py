"""What the send sheet shows under its choices, for each channel, at any of its sizes: the QR
code with its explanation beside or under it; the typed number or address with its keypad,
the consent box and the send button; the NFC hint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from kiosk import i18n
from kiosk.handoff.outbox.store import mask
from kiosk.scenes.keyboards import KEY_GAP, keyboard
from kiosk.scenes.panel_frame import BUTTON, button, button_width
from kiosk.scenes.panel_sections import BODY, CONTROL, SMALL
from kiosk.scenes.panel_views import qr_surface
from kiosk.ui.look import Look
from kiosk.ui.widgets import Widget

QR_MAX = 380
QR_TEXT_MIN = 300  # design width the explanation needs beside the QR code
PHONE_KEY = (100, 64)
LETTER_KEY = (58, 48)
MIN_KEY = 48
FIELD = 64
CONSENT_WIDTH = 250  # design width the consent box and its fine print want beside the keys


@dataclass
class Typing:
    """The state of a keypad: what was typed, consent, the last notice, and what taps do."""

    channel: str
    locale: str
    typed: str
    consent: bool
    notice: tuple[str, str] | None
    on_key: Callable[[str], None]
    on_consent: Callable[[], None]
    on_send: Callable[[], None]
    send_key: str = "send.send"
    """The send button's words (a reservation says "Confirmer")."""
    consent_key: str | None = None
    """The fine print under the consent box (else the channel's own)."""


def qr_body(look: Look, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget],
            url: str, locale: str, keys: tuple[str, str] = ("send.qr", "send.qr_note"),
            **values: object) -> None:
    """The link as a QR code, with what to do beside it (or under it on a narrow sheet):
    ``keys`` name the hint and the note under it, ``values`` fill the note's blanks."""
    px, theme = look.theme.px, look.theme
    beside = body.width - min(px(QR_MAX), body.height) - px(36) >= px(QR_TEXT_MIN)
    side = min(px(QR_MAX), body.height if beside else body.height - px(170), body.width)
    code = qr_surface(url, side)
    if beside:
        frame = surface.blit(code, code.get_rect(midleft=(body.left, body.centery)))
        text = pygame.Rect(frame.right + px(36), body.top + px(30),
                           body.right - frame.right - px(36), body.height - px(30))
    else:
        frame = surface.blit(code, code.get_rect(midtop=(body.centerx, body.top)))
        text = pygame.Rect(body.left, frame.bottom + px(14), body.width,
                           body.bottom - frame.bottom - px(14))
    said = i18n.text(keys[0], locale)
    widgets.append(Widget("qr", frame, label=said, text=url))
    hint = look.paragraph(surface, said, text, 30, theme.text, bold=True,
                          max_lines=3 if beside else 2)
    widgets.append(Widget("text", hint, text=said, size=30))
    note = i18n.text(keys[1], locale, **values)
    rect = look.paragraph(surface, note, pygame.Rect(text.left, hint.bottom + px(12),
                                                     text.width, text.bottom - hint.bottom
                                                     - px(12)), BODY, theme.muted)
    widgets.append(Widget("text", rect, text=note, size=BODY))


def typing_body(look: Look, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget],
                state: Typing) -> None:
    """The typed value and the send button on one row; under it the keypad, with the consent
    box and its fine print beside it."""
    px, theme = look.theme.px, look.theme
    send_label = i18n.text(state.send_key, state.locale)
    send = pygame.Rect(0, body.top + (px(FIELD) - px(BUTTON)) // 2,
                       button_width(look, send_label), px(BUTTON))
    send.right = body.right
    button(look, surface, send, send_label, state.on_send, widgets, filled=False,
           selected=state.consent and bool(state.typed))
    field = pygame.Rect(body.left, body.top, send.left - px(16) - body.left, px(FIELD))
    pygame.draw.rect(surface, theme.subtle, field, border_radius=px(14))
    shown = state.typed or i18n.text(f"send.{state.channel}_placeholder", state.locale)
    value = look.text.render(look.text.fit(shown, px(30), field.width - px(32), True), px(30),
                             theme.text if state.typed else theme.muted, True)
    surface.blit(value, value.get_rect(midleft=(field.left + px(16), field.centery)))
    widgets.append(Widget("input", field, label=i18n.text(f"send.{state.channel}", state.locale),
                          text=mask(state.typed) if state.typed else "", size=30))
    keys = pygame.Rect(body.left, field.bottom + px(14), body.width,
                       body.bottom - field.bottom - px(14))
    rows = keyboard(state.channel, state.locale)
    design = PHONE_KEY if state.channel == "sms" else LETTER_KEY
    scale = _key_scale(look, rows, design[0], keys.width - px(CONSENT_WIDTH) - px(24))
    height = max(px(MIN_KEY), min(px(design[1]), (keys.height - (len(rows) - 1) * px(KEY_GAP))
                                  // len(rows)))
    pad = _keypad(look, surface, keys.topleft, rows, (scale, height), widgets, state)
    if body.right - pad.right - px(24) >= px(CONSENT_WIDTH) * 3 // 4:
        side = pygame.Rect(pad.right + px(24), keys.top, body.right - pad.right - px(24),
                           keys.height)
    else:
        side = pygame.Rect(body.left, pad.bottom + px(14), body.width,
                           body.bottom - pad.bottom - px(14))
    _consent(look, surface, side, widgets, state)


def _key_scale(look: Look, rows: list[list[tuple[str, int]]], key: int, room: int) -> float:
    """How much keys shrink so the keypad fits ``room`` pixels, never under ``MIN_KEY``."""
    px = look.theme.px
    widest = max(sum(width for _, width in row) for row in rows)
    gaps = (max(len(row) for row in rows) - 1) * px(KEY_GAP)
    return min(1.0, max(MIN_KEY / key, (room - gaps) / px(widest)))


def _keypad(look: Look, surface: pygame.Surface, topleft: tuple[int, int],
            rows: list[list[tuple[str, int]]], size: tuple[float, int], widgets: list[Widget],
            state: Typing) -> pygame.Rect:
    """Digits for a phone number, the shopper's keyboard layout for an e-mail address; keys
    ``size`` (width scale, height); returns the keypad's bounds."""
    px, theme = look.theme.px, look.theme
    scale, height = size
    gap = px(KEY_GAP)
    bounds = pygame.Rect(topleft, (0, 0))
    for row_index, row in enumerate(rows):
        left = topleft[0]
        for label, width in row:
            rect = pygame.Rect(left, topleft[1] + row_index * (height + gap),
                               max(px(MIN_KEY), round(px(width) * scale)), height)
            pygame.draw.rect(surface, theme.subtle, rect, border_radius=px(12))
            pygame.draw.rect(surface, theme.line, rect, px(2), border_radius=px(12))
            rendered = look.text.render(label, px(CONTROL), theme.text, True)
            surface.blit(rendered, rendered.get_rect(center=rect.center))
            widgets.append(Widget("key", rect, label=label, size=CONTROL,
                                  on_tap=lambda key=label: state.on_key(key)))
            left = rect.right + gap
            bounds.union_ip(rect)
    return bounds


def _consent(look: Look, surface: pygame.Surface, area: pygame.Rect, widgets: list[Widget],
             state: Typing) -> None:
    """The consent box (the whole line toggles it), then the last notice and the fine print
    on what the number or address is used for."""
    px, theme = look.theme.px, look.theme
    row = pygame.Rect(area.left, area.top, area.width, px(BUTTON))
    box = pygame.Rect(row.left, 0, px(40), px(40))
    box.centery = row.centery
    pygame.draw.rect(surface, theme.accent if state.consent else theme.surface, box,
                     border_radius=px(8))
    pygame.draw.rect(surface, theme.accent if state.consent else theme.muted, box, px(3),
                     border_radius=px(8))
    if state.consent:
        pygame.draw.lines(surface, theme.surface, False, [
            (box.left + px(9), box.centery), (box.left + px(17), box.bottom - px(10)),
            (box.right - px(8), box.top + px(10))], px(5))
    agree = i18n.text("send.agree", state.locale)
    label = look.text.render(look.text.fit(agree, px(BODY), row.right - box.right - px(14),
                                           True), px(BODY), theme.text, True)
    surface.blit(label, label.get_rect(midleft=(box.right + px(14), row.centery)))
    widgets.append(Widget("toggle", row, label=agree, size=BODY,
                          text="on" if state.consent else "off", on_tap=state.on_consent))
    top = row.bottom + px(6)
    if state.notice is not None:
        tone, message = state.notice
        color = {"ok": theme.ok, "wait": theme.muted}.get(tone, theme.promo)
        rect = look.paragraph(surface, message, pygame.Rect(area.left, top, area.width,
                                                            area.bottom - top), BODY, color,
                              bold=True, max_lines=4)
        widgets.append(Widget("notice", rect, label=tone, text=message, size=BODY))
        top = rect.bottom + px(8)
    why = i18n.text(state.consent_key or f"send.{state.channel}_consent", state.locale)
    if area.bottom - top >= look.text.line_height(px(SMALL)):
        small = look.paragraph(surface, why, pygame.Rect(area.left, top, area.width,
                                                         area.bottom - top), SMALL, theme.muted)
        widgets.append(Widget("text", small, text=why, size=SMALL))


def waiting_body(look: Look, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget],
                 message: str, tone: str = "wait") -> None:
    """A message where the QR code will be (being prepared) or would have been (gone)."""
    px, theme = look.theme.px, look.theme
    color = theme.muted if tone == "wait" else theme.promo
    rect = look.paragraph(surface, message, pygame.Rect(body.left, body.top + px(40),
                                                        body.width, body.height - px(40)),
                          30, color, bold=True, max_lines=3)
    widgets.append(Widget("notice", rect, label=tone, text=message, size=30))


def nfc_body(look: Look, surface: pygame.Surface, body: pygame.Rect, widgets: list[Widget],
             locale: str, state: str, start: Callable[[], None]) -> None:
    """Where to hold the phone, what the reader is doing, and the button to offer the link."""
    px, theme = look.theme.px, look.theme
    hint = look.paragraph(surface, i18n.text("send.nfc_hint", locale),
                          pygame.Rect(body.left, body.top + px(20), body.width, px(90)), 30,
                          theme.text, bold=True, max_lines=2)
    widgets.append(Widget("text", hint, text=i18n.text("send.nfc_hint", locale), size=30))
    status = i18n.text(f"send.nfc_{state}", locale)
    rect = look.paragraph(surface, status, pygame.Rect(body.left, hint.bottom + px(16),
                                                       body.width, px(70)), BODY,
                          theme.ok if state == "read" else theme.muted)
    widgets.append(Widget("notice", rect, label=state, text=status, size=BODY))
    if state != "waiting":
        label = i18n.text("send.nfc_start", locale)
        button(look, surface, pygame.Rect(body.left, rect.bottom + px(20),
                                          button_width(look, label), px(BUTTON)),
               label, start, widgets, filled=True)
