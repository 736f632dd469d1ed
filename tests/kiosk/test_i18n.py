from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kiosk import i18n


def test_prices_are_written_the_local_way() -> None:
    assert i18n.price(Decimal("1299.00"), "EUR", "fr") == "1\u00a0299\u00a0€"
    assert i18n.price(Decimal("12.5"), "EUR", "fr") == "12,50\u00a0€"
    assert i18n.price(Decimal("1299.00"), "EUR", "en") == "€1,299"
    assert i18n.price(Decimal("12.5"), "CHF", "en") == "CHF\u00a012.50"


def test_dates_show_the_year_only_when_it_is_not_this_year() -> None:
    today = dt.date(2026, 11, 26)
    assert i18n.short_date(dt.date(2026, 12, 31), "fr", today) == "31 déc."
    assert i18n.short_date(dt.date(2027, 1, 5), "en", today) == "5 Jan 2027"


def test_every_sentence_exists_in_french_and_english() -> None:
    for key, variants in i18n.STRINGS.items():
        assert set(variants) >= {"fr", "en"}, key


def test_language_button_cycles() -> None:
    assert i18n.next_locale("fr", ("fr", "en")) == "en"
    assert i18n.next_locale("en", ("fr", "en")) == "fr"
    assert i18n.rating(4.26, "fr") == "4,3"
    assert i18n.rating(4.26, "en") == "4.3"
