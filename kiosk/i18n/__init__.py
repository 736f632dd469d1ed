"""What the kiosk itself says, in each locale, and how it writes prices, numbers and dates.

The sentences live in ``kiosk/i18n/locales/<locale>.yaml`` so a translator edits text, not code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml

NBSP = "\u00a0"
SHOWN_CODE = 200

LOCALES_DIR = Path(__file__).with_name("locales")
FALLBACK = "en"


def load_strings(folder: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """Every UI sentence by key, then locale, from ``locales/<locale>.yaml``.

    Raises ValueError when a file is not a flat mapping of text, or when the files do not all
    have the same keys: a sentence missing in one language would show English mid-French.
    """
    strings: dict[str, dict[str, str]] = {}
    keys: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(
                isinstance(key, str) and isinstance(value, str) for key, value in data.items()):
            raise ValueError(f"{path}: expected 'key: text' lines only")
        keys[path.stem] = set(data)
        for key, value in data.items():
            strings.setdefault(key, {})[path.stem] = value
    every = set().union(*keys.values()) if keys else set()
    for locale, present in keys.items():
        if present != every:
            missing = ", ".join(sorted(every - present))
            raise ValueError(f"{folder / locale}.yaml lacks {missing}")
    return strings


STRINGS = load_strings()
UI_LOCALES = tuple(sorted({locale for variants in STRINGS.values() for locale in variants}))

MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def text(key: str, locale: str, **values: object) -> str:
    """The kiosk's sentence ``key`` in ``locale`` (English for a locale it has no file for)."""
    variants = STRINGS[key]
    template = variants.get(locale) or variants[FALLBACK]
    return template.format(**values) if values else template


def price(amount: Decimal, currency: str, locale: str) -> str:
    """``1 299,00 €`` in French, ``€1,299.00`` in English, as the web shop writes them."""
    number = f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if locale == "fr":
        number = number.replace(",", NBSP).replace(".", ",")
        return f"{number}{NBSP}{symbol}"
    return f"{symbol}{number}" if len(symbol) == 1 else f"{symbol}{NBSP}{number}"


def short_date(day: dt.date, locale: str, today: dt.date) -> str:
    """``31 déc.`` / ``31 Dec``, with the year when it is not ``today``'s."""
    months = MONTHS.get(locale, MONTHS["en"])
    label = f"{day.day} {months[day.month - 1]}"
    if day.year != today.year:
        label += f" {day.year}"
    return label


def next_locale(current: str, locales: tuple[str, ...]) -> str:
    """The locale a language button switches to."""
    index = locales.index(current) if current in locales else -1
    return locales[(index + 1) % len(locales)]


def rating(average: float, locale: str) -> str:
    """``4,3`` in French, ``4.3`` in English."""
    formatted = f"{average:.1f}"
    return formatted.replace(".", ",") if locale == "fr" else formatted


def printable(code: str) -> str:
    """Content read from a code, safe to show or log: control characters escaped, bounded."""
    shown = code[:SHOWN_CODE].encode("unicode_escape").decode("ascii")
    return shown + ("…" if len(code) > SHOWN_CODE else "")
