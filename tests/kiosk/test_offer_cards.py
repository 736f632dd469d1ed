"""Offers on the table, drawn directly: the banner of a product's offer at every size of panel
in both languages and in large text, the offer sheet at every size and channel (nothing
overlapping, nothing too small), the code shown beside the QR code, the banner gone once the
pool is empty, and nothing drawn again while nothing changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff.service import SendService
from kiosk.offers.pool import CodePool
from kiosk.offers.service import OfferService
from kiosk.scenes.offer_sheet import OfferSheet
from kiosk.scenes.product_panel import ProductPanel
from kiosk.ui.look import Look
from tests.kiosk.test_card_layouts import TODAY, each_step, faults, sheet_faults

ESPRESSO, SHOE, TV = "3760000000178", "3760000000093", "3760000000017"
LABELS = {"fr": "Recevoir l'offre", "en": "Get the offer"}


@pytest.fixture
def offers(demo_config: KioskConfig, service: SendService, tmp_path: Path
           ) -> Iterator[OfferService]:
    made = OfferService(demo_config, service, CodePool(tmp_path / "offers.sqlite3"), None,
                        None, environ={})
    made.settle(10)
    yield made
    made.close()


def widgets(card: Any) -> list[Any]:
    return [widget for widget, _ in card.layer(0, TODAY).visible_widgets()]


def panel_of(code: str, locale: str, look: Look, catalog: Catalog, service: SendService,
             offers: OfferService, opened: list[tuple[str, str]]) -> ProductPanel:
    return ProductPanel(code, catalog.get(code), locale, look, catalog, send=service,
                        on_order=lambda origin, code: None,
                        on_reserve=lambda origin, code: None, offers=offers,
                        on_offer=lambda origin, offer_id: opened.append((origin, offer_id)))


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_offer_banners_at_every_size(look: Look, demo_config: KioskConfig,
                                     service: SendService, offers: OfferService,
                                     locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    problems: list[str] = []
    opened: list[tuple[str, str]] = []
    for code, offer_id in ((ESPRESSO, "espresso-welcome"), (SHOE, "run-club-15")):
        panel = panel_of(code, locale, look, catalog, service, offers, opened)
        for step in each_step(panel):
            problems += [f"{code} step {step}: {fault}" for fault in faults(panel, look)]
            if step < 2:  # the compact panel has no room for a section, nor for the banner
                (button,) = [w for w in widgets(panel) if w.label == LABELS[locale]]
                button.on_tap()
                assert opened[-1] == (code, offer_id)
                assert {"offer_badge", "offer"} <= {w.role for w in widgets(panel)}
    tv = panel_of(TV, locale, look, catalog, service, offers, opened)
    assert not [w for w in widgets(tv) if w.role in ("offer", "offer_badge")]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_offer_sheets_at_every_size_and_channel(look: Look, demo_config: KioskConfig,
                                                service: SendService, offers: OfferService,
                                                locale: str) -> None:
    catalog = Catalog.from_config(demo_config)
    sheet = OfferSheet(SHOE, "run-club-15", SHOE, locale, look, catalog, service, offers,
                       lambda: None)
    offers.settle(10)
    problems = sheet_faults(sheet, look, service.channels)
    assert not problems, "\n".join(problems)
    sheet._choose("qr")
    (qr,) = [widget for widget in widgets(sheet) if widget.role == "qr"]
    assert qr.text == ("https://shop.maison-rivoli.example/offres/run-club-15?code=RUNCLUB15"
                       "&store=paris-rivoli")
    assert any("RUNCLUB15" in widget.text for widget in widgets(sheet))
    assert LABELS[locale] in [widget.text for widget in widgets(sheet)]


def test_the_banner_goes_when_the_pool_is_empty_and_is_not_drawn_again_meanwhile(
        look: Look, demo_config: KioskConfig, service: SendService,
        offers: OfferService) -> None:
    catalog = Catalog.from_config(demo_config)
    panel = panel_of(ESPRESSO, "fr", look, catalog, service, offers, [])
    first = panel.layer(0, TODAY)
    assert panel.layer(0, TODAY) is first  # nothing changed: the same layer
    sheets = [OfferSheet(ESPRESSO, "espresso-welcome", f"panel-{n}", "fr", look, catalog,
                         service, offers, lambda: None) for n in range(4)]
    offers.settle(10)
    codes = [sheet.grant.code if sheet.grant else None for sheet in sheets]
    assert sorted(code for code in codes if code) == ["ESPRESSO-7Q2K", "ESPRESSO-M4XD",
                                                      "ESPRESSO-R9TB"]
    assert codes.count(None) == 1
    gone = sheets[codes.index(None)]
    notices = [widget.text for widget in widgets(gone) if widget.role == "notice"]
    assert notices == ["Désolé, cette offre n'est plus disponible."]
    again = panel.layer(0, TODAY)
    assert again is not first
    assert not [w for w in widgets(panel) if w.role in ("offer", "offer_badge")]


def test_nfc_presents_the_shoppers_copy(look: Look, demo_config: KioskConfig,
                                        service: SendService, offers: OfferService) -> None:
    presented: list[str] = []
    service._nfc.offer_link = lambda url, seconds, done: presented.append(url) or True
    sheet = OfferSheet(SHOE, "run-club-15", SHOE, "en", look, Catalog.from_config(demo_config),
                       service, offers, lambda: None)
    offers.settle(10)
    sheet._choose("nfc")
    (start,) = [widget for widget in widgets(sheet) if widget.label == "Start"]
    start.on_tap()
    assert presented == [sheet.grant.link] and "code=RUNCLUB15" in presented[0]
