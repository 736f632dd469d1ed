"""Staff mode's screen: first a PIN pad, then what staff need without a keyboard — devices,
the send queue, content errors and the last problems logged — and their controls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import pygame

from kiosk import i18n
from kiosk.scenes.cached_layer import SHADOW, CachedLayer
from kiosk.scenes.panel_sections import BODY, CONTROL, SMALL
from kiosk.staff.gate import MAX_TRIES, StaffGate
from kiosk.ui.draw import card, dot, pill
from kiosk.ui.look import Look
from kiosk.ui.widgets import Layer, Rotation, Widget

SCREEN_SIZE = (1000, 500)
PAD = 28
KEY = (110, 70)
MAX_PIN = 12


@dataclass(frozen=True)
class StaffFacts:
    """What the staff screen reports, gathered by the app when it is drawn."""

    devices: tuple[tuple[str, str, str], ...]   # (name, state, reason)
    waiting_messages: int | None  # None until first counted
    content_errors: tuple[str, ...]
    recent_problems: tuple[str, ...]
    default_locale: str
    today: str = ""


@dataclass
class StaffActions:
    """What staff can do from the screen."""

    facts: Callable[[], StaffFacts]
    reload: Callable[[], None]
    next_default_locale: Callable[[], None]
    quit: Callable[[], None]
    close: Callable[[], None]


class StaffScreen(CachedLayer):
    """The PIN pad, then the staff panel; re-rendered on each tap (it is rarely shown)."""

    def __init__(self, look: Look, gate: StaffGate, actions: StaffActions, locale: str) -> None:
        super().__init__(look)
        self._gate = gate
        self._actions = actions
        self.locale = locale
        self.unlocked = False
        self._typed = ""
        self._message = ""
        self._shown: StaffFacts | None = None
        self._checking: Future[str] | None = None
        """A PIN being checked in the render worker: scrypt takes tens of milliseconds."""

    @property
    def steps(self) -> tuple[tuple[int, int], ...]:
        """One size: the staff screen opens over everything."""
        return (SCREEN_SIZE,)

    def _outdated(self, today: dt.date) -> bool:
        """Once open, the panel is redrawn when what it reports changed (device states, the
        queue, figures read off the frame loop): comparing the facts is cheaper than drawing.
        A PIN checked meanwhile shows its answer."""
        if self._checking is not None and self._checking.done():
            self._answer(self._checking.result())
            self._checking = None
            self.invalidate()
            return True
        return self.unlocked and self._actions.facts() != self._shown

    def _render(self, rotation: Rotation, today: dt.date) -> Layer:
        px, theme = self._look.theme.px, self._look.theme
        surface, inner = card((px(SCREEN_SIZE[0]), px(SCREEN_SIZE[1])), theme.surface, px(28),
                              px(SHADOW))
        title = i18n.text("staff.title", self.locale)
        widgets = [Widget("staff", inner.copy(), label=title,
                          text="open" if self.unlocked else "pin")]
        heading = self._look.write(surface, title, (inner.left + px(PAD), inner.top + px(PAD)),
                                   30, theme.text, True)
        widgets.append(Widget("heading", heading, text=title, size=30))
        self._button(surface, widgets, i18n.text("action.close", self.locale),
                     self._actions.close, topright=(inner.right - px(PAD),
                                                    inner.top + px(PAD) - px(8)))
        body = pygame.Rect(inner.left + px(PAD), heading.bottom + px(24),
                           inner.width - 2 * px(PAD), inner.bottom - heading.bottom - px(52))
        (self._panel if self.unlocked else self._pin_pad)(surface, body, widgets)
        return Layer(surface, widgets, rotation)

    def _pin_pad(self, surface: pygame.Surface, body: pygame.Rect,
                 widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        field = pygame.Rect(body.left, body.top, px(380), px(70))
        pygame.draw.rect(surface, theme.subtle, field, border_radius=px(14))
        shown = "•" * len(self._typed) or i18n.text("staff.pin", self.locale)
        value = look.text.render(shown, px(32), theme.text if self._typed else theme.muted, True)
        surface.blit(value, value.get_rect(midleft=(field.left + px(18), field.centery)))
        widgets.append(Widget("input", field, label=i18n.text("staff.pin", self.locale),
                              text="•" * len(self._typed), size=32))
        if self._message:
            rect = look.paragraph(surface, self._message, pygame.Rect(
                body.left, field.bottom + px(20), field.width, px(120)), BODY, theme.promo,
                bold=True, max_lines=4)
            widgets.append(Widget("notice", rect, label="error", text=self._message, size=BODY))
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9",
                i18n.text("send.delete", self.locale), "0", i18n.text("staff.enter", self.locale)]
        left = body.right - 3 * px(KEY[0]) - 2 * px(10)
        for index, label in enumerate(keys):
            rect = pygame.Rect(left + (index % 3) * (px(KEY[0]) + px(10)),
                               body.top + (index // 3) * (px(KEY[1]) + px(10)), px(KEY[0]),
                               px(KEY[1]))
            pill(surface, rect, theme.accent if index == 11 else theme.subtle, theme.line, px(2))
            rendered = look.text.render(label, px(26 if len(label) <= 2 else CONTROL),
                                        theme.surface if index == 11 else theme.text, True)
            surface.blit(rendered, rendered.get_rect(center=rect.center))
            widgets.append(Widget("key", rect, label=label, size=CONTROL,
                                  on_tap=lambda label=label: self._key(label)))

    def _panel(self, surface: pygame.Surface, body: pygame.Rect,
               widgets: list[Widget]) -> None:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        facts = self._shown = self._actions.facts()
        colors = {"ok": theme.ok, "starting": theme.muted, "stopped": theme.muted}
        top = body.top
        left_width = body.width - px(360)
        for name, state, reason in facts.devices:
            dot(surface, (body.left + px(8), top + px(16)), px(8), colors.get(state,
                                                                               theme.promo))
            line = f"{name} : {state} {reason}".strip()
            rect = look.paragraph(surface, line, pygame.Rect(body.left + px(26), top,
                                                             left_width - px(26), px(60)),
                                  SMALL, theme.text, max_lines=2)
            widgets.append(Widget("status", rect, label=name, text=f"{state} {reason}".strip(),
                                  size=SMALL))
            top = rect.bottom + px(8)
        lines = [facts.today] if facts.today else []
        waiting = "…" if facts.waiting_messages is None else facts.waiting_messages
        lines.append(i18n.text("staff.outbox", self.locale, n=waiting))
        lines.append(i18n.text("staff.content_ok", self.locale) if not facts.content_errors
                     else i18n.text("staff.content_errors", self.locale,
                                    n=len(facts.content_errors)))
        lines += list(facts.content_errors[:3])
        lines.append(i18n.text("staff.problems", self.locale))
        lines += list(facts.recent_problems[-5:]) or [i18n.text("staff.no_problem", self.locale)]
        for line in lines:
            rect = look.paragraph(surface, line, pygame.Rect(body.left, top + px(6), left_width,
                                                             px(56)), SMALL, theme.muted,
                                  max_lines=2)
            widgets.append(Widget("text", rect, text=line, size=SMALL))
            top = rect.bottom
            if top > body.bottom - px(30):
                break
        language = i18n.text("staff.default_language", self.locale,
                             language=i18n.text("language", facts.default_locale))
        right = body.right
        top = body.top
        for label, action, filled in (
                (i18n.text("staff.reload", self.locale), self._actions.reload, False),
                (language, self._actions.next_default_locale, False),
                (i18n.text("staff.quit", self.locale), self._actions.quit, True)):
            rect = self._button(surface, widgets, label, action, topright=(right, top),
                                filled=filled, width=px(340))
            top = rect.bottom + px(16)

    def _button(self, surface: pygame.Surface, widgets: list[Widget], label: str,
                action: Callable[[], None], topright: tuple[int, int], filled: bool = False,
                width: int | None = None) -> pygame.Rect:
        look, px, theme = self._look, self._look.theme.px, self._look.theme
        rendered = look.text.render(label, px(CONTROL), theme.surface if filled else theme.text,
                                    True)
        rect = pygame.Rect(0, 0, width or rendered.get_width() + px(48), px(58))
        rect.topright = topright
        pill(surface, rect, theme.promo if filled else theme.surface, theme.line, px(2))
        surface.blit(rendered, rendered.get_rect(center=rect.center))
        widgets.append(Widget("button", rect, label=label, size=CONTROL,
                              on_tap=lambda: self._after(action)))
        return rect

    def _after(self, action: Callable[[], None]) -> None:
        action()
        self.invalidate()

    def _key(self, label: str) -> None:
        if label == i18n.text("send.delete", self.locale):
            self._typed = self._typed[:-1]
        elif label == i18n.text("staff.enter", self.locale):
            self._enter()
        elif len(self._typed) < MAX_PIN:
            self._typed += label
        self.invalidate()

    def _enter(self) -> None:
        typed, self._typed = self._typed, ""
        renderer = self._look.renderer
        if not self._gate.configured:
            self._answer("unset")
        elif renderer is not None and renderer.enabled:
            if self._checking is None:
                self._checking = renderer.submit(lambda: self._gate.check(typed))
        else:
            self._answer(self._gate.check(typed))

    def _answer(self, result: str) -> None:
        """Show what the gate said of a PIN."""
        if result == "ok":
            self.unlocked, self._message = True, ""
        elif result == "locked":
            minutes = max(1, round(self._gate.locked_for() / 60))
            self._message = i18n.text("staff.locked", self.locale, minutes=minutes)
        elif result == "unset":
            self._message = i18n.text("staff.no_pin", self.locale)
        else:
            self._message = i18n.text("staff.wrong", self.locale, max=MAX_TRIES)
