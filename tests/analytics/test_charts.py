"""Charts: readable PNGs and a self-contained page, drawn even for an empty period."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pygame
import pytest

from kiosk.analytics.charts import write_charts
from kiosk.analytics.report import build_report
from kiosk.analytics.usage import EVENTS_FILE
from kiosk.cli import main
from kiosk.commands.report import product_names, show_report
from kiosk.config import KioskConfig
from tests.analytics.scripted import NAMES, write_script
from tests.paths import DEMO_CONFIG, DEMO_MEDIA

FONT = DEMO_MEDIA / "fonts" / "Inter-Regular.otf"
CHARTS = ("top_placements.png", "top_dwell.png", "funnel.png", "sends.png", "busy_hours.png")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def inked(image: pygame.Surface, box: pygame.Rect) -> int:
    """Dark pixels in ``box`` (text and bars; not the pale grid), one in four looked at."""
    return sum(1 for x in range(box.left, box.right, 2) for y in range(box.top, box.bottom, 2)
               if sum(image.get_at((x, y))[:3]) < 450)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return build_report(write_script(tmp_path_factory.mktemp("log") / "events.sqlite3"), NAMES)


def test_charts_are_large_pngs(report: dict, tmp_path: Path) -> None:
    written = write_charts(report, tmp_path / "out", "Ma Boutique", FONT)
    assert [p.name for p in written] == [*CHARTS, "index.html"]
    for name in CHARTS:
        path = tmp_path / "out" / name
        assert path.read_bytes()[:8] == PNG_MAGIC
        image = pygame.image.load(str(path))
        width, height = image.get_size()
        assert width >= 1200 and height >= 700
        assert inked(image, pygame.Rect(40, 20, 600, 100)) > 200  # the title is drawn


def test_the_page_shows_the_totals_and_the_charts_only_from_the_folder(report: dict,
                                                                       tmp_path: Path) -> None:
    write_charts(report, tmp_path, "Ma <Boutique> & Fils", FONT)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Ma &lt;Boutique&gt; &amp; Fils" in page and "<Boutique>" not in page
    for name in CHARTS:
        assert f'src="{name}"' in page
    figures = dict((label.strip(), int(value)) for value, label in
                   re.findall(r'<b class="figure">(\d+)</b>([^<]+)</li>', page))
    assert figures == {"Sessions": 5, "Placements": 5, "Comparisons": 1, "Sent to a phone": 4,
                       "Orders (carts sent)": 0, "Reservations": 0, "Offers sent": 0,
                       "Suggestions tapped": 1, "Device faults": 2}
    assert "2024-05-14" in page and "2024-05-15" in page
    assert not re.search(r"(https?:)?//", page), "the page must not load anything from outside"
    assert re.findall(r'src="([^"]+)"', page) == list(CHARTS)


def test_product_names_are_escaped_in_the_page_and_drawn(report: dict, tmp_path: Path) -> None:
    write_charts(report, tmp_path, "Store", FONT)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<maison>" not in page  # product names appear only inside the PNGs


def test_an_empty_period_still_gets_charts_saying_no_data(report: dict,
                                                          tmp_path: Path) -> None:
    empty = build_report(tmp_path / "nothing.sqlite3", {})
    written = write_charts(empty, tmp_path / "empty", "Ma Boutique", FONT)
    write_charts(report, tmp_path / "full", "Ma Boutique", FONT)
    assert len(written) == 6
    middle = pygame.Rect(540, 340, 200, 40)  # where "No data for this period" is written
    for name in ("top_placements.png", "top_dwell.png", "sends.png"):
        blank = pygame.image.load(str(tmp_path / "empty" / name))
        assert inked(blank, middle) > 50, name
    page = (tmp_path / "empty" / "index.html").read_text(encoding="utf-8")
    assert '<b class="figure">0</b> Placements' in page


def test_without_a_font_file_pygame_s_own_font_is_used(report: dict, tmp_path: Path) -> None:
    write_charts(report, tmp_path / "a", "Store", None)
    write_charts(report, tmp_path / "b", "Store", tmp_path / "missing.otf")
    for folder in ("a", "b"):
        image = pygame.image.load(str(tmp_path / folder / "funnel.png"))
        assert image.get_size() == (1280, 720)


def test_the_funnel_chart_has_a_bar_per_step(report: dict, tmp_path: Path) -> None:
    steps = {"placed": 10, "section_viewed": 8, "variant_chosen": 5, "sent": 3, "ordered": 2,
             "reserved": 1}
    write_charts({**report, "funnel": steps}, tmp_path, "Store", FONT)
    image = pygame.image.load(str(tmp_path / "funnel.png"))
    bar = (21, 101, 192)
    blue = [(x, y) for x in range(0, image.get_width(), 2) for y in range(image.get_height())
            if tuple(image.get_at((x, y))[:3]) == bar]
    left = min(x for x, _ in blue) + 2
    column = [tuple(image.get_at((left, y))[:3]) == bar for y in range(image.get_height())]
    runs = sum(1 for y in range(1, len(column)) if column[y] and not column[y - 1])
    assert runs == len(steps)
    widths = []
    for y in range(1, len(column)):
        if column[y] and not column[y - 1]:
            middle = y + 5
            widths.append(sum(tuple(image.get_at((x, middle))[:3]) == bar
                              for x in range(left, image.get_width())))
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == len(steps)


def drawn_right_edge(image: pygame.Surface, top: int, bottom: int) -> int:
    """The rightmost dark pixel between rows ``top`` and ``bottom`` (where a line of text
    ends)."""
    return max((x for x in range(image.get_width()) for y in range(top, bottom, 2)
                if sum(image.get_at((x, y))[:3]) < 300), default=0)


@pytest.mark.parametrize(("locale", "heading"), [
    ("fr", "Produits restés le plus longtemps sur la table"),
    ("en", "Top products by time on the table"),
])
def test_the_charts_speak_the_staff_s_language(report: dict, tmp_path: Path, locale: str,
                                               heading: str) -> None:
    write_charts(report, tmp_path, "Ma Boutique", FONT, locale)
    image = pygame.image.load(str(tmp_path / "top_dwell.png"))
    bold = pygame.font.Font(str(FONT.with_name("Inter-Bold.otf")), 40)
    assert drawn_right_edge(image, 30, 80) == pytest.approx(48 + bold.size(heading)[0], abs=4)


def test_the_french_page_is_french(report: dict, tmp_path: Path) -> None:
    write_charts(report, tmp_path, "Ma Boutique", FONT, "fr")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert "<title>Ma Boutique — rapport d&#x27;activité de la table</title>" in page
    assert ('Du <time datetime="2024-05-14">14 mai 2024</time> au '
            '<time datetime="2024-05-15">15 mai 2024</time>') in page
    figures = dict((label.strip(), int(value)) for value, label in
                   re.findall(r'<b class="figure">(\d+)</b>([^<]+)</li>', page))
    assert figures == {"Visites": 5, "Produits posés": 5, "Comparaisons": 1,
                       "Envois sur téléphone": 4, "Commandes (paniers envoyés)": 0,
                       "Réservations": 0, "Offres envoyées": 0, "Suggestions touchées": 1,
                       "Incidents matériels": 2}
    assert "<strong>Envois par canal</strong> : QR code (1), SMS (1), E-mail (1), NFC (1)" in page
    assert "<strong>Onglets consultés</strong> : Aperçu (1), Avis (1), Caractéristiques (1)" in page
    assert "<strong>Changements de langue</strong> : English (1)" in page
    assert "<figcaption>Du produit posé à l&#x27;envoi sur un téléphone</figcaption>" in page
    assert "sent to a phone" not in page and "From " not in page


def test_the_english_page_is_english(report: dict, tmp_path: Path) -> None:
    write_charts(report, tmp_path, "Ma Boutique", FONT, "en")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<title>Ma Boutique — table report</title>" in page
    assert "From <time" in page and "14 May 2024</time>" in page
    assert "<strong>Sent by channel</strong>: QR code: 1, SMS: 1, E-mail: 1, NFC: 1" in page
    assert "<figcaption>From placing a product to sending it</figcaption>" in page
    assert "Visites" not in page


def test_french_numbers_have_a_decimal_comma_and_narrow_spaces(tmp_path: Path) -> None:
    empty = build_report(tmp_path / "nothing.sqlite3", {})
    busy = {**empty, "sessions": 12345, "placements": {"total": 1500, "by_product": []}}
    write_charts(busy, tmp_path / "fr", "Ma Boutique", FONT, "fr")
    write_charts(busy, tmp_path / "en", "Ma Boutique", FONT, "en")
    french = (tmp_path / "fr" / "index.html").read_text(encoding="utf-8")
    english = (tmp_path / "en" / "index.html").read_text(encoding="utf-8")
    assert '<b class="figure">12\u202f345</b> Visites' in french
    assert '<b class="figure">12,345</b> Sessions' in english


def test_the_report_command_draws_in_the_store_s_language(demo_config: KioskConfig,
                                                          tmp_path: Path) -> None:
    write_script(tmp_path / "data" / EVENTS_FILE)
    texts = {}
    for locale in (None, "en"):
        out = io.StringIO()
        folder = tmp_path / (locale or "default")
        assert show_report(demo_config, tmp_path / "data", None, None, True, folder, out,
                           locale) == 0
        texts[locale] = out.getvalue()
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{locale or demo_config.store.default_locale}">' in page
    assert demo_config.store.default_locale == "fr"
    assert texts[None] == texts["en"]  # the JSON is the same whatever the page's language
    assert json.loads(texts["en"])["sessions"] == 5
    out = io.StringIO()
    assert show_report(demo_config, tmp_path / "data", None, None, False, None, out, "de") == 2
    assert "not one of the store's locales (fr, en)" in out.getvalue()


def test_product_names_follow_the_page_s_language(demo_config: KioskConfig) -> None:
    french, english = product_names(demo_config), product_names(demo_config, "en")
    assert french["03760000000017"].startswith("Téléviseur")
    assert english["03760000000017"] != french["03760000000017"]


def test_kiosk_report_takes_the_language_on_its_command_line(tmp_path: Path) -> None:
    write_script(tmp_path / "data" / EVENTS_FILE)
    common = ["report", "--config", str(DEMO_CONFIG), "--data", str(tmp_path / "data")]
    assert main([*common, "--out", str(tmp_path / "en"), "--locale", "en"]) == 0
    assert main([*common, "--out", str(tmp_path / "fr")]) == 0
    assert '<html lang="en">' in (tmp_path / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in (tmp_path / "fr" / "index.html").read_text(encoding="utf-8")
    assert main([*common, "--locale", "de"]) == 2
