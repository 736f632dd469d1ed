"""Every card at every size, in both languages and in large text: nothing drawn over anything
else, nothing outside the card, and text and targets big enough to use from a metre."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pygame
import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff.service import SendService
from kiosk.scenes.cached_layer import CachedLayer
from kiosk.scenes.compare import ComparePanel
from kiosk.scenes.product_panel import TABS, ProductPanel
from kiosk.scenes.send_sheet import SendSheet
from kiosk.ui.look import Look

TODAY = dt.date(2026, 11, 26)
TV, CLARA, SHOE = "3760000000017", "3760000000024", "3760000000093"
CONTROLS = {"tab", "button", "key", "toggle"}
BODY = {"description", "availability", "spec", "review", "post", "difference", "comparison",
        "notice", "input"}
CONTAINERS = {"panel", "sheet", "compare"}


def faults(card: CachedLayer, look: Look) -> list[str]:
    """What is wrong with the card as rendered: widgets overlapping or outside it, text or
    targets too small."""
    layer = card.layer(0, TODAY)
    widgets = layer.visible_widgets()
    frame = widgets[0][1]
    found = []
    leaves = [(widget, rect) for widget, rect in widgets[1:] if widget.role not in CONTAINERS]
    for index, (widget, rect) in enumerate(leaves):
        name = f"{widget.role} {widget.label or widget.text[:30]!r}"
        if not frame.contains(rect):
            found.append(f"{name} leaves the card: {rect} outside {frame}")
        for other, other_rect in leaves[index + 1:]:
            if rect.colliderect(other_rect):
                found.append(f"{name} {rect} overlaps {other.role} "
                             f"{other.label or other.text[:30]!r} {other_rect}")
        if widget.on_tap is not None and min(widget.rect.size) < look.theme.px(48):
            found.append(f"{name} is a target of {widget.rect.size}")
        if (widget.size and widget.size < 20) or (
                widget.role in CONTROLS | BODY and widget.size and widget.size < 24):
            found.append(f"{name} has text of {widget.size} px")
    return found


def each_step(card: CachedLayer) -> Iterator[int]:
    for step in range(len(card.steps)):
        card.set_step(step)
        yield step


def sheet_faults(sheet: SendSheet, look: Look, channels: tuple[str, ...]) -> list[str]:
    """``faults`` of a send sheet at each of its sizes, with each channel chosen."""
    problems = []
    for step in each_step(sheet):
        for channel in channels:
            sheet._choose(channel)
            problems += [f"step {step} {channel}: {fault}" for fault in faults(sheet, look)]
    return problems


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_product_panels_at_every_size_and_tab(look: Look, demo_config: KioskConfig,
                                              locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    problems = []
    for code in (TV, SHOE):
        panel = ProductPanel(code, catalog.get(code), locale, look, catalog)
        panel.compare_with = (CLARA,)
        for step in each_step(panel):
            for tab in TABS:
                panel.select_tab(tab)
                problems += [f"{code} step {step} {tab}: {fault}"
                             for fault in faults(panel, look)]
    suggested = ProductPanel(CLARA, catalog.get(CLARA), locale, look, catalog, on_table=False)
    for step in each_step(suggested):
        problems += [f"suggested step {step}: {fault}" for fault in faults(suggested, look)]
    unknown = ProductPanel("2000000000008", None, locale, look, catalog)
    problems += [f"unknown: {fault}" for fault in faults(unknown, look)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_send_sheets_at_every_size_and_channel(look: Look, demo_config: KioskConfig,
                                               service: SendService, locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    problems = []
    for selection in (False, True):
        if selection:
            service.note_placed(TV)
            service.note_placed(CLARA)
        sheet = SendSheet(TV, locale, look, catalog, service, lambda: None)
        assert set(service.channels) == {"qr", "sms", "email", "nfc"}
        for step in each_step(sheet):
            for channel in service.channels:
                sheet._choose(channel)
                problems += [f"step {step} {channel} selection={selection}: {fault}"
                             for fault in faults(sheet, look)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_comparisons_at_every_size(look: Look, demo_config: KioskConfig, locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    compare = ComparePanel((TV, CLARA), locale, look, catalog, lambda: None)
    problems = []
    for step in each_step(compare):
        problems += [f"step {step}: {fault}" for fault in faults(compare, look)]
    assert not problems, "\n".join(problems)


def test_the_checker_sees_an_overlap(look: Look, demo_config: KioskConfig) -> None:
    catalog = Catalog.from_config(demo_config)
    panel = ProductPanel(TV, catalog.get(TV), "fr", look, catalog)
    layer = panel.layer(0, TODAY)
    price = next(widget for widget in layer.widgets if widget.role == "price")
    heading = next(widget for widget in layer.widgets if widget.role == "heading")
    price.rect = pygame.Rect(heading.rect)
    assert any("overlaps" in fault for fault in faults(panel, look))
