from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk import i18n
from tests.paths import REPO


def test_prices_are_written_the_local_way() -> None:
    assert i18n.price(Decimal("1299"), "EUR", "fr") == "1\u00a0299,00\u00a0€"
    assert i18n.price(Decimal("12.5"), "EUR", "fr") == "12,50\u00a0€"
    assert i18n.price(Decimal("1299.00"), "EUR", "en") == "€1,299.00"
    assert i18n.price(Decimal("12.5"), "CHF", "en") == "CHF\u00a012.50"
    assert i18n.price(Decimal("1234567.8"), "GBP", "en") == "£1,234,567.80"


def test_dates_show_the_year_only_when_it_is_not_this_year() -> None:
    today = dt.date(2026, 11, 26)
    assert i18n.short_date(dt.date(2026, 12, 31), "fr", today) == "31 déc."
    assert i18n.short_date(dt.date(2027, 1, 5), "en", today) == "5 Jan 2027"


def test_every_sentence_exists_in_french_and_english() -> None:
    for key, variants in i18n.STRINGS.items():
        assert set(variants) >= {"fr", "en"}, key


def test_every_key_the_code_asks_for_is_in_the_locale_files() -> None:
    used: set[str] = set()
    for path in (REPO / "kiosk").rglob("*.py"):
        used |= set(re.findall(r'i18n\.text\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'\btext\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 10  # the patterns still find the calls
    assert used - set(i18n.STRINGS) == set()


def test_a_locale_file_missing_a_sentence_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fr.yaml").write_text("invite: Posez\ntab.specs: Caractéristiques\n",
                                      encoding="utf-8")
    (tmp_path / "en.yaml").write_text("invite: Place\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"en\.yaml lacks tab\.specs"):
        i18n.load_strings(tmp_path)
    (tmp_path / "en.yaml").write_text("invite: [a, b]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected 'key: text' lines only"):
        i18n.load_strings(tmp_path)


def test_a_store_locale_without_a_file_falls_back_to_english() -> None:
    assert i18n.text("tab.specs", "de") == "Specs"


def test_language_button_cycles() -> None:
    assert i18n.next_locale("fr", ("fr", "en")) == "en"
    assert i18n.next_locale("en", ("fr", "en")) == "fr"
    assert i18n.rating(4.26, "fr") == "4,3"
    assert i18n.rating(4.26, "en") == "4.3"
