"""Charts: readable PNGs and a self-contained page, drawn even for an empty period."""

from __future__ import annotations

import re
from pathlib import Path

import pygame
import pytest

from kiosk.analytics.charts import write_charts
from kiosk.analytics.report import build_report
from tests.analytics.scripted import NAMES, write_script
from tests.paths import DEMO_MEDIA

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
    assert figures == {"sessions": 5, "placements": 5, "comparisons": 1, "sent to a phone": 4,
                       "suggestions tapped": 1, "device faults": 2}
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
    assert '<b class="figure">0</b> placements' in page


def test_without_a_font_file_pygame_s_own_font_is_used(report: dict, tmp_path: Path) -> None:
    write_charts(report, tmp_path / "a", "Store", None)
    write_charts(report, tmp_path / "b", "Store", tmp_path / "missing.otf")
    for folder in ("a", "b"):
        image = pygame.image.load(str(tmp_path / folder / "funnel.png"))
        assert image.get_size() == (1280, 720)
